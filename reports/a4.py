"""One-page A4 portrait documents made as PPTX slides (then PDF by `reports.pdf.pdf_from_pptx`, offline): the
page's size and margin, a text box of styled lines, a table of text cells. Shared by the crisis plan's fiche
réflexe and the attendance sheet of a meeting."""

from __future__ import annotations

from collections.abc import Sequence

from pptx.dml.color import RGBColor
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

FONT = "Arial"
NAVY = RGBColor(0x1F, 0x3A, 0x5F)
RED = RGBColor(0xC9, 0x2A, 0x2A)
GREY = RGBColor(0x5C, 0x66, 0x70)
A4_WIDTH, A4_HEIGHT = Inches(8.27), Inches(11.69)
MARGIN = Inches(0.5)
WIDTH = int(A4_WIDTH) - 2 * int(MARGIN)  # between the margins
Line = tuple[str, int, RGBColor | None, bool]  # text, size (points), colour (None: the default), bold


def text_box(slide: Slide, top: int, width: int, lines: list[Line]) -> int:
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


def cell_table(slide: Slide, top: int, rows: Sequence[Sequence[str]], heights: Sequence[int], size: int) -> int:
    """A table of `rows` (the first one in bold) across the page at `top`, each row of its height; its bottom."""
    columns = len(rows[0])
    shape = slide.shapes.add_table(len(rows), columns, Emu(int(MARGIN)), Emu(top), Emu(WIDTH), Emu(0))
    for r, values in enumerate(rows):
        shape.table.rows[r].height = Emu(heights[r])
        for c, value in enumerate(values):
            cell = shape.table.cell(r, c)
            cell.text = value
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size, run.font.name, run.font.bold = Pt(size), FONT, r == 0
    return top + sum(heights)
