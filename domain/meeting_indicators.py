"""The figures of the life of the association (`domain.meetings`) for a calendar year, from the frames of Rencontres
and Participations: the AG slide shows them (`domain.ag.life`) and they are calculated indicators of Indicateurs,
one key per figure; 0 when the tables were not read (or no score was given, for the mean satisfaction). Counts of
persons are masked below 5 on board pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from domain import meetings
from domain.calculated_keys import CalculatedKey, Count, LiveData, records_of
from schema.meetings import Meeting, MeetingKind, Participation

KIND_OR_MISSION = "type ou mission"


@dataclass(frozen=True)
class MeetingFigures:
    held: int  # meetings of the year (of the kind or mission asked for, when one is)
    trainings: int  # trainings of the year
    training_hours: float
    members: int  # distinct members present at one at least (a count of persons)
    satisfaction: float | None  # mean score out of 5, None: no score given


def meeting_figures(
    meeting_frame: pd.DataFrame | None,
    participation_frame: pd.DataFrame | None,
    year: int,
    kind_or_mission: str | None = None,
) -> MeetingFigures | None:
    """The year's meetings from the frames of Rencontres and Participations (None when they were not read)."""
    if meeting_frame is None or participation_frame is None:
        return None
    held = records_of(meeting_frame, Meeting)
    rows = records_of(participation_frame, Participation)
    return MeetingFigures(
        meetings.meeting_count(held, year, kind_or_mission),
        meetings.meeting_count(held, year, MeetingKind.TRAINING),
        meetings.training_hours(held, year),
        meetings.members_who_took_part(held, rows, year),
        meetings.mean_satisfaction(held, rows, year),
    )


def argument_error(argument_kind: str | None, argument: str) -> str | None:
    """The French message when the text after « : » names no kind of meeting nor mission (None: fine)."""
    return meetings.argument_error(argument) if argument_kind == KIND_OR_MISSION else None


def _figure(read: Callable[[MeetingFigures], float | None]) -> Count:
    """The count of one of the year's figures (0 when the tables were not read or the figure is None)."""

    def counted(data: LiveData, year: int, argument: str | None) -> float:
        found = meeting_figures(data.meetings, data.participations, year, argument)
        return 0 if found is None else read(found) or 0

    return counted


MEETING_KEYS: dict[str, CalculatedKey] = {
    "rencontres_annee": CalculatedKey(
        "rencontres de l'année (toutes, ou du type ou de la mission ACI indiqués après « : »)",
        _figure(lambda found: found.held),
        yearly=True,
        persons=False,
        argument=KIND_OR_MISSION,
    ),
    "participants_rencontres_annee": CalculatedKey(
        "membres distincts présents à au moins une rencontre de l'année",
        _figure(lambda found: found.members),
        yearly=True,
        persons=True,
    ),
    "heures_formation_annee": CalculatedKey(
        "heures de formation de l'année (durée des formations)",
        _figure(lambda found: round(found.training_hours, 1)),
        yearly=True,
        persons=False,
    ),
    "satisfaction_moyenne_annee": CalculatedKey(
        "satisfaction moyenne des participants aux rencontres de l'année (sur 5)",
        _figure(lambda found: found.satisfaction),
        yearly=True,
        persons=False,
    ),
}
