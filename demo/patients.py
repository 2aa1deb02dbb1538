"""The patients without a médecin traitant who asked the CPTS for one (Patients): their requests spread over
18 months, fragilities, and an outcome (waiting, proposed, GP found, dropped, closed) consistent with how long
ago they asked. Also who the fitting GPs are, which the proposals share.

Sources, age groups, fragility odds, statuses by wait and notes are in demo/data/patients.toml."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from demo.data_files import load
from demo.world import World, age, between, birth_date, phone, pick
from schema.models import Fragility, Member, Patient, PatientStatus

DATA = load("patients")
_WINDOW_DAYS: int = DATA["request_window_days"]
_STATUS_BY_WAIT = tuple(
    (row.get("until_days", _WINDOW_DAYS), tuple(row["statuses"].items())) for row in DATA["status_by_wait"]
)
_GROUPS: dict[str, dict[str, Any]] = DATA["groups"]
_SOURCES: tuple[tuple[str, float], ...] = tuple(DATA["sources"].items())
ELDERLY = "elderly"
_SEVENTY = "70 ans et plus"


class GpPicker:
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
        if age(fields["birth_date"], today) < 18:
            groups.append("Enfants")
        return self.candidates(tuple(groups), fields["reduced_mobility"])


def available(gps: list[Member], on: date) -> list[Member]:
    """The GPs taking new patients on that day (all of them if none is)."""
    return [gp for gp in gps if gp.available_from is None or gp.available_from <= on] or gps


def patients(world: World, total: int, members: list[Member]) -> list[Patient]:
    rng = world.rng("patients")
    picker = GpPicker(members)
    return [_patient(world, rng, position, picker) for position in range(1, total + 1)]


def _patient(world: World, rng: random.Random, position: int, picker: GpPicker) -> Patient:
    # Requests spread over 18 months, more of them lately as the desk became known.
    recent = rng.random() < 0.5
    waited = int(rng.triangular(0, _WINDOW_DAYS, 0) if recent else rng.uniform(0, _WINDOW_DAYS))
    requested = world.days_ago(waited)
    female = rng.random() < 0.52
    group = pick(rng, tuple((name, row["share"]) for name, row in _GROUPS.items()))
    birth = birth_date(rng, requested, rng.randint(*_GROUPS[group]["ages"]))
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
        "phone": phone(rng, place.department, mobile=rng.random() < (0.5 if group == ELDERLY else 0.85))
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
    found = [_SEVENTY] if group == ELDERLY else []
    found += [name for name, chance in _GROUPS[group]["fragilities"].items() if rng.random() < chance]
    return sorted(found, key=tuple(Fragility).index)


def _source(rng: random.Random, fragilities: list[str]) -> str:
    if "Sortie d'hospitalisation" in fragilities and rng.random() < 0.7:
        return "Hôpital"
    return pick(rng, _SOURCES)


def _reduced_mobility(rng: random.Random, group: str, fragilities: list[str]) -> bool:
    if "Handicap" in fragilities:
        return rng.random() < 0.5
    return rng.random() < (0.3 if group == ELDERLY else 0.02)


def _outcome(
    world: World, rng: random.Random, patient: dict[str, Any], waited: int, picker: GpPicker
) -> dict[str, Any]:
    """Status, GP, dates, consent and notes consistent with how long ago the request came."""
    weights = next(table for limit, table in _STATUS_BY_WAIT if waited < limit)
    status = pick(rng, weights)
    objection = rng.random() < 0.03
    consent = not objection and rng.random() < 0.94
    notes = rng.choice(DATA["general_notes"]) if rng.random() < 0.2 else None
    if objection or not consent:
        notes = DATA["objection_note"] if objection else DATA["no_consent_note"]
        if status in (PatientStatus.PROPOSED, PatientStatus.FOUND):
            status = PatientStatus.CLOSED if objection and waited >= 14 else PatientStatus.WAITING
    outcome: dict[str, Any] = {"status": status, "consent": consent, "objection": objection, "notes": notes}
    requested: date = patient["request_date"]
    if status == PatientStatus.FOUND:
        latest = min(world.today, requested + timedelta(days=120))
        found = between(rng, requested + timedelta(days=7), latest)
        outcome["found_date"] = found
        outcome["gp"] = rng.choice(available(picker.for_patient(patient, world.today), found)).id
    elif status in (PatientStatus.DROPPED, PatientStatus.CLOSED):
        outcome["closed_date"] = between(rng, requested + timedelta(days=14), world.today)
        if not objection:
            outcome["notes"] = rng.choice(DATA["dropped_notes" if status == PatientStatus.DROPPED else "closed_notes"])
    return outcome
