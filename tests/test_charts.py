"""Charts are drawn on the server as SVG images (`views.charts`): what is typed in NocoDB is written in them as
text, never interpreted; numbers are written the French way; a spec is drawn once."""

from __future__ import annotations

import altair as alt
import pandas as pd
from apptest import SVG_TEXT, SVG_URL
from streamlit.testing.v1 import AppTest

from views import charts

HOSTILE = "<script>alert(1)</script> **gras** [lien](https://exemple.invalid) & co"


def drawing(frame: pd.DataFrame) -> str:
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(x=alt.X("count:Q", title="Membres"), y=alt.Y("name:N", title=None, axis=alt.Axis(labelLimit=0)))
    )
    return charts.svg(charts.spec_of(chart, charts.HALF))


def test_typed_text_is_written_as_text_never_markup() -> None:
    svg = drawing(pd.DataFrame({"name": [HOSTILE, "Médecin"], "count": [3, 12]}))
    assert "<script" not in svg and "&lt;script&gt;" in svg
    texts = SVG_TEXT.findall(svg)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **gras** [lien](https://exemple.invalid) &amp; co" in texts
    assert "Médecin" in texts and "Membres" in texts


def test_numbers_are_written_the_french_way() -> None:
    texts = SVG_TEXT.findall(drawing(pd.DataFrame({"name": ["a", "b"], "count": [1200, 12_500]})))
    assert "10\u00a0000" in texts  # an axis tick: 10 000, not 10,000


def ticks(counts: list[float | None]) -> list[str]:
    """The labels of the value axis of bars drawn for `counts` on a count axis (`charts.count_axis`)."""
    frame = pd.DataFrame({"name": [f"n{i}" for i in range(len(counts))], "count": counts})
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(x=alt.X("count:Q", title="Accès", axis=charts.count_axis(frame["count"])), y=alt.Y("name:N", axis=None))
    )
    return [text for text in SVG_TEXT.findall(charts.svg(charts.spec_of(chart, charts.HALF))) if text != "Accès"]


def test_a_count_is_never_read_on_a_half_tick() -> None:
    assert ticks([1, 0, 1]) == ["0", "1"]  # Vega's own ticks were 0, 0.5, 1: read "0, 1, 1"
    assert ticks([2, None, 1]) == ["0", "1", "2"]  # a masked count (None) is not drawn
    assert ticks([0, 0]) == ["0"] and ticks([None]) == ["0"]
    assert ticks([3, 1]) == ["0", "1", "2", "3"]
    large = ticks([4000, 12])  # Vega's own ticks, whole already
    assert "4\u00a0000" in large and len(set(large)) == len(large)


def test_a_spec_is_drawn_once_and_kept() -> None:
    frame = pd.DataFrame({"name": ["a"], "count": [1]})
    assert drawing(frame) is drawing(frame)


def test_the_drawing_takes_the_width_asked_unless_the_chart_sets_one() -> None:
    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_bar().encode(x="x:Q")
    assert f'"width": {charts.HALF}' in charts.spec_of(chart, charts.HALF)
    assert '"width": 300' in charts.spec_of(chart.properties(width=300), charts.HALF)


def test_a_chart_says_what_it_shows_as_its_text_alternative() -> None:
    def page() -> None:
        import altair as alt
        import pandas as pd

        from views import charts

        charts.show(alt.Chart(pd.DataFrame({"x": [1]})).mark_bar().encode(x="x:Q"), alt_text="Accès par jour")

    app = AppTest.from_function(page).run()
    [image] = [image for element in app.get("image") for image in element.proto.imgs]
    assert image.alt == "Accès par jour" and image.url.startswith(SVG_URL)
