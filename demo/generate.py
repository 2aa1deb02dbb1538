"""A demo CPTS: realistic, deterministic records for every table of the base.

Pure data generation: `generate()` returns record models and talks to no server; another module
writes them to NocoDB. Each record's `id` is its 1-based position in its table's list, and link
attributes hold these local ids (the writer maps them to NocoDB's ids).

Same arguments, same output: randomness comes only from `random.Random` and `Faker` instances
seeded from `seed`, and every date is computed from `today`.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal, TypeVar

from faker import Faker

from domain.access import DEFAULT_IDLE_MINUTES, IDLE_KEY
from domain.communes import CommuneInfo, commune, neighbours
from domain.funding import SettingDefault, default_settings
from domain.pathways import parse_condition
from domain.priority import PER_MONTH_KEY, Weights, weight_key
from domain.retention import DEFAULT_RETENTION_MONTHS, RETENTION_KEY
from schema.fields import Record
from schema.models import (
    ACTION_DONE,
    ACTION_IN_PROGRESS,
    ACTION_NOT_STARTED,
    GP_SPECIALTY,
    PATIENT_CLOSED,
    PATIENT_DROPPED,
    PATIENT_FOUND,
    PATIENT_PROPOSED,
    PATIENT_WAITING,
    RPPS_PROFESSIONS,
    TABLES,
    AccessEntry,
    Action,
    Commune,
    Enrolment,
    Indicator,
    Member,
    Milestone,
    Pathway,
    PathwayMember,
    PathwayStep,
    Patient,
    Proposal,
    Setting,
    StepDone,
)
from services.territory import territory_row

T = TypeVar("T")
Size = Literal["small", "large"]


@dataclass(frozen=True)
class _Scale:
    members: int
    patients: int
    enrolments: int


SCALES: dict[str, _Scale] = {
    "small": _Scale(members=150, patients=400, enrolments=150),
    "large": _Scale(members=2000, patients=50_000, enrolments=2000),
}
ACCEPTING_SHARE = 3 / 7  # of the GPs: 15 of 35 in the small CPTS, 200 of 467 in the large one

PHYSICIAN = "Médecin"
GYNAECOLOGY, OPHTHALMOLOGY, ENDOCRINOLOGY = "Gynécologie", "Ophtalmologie", "Endocrinologie-diabétologie"
GASTROENTEROLOGY, RADIOLOGY, CARDIOLOGY, PAEDIATRICS = (
    "Gastro-entérologie",
    "Radiologie",
    "Cardiologie",
    "Pédiatrie",
)

ENDOMETRIOSIS = "Endométriose"
DIABETES = "Diabète de type 2"
CERVICAL = "Dépistage du cancer du col de l'utérus"
COLORECTAL = "Dépistage du cancer colorectal"
BREAST = "Dépistage du cancer du sein"

CPTS_NAME_KEY = "Nom de la CPTS"
SIGNATURE_KEY = "Date de signature ACI"


def generate(
    size: Size = "small",
    insee_code: str = "92040",
    seed: int = 2026,
    today: date | None = None,
) -> dict[str, list[Record]]:
    """Every table of a demo CPTS centred on the commune `insee_code`, keyed like `schema.models.TABLES`."""
    if size not in SCALES:
        raise ValueError(f"Taille inconnue : {size!r} (attendu : small ou large)")
    world = _World.make(insee_code, seed, today or date.today())
    scale = SCALES[size]
    members = _members(world, scale.members)
    patients = _patients(world, scale.patients, members)
    proposals = _proposals(world, patients, members)
    pathways = _pathways()
    steps = _pathway_steps(pathways)
    enrolments = _enrolments(world, scale.enrolments, patients, pathways)
    actions = _actions(world, members)
    tables: dict[str, list[Record]] = {
        "members": members,
        "patients": patients,
        "proposals": proposals,
        "pathways": pathways,
        "pathway_steps": steps,
        "pathway_members": _pathway_members(world, members, pathways),
        "enrolments": enrolments,
        "steps_done": _steps_done(world, enrolments, patients, pathways, steps),
        "actions": actions,
        "milestones": _milestones(world, actions),
        "indicators": _indicators(world, actions, members, patients, enrolments, pathways),
        "territory": _territory(world),
        "settings": _settings(world),
        "access_log": _access_log(),
    }
    return {spec.key: tables[spec.key] for spec in TABLES}


# --- the world: seeded randomness, the date of today, the places -------------------------------


@dataclass
class _World:
    seed: int
    today: date
    home: CommuneInfo
    nearby: list[CommuneInfo]
    fake: Faker

    @classmethod
    def make(cls, insee_code: str, seed: int, today: date) -> _World:
        return cls(seed, today, commune(insee_code), neighbours(insee_code, 8), Faker("fr_FR"))

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


def _pick(rng: random.Random, weighted: Sequence[tuple[T, float]]) -> T:
    return rng.choices([value for value, _ in weighted], weights=[weight for _, weight in weighted])[0]


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, min(day.day, 28))


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _birth_date(rng: random.Random, on: date, age: int) -> date:
    """A birth date making someone exactly `age` years old on `on`."""
    latest = _years_before(on, age)
    earliest = _years_before(on, age + 1) + timedelta(days=1)
    return earliest + timedelta(days=rng.randint(0, (latest - earliest).days))


def _between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max((end - start).days, 0)))


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower().replace(" ", "-") if ch.isalnum() or ch == "-")


def _of(name: str) -> str:
    """French "de" before a place name: "d'Issy-les-Moulineaux", "de Vanves", "du Mans"."""
    for article, contracted in (("Le ", "du "), ("Les ", "des ")):
        if name.startswith(article):
            return contracted + name[len(article) :]
    return f"d'{name}" if _ascii(name[:1]) in tuple("aeiouyh") else f"de {name}"


# --- phone numbers -------------------------------------------------------------------------------

_LANDLINE_PREFIX = {
    "01": "75 77 78 91 92 93 94 95",
    "02": "14 18 22 27 28 29 35 36 37 41 44 45 49 50 53 56 61 72 76 85 974 976",
    "03": "02 08 10 21 25 39 51 52 54 55 57 58 59 60 62 67 68 70 71 80 88 89 90",
    "04": "01 03 04 05 06 07 11 13 15 26 2A 2B 30 34 38 42 43 48 63 66 69 73 74 83 84",
    "05": "09 12 16 17 19 23 24 31 32 33 40 46 47 64 65 79 81 82 86 87 971 972 973",
}
_PREFIX_OF_DEPARTMENT = {dep: prefix for prefix, deps in _LANDLINE_PREFIX.items() for dep in deps.split()}


def _phone(rng: random.Random, department: str, mobile: bool) -> str:
    if mobile:
        head = rng.choice(("06", "06", "07"))
        pairs = [rng.randint(10, 99) if head == "06" else rng.randint(50, 89)]
    else:
        head = _PREFIX_OF_DEPARTMENT.get(department, "09")
        pairs = [rng.randint(30, 79)]
    pairs += [rng.randint(0, 99) for _ in range(3)]
    return " ".join([head, *(f"{pair:02d}" for pair in pairs)])


# --- members -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    """A kind of member of the demo CPTS and how many of them a 150-member CPTS has."""

    profession: str
    specialty: str | None
    count: int
    female_share: float
    structures: tuple[tuple[str, float], ...]
    home_visits: float = 0.0


_CABINET = (("Cabinet", 0.8), ("MSP", 0.2))
_MEMBER_KINDS: tuple[_Kind, ...] = (
    _Kind(
        PHYSICIAN,
        GP_SPECIALTY,
        35,
        0.5,
        (("Cabinet", 55), ("MSP", 30), ("Centre de santé", 10), ("Hôpital", 5)),
        0.25,
    ),
    _Kind(PHYSICIAN, GYNAECOLOGY, 3, 0.8, (("Cabinet", 60), ("Clinique", 25), ("Hôpital", 15))),
    _Kind(PHYSICIAN, OPHTHALMOLOGY, 2, 0.5, (("Cabinet", 70), ("Clinique", 30))),
    _Kind(PHYSICIAN, ENDOCRINOLOGY, 1, 0.6, (("Cabinet", 50), ("Hôpital", 50))),
    _Kind(PHYSICIAN, GASTROENTEROLOGY, 1, 0.4, (("Clinique", 60), ("Hôpital", 40))),
    _Kind(PHYSICIAN, RADIOLOGY, 2, 0.4, (("Cabinet", 60), ("Clinique", 40))),
    _Kind(PHYSICIAN, CARDIOLOGY, 1, 0.3, (("Cabinet", 70), ("Clinique", 30))),
    _Kind(PHYSICIAN, PAEDIATRICS, 2, 0.7, (("Cabinet", 70), ("Centre de santé", 30))),
    _Kind(
        "Infirmier",
        None,
        27,
        0.87,
        (("Cabinet", 60), ("MSP", 15), ("Centre de santé", 10), ("Hôpital", 15)),
        0.9,
    ),
    _Kind("Pharmacien", None, 18, 0.68, (("Pharmacie", 95), ("Hôpital", 5))),
    _Kind("Masseur-kinésithérapeute", None, 19, 0.52, (("Cabinet", 80), ("MSP", 15), ("Hôpital", 5)), 0.4),
    _Kind("Sage-femme", None, 6, 0.97, (("Cabinet", 60), ("MSP", 25), ("Hôpital", 15)), 0.3),
    _Kind("Chirurgien-dentiste", None, 10, 0.5, (("Cabinet", 85), ("Centre de santé", 15))),
    _Kind("Pédicure-podologue", None, 5, 0.7, _CABINET, 0.3),
    _Kind("Orthophoniste", None, 5, 0.96, _CABINET),
    _Kind("Diététicien", None, 3, 0.9, _CABINET),
    _Kind("Orthoptiste", None, 2, 0.85, (("Cabinet", 100),)),
    _Kind("Ergothérapeute", None, 1, 0.85, _CABINET, 0.6),
    _Kind("Psychomotricien", None, 1, 0.85, _CABINET),
    _Kind("Psychologue", None, 5, 0.85, (("Cabinet", 70), ("Centre de santé", 15), ("Autre", 15))),
    _Kind("Travailleur social", None, 1, 0.9, (("Autre", 100),)),
)
_NURSES = 8  # index of the kind that absorbs rounding, so that the total is exact

_PLACES = (
    "du Centre",
    "de la Mairie",
    "de la Gare",
    "du Parc",
    "du Marché",
    "Victor-Hugo",
    "Jean-Jaurès",
    "Pasteur",
    "Voltaire",
    "de la République",
    "Gambetta",
    "des Vignes",
    "de la Source",
    "du Val",
    "des Tilleuls",
    "Saint-Exupéry",
)
_CABINET_LABEL = {
    PHYSICIAN: "médical",
    "Infirmier": "infirmier",
    "Masseur-kinésithérapeute": "de kinésithérapie",
    "Chirurgien-dentiste": "dentaire",
    "Sage-femme": "de sages-femmes",
    "Pédicure-podologue": "de podologie",
    "Orthophoniste": "d'orthophonie",
    "Orthoptiste": "d'orthoptie",
    "Diététicien": "de diététique",
    "Ergothérapeute": "d'ergothérapie",
    "Psychomotricien": "de psychomotricité",
    "Psychologue": "de psychologie",
}
_POPULATION_CHOICES: tuple[tuple[tuple[str, ...], float], ...] = (
    (("Tous",), 50),
    (("ALD",), 8),
    (("ALD", "70 ans et plus"), 12),
    (("Enfants",), 8),
    (("ALD", "C2S/AME"), 7),
    (("70 ans et plus", "Sortie d'hospitalisation"), 7),
    (("70 ans et plus",), 8),
)
_MAIL_DOMAINS = ("gmail.com", "orange.fr", "wanadoo.fr", "free.fr", "laposte.net", "sfr.fr", "outlook.fr")
_LANGUAGE_CHOICES = ("Arabe", "Espagnol", "Portugais", "Italien", "Allemand", "Chinois", "Russe", "Roumain")


def _kind_counts(total: int) -> list[int]:
    base = sum(kind.count for kind in _MEMBER_KINDS)
    counts = [max(1, round(kind.count * total / base)) for kind in _MEMBER_KINDS]
    counts[_NURSES] += total - sum(counts)
    return counts


def _members(world: _World, total: int) -> list[Member]:
    rng = world.rng("members")
    plan: list[tuple[_Kind, bool]] = []
    for kind, count in zip(_MEMBER_KINDS, _kind_counts(total), strict=True):
        accepting = round(count * ACCEPTING_SHARE) if kind.specialty == GP_SPECIALTY else 0
        plan += [(kind, index < accepting) for index in range(count)]
    rng.shuffle(plan)
    rpps_numbers: set[str] = set()
    emails: set[str] = set()
    return [
        _member(world, rng, position, kind, accepting, rpps_numbers, emails)
        for position, (kind, accepting) in enumerate(plan, start=1)
    ]


def _member(
    world: _World,
    rng: random.Random,
    position: int,
    kind: _Kind,
    accepting: bool,
    rpps_numbers: set[str],
    emails: set[str],
) -> Member:
    female = rng.random() < kind.female_share
    first = world.fake.first_name_female() if female else world.fake.first_name_male()
    last = world.fake.last_name()
    place = world.place(rng, home_share=0.8)
    structure = _pick(rng, kind.structures)
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
        phone=_phone(rng, place.department, mobile=kind.profession == "Infirmier" or rng.random() < 0.2),
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
    spot = rng.choice(_PLACES)
    if structure == "Cabinet":
        return f"Cabinet {_CABINET_LABEL.get(profession, 'paramédical')} {spot}"
    if structure == "Centre de santé":
        return f"Centre municipal de santé {_of(place.name)}"
    if structure == "Hôpital":
        return f"Hôpital {_of(place.name)}"
    if structure == "Autre":
        return f"CCAS {_of(place.name)}" if profession == "Travailleur social" else f"CMP {_of(place.name)}"
    prefix = {"MSP": "Maison de santé", "Pharmacie": "Pharmacie", "Clinique": "Clinique"}[structure]
    return f"{prefix} {spot}"


def _address(world: _World, rng: random.Random, place: CommuneInfo) -> str:
    postcode = rng.choice(place.postcodes) if place.postcodes else ""
    return f"{rng.randint(1, 120)} {world.fake.street_name()}, {postcode} {place.name}".replace("  ", " ")


def _email(rng: random.Random, first: str, last: str, profession: str, taken: set[str]) -> str:
    secure = {PHYSICIAN: "medecin.mssante.fr", "Pharmacien": "pharmacien.mssante.fr"}.get(profession)
    domain = secure if secure and rng.random() < 0.5 else rng.choice(_MAIL_DOMAINS)
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
        languages.append(rng.choice(_LANGUAGE_CHOICES))
    return languages


def _gp_availability(world: _World, rng: random.Random, kind: _Kind, accepting: bool) -> dict[str, Any]:
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
        "populations_accepted": list(_pick(rng, _POPULATION_CHOICES)),
        "home_visits": rng.random() < 0.4,
        "cpts_referrals_only": rng.random() < 0.3,
    }


# --- patients ------------------------------------------------------------------------------------

_REQUEST_WINDOW_DAYS = 548  # 18 months
_STATUS_BY_WAIT: tuple[tuple[int, tuple[tuple[str, float], ...]], ...] = (
    (14, ((PATIENT_WAITING, 80), (PATIENT_PROPOSED, 20))),
    (60, ((PATIENT_WAITING, 45), (PATIENT_PROPOSED, 30), (PATIENT_FOUND, 20), (PATIENT_DROPPED, 5))),
    (
        180,
        (
            (PATIENT_WAITING, 25),
            (PATIENT_PROPOSED, 15),
            (PATIENT_FOUND, 50),
            (PATIENT_DROPPED, 7),
            (PATIENT_CLOSED, 3),
        ),
    ),
    (
        _REQUEST_WINDOW_DAYS,
        (
            (PATIENT_WAITING, 15),
            (PATIENT_PROPOSED, 5),
            (PATIENT_FOUND, 65),
            (PATIENT_DROPPED, 8),
            (PATIENT_CLOSED, 7),
        ),
    ),
)
_SOURCES = (
    ("Téléphone", 35),
    ("Formulaire", 30),
    ("Mairie", 10),
    ("CPAM", 15),
    ("Hôpital", 5),
    ("Partenaire", 5),
)
_GENERAL_NOTES = (
    "Souhaite un médecin proche de son domicile.",
    "Préfère être rappelé(e) en fin de journée.",
    "Ancien médecin traitant parti à la retraite.",
    "Le médecin traitant précédent a déménagé.",
    "Parle peu le français : prévoir un interprète.",
    "Demande transmise par l'assistante sociale du CCAS.",
    "Souhaite si possible une femme médecin.",
    "Besoin rapide d'un renouvellement d'ordonnance.",
    "Suivi par un spécialiste, cherche un médecin traitant pour la coordination.",
)
_DROPPED_NOTES = (
    "Injoignable après trois relances.",
    "Ne donne plus suite aux appels.",
    "Souhaitait seulement changer de médecin traitant (hors critères).",
)
_CLOSED_NOTES = (
    "A trouvé un médecin traitant par ses propres moyens.",
    "A déménagé hors du territoire.",
)
_OBJECTION_NOTE = "Opposition au partage des données exprimée auprès de la CPAM."
_NO_CONSENT_NOTE = "Consentement à l'orientation à recueillir."


class _GpPicker:
    """The GPs who take new patients, by the populations they accept."""

    def __init__(self, members: list[Member]) -> None:
        self.gps = [m for m in members if m.accepts_new_patients and m.active]
        self._cache: dict[tuple[tuple[str, ...], bool], list[Member]] = {}

    def candidates(self, groups: tuple[str, ...], reduced_mobility: bool) -> list[Member]:
        key = (groups, reduced_mobility)
        if key not in self._cache:
            wanted = {"Tous", *groups}
            fitting = [gp for gp in self.gps if wanted.intersection(gp.populations_accepted)] or self.gps
            visiting = [gp for gp in fitting if gp.home_visits]
            self._cache[key] = visiting if reduced_mobility and visiting else fitting
        return self._cache[key]

    def for_patient(self, patient: Patient | dict[str, Any], today: date) -> list[Member]:
        """The GPs fitting a patient (a record, or the fields of one being built)."""
        fields = patient if isinstance(patient, dict) else dict(patient)
        groups = list(fields["fragilities"])
        if _age(fields["birth_date"], today) < 18:
            groups.append("Enfants")
        return self.candidates(tuple(groups), fields["reduced_mobility"])


def _available(gps: list[Member], on: date) -> list[Member]:
    """The GPs taking new patients on that day (all of them if none is)."""
    return [gp for gp in gps if gp.available_from is None or gp.available_from <= on] or gps


def _patients(world: _World, total: int, members: list[Member]) -> list[Patient]:
    rng = world.rng("patients")
    picker = _GpPicker(members)
    return [_patient(world, rng, position, picker) for position in range(1, total + 1)]


def _patient(world: _World, rng: random.Random, position: int, picker: _GpPicker) -> Patient:
    # Requests spread over 18 months, more of them lately as the desk became known.
    recent = rng.random() < 0.5
    waited = int(rng.triangular(0, _REQUEST_WINDOW_DAYS, 0) if recent else rng.uniform(0, _REQUEST_WINDOW_DAYS))
    requested = world.days_ago(waited)
    female = rng.random() < 0.52
    group = _pick(rng, (("child", 10), ("adult", 65), ("elderly", 25)))
    age = {"child": (0, 17), "adult": (18, 69), "elderly": (70, 96)}[group]
    birth = _birth_date(rng, requested, rng.randint(*age))
    fragilities = _fragilities(rng, group)
    source = _source(rng, fragilities)
    if source == "CPAM" and "ALD" not in fragilities:
        fragilities.insert(0, "ALD")
    place = world.place(rng, home_share=0.88)
    fields: dict[str, Any] = {
        "id": position,
        "code": f"P-{position:06d}",
        "last_name": world.fake.last_name(),
        "first_name": world.fake.first_name_female() if female else world.fake.first_name_male(),
        "birth_date": birth,
        "sex": "Femme" if female else "Homme",
        "insee_code": place.insee_code,
        "phone": _phone(rng, place.department, mobile=rng.random() < (0.5 if group == "elderly" else 0.85))
        if rng.random() < 0.92
        else None,
        "request_date": requested,
        "source": source,
        "fragilities": fragilities,
        "reduced_mobility": _reduced_mobility(rng, group, fragilities),
    }
    return Patient(**fields, **_outcome(world, rng, fields, waited, picker))


def _fragilities(rng: random.Random, group: str) -> list[str]:
    """Fragilities in the canonical order; "70 ans et plus" exactly for the elderly."""
    odds = {
        "child": {"ALD": 0.04, "C2S/AME": 0.2, "Sortie d'hospitalisation": 0.02, "Handicap": 0.05},
        "adult": {
            "ALD": 0.17,
            "C2S/AME": 0.17,
            "Sortie d'hospitalisation": 0.06,
            "Handicap": 0.06,
            "Isolement": 0.05,
        },
        "elderly": {
            "ALD": 0.42,
            "C2S/AME": 0.08,
            "Sortie d'hospitalisation": 0.15,
            "Handicap": 0.06,
            "Isolement": 0.2,
        },
    }[group]
    found = ["70 ans et plus"] if group == "elderly" else []
    found += [name for name, chance in odds.items() if rng.random() < chance]
    order = ("ALD", "70 ans et plus", "C2S/AME", "Sortie d'hospitalisation", "Handicap", "Isolement")
    return sorted(found, key=order.index)


def _source(rng: random.Random, fragilities: list[str]) -> str:
    if "Sortie d'hospitalisation" in fragilities and rng.random() < 0.7:
        return "Hôpital"
    return _pick(rng, _SOURCES)


def _reduced_mobility(rng: random.Random, group: str, fragilities: list[str]) -> bool:
    if "Handicap" in fragilities:
        return rng.random() < 0.5
    return rng.random() < (0.3 if group == "elderly" else 0.02)


def _outcome(
    world: _World, rng: random.Random, patient: dict[str, Any], waited: int, picker: _GpPicker
) -> dict[str, Any]:
    """Status, GP, dates, consent and notes consistent with how long ago the request came."""
    weights = next(table for limit, table in _STATUS_BY_WAIT if waited < limit)
    status = _pick(rng, weights)
    objection = rng.random() < 0.03
    consent = not objection and rng.random() < 0.94
    notes = rng.choice(_GENERAL_NOTES) if rng.random() < 0.2 else None
    if objection or not consent:
        notes = _OBJECTION_NOTE if objection else _NO_CONSENT_NOTE
        if status in (PATIENT_PROPOSED, PATIENT_FOUND):
            status = PATIENT_CLOSED if objection and waited >= 14 else PATIENT_WAITING
    outcome: dict[str, Any] = {"status": status, "consent": consent, "objection": objection, "notes": notes}
    requested: date = patient["request_date"]
    if status == PATIENT_FOUND:
        latest = min(world.today, requested + timedelta(days=120))
        found = _between(rng, requested + timedelta(days=7), latest)
        outcome["found_date"] = found
        outcome["gp"] = rng.choice(_available(picker.for_patient(patient, world.today), found)).id
    elif status in (PATIENT_DROPPED, PATIENT_CLOSED):
        outcome["closed_date"] = _between(rng, requested + timedelta(days=14), world.today)
        if not objection:
            outcome["notes"] = rng.choice(_DROPPED_NOTES if status == PATIENT_DROPPED else _CLOSED_NOTES)
    return outcome


# --- proposals -----------------------------------------------------------------------------------

_REFUSAL_REASONS = (
    "Patientèle complète",
    "Cabinet trop éloigné du domicile",
    "Pas de visites à domicile",
    "Le patient préfère une femme médecin",
    "Horaires de consultation incompatibles",
    "Délai du premier rendez-vous trop long",
    "Le patient ne s'est pas présenté au premier rendez-vous",
)


def _proposals(world: _World, patients: list[Patient], members: list[Member]) -> list[Proposal]:
    rng = world.rng("proposals")
    picker = _GpPicker(members)
    names = {member.id: member.last_name for member in members}
    rows: list[dict[str, Any]] = []
    for patient in patients:
        if patient.status == PATIENT_FOUND:
            rows += _found_proposals(rng, patient, picker.for_patient(patient, world.today))
        elif patient.status == PATIENT_PROPOSED:
            candidates = _available(picker.for_patient(patient, world.today), world.today + timedelta(days=30))
            rows += _open_proposals(world, rng, patient, candidates)
        elif patient.status == PATIENT_DROPPED and rng.random() < 0.4:
            expired = _expired_proposal(rng, patient, picker.for_patient(patient, world.today))
            # Never proposed if they objected to data sharing (drawn anyway: every other patient stays the same).
            rows += [] if patient.objection else expired
    code_of = {patient.id: patient.code for patient in patients}
    return [
        Proposal(id=position, reference=f"{code_of[row['patient']]} – Dr {names[row['gp']]}", **row)
        for position, row in enumerate(rows, start=1)
    ]


def _found_proposals(rng: random.Random, patient: Patient, candidates: list[Member]) -> list[dict[str, Any]]:
    """The accepted proposal of the GP the patient found, sometimes after a refused one."""
    assert patient.request_date and patient.found_date
    accepted_on = _between(rng, max(patient.request_date, patient.found_date - timedelta(days=14)), patient.found_date)
    others = [gp for gp in candidates if gp.id != patient.gp]
    rows = []
    if others and rng.random() < 0.3 and accepted_on > patient.request_date:
        refused_on = _between(rng, patient.request_date, accepted_on - timedelta(days=1))
        rows.append(
            {
                "patient": patient.id,
                "gp": rng.choice(others).id,
                "rank": 1,
                "proposed_on": refused_on,
                "status": "Refusée",
                "refusal_reason": rng.choice(_REFUSAL_REASONS),
            }
        )
    rows.append(
        {
            "patient": patient.id,
            "gp": patient.gp,
            "rank": len(rows) + 1,
            "proposed_on": accepted_on,
            "status": "Acceptée",
        }
    )
    return rows


def _open_proposals(
    world: _World, rng: random.Random, patient: Patient, candidates: list[Member]
) -> list[dict[str, Any]]:
    """1 to 3 GPs proposed together, awaiting an answer."""
    assert patient.request_date
    waited = (world.today - patient.request_date).days
    proposed_on = world.days_ago(rng.randint(0, min(waited, 21)))
    chosen = rng.sample(candidates, k=min(rng.randint(1, 3), len(candidates)))
    return [
        {"patient": patient.id, "gp": gp.id, "rank": rank, "proposed_on": proposed_on, "status": "Proposée"}
        for rank, gp in enumerate(chosen, start=1)
    ]


def _expired_proposal(rng: random.Random, patient: Patient, candidates: list[Member]) -> list[dict[str, Any]]:
    assert patient.request_date and patient.closed_date
    proposed_on = _between(rng, patient.request_date, patient.closed_date)
    return [
        {
            "patient": patient.id,
            "gp": rng.choice(candidates).id,
            "rank": 1,
            "proposed_on": proposed_on,
            "status": "Expirée",
        }
    ]


# --- pathways ------------------------------------------------------------------------------------

_PATHWAYS: tuple[dict[str, Any], ...] = (
    {
        "name": ENDOMETRIOSIS,
        "category": "Santé des femmes",
        "sex": "Femmes",
        "min_age": 15,
        "max_age": 50,
        "description": "Repérage et prise en charge graduée de l'endométriose (HAS/CNGOF 2017) : niveau 1 "
        "en ville (médecin généraliste, sage-femme, gynécologue médical), niveau 2 centre de référence "
        "(échographie endovaginale, IRM), niveau 3 centre expert (chirurgie, douleur, fertilité).",
    },
    {
        "name": DIABETES,
        "category": "Pathologie chronique",
        "sex": "Tous",
        "min_age": 18,
        "max_age": None,
        "description": "Suivi pluriprofessionnel du diabète de type 2 selon le guide parcours HAS 2014 : HbA1c "
        "trimestrielle, fond d'œil, bilan annuel, gradation du risque podologique et soins de podologie.",
    },
    {
        "name": CERVICAL,
        "category": "Dépistage organisé",
        "sex": "Femmes",
        "min_age": 25,
        "max_age": 65,
        "description": "Programme national de dépistage organisé (2018) : examen cytologique de 25 à 29 ans, "
        "test HPV-HR tous les 5 ans de 30 à 65 ans.",
    },
    {
        "name": COLORECTAL,
        "category": "Dépistage organisé",
        "sex": "Tous",
        "min_age": 50,
        "max_age": 74,
        "description": "Test immunologique fécal tous les 2 ans de 50 à 74 ans (kit remis par le médecin, "
        "le gynécologue, le gastro-entérologue, un pharmacien formé ou commandé en ligne).",
    },
    {
        "name": BREAST,
        "category": "Dépistage organisé",
        "sex": "Femmes",
        "min_age": 50,
        "max_age": 74,
        "description": "Mammographie et examen clinique des seins tous les 2 ans de 50 à 74 ans chez un "
        "radiologue agréé, avec seconde lecture des clichés normaux.",
    },
)


@dataclass(frozen=True)
class _StepPlan:
    title: str
    profession: str | None  # None: any member taking part in the pathway (at the step's level)
    interval: int | None = None  # months between two occurrences; None for a one-off step
    level: int | None = None  # endometriosis: 1 primary care, 2 referral centre, 3 expert centre
    ages: tuple[int, int] | None = None  # when narrower than the pathway's
    condition: str | None = None  # in the vocabulary of domain.pathways
    note: str = ""
    specialty: str | None = None


_FIRST_CONSULTATION = "Consultation de premier recours"
_HORMONAL_TREATMENT = "Traitement hormonal de première intention"
_REFERENT_ULTRASOUND = "Échographie endovaginale par un échographiste référent"
_CYTOLOGY = "Examen cytologique"
_STEPS: dict[str, tuple[_StepPlan, ...]] = {
    ENDOMETRIOSIS: (
        _StepPlan(
            _FIRST_CONSULTATION,
            None,
            level=1,
            note="Interrogatoire et examen clinique par un médecin généraliste, une sage-femme ou un gynécologue.",
        ),
        _StepPlan(
            "Échographie pelvienne",
            PHYSICIAN,
            level=1,
            condition=f"1 mois après {_FIRST_CONSULTATION}",
            note="Échographie pelvienne de première intention.",
        ),
        _StepPlan(_HORMONAL_TREATMENT, None, level=1, note="Contraception hormonale et antalgiques."),
        _StepPlan(
            "Réévaluation",
            None,
            level=1,
            condition=f"3 mois après {_HORMONAL_TREATMENT}",
            note="Réévaluation 6 à 12 semaines après le début du traitement.",
        ),
        _StepPlan(
            _REFERENT_ULTRASOUND,
            PHYSICIAN,
            level=2,
            condition="sur indication : échec du traitement de première intention",
            note="Centre de référence (niveau 2).",
            specialty=RADIOLOGY,
        ),
        _StepPlan(
            "IRM pelvienne",
            PHYSICIAN,
            level=2,
            condition=f"1 mois après {_REFERENT_ULTRASOUND}",
            note="Centre de référence (niveau 2).",
            specialty=RADIOLOGY,
        ),
        _StepPlan(
            "Consultation en centre expert",
            None,
            level=3,
            condition="sur indication : forme complexe",
            note="Chirurgie, centre de la douleur, préservation de la fertilité (niveau 3).",
        ),
    ),
    DIABETES: (
        _StepPlan("Dosage de l'HbA1c", PHYSICIAN, 3, note="4 fois par an.", specialty=GP_SPECIALTY),
        _StepPlan(
            "Fond d'œil ou rétinographie",
            "Orthoptiste",
            12,
            condition="24 mois si risque faible",
            note="Tous les ans (tous les 2 ans si risque faible) ; rétinographie lue à distance par l'orthoptiste "
            "et l'ophtalmologiste avant 70 ans sans rétinopathie.",
        ),
        _StepPlan("ECG de repos", PHYSICIAN, 12, note="Une fois par an."),
        _StepPlan("Bilan lipidique", PHYSICIAN, 12, note="Une fois par an.", specialty=GP_SPECIALTY),
        _StepPlan(
            "Microalbuminurie et créatininémie (DFG)",
            PHYSICIAN,
            12,
            note="Une fois par an.",
            specialty=GP_SPECIALTY,
        ),
        _StepPlan(
            "Gradation du risque podologique",
            PHYSICIAN,
            12,
            note="Grade 0 à 3, une fois par an.",
            specialty=GP_SPECIALTY,
        ),
        _StepPlan(
            "Soins de pédicurie-podologie (grade 2)",
            "Pédicure-podologue",
            condition="grade podologique 2 ; 5 par an",
            note="5 séances par an prises en charge.",
        ),
        _StepPlan(
            "Soins de pédicurie-podologie (grade 3)",
            "Pédicure-podologue",
            condition="grade podologique 3 ; 8 par an",
            note="8 séances par an prises en charge.",
        ),
        _StepPlan("Consultation diététique", "Diététicien", 12, note="Éducation nutritionnelle."),
    ),
    CERVICAL: (
        _StepPlan(
            _CYTOLOGY,
            None,
            36,
            ages=(25, 29),
            condition="2 premiers à 12 mois",
            note="Deux examens à un an d'intervalle, puis tous les 3 ans si normaux.",
        ),
        _StepPlan(
            "Test HPV-HR",
            None,
            60,
            ages=(30, 65),
            condition=f"36 mois après {_CYTOLOGY}",
            note="Tous les 5 ans ; le premier 3 ans après le dernier examen cytologique normal.",
        ),
    ),
    COLORECTAL: (
        _StepPlan(
            "Test immunologique fécal",
            None,
            24,
            note="Tous les 2 ans ; kit remis par le médecin, le gynécologue, le gastro-entérologue ou un "
            "pharmacien formé.",
        ),
        _StepPlan(
            "Coloscopie",
            PHYSICIAN,
            condition="sur indication : test immunologique positif",
            note="Environ 4 % des tests.",
            specialty=GASTROENTEROLOGY,
        ),
    ),
    BREAST: (
        _StepPlan(
            "Mammographie et examen clinique des seins",
            PHYSICIAN,
            24,
            note="Tous les 2 ans chez un radiologue agréé ; seconde lecture des clichés normaux.",
            specialty=RADIOLOGY,
        ),
    ),
}


def _pathways() -> list[Pathway]:
    return [Pathway(id=position, **row) for position, row in enumerate(_PATHWAYS, start=1)]


def _pathway_steps(pathways: list[Pathway]) -> list[PathwayStep]:
    steps: list[PathwayStep] = []
    for pathway in pathways:
        assert pathway.name
        for order, plan in enumerate(_STEPS[pathway.name], start=1):
            min_age, max_age = plan.ages or (pathway.min_age, pathway.max_age)
            steps.append(
                PathwayStep(
                    id=len(steps) + 1,
                    title=plan.title,
                    pathway=pathway.id,
                    order=order,
                    level=plan.level,
                    profession=plan.profession,
                    interval_months=plan.interval,
                    min_age=min_age,
                    max_age=max_age,
                    sex=pathway.sex,
                    condition=plan.condition,
                    description=plan.note,
                    specialty=plan.specialty,
                )
            )
    return steps


# (profession, specialty or None for any, role, level, share of those members taking part)
_RoleRow = tuple[str, str | None, str, int | None, float]
_ROLES: dict[str, tuple[_RoleRow, ...]] = {
    ENDOMETRIOSIS: (
        (PHYSICIAN, GP_SPECIALTY, "Médecin généraliste formé (niveau 1)", 1, 0.2),
        ("Sage-femme", None, "Sage-femme (niveau 1)", 1, 1.0),
        (PHYSICIAN, GYNAECOLOGY, "Gynécologue médical (niveau 1)", 1, 1.0),
        (PHYSICIAN, RADIOLOGY, "Échographiste référent (niveau 2)", 2, 0.5),
        (PHYSICIAN, GYNAECOLOGY, "Gynécologue chirurgien du centre expert (niveau 3)", 3, 0.34),
    ),
    DIABETES: (
        (PHYSICIAN, GP_SPECIALTY, "Médecin traitant", None, 0.25),
        ("Infirmier", None, "Infirmier (éducation thérapeutique, suivi glycémique)", None, 0.3),
        ("Pédicure-podologue", None, "Pédicure-podologue (pied diabétique, grades 2 et 3)", None, 1.0),
        (PHYSICIAN, OPHTHALMOLOGY, "Ophtalmologiste (lecture des rétinographies)", None, 1.0),
        ("Orthoptiste", None, "Orthoptiste (rétinographies)", None, 1.0),
        ("Diététicien", None, "Diététicien (éducation nutritionnelle)", None, 1.0),
        ("Pharmacien", None, "Pharmacien (suivi des traitements)", None, 0.3),
        (PHYSICIAN, ENDOCRINOLOGY, "Endocrinologue (avis de recours)", None, 1.0),
    ),
    CERVICAL: (
        ("Sage-femme", None, "Sage-femme (prélèvements)", None, 0.8),
        (PHYSICIAN, GYNAECOLOGY, "Gynécologue", None, 1.0),
        (PHYSICIAN, GP_SPECIALTY, "Médecin généraliste (prélèvements)", None, 0.2),
    ),
    COLORECTAL: (
        (PHYSICIAN, GP_SPECIALTY, "Médecin généraliste (remise des kits)", None, 0.3),
        ("Pharmacien", None, "Pharmacien formé (remise des kits)", None, 0.4),
        (PHYSICIAN, GASTROENTEROLOGY, "Gastro-entérologue (coloscopies)", None, 1.0),
    ),
    BREAST: (
        (PHYSICIAN, RADIOLOGY, "Radiologue agréé", None, 1.0),
        (PHYSICIAN, GYNAECOLOGY, "Gynécologue", None, 1.0),
        ("Sage-femme", None, "Sage-femme (examen clinique des seins)", None, 0.3),
    ),
}


def _pathway_members(world: _World, members: list[Member], pathways: list[Pathway]) -> list[PathwayMember]:
    rng = world.rng("pathway_members")
    rows: list[PathwayMember] = []
    for pathway in pathways:
        assert pathway.name
        for profession, specialty, role, level, share in _ROLES[pathway.name]:
            pool = [
                m
                for m in members
                if m.active and m.profession == profession and (specialty is None or m.specialty == specialty)
            ]
            chosen = rng.sample(pool, k=min(len(pool), max(1, round(share * len(pool)))))
            for member in sorted(chosen, key=lambda m: m.id or 0):
                rows.append(
                    PathwayMember(id=len(rows) + 1, role=role, member=member.id, pathway=pathway.id, level=level)
                )
    return rows


# --- enrolments and steps done -------------------------------------------------------------------

_ENROLMENT_SHARES = (
    (DIABETES, 0.3),
    (COLORECTAL, 0.2),
    (BREAST, 0.2),
    (CERVICAL, 0.18),
    (ENDOMETRIOSIS, 0.12),
)
_EXIT_NOTES = (
    "A déménagé hors du territoire.",
    "Suivi poursuivi hors de la CPTS.",
    "Ne souhaite plus être suivi(e).",
)


def _eligible(patient: Patient, pathway: Pathway, today: date) -> bool:
    """Within the pathway's sex and age range from the request date to today."""
    if patient.objection or patient.birth_date is None or patient.request_date is None:
        return False
    wanted_sex = {"Femmes": "Femme", "Hommes": "Homme"}.get(pathway.sex or "")
    if wanted_sex and patient.sex != wanted_sex:
        return False
    young_enough = pathway.max_age is None or _age(patient.birth_date, today) <= pathway.max_age
    return young_enough and _age(patient.birth_date, patient.request_date) >= (pathway.min_age or 0)


def _enrolments(world: _World, total: int, patients: list[Patient], pathways: list[Pathway]) -> list[Enrolment]:
    rng = world.rng("enrolments")
    by_name = {pathway.name: pathway for pathway in pathways}
    rows: list[dict[str, Any]] = []
    for name, share in _ENROLMENT_SHARES:
        pathway = by_name[name]
        pool = [p for p in patients if _eligible(p, pathway, world.today)]
        if name == DIABETES:
            pool = [p for p in pool if "ALD" in p.fragilities] or pool
        for patient in rng.sample(pool, k=min(len(pool), round(total * share))):
            rows.append(_enrolment(world, rng, patient, pathway))
    rows.sort(key=lambda row: (row["enrolled_on"], row["pathway"], row["patient"]))
    code_of = {patient.id: patient.code for patient in patients}
    name_of = {pathway.id: pathway.name for pathway in pathways}
    return [
        Enrolment(id=position, reference=f"{code_of[row['patient']]} – {name_of[row['pathway']]}", **row)
        for position, row in enumerate(rows, start=1)
    ]


def _enrolment(world: _World, rng: random.Random, patient: Patient, pathway: Pathway) -> dict[str, Any]:
    assert patient.request_date
    status = _pick(rng, (("Active", 85), ("Sortie", 10), ("Terminée", 5)))
    return {
        "patient": patient.id,
        "pathway": pathway.id,
        "enrolled_on": _between(rng, patient.request_date, world.today),
        "status": status,
        "foot_grade": _pick(rng, ((0, 50), (1, 25), (2, 15), (3, 10))) if pathway.name == DIABETES else None,
        "notes": rng.choice(_EXIT_NOTES) if status == "Sortie" else None,
        "low_risk": pathway.name == DIABETES and rng.random() < 0.3,
    }


def _steps_done(
    world: _World,
    enrolments: list[Enrolment],
    patients: list[Patient],
    pathways: list[Pathway],
    steps: list[PathwayStep],
) -> list[StepDone]:
    rng = world.rng("steps_done")
    patient_of = {patient.id: patient for patient in patients}
    steps_of: dict[int | None, list[PathwayStep]] = {pathway.id: [] for pathway in pathways}
    for step in steps:
        steps_of[step.pathway].append(step)
    rows: list[StepDone] = []
    for enrolment in enrolments:
        patient = patient_of[enrolment.patient]
        for step, done_on in _history(world, rng, enrolment, patient, steps_of[enrolment.pathway]):
            reference = f"{patient.code} – {step.title} – {done_on.isoformat()}"
            rows.append(
                StepDone(
                    id=len(rows) + 1,
                    reference=reference,
                    enrolment=enrolment.id,
                    step=step.id,
                    done_on=done_on,
                )
            )
    return rows


def _history(
    world: _World, rng: random.Random, enrolment: Enrolment, patient: Patient, steps: list[PathwayStep]
) -> list[tuple[PathwayStep, date]]:
    """The dates each step of the pathway was done for this enrolment, some up to date, some overdue."""
    assert enrolment.enrolled_on and patient.birth_date
    if all(_period_days(step, enrolment) is None for step in steps):
        return _graded_history(world, rng, enrolment.enrolled_on, steps)
    done: list[tuple[PathwayStep, date]] = []
    for step in steps:
        rule = parse_condition(step.condition)
        if rule.foot_grade is not None and rule.foot_grade != enrolment.foot_grade:
            continue
        period = _period_days(step, enrolment)
        if period is None:  # e.g. a colonoscopy after a positive test
            if rule.on_indication and rng.random() < 0.04:
                done.append((step, _between(rng, enrolment.enrolled_on, world.today)))
            continue
        dates = _recurring_dates(world, rng, period)
        done += [(step, day) for day in dates if _within_ages(step, patient.birth_date, day)]
    return done


def _period_days(step: PathwayStep, enrolment: Enrolment) -> int | None:
    """Days between two occurrences of a recurring step for this enrolment; None for a one-off step."""
    rule = parse_condition(step.condition)
    if rule.per_year:
        return round(365 / rule.per_year)
    months = rule.low_risk_months if enrolment.low_risk and rule.low_risk_months else step.interval_months
    return round(months * 30.4) if months else None


def _within_ages(step: PathwayStep, birth: date, day: date) -> bool:
    age = _age(birth, day)
    return (step.min_age is None or age >= step.min_age) and (step.max_age is None or age <= step.max_age)


def _recurring_dates(world: _World, rng: random.Random, period: int) -> list[date]:
    """Up to 3 past dates `period` days apart, the last one within the period (up to date) or before it (overdue)."""
    roll = rng.random()
    if roll < 0.08:
        return []
    if roll < 0.82:
        last = world.days_ago(rng.randint(0, period - 1))
    else:
        last = world.days_ago(rng.randint(period + 15, 2 * period + 60))
    oldest = _years_before(world.today, 3)
    dates = [last]
    jitter = max(1, min(10, period // 10))
    while len(dates) < 3 and dates[-1] - timedelta(days=period + jitter) >= oldest and rng.random() < 0.7:
        dates.append(dates[-1] - timedelta(days=period + rng.randint(-jitter, jitter)))
    return sorted(dates)


def _graded_history(
    world: _World, rng: random.Random, enrolled_on: date, steps: list[PathwayStep]
) -> list[tuple[PathwayStep, date]]:
    """One-off steps done in order from enrolment; most patients stay at level 1."""
    reached = _pick(rng, ((1, 65), (2, 30), (3, 5)))
    done: list[tuple[PathwayStep, date]] = []
    day = enrolled_on
    for step in steps:
        if (step.level or 1) > reached or (done and rng.random() < 0.15):
            break
        day = day + timedelta(days=0 if not done else rng.randint(10, 75))
        if day > world.today:
            break
        done.append((step, day))
    return done


# --- the health project: actions, milestones, indicators -----------------------------------------


@dataclass(frozen=True)
class _ActionPlan:
    title: str
    mission: str
    description: str
    pilot: tuple[str, str | None] | None  # (profession, specialty) of the pilot
    status: str
    start_months: int  # after the ACI signature
    due_months: int  # after today for actions in progress, after the start otherwise
    budget: int
    progress: int
    milestones: tuple[str, ...]
    late: bool = False


_ACTIONS: tuple[_ActionPlan, ...] = (
    _ActionPlan(
        "Un numéro unique pour trouver un médecin traitant",
        "1a. Accès à un médecin traitant",
        "Numéro de téléphone et formulaire en ligne uniques pour les patients sans médecin traitant ; la cellule "
        "d'orientation priorise les patients fragiles et propose 2 à 3 médecins volontaires.",
        (PHYSICIAN, GP_SPECIALTY),
        ACTION_IN_PROGRESS,
        2,
        10,
        30000,
        60,
        (
            "Recrutement de la coordinatrice",
            "Ouverture du numéro unique",
            "Convention avec la CPAM",
            "Bilan annuel",
        ),
    ),
    _ActionPlan(
        "Organiser les soins non programmés",
        "1b. Soins non programmés",
        "Créneaux de soins non programmés dans les cabinets volontaires, régulation avec le SAS et information "
        "des patients sur les horaires de garde.",
        (PHYSICIAN, GP_SPECIALTY),
        ACTION_IN_PROGRESS,
        4,
        8,
        25000,
        45,
        ("Recensement des créneaux", "Convention avec le SAS", "Communication aux patients"),
    ),
    _ActionPlan(
        "Télémédecine pour les personnes en perte d'autonomie",
        "1b. Soins non programmés",
        "Téléconsultations assistées par un infirmier en EHPAD et à domicile pour éviter les passages aux "
        "urgences des personnes âgées en perte d'autonomie.",
        ("Infirmier", None),
        ACTION_IN_PROGRESS,
        6,
        12,
        40000,
        35,
        (
            "Choix de la solution de téléconsultation",
            "Équipement des EHPAD",
            "Formation des infirmiers",
            "Évaluation",
        ),
    ),
    _ActionPlan(
        "Parcours endométriose",
        "2. Parcours pluriprofessionnels",
        "Repérage précoce et orientation graduée des patientes (niveaux 1 à 3) avec les sages-femmes, "
        "gynécologues et le centre de référence.",
        ("Sage-femme", None),
        ACTION_IN_PROGRESS,
        12,
        9,
        15000,
        50,
        (
            "Formation des professionnels de niveau 1",
            "Annuaire des échographistes référents",
            "Réunion annuelle",
        ),
    ),
    _ActionPlan(
        "Parcours diabète de type 2",
        "2. Parcours pluriprofessionnels",
        "Coordination du suivi des patients diabétiques : HbA1c, fond d'œil par rétinographie, podologie "
        "graduée, éducation nutritionnelle.",
        (PHYSICIAN, GP_SPECIALTY),
        ACTION_IN_PROGRESS,
        12,
        12,
        20000,
        40,
        (
            "Protocole pluriprofessionnel validé",
            "Rétinographe en cabinet d'orthoptie",
            "Ateliers d'éducation",
            "Bilan",
        ),
    ),
    _ActionPlan(
        "Sortie d'hospitalisation des personnes âgées",
        "2. Parcours pluriprofessionnels",
        "Organiser le retour à domicile des personnes âgées après une hospitalisation avec l'hôpital, les "
        "infirmiers, les pharmaciens et le DAC.",
        ("Infirmier", None),
        ACTION_NOT_STARTED,
        0,
        12,
        12000,
        0,
        ("Rencontre avec le service de gériatrie", "Protocole de sortie"),
    ),
    _ActionPlan(
        "Dépistage du cancer du col de l'utérus",
        "3. Prévention",
        "Sensibiliser les femmes de 25 à 65 ans et multiplier les prélèvements par les sages-femmes et "
        "médecins généralistes.",
        ("Sage-femme", None),
        ACTION_IN_PROGRESS,
        12,
        6,
        8000,
        55,
        ("Campagne d'affichage", "Journée de dépistage", "Bilan avec le CRCDC"),
    ),
    _ActionPlan(
        "Dépistage du cancer colorectal",
        "3. Prévention",
        "Remise des kits de test immunologique par les médecins et les pharmaciens formés, notamment en "
        "mars (Mars bleu).",
        ("Pharmacien", None),
        ACTION_IN_PROGRESS,
        12,
        0,
        8000,
        60,
        ("Formation des pharmaciens", "Mars bleu", "Bilan des kits remis"),
        late=True,
    ),
    _ActionPlan(
        "Dépistage du cancer du sein — Octobre rose",
        "3. Prévention",
        "Journées d'information et prise de rendez-vous de mammographie pendant Octobre rose.",
        (PHYSICIAN, GYNAECOLOGY),
        ACTION_DONE,
        12,
        4,
        6000,
        100,
        ("Programme d'Octobre rose", "Stands d'information", "Bilan"),
    ),
    _ActionPlan(
        "Vaccination (grippe, Covid-19, HPV)",
        "3. Prévention",
        "Séances de vaccination coordonnées entre pharmaciens, infirmiers et médecins, et rattrapage HPV des "
        "collégiens.",
        ("Pharmacien", None),
        ACTION_DONE,
        3,
        12,
        10000,
        100,
        ("Planning des séances", "Campagne d'automne", "Rattrapage HPV au collège", "Bilan"),
    ),
    _ActionPlan(
        "Plan de réponse aux crises sanitaires graves",
        "4. Crises sanitaires graves",
        "Plan de la CPTS en cas de crise (épidémie, canicule, accident) : annuaire d'astreinte, circuits "
        "d'alerte, exercice annuel.",
        (PHYSICIAN, GP_SPECIALTY),
        ACTION_DONE,
        1,
        5,
        15000,
        100,
        ("Rédaction du plan", "Validation par l'ARS", "Exercice de simulation"),
    ),
    _ActionPlan(
        "Bon usage des médicaments et des antibiotiques",
        "5. Qualité et pertinence des soins",
        "Groupes d'échanges de pratiques pluriprofessionnels sur l'antibiothérapie et la polymédication des "
        "personnes âgées.",
        None,
        ACTION_NOT_STARTED,
        0,
        12,
        5000,
        0,
        ("Choix des thèmes", "Premier groupe d'échanges"),
    ),
    _ActionPlan(
        "Accueil des internes et des étudiants en santé",
        "6. Accompagnement des professionnels",
        "Recenser les maîtres de stage, aider au logement des internes et organiser une soirée d'accueil "
        "chaque semestre.",
        (PHYSICIAN, GP_SPECIALTY),
        ACTION_IN_PROGRESS,
        8,
        6,
        7000,
        65,
        ("Annuaire des maîtres de stage", "Soirée d'accueil des internes", "Aide au logement"),
    ),
    _ActionPlan(
        "Attractivité du territoire et installation des professionnels",
        "6. Accompagnement des professionnels",
        "Accompagner l'installation des jeunes professionnels : locaux, démarches, mise en relation, "
        "communication sur le territoire.",
        ("Masseur-kinésithérapeute", None),
        ACTION_IN_PROGRESS,
        10,
        14,
        12000,
        30,
        ("Guide d'installation", "Soirée des nouveaux installés", "Bourse aux locaux", "Bilan"),
    ),
)


def _signature_date(today: date) -> date:
    return (today - timedelta(days=750)).replace(day=1)


def _actions(world: _World, members: list[Member]) -> list[Action]:
    rng = world.rng("actions")
    signature = _signature_date(world.today)
    actions = []
    for number, plan in enumerate(_ACTIONS, start=1):
        start, due = _action_dates(world.today, signature, plan)
        actions.append(
            Action(
                id=number,
                number=number,
                title=plan.title,
                mission=plan.mission,
                pilot=_pilot(rng, members, plan.pilot),
                status=plan.status,
                start_date=start,
                due_date=due,
                budget=Decimal(plan.budget),
                progress=plan.progress,
                description=plan.description,
            )
        )
    return actions


def _action_dates(today: date, signature: date, plan: _ActionPlan) -> tuple[date, date]:
    if plan.status == ACTION_NOT_STARTED:
        start = _add_months(today, 2)
        return start, _add_months(start, plan.due_months)
    start = _add_months(signature, plan.start_months)
    if plan.late:
        return start, today - timedelta(days=45)
    if plan.status == ACTION_DONE:
        return start, _add_months(start, plan.due_months)
    return start, _add_months(today, plan.due_months)


def _pilot(rng: random.Random, members: list[Member], wanted: tuple[str, str | None] | None) -> int | None:
    if wanted is None:
        return None
    profession, specialty = wanted
    pool = [
        m
        for m in members
        if m.active and m.profession == profession and (specialty is None or m.specialty == specialty)
    ]
    return rng.choice(pool).id if pool else None


def _milestones(world: _World, actions: list[Action]) -> list[Milestone]:
    rng = world.rng("milestones")
    rows: list[Milestone] = []
    for action, plan in zip(actions, _ACTIONS, strict=True):
        assert action.start_date and action.due_date
        span = (action.due_date - action.start_date).days
        count = len(plan.milestones)
        for index, title in enumerate(plan.milestones, start=1):
            due = action.start_date + timedelta(days=span * index // count)
            done = action.status == ACTION_DONE or (due <= world.today and not (plan.late and index == count))
            done_on = (
                min(world.today, max(action.start_date, due + timedelta(days=rng.randint(-15, 10)))) if done else None
            )
            rows.append(
                Milestone(id=len(rows) + 1, title=title, action=action.id, due_date=due, done=done, done_on=done_on)
            )
    return rows


@dataclass(frozen=True)
class _IndicatorPlan:
    action: int  # number of the action
    title: str
    kind: str
    target: float | None
    value: float | None
    unit: str
    computation: str | None = None
    comment: str | None = None


_INDICATORS: tuple[_IndicatorPlan, ...] = (
    _IndicatorPlan(
        1,
        "Patients fragiles (ALD, 70 ans et plus, C2S/AME) ayant trouvé un médecin traitant",
        "Résultat",
        None,
        None,
        "patients",
        "patients_mt_trouve_annee_fragiles",
        "Cible contractuelle : environ 2,3 patients par médecin généraliste et par an.",
    ),
    _IndicatorPlan(
        1, "Patients ayant trouvé un médecin traitant", "Résultat", None, None, "patients", "patients_mt_trouve_annee"
    ),
    _IndicatorPlan(1, "Demandes reçues par la cellule d'orientation", "Action", None, None, "demandes"),
    _IndicatorPlan(
        1,
        "Patients en ALD toujours sans médecin traitant",
        "Résultat",
        None,
        None,
        "patients",
        "ald_en_attente",
        "Indicateur de suivi, à faire baisser : pas de cible d'atteinte.",
    ),
    _IndicatorPlan(2, "Demandes de soins non programmés honorées sous 48 h", "Résultat", 80, 72, "%"),
    _IndicatorPlan(2, "Créneaux de soins non programmés ouverts par semaine", "Action", 40, 34, "créneaux"),
    _IndicatorPlan(3, "Téléconsultations réalisées en EHPAD et à domicile", "Action", 300, 180, "téléconsultations"),
    _IndicatorPlan(3, "EHPAD équipés", "Action", 6, 4, "établissements"),
    _IndicatorPlan(
        4,
        "Patientes inscrites dans le parcours",
        "Résultat",
        None,
        None,
        "patientes",
        f"inscrits_parcours:{ENDOMETRIOSIS}",
    ),
    _IndicatorPlan(4, "Professionnels formés au repérage de l'endométriose", "Action", 30, 18, "professionnels"),
    _IndicatorPlan(
        5, "Patients inscrits dans le parcours", "Résultat", None, None, "patients", f"inscrits_parcours:{DIABETES}"
    ),
    _IndicatorPlan(5, "Patients ayant eu un fond d'œil dans l'année", "Résultat", 70, 55, "%"),
    _IndicatorPlan(6, "Protocole de sortie signé avec l'hôpital", "Action", 1, 0, "protocole"),
    _IndicatorPlan(7, "Participation au dépistage du cancer du col de l'utérus", "Résultat", 60, 52, "%"),
    _IndicatorPlan(7, "Actions de sensibilisation menées", "Action", 6, 4, "actions"),
    _IndicatorPlan(8, "Kits de dépistage remis par les professionnels", "Action", 1500, 640, "kits"),
    _IndicatorPlan(8, "Participation au dépistage du cancer colorectal", "Résultat", 35, 29, "%"),
    _IndicatorPlan(9, "Personnes sensibilisées pendant Octobre rose", "Action", 500, 620, "personnes"),
    _IndicatorPlan(9, "Participation au dépistage du cancer du sein", "Résultat", 55, 47, "%"),
    _IndicatorPlan(10, "Séances de vaccination organisées", "Action", 10, 12, "séances"),
    _IndicatorPlan(10, "Personnes vaccinées lors des séances", "Résultat", 800, 910, "personnes"),
    _IndicatorPlan(11, "Plan de réponse aux crises validé par l'ARS", "Action", 1, 1, "plan"),
    _IndicatorPlan(11, "Exercice de simulation réalisé", "Action", 1, 1, "exercice"),
    _IndicatorPlan(12, "Groupes d'échanges de pratiques tenus", "Action", 4, 0, "réunions"),
    _IndicatorPlan(13, "Internes accueillis sur le territoire", "Résultat", 10, 7, "internes"),
    _IndicatorPlan(13, "Maîtres de stage universitaires", "Action", 8, 6, "maîtres de stage"),
    _IndicatorPlan(14, "Adhérents de la CPTS", "Résultat", None, None, "membres", "membres_par_profession"),
    _IndicatorPlan(14, "Nouveaux professionnels installés sur le territoire", "Résultat", 8, 5, "professionnels"),
    _IndicatorPlan(14, "Nouveaux adhérents dans l'année", "Résultat", None, None, "membres", "membres_nouveaux_annee"),
)


def _indicators(
    world: _World,
    actions: list[Action],
    members: list[Member],
    patients: list[Patient],
    enrolments: list[Enrolment],
    pathways: list[Pathway],
) -> list[Indicator]:
    """The indicators of this year, and of last year for the actions started before this year (so that
    trends show). Calculated indicators carry no typed value, except last year's snapshot counts, frozen."""
    rng = world.rng("indicators")
    year = world.today.year
    targets = _targets(members, patients, enrolments, pathways)
    snapshots = _snapshots(members, patients, enrolments, pathways)
    rows: list[Indicator] = []
    for plan in _INDICATORS:
        action = actions[plan.action - 1]
        target, value = plan.target, plan.value
        typed_requests = plan.computation is None and target is None  # typed by the coordinator from the desk
        if typed_requests:
            target, value = targets["demandes"], _requests(patients, year)
        elif plan.computation:
            target = targets.get(plan.computation)
        computed = plan.computation is not None
        comment = plan.comment or rng.choice((None, None, "Saisie trimestrielle."))
        current = _indicator(len(rows) + 1, plan, action, year, target, None if computed else value, comment)
        rows.append(current)
        if action.start_date and action.start_date.year < year:
            if typed_requests:
                before = _requests(patients, year - 1)
            elif plan.computation in snapshots:  # not countable again for a past year: frozen at year end
                before = round(snapshots[plan.computation] * rng.uniform(0.8, 1.2))
            elif computed or value is None:
                before = None
            else:
                before = round(value * rng.uniform(0.6, 0.95))
            rows.append(_indicator(len(rows) + 1, plan, action, year - 1, target, before, None))
    return rows


def _indicator(
    position: int,
    plan: _IndicatorPlan,
    action: Action,
    year: int,
    target: float | None,
    value: float | None,
    comment: str | None,
) -> Indicator:
    computed = plan.computation is not None
    return Indicator(
        id=position,
        title=plan.title,
        action=action.id,
        kind=plan.kind,
        target=None if target is None else Decimal(str(target)),
        value=None if value is None else Decimal(str(value)),
        unit=plan.unit,
        period=str(year),
        source="Calculé" if computed else "Manuel",
        computation=plan.computation,
        comment=comment,
    )


def _requests(patients: list[Patient], year: int) -> int:
    return sum(1 for p in patients if p.request_date and p.request_date.year == year)


def _targets(
    members: list[Member],
    patients: list[Patient],
    enrolments: list[Enrolment],
    pathways: list[Pathway],
) -> dict[str, int]:
    """Contract-like targets of the calculated indicators (and of the requests typed by the coordinator)."""
    gps = sum(1 for m in members if m.active and m.specialty == GP_SPECIALTY)
    targets = {
        "patients_mt_trouve_annee_fragiles": round(2.3 * gps),
        "patients_mt_trouve_annee": round(5 * gps),
        "membres_par_profession": round(len(members) * 1.1),
        "membres_nouveaux_annee": max(5, round(len(members) * 0.1)),
        "demandes": round(len(patients) * 12 / 18),
    }
    for pathway in pathways:
        enrolled = sum(1 for e in enrolments if e.pathway == pathway.id)
        targets[f"inscrits_parcours:{pathway.name}"] = round(enrolled * 1.2) + 5
    return targets


def _snapshots(
    members: list[Member],
    patients: list[Patient],
    enrolments: list[Enrolment],
    pathways: list[Pathway],
) -> dict[str, int]:
    """Today's counts of the calculated indicators that are not yearly (a base for last year's frozen values)."""
    counts = {
        "membres_par_profession": sum(1 for m in members if m.active),
        "ald_en_attente": sum(
            1 for p in patients if p.status in (PATIENT_WAITING, PATIENT_PROPOSED) and "ALD" in p.fragilities
        ),
    }
    for pathway in pathways:
        active = {e.patient for e in enrolments if e.pathway == pathway.id and e.status == "Active"}
        counts[f"inscrits_parcours:{pathway.name}"] = len(active)
    return counts


# --- territory, settings, access log -------------------------------------------------------------


def _territory(world: _World) -> list[Commune]:
    return [territory_row(world.home, row_id=1)]


def _settings(world: _World) -> list[Setting]:
    rows = [
        SettingDefault(
            CPTS_NAME_KEY, f"CPTS {world.home.name}", "Nom affiché dans l'application et les exports.", False
        ),
        SettingDefault(
            SIGNATURE_KEY,
            _signature_date(world.today).isoformat(),
            "Date de signature du contrat ACI (AAAA-MM-JJ).",
            False,
        ),
        *default_settings(),
    ]
    rows += _priority_settings()
    rows += [
        SettingDefault(
            RETENTION_KEY,
            str(DEFAULT_RETENTION_MONTHS),
            "Les patients dont la demande est close depuis plus longtemps sont anonymisés par ./cpts purge "
            "(nom, prénom, téléphone, date de naissance et notes effacés ; les chiffres ne changent pas).",
            False,
        ),
        SettingDefault(
            IDLE_KEY,
            str(DEFAULT_IDLE_MINUTES),
            "Une session de l'application sans activité pendant cette durée est fermée.",
            False,
        ),
    ]
    return [
        Setting(id=position, key=row.key, value=row.value, description=row.description, to_check=row.to_check)
        for position, row in enumerate(rows, start=1)
    ]


def _priority_settings() -> list[SettingDefault]:
    """The weights of the desk's priority score, at their defaults."""
    weights = Weights()
    purpose = "dans l'orientation vers un médecin traitant (nombre entier)."
    rows = [
        SettingDefault(
            weight_key(name), str(points), f"Points de priorité pour la fragilité « {name} » {purpose}", False
        )
        for name, points in weights.fragility
    ]
    rows.append(
        SettingDefault(
            PER_MONTH_KEY, str(weights.per_month), f"Points de priorité par mois (30 jours) d'attente {purpose}", False
        )
    )
    return rows


def _access_log() -> list[AccessEntry]:
    return []
