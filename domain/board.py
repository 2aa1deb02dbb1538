"""The board's figures for one year, from the frames of the tables they need: the health project, the
indicators and the ACI funding estimate. The pages and the "dialogue de gestion" export share them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from domain.cells import identifier, integer
from domain.funding import (
    FundingEstimate,
    FundingParameters,
    Span,
    board_achievements,
    estimate,
    read_funding,
    started_missions,
)
from domain.indicators import LiveData, indicator_board
from domain.problems import Problem
from domain.project import project_table
from schema.association import DUES, INSTALLATIONS, MENTORS, TRAINEES
from schema.fields import TableSpec
from schema.meetings import MEETINGS, PARTICIPATIONS
from schema.models import (
    ACTIONS,
    CRISIS_EXERCISES,
    CRISIS_PLAN,
    ENROLMENTS,
    INDICATORS,
    MEMBERS,
    MILESTONES,
    PARAMETERS,
    PATHWAYS,
    PATIENTS,
    SNP_REQUESTS,
    SNP_SLOTS,
    TERRITORY,
)

BOARD_TABLES: tuple[TableSpec[Any], ...] = (
    ACTIONS,
    MILESTONES,
    MEMBERS,
    INDICATORS,
    PATIENTS,
    ENROLMENTS,
    PATHWAYS,
    TERRITORY,
    PARAMETERS,
    CRISIS_PLAN,
    CRISIS_EXERCISES,
    SNP_SLOTS,
    SNP_REQUESTS,
    MEETINGS,
    PARTICIPATIONS,
    MENTORS,
    TRAINEES,
    INSTALLATIONS,
    DUES,
)
POPULATION_FIELD = TERRITORY.field("population").title


@dataclass(frozen=True)
class BoardFigures:
    year: int
    today: date
    project: pd.DataFrame  # domain.project.project_table
    indicators: pd.DataFrame  # domain.indicators.indicator_board, for `year`
    funding_parameters: FundingParameters
    funding: FundingEstimate
    problems: list[Problem] = field(default_factory=list)  # values left aside by the figures


def live_data(frames: Mapping[str, pd.DataFrame]) -> LiveData:
    return LiveData(
        frames[PATIENTS.key],
        frames[MEMBERS.key],
        frames[ENROLMENTS.key],
        frames[PATHWAYS.key],
        frames[ACTIONS.key],
        frames.get(CRISIS_PLAN.key),
        frames.get(CRISIS_EXERCISES.key),
        frames.get(SNP_SLOTS.key),
        frames.get(SNP_REQUESTS.key),
        frames.get(MEETINGS.key),
        frames.get(PARTICIPATIONS.key),
        frames.get(MENTORS.key),
        frames.get(TRAINEES.key),
        frames.get(INSTALLATIONS.key),
        frames.get(DUES.key),
    )


def territory_population(territory: pd.DataFrame) -> tuple[int, list[Problem]]:
    """Population covered (sum over the communes of Territoire) and the communes without a population."""
    reason = "population manquante : la commune ne compte pas dans la taille ACI"
    problems = [
        Problem(TERRITORY.title, identifier(row.id), POPULATION_FIELD, reason)
        for row in territory.itertuples()
        if integer(row.population) is None
    ]
    return int(territory["population"].fillna(0).sum()), problems


def funding_hiding(board: BoardFigures, hidden: Mapping[int, Span]) -> FundingEstimate:
    """The funding estimate of `board` for a document that hides more indicator values than the board pages:
    `hidden`, indicator id -> the lowest and highest value a reader could suppose (`funding.board_achievements`)."""
    started = {mission.mission for mission in board.funding.missions if mission.started}
    achievements = board_achievements(board.indicators, hidden)
    return estimate(board.year, board.funding.population, board.funding_parameters, started, achievements)


def board_figures(frames: Mapping[str, pd.DataFrame], year: int, today: date) -> BoardFigures:
    """Every figure of the board for `year` (frames keyed like BOARD_TABLES' keys)."""
    actions = frames[ACTIONS.key]
    project = project_table(actions, frames[MILESTONES.key], frames[MEMBERS.key], today)
    indicators, indicator_problems = indicator_board(frames[INDICATORS.key], actions, live_data(frames), year, today)
    parameters, parameter_problems = read_funding(frames[PARAMETERS.key])
    population, territory_problems = territory_population(frames[TERRITORY.key])
    funding = estimate(year, population, parameters, started_missions(actions), board_achievements(indicators))
    problems = indicator_problems + parameter_problems + territory_problems
    return BoardFigures(year, today, project, indicators, parameters, funding, problems)
