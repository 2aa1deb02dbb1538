"""A new request for a médecin traitant, as typed in the form of the page Patients en attente: checked
(in French, field by field) and turned into a Patients record with the next free code."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from schema.models import PATIENT_CODE_PATTERN, PATIENT_PROPOSED, PATIENT_WAITING, PATIENTS, Patient

OLDEST_AGE = 120
_PHONE_SEPARATORS = re.compile(r"[\s.\-/]")


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


def normalise_phone(raw: str) -> str | None:
    """A French number as "06 12 34 56 78" (from "0612345678", "06.12.34.56.78", "+33 6 12 34 56 78"), else None."""
    digits = _PHONE_SEPARATORS.sub("", raw.strip())
    if digits.startswith("+33"):
        digits = "0" + digits[3:]
    elif digits.startswith("0033"):
        digits = "0" + digits[4:]
    if not re.fullmatch(r"0[1-9]\d{8}", digits):
        return None
    return " ".join(digits[i : i + 2] for i in range(0, 10, 2))


def next_code(codes: Sequence[str | None]) -> str:
    """The next free patient code: P- and six digits, one more than the largest in use."""
    numbers = [int(code[2:]) for code in codes if code and re.fullmatch(PATIENT_CODE_PATTERN, code)]
    return f"P-{max(numbers, default=0) + 1:06d}"


def _title(attr: str) -> str:
    return PATIENTS.field(attr).title


def validate_request(
    form: RequestForm, communes: Mapping[str, str], existing: Sequence[Patient], today: date
) -> tuple[Patient | None, list[str]]:
    """The new Patients record (status "En attente"), or None and every error found, in French.

    `communes`: INSEE code → name of the communes accepted (the territory and its neighbours)."""
    errors = []
    for attr, value in (("last_name", form.last_name), ("first_name", form.first_name)):
        if not value.strip():
            errors.append(f"Champ « {_title(attr)} » : obligatoire.")
    errors += _birth_date_errors(form.birth_date, today)
    code = form.insee_code.strip().upper()
    if not code:
        errors.append(f"Champ « {_title('insee_code')} » : obligatoire.")
    elif code not in communes:
        errors.append(
            f"Champ « {_title('insee_code')} » : « {code} » n'est ni une commune du territoire ni une commune voisine "
            "(code INSEE de 5 caractères, pas le code postal)."
        )
    phone = normalise_phone(form.phone) if form.phone.strip() else None
    if form.phone.strip() and phone is None:
        errors.append(
            f"Champ « {_title('phone')} » : « {form.phone} » n'est pas un numéro français à 10 chiffres (ex. 06 12 34 56 78)."
        )
    if form.request_date and form.request_date > today:
        errors.append(f"Champ « {_title('request_date')} » : la date ne peut pas être dans le futur.")
    if form.objection and form.consent:
        errors.append(f"Champs « {_title('consent')} » et « {_title('objection')} » : l'un exclut l'autre.")
    duplicate = _duplicate(form, existing)
    if duplicate:
        errors.append(f"Une demande est déjà en cours pour cette personne : {duplicate.code} ({duplicate.status}).")
    if errors:
        return None, errors
    patient = Patient(
        code=next_code([p.code for p in existing]),
        last_name=form.last_name.strip(),
        first_name=form.first_name.strip(),
        birth_date=form.birth_date,
        sex=form.sex,
        insee_code=code,
        phone=phone,
        request_date=form.request_date or today,
        source=form.source,
        fragilities=list(form.fragilities),
        reduced_mobility=form.reduced_mobility,
        status=PATIENT_WAITING,
        consent=form.consent,
        objection=form.objection,
        notes=form.notes.strip() or None,
    )
    return patient, []


def _birth_date_errors(birth_date: date | None, today: date) -> list[str]:
    title = _title("birth_date")
    if birth_date is None:
        return [f"Champ « {title} » : obligatoire."]
    if birth_date >= today:
        return [f"Champ « {title} » : la date doit être passée ({birth_date:%d/%m/%Y})."]
    if today.year - birth_date.year > OLDEST_AGE:
        return [f"Champ « {title} » : {birth_date:%d/%m/%Y} donnerait plus de {OLDEST_AGE} ans."]
    return []


def _duplicate(form: RequestForm, existing: Sequence[Patient]) -> Patient | None:
    def same(a: str | None, b: str) -> bool:
        return (a or "").strip().casefold() == b.strip().casefold()

    return next(
        (
            p
            for p in existing
            if p.status in (PATIENT_WAITING, PATIENT_PROPOSED)
            and p.birth_date == form.birth_date
            and same(p.last_name, form.last_name)
            and same(p.first_name, form.first_name)
        ),
        None,
    )
