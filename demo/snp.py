"""The demo's unscheduled care, after the territory's profile (demo/data/territoires.toml): slots offered by a
few active doctors from some weeks back to the next week, and requests of the past weeks, most of them oriented
to the nearest free slot, some reoriented or dropped. In a season peak, more requests (trauma first) and more
slots, though not always enough."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from demo.members import practising
from demo.world import World, phone, pick
from domain.snp import SlotIndex, open_slots
from schema.models import Member
from schema.snp import AGE_BANDS, REASONS, SOURCES, Attendance, Outcome, Slot, SlotKind, SlotSource, SnpRequest

DOCTORS = 6  # members offering slots
HOURS = ("08:00", "12:00", "17:00")  # slots of two hours
TRAUMA = "Traumatologie"
OUTCOMES = ((Outcome.ORIENTED, 0.8), (Outcome.EMERGENCY, 0.08), (Outcome.ELSEWHERE, 0.06), (Outcome.DROPPED, 0.06))
ATTENDANCE = ((Attendance.HONOURED, 0.85), (Attendance.MISSED, 0.1), (Attendance.CANCELLED, 0.05))


def how_many(rng: random.Random, mean: float) -> int:
    """`mean` when whole, else its floor or ceiling, the ceiling with the chance of its fraction."""
    whole = int(mean)
    return whole if mean == whole else whole + (rng.random() < mean - whole)


def _per_day(world: World, rng: random.Random, day: date, slots: bool) -> int:
    profile, peak = world.snp, world.snp.peak(day)
    mean = profile.slots_per_day if slots else profile.requests_per_day
    factor = 1.0 if peak is None else peak.slots_factor if slots else peak.requests_factor
    return how_many(rng, mean * factor)


def slots(world: World, members: list[Member]) -> list[Slot]:
    rng = world.rng("snp slots")
    doctors = practising(members, "Médecin", None)[:DOCTORS]
    rows: list[Slot] = []
    first = world.today - timedelta(weeks=world.snp.weeks_back)
    for offset in range((world.snp.weeks_back + world.snp.weeks_ahead) * 7):
        day = first + timedelta(days=offset)
        if day.weekday() == 6 or not doctors:
            continue
        for index in range(_per_day(world, rng, day, slots=True)):
            start = rng.choice(HOURS)
            end = f"{int(start[:2]) + 2:02d}:00"
            kind = pick(rng, ((SlotKind.PRACTICE, 0.8), (SlotKind.REMOTE, 0.1), (SlotKind.VISIT, 0.1)))
            source = pick(rng, ((SlotSource.CPTS, 0.8), (SlotSource.SAS, 0.2)))
            doctor = doctors[index % len(doctors)]
            rows.append(
                Slot(
                    id=len(rows) + 1, member=doctor.id, on=day, start=start, end=end, places=2, kind=kind, source=source
                )
            )
    return rows


def _reason(world: World, rng: random.Random, day: date) -> str:
    peak = world.snp.peak(day)
    if peak is not None and rng.random() < peak.trauma_share:
        return TRAUMA
    return rng.choice(REASONS)


def requests(world: World, members: list[Member], slot_rows: list[Slot]) -> list[SnpRequest]:
    """Requests of the past weeks; an oriented one books the nearest free slot at the time it was received."""
    rng = world.rng("snp requests")
    communes = {m.id: m.insee_code for m in members if m.id is not None and m.insee_code}
    index = SlotIndex(open_slots(slot_rows, [], communes))
    rows: list[SnpRequest] = []
    now = datetime.combine(world.today, time(8))
    for offset in range(world.snp.weeks_back * 7, 0, -1):
        day = (now - timedelta(days=offset)).date()
        for _ in range(_per_day(world, rng, day, slots=False)):
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
                    reason=_reason(world, rng, day),
                    insee_code=where,
                    age_band=rng.choice(AGE_BANDS),
                    phone=None if past or slot is None else phone(rng, world.home.department, mobile=True),
                    outcome=outcome if slot is not None or outcome != Outcome.ORIENTED else Outcome.DROPPED,
                    slot=None if slot is None else slot.id,
                    attendance=pick(rng, ATTENDANCE) if past else None,
                )
            )
    return rows
