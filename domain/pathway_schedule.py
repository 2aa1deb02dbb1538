"""The one home of "active pathways → schedules": the pathways marked « Actif », their steps, and each step's
state for every active enrolment. Shared by the pathway pages (through `services.pathways`) and the AG deck."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import pandas as pd

from domain.pathway_tables import schedules, steps_from_frame
from domain.pathways import Step
from domain.problems import Problem
from schema.models import ENROLMENTS, PATHWAY_STEPS, PATHWAYS, PATIENTS, STEPS_DONE

SCHEDULE_TABLES = (PATHWAYS, PATHWAY_STEPS, ENROLMENTS, STEPS_DONE, PATIENTS)  # what `pathway_schedule` reads


def active_pathways(pathways: pd.DataFrame) -> pd.DataFrame:
    """The pathways marked « Actif » (an empty box counts as active) that have a name, by name."""
    active = pathways[pathways["active"].fillna(True).astype(bool) & pathways["name"].notna()]
    return active.sort_values("name", key=lambda names: names.str.lower()).reset_index(drop=True)


@dataclass(frozen=True)
class PathwaySchedule:
    steps: list[Step]  # of the active pathways
    schedule: pd.DataFrame  # domain.pathway_tables.SCHEDULE_COLUMNS
    problems: list[Problem]  # step conditions the rules do not understand (those clauses ignored)


def pathway_schedule(frames: Mapping[str, pd.DataFrame], today: date) -> PathwaySchedule:
    """The steps of the active pathways and their state for every active enrolment, from the frames of
    `SCHEDULE_TABLES`."""
    all_steps, problems = steps_from_frame(frames[PATHWAY_STEPS.key])
    active = set(active_pathways(frames[PATHWAYS.key])["id"])
    steps = [step for step in all_steps if step.pathway in active]
    schedule = schedules(steps, frames[ENROLMENTS.key], frames[PATIENTS.key], frames[STEPS_DONE.key], today)
    return PathwaySchedule(steps, schedule, problems)
