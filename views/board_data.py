"""What the board pages share: the figures of a year read live from NocoDB (`services.board`) and the AG
deck, both made once per version of their tables, the year picker, the header, and the values left aside
(refused by the spec, or by the board's own checks)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from domain.ag.slides import DeckData
from domain.board import BOARD_TABLES, BoardFigures
from domain.indicators import period_year
from errors import CptsError
from schema.models import INDICATORS
from services.board import PER_VERSION, BoardReport, board_figures, board_inputs
from views.common import (
    current_base,
    load_tables,
    per_version,
    plain,
    refresh_button,
    show_error,
    show_problems,
    the_cpts_name,
)

AGGREGATES_NOTE = "Chiffres agrégés, sans donnée nominative ; effectifs de patients inférieurs à 5 masqués (« < 5 »)."


def header(title: str, caption: str) -> str:
    """Title, caption and refresh button; returns the CPTS name (`views.common.the_cpts_name`). Stops if NocoDB is out of reach."""
    left, right = st.columns([5, 1], vertical_alignment="bottom")
    with right:
        refresh_button()
    try:
        name = the_cpts_name()
    except CptsError as error:
        show_error(error)
    with left:
        st.title(title)
        st.caption(f"{plain(name)} · {caption} · {date.today():%d/%m/%Y}")
    return name


def board_report(year: int) -> BoardReport:
    """The board's figures for `year` as of today, made once per version of the board tables (shared)."""
    today = date.today()
    return per_version(
        PER_VERSION, BOARD_TABLES, lambda: board_figures(board_inputs(load_tables), year, today), year, today
    )


def load_figures(year: int) -> tuple[BoardFigures, dict[str, pd.DataFrame]]:
    """The board's figures for `year`, read live; shows one warning listing every value left aside."""
    report = board_report(year)
    show_problems(report.problems)
    return report.figures, report.tables.frames


def made_deck(year: int, name: str) -> DeckData:
    """The deck of `year`, made once per version of the deck's tables and day (shared by every session, from
    the board's figures and the pathways' state the other pages keep: `services.deck.shared_deck`); its
    PowerPoint file is made when asked for (`views.ag.deck_file`)."""
    from services.deck import shared_deck

    return shared_deck(current_base(), year, date.today(), name)


def year_picker(label: str = "Année") -> int:
    """A select box of the years that have indicators (and the current one), latest first."""
    this_year = date.today().year
    indicators = load_tables([INDICATORS]).frames[INDICATORS.key]
    years = {period_year(None if pd.isna(p) else str(p), this_year) for p in indicators["period"]} | {this_year}
    return int(st.selectbox(label, sorted(years, reverse=True), key="board_year"))
