"""Requests from the public form (`schema.forms.REQUEST_FORM`, a shared NocoDB form view on Patients): its
public link, the requests still to check, and their acceptance into the waiting list (see
`domain.form_requests` for how a form row is recognised and checked)."""

from __future__ import annotations

from datetime import date

from domain.form_requests import ACCEPTED_CHANGES, Review, review
from errors import Refused
from schema.forms import REQUEST_FORM
from schema.models import PATIENTS, Patient
from services.desk import NO_TERRITORY, allowed_communes
from services.tables import table_records
from store import forms, records
from store.base import Base
from store.client import all_of, clause

UNCHECKED = all_of(clause(PATIENTS.field("code").title, "blank"), clause(PATIENTS.field("status").title, "blank"))


def form_link(base: Base, public_url: str | None) -> str | None:
    """The address of the public form (under `public_url`, the reverse proxy's address, when given; else
    NocoDB's own), None when the form is missing or no longer shared."""
    return forms.shared_link(base, REQUEST_FORM, public_url)


def pending(base: Base, today: date, *, refresh: bool = False) -> Review:
    """The requests still to check, as they would be accepted or flagged now (nothing is written; `refresh`:
    the patients checked against NocoDB even when the shared copy would not check yet, before a write)."""
    rows = base.client.records(base.id, base.handle(PATIENTS).id, where=UNCHECKED)
    if not rows:
        return Review([], [])
    communes = allowed_communes(base)
    if not communes:
        raise Refused(NO_TERRITORY)
    existing: list[Patient] = list(table_records(base, PATIENTS, refresh=refresh).records)
    return review(rows, communes, existing, today)


def accept(base: Base, today: date) -> Review:
    """Give the requests that pass the checks their code and status « En attente » (checked again on fresh
    data, then written); those that fail are left as they are and returned as flagged."""
    checked = pending(base, today, refresh=True)
    if checked.accepted:
        records.patch(base, PATIENTS, checked.accepted, ACCEPTED_CHANGES)
    return checked
