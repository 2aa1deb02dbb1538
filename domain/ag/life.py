"""The AG slide « La vie de la CPTS »: trainees hosted and installations helped in the year (ACI mission 6), the
members up to date with their dues and the AG's quorum, and first the year's meetings (Rencontres: meetings held,
trainings, members who came, satisfaction). Counts of persons are masked below 5: the members who came, the
trainees (with their breakdown through `domain.privacy.protect_counts`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from domain.ag.slides import Hidden, KeyFigure, Slide, Table, masking
from domain.association import YearFigures, against, year_figures
from domain.association_dues import DuesSummary, due_lines, summary
from domain.association_indicators import association_records
from domain.calculated_keys import records_of
from domain.french import number
from domain.meeting_indicators import MeetingFigures, meeting_figures
from domain.parameters import Parameters
from domain.privacy import is_small, mask_small, protect_counts
from schema.association import DUES, INSTALLATIONS, MENTORS, TRAINEES
from schema.fields import TableSpec
from schema.meetings import MEETINGS, PARTICIPATIONS
from schema.models import MEMBERS, PARAMETERS, Member

TRAINEES_KEY = "stagiaires_annee"
MEETING_MEMBERS_KEY = "participants_rencontres_annee"
LIFE_TABLES: tuple[TableSpec[Any], ...] = (
    MEMBERS,
    PARAMETERS,
    MENTORS,
    TRAINEES,
    INSTALLATIONS,
    DUES,
    MEETINGS,
    PARTICIPATIONS,
)


@dataclass(frozen=True)
class LifeFigures:
    year: YearFigures
    dues: DuesSummary
    meetings: MeetingFigures | None = None  # None: Rencontres not read


def life_figures(frames: Mapping[str, pd.DataFrame], year: int, parameters: Parameters) -> LifeFigures:
    """The year's figures of the association, from the frames of its tables (an absent table: no row)."""
    found = association_records(*(frames.get(spec.key) for spec in (MENTORS, TRAINEES, INSTALLATIONS, DUES)))
    members = records_of(frames[MEMBERS.key], Member)
    figures = year_figures(found.mentors, found.trainees, found.installations, year, parameters)
    dues = summary(due_lines(members, found.dues, year, parameters), year, parameters)
    met = meeting_figures(frames.get(MEETINGS.key), frames.get(PARTICIPATIONS.key), year)
    return LifeFigures(figures, dues, met)


def meeting_cards(found: MeetingFigures | None, year: int, hidden: Hidden) -> tuple[KeyFigure, ...]:
    """The meetings' key figures; the members who came masked below 5."""
    if found is None:
        return ()
    hidden.add(MEETING_MEMBERS_KEY, is_small(found.members))
    satisfaction = "" if found.satisfaction is None else f" ; satisfaction {number(found.satisfaction, 1)} / 5"
    return (
        KeyFigure(
            f"Rencontres en {year}",
            number(found.held),
            f"dont {number(found.trainings)} formations ({number(found.training_hours, 1)} h)",
        ),
        KeyFigure("Membres présents", mask_small(found.members), f"à au moins une rencontre{satisfaction}"),
    )


def life_slide(found: LifeFigures, hidden: Hidden) -> Slide:
    """« La vie de la CPTS »: the meetings' key figures first (when given), then trainees, installations, dues."""
    figures, dues = found.year, found.dues
    levels = [count for _, count in figures.trainees_by_level]
    protected = protect_counts(levels, total=figures.trainees)
    hidden.add(TRAINEES_KEY, protected.total_hidden)
    key_figures = (
        *meeting_cards(found.meetings, figures.year, hidden),
        KeyFigure(
            f"Stagiaires accueillis en {figures.year}",
            protected.total if figures.trainee_target is None else f"{protected.total} / {figures.trainee_target}",
            f"par {number(figures.hosts)} maîtres de stage ({number(figures.mentors)} agréés)",
        ),
        KeyFigure(
            "Installations accompagnées",
            against(figures.helped, figures.installation_target),
            f"sur {number(figures.installations)} professionnels installés en {figures.year}",
        ),
        KeyFigure("Cotisations payées", f"{number(dues.paid)} / {number(dues.members)}", "membres à jour"),
        KeyFigure("Quorum de l'AG", number(dues.quorum), f"{dues.quorum_share} % des {number(dues.members)} membres"),
    )
    rows = tuple(
        (level, cell) for (level, _), cell in zip(figures.trainees_by_level, protected.cells, strict=True)
    ) + tuple((f"Installation : {kind}", number(count)) for kind, count in figures.help_given)
    table = Table(("Stagiaires par niveau, aides à l'installation", "Nombre"), rows, (5, 1.2), (1,))
    notes = (
        f"En {figures.year}, {protected.total} stagiaires accueillis par {number(figures.hosts)} membres ; "
        f"{number(figures.installations)} professionnels installés, dont {number(figures.helped)} accompagnés par "
        f"la CPTS. {number(dues.paid)} membres sur {number(dues.members)} à jour de cotisation ; quorum de l'AG : "
        f"{number(dues.quorum)} membres."
    )
    return Slide(
        "La vie de la CPTS",
        "Rencontres, stages, installations, cotisations",
        key_figures,
        table=table,
        footnote=masking([*protected.hidden, MEETING_MEMBERS_KEY in hidden.keys]),
        notes=notes,
    )
