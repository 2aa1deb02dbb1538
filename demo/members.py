"""The members of the demo CPTS (Professionnels): a mix of professions scaled to the size asked, with RPPS
numbers, practices, contacts, dues, and for some GPs their availability for new patients.

The mix, the practice names and the publics accepted are in demo/data/membres.toml."""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from demo.data_files import entries, load
from demo.world import World, phone, pick
from domain.communes import CommuneInfo
from schema.models import GP_SPECIALTY, RPPS_PROFESSIONS, Member

ACCEPTING_SHARE = 3 / 7  # of the GPs: 15 of 35 in the small CPTS, 200 of 467 in the large one
PHYSICIAN = "Médecin"
NURSE = "Infirmier"  # the kind that absorbs rounding, so that the total is exact
_DATA = load("membres")


@dataclass(frozen=True)
class Kind:
    """A kind of member of the demo CPTS and how many of them a 150-member CPTS has."""

    profession: str
    count: int
    female_share: float
    structures: dict[str, float]  # where they practise, with relative weights
    specialty: str | None = None
    home_visits: float = 0.0


KINDS = entries(Kind, _DATA["kind"], "demo/data/membres.toml [[kind]]")
_POPULATION_CHOICES = tuple((tuple(row["groups"]), row["share"]) for row in _DATA["populations_accepted"])
_STRUCTURE_PREFIX = {"MSP": "Maison de santé", "Pharmacie": "Pharmacie", "Clinique": "Clinique"}


def members(world: World, total: int) -> list[Member]:
    rng = world.rng("members")
    plan: list[tuple[Kind, bool]] = []
    for kind, count in zip(KINDS, _kind_counts(total), strict=True):
        accepting = round(count * ACCEPTING_SHARE) if kind.specialty == GP_SPECIALTY else 0
        plan += [(kind, index < accepting) for index in range(count)]
    rng.shuffle(plan)
    rpps_numbers: set[str] = set()
    emails: set[str] = set()
    return [
        _member(world, rng, position, kind, accepting, rpps_numbers, emails)
        for position, (kind, accepting) in enumerate(plan, start=1)
    ]


def practising(members: list[Member], profession: str, specialty: str | None) -> list[Member]:
    """The active members of this profession (and specialty; None for any)."""
    return [
        m
        for m in members
        if m.active and m.profession == profession and (specialty is None or m.specialty == specialty)
    ]


def _kind_counts(total: int) -> list[int]:
    base = sum(kind.count for kind in KINDS)
    counts = [max(1, round(kind.count * total / base)) for kind in KINDS]
    nurses = next(index for index, kind in enumerate(KINDS) if kind.profession == NURSE)
    counts[nurses] += total - sum(counts)
    return counts


def _member(
    world: World,
    rng: random.Random,
    position: int,
    kind: Kind,
    accepting: bool,
    rpps_numbers: set[str],
    emails: set[str],
) -> Member:
    female = rng.random() < kind.female_share
    first = world.fake.first_name_female() if female else world.fake.first_name_male()
    last = world.fake.last_name()
    place = world.place(rng, home_share=0.8)
    structure = pick(rng, tuple(kind.structures.items()))
    since = world.days_ago(rng.randint(0, 5 * 365))
    active = rng.random() < 0.96
    return Member(
        id=position,
        last_name=last,
        first_name=first,
        profession=kind.profession,
        specialty=kind.specialty,
        rpps=_rpps(rng, rpps_numbers) if kind.profession in RPPS_PROFESSIONS.values() else None,
        practice_mode=_practice_mode(rng, structure),
        structure=structure,
        structure_name=_structure_name(rng, structure, kind.profession, place),
        insee_code=place.insee_code,
        address=_address(world, rng, place),
        phone=phone(rng, place.department, mobile=kind.profession == NURSE or rng.random() < 0.2),
        email=_email(rng, first, last, kind.profession, emails),
        member_since=since,
        dues_paid_year=_dues_year(rng, world.today, since, active),
        active=active,
        languages=_languages(rng),
        **_gp_availability(world, rng, kind, accepting),
    )


def _rpps(rng: random.Random, taken: set[str]) -> str:
    """An 11-digit RPPS number: "10", 8 digits and a Luhn check digit, unique among `taken`."""
    while True:
        body = "10" + "".join(str(rng.randint(0, 9)) for _ in range(8))
        number = body + str(_luhn_digit(body))
        if number not in taken:
            taken.add(number)
            return number


def _luhn_digit(body: str) -> int:
    total = 0
    for index, char in enumerate(reversed(body)):
        digit = int(char) * (2 if index % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return (10 - total % 10) % 10


def _practice_mode(rng: random.Random, structure: str) -> str:
    if structure in ("Hôpital", "Centre de santé", "Autre"):
        return "Salarié"
    return "Mixte" if rng.random() < 0.1 else "Libéral"


def _structure_name(rng: random.Random, structure: str, profession: str, place: CommuneInfo) -> str:
    spot = rng.choice(_DATA["places"])
    if structure == "Cabinet":
        return f"Cabinet {_DATA['cabinet_label'].get(profession, 'paramédical')} {spot}"
    if structure == "Centre de santé":
        return f"Centre municipal de santé {_of(place.name)}"
    if structure == "Hôpital":
        return f"Hôpital {_of(place.name)}"
    if structure == "Autre":
        return f"CCAS {_of(place.name)}" if profession == "Travailleur social" else f"CMP {_of(place.name)}"
    return f"{_STRUCTURE_PREFIX[structure]} {spot}"


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower().replace(" ", "-") if ch.isalnum() or ch == "-")


def _of(name: str) -> str:
    """French "de" before a place name: "d'Issy-les-Moulineaux", "de Vanves", "du Mans"."""
    for article, contracted in (("Le ", "du "), ("Les ", "des ")):
        if name.startswith(article):
            return contracted + name[len(article) :]
    return f"d'{name}" if _ascii(name[:1]) in tuple("aeiouyh") else f"de {name}"


def _address(world: World, rng: random.Random, place: CommuneInfo) -> str:
    postcode = rng.choice(place.postcodes) if place.postcodes else ""
    return f"{rng.randint(1, 120)} {world.fake.street_name()}, {postcode} {place.name}".replace("  ", " ")


def _email(rng: random.Random, first: str, last: str, profession: str, taken: set[str]) -> str:
    secure = {PHYSICIAN: "medecin.mssante.fr", "Pharmacien": "pharmacien.mssante.fr"}.get(profession)
    domain = secure if secure and rng.random() < 0.5 else rng.choice(_DATA["mail_domains"])
    local = f"{_ascii(first)}.{_ascii(last)}"
    email, suffix = f"{local}@{domain}", 1
    while email in taken:
        suffix += 1
        email = f"{local}{suffix}@{domain}"
    taken.add(email)
    return email


def _dues_year(rng: random.Random, today: date, since: date, active: bool) -> int | None:
    if since.year == today.year or (active and rng.random() < 0.82):
        return today.year
    return today.year - 1 if rng.random() < 0.6 else None


def _languages(rng: random.Random) -> list[str]:
    languages = ["Anglais"] if rng.random() < 0.3 else []
    if rng.random() < 0.1:
        languages.append(rng.choice(_DATA["other_languages"]))
    return languages


def _gp_availability(world: World, rng: random.Random, kind: Kind, accepting: bool) -> dict[str, Any]:
    """Whether the member takes new patients as médecin traitant, when, how many and whom."""
    if not accepting:
        return {"home_visits": rng.random() < kind.home_visits}
    roll = rng.random()
    if roll < 0.4:
        available_from: date | None = world.today + timedelta(days=rng.randint(7, 180))
    elif roll < 0.7:
        available_from = world.days_ago(rng.randint(10, 200))
    else:
        available_from = None
    return {
        "accepts_new_patients": True,
        "available_from": available_from,
        "monthly_capacity": rng.randint(2, 10),
        "populations_accepted": list(pick(rng, _POPULATION_CHOICES)),
        "home_visits": rng.random() < 0.4,
        "cpts_referrals_only": rng.random() < 0.3,
    }
