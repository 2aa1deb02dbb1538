"""The care pathways against NocoDB: the state the pathway pages show (Parcours, Orienter, À relancer)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from domain.pathway_schedule import SCHEDULE_TABLES, pathway_schedule
from domain.pathways import Step
from schema.fields import TableSpec
from schema.models import PATHWAY_STEPS
from services.tables import Problem, Read


@dataclass
class PathwayState:
    frames: dict[str, pd.DataFrame]
    problems: list[Problem]  # values refused in NocoDB, step conditions not understood included
    steps: list[Step]  # of the active pathways
    schedule: pd.DataFrame  # domain.pathways.SCHEDULE_COLUMNS


def pathway_state(read: Read, extra: tuple[TableSpec, ...] = (), today: date | None = None) -> PathwayState:
    """The tables the schedule needs (and `extra` ones), the steps of the active pathways and the schedule."""
    frames, problems = read(SCHEDULE_TABLES + extra)
    found = pathway_schedule(frames, today or date.today())
    problems = problems + [Problem(PATHWAY_STEPS.title, p.step_id, p.field, p.reason) for p in found.problems]
    return PathwayState(frames, problems, found.steps, found.schedule)
