"""What the pathway pages (Parcours, Orienter, À relancer) share: the tables read live
from NocoDB with their refused values, and each step's state for every active enrolment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from domain.communes import commune
from domain.pathways import Step, schedules, steps_from_frame
from domain.problems import Problem
from schema.fields import TableSpec
from schema.models import ENROLMENTS, PATHWAY_STEPS, PATHWAYS, PATIENTS, STEPS_DONE
from views.common import load_tables

SCHEDULE_TABLES = (PATHWAYS, PATHWAY_STEPS, ENROLMENTS, STEPS_DONE, PATIENTS)
LEFT_ASIDE = "Elles sont laissées de côté ci-dessous"  # what the pathway pages do with values NocoDB refused


def active_pathways(pathways: pd.DataFrame) -> pd.DataFrame:
    """The pathways marked « Actif », by name."""
    active = pathways[pathways["active"].fillna(True).astype(bool) & pathways["name"].notna()]
    return active.sort_values("name", key=lambda names: names.str.lower()).reset_index(drop=True)


@dataclass
class PathwayState:
    frames: dict[str, pd.DataFrame]
    problems: list[Problem]
    steps: list[Step]  # of the active pathways
    schedule: pd.DataFrame  # domain.pathways.SCHEDULE_COLUMNS


def pathway_state(extra: tuple[TableSpec, ...] = (), today: date | None = None) -> PathwayState:
    """The tables the schedule needs (and `extra` ones), the steps of the active pathways and the schedule."""
    frames, problems = load_tables(SCHEDULE_TABLES + extra)
    all_steps, step_problems = steps_from_frame(frames[PATHWAY_STEPS.key])
    problems += step_problems
    active = set(active_pathways(frames[PATHWAYS.key])["id"])
    steps = [step for step in all_steps if step.pathway in active]
    schedule = schedules(
        steps, frames[ENROLMENTS.key], frames[PATIENTS.key], frames[STEPS_DONE.key], today or date.today()
    )
    return PathwayState(frames, problems, steps, schedule)


def commune_name(insee_code: str | None) -> str:
    """« Vanves » for 92075; the code itself when unknown, "" when empty."""
    if not insee_code:
        return ""
    try:
        return commune(insee_code).name
    except KeyError:
        return insee_code
