"""One age for every figure (pure): from the birth date, or from the age band a purge keeps, so that a purged
patient of 70 or more still counts as "70 ans et plus" in the desk's priority, the ACI fragile counts and
the pathways' age ranges."""

from __future__ import annotations

from datetime import date

import pytest

from domain.ages import age_on, years_between
from domain.desk import DeskRecords, desk_figures
from domain.figures import waiting_patients
from domain.indicators import LiveData, fragile_patients_found_in_year
from domain.pathways import ENDED, EnrolmentFacts, PathwayFacts, Person, Step, eligibility_warnings, schedule
from domain.priority import Weights, is_aci_fragile, patient_groups, priority
from schema.models import ACTIONS, ENROLMENTS, MEMBERS, PATHWAYS, PATIENTS, Fragility, Patient, PatientStatus
from store.records import to_frame

TODAY = date(2026, 5, 10)


def purged(band: str | None, **fields: object) -> Patient:
    """A patient as `./cpts purge` leaves it: no birth date, the band of the age on the request date."""
    return Patient(code="P-000001", birth_date=None, age_band=band, **fields)  # type: ignore[arg-type]


def test_age_from_the_birth_date_else_from_the_band() -> None:
    assert years_between(date(1950, 5, 11), TODAY) == 75  # 76 tomorrow
    assert age_on(date(1950, 5, 11), None, TODAY) == 75
    assert age_on(date(1950, 5, 11), "40–44 ans", TODAY) == 75  # the birth date wins
    assert age_on(None, "70–74 ans", TODAY) == 70
    assert age_on(None, "70-74", TODAY) == 70  # typed by hand in NocoDB
    assert age_on(None, "95 ans et plus", TODAY) == 95
    assert age_on(None, None, TODAY) is None
    assert age_on(None, "âge inconnu", TODAY) is None


@pytest.mark.parametrize(
    ("band", "fragile"), [("70–74 ans", True), ("70-74", True), ("65–69 ans", False), (None, False)]
)
def test_a_purged_patient_is_fragile_from_the_band(band: str | None, fragile: bool) -> None:
    assert is_aci_fragile([], None, band, TODAY) is fragile
    assert (Fragility.ELDERLY in patient_groups([], None, band, TODAY)) is fragile


def test_priority_counts_70_and_over_from_the_band() -> None:
    assert priority([], None, "70–74 ans", None, TODAY, Weights()).explanation == "70 ans et plus +20"
    assert priority([], None, "65–69 ans", None, TODAY, Weights()).explanation == "aucun critère de priorité"


def test_desk_figures_count_a_purged_patient_of_70_as_fragile() -> None:
    found = {"status": PatientStatus.FOUND, "found_date": date(2026, 2, 1), "request_date": date(2025, 12, 1)}
    patients = [
        purged("70–74 ans", id=1, **found),
        purged("65–69 ans", id=2, **found),
        purged(None, id=3, **found),
        Patient(id=4, status=PatientStatus.WAITING, birth_date=None, age_band="75–79 ans"),
    ]
    figures = desk_figures(DeskRecords(patients, [], []), TODAY)
    assert (figures.found_this_year, figures.found_fragile_this_year) == (3, 1)
    assert (figures.waiting, figures.waiting_fragile) == (1, 1)


def test_board_and_aci_counts_use_the_band() -> None:
    found = {"status": PatientStatus.FOUND, "found_date": date(2026, 2, 1)}
    rows = [
        purged("70–74 ans", id=1, **found),
        purged("65–69 ans", id=2, **found),
        Patient(id=3, birth_date=date(1950, 1, 1), **found),  # not purged: 76 from the birth date
        Patient(id=4, status=PatientStatus.WAITING, age_band="80–84 ans"),
        Patient(id=5, status=PatientStatus.WAITING),  # no age at all: not fragile
    ]
    patients = to_frame(PATIENTS, rows)
    data = LiveData(patients, *(to_frame(spec, []) for spec in (MEMBERS, ENROLMENTS, PATHWAYS, ACTIONS)))
    assert fragile_patients_found_in_year(data, 2026) == 2
    assert waiting_patients(patients, TODAY).fragile_waiting == 1


def test_pathway_ages_from_the_band() -> None:
    breast = PathwayFacts("Dépistage du cancer du sein", "Femmes", 50, 74)
    assert eligibility_warnings(breast, Person(None, "Femme", "55–59 ans"), TODAY) == []
    assert eligibility_warnings(breast, Person(None, "Femme", "75–79 ans"), TODAY) == [
        "tranche d'âge 75–79 ans ; le parcours « Dépistage du cancer du sein » concerne les 50–74 ans"
    ]
    assert eligibility_warnings(breast, Person(None, "Femme"), TODAY) == [
        "date de naissance manquante : l'âge ne peut pas être vérifié"
    ]
    mammography = Step(id=1, pathway=1, title="Mammographie", interval_months=24, min_age=50, max_age=74)
    enrolled = EnrolmentFacts(date(2026, 1, 5))
    [over] = schedule([mammography], Person(None, "Femme", "75–79 ans"), enrolled, {}, TODAY)
    [due] = schedule([mammography], Person(None, "Femme", "60–64 ans"), enrolled, {}, TODAY)
    assert over.status == ENDED and due.status != ENDED
