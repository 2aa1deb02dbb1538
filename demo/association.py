"""The demo's life of the association, from demo/data/association.toml: maîtres de stage among the active
members, trainees over the last two years, professionals who settled with the CPTS's help, and each active
member's dues for last year and this year (paid as their « Cotisation payée pour » says)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from demo.data_files import entries, load
from demo.members import practising
from demo.world import World, add_months, between
from domain.association import INSTALLATION_TARGET, TRAINEE_TARGET
from domain.association_dues import dues_key
from schema.association import Due, Installation, Mentor, Trainee
from schema.models import Member

_DATA = load("association")
_WHERE = "demo/data/association.toml"
FLAT_DUES = 50  # the default of Paramètres « Cotisation annuelle »


@dataclass(frozen=True)
class MentorPlan:
    profession: str
    count: int
    approved_for: list[str]


@dataclass(frozen=True)
class TraineePlan:
    profession: str
    level: str
    count: int
    months: int
    starts_days_ago: int


@dataclass(frozen=True)
class InstallationPlan:
    profession: str
    days_ago: int
    help: list[str] = field(default_factory=list)


MENTOR_PLANS = entries(MentorPlan, _DATA["mentor"], f"{_WHERE} [[mentor]]")
TRAINEE_PLANS = entries(TraineePlan, _DATA["trainee"], f"{_WHERE} [[trainee]]")
INSTALLATION_PLANS = entries(InstallationPlan, _DATA["installation"], f"{_WHERE} [[installation]]")
DUES_BY_PROFESSION: dict[str, int] = dict(_DATA["dues"]["by_profession"])
# The targets of the demo's calculated indicators of mission 6 (Indicateurs « Cible »): those of Paramètres.
ASSOCIATION_TARGETS: dict[str, int] = {
    "stagiaires_annee": int(TRAINEE_TARGET.default),
    "maitres_de_stage_agrees": sum(plan.count for plan in MENTOR_PLANS),
    "installations_accompagnees_annee": int(INSTALLATION_TARGET.default),
}


def dues_parameters() -> dict[str, str]:
    """The Paramètres values of the demo's own dues (key → value)."""
    return {dues_key(profession): str(amount) for profession, amount in DUES_BY_PROFESSION.items()}


def mentors(members: list[Member]) -> list[Mentor]:
    rows: list[Mentor] = []
    for plan in MENTOR_PLANS:
        for member in practising(members, plan.profession, None)[: plan.count]:
            rows.append(Mentor(id=len(rows) + 1, member=member.id, approved_for=plan.approved_for))
    return rows


def trainees(world: World, members: list[Member], mentor_rows: list[Mentor]) -> list[Trainee]:
    rng = world.rng("trainees")
    by_id = {member.id: member for member in members}
    rows: list[Trainee] = []
    for plan in TRAINEE_PLANS:
        hosts = [row.member for row in mentor_rows if (m := by_id.get(row.member)) and m.profession == plan.profession]
        start = world.days_ago(plan.starts_days_ago)
        for index in range(plan.count):
            end = add_months(start, plan.months) - timedelta(days=1)
            rows.append(
                Trainee(
                    id=len(rows) + 1,
                    name=f"{world.fake.first_name()} {world.fake.last_name()}",
                    profession=plan.profession,
                    level=plan.level,
                    host=hosts[index % len(hosts)] if hosts else None,
                    start=start,
                    end=end,
                )
            )
            start = end + timedelta(days=rng.randint(1, 20))
    return rows


def installations(world: World) -> list[Installation]:
    rng = world.rng("installations")
    return [
        Installation(
            id=position,
            name=f"{world.fake.first_name()} {world.fake.last_name()}",
            on=world.days_ago(plan.days_ago),
            profession=plan.profession,
            insee_code=world.place(rng, 0.7).insee_code,
            help_given=plan.help,
        )
        for position, plan in enumerate(INSTALLATION_PLANS, start=1)
    ]


def dues(world: World, members: list[Member]) -> list[Due]:
    """Last year's and this year's dues of every active member, paid when « Cotisation payée pour » reaches
    the year."""
    rng = world.rng("dues")
    rows: list[Due] = []
    for year in (world.today.year - 1, world.today.year):
        first = date(year, 1, 15)
        for member in members:
            if not member.active or member.member_since is None or member.member_since.year > year:
                continue
            paid = (member.dues_paid_year or 0) >= year
            amount = DUES_BY_PROFESSION.get(member.profession or "", FLAT_DUES)
            paid_on = between(rng, min(first, world.today), min(date(year, 6, 30), world.today)) if paid else None
            rows.append(
                Due(id=len(rows) + 1, member=member.id, year=year, amount=Decimal(amount), paid=paid, paid_on=paid_on)
            )
    return rows
