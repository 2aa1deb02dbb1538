"""What À relancer shows of the tables, made once per version of them and day (`overdue`): a module of its
own so that `views.warm` makes it before anyone signs in, as the page does when it has not run."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import pandas as pd

from domain.communes import commune_closeness
from domain.french import day
from domain.pathway_schedule import SCHEDULE_TABLES
from domain.referral import teams
from domain.worklist import outside_public, overdue_worklist
from schema.models import MEMBERS, PATHWAY_MEMBERS, PATHWAYS, PATIENTS
from views.common import per_version
from views.pathway_data import PathwayState, commune_name

EXTRA = (PATHWAY_MEMBERS, MEMBERS)  # read beside the pathway state: the professionals to refer to


class Overdue(NamedTuple):
    """What the page shows of the tables, made once per version of them and day (shared, never changed):
    the overdue steps, their table as shown (same index), the enrolments outside their pathway's public."""

    worklist: pd.DataFrame
    table: pd.DataFrame
    outside: list[tuple[str, str]]


def overdue(state: PathwayState, today: date) -> Overdue:
    """À relancer's figures (`Overdue`), made once per version of their tables and day, shared by every
    session (and made by `views.warm` before anyone signs in)."""
    return per_version("overdue", SCHEDULE_TABLES + EXTRA, lambda: overdue_of(state, today), today)


def overdue_of(state: PathwayState, today: date) -> Overdue:
    frames = state.frames
    worklist = overdue_worklist(
        state.schedule,
        state.steps,
        frames[PATIENTS.key],
        frames[PATHWAYS.key],
        teams(frames[PATHWAY_MEMBERS.key], frames[MEMBERS.key]),
        commune_closeness,
        today,
    )
    return Overdue(worklist, worklist_table(worklist), outside_public(frames, today))


def worklist_table(worklist: pd.DataFrame) -> pd.DataFrame:
    names = zip(worklist["first_name"], worklist["last_name"], strict=True)
    return pd.DataFrame(
        {
            "Code": worklist["code"],
            "Patient": [person_name(first, last) for first, last in names],
            "Téléphone": worklist["phone"],
            "Étape": worklist["step_title"],
            "En retard depuis le": worklist["due_on"].map(day),
            "Jours": worklist["days_overdue"],
            "Professionnel à solliciter": [professional(row) for _, row in worklist.iterrows()],
            "Son téléphone": worklist["referral_phone"],
            "Parcours": worklist["pathway_name"],
        }
    )


def person_name(first: object, last: object) -> str:
    return " ".join(part for part in (first, last) if isinstance(part, str))


def professional(row: pd.Series) -> str:
    if not isinstance(row["referral_name"], str):
        return "Aucun intervenant du parcours"
    place = commune_name(row["referral_insee"])
    return ", ".join(
        part for part in (row["referral_name"], row["referral_job"], place) if isinstance(part, str) and part
    )
