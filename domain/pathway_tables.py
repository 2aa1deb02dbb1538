"""The pathways from the NocoDB tables (DataFrames of store.records): the steps with their conditions parsed, and
the schedule of every active enrolment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import pandas as pd

from domain.pathways import EnrolmentFacts, Person, Step, schedule
from domain.problems import Problem
from domain.step_conditions import ConditionError, Rule, normalise, parse_condition
from schema.models import PATHWAY_STEPS, EnrolmentStatus

CONDITION_FIELD = PATHWAY_STEPS.field("condition").title


def steps_from_frame(frame: pd.DataFrame) -> tuple[list[Step], list[Problem]]:
    """The steps of every pathway, and the conditions the rules do not understand (those clauses ignored)."""
    steps: list[Step] = []
    problems: list[Problem] = []
    for row in rows_of(frame):
        if row["pathway"] is None:
            continue
        try:
            rule = parse_condition(row["condition"])
        except ConditionError as error:
            problems.append(Problem(PATHWAY_STEPS.title, row["id"], CONDITION_FIELD, str(error)))
            rule = Rule()
        steps.append(
            Step(
                id=row["id"],
                pathway=row["pathway"],
                title=row["title"] or f"Étape {row['id']}",
                order=row["order"] or 0,
                level=row["level"],
                profession=row["profession"],
                specialty=row["specialty"],
                interval_months=row["interval_months"],
                min_age=row["min_age"],
                max_age=row["max_age"],
                sex=row["sex"],
                rule=rule,
            )
        )
    return _resolve_after(steps, problems)


def _resolve_after(steps: list[Step], problems: list[Problem]) -> tuple[list[Step], list[Problem]]:
    resolved = []
    for step in steps:
        wanted = step.rule.after_title
        if wanted is None:
            resolved.append(step)
            continue
        match = next(
            (s for s in steps if s.pathway == step.pathway and s.id != step.id and normalise(s.title) == wanted),
            None,
        )
        if match is None:
            reason = f"« après {wanted} » : aucune étape de ce titre dans le même parcours"
            problems.append(Problem(PATHWAY_STEPS.title, step.id, CONDITION_FIELD, reason))
        resolved.append(replace(step, after_step=match.id if match else None))
    return resolved, problems


SCHEDULE_COLUMNS = (
    "enrolment",
    "patient",
    "pathway",
    "step",
    "step_title",
    "order",
    "status",
    "due_on",
    "last_done",
)


ENROLMENT_COLUMNS = (
    "id",
    "status",
    "pathway",
    "patient",
    "enrolled_on",
    "foot_grade",
    "low_risk",
)  # what `schedules` reads


def schedules(
    steps: Sequence[Step],
    enrolments: pd.DataFrame,
    patients: pd.DataFrame,
    steps_done: pd.DataFrame,
    today: date,
) -> pd.DataFrame:
    """One row per active enrolment and step that concerns it (SCHEDULE_COLUMNS), from the tables' frames."""
    by_pathway: dict[int, list[Step]] = {}
    for step in steps:
        by_pathway.setdefault(step.pathway, []).append(step)
    enrolled = patients[patients["id"].isin(enrolments["patient"].dropna())]
    people = {
        row["id"]: Person(row["birth_date"], row["sex"], row["age_band"])
        for row in rows_of(enrolled[["id", "birth_date", "sex", "age_band"]])
    }
    done = _done_by_enrolment(steps_done)
    rows: list[tuple[Any, ...]] = []
    for enrolment in rows_of(enrolments, ENROLMENT_COLUMNS):
        if enrolment["status"] != EnrolmentStatus.ACTIVE or enrolment["pathway"] not in by_pathway:
            continue
        person = people.get(enrolment["patient"], Person(None, None))
        facts = EnrolmentFacts(enrolment["enrolled_on"], enrolment["foot_grade"], bool(enrolment["low_risk"]))
        for state in schedule(by_pathway[enrolment["pathway"]], person, facts, done.get(enrolment["id"], {}), today):
            rows.append(
                (
                    enrolment["id"],
                    enrolment["patient"],
                    enrolment["pathway"],
                    state.step.id,
                    state.step.title,
                    state.step.order,
                    state.status,
                    state.due_on,
                    state.last_done,
                )
            )
    return pd.DataFrame(rows, columns=list(SCHEDULE_COLUMNS))


def _done_by_enrolment(steps_done: pd.DataFrame) -> dict[int, dict[int, list[date]]]:
    done: dict[int, dict[int, list[date]]] = {}
    for row in rows_of(steps_done, ("enrolment", "step", "done_on")):
        if row["enrolment"] is None or row["step"] is None or row["done_on"] is None:
            continue
        done.setdefault(row["enrolment"], {}).setdefault(row["step"], []).append(row["done_on"])
    return done


def rows_of(frame: pd.DataFrame, columns: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """The rows of a frame as plain Python values: None for empty cells, dates for timestamps, ints; with
    `columns`, only those of them the frame has (each cell converted costs: read only what is used)."""
    if columns is not None:
        frame = frame[[c for c in columns if c in frame.columns]]
    names = [str(column) for column in frame.columns]
    cells = [frame[column].tolist() for column in frame.columns]  # column by column: no per-row boxing
    return [dict(zip(names, map(_plain, row), strict=True)) for row in zip(*cells, strict=True)]


_AS_IS = frozenset({str, int, bool, date})  # exact types kept without a check (most cells)


def _plain(value: Any) -> Any:
    if value is None or type(value) in _AS_IS:
        return value
    if type(value) is pd.Timestamp:
        return value.date()
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, list | tuple):
        return value
    if pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value
