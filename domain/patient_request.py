"""A new request for a médecin traitant, as typed in the form of the page Patients en attente: checked by
the shared input rules (`domain.validation`: French messages naming the field), then against the territory
and the requests in progress, and turned into a Patients record with the next free code."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from domain.communes import commune
from domain.problems import Problem
from domain.validation import validate_form
from schema.models import GP_SOUGHT, PATIENT_CODE_PATTERN, PATIENTS, Patient, PatientStatus

REQUIRED = ("last_name", "first_name", "birth_date", "insee_code")
DUPLICATE = "Demande en cours"  # the « field » of the problem: a request already in progress for the person


@dataclass(frozen=True)
class RequestForm:
    last_name: str
    first_name: str
    birth_date: date | None
    insee_code: str
    phone: str = ""
    sex: str | None = None
    request_date: date | None = None
    source: str | None = None
    fragilities: list[str] = field(default_factory=list)
    reduced_mobility: bool = False
    consent: bool = False
    objection: bool = False
    notes: str = ""
    profession_sought: str | None = None  # Patients « Profession recherchée », empty: médecin traitant


def next_code(codes: Sequence[str | None]) -> str:
    """The next free patient code: P- and six digits, one more than the largest in use."""
    numbers = [int(code[2:]) for code in codes if code and re.fullmatch(PATIENT_CODE_PATTERN, code)]
    return f"P-{max(numbers, default=0) + 1:06d}"


def validate_request(
    form: RequestForm, communes: Mapping[str, str], existing: Sequence[Patient], today: date
) -> tuple[Patient | None, list[str]]:
    """The new Patients record (status "En attente"), or None and every error found, in French.

    `communes`: INSEE code → name of the communes accepted (the territory and its neighbours)."""
    patient, errors = check_request(asdict(form), communes, existing, today)
    return patient, [error.reason if error.field == DUPLICATE else str(error) for error in errors]


def check_request(
    values: Mapping[str, Any],
    communes: Mapping[str, str],
    existing: Sequence[Patient],
    today: date,
    required: Sequence[str] = REQUIRED,
) -> tuple[Patient | None, list[Problem]]:
    """A request given by attribute (typed in the app, or arrived through the public form): the new Patients
    record (next free code, status "En attente"), or None and every problem found (a request already in
    progress for the person: field `DUPLICATE`)."""
    checked, errors = validate_form(PATIENTS, values, today, required=required)
    title, code = PATIENTS.field("insee_code").title, str(values.get("insee_code") or "").strip().upper()
    if code and title not in {e.field for e in errors} and code not in communes:
        where = f"{commune(code).name} ({code})"
        errors.append(Problem(None, None, title, f"{where} n'est ni une commune du territoire ni une commune voisine"))
    duplicate = _duplicate(values, existing)
    if duplicate:
        reason = f"Une demande est déjà en cours pour cette personne : {duplicate.code} ({duplicate.status})."
        errors.append(Problem(None, None, DUPLICATE, reason))
    if checked is None or errors:
        return None, errors
    patient = checked.model_copy(
        update={
            "code": next_code([p.code for p in existing]),
            "request_date": checked.request_date or today,
            "status": PatientStatus.WAITING,
        }
    )
    return patient, []


def _duplicate(values: Mapping[str, Any], existing: Sequence[Patient]) -> Patient | None:
    def same(a: object, b: object) -> bool:
        return str(a or "").strip().casefold() == str(b or "").strip().casefold()

    birth = values.get("birth_date")
    return next(
        (
            p
            for p in existing
            if p.status in (PatientStatus.WAITING, PatientStatus.PROPOSED)
            and same(p.birth_date, birth)
            and same(p.last_name, values.get("last_name"))
            and same(p.first_name, values.get("first_name"))
            and same(p.profession_sought or GP_SOUGHT, values.get("profession_sought") or GP_SOUGHT)
        ),
        None,
    )
