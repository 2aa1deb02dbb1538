"""Unscheduled care on a real NocoDB: concurrent bookings never overbook a slot, the nearest slot is proposed in
the desk's order, every refusal (slot ending before it starts, full slot, commune outside the territory and its
neighbours) writes nothing, and recording the outcome erases the phone."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time, timedelta

import pytest

from errors import Refused
from schema.models import MEMBERS, SNP_REQUESTS, SNP_SLOTS, TERRITORY, Commune, Member
from schema.snp import Outcome, Slot, SnpRequest
from services.snp import add_slot, bookings_of, propose, record_attendance, register
from store import records
from store.base import Base

TOMORROW = date.today() + timedelta(days=1)
NOW = datetime.combine(date.today(), time(8))
ISSY, VANVES, ANTONY, EMBRUN = "92040", "92075", "92002", "05046"


@pytest.fixture(scope="module")
def members(base: Base) -> list[int]:
    records.insert(base, TERRITORY, [Commune(name="Issy-les-Moulineaux", insee_code=ISSY, department="92")])
    rows = [
        Member(last_name=name, first_name="Dr", profession="Médecin", active=True, insee_code=code)
        for name, code in (("Issy", ISSY), ("Vanves", VANVES), ("Antony", ANTONY))
    ]
    return records.insert(base, MEMBERS, rows)


def slot(member: int, start: str, end: str, places: int = 1) -> Slot:
    return Slot(member=member, on=TOMORROW, start=start, end=end, places=places, kind="Cabinet", source="CPTS")


def request(code: str = ISSY, slot_id: int | None = None, phone: str | None = "06 12 34 56 78") -> SnpRequest:
    return SnpRequest(
        received_at=NOW, source="SAS", reason="Traumatologie", insee_code=code, age_band="30–34 ans", phone=phone,
        outcome=Outcome.ORIENTED if slot_id else Outcome.EMERGENCY, slot=slot_id,
    )  # fmt: skip


def count(base: Base, spec: object) -> int:
    return base.count(spec)  # type: ignore[arg-type]


def test_concurrent_bookings_never_overbook(base: Base, members: list[int]) -> None:
    slot_id = add_slot(base, slot(members[0], "09:00", "11:00", places=3))

    def book(_: int) -> int | None:
        try:
            return register(base, request(slot_id=slot_id), NOW)
        except Refused as refused:
            assert "complet" in str(refused)
            return None

    with ThreadPoolExecutor(max_workers=8) as pool:
        booked = [b for b in pool.map(book, range(8)) if b is not None]
    kept = bookings_of(base, slot_id)
    assert len(kept) == 3 and sorted(booked) == kept
    assert count(base, SNP_REQUESTS) == 3  # the refused ones were undone


def test_nearest_slot_order(base: Base, members: list[int]) -> None:
    issy, vanves, antony = members
    late_issy = add_slot(base, slot(issy, "18:00", "19:00"))
    early_vanves = add_slot(base, slot(vanves, "07:00", "08:00"))
    add_slot(base, slot(antony, "06:00", "07:00"))
    found = propose(base, ISSY, NOW)
    assert found is not None and found.insee_code == ISSY  # the first slot (3 places) is full: the late one
    assert found.id == late_issy
    register(base, request(slot_id=late_issy), NOW)
    found = propose(base, ISSY, NOW)
    assert found is not None and found.id == early_vanves  # then the same EPT before the département
    assert propose(base, ISSY, datetime.combine(TOMORROW, time(23))) is None  # every slot ended


def test_refusals_write_nothing(base: Base, members: list[int]) -> None:
    slots, requests = count(base, SNP_SLOTS), count(base, SNP_REQUESTS)
    with pytest.raises(Refused, match="« Fin »"):
        add_slot(base, slot(members[0], "10:00", "09:00"))
    full = add_slot(base, slot(members[0], "12:00", "13:00"))
    register(base, request(slot_id=full), NOW)
    requests += 1
    with pytest.raises(Refused, match="complet"):
        register(base, request(slot_id=full), NOW)
    with pytest.raises(Refused, match="« Commune \\(INSEE\\) »"):
        register(base, request(EMBRUN), NOW)
    with pytest.raises(Refused, match="« Commune \\(INSEE\\) »"):
        propose(base, EMBRUN, NOW)
    assert (count(base, SNP_SLOTS), count(base, SNP_REQUESTS)) == (slots + 1, requests)


def test_a_closed_request_keeps_no_phone(base: Base, members: list[int]) -> None:
    reoriented = register(base, request(VANVES), NOW)
    [written] = records.load(base, SNP_REQUESTS, where=f"(Id,eq,{reoriented})").records
    assert written.phone is None and written.outcome == Outcome.EMERGENCY
    booked = register(base, request(VANVES, add_slot(base, slot(members[1], "15:00", "16:00"))), NOW)
    [written] = records.load(base, SNP_REQUESTS, where=f"(Id,eq,{booked})").records
    assert written.phone == "06 12 34 56 78"
    record_attendance(base, booked, "Honoré")
    [written] = records.load(base, SNP_REQUESTS, where=f"(Id,eq,{booked})").records
    assert written.attendance == "Honoré" and written.phone is None
