"""The attendance sheet (feuille d'émargement) of a meeting: A4 portrait pages (a PPTX of one slide per page,
made PDF by `reports.pdf.pdf_from_pptx`, offline, as the crisis plan's fiche réflexe), one line per invited person
with their name, their profession and an empty box to sign."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from pptx import Presentation
from pptx.slide import Slide
from pptx.util import Inches

from domain.meetings import SheetLine
from reports.a4 import A4_HEIGHT, A4_WIDTH, GREY, MARGIN, NAVY, WIDTH, cell_table, text_box

LINES_PER_PAGE = 18
COLUMNS = ("Nom", "Profession", "Signature")
ROW_HEIGHT = Inches(0.48)


@dataclass(frozen=True)
class SheetHeading:
    cpts_name: str
    title: str
    kind: str
    when: str  # « mardi 3 mars 2026, 19:00–21:00 »
    place: str


def attendance_pptx(heading: SheetHeading, lines: list[SheetLine]) -> bytes:
    """The sheet, LINES_PER_PAGE lines a page (one page with the empty table when nobody is invited)."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = A4_WIDTH, A4_HEIGHT
    prs.core_properties.title = f"{heading.cpts_name} · Feuille d'émargement · {heading.title}"
    prs.core_properties.language = "fr-FR"
    pages = [lines[start : start + LINES_PER_PAGE] for start in range(0, len(lines), LINES_PER_PAGE)] or [[]]
    for number, page in enumerate(pages, start=1):
        slide = prs.slides.add_slide(prs.slide_layouts[6])  # blank
        top = _heading(slide, heading, f"page {number} / {len(pages)}")
        _table(slide, top + int(Inches(0.15)), page)
    buffer = BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def _heading(slide: Slide, heading: SheetHeading, page: str) -> int:
    top = text_box(slide, int(MARGIN), WIDTH, [("FEUILLE D'ÉMARGEMENT", 18, NAVY, True)])
    return text_box(
        slide,
        top,
        WIDTH,
        [
            (heading.title, 14, None, True),
            (f"{heading.kind} · {heading.when}", 11, None, False),
            (f"{heading.place} · {heading.cpts_name} · {page}", 10, GREY, False),
        ],
    )


def _table(slide: Slide, top: int, lines: list[SheetLine]) -> None:
    rows = [COLUMNS, *((line.name, line.profession, "") for line in lines)]
    cell_table(slide, top, rows, [int(Inches(0.3)), *[int(ROW_HEIGHT)] * len(lines)], 11)
