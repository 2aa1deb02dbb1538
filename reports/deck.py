"""The AG presentation as a PowerPoint file (python-pptx), from the plain `domain.ag.slides.DeckData`.

Charts are native PowerPoint charts (their data is in the file, editable), not pictures. One layout for every
slide: title and subtitle, key figures as cards, then a table or a chart, a footnote, and the CPTS and AG date
in the footer; speaker notes recall the figures and their source.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import IO, Any, cast

from pptx import Presentation
from pptx.chart.chart import Chart as PptxChart
from pptx.chart.data import CategoryChartData
from pptx.chart.xlsx import CategoryWorkbookWriter
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.presentation import Presentation as PptxPresentation
from pptx.shapes.autoshape import Shape
from pptx.slide import Slide as PptxSlide
from pptx.text.text import _Run
from pptx.util import Emu, Inches, Length, Pt, lazyproperty
from xlsxwriter import Workbook  # type: ignore[import-untyped]

from domain.ag.slides import Chart, DeckData, KeyFigure, Slide, Table
from domain.french import day

FONT = "Arial"  # Liberation Sans (same metrics) where Arial is absent, e.g. LibreOffice on Debian
NAVY = RGBColor(0x1F, 0x3A, 0x5F)
BLUE = RGBColor(0x1C, 0x7E, 0xD6)
LIGHT = RGBColor(0xEE, 0xF3, 0xFA)
BAND = RGBColor(0xF6, 0xF8, 0xFB)
GREY = RGBColor(0x5C, 0x66, 0x70)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
SERIES_COLOURS = (BLUE, RGBColor(0x74, 0xC0, 0xFC), RGBColor(0x2F, 0x9E, 0x44))
WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)
CONTENT_TOP, CONTENT_BOTTOM = Inches(1.55), Inches(6.45)
GAP = Inches(0.25)
SOURCE_NOTE = "Chiffres lus en direct dans NocoDB le {day}, agrégés, sans donnée nominative ; effectifs < 5 masqués."


@dataclass(frozen=True)
class Box:
    left: int
    top: int
    width: int
    height: int

    def emus(self) -> tuple[Length, Length, Length, Length]:
        """left, top, width, height as python-pptx takes them."""
        return Emu(self.left), Emu(self.top), Emu(self.width), Emu(self.height)


def deck_bytes(deck: DeckData) -> bytes:
    buffer = BytesIO()
    presentation(deck).save(buffer)
    return buffer.getvalue()


def save_deck(deck: DeckData, path: Path) -> None:
    """Write the PPTX to `path` through a temporary file, so that a failure leaves no half-written file."""
    temporary = path.with_name(f".{path.name}.tmp")
    presentation(deck).save(str(temporary))
    temporary.replace(path)


def presentation(deck: DeckData) -> PptxPresentation:
    prs = Presentation()
    prs.slide_width, prs.slide_height = WIDTH, HEIGHT
    prs.core_properties.title = f"{deck.cpts_name} · {deck.title}"
    prs.core_properties.author = deck.cpts_name
    prs.core_properties.language = "fr-FR"
    title_slide(prs, deck)
    total = len(deck.slides) + 1
    for number, slide in enumerate(deck.slides, start=2):
        content_slide(prs, deck, slide, number, total)
    return prs


# -- slides ------------------------------------------------------------------------------------------------


def blank(prs: PptxPresentation) -> PptxSlide:
    return prs.slides.add_slide(prs.slide_layouts[6])


def title_slide(prs: PptxPresentation, deck: DeckData) -> None:
    slide = blank(prs)
    band = rectangle(slide, Box(0, 0, WIDTH, Inches(4.9)), NAVY)
    band.shadow.inherit = False
    text_box(slide, Box(MARGIN, Inches(1.2), Inches(10.5), Inches(1.2)), deck.cpts_name, 40, WHITE, bold=True)
    text_box(slide, Box(MARGIN, Inches(2.55), Inches(10.5), Inches(0.8)), deck.title, 26, WHITE)
    text_box(slide, Box(MARGIN, Inches(3.4), Inches(10.5), Inches(0.6)), f"Rapport d'activité {deck.year}", 20, LIGHT)
    source = SOURCE_NOTE.format(day=day(deck.today))
    text_box(slide, Box(MARGIN, Inches(6.55), Inches(9.5), Inches(0.5)), source, 11, GREY)
    if deck.logo:
        logo(slide, deck.logo, Box(Inches(10.4), Inches(5.2), Inches(2.4), Inches(1.9)))
    notes(slide, f"{deck.cpts_name} : {deck.title}, activité {deck.year}. {source}")


def content_slide(prs: PptxPresentation, deck: DeckData, content: Slide, number: int, total: int) -> None:
    slide = blank(prs)
    rectangle(slide, Box(0, 0, WIDTH, Inches(0.12)), NAVY)
    text_box(slide, Box(MARGIN, Inches(0.3), WIDTH - 2 * MARGIN, Inches(0.7)), content.title, 26, NAVY, bold=True)
    if content.subtitle:
        text_box(slide, Box(MARGIN, Inches(0.95), WIDTH - 2 * MARGIN, Inches(0.45)), content.subtitle, 14, GREY)
    footer(slide, deck, number, total)
    if content.footnote:
        box = Box(MARGIN, Inches(6.5), WIDTH - 2 * MARGIN, Inches(0.4))
        text_box(slide, box, content.footnote, 10, GREY, italic=True)
    body(slide, content)
    source = SOURCE_NOTE.format(day=day(deck.today))
    notes(slide, "\n".join(part for part in (content.notes, content.footnote, source) if part))


def footer(slide: PptxSlide, deck: DeckData, number: int, total: int) -> None:
    top = Inches(6.98)
    left = f"{deck.cpts_name} · {deck.title}"
    text_box(slide, Box(MARGIN, top, Inches(9), Inches(0.35)), left, 10, GREY)
    page = text_box(
        slide, Box(WIDTH - MARGIN - Inches(2), top, Inches(2), Inches(0.35)), f"{number} / {total}", 10, GREY
    )
    page.text_frame.paragraphs[0].alignment = PP_ALIGN.RIGHT


def body(slide: PptxSlide, content: Slide) -> None:
    """Lay the key figures and the table, chart or message out in the content area."""
    area = Box(MARGIN, CONTENT_TOP, WIDTH - 2 * MARGIN, CONTENT_BOTTOM - CONTENT_TOP)
    figures = content.figures
    if content.chart is not None and content.table is None and figures and not content.message:
        column = Box(area.left, area.top, Inches(3.4), area.height)
        cards(slide, figures, column, vertical=True)
        chart(
            slide,
            content.chart,
            Box(area.left + column.width + GAP, area.top, area.width - column.width - GAP, area.height),
        )
        return
    if figures:
        row = Box(area.left, area.top, area.width, Inches(1.15))
        cards(slide, figures, row, vertical=False)
        area = Box(area.left, area.top + row.height + GAP, area.width, area.height - row.height - GAP)
    if content.message:
        message(slide, content.message, area)
    elif content.table is not None:
        table(slide, content.table, area)
    elif content.chart is not None:
        chart(slide, content.chart, area)


# -- pieces ------------------------------------------------------------------------------------------------


def rectangle(slide: PptxSlide, box: Box, colour: RGBColor, rounded: bool = False) -> Shape:
    shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE if rounded else MSO_SHAPE.RECTANGLE, *box.emus())
    shape.fill.solid()
    shape.fill.fore_color.rgb = colour
    shape.line.fill.background()
    shape.shadow.inherit = False
    if rounded:
        shape.adjustments[0] = 0.08
    return shape


def text_box(
    slide: PptxSlide,
    box: Box,
    value: str,
    size: float,
    colour: RGBColor,
    bold: bool = False,
    italic: bool = False,
) -> Shape:
    shape = slide.shapes.add_textbox(*box.emus())
    frame = shape.text_frame
    frame.word_wrap = True
    frame.margin_left = frame.margin_right = 0
    style(frame.paragraphs[0].add_run(), value, size, colour, bold, italic)
    return shape


def style(run: _Run, value: str, size: float, colour: RGBColor, bold: bool = False, italic: bool = False) -> None:
    run.text = value
    font = run.font
    font.name, font.size, font.bold, font.italic = FONT, Pt(size), bold, italic
    font.color.rgb = colour


def cards(slide: PptxSlide, figures: tuple[KeyFigure, ...], box: Box, vertical: bool) -> None:
    """One card per key figure: the value large, its label and detail below."""
    count = len(figures)
    if vertical:
        height = min(Inches(1.3), int((box.height - GAP * (count - 1)) / count))
        boxes = [Box(box.left, box.top + i * (height + GAP), box.width, height) for i in range(count)]
    else:
        width = int((box.width - GAP * (count - 1)) / count)
        boxes = [Box(box.left + i * (width + GAP), box.top, width, box.height) for i in range(count)]
    compact = vertical and count > 4
    for figure, place in zip(figures, boxes, strict=True):
        shape = rectangle(slide, place, LIGHT, rounded=True)
        frame = shape.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        frame.margin_left = frame.margin_right = Inches(0.18)
        frame.margin_top = frame.margin_bottom = Inches(0.05)
        first = frame.paragraphs[0]
        style(first.add_run(), figure.value, 22 if compact else 26, BLUE, bold=True)
        label = frame.add_paragraph()
        style(label.add_run(), figure.label, 12, NAVY, bold=True)
        if figure.detail:
            detail = frame.add_paragraph()
            style(detail.add_run(), figure.detail, 10, GREY)
        for paragraph in frame.paragraphs:
            paragraph.alignment = PP_ALIGN.LEFT


def table(slide: PptxSlide, content: Table, box: Box) -> None:
    rows, columns = len(content.rows) + 1, len(content.headers)
    dense = rows > 11
    row_height, size = (Inches(0.3), 10) if dense else (Inches(0.38), 11)
    shape = slide.shapes.add_table(rows, columns, Emu(box.left), Emu(box.top), Emu(box.width), Emu(row_height * rows))
    grid = shape.table
    total = sum(content.widths)
    for index, width in enumerate(content.widths):
        grid.columns[index].width = int(box.width * width / total)
    for r, values in enumerate([content.headers, *content.rows]):
        grid.rows[r].height = row_height
        for c, value in enumerate(values):
            cell = grid.cell(r, c)
            cell.fill.solid()
            cell.fill.fore_color.rgb = NAVY if r == 0 else (BAND if r % 2 == 0 else WHITE)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            cell.margin_left = cell.margin_right = Inches(0.08)
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            paragraph = cell.text_frame.paragraphs[0]
            paragraph.alignment = PP_ALIGN.RIGHT if c in content.numeric else PP_ALIGN.LEFT
            style(paragraph.add_run(), value, size, WHITE if r == 0 else NAVY, bold=r == 0)


class TextWorkbookWriter(CategoryWorkbookWriter):
    """python-pptx's writer of a chart's workbook (its editable data), every label written as text: XlsxWriter
    would make a formula of a name typed « =HYPERLINK(…) » and a link of one that is a web address."""

    @contextmanager
    def _open_worksheet(self, xlsx_file: IO[bytes]) -> Iterator[tuple[Any, Any]]:
        workbook = Workbook(xlsx_file, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
        yield workbook, workbook.add_worksheet()
        workbook.close()


class TextChartData(CategoryChartData):
    """A chart's data whose workbook holds its labels as text (`TextWorkbookWriter`)."""

    @lazyproperty
    def _workbook_writer(self) -> TextWorkbookWriter:
        return TextWorkbookWriter(self)


def chart(slide: PptxSlide, content: Chart, box: Box) -> None:
    """A native chart; horizontal bars list the first category on top."""
    data = TextChartData(number_format=content.number_format)
    # Bar charts draw from the bottom up: reversed, the first category and series read on top.
    flip = (lambda items: list(reversed(items))) if content.horizontal else list
    in_order = list if content.stacked else flip  # stacked, the first series lies against the axis
    data.categories = flip(content.categories)
    for series in in_order(content.series):
        data.add_series(series.name, flip(series.values))
    kind = {
        (True, False): XL_CHART_TYPE.BAR_CLUSTERED,
        (True, True): XL_CHART_TYPE.BAR_STACKED,
        (False, False): XL_CHART_TYPE.COLUMN_CLUSTERED,
        (False, True): XL_CHART_TYPE.COLUMN_STACKED,
    }[(content.horizontal, content.stacked)]
    height = box.height - (Inches(0.35) if content.note else 0)
    chart_box = Box(box.left, box.top, box.width, height)
    frame: Any = slide.shapes.add_chart(kind, *chart_box.emus(), cast(Any, data))  # a graphic frame holding it
    graph = frame.chart
    graph.font.name, graph.font.size, graph.font.color.rgb = FONT, Pt(12), NAVY
    graph.has_title = True
    graph.chart_title.text_frame.text = content.title
    style_title(graph)
    plot = graph.plots[0]
    plot.gap_width = 60
    if content.stacked:
        plot.overlap = 100
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.show_value = True
    labels.number_format, labels.number_format_is_linked = content.number_format, False
    labels.font.size = Pt(11)
    labels.position = XL_LABEL_POSITION.CENTER if content.stacked else XL_LABEL_POSITION.OUTSIDE_END
    for index, (series, given) in enumerate(zip(in_order(plot.series), content.series, strict=True)):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        if not given.labelled:
            series.data_labels.show_value = False
    values = graph.value_axis
    values.has_major_gridlines = True
    values.major_gridlines.format.line.color.rgb = RGBColor(0xDD, 0xE3, 0xEA)
    values.tick_labels.number_format, values.tick_labels.number_format_is_linked = content.number_format, False
    values.format.line.fill.background()
    if content.maximum is not None:
        values.maximum_scale = content.maximum
    categories = graph.category_axis
    categories.tick_labels.font.size = Pt(12)
    graph.has_legend = len(content.series) > 1
    if graph.has_legend:
        graph.legend.position, graph.legend.include_in_layout = XL_LEGEND_POSITION.BOTTOM, False
        graph.legend.font.size = Pt(12)
    if content.note:
        note = Box(box.left, box.top + height + Inches(0.05), box.width, Inches(0.3))
        text_box(slide, note, content.note, 10, GREY, italic=True)


def style_title(graph: PptxChart) -> None:
    for paragraph in graph.chart_title.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size, run.font.bold, run.font.name = Pt(14), True, FONT
            run.font.color.rgb = NAVY


def message(slide: PptxSlide, value: str, box: Box) -> None:
    shape = rectangle(slide, Box(box.left, box.top, box.width, Inches(1.2)), LIGHT, rounded=True)
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    frame.margin_left = Inches(0.3)
    style(frame.paragraphs[0].add_run(), value, 16, NAVY)


def logo(slide: PptxSlide, image: bytes, box: Box) -> None:
    """The logo fitted in `box` (aspect ratio kept), right-aligned."""
    picture = slide.shapes.add_picture(BytesIO(image), Emu(box.left), Emu(box.top))
    scale = min(box.width / picture.width, box.height / picture.height)
    picture.width, picture.height = Emu(int(picture.width * scale)), Emu(int(picture.height * scale))
    picture.left = Emu(box.left + box.width - picture.width)


def notes(slide: PptxSlide, value: str) -> None:
    frame = slide.notes_slide.notes_text_frame
    if frame is None:  # python-pptx's default template always has a notes placeholder
        raise AssertionError("the notes slide has no text frame")
    frame.text = value
