"""The demo's unscheduled care: slots offered by a few active doctors over the last weeks and the next one, and
requests of the past weeks, most of them oriented to the nearest free slot, some reoriented or dropped."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from demo.members import practising
from demo.world import World, phone, pick
from domain.snp import SlotIndex, open_slots
from schema.models import Member
from schema.snp import AGE_BANDS, REASONS, SOURCES, Attendance, Outcome, Slot, SlotKind, SlotSource, SnpRequest

DOCTORS = 6  # members offering slots
WEEKS_BACK, WEEKS_AHEAD = 8, 1
HOURS = ("08:00", "12:00", "17:00")  # slots of two hours
REQUESTS_PER_DAY = 4
OUTCOMES = ((Outcome.ORIENTED, 0.8), (Outcome.EMERGENCY, 0.08), (Outcome.ELSEWHERE, 0.06), (Outcome.DROPPED, 0.06))
ATTENDANCE = ((Attendance.HONOURED, 0.85), (Attendance.MISSED, 0.1), (Attendance.CANCELLED, 0.05))


def slots(world: World, members: list[Member]) -> list[Slot]:
    rng = world.rng("snp slots")
    doctors = practising(members, "Médecin", None)[:DOCTORS]
    rows: list[Slot] = []
    first = world.today - timedelta(weeks=WEEKS_BACK)
    for offset in range((WEEKS_BACK + WEEKS_AHEAD) * 7):
        day = first + timedelta(days=offset)
        if day.weekday() == 6:
            continue
        for doctor in doctors:
            start = rng.choice(HOURS)
            end = f"{int(start[:2]) + 2:02d}:00"
            kind = pick(rng, ((SlotKind.PRACTICE, 0.8), (SlotKind.REMOTE, 0.1), (SlotKind.VISIT, 0.1)))
            source = pick(rng, ((SlotSource.CPTS, 0.8), (SlotSource.SAS, 0.2)))
            rows.append(
                Slot(
                    id=len(rows) + 1, member=doctor.id, on=day, start=start, end=end, places=2, kind=kind, source=source
                )
            )
    return rows


def requests(world: World, members: list[Member], slot_rows: list[Slot]) -> list[SnpRequest]:
    """Requests of the past weeks; an oriented one books the nearest free slot at the time it was received."""
    rng = world.rng("snp requests")
    communes = {m.id: m.insee_code for m in members if m.id is not None and m.insee_code}
    index = SlotIndex(open_slots(slot_rows, [], communes))
    rows: list[SnpRequest] = []
    now = datetime.combine(world.today, time(8))
    for offset in range(WEEKS_BACK * 7, 0, -1):
        for _ in range(REQUESTS_PER_DAY):
            received = now - timedelta(days=offset, hours=-rng.randint(0, 10))
            outcome = pick(rng, OUTCOMES)
            where = world.place(rng, 0.7).insee_code
            slot = index.nearest(where, received) if outcome == Outcome.ORIENTED else None
            if slot is not None:
                index.take(slot.id)
            past = slot is not None and slot.ends < now
            rows.append(
                SnpRequest(
                    id=len(rows) + 1,
                    received_at=received,
                    source=pick(rng, [(source, 1.0) for source in SOURCES]),
                    reason=rng.choice(REASONS),
                    insee_code=where,
                    age_band=rng.choice(AGE_BANDS),
                    phone=None if past or slot is None else phone(rng, world.home.department, mobile=True),
                    outcome=outcome if slot is not None or outcome != Outcome.ORIENTED else Outcome.DROPPED,
                    slot=None if slot is None else slot.id,
                    attendance=pick(rng, ATTENDANCE) if past else None,
                )
            )
    return rows
