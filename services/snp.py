"""Unscheduled care (soins non programmés), shared by the page Soins non programmés: read the slots and requests,
add a slot, propose the nearest free slot for a request, register a request (booking its slot), record the
outcome of the appointment.

NocoDB has no transaction, so a booking is written first and checked after: the bookings of the slot are read
again in writing order (Id), and if this one is beyond the places — another coordinator booked the last place
at the same time — it is deleted and refused « complet ». Nothing refused stays written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from domain.desk import doctor_name
from domain.snp import (
    FULL,
    OpenSlot,
    SlotIndex,
    booking_error,
    commune_error,
    is_booking,
    open_slots,
    phone_error,
    place_taken,
    slot_errors,
)
from domain.validation import normalise_phone
from errors import Refused
from schema.fields import TableSpec, french_reason
from schema.models import MEMBERS, SNP_REQUESTS, SNP_SLOTS
from schema.snp import Outcome, Slot, SnpRequest
from services import writes
from services.desk import allowed_communes
from services.tables import table_records
from store import records
from store.base import Base
from store.client import clause

SNP_TABLES: tuple[TableSpec[Any], ...] = (SNP_SLOTS, SNP_REQUESTS, MEMBERS)


@dataclass(frozen=True)
class SnpData:
    slots: list[Slot]
    requests: list[SnpRequest]
    member_communes: dict[int, str]  # member Id → INSEE code of their commune
    member_names: dict[int, str]

    def open_slots(self) -> list[OpenSlot]:
        return open_slots(self.slots, self.requests, self.member_communes)


def read_snp(base: Base, *, refresh: bool = False) -> SnpData:
    members = table_records(base, MEMBERS, refresh=refresh).records
    return SnpData(
        list(table_records(base, SNP_SLOTS, refresh=refresh).records),
        list(table_records(base, SNP_REQUESTS, refresh=refresh).records),
        {m.id: m.insee_code for m in members if m.id is not None and m.insee_code},
        {m.id: doctor_name(m) for m in members if m.id is not None},
    )


def communes(base: Base) -> dict[str, str]:
    """INSEE code → name of the communes a request may come from: the territory and its neighbours."""
    return allowed_communes(base)


def made(model: type[Slot] | type[SnpRequest], values: dict[str, Any]) -> Any:
    """The record of these values, or Refused in French naming the field."""
    spec = SNP_SLOTS if model is Slot else SNP_REQUESTS
    try:
        return model(**values)
    except ValidationError as error:
        titles = {f.attr: f.title for f in spec.fields}
        reasons = [f"« {titles.get(str(e['loc'][0]), e['loc'][0])} » : {french_reason(e)}" for e in error.errors()]
        raise Refused(f"{spec.title} : " + " ; ".join(reasons)) from None


def add_slot(base: Base, slot: Slot) -> int:
    """Write a slot offered by a member, refused in French when unusable (ending before it starts, …)."""
    errors = slot_errors(slot)
    if errors:
        raise Refused(" ; ".join(errors))
    [slot_id] = writes.insert(base, SNP_SLOTS, [slot])
    return slot_id


def check_commune(base: Base, insee_code: str | None) -> None:
    error = commune_error(insee_code, allowed_communes(base))
    if error:
        raise Refused(error)


def propose(base: Base, insee_code: str, now: datetime) -> OpenSlot | None:
    """The nearest free slot not ended at `now` for a request from this commune (None: no slot near enough)."""
    check_commune(base, insee_code)
    return SlotIndex(read_snp(base, refresh=True).open_slots()).nearest(insee_code, now)


def bookings_of(base: Base, slot_id: int) -> list[int]:
    """The Ids of the requests holding a place of this slot, read now from NocoDB."""
    link = base.handle(SNP_REQUESTS).fk_titles[SNP_REQUESTS.field("slot").title]
    found = records.load(base, SNP_REQUESTS, where=clause(link, "eq", slot_id)).records
    return sorted(r.id for r in found if r.id is not None and is_booking(r))


def _slot(base: Base, slot_id: int) -> Slot | None:
    found = records.load(base, SNP_SLOTS, where=clause("Id", "eq", slot_id)).records
    return found[0] if found else None


def register(base: Base, request: SnpRequest, now: datetime) -> int:
    """Write a request; with a slot, it books one of its places (never beyond them) and keeps the phone until
    the outcome of the appointment; without one, it is closed at once and keeps no phone. Returns its Id."""
    refusal = phone_error(request.phone)
    if refusal:
        raise Refused(refusal)
    check_commune(base, request.insee_code)
    phone = normalise_phone(request.phone) if request.phone else None
    request = request.model_copy(update={"phone": phone})
    if request.slot is None:
        if request.outcome == Outcome.ORIENTED:
            raise Refused(f"{SNP_REQUESTS.title} : « Créneau » manque pour une demande orientée vers un créneau")
        closed = request.model_copy(update={"phone": None})  # closed at once: no phone kept
        [request_id] = writes.insert(base, SNP_REQUESTS, [closed])
        return request_id
    return _book(base, request.model_copy(update={"outcome": Outcome.ORIENTED}), request.slot, now)


def _book(base: Base, request: SnpRequest, slot_id: int, now: datetime) -> int:
    slot = _slot(base, slot_id)
    refusal = booking_error(slot, len(bookings_of(base, slot_id)), now)
    if refusal or slot is None:
        raise Refused(refusal or "")
    [request_id] = writes.insert(base, SNP_REQUESTS, [request])
    if not place_taken(slot, bookings_of(base, slot_id), request_id):
        base.client.delete(base.handle(SNP_REQUESTS).id, [request_id])
        raise Refused(f"{SNP_SLOTS.title} n° {slot_id} : « Places » {FULL} (réservé au même moment par un autre)")
    return request_id


def record_attendance(base: Base, request_id: int, attendance: str) -> None:
    """The outcome of the appointment (honoré, non honoré, annulé); the request is closed, its phone erased."""
    closed = made(SnpRequest, {"id": request_id, "attendance": attendance, "phone": None})
    records.patch(base, SNP_REQUESTS, [closed], ["attendance", "phone"])
