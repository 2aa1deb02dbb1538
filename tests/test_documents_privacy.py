"""The AG deck and the « dialogue de gestion » workbook are made for the bureau and the ARS: whatever a
coordinator typed in whichever column of a table of patients, neither holds a patient's name, phone or birth
date (real NocoDB, documents written by the same services as ./cpts deck and ./cpts dialogue)."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest

from schema.models import PATIENTS, PROPOSALS, PatientStatus
from services.board import dialogue
from services.deck import deck
from store.base import Base

TODAY = date.today()
IDENTITY = ("DUPONTEL", "Jeannette", "06 12 34 56 78", "0612345678", "1961-02-03", "03/02/1961")


@pytest.fixture(scope="module")
def typed_everywhere(base: Base) -> Base:
    """Patients whose identity a coordinator typed into every text column, some valid, some refused."""
    whole = {"Nom": "DUPONTEL", "Prénom": "Jeannette", "Téléphone": "06 12 34 56 78", "Date de naissance": "1961-02-03"}
    rows = [
        {**whole, "Code": "P-000001", "Statut": PatientStatus.WAITING.value, "Notes": "DUPONTEL 0612345678"},
        {"Code": "DUPONTEL Jeannette", "Statut": PatientStatus.WAITING.value},
        {"Code": "P-000003", "Commune (INSEE)": "DUPONTEL", "Statut": PatientStatus.FOUND.value},
        {"Code": "P-000004", "Sexe": None, "Notes": "x" * 20_000 + " DUPONTEL"},
        {**whole, "Code": "P-000005", "Statut": PatientStatus.PROPOSED.value, "Date de la demande": "1961-02-03"},
    ]
    patients = base.client.insert(base.handle(PATIENTS).id, rows)
    base.client.insert(base.handle(PROPOSALS).id, [{"Référence": "DUPONTEL Jeannette – Dr X"}])
    assert len(patients) == len(rows)
    return base


def texts_of(document: Path) -> str:
    """Every file inside an Office document (slides, sheets, charts' data), as text."""
    with zipfile.ZipFile(document) as archive:
        return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def test_the_deck_holds_no_identity(typed_everywhere: Base, tmp_path: Path) -> None:
    target = tmp_path / "ag.pptx"
    made = deck(typed_everywhere, TODAY.year, TODAY, target, pdf=False)
    assert made.problems, "the refused values must have been found"
    text = texts_of(target)
    assert "Patients" in text or "patients" in text
    assert [value for value in IDENTITY if value in text] == []


def test_the_workbook_holds_no_identity(typed_everywhere: Base, tmp_path: Path) -> None:
    target = tmp_path / "dialogue.xlsx"
    dialogue(typed_everywhere, TODAY.year, TODAY, target)
    text = texts_of(target)
    assert [value for value in IDENTITY if value in text] == []
