"""What the AG presentation reads from NocoDB (the tables of `domain.ag.deck.DECK_TABLES`) and from disk (the logo named
in Paramètres); shared by the page Présentation AG and `./cpts deck`."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from domain.ag.deck import DECK_TABLES, AgInputs, DeckFigures, deck_data, deck_of, year_of_life
from domain.ag.life import LIFE_TABLES
from domain.ag.slides import DeckData
from domain.board import BOARD_TABLES
from domain.desk import DeskRecords
from domain.parameters import LOGO, Parameters, read_parameters
from domain.pathway_figures import pathway_summary
from domain.pathway_schedule import SCHEDULE_TABLES
from domain.problems import Problem
from reports.deck import save_deck
from reports.pdf import pdf_from_pptx, save_pdf
from schema.models import ENROLMENTS, MEMBERS, PARAMETERS, PATHWAYS, PATIENTS
from services import board, pathways
from services.files import writing
from services.tables import Loaded, Progress, Read, load_records, tables_of
from settings import ROOT
from store.base import Base
from store.copies import SharedTables

DECK, LIFE = "deck", "deck life"  # what the deck and its association's year are kept under (`shared_deck`)


def deck(
    base: Base, year: int, today: date, target: Path, *, pdf: bool, progress: Progress = lambda _: None
) -> DeckData:
    """The AG presentation of `year`'s activity, read live and written to `target` (PPTX), and next to it the
    PDF (same name, .pdf) when `pdf`."""
    inputs = load_deck_inputs(base, progress)
    progress("Calcul des chiffres…")
    made = deck_data(inputs, year, today, base.title)
    progress("Création du PowerPoint…")
    write_deck(made, target, pdf=pdf, progress=progress)
    return made


def shared_deck(base: Base, year: int, today: date, name: str) -> DeckData:
    """The deck of `year` as of `today` (`name`: the base's title, for a CPTS without one in Paramètres), read
    now. Through the base's shared copy, made once per version of the deck's tables and shared by every caller
    (never change it), from figures each kept once per version of their own tables (`deck_figures`)."""
    shared = base.shared
    if shared is None:
        return deck_data(load_deck_inputs(base), year, today, name)
    return shared.computed(
        DECK, DECK_TABLES, (year, today, name), lambda loaded: made_deck(shared, loaded, year, today, name)
    )


def made_deck(shared: SharedTables, loaded: dict[str, Loaded[Any]], year: int, today: date, name: str) -> DeckData:
    """The deck from its tables as read (`loaded`) and its figures as kept (a table changed in between makes
    them newer than `loaded`: the next call sees newer versions and makes the deck again)."""
    inputs = deck_inputs(loaded)
    return deck_of(inputs, deck_figures(shared, year, today), year, today, name)


def deck_figures(shared: SharedTables, year: int, today: date) -> DeckFigures:
    """The deck's costly figures, each made once per version of its own tables: a change of patients leaves
    the association's year as it was. The board's figures and the pathways' state are the ones the board and
    pathway pages keep (same name and key: whichever comes first computes them for the others)."""
    report = shared.computed(
        board.PER_VERSION, BOARD_TABLES, (year, today), lambda tables: board_report(tables, year, today)
    )
    state = shared.computed(
        pathways.PER_VERSION, SCHEDULE_TABLES, (today,), lambda tables: pathway_state(tables, today)
    )
    summary = pathway_summary(state.frames[PATHWAYS.key], state.frames[ENROLMENTS.key], state.schedule)
    life = shared.computed(LIFE, LIFE_TABLES, (year,), lambda tables: year_of_life(tables_of(tables).frames, year))
    return DeckFigures(report.figures, summary, tuple(state.step_problems), life)


def board_report(tables: dict[str, Loaded[Any]], year: int, today: date) -> board.BoardReport:
    """`services.board.board_figures` of these tables, as the board pages make it."""
    return board.board_figures(board.board_inputs(read_from(tables)), year, today)


def pathway_state(tables: dict[str, Loaded[Any]], today: date) -> pathways.PathwayState:
    """`services.pathways.pathway_state` of these tables, as the pathway pages make it."""
    return pathways.pathway_state(read_from(tables), (), today)


def read_from(tables: dict[str, Loaded[Any]]) -> Read:
    """A `Read` of tables already read (by key)."""
    return lambda specs: tables_of({spec.key: tables[spec.key] for spec in specs})


def write_deck(made: DeckData, target: Path, *, pdf: bool, progress: Progress = lambda _: None) -> None:
    """`made` written to `target` (PPTX) and, when `pdf`, next to it (same name, .pdf)."""
    with writing(target):
        save_deck(made, target)
    if pdf:
        progress("Conversion en PDF avec LibreOffice (quelques secondes)…")
        with writing(target.with_suffix(".pdf")):
            save_pdf(pdf_from_pptx(target.read_bytes()), target.with_suffix(".pdf"))


def load_deck_inputs(base: Base, progress: Progress = lambda _: None) -> AgInputs:
    """Every table the deck needs, read now, the values NocoDB holds that the spec refuses (as warnings) and the logo."""
    return deck_inputs(load_records(base, DECK_TABLES, progress))


def deck_inputs(loaded: dict[str, Loaded[Any]]) -> AgInputs:
    """The deck's inputs from its tables as read (`DECK_TABLES`, by key) and the logo."""
    frames, problems = tables_of(loaded)
    desk = DeskRecords(loaded[PATIENTS.key].records, loaded[MEMBERS.key].records, [])
    parameters, parameter_problems = read_parameters(frames[PARAMETERS.key], (LOGO,))
    logo, logo_problems = read_logo(parameters)
    return AgInputs(frames, desk, logo, tuple(problems + parameter_problems + logo_problems))


def read_logo(parameters: Parameters) -> tuple[bytes | None, list[Problem]]:
    """The image named by Paramètres « Logo (chemin du fichier) » (absolute, or relative to the project folder),
    or None and why (a Problem on its row)."""
    path_text = parameters.get(LOGO)
    if path_text is None:
        return None, []
    path = Path(path_text).expanduser()
    path = path if path.is_absolute() else ROOT / path
    if not path.is_file():
        return None, [parameters.problem(LOGO, f"fichier introuvable ({path})")]
    image = path.read_bytes()
    try:
        with Image.open(BytesIO(image)) as opened:
            opened.verify()
            kind = opened.format
    except (UnidentifiedImageError, OSError, SyntaxError):
        kind = None
    if kind not in ("PNG", "JPEG", "GIF", "BMP"):
        return None, [parameters.problem(LOGO, f"{path.name} n'est pas une image PNG, JPEG, GIF ou BMP")]
    return image, []
