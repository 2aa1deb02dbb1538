"""The health project table: progress, late and no-pilot flags, mission grouping, filters, milestones."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.project import (
    LATE,
    NO_MISSION,
    NO_PILOT,
    PROGRESS_DONE,
    PROGRESS_FROM_MILESTONES,
    PROGRESS_TYPED,
    action_milestones,
    action_progress,
    by_mission,
    filter_actions,
    is_late,
    project_table,
)
from schema.models import ACTIONS, MEMBERS, MILESTONES, AciMission, Action, ActionStatus, Member, Milestone
from store.records import to_frame

TODAY = date(2026, 6, 15)
YESTERDAY, TOMORROW = TODAY - timedelta(days=1), TODAY + timedelta(days=1)


@pytest.mark.parametrize(
    ("status", "due", "late"),
    [
        (ActionStatus.IN_PROGRESS, YESTERDAY, True),
        (ActionStatus.SUSPENDED, YESTERDAY, True),
        (ActionStatus.NOT_STARTED, YESTERDAY, True),
        (None, YESTERDAY, True),
        (ActionStatus.DONE, YESTERDAY, False),
        (ActionStatus.IN_PROGRESS, TODAY, False),
        (ActionStatus.IN_PROGRESS, TOMORROW, False),
        (ActionStatus.IN_PROGRESS, None, False),
    ],
)
def test_late_means_due_date_passed_and_not_done(status: str | None, due: date | None, late: bool) -> None:
    assert is_late(status, due, TODAY) is late


def test_progress_sources() -> None:
    assert action_progress(ActionStatus.DONE, 40, 1, 4) == (1.0, PROGRESS_DONE)
    assert action_progress(ActionStatus.IN_PROGRESS, 90, 1, 4) == (0.25, PROGRESS_FROM_MILESTONES)
    assert action_progress(ActionStatus.IN_PROGRESS, 40, 0, 0) == (0.4, PROGRESS_TYPED)
    assert action_progress(ActionStatus.IN_PROGRESS, None, 0, 0) == (None, "")


def frames() -> tuple:
    members = to_frame(MEMBERS, [Member(id=7, first_name="Anne", last_name="Durand", profession="Sage-femme")])
    actions = to_frame(
        ACTIONS,
        [
            Action(
                id=1,
                number=3,
                title="Prévenir",
                mission=AciMission.PREVENTION,
                status=ActionStatus.IN_PROGRESS,
                pilot=7,
                start_date=date(2026, 1, 1),
                due_date=YESTERDAY,
                progress=80,
            ),
            Action(
                id=2,
                number=1,
                title="Trouver un MT",
                mission=AciMission.GP_ACCESS,
                status=ActionStatus.DONE,
                due_date=YESTERDAY,
            ),
            Action(id=3, number=2, title="Sans mission", status=ActionStatus.NOT_STARTED, pilot=7, progress=10),
            Action(
                id=4,
                number=4,
                title="Dépister",
                mission=AciMission.PREVENTION,
                status=ActionStatus.IN_PROGRESS,
                pilot=7,
                due_date=TOMORROW,
            ),
        ],
    )
    milestones = to_frame(
        MILESTONES,
        [
            Milestone(id=1, action=1, title="B", due_date=TOMORROW, done=False),
            Milestone(id=2, action=1, title="A", due_date=YESTERDAY, done=True, done_on=YESTERDAY),
            Milestone(id=3, action=1, title="C", due_date=YESTERDAY, done=False),
            Milestone(id=4, action=1, title="Sans date"),
        ],
    )
    return actions, milestones, members


def test_project_table() -> None:
    actions, milestones, members = frames()
    table = project_table(actions, milestones, members, TODAY)
    assert list(table["number"]) == [1, 3, 4, 2]  # mission order, then number; no mission last
    rows = table.set_index("number")
    assert rows.loc[3, "pilot"] == "Anne Durand (Sage-femme)"
    assert rows.loc[3, "progress"] == 0.25 and rows.loc[3, "progress_source"] == PROGRESS_FROM_MILESTONES
    assert (rows.loc[3, "milestones_done"], rows.loc[3, "milestones_total"]) == (1, 4)
    assert rows.loc[3, "alert"] == LATE
    assert rows.loc[1, "pilot"] == NO_PILOT and rows.loc[1, "alert"] == NO_PILOT  # done: not late
    assert rows.loc[2, "mission"] == NO_MISSION and rows.loc[2, "progress"] == 0.1
    assert rows.loc[4, "alert"] == ""
    assert [mission for mission, _ in by_mission(table)] == [AciMission.GP_ACCESS, AciMission.PREVENTION, NO_MISSION]


def test_filters() -> None:
    table = project_table(*frames(), TODAY)
    assert list(filter_actions(table)["number"]) == [1, 3, 4, 2]
    assert list(filter_actions(table, statuses=[ActionStatus.IN_PROGRESS])["number"]) == [3, 4]
    assert list(filter_actions(table, pilots=[NO_PILOT])["number"]) == [1]
    assert filter_actions(table, [ActionStatus.DONE], ["Anne Durand (Sage-femme)"]).empty


def test_milestones_of_an_action() -> None:
    _, milestones, _ = frames()
    shown = action_milestones(milestones, 1, TODAY)
    assert list(shown["title"]) == ["A", "C", "B", "Sans date"]
    assert list(shown["late"]) == [False, True, False, False]
    assert action_milestones(milestones, 2, TODAY).empty
