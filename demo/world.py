"""The world of a demo: seeded randomness, the date of today, the places, and the small draws every table uses."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from faker import Faker

from demo.data_files import load
from demo.territory import SnpProfile, Territory
from domain.communes import CommuneInfo, commune, neighbours

T = TypeVar("T")


@dataclass
class World:
    seed: int
    today: date
    home: CommuneInfo
    nearby: list[CommuneInfo]  # the other communes where members and patients live
    territory: list[CommuneInfo]  # the communes of the table Territoire
    snp: SnpProfile
    fake: Faker

    @classmethod
    def make(cls, where: Territory, seed: int, today: date) -> World:
        """The world of a territory: its listed communes, else its home commune and 8 of its neighbours."""
        home = commune(where.home)
        listed = [commune(code) for code in where.communes if code != where.home]
        nearby = listed or neighbours(where.home, 8)
        return cls(seed, today, home, nearby, [home, *listed], where.profile, Faker("fr_FR"))

    def rng(self, topic: str) -> random.Random:
        """An independent random stream per table, so that one table's changes leave the others alone."""
        self.fake.seed_instance(f"{self.seed}-{topic}")
        return random.Random(f"{self.seed}-{topic}")

    def place(self, rng: random.Random, home_share: float) -> CommuneInfo:
        """The CPTS commune, or sometimes a neighbour (weighted by population)."""
        if not self.nearby or rng.random() < home_share:
            return self.home
        return rng.choices(self.nearby, weights=[max(c.population, 1) for c in self.nearby])[0]

    def days_ago(self, days: int) -> date:
        return self.today - timedelta(days=days)


def pick(rng: random.Random, weighted: Sequence[tuple[T, float]]) -> T:
    return rng.choices([value for value, _ in weighted], weights=[weight for _, weight in weighted])[0]


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, min(day.day, 28))


def age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def birth_date(rng: random.Random, on: date, years: int) -> date:
    """A birth date making someone exactly `years` old on `on`."""
    latest = years_before(on, years)
    earliest = years_before(on, years + 1) + timedelta(days=1)
    return earliest + timedelta(days=rng.randint(0, (latest - earliest).days))


def between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max((end - start).days, 0)))


_PREFIX_OF_DEPARTMENT = {
    department: prefix
    for prefix, departments in load("indicatifs_telephoniques")["landline_prefix"].items()
    for department in departments.split()
}


def phone(rng: random.Random, department: str, mobile: bool) -> str:
    """A French phone number: a mobile one, or a landline one with the prefix of the département."""
    if mobile:
        head = rng.choice(("06", "06", "07"))
        pairs = [rng.randint(10, 99) if head == "06" else rng.randint(50, 89)]
    else:
        head = _PREFIX_OF_DEPARTMENT.get(department, "09")
        pairs = [rng.randint(30, 79)]
    pairs += [rng.randint(0, 99) for _ in range(3)]
    return " ".join([head, *(f"{pair:02d}" for pair in pairs)])
