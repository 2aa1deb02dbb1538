"""What the AG presentation reads from NocoDB (the tables of `domain.ag.deck.DECK_TABLES`) and from disk (the logo named
in Paramètres); shared by the page Présentation AG and `./cpts deck`."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from domain.ag.deck import DECK_TABLES, AgInputs, deck_data
from domain.ag.slides import DeckData
from domain.desk import DeskRecords
from domain.parameters import LOGO, Parameters, read_parameters
from domain.problems import Problem
from reports.deck import save_deck
from reports.pdf import pdf_from_pptx, save_pdf
from schema.models import MEMBERS, PARAMETERS, PATIENTS
from services.files import writing
from services.tables import Progress, load_records, tables_of
from settings import ROOT
from store.base import Base


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
    loaded = load_records(base, DECK_TABLES, progress)
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
