"""The board tables (`domain.board.BOARD_TABLES`) and their figures for a year, shared by the board pages
(Indicateurs, Projet de santé, Financement ACI) and `./cpts export dialogue`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from domain import board
from domain.board import BOARD_TABLES, BoardFigures
from domain.parameters import cpts_name
from domain.problems import Problem
from reports.dialogue import save_dialogue
from schema.models import PARAMETERS
from services.files import writing
from services.tables import Read, Tables, reader
from store.base import Base

PER_VERSION = "board"  # what the figures are kept under, once per version of BOARD_TABLES (views.board_data too)


@dataclass(frozen=True)
class BoardReport:
    figures: BoardFigures
    tables: Tables
    problems: list[Problem]  # every value left aside: refused by the spec, then by the board's own checks


def board_inputs(read: Read) -> Tables:
    """Every table the board figures are made from."""
    return read(BOARD_TABLES)


def board_figures(tables: Tables, year: int, today: date) -> BoardReport:
    """The board's figures for `year`, and every value they had to leave aside."""
    figures = board.board_figures(tables.frames, year, today)
    return BoardReport(figures, tables, tables.problems + figures.problems)


def dialogue(
    base: Base, year: int, today: date, target: Path, progress: Callable[[str], None] = lambda _: None
) -> BoardReport:
    """The « dialogue de gestion » workbook of `year`, read live and written to `target`."""
    report = board_figures(board_inputs(reader(base, progress)), year, today)
    with writing(target):
        save_dialogue(report.figures, cpts_name(report.tables.frames[PARAMETERS.key], base.title), target)
    return report
