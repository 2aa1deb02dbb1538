"""The AG slide « La vie de la CPTS »: trainees hosted and installations helped in the year (ACI mission 6), the
members up to date with their dues and the AG's quorum. Trainee counts are masked below 5 (with their breakdown
through `domain.privacy.protect_counts`).

`LifeFigures.meetings` is left for the figures of the meetings (Rencontres: meetings held, members who came…):
key figures shown first, given by whoever computes them (`life_figures(..., meetings=...)`), none until then."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from domain.ag.slides import Hidden, KeyFigure, Slide, Table, masking
from domain.association import YearFigures, against, year_figures
from domain.association_dues import DuesSummary, due_lines, summary
from domain.association_indicators import association_records
from domain.french import number
from domain.parameters import Parameters
from domain.privacy import protect_counts
from domain.snp_indicators import records_of
from schema.association import DUES, INSTALLATIONS, MENTORS, TRAINEES
from schema.models import MEMBERS, Member

TRAINEES_KEY = "stagiaires_annee"


@dataclass(frozen=True)
class LifeFigures:
    year: YearFigures
    dues: DuesSummary
    meetings: tuple[KeyFigure, ...] = ()  # the meetings' key figures, shown first


def life_figures(
    frames: Mapping[str, pd.DataFrame], year: int, parameters: Parameters, meetings: Sequence[KeyFigure] = ()
) -> LifeFigures:
    """The year's figures of the association, from the frames of its tables (an absent table: no row), and the
    meetings' key figures when given."""
    found = association_records(*(frames.get(spec.key) for spec in (MENTORS, TRAINEES, INSTALLATIONS, DUES)))
    members = records_of(frames[MEMBERS.key], Member)
    figures = year_figures(found.mentors, found.trainees, found.installations, year, parameters)
    dues = summary(due_lines(members, found.dues, year, parameters), year, parameters)
    return LifeFigures(figures, dues, tuple(meetings))


def life_slide(found: LifeFigures, hidden: Hidden) -> Slide:
    """« La vie de la CPTS »: the meetings' key figures first (when given), then trainees, installations, dues."""
    figures, dues = found.year, found.dues
    levels = [count for _, count in figures.trainees_by_level]
    protected = protect_counts(levels, total=figures.trainees)
    hidden.add(TRAINEES_KEY, protected.total_hidden)
    key_figures = (
        *found.meetings,
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
        "Stages, installations, cotisations (mission ACI 6)",
        key_figures,
        table=table,
        footnote=masking(protected.hidden),
        notes=notes,
    )
