"""Charts drawn on the server as SVG images (vl-convert), the one way pages show an Altair chart:

    show(chart, alt_text="Accès par jour")               the chart, as wide as its column
    show(chart, alt_text="…", width=HALF)                drawn for a column half the page wide
    show(drawing(chart, HALF), alt_text="…")            the same, its spec made once (kept per data version)
    alt.X("count:Q", axis=count_axis(frame["count"]))    an axis of counts: whole numbers only

`alt_text` says in French what the chart shows, for a screen reader or an image not loaded (never figures: a
masked figure must not be read where the drawing shows a range).

Why an image (issue 13): the browser draws a Vega-Lite chart itself, which costs it about 45 ms of CPU a chart
on the bench's machine (compiling the spec, running Vega, drawing the canvas), against about 6 ms for an
image; twenty coordinators pay that on every display. The server draws each chart once: the SVG is kept by
its spec, shared by every session. What the browser receives is the drawing, not the chart's data (a masked
figure drawn as a range leaves no exact figure behind), and an image's text is never interpreted as HTML.
Numbers and dates are written the French way (`fr-FR`).
"""

from __future__ import annotations

import functools
import json
import math
import threading
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
import vl_convert

VEGA_LITE = "6.4"  # the Vega-Lite that altair 6 writes its specs for
WIDE, HALF = 900, 440  # pixels the chart is drawn for: the page, half of it (on a 1400-pixel screen)
INK, GRID = "#31333f", "#e6eaf1"  # Streamlit's text colour and a light grid
THEME: dict[str, Any] = {
    "font": "sans-serif",
    "view": {"stroke": None},
    "axis": {
        "labelColor": INK,
        "titleColor": INK,
        "labelFontSize": 12,
        "titleFontSize": 13,
        "titleFontWeight": "normal",
        "gridColor": GRID,
        "domainColor": GRID,
        "tickColor": GRID,
    },
    "legend": {"labelColor": INK, "titleColor": INK, "labelFontSize": 12, "titleFontSize": 13},
    "title": {"color": INK, "fontSize": 14},
}


@dataclass(frozen=True)
class Drawing:
    """A chart made ready to draw: its spec as JSON, for a width (`drawing`). Making it costs a few ms a chart
    (altair's `to_dict`): a page keeps one per version of its data (`views.common.per_version`) instead of
    making it again at every run."""

    spec: str


def drawing(chart: alt.TopLevelMixin, width: int = WIDE) -> Drawing:
    return Drawing(spec_of(chart, width))


def show(chart: alt.TopLevelMixin | Drawing, *, alt_text: str, width: int = WIDE) -> None:
    """The chart drawn for `width` pixels (its own width, if it sets one; a `Drawing` has its width already),
    scaled to its column; `alt_text`: what it shows, the image's text alternative."""
    made = chart if isinstance(chart, Drawing) else drawing(chart, width)
    st.image(svg(made.spec), width="stretch", alt=alt_text)


def spec_of(chart: alt.TopLevelMixin, width: int) -> str:
    """The chart's Vega-Lite spec as JSON (the key of the drawing kept), `width` pixels wide unless it says."""
    spec = chart.to_dict(validate=False)
    spec.setdefault("width", width)
    return json.dumps(spec, sort_keys=True, ensure_ascii=False, default=str)


def svg(spec: str) -> str:
    """The SVG drawing of a Vega-Lite spec (JSON), kept for every session (a few tens of ms to draw; the first
    drawing of the process also starts vl-convert's engine: `warm_up`). One drawing at a time: sessions opening
    the same page at once wait for the first one's drawing instead of each making it again."""
    with DRAWING:
        return drawn(spec)


DRAWING = threading.Lock()


@functools.lru_cache(maxsize=256)
def drawn(spec: str) -> str:
    return vl_convert.vegalite_to_svg(
        spec,
        vl_version=VEGA_LITE,
        config=THEME,
        allowed_base_urls=[],  # a spec's data is inline: nothing is fetched
        format_locale="fr-FR",
        time_format_locale="fr-FR",
    )


def count_axis(*counts: pd.Series, **properties: Any) -> alt.Axis:
    """The axis of a count of persons or events: whole numbers only. Vega steps its ticks by 0.5 when the
    largest count is 1 or 2, and `tickMinStep` does not prevent it (read "0, 1, 1"): up to
    there, the ticks are listed. `counts`: the columns drawn on that axis (bars and a line may share it)."""
    largest = max((float(column.max()) for column in counts if column.notna().any()), default=0.0)
    if largest < FEW:
        properties["values"] = list(range(math.ceil(largest) + 1))
    return alt.Axis(format=",d", tickMinStep=1, **properties)  # 10 000 (fr-FR)


FEW = 3  # from 3 on, Vega's own ticks are whole numbers


def bar_width(periods: int) -> float:
    """The width in pixels of a bar standing for one day or one week on a time axis spanning `periods` of them:
    most of its period however many are shown (Vega draws it a few pixels wide: nine weeks read as nine lines).
    The axis's scale leaves room for the first and last bars (padding, or a domain from half a period before)."""
    return max(1.0, 0.7 * PLOT / max(periods, 1))


PLOT = 760  # pixels of the plot in a chart drawn for the page (WIDE), its axis and legend aside
EUROS, SHARES = "$,.0f", "%"  # axis formats (Vega's, fr-FR): « 10 000 € », « 25 % »


def warm_up() -> None:
    """Starts vl-convert's engine (about half a second, once per process) before the first page needs it."""
    svg(spec_of(alt.Chart({"values": [{"x": 1}]}).mark_bar().encode(x="x:Q"), HALF))
