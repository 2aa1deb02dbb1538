"""Input checks of forms and imports: each malformed value refused with its row and field named, in French."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.problems import Problem
from domain.validation import normalise_phone, validate_form, validate_rows
from schema.models import MEMBERS, PATIENTS, TERRITORY, Member, Patient

TODAY = date(2026, 3, 15)
GOOD_PATIENT: dict[str, Any] = {
    "code": "P-000001",
    "last_name": "Dupont",
    "first_name": "Jeanne",
    "birth_date": "1950-04-02",
    "insee_code": "92040",
    "phone": "06 12 34 56 78",
    "request_date": date(2026, 1, 5),
    "status": "En attente",
    "fragilities": ["ALD"],
}
GOOD_MEMBER: dict[str, Any] = {
    "last_name": "Martin",
    "profession": "Médecin",
    "rpps": "10101234567",
    "insee_code": "2A004",
    "phone": "+33 1 46 42 00 00",
    "email": "Dr.Martin@Exemple.fr",
    "member_since": "2021-09-01",
    "available_from": "2027-01-01",
}

# (field attribute, malformed value, French field title, words of the message)
BAD_PATIENT_VALUES = [
    ("insee_code", "99999", "Commune (INSEE)", "n'est le code INSEE d'aucune commune"),
    ("insee_code", "92130", "Commune (INSEE)", "est un code postal, pas un code INSEE (Issy-les-Moulineaux : 92040)"),
    ("insee_code", "Issy", "Commune (INSEE)", "n'est le code INSEE d'aucune commune"),
    ("phone", "12 34", "Téléphone", "n'est pas un numéro de téléphone français (ex. 06 12 34 56 78)"),
    ("phone", "+44 20 7946 0958", "Téléphone", "n'est pas un numéro de téléphone français"),
    ("phone", "00 12 34 56 78", "Téléphone", "n'est pas un numéro de téléphone français"),
    ("birth_date", "02/04/1950", "Date de naissance", "n'est pas une date au format AAAA-MM-JJ"),
    ("birth_date", "1950-02-30", "Date de naissance", "n'est pas une date du calendrier"),
    ("birth_date", "1850-04-02", "Date de naissance", "donnerait plus de 120 ans"),
    ("birth_date", "2027-01-01", "Date de naissance", "01/01/2027 est dans le futur"),
    ("request_date", "2026-03-16", "Date de la demande", "16/03/2026 est dans le futur"),
    ("request_date", "1999-12-31", "Date de la demande", "est antérieure au 01/01/2000"),
    ("found_date", "2025-12-31", "Date MT trouvé", "31/12/2025 précède la date de la demande"),
    ("last_name", "Dupont\nDurand", "Nom", "une seule ligne attendue"),
    ("last_name", "x" * 256, "Nom", "256 caractères, 255 au plus"),
    ("code", "123", "Code", "« 123 » n'a pas le format attendu"),
    ("status", "Perdu", "Statut", "« Perdu » n'est pas une option"),
    ("objection", True, "Consent à être orienté", "incompatible avec « Opposition au partage » coché"),
]
BAD_MEMBER_VALUES = [
    ("rpps", "1234567890", "RPPS", "« 1234567890 » n'est pas un numéro RPPS (11 chiffres)"),
    ("rpps", "123456789012", "RPPS", "n'est pas un numéro RPPS (11 chiffres)"),
    ("rpps", "1234567890a", "RPPS", "n'est pas un numéro RPPS (11 chiffres)"),
    ("email", "martin@", "Email", "n'est pas une adresse e-mail"),
    ("email", "a@b.fr, c@d.fr", "Email", "n'est pas une adresse e-mail"),
    ("available_from", "2040-01-01", "Disponible à partir du", "est à plus de 10 ans"),
    ("monthly_capacity", "beaucoup", "Capacité mensuelle", "« beaucoup » n'est pas un nombre entier"),
    ("monthly_capacity", -1, "Capacité mensuelle", "doit être au moins 0"),
]


@pytest.mark.parametrize(("attr", "value", "title", "message"), BAD_PATIENT_VALUES)
def test_a_malformed_patient_field_refuses_the_form(attr: str, value: Any, title: str, message: str) -> None:
    values = {**GOOD_PATIENT, attr: value}
    if attr == "objection":
        values["consent"] = True
    record, errors = validate_form(PATIENTS, values, TODAY)
    assert record is None
    assert [e.field for e in errors] == [title]
    assert message in errors[0].reason
    assert str(errors[0]).startswith(f"Champ « {title} » : ")


@pytest.mark.parametrize(("attr", "value", "title", "message"), BAD_MEMBER_VALUES)
def test_a_malformed_member_field_refuses_the_form(attr: str, value: Any, title: str, message: str) -> None:
    record, errors = validate_form(MEMBERS, {**GOOD_MEMBER, attr: value}, TODAY)
    assert record is None
    assert [(e.field, message in e.reason) for e in errors] == [(title, True)]


def test_good_values_are_accepted_and_normalised() -> None:
    patient, errors = validate_form(PATIENTS, GOOD_PATIENT, TODAY, required=("last_name", "birth_date"))
    assert errors == []
    assert isinstance(patient, Patient)
    assert patient.birth_date == date(1950, 4, 2)
    member, errors = validate_form(MEMBERS, GOOD_MEMBER, TODAY)
    assert errors == []
    assert isinstance(member, Member)
    assert (member.phone, member.email, member.insee_code) == ("01 46 42 00 00", "dr.martin@exemple.fr", "2A004")


def test_names_that_look_like_markup_are_kept_as_typed() -> None:
    values = {**GOOD_PATIENT, "last_name": "<b>Dupont</b>", "first_name": "**Martin**"}
    patient, errors = validate_form(PATIENTS, values, TODAY)
    assert errors == [] and patient is not None
    assert (patient.last_name, patient.first_name) == ("<b>Dupont</b>", "**Martin**")


def test_required_fields_are_named() -> None:
    record, errors = validate_form(PATIENTS, {**GOOD_PATIENT, "last_name": "  "}, TODAY, required=("last_name",))
    assert record is None
    assert errors == [Problem(None, None, "Nom", "obligatoire")]


def test_a_format_refused_says_the_expected_one() -> None:
    record, errors = validate_form(PATIENTS, {"code": "P-12"}, TODAY)
    assert record is None
    assert [str(e) for e in errors] == ["Champ « Code » : « P-12 » n'a pas le format attendu (ex. P-000123)"]


def test_an_import_is_refused_whole_with_each_row_named() -> None:
    rows = [
        {"name": "Issy-les-Moulineaux", "insee_code": "92040", "population": 67669},
        {"name": "Nulle part", "insee_code": "00000", "population": 10},
        {"name": "Vanves", "insee_code": "92075", "population": -3},
    ]
    records, errors = validate_rows(TERRITORY, rows, TODAY)
    assert records == []
    assert [str(e) for e in errors] == [
        "Territoire — Ligne 2, champ « Code INSEE » : « 00000 » n'est le code INSEE d'aucune commune "
        "(5 caractères, ex. 92040 ; pas le code postal)",
        "Territoire — Ligne 3, champ « Population » : « -3 » doit être au moins 0",
    ]
    records, errors = validate_rows(TERRITORY, rows[:1], TODAY)
    assert errors == [] and len(records) == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0612345678", "06 12 34 56 78"),
        ("06.12.34.56.78", "06 12 34 56 78"),
        ("06-12-34-56-78", "06 12 34 56 78"),
        ("+33 6 12 34 56 78", "06 12 34 56 78"),
        ("+33 (0)1 46 42 00 00", "01 46 42 00 00"),
        ("0033146420000", "01 46 42 00 00"),
        ("061234567", None),
        ("0012345678", None),
        ("06 12 34 56 78 9", None),
    ],
)
def test_french_phone_numbers(raw: str, expected: str | None) -> None:
    assert normalise_phone(raw) == expected
