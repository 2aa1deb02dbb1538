"""Unscheduled care, pure rules: free places, the nearest free slot (commune, EPT, département; earliest first;
ended and full slots passed), the index agreeing with the naive scan, the refusals naming the field, the figures
and their masking for the bureau."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, timedelta

import pandas as pd

from domain.indicators import LiveData, compute
from domain.privacy import MASKED
from domain.snp import (
    SlotIndex,
    booking_error,
    commune_error,
    figures,
    first_week,
    for_bureau,
    free_places,
    nearest_naive,
    open_slots,
    place_taken,
    slot_errors,
)
from domain.snp_indicators import SNP_KEYS
from schema.models import SNP_REQUESTS, SNP_SLOTS
from schema.snp import Attendance, Outcome, Slot, SnpRequest
from store.records import to_frame

DAY = date(2026, 7, 14)
ISSY, VANVES, ANTONY, EMBRUN = "92040", "92075", "92002", "05046"
COMMUNES = {1: ISSY, 2: VANVES, 3: ANTONY, 4: EMBRUN}


def slot(id_: int, member: int, start: str, end: str = "23:00", places: int = 1, on: date = DAY) -> Slot:
    return Slot(id=id_, member=member, on=on, start=start, end=end, places=places, kind="Cabinet", source="CPTS")


def test_free_places_count_bookings_but_not_cancelled_ones() -> None:
    slots = [slot(1, 1, "09:00", places=2), slot(2, 1, "10:00")]
    requests = [
        SnpRequest(slot=1),
        SnpRequest(slot=1, attendance=Attendance.CANCELLED),
        SnpRequest(slot=2),
        SnpRequest(slot=2),
    ]
    assert free_places(slots, requests) == {1: 1, 2: 0}


def test_nearest_is_commune_then_ept_then_department_earliest_first() -> None:
    slots = [
        slot(1, 3, "08:00"),  # Antony: same département
        slot(2, 2, "09:00"),  # Vanves: same EPT
        slot(3, 1, "18:00"),  # Issy, late
        slot(4, 1, "12:00"),  # Issy, earlier
        slot(5, 4, "07:00"),  # Embrun: farther, never
    ]
    found = open_slots(slots, [], COMMUNES)
    now = datetime.combine(DAY, datetime.min.time())
    assert nearest_naive(ISSY, found, now).id == 4  # type: ignore[union-attr]
    full = [SnpRequest(slot=4), SnpRequest(slot=3)]
    assert nearest_naive(ISSY, open_slots(slots, full, COMMUNES), now).id == 2  # type: ignore[union-attr]
    assert nearest_naive(ANTONY, found, now).id == 1  # type: ignore[union-attr]
    assert nearest_naive(EMBRUN, open_slots(slots[:4], [], COMMUNES), now) is None


def test_an_ended_slot_is_never_proposed() -> None:
    slots = open_slots([slot(1, 1, "08:00", "09:00"), slot(2, 1, "10:00", "12:00")], [], COMMUNES)
    at_ten = datetime.combine(DAY, datetime.min.time()) + timedelta(hours=10)
    assert nearest_naive(ISSY, slots, at_ten).id == 2  # type: ignore[union-attr]
    assert SlotIndex(slots).nearest(ISSY, at_ten).id == 2  # type: ignore[union-attr]


def test_the_index_proposes_what_the_naive_scan_proposes() -> None:
    rng = random.Random(7)
    codes = [ISSY, VANVES, ANTONY, EMBRUN, "92012", "92046"]
    communes = {number: codes[number % len(codes)] for number in range(30)}
    slots = []
    for number in range(1, 400):
        hour = rng.randint(7, 19)
        on = DAY + timedelta(days=rng.randint(0, 6))
        slots.append(slot(number, rng.randrange(30), f"{hour:02d}:00", f"{hour + 1:02d}:30", rng.randint(1, 2), on))
    naive = open_slots(slots, [], communes)
    index = SlotIndex(naive)
    now = datetime.combine(DAY, datetime.min.time())
    for _ in range(500):
        now += timedelta(minutes=rng.randint(0, 20))
        origin = rng.choice(codes)
        expected, found = nearest_naive(origin, naive, now), index.nearest(origin, now)
        assert found == (None if expected is None else index_slot(index, expected.id))
        if expected is not None:
            index.take(expected.id)
            naive = [s if s.id != expected.id else replace(s, free=s.free - 1) for s in naive]


def index_slot(index: SlotIndex, id_: int) -> object:
    return next(s for listed in index.by_commune.values() for s in listed if s.id == id_)


def test_refusals_name_the_field() -> None:
    [ends_first] = slot_errors(slot(1, 1, "10:00", "09:30"), "ligne 3")
    assert "« Fin »" in ends_first and "« Début »" in ends_first and "ligne 3" in ends_first
    morning = datetime.combine(DAY, datetime.min.time())
    assert "complet" in str(booking_error(slot(1, 1, "10:00", places=2), 2, morning))
    assert booking_error(slot(1, 1, "10:00", places=2), 1, morning) is None
    assert "« Fin »" in str(booking_error(slot(1, 1, "10:00", "11:00"), 0, morning + timedelta(hours=11)))
    assert "« Commune (INSEE) »" in str(commune_error(EMBRUN, {ISSY: "Issy-les-Moulineaux"}))
    assert commune_error(ISSY, {ISSY: "Issy-les-Moulineaux"}) is None


def test_the_later_booking_gives_way() -> None:
    two = slot(1, 1, "10:00", places=2)
    assert place_taken(two, [5, 9, 7], 7) and place_taken(two, [5, 9, 7], 5)
    assert not place_taken(two, [5, 9, 7], 9)
    assert not place_taken(two, [5, 7], 9)  # not written at all


def test_figures_and_their_masking() -> None:
    slots = [slot(1, 1, "10:00", places=3), slot(2, 1, "10:00", places=2, on=DAY + timedelta(days=3))]
    received = datetime.combine(DAY, datetime.min.time()) + timedelta(hours=8)
    requests = [
        SnpRequest(received_at=received, source="SAS", outcome=Outcome.ORIENTED, slot=1, attendance="Honoré"),
        SnpRequest(received_at=received, source="Patient", outcome=Outcome.ORIENTED, slot=2, attendance="Non honoré"),
        SnpRequest(received_at=received, source="Pompiers", outcome=Outcome.EMERGENCY),
        SnpRequest(received_at=received, source="SAMU / centre 15", outcome=Outcome.DROPPED),
    ]
    found = figures(slots, requests, DAY, DAY + timedelta(days=6))
    assert found["snp_slots_offered"] == 5 and found["snp_requests"] == 4
    assert found["snp_oriented_24h"] == 0.25 and found["snp_oriented_48h"] == 0.25
    assert found["snp_honoured"] == 0.5 and found["snp_regulated_share"] == 0.5
    assert found["snp_median_delay_hours"] == (2 + 74) / 2
    shown = for_bureau(found)
    assert shown["snp_requests"] == MASKED and shown["snp_honoured"] == MASKED and shown["snp_slots_offered"] == "5"
    more = figures(slots, requests * 2, DAY, DAY)  # the second slot is outside the period
    assert more["snp_slots_offered"] == 3 and for_bureau(more)["snp_requests"] == "8"


def test_the_indicator_keys_count_the_figures_of_the_year() -> None:
    slots = [slot(1, 1, "10:00", places=3), slot(2, 1, "10:00", places=2, on=date(2025, 12, 31))]
    received = datetime.combine(DAY, datetime.min.time()) + timedelta(hours=8)
    requests = [
        SnpRequest(received_at=received, source="SAS", outcome=Outcome.ORIENTED, slot=1, attendance="Honoré"),
        SnpRequest(received_at=received, source="Patient", outcome=Outcome.DROPPED),
    ]
    frames = LiveData(*(pd.DataFrame() for _ in range(5)))
    assert compute("snp_places_offertes_annee", frames, 2026) == 0  # the SNP tables not read
    data = replace(frames, snp_slots=to_frame(SNP_SLOTS, slots), snp_requests=to_frame(SNP_REQUESTS, requests))
    counted = {key: compute(key, data, 2026) for key in SNP_KEYS}
    assert counted == {
        "snp_places_offertes_annee": 3,
        "snp_demandes_annee": 2,
        "snp_orientees_24h_annee": 50,
        "snp_orientees_48h_annee": 50,
        "snp_honores_annee": 100,
        "snp_delai_median_heures_annee": 2,
        "snp_samu_sas_annee": 50,
    }
    assert compute("snp_places_offertes_annee", data, 2025) == 2


def test_the_weeks_start_at_the_first_record_when_it_comes_after_the_window() -> None:
    window, today = date(2024, 11, 30), date(2026, 11, 29)  # a Saturday, a Sunday
    request = SnpRequest(id=1, received_at=datetime(2026, 9, 30, 10, 0))  # a Wednesday
    assert first_week([], [request], window, today) == date(2026, 9, 28)
    assert first_week([slot(1, 1, "08:00", on=date(2026, 9, 1))], [request], window, today) == date(2026, 8, 31)
    assert first_week([slot(1, 1, "08:00", on=date(2020, 1, 1))], [request], window, today) == date(2024, 11, 25)
    assert first_week([], [], window, today) == date(2024, 11, 25)  # nothing yet: the whole window
    assert first_week([slot(1, 1, "08:00", on=date(2027, 1, 4))], [], window, today) == date(2026, 11, 23)
