"""The annual general meeting (AG) presentation as plain data: one `Slide` per subject, every figure taken from
the desk, the board and the pathways' own functions, already written the French way and masked.

Aggregates only: no patient is named; counts of people below 5 are shown "< 5", and every breakdown whose total
is shown goes through `domain.privacy.protect_counts`, so that no masked count can be worked out by difference.
A calculated indicator repeating a figure masked on another slide is masked too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from domain.ag.indicators import funding_slide, indicator_slides
from domain.ag.life import LifeFigures, life_figures, life_slide
from domain.ag.pathways import pathway_figures, pathways_slide
from domain.ag.people import access_slide, members_slide, territory_slide
from domain.ag.project import priorities_slide, project_slides
from domain.ag.slides import DeckData, Hidden
from domain.association import TARGETS
from domain.association_dues import DUES_PARAMETERS
from domain.board import BOARD_TABLES, BoardFigures, board_figures, live_data
from domain.desk import DeskRecords
from domain.parameters import AG_DATE, Parameters, cpts_name, read_parameters
from domain.problems import Problem
from schema.fields import TableSpec
from schema.models import PARAMETERS, PATHWAY_STEPS, STEPS_DONE, TERRITORY

DECK_TABLES: tuple[TableSpec[Any], ...] = (*BOARD_TABLES, PATHWAY_STEPS, STEPS_DONE)


@dataclass(frozen=True)
class AgInputs:
    """What the deck is made from: the tables' frames (keyed like `DECK_TABLES`), the desk's patients (for its
    median delay; its proposals are not needed) and the logo image."""

    frames: Mapping[str, pd.DataFrame]
    desk: DeskRecords
    logo: bytes | None = None
    problems: tuple[Problem, ...] = ()  # found while reading them (refused values, logo not found)


# -- parameters ----------------------------------------------------------------------------------------


def ag_date(parameters: Parameters, today: date) -> date:
    """Paramètres « Date de l'AG », today if absent or unreadable (reported by `read_parameters`)."""
    return parameters.get(AG_DATE) or today


# -- the slides --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeckFigures:
    """What the slides are made from that costs to compute, each from its own tables (so that a caller may keep
    each once per version of them, `services.deck.shared_deck`): the board's figures (BOARD_TABLES), the
    pathways' summary (`domain.pathway_figures.pathway_summary` of SCHEDULE_TABLES) with the step conditions
    left aside, and the association's year (LIFE_TABLES)."""

    board: BoardFigures
    pathways: pd.DataFrame
    step_problems: tuple[Problem, ...]
    life: LifeFigures


def deck_parameters(frames: Mapping[str, pd.DataFrame]) -> tuple[Parameters, list[Problem]]:
    """The rows of Paramètres the deck reads (AG date, association targets, dues), and those not understood."""
    return read_parameters(frames[PARAMETERS.key], (AG_DATE, *TARGETS, *DUES_PARAMETERS))


def year_of_life(frames: Mapping[str, pd.DataFrame], year: int) -> LifeFigures:
    """The association's figures of `year` (frames of LIFE_TABLES at least)."""
    return life_figures(frames, year, deck_parameters(frames)[0])


def deck_data(inputs: AgInputs, year: int, today: date, base_title: str = "") -> DeckData:
    """The whole presentation of `year`'s activity, as of `today`."""
    frames = inputs.frames
    summary, step_problems = pathway_figures(frames, today)
    figures = DeckFigures(board_figures(frames, year, today), summary, tuple(step_problems), year_of_life(frames, year))
    return deck_of(inputs, figures, year, today, base_title)


def deck_of(inputs: AgInputs, figures: DeckFigures, year: int, today: date, base_title: str = "") -> DeckData:
    """The presentation of `year`'s activity, as of `today`, from its inputs and the figures made from them."""
    frames, board = inputs.frames, figures.board
    data = live_data(frames)
    hidden = Hidden()
    parameters, parameter_problems = deck_parameters(frames)
    slides = [
        territory_slide(frames[TERRITORY.key], board),
        members_slide(data, year, hidden),
        access_slide(data, inputs.desk, year, today, hidden),
        pathways_slide(figures.pathways, data, hidden),
        life_slide(figures.life, hidden),
        *project_slides(board),
        *indicator_slides(board, hidden),
        funding_slide(board, hidden),
        priorities_slide(board),
    ]
    problems = [*inputs.problems, *parameter_problems, *board.problems, *figures.step_problems]
    name = cpts_name(frames[PARAMETERS.key], base_title)
    return DeckData(name, ag_date(parameters, today), year, today, inputs.logo, tuple(slides), tuple(problems))
