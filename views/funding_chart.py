"""Financement ACI's chart: the estimate's fixed and variable parts per mission, stacked, where a variable part
known only as a range (an indicator masked for the bureau) is drawn at its lowest, then the rest of the range in
grey. Drawn by `views.charts`; what it is given is what it draws (`funding`: the estimate as the role sees it)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from domain.funding import FundingEstimate

FIXED_COLOUR, VARIABLE_COLOUR, RANGE_COLOUR = "#1c7ed6", "#74c0fc", "#ced4da"
FIXED_PART, VARIABLE_PART = "Part fixe retenue", "Part variable retenue"
RANGE_PART = "Fourchette (indicateur masqué)"  # the rest of a variable part known only as a range


def funding_chart(funding: FundingEstimate) -> alt.Chart:
    """Stacked bars per mission: fixed part, variable part (its lowest where it is a range), then the rest of
    the range."""
    parts = []
    for m in funding.missions:
        (fixed_low, fixed_high), (low, high) = m.fixed_span, m.variable_span
        parts += [
            {"mission": m.mission, "part": FIXED_PART, "rank": 0, "amount": fixed_low},
            {"mission": m.mission, "part": VARIABLE_PART, "rank": 1, "amount": low},
        ]
        if m.masked:
            rest = fixed_high - fixed_low + high - low
            parts.append({"mission": m.mission, "part": RANGE_PART, "rank": 2, "amount": rest})
    names, colours = [FIXED_PART, VARIABLE_PART], [FIXED_COLOUR, VARIABLE_COLOUR]
    if funding.masked:
        names, colours = [*names, RANGE_PART], [*colours, RANGE_COLOUR]
    return (
        alt.Chart(pd.DataFrame(parts))
        .mark_bar()
        .encode(
            y=alt.Y("mission:N", sort=None, title=None, axis=alt.Axis(labelLimit=280, labelFontSize=13)),
            x=alt.X("sum(amount):Q", title="Euros", axis=alt.Axis(format=",.0f")),  # 10 000 (fr-FR)
            color=alt.Color(
                "part:N",
                scale=alt.Scale(domain=names, range=colours),
                sort=names,
                legend=alt.Legend(orient="top", title=None, labelLimit=320),
            ),
            order=alt.Order("rank:Q"),
        )
        .properties(height=alt.Step(30))
    )
