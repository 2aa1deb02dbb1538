"""Input checks for every form and import: one submission is accepted whole or refused whole, with each
error naming its row and field in French.

    record, errors = validate_form(PATIENTS, {"last_name": "Dupont", "phone": "06 12 34 56 78", ...}, today)
    records, errors = validate_rows(MEMBERS, rows, today)       # an import: rows numbered from 1

Values come as typed (strings from a text input, dates from a date input, or ISO strings from a file).
Beyond the record model's own rules: RPPS = 11 digits, INSEE code = a real current commune (not a
postcode), dates = ISO (AAAA-MM-JJ) and plausible, phone = a French number (stored as "06 12 34 56 78"),
e-mail = one address, one-line texts without line breaks. Text that looks like HTML or Markdown is
accepted as typed: the pages show it as text (see `views.common.plain`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import ValidationError

from domain.ages import years_between
from domain.communes import commune, communes_of_postcode
from domain.problems import Problem
from schema.fields import FieldSpec, Kind, R, TableSpec, french_reason

OLDEST_AGE = 120
EARLIEST_EVENT = date(2000, 1, 1)  # no CPTS date (request, membership, action…) is older than this
LATEST_YEARS_AHEAD = 10  # planned dates (due dates, availability) at most this far ahead
# Attributes that record something that already happened: never in the future.
PAST_ONLY = frozenset(
    {"birth_date", "request_date", "found_date", "closed_date", "proposed_on", "enrolled_on", "done_on", "member_since"}
)
TEXT_MAX, LONG_TEXT_MAX = 255, 10_000
PHONE_EXAMPLE = "06 12 34 56 78"
_PHONE_SEPARATORS = re.compile(r"[\s.\-/()]")
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[A-Za-z]{2,}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def validate_form(
    spec: TableSpec[R], values: Mapping[str, Any], today: date, required: Sequence[str] = ()
) -> tuple[R | None, list[Problem]]:
    """One form submission (attribute -> value): the record to write, or None and every error found."""
    records, errors = validate_rows(spec, [values], today, required, numbered=False)
    return (records[0] if records else None), errors


def validate_rows(
    spec: TableSpec[R],
    rows: Sequence[Mapping[str, Any]],
    today: date,
    required: Sequence[str] = (),
    *,
    numbered: bool = True,
) -> tuple[list[R], list[Problem]]:
    """Every row of an import checked: all the records, or none of them and every error found."""
    records: list[R] = []
    errors: list[Problem] = []
    fields = spec.fields  # built from the model at each call: once per import
    for position, row in enumerate(rows, start=1):
        record, found = _validate_row(spec, fields, row, today, required)
        errors += [replace(e, table=spec.title, line=position) for e in found] if numbered else found
        if record is not None:
            records.append(record)
    return ([] if errors else records), errors


def normalise_phone(raw: str) -> str | None:
    """A French number as "06 12 34 56 78" (from "0612345678", "06.12.34.56.78", "+33 6 12 34 56 78"), else None."""
    digits = _PHONE_SEPARATORS.sub("", raw.strip())
    for prefix in ("+33", "0033"):
        if digits.startswith(prefix):
            digits = "0" + digits[len(prefix) :].removeprefix("0")
    if not re.fullmatch(r"0[1-9]\d{8}", digits):
        return None
    return " ".join(digits[i : i + 2] for i in range(0, 10, 2))


def insee_problem(code: str) -> str | None:
    """Why this is not the INSEE code of a current commune (None if it is one)."""
    if _is_commune(code):
        return None
    named = communes_of_postcode(code)
    if named:
        hint = ", ".join(f"{info.name} : {info.insee_code}" for info in named[:3])
        return f"« {code} » est un code postal, pas un code INSEE ({hint})"
    return f"« {code} » n'est le code INSEE d'aucune commune (5 caractères, ex. 92040 ; pas le code postal)"


def email_problem(email: str) -> str | None:
    """Why this is not one e-mail address (None if it is one)."""
    if not _EMAIL.fullmatch(email):
        return f"« {email} » n'est pas une adresse e-mail (ex. prenom.nom@exemple.fr)"
    return None


# -- one row -----------------------------------------------------------------------------------------


def _validate_row(
    spec: TableSpec[R], fields: Sequence[FieldSpec], row: Mapping[str, Any], today: date, required: Sequence[str]
) -> tuple[R | None, list[Problem]]:
    clean: dict[str, Any] = {"id": row.get("id")}
    errors: list[Problem] = []
    for field in fields:
        value = _blank_to_none(row.get(field.attr))
        if value is None:
            if field.attr in required:
                errors.append(_refused(field.title, "obligatoire"))
            elif field.attr in row:
                clean[field.attr] = [] if field.kind is Kind.MULTI_SELECT else None
            continue
        checked, problem = _check(field, value, today)
        if problem:
            errors.append(_refused(field.title, problem))
        else:
            clean[field.attr] = checked
    errors += _order_problems(spec, clean)
    bad = {e.field for e in errors}
    try:
        record = spec.model.model_validate(clean)
    except ValidationError as error:
        by_attr = {f.attr: f for f in fields}
        for item in error.errors():
            refused = by_attr.get(str(item["loc"][0]) if item["loc"] else "")
            title = refused.title if refused else "?"
            if title not in bad:
                errors.append(_refused(title, _reason(item, refused)))
        return None, errors
    return (None, errors) if errors else (record, [])


def _reason(error: Any, field: FieldSpec | None) -> str:
    """A pydantic error in French; a format refused also says the expected one (the field's description)."""
    reason = french_reason(error)
    if error["type"] == "string_pattern_mismatch" and field and field.description:
        return f"{reason} ({field.description})"
    return reason


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, list | tuple) and not value:
        return None
    return value


def _check(field: FieldSpec, value: Any, today: date) -> tuple[Any, str | None]:
    """The value as the record takes it, or why it is refused."""
    if field.kind is Kind.DATE:
        return _check_date(field, value, today)
    if not isinstance(value, str):
        return value, None
    text = value.strip()
    if field.attr == "rpps" and not re.fullmatch(r"\d{11}", text):
        return text, f"« {text} » n'est pas un numéro RPPS (11 chiffres)"
    if field.attr == "insee_code" or field.title == "Code INSEE":
        text = text.upper()
        return text, insee_problem(text)
    if field.kind is Kind.PHONE:
        phone = normalise_phone(text)
        problem = None if phone else f"« {text} » n'est pas un numéro de téléphone français (ex. {PHONE_EXAMPLE})"
        return phone, problem
    if field.kind is Kind.EMAIL:
        return text.lower(), email_problem(text)
    if field.kind is Kind.TEXT and ("\n" in text or "\r" in text):
        return text, "une seule ligne attendue (pas de retour à la ligne)"
    limit = LONG_TEXT_MAX if field.kind is Kind.LONG_TEXT else TEXT_MAX
    if len(text) > limit:
        return text, f"{len(text)} caractères, {limit} au plus"
    return text, None


def _check_date(field: FieldSpec, value: Any, today: date) -> tuple[Any, str | None]:
    if isinstance(value, str):
        text = value.strip()
        if not _ISO_DATE.fullmatch(text):
            return value, f"« {text} » n'est pas une date au format AAAA-MM-JJ (ex. 2025-03-31)"
        try:
            value = date.fromisoformat(text)
        except ValueError:
            return value, f"« {text} » n'est pas une date du calendrier"
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        return value, f"« {value} » n'est pas une date au format AAAA-MM-JJ"
    return value, _implausible(field.attr, value, today)


def _implausible(attr: str, day: date, today: date) -> str | None:
    shown = f"{day:%d/%m/%Y}"
    if attr in PAST_ONLY and day > today:
        return f"{shown} est dans le futur"
    if attr == "birth_date":
        if years_between(day, today) > OLDEST_AGE:
            return f"{shown} donnerait plus de {OLDEST_AGE} ans"
        return None
    if day < EARLIEST_EVENT:
        return f"{shown} est antérieure au {EARLIEST_EVENT:%d/%m/%Y}"
    latest = today + timedelta(days=365 * LATEST_YEARS_AHEAD)
    if day > latest:
        return f"{shown} est à plus de {LATEST_YEARS_AHEAD} ans"
    return None


def _order_problems(spec: TableSpec[Any], clean: Mapping[str, Any]) -> list[Problem]:
    """Dates that must follow another one (a found or closing date after the request), and consent vs objection."""
    errors = []
    start = clean.get("request_date")
    for attr in ("found_date", "closed_date"):
        end = clean.get(attr)
        if isinstance(start, date) and isinstance(end, date) and end < start:
            errors.append(_refused(spec.field(attr).title, f"{end:%d/%m/%Y} précède la date de la demande"))
    if clean.get("consent") and clean.get("objection"):
        errors.append(
            _refused(spec.field("consent").title, f"incompatible avec « {spec.field('objection').title} » coché")
        )
    return errors


def _refused(field: str, reason: str) -> Problem:
    """A value of a form (or of an import row, placed by `validate_rows`) refused: no table, no Id yet."""
    return Problem(None, None, field, reason)


def _is_commune(code: str) -> bool:
    try:
        commune(code)
    except KeyError:
        return False
    return True
