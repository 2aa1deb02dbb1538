"""Retention rules (pure): which patients a purge anonymises, what it keeps."""

from __future__ import annotations

from datetime import date

import pytest

from domain.ages import age_band, band_start
from domain.retention import (
    IDENTIFYING,
    months_before,
    parse_months,
    plan_purge,
)
from errors import Refused
from schema.models import Patient, PatientStatus

TODAY = date(2026, 3, 15)
CUTOFF = date(2024, 3, 15)  # 24 months before TODAY


@pytest.mark.parametrize(
    ("text", "months"), [("24m", 24), ("24", 24), (" 36 mois ", 36), ("2a", 24), ("2y", 24), ("1an", 12)]
)
def test_parse_months(text: str, months: int) -> None:
    assert parse_months(text) == months


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("deux ans", "illisible : écrivez par exemple 24m"),
        ("-3m", "illisible"),
        ("0m", "hors limites : entre 1 et 240 mois"),
        ("21a", "hors limites"),
    ],
)
def test_parse_months_refuses(text: str, message: str) -> None:
    with pytest.raises(Refused, match=message):
        parse_months(text)


def test_months_before_keeps_the_day_or_the_month_end() -> None:
    assert months_before(TODAY, 24) == CUTOFF
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2024, 2, 29), 12) == date(2023, 2, 28)
    assert months_before(date(2026, 1, 10), 13) == date(2024, 12, 10)


def test_age_bands_follow_the_screening_ages() -> None:
    assert age_band(date(1950, 4, 2), date(2026, 4, 1)) == "75–79 ans"  # 75 the day before their 76th birthday
    assert age_band(date(1950, 4, 2), date(2025, 4, 1)) == "70–74 ans"
    assert age_band(date(2026, 1, 1), date(2026, 3, 1)) == "0–4 ans"
    assert age_band(date(1920, 1, 1), date(2026, 1, 1)) == "95 ans et plus"
    assert age_band(None, TODAY) is None and age_band(date(1990, 1, 1), None) is None
    assert [band_start(b) for b in ("70–74 ans", "95 ans et plus", None)] == [70, 95, None]


def patient(pid: int, status: str, **dates: date | None) -> Patient:
    return Patient(
        id=pid,
        code=f"P-{pid:06d}",
        last_name="Durand",
        first_name="Léa",
        phone="06 12 34 56 78",
        birth_date=date(1950, 6, 1),
        notes="Appeler le matin",
        sex="Femme",
        insee_code="92040",
        request_date=date(2023, 1, 10),
        fragilities=["ALD"],
        status=status,
        **dates,
    )


def test_plan_purge_picks_requests_closed_before_the_cutoff() -> None:
    day_before, on_cutoff = date(2024, 3, 14), CUTOFF
    patients = [
        patient(1, PatientStatus.FOUND, found_date=day_before),
        patient(2, PatientStatus.DROPPED, closed_date=day_before),
        patient(3, PatientStatus.CLOSED, closed_date=day_before),
        patient(4, PatientStatus.CLOSED, closed_date=on_cutoff),  # not yet
        patient(5, PatientStatus.WAITING),
        patient(6, PatientStatus.PROPOSED),
        patient(7, PatientStatus.CLOSED),  # closing date missing
        patient(8, PatientStatus.FOUND, found_date=day_before),  # still in an active pathway
        patient(9, PatientStatus.FOUND, closed_date=day_before),  # "MT trouvé" closes on its found date: missing
    ]
    plan = plan_purge(patients, in_active_pathway={8}, today=TODAY, months=24)
    assert plan.cutoff == CUTOFF
    assert [item.code for item in plan.items] == ["P-000001", "P-000002", "P-000003"]
    assert plan.kept_in_pathway == ["P-000008"]
    assert plan.missing_date == ["P-000007", "P-000009"]


def test_anonymised_record_keeps_what_figures_use() -> None:
    before = patient(1, PatientStatus.FOUND, found_date=date(2023, 5, 1))
    [item] = plan_purge([before], set(), TODAY, 24).items
    after = item.record
    assert all(getattr(after, attr) is None for attr in IDENTIFYING)
    assert after.age_band == item.age_band == "70–74 ans"  # 72 on the request date
    assert item.emptied == ("Nom", "Prénom", "Téléphone", "Date de naissance", "Notes")
    kept = set(Patient.model_fields) - set(IDENTIFYING) - {"age_band"}
    assert {a: getattr(after, a) for a in kept} == {a: getattr(before, a) for a in kept}
    assert plan_purge([after], set(), TODAY, 24).items == []  # a second purge has nothing left to do
