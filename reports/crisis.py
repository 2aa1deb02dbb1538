"""The files of a crisis-plan activation: the one-page « fiche réflexe » (a one-slide A4 PPTX, made PDF by
`reports.pdf.pdf_from_pptx`, offline) and the contact list (XLSX through `reports.table`, formulas neutralised)."""

from __future__ import annotations

from io import BytesIO

import pandas as pd
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from domain.crisis import ReflexSheet
from domain.french import day
from reports.table import table_bytes

FONT = "Arial"
NAVY = RGBColor(0x1F, 0x3A, 0x5F)
RED = RGBColor(0xC9, 0x2A, 0x2A)
GREY = RGBColor(0x5C, 0x66, 0x70)
A4_WIDTH, A4_HEIGHT = Inches(8.27), Inches(11.69)
MARGIN = Inches(0.5)
STEP_CHARACTERS = 420  # a section's text is cut beyond this, and at most MAX_STEPS sections: the sheet stays one page
MAX_STEPS = 9
CELL_COLUMNS = ("Rôle", "Référent", "Suppléant", "Téléphone 24h/24")
Line = tuple[str, int, RGBColor | None, bool]  # text, size (points), colour (None: the default), bold


def reflex_pptx(sheet: ReflexSheet) -> bytes:
    """The fiche réflexe as a one-slide A4 portrait presentation."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = A4_WIDTH, A4_HEIGHT
    prs.core_properties.title = f"{sheet.cpts_name} · Fiche réflexe · {sheet.kind.label}"
    prs.core_properties.language = "fr-FR"
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
    width = int(A4_WIDTH) - 2 * int(MARGIN)
    top = _text(slide, int(MARGIN), width, [(f"FICHE RÉFLEXE · {sheet.kind.label.upper()}", 20, RED, True)])
    subtitle = f"{sheet.cpts_name} · plan de crise activé le {day(sheet.on)}"
    top = _text(slide, top, width, [(subtitle, 11, GREY, False)])
    top = _cell_table(slide, top + int(Inches(0.1)), width, sheet)
    volunteers = f"{sheet.volunteer_count} membre(s) volontaire(s) pour ce type de crise : voir la liste de contacts."
    lines: list[Line] = [("Premières actions", 13, NAVY, True)]
    for section, content in sheet.steps[:MAX_STEPS]:
        cut = content if len(content) <= STEP_CHARACTERS else content[: STEP_CHARACTERS - 1] + "…"
        lines += [(section, 10, NAVY, True), (cut, 9, None, False)]
    lines.append((volunteers, 9, GREY, False))
    _text(slide, top + int(Inches(0.15)), width, lines)
    buffer = BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def _text(slide: Slide, top: int, width: int, lines: list[Line]) -> int:
    """A text box of `lines` (text, size, colour, bold) at `top`; the top of what comes under it."""
    height = sum(int(Pt(size * 1.5)) * (1 + len(text) // 110) for text, size, _, _ in lines)
    box = slide.shapes.add_textbox(Emu(int(MARGIN)), Emu(top), Emu(width), Emu(height))
    frame = box.text_frame
    frame.word_wrap = True
    for number, (text, size, colour, bold) in enumerate(lines):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = text
        run.font.size, run.font.bold, run.font.name = Pt(size), bold, FONT
        if colour is not None:
            run.font.color.rgb = colour
    return top + height


def _cell_table(slide: Slide, top: int, width: int, sheet: ReflexSheet) -> int:
    row_height = int(Inches(0.3))
    rows = [CELL_COLUMNS, *sheet.cell]
    shape = slide.shapes.add_table(len(rows), len(CELL_COLUMNS), Emu(int(MARGIN)), Emu(top), Emu(width), Emu(0))
    for r, values in enumerate(rows):
        shape.table.rows[r].height = Emu(row_height)
        for c, value in enumerate(values):
            cell = shape.table.cell(r, c)
            cell.text = value
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size, run.font.name, run.font.bold = Pt(10), FONT, r == 0
    return top + row_height * len(rows)


def contacts_xlsx(contacts: pd.DataFrame) -> bytes:
    """The contact list of an activation as a workbook (every text through `reports.cells`)."""
    return table_bytes(contacts, "Contacts")
