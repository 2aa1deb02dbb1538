"""The figures of the life of the association (`domain.meetings`) as calculated indicators of Indicateurs: one key
per figure, counted over a calendar year from the frames of Rencontres and Participations; 0 when the tables were
not read (or no score was given, for the mean satisfaction). Counts of persons are masked below 5 on board pages."""

from __future__ import annotations

import pandas as pd

from domain import meetings
from domain.snp_indicators import records_of
from schema.meetings import Meeting, Participation

KIND_OR_MISSION = "type ou mission"
# indicator key → (figure, what is counted, counts persons, what the text after « : » names)
MEETING_KEYS: dict[str, tuple[str, str, bool, str | None]] = {
    "rencontres_annee": (
        "meetings",
        "rencontres de l'année (toutes, ou du type ou de la mission ACI indiqués après « : »)",
        False,
        KIND_OR_MISSION,
    ),
    "participants_rencontres_annee": (
        "members",
        "membres distincts présents à au moins une rencontre de l'année",
        True,
        None,
    ),
    "heures_formation_annee": ("training_hours", "heures de formation de l'année (durée des formations)", False, None),
    "satisfaction_moyenne_annee": (
        "satisfaction",
        "satisfaction moyenne des participants aux rencontres de l'année (sur 5)",
        False,
        None,
    ),
}


def argument_error(argument_kind: str | None, argument: str) -> str | None:
    """The French message when the text after « : » names no kind of meeting nor mission (None: fine)."""
    return meetings.argument_error(argument) if argument_kind == KIND_OR_MISSION else None


def yearly_figure(
    meeting_frame: pd.DataFrame | None,
    participation_frame: pd.DataFrame | None,
    year: int,
    figure: str,
    argument: str | None = None,
) -> float:
    if meeting_frame is None or participation_frame is None:
        return 0
    held = records_of(meeting_frame, Meeting)
    rows = records_of(participation_frame, Participation)
    if figure == "meetings":
        return meetings.meeting_count(held, year, argument)
    if figure == "members":
        return meetings.members_who_took_part(held, rows, year)
    if figure == "training_hours":
        return round(meetings.training_hours(held, year), 1)
    return meetings.mean_satisfaction(held, rows, year) or 0
