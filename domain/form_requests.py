"""Requests that arrive through the public form (NocoDB's shared form view on Patients, see `schema.forms`).

How a row is known to come from the form: the form shows neither « Code » nor « Statut », and NocoDB's public
route drops every field the form does not show, so a submission always lands with both empty. Every other way
in (the page Patients en attente, imports, a coordinator in NocoDB) gives a status. A row with neither code nor
status is therefore a request still to check, whoever typed it: safer than trusting a value the public could
send (a hidden « Source » would be dropped by NocoDB anyway, and a NocoDB default would mark every row). When
its source is empty, it is « Formulaire »; when it names no profession, it seeks a médecin traitant.

Each such request is checked like one typed in the app (`domain.patient_request.check_request`: required
fields, plausible dates, French phone, commune of the territory or a neighbour, no request already in
progress for the person), with the consent the form asks for. A request that passes gets the next free code,
status « En attente », its source and request date; one that fails stays in NocoDB as it is, listed for review
(row Id, field, reason) until a coordinator corrects or closes it: never dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.communes import communes_of_postcode, plain_name
from domain.patient_request import check_request
from domain.problems import Problem
from schema.models import GP_SOUGHT, PATIENTS, Patient

FORM_SOURCE = "Formulaire"  # one of schema.models.REQUEST_SOURCES
FORM_REQUIRED = ("last_name", "first_name", "birth_date", "insee_code", "phone")
NO_CONSENT = "non cochée : sans l'accord du demandeur, la CPTS ne peut pas transmettre la demande"
FORM_ATTRS = (
    "last_name",
    "first_name",
    "birth_date",
    "insee_code",
    "phone",
    "fragilities",
    "reduced_mobility",
    "consent",
    "source",
    "request_date",
    "requester",
    "profession_sought",
)
ACCEPTED_CHANGES = ("code", "status", *FORM_ATTRS)  # what accepting a request writes


@dataclass(frozen=True)
class Review:
    accepted: list[Patient]  # with their Id, new code, status « En attente »: ready to write
    flagged: list[Problem]  # Patients, row Id, field, reason

    @property
    def flagged_ids(self) -> list[int]:
        return sorted({p.id for p in self.flagged if p.id is not None})


def review(
    rows: Sequence[Mapping[str, Any]], communes: Mapping[str, str], existing: Sequence[Patient], today: date
) -> Review:
    """Check the unchecked rows (as NocoDB gives them: "Id", "CreatedAt", field titles), oldest first.

    `communes`: INSEE code → name of the communes accepted; `existing`: the patients already in NocoDB."""
    accepted: list[Patient] = []
    flagged: list[Problem] = []
    for row in sorted(rows, key=lambda r: int(r["Id"])):
        values = submitted_values(row, communes)
        patient, problems = check_request(values, communes, [*existing, *accepted], today, required=FORM_REQUIRED)
        if not values["consent"]:
            problems.append(Problem(None, None, PATIENTS.field("consent").title, NO_CONSENT))
        if patient is None or problems:
            flagged += [Problem(PATIENTS.title, int(row["Id"]), p.field, p.reason) for p in problems]
            continue
        accepted.append(patient.model_copy(update={"id": int(row["Id"])}))
    return Review(accepted, flagged)


def submitted_values(row: Mapping[str, Any], communes: Mapping[str, str]) -> dict[str, Any]:
    """The form's fields of a NocoDB row, by attribute, as `validate_form` reads them; the commune given as a
    name or a postcode is turned into its INSEE code when it names one commune accepted."""
    values = {attr: row.get(PATIENTS.field(attr).title) for attr in FORM_ATTRS}
    values["insee_code"] = commune_code(str(values["insee_code"] or ""), communes)
    values["source"] = values["source"] or FORM_SOURCE
    values["profession_sought"] = values["profession_sought"] or GP_SOUGHT
    values["request_date"] = values["request_date"] or _day(row.get("CreatedAt"))
    values["fragilities"] = _options(values["fragilities"])
    values["consent"] = bool(values["consent"])
    values["reduced_mobility"] = bool(values["reduced_mobility"])
    return values


def commune_code(text: str, communes: Mapping[str, str]) -> str:
    """The INSEE code of the accepted commune `text` names (its code, its name, or a postcode that serves only
    one of them); else `text` as typed, for the checks to report."""
    typed = text.strip()
    if typed.upper() in communes:
        return typed.upper()
    by_postcode = [info.insee_code for info in communes_of_postcode(typed) if info.insee_code in communes]
    if len(by_postcode) == 1:
        return by_postcode[0]
    wanted = plain_name(typed)
    by_name = [code for code, name in communes.items() if wanted and plain_name(name) == wanted]
    return by_name[0] if len(by_name) == 1 else typed


def _day(created_at: Any) -> str | None:
    """ "2026-11-28 22:07:43+00:00" → "2026-11-28" (the day NocoDB received the form)."""
    return str(created_at)[:10] if created_at else None


def _options(value: Any) -> list[str]:
    """A multi-select as NocoDB gives it ("ALD,Handicap", or a list) → its options."""
    items = value if isinstance(value, list) else str(value or "").split(",")
    return [str(item).strip() for item in items if str(item).strip()]
