"""Key figures of the home page, on small hand-made frames with the real dtypes."""

from __future__ import annotations

from datetime import date

import pandas as pd

from domain.figures import (
    NO_PROFESSION,
    ShownWaiting,
    WaitingFigures,
    actions_by_status,
    members_by_profession,
    shown_members,
    shown_waiting,
    waiting_patients,
)
from schema.models import (
    ACTIONS,
    MEMBERS,
    PATIENTS,
    PROFESSIONS,
    Action,
    ActionStatus,
    Fragility,
    Member,
    Patient,
    PatientStatus,
)
from store.records import to_frame

TODAY = date(2025, 3, 31)
DOCTOR, PHARMACIST, NURSE = PROFESSIONS[0], PROFESSIONS[1], PROFESSIONS[4]


def members(*rows: tuple[str | None, bool]) -> pd.DataFrame:
    return to_frame(MEMBERS, [Member(id=i + 1, profession=p, active=a) for i, (p, a) in enumerate(rows)])


def patients(*rows: Patient) -> pd.DataFrame:
    return to_frame(PATIENTS, [r.model_copy(update={"id": i + 1}) for i, r in enumerate(rows)])


def actions(*statuses: str | None) -> pd.DataFrame:
    return to_frame(ACTIONS, [Action(id=i + 1, status=s) for i, s in enumerate(statuses)])


def as_rows(frame: pd.DataFrame) -> list[tuple[str, int]]:
    return [(str(a), int(b)) for a, b in frame.itertuples(index=False)]


# -- members by profession ---------------------------------------------------------------------


def test_members_counted_by_profession_most_numerous_first_then_by_name() -> None:
    frame = members(
        (NURSE, True), (PHARMACIST, True), (DOCTOR, True), (PHARMACIST, True), (DOCTOR, True), (PHARMACIST, True)
    )
    result = members_by_profession(frame)
    assert list(result.columns) == ["profession", "count"]
    assert as_rows(result) == [(PHARMACIST, 3), (DOCTOR, 2), (NURSE, 1)]


def test_ties_are_sorted_by_name() -> None:
    result = members_by_profession(members((PHARMACIST, True), (NURSE, True), (DOCTOR, True)))
    assert as_rows(result) == [(NURSE, 1), (DOCTOR, 1), (PHARMACIST, 1)]


def test_inactive_members_are_left_out() -> None:
    result = members_by_profession(members((DOCTOR, True), (DOCTOR, False), (NURSE, False)))
    assert as_rows(result) == [(DOCTOR, 1)]


def test_active_members_without_profession_are_still_counted() -> None:
    result = members_by_profession(members((DOCTOR, True), (None, True)))
    assert as_rows(result) == [(DOCTOR, 1), (NO_PROFESSION, 1)]


def test_no_members_gives_an_empty_table() -> None:
    result = members_by_profession(members())
    assert list(result.columns) == ["profession", "count"]
    assert result.empty
    assert int(result["count"].sum()) == 0


# -- patients waiting --------------------------------------------------------------------------


def test_waiting_fragile_and_proposed_patients() -> None:
    frame = patients(
        Patient(status=PatientStatus.WAITING, fragilities=[Fragility.ALD], request_date=date(2025, 3, 21)),
        Patient(status=PatientStatus.WAITING, fragilities=list(tuple(Fragility)[:2]), request_date=date(2025, 3, 1)),
        Patient(status=PatientStatus.WAITING, request_date=date(2025, 3, 30)),
        Patient(status=PatientStatus.PROPOSED, fragilities=[Fragility.ALD], request_date=date(2024, 1, 1)),
        Patient(status=PatientStatus.FOUND, fragilities=[Fragility.ALD]),
        Patient(status=None),
    )
    assert waiting_patients(frame, TODAY) == WaitingFigures(
        waiting=3, fragile_waiting=2, proposed=1, median_wait_days=10.0
    )


def test_fragile_means_ald_70_or_more_or_c2s_as_for_the_aci() -> None:
    frame = patients(
        Patient(
            status=PatientStatus.WAITING, fragilities=["Isolement", "Handicap"]
        ),  # fragile, but not in the ACI's sense
        Patient(status=PatientStatus.WAITING, birth_date=date(1950, 1, 1)),  # 75: 70 ans et plus from the birth date
        Patient(status=PatientStatus.WAITING, fragilities=["C2S/AME"]),
    )
    assert waiting_patients(frame, TODAY).fragile_waiting == 2


def test_median_wait_of_an_even_count_and_without_dates() -> None:
    frame = patients(
        Patient(status=PatientStatus.WAITING, request_date=date(2025, 3, 30)),  # 1 day
        Patient(status=PatientStatus.WAITING, request_date=date(2025, 3, 29)),  # 2 days
        Patient(status=PatientStatus.WAITING),  # no date: not in the median
    )
    figures = waiting_patients(frame, TODAY)
    assert figures.waiting == 3
    assert figures.median_wait_days == 1.5


def test_median_is_none_when_nobody_waits() -> None:
    frame = patients(Patient(status=PatientStatus.PROPOSED, request_date=date(2025, 1, 1)))
    assert waiting_patients(frame, TODAY) == WaitingFigures(0, 0, 1, None)


def test_no_patients() -> None:
    assert waiting_patients(patients(), TODAY) == WaitingFigures(0, 0, 0, None)


# -- actions by status -------------------------------------------------------------------------


def test_actions_by_status_in_the_order_of_the_statuses_with_zeros() -> None:
    frame = actions(
        ActionStatus.DONE,
        ActionStatus.IN_PROGRESS,
        ActionStatus.DONE,
        None,
        ActionStatus.IN_PROGRESS,
        ActionStatus.DONE,
    )
    result = actions_by_status(frame)
    assert list(result.columns) == ["status", "count"]
    expected = {ActionStatus.NOT_STARTED: 0, ActionStatus.IN_PROGRESS: 2, ActionStatus.DONE: 3}
    assert as_rows(result) == [(s, expected.get(s, 0)) for s in ActionStatus]


def test_no_actions_lists_every_status_at_zero() -> None:
    assert as_rows(actions_by_status(actions())) == [(s, 0) for s in ActionStatus]


# -- as the home page writes them: exact for a coordinator, small counts masked for the bureau -------------


def test_coordinator_sees_every_waiting_figure() -> None:
    shown = shown_waiting(WaitingFigures(4, 2, 1, 12.5), exact=True)
    assert shown == ShownWaiting("4", "2", "1", "12,5\u202fj")


def test_bureau_sees_small_waiting_counts_masked_and_no_median_of_fewer_than_5() -> None:
    assert shown_waiting(WaitingFigures(4, 2, 1, 25.0), exact=False) == ShownWaiting("< 5", "< 5", "< 5", "—")
    assert shown_waiting(WaitingFigures(1200, 300, 40, 25.0), exact=False) == ShownWaiting(
        "1\u202f200", "300", "40", "25\u202fj"
    )


def test_bureau_cannot_work_out_the_non_fragile_ones_from_the_total() -> None:
    shown = shown_waiting(WaitingFigures(9, 6, 0, 3.0), exact=False)  # 3 not fragile: 9 - 6 would give it away
    assert (shown.waiting, shown.fragile_waiting, shown.proposed) == ("9", "masqué", "< 5")
    assert shown.median_wait_days == "3\u202fj"


def test_members_by_profession_as_written() -> None:
    by_profession = pd.DataFrame({"profession": [DOCTOR, PHARMACIST, NURSE], "count": [40, 12, 3]})
    total, exact = shown_members(by_profession, exact=True)
    assert total == "55" and list(exact["label"]) == ["40", "12", "3"] and list(exact["count"]) == [40, 12, 3]
    total, masked = shown_members(by_profession, exact=False)
    assert total == "55"
    assert list(masked["label"]) == ["40", "masqué", "< 5"]  # 12 hidden too, or 55 - 40 - 12 = 3
    assert list(masked["count"].isna()) == [False, True, True] and masked["count"][0] == 40
