"""The care pathways against NocoDB: the state the pathway pages show (Parcours, Orienter, À relancer), and the
steps marked done on À relancer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from domain.cells import identifier
from domain.pathway_schedule import SCHEDULE_TABLES, pathway_schedule
from domain.pathways import Step
from domain.problems import Problem
from schema.fields import TableSpec
from schema.models import STEPS_DONE, StepDone
from services import writes
from services.tables import Read
from store.base import Base

PER_VERSION = "pathways"  # what the state is kept under, once per version of its tables (views.pathway_data too)


@dataclass
class PathwayState:
    frames: dict[str, pd.DataFrame]
    problems: list[Problem]  # values refused in NocoDB, step conditions not understood included
    steps: list[Step]  # of the active pathways
    schedule: pd.DataFrame  # domain.pathway_tables.SCHEDULE_COLUMNS
    step_problems: list[Problem] = field(default_factory=list)  # of `problems`, the step conditions not understood


def pathway_state(read: Read, extra: tuple[TableSpec[Any], ...] = (), today: date | None = None) -> PathwayState:
    """The tables the schedule needs (and `extra` ones), the steps of the active pathways and the schedule."""
    frames, problems = read(SCHEDULE_TABLES + extra)
    found = pathway_schedule(frames, today or date.today())
    problems = problems + found.problems
    return PathwayState(frames, problems, found.steps, found.schedule, found.problems)


def mark_done(base: Base, overdue: pd.DataFrame, done_on: date) -> int:
    """Write to Étapes réalisées that these steps (rows of `domain.worklist.overdue_worklist`) were done on
    `done_on`, all or nothing; returns how many were written."""
    rows = [
        StepDone(
            reference=f"{row.code} – {row.step_title} – {done_on.isoformat()}",
            enrolment=identifier(row.enrolment),
            step=identifier(row.step),
            done_on=done_on,
        )
        for row in overdue.itertuples()
    ]
    writes.insert(base, STEPS_DONE, rows)
    return len(rows)
