"""Présentation AG (board): the annual general meeting's slide deck made from live data, previewed slide by slide,
downloaded as PowerPoint (editable charts) or PDF. Aggregates only: nothing is traced in the access journal."""

from __future__ import annotations

import functools
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from domain.ag.slides import Chart, DeckData, Slide
from domain.french import CELL_EUROS, CELL_PERCENT
from domain.parameters import AG_DATE, LOGO
from errors import CptsError
from reports.deck import deck_bytes
from reports.pdf import PdfError, pdf_from_pptx, png_pages
from views import charts, tables
from views.board_data import header, made_deck, year_picker
from views.common import plain, show_error, show_problems

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
PDF_KEY = "ag_pdf_for"  # session key: the deck whose PDF was asked for
SLIDE_KEY = "ag_slide"  # session key: the slide previewed
ALL, ALL_LABEL = -1, "Toutes les diapositives"
DECK_NOTE = (
    "Chiffres agrégés, sans donnée nominative : effectifs de personnes inférieurs à 5 affichés « < 5 », et ce qui "
    "permettrait de les retrouver par différence « masqué »."
)


@functools.lru_cache(maxsize=4)
def deck_file(deck: DeckData) -> bytes:
    """The deck's PowerPoint file (about a second of charts to write): made when downloaded or converted, kept
    for the last decks (shared by every session)."""
    return deck_bytes(deck)


@st.cache_data(max_entries=4, show_spinner=False)
def rendered(deck_key: int, _pptx: bytes) -> tuple[bytes, list[bytes]]:
    """The PDF of a deck and its pages as PNG images (LibreOffice takes a few seconds: kept per deck)."""
    pdf = pdf_from_pptx(_pptx)
    return pdf, png_pages(pdf, dpi=72)


def downloads(deck: DeckData) -> tuple[bytes, list[bytes]] | None:
    """The two download buttons; the PowerPoint file is made when downloaded, the PDF on demand. Returns the PDF
    and its pages once made."""
    key = hash(deck)
    left, right = st.columns(2)
    left.download_button(
        "Télécharger le PowerPoint (.pptx)",
        data=lambda: deck_file(deck),
        file_name=f"presentation-ag-{deck.year}.pptx",
        mime=PPTX_MIME,
        icon=":material/slideshow:",
        width="stretch",
        help="Graphiques natifs : le bureau peut les retoucher dans PowerPoint ou LibreOffice.",
    )
    with right:
        if st.session_state.get(PDF_KEY) != key:
            if not st.button(
                "Créer le PDF et l'aperçu des diapositives", icon=":material/picture_as_pdf:", width="stretch"
            ):
                return None
            st.session_state[PDF_KEY] = key
        try:
            with st.spinner("Conversion en PDF avec LibreOffice…"):
                pdf, pages = rendered(key, deck_file(deck))
        except PdfError as error:
            st.session_state.pop(PDF_KEY, None)
            st.error(plain(str(error)), icon=":material/error:")
            return None
        st.download_button(
            "Télécharger le PDF",
            data=pdf,
            file_name=f"presentation-ag-{deck.year}.pdf",
            mime="application/pdf",
            icon=":material/download:",
            width="stretch",
        )
    return pdf, pages


def slide_preview(slide: Slide, number: int) -> None:
    """One slide's content as the deck shows it (before the PDF is made)."""
    with st.container(border=True):
        st.markdown(f"**{number:d}. {plain(slide.title)}**")
        if slide.subtitle:
            st.caption(plain(slide.subtitle))
        if slide.figures:
            for column, figure in zip(st.columns(len(slide.figures)), slide.figures, strict=True):
                column.metric(plain(figure.label), figure.value, help=plain(figure.detail) or None)
        if slide.message:
            st.info(plain(slide.message))
        if slide.table is not None:
            frame = pd.DataFrame(list(slide.table.rows), columns=list(slide.table.headers))
            tables.show(frame, hide_index=True, width="stretch")
        if slide.chart is not None:
            chart = slide.chart
            st.caption(plain(chart.title))
            charts.show(slide_chart(chart), alt_text=chart.title)
            if chart.note:
                st.caption(plain(chart.note))
        if slide.footnote:
            st.caption(plain(slide.footnote))


def slide_chart(chart: Chart) -> alt.Chart:
    """The slide's chart as the deck draws it: bars per category in the deck's order, one colour per series,
    stacked or side by side; a masked value (None) is left out."""
    names = [series.name for series in chart.series]
    rows = [
        {"category": category, "series": series.name, "value": value}
        for series in chart.series
        for category, value in zip(chart.categories, series.values, strict=True)
        if value is not None
    ]
    frame = pd.DataFrame(rows, columns=["category", "series", "value"])
    category: dict[str, Any] = {"shorthand": "category:N", "sort": list(chart.categories), "title": None}
    scale = alt.Scale() if chart.maximum is None else alt.Scale(domainMax=chart.maximum)
    value: dict[str, Any] = {
        "shorthand": "value:Q",
        "title": None,
        "stack": "zero" if chart.stacked else None,
        "axis": value_axis(chart, frame),
    }
    side_by_side = not chart.stacked and len(names) > 1
    encoding: dict[str, Any] = {
        "color": alt.Color("series:N", sort=names, legend=alt.Legend(orient="bottom", title=None))
    }
    if chart.horizontal:
        encoding |= {"y": alt.Y(**category, axis=alt.Axis(labelLimit=260)), "x": alt.X(**value, scale=scale)}
        if side_by_side:
            encoding["yOffset"] = alt.YOffset("series:N", sort=names)
        height: alt.Step | int = alt.Step(14 * len(names) if side_by_side else 28)
    else:
        encoding |= {"x": alt.X(**category, axis=alt.Axis(labelAngle=0)), "y": alt.Y(**value, scale=scale)}
        if side_by_side:
            encoding["xOffset"] = alt.XOffset("series:N", sort=names)
        height = 280
    return alt.Chart(frame).mark_bar().encode(**encoding).properties(height=height)


def value_axis(chart: Chart, frame: pd.DataFrame) -> alt.Axis:
    """The value axis written as the deck writes the values: shares in %, euros, or whole counts (stacked bars:
    their totals reach the axis's end)."""
    if chart.number_format in AXIS_FORMATS:
        return alt.Axis(format=AXIS_FORMATS[chart.number_format])
    reached = frame.groupby("category")["value"].sum() if chart.stacked else frame["value"]
    return charts.count_axis(reached)


AXIS_FORMATS = {CELL_PERCENT: charts.SHARES, CELL_EUROS: charts.EUROS}  # the deck's cell formats, on an axis


def main() -> None:
    name = header("Présentation AG", "diaporama de l'assemblée générale, chiffres lus en direct dans NocoDB")
    year = year_picker("Année d'activité présentée")
    try:
        deck = made_deck(year, name)
    except CptsError as error:
        show_error(error)
    show_problems(list(deck.problems), "Ces valeurs sont laissées de côté dans la présentation")
    st.markdown(
        f"**{plain(deck.cpts_name)}** · {plain(deck.title)} · activité {deck.year:d} · {len(deck.slides) + 1} diapositives. "
        f"Date et logo : lignes « {AG_DATE.key} » (AAAA-MM-JJ) et « {LOGO.key} » de la table Paramètres."
    )
    made = downloads(deck)
    st.caption(DECK_NOTE)
    st.subheader("Aperçu", anchor=False)
    if made is not None:
        pages = made[1]
        for start in range(0, len(pages), 2):
            for offset, (column, page) in enumerate(zip(st.columns(2), pages[start : start + 2], strict=False)):
                column.image(page, caption=f"Diapositive {start + offset + 1}", width="stretch")
        return
    chosen = slide_picker(deck)
    if chosen in (0, ALL):
        title_preview(deck)
    for number, slide in enumerate(deck.slides, start=2):
        if chosen in (number - 1, ALL):
            slide_preview(slide, number)


def slide_picker(deck: DeckData) -> int:
    """Which slide to preview (its index in the deck, the title slide first), or ALL: only the chosen part is
    drawn, as a deck of a dozen slides of charts and tables costs the browser seconds to draw at once."""
    titles = [deck.cpts_name, *(slide.title for slide in deck.slides)]
    labels = {index: f"{index + 1:d}. {title}" for index, title in enumerate(titles)} | {ALL: ALL_LABEL}
    chosen = st.selectbox("Diapositive", list(labels), format_func=labels.__getitem__, key=SLIDE_KEY)
    return int(chosen)


def title_preview(deck: DeckData) -> None:
    with st.container(border=True):
        st.markdown(f"**1. {plain(deck.cpts_name)}**")
        st.caption(f"{plain(deck.title)} · Rapport d'activité {deck.year:d}" + (" · avec logo" if deck.logo else ""))


main()
