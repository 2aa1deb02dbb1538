"""The health project: each action with its progress and its alerts (late, no pilot), grouped by ACI mission."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from domain.cells import day, flag, identifier, integer, text
from schema.models import AciMission, ActionStatus

NO_MISSION = "Sans mission ACI"
NO_PILOT = "Sans pilote"
LATE = "En retard"
PROGRESS_FROM_MILESTONES, PROGRESS_TYPED, PROGRESS_DONE = "jalons", "saisi", "terminée"

PROJECT_COLUMNS = [
    "id",
    "number",
    "title",
    "mission",
    "pilot",
    "status",
    "start",
    "due",
    "progress",
    "progress_source",
    "milestones_done",
    "milestones_total",
    "late",
    "no_pilot",
    "alert",
]


def is_late(status: str | None, due: date | None, today: date) -> bool:
    """Late: the due date has passed and the action is not done."""
    return due is not None and due < today and status != ActionStatus.DONE


def action_progress(status: str | None, typed: int | None, done: int, total: int) -> tuple[float | None, str]:
    """Progress between 0 and 1, and where it comes from: 1 for a finished action, else the share of its
    milestones done when it has milestones, else the percentage typed by the coordinator (None if none)."""
    if status == ActionStatus.DONE:
        return 1.0, PROGRESS_DONE
    if total:
        return done / total, PROGRESS_FROM_MILESTONES
    if typed is not None:
        return min(max(typed, 0), 100) / 100, PROGRESS_TYPED
    return None, ""


def alert_text(late: bool, no_pilot: bool) -> str:
    return " · ".join(text for text, on in ((LATE, late), (NO_PILOT, no_pilot)) if on)


def member_names(members: pd.DataFrame) -> dict[int, str]:
    """Member id -> "First Last (Profession)", for showing who pilots an action (members are not patients)."""
    names = {}
    for row in members.itertuples():
        name = " ".join(part for part in (text(row.first_name), text(row.last_name)) if part)
        profession = f" ({row.profession})" if text(row.profession) else ""
        names[identifier(row.id)] = (name or f"Membre {row.id}") + profession
    return names


def project_table(actions: pd.DataFrame, milestones: pd.DataFrame, members: pd.DataFrame, today: date) -> pd.DataFrame:
    """One row per action (columns PROJECT_COLUMNS), in ACI mission order then by number."""
    counts = _milestone_counts(milestones)
    names = member_names(members)
    rows = []
    for action in actions.itertuples():
        done, total = counts.get(identifier(action.id), (0, 0))
        status = text(action.status)
        due = day(action.due_date)
        progress, source = action_progress(status, integer(action.progress), done, total)
        pilot = integer(action.pilot)
        late, no_pilot = is_late(status, due, today), pilot is None
        rows.append(
            {
                "id": identifier(action.id),
                "number": integer(action.number),
                "title": text(action.title) or f"Action Id {action.id}",
                "mission": text(action.mission) or NO_MISSION,
                "pilot": NO_PILOT if pilot is None else names.get(pilot, f"Membre {pilot}"),
                "status": status or "",
                "start": day(action.start_date),
                "due": due,
                "progress": progress,
                "progress_source": source,
                "milestones_done": done,
                "milestones_total": total,
                "late": late,
                "no_pilot": no_pilot,
                "alert": alert_text(late, no_pilot),
            }
        )
    table = pd.DataFrame(rows, columns=PROJECT_COLUMNS)
    order = table["mission"].map(mission_rank)
    number = table["number"].astype("Float64").fillna(float("inf"))
    return (
        table.assign(_order=order, _number=number)
        .sort_values(["_order", "_number", "id"], kind="stable")[PROJECT_COLUMNS]
        .reset_index(drop=True)
    )


def mission_rank(mission: str) -> int:
    """Position of a mission in AciMission; actions without a mission come last."""
    return tuple(AciMission).index(mission) if mission in tuple(AciMission) else len(AciMission)


def filter_actions(table: pd.DataFrame, statuses: Sequence[str] = (), pilots: Sequence[str] = ()) -> pd.DataFrame:
    """The actions with one of these statuses and one of these pilots (an empty choice keeps all)."""
    keep = pd.Series(True, index=table.index)
    if statuses:
        keep &= table["status"].isin(list(statuses))
    if pilots:
        keep &= table["pilot"].isin(list(pilots))
    return table[keep]


def by_mission(table: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The actions split by ACI mission, in mission order, only missions that have actions."""
    missions = sorted(set(table["mission"]), key=mission_rank)
    return [(mission, table[table["mission"] == mission]) for mission in missions]


def action_milestones(milestones: pd.DataFrame, action_id: int, today: date) -> pd.DataFrame:
    """The milestones of one action by due date (title, due, done, done_on, late)."""
    rows = []
    for m in milestones[milestones["action"] == action_id].itertuples():
        due, done = day(m.due_date), flag(m.done)
        rows.append(
            {
                "title": text(m.title) or f"Jalon Id {m.id}",
                "due": due,
                "done": done,
                "done_on": day(m.done_on),
                "late": not done and due is not None and due < today,
            }
        )
    frame = pd.DataFrame(rows, columns=["title", "due", "done", "done_on", "late"])
    undated_last = frame["due"].map(lambda d: d or date.max)
    return (
        frame.assign(_due=undated_last).sort_values("_due", kind="stable").drop(columns="_due").reset_index(drop=True)
    )


def _milestone_counts(milestones: pd.DataFrame) -> dict[int, tuple[int, int]]:
    counts: dict[int, tuple[int, int]] = {}
    for row in milestones.itertuples():
        if integer(row.action) is None:
            continue
        done, total = counts.get(identifier(row.action), (0, 0))
        counts[identifier(row.action)] = (done + flag(row.done), total + 1)
    return counts


def progress_by_mission(table: pd.DataFrame) -> list[tuple[str, float | None, int]]:
    """Per mission that has actions (mission order): the mean progress of its actions that have one (None if
    none has), and its number of actions."""
    rows = []
    for mission, actions in by_mission(table):
        progress = pd.to_numeric(actions["progress"], errors="coerce").dropna()
        rows.append((mission, float(progress.mean()) if len(progress) else None, len(actions)))
    return rows
