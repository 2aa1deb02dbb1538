"""The files of a crisis-plan activation: the one-page « fiche réflexe » (a one-slide A4 PPTX, made PDF by
`reports.pdf.pdf_from_pptx`, offline) and the contact list (XLSX through `reports.table`, formulas neutralised)."""

from __future__ import annotations

from io import BytesIO

import pandas as pd
from pptx import Presentation
from pptx.slide import Slide
from pptx.util import Inches

from domain.crisis import ReflexSheet
from domain.french import day
from reports.a4 import A4_HEIGHT, A4_WIDTH, GREY, MARGIN, NAVY, RED, Line, cell_table, text_box
from reports.table import table_bytes

STEP_CHARACTERS = 420  # a section's text is cut beyond this, and at most MAX_STEPS sections: the sheet stays one page
MAX_STEPS = 9
CELL_COLUMNS = ("Rôle", "Référent", "Suppléant", "Téléphone 24h/24")


def reflex_pptx(sheet: ReflexSheet) -> bytes:
    """The fiche réflexe as a one-slide A4 portrait presentation."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = A4_WIDTH, A4_HEIGHT
    prs.core_properties.title = f"{sheet.cpts_name} · Fiche réflexe · {sheet.kind.label}"
    prs.core_properties.language = "fr-FR"
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    width = int(A4_WIDTH) - 2 * int(MARGIN)
    top = text_box(slide, int(MARGIN), width, [(f"FICHE RÉFLEXE · {sheet.kind.label.upper()}", 20, RED, True)])
    subtitle = f"{sheet.cpts_name} · plan de crise activé le {day(sheet.on)}"
    top = text_box(slide, top, width, [(subtitle, 11, GREY, False)])
    top = _cell_table(slide, top + int(Inches(0.1)), sheet)
    volunteers = f"{sheet.volunteer_count} membre(s) volontaire(s) pour ce type de crise : voir la liste de contacts."
    lines: list[Line] = [("Premières actions", 13, NAVY, True)]
    for section, content in sheet.steps[:MAX_STEPS]:
        cut = content if len(content) <= STEP_CHARACTERS else content[: STEP_CHARACTERS - 1] + "…"
        lines += [(section, 10, NAVY, True), (cut, 9, None, False)]
    lines.append((volunteers, 9, GREY, False))
    text_box(slide, top + int(Inches(0.15)), width, lines)
    buffer = BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def _cell_table(slide: Slide, top: int, sheet: ReflexSheet) -> int:
    rows = [CELL_COLUMNS, *sheet.cell]
    return cell_table(slide, top, rows, [int(Inches(0.3))] * len(rows), 10)


def contacts_xlsx(contacts: pd.DataFrame) -> bytes:
    """The contact list of an activation as a workbook (every text through `reports.cells`)."""
    return table_bytes(contacts, "Contacts")
