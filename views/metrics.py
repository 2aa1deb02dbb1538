"""Key figures (`st.metric`) laid out on a page:

    grid(6, per_row=3)                          six columns, three a row: a figure each
    noted(column, "À payer", "17", "0 non appelées")   a figure with a note under it

A row of more than four figures cuts their labels in a 1400-pixel window (« Propositions > 15 j… »): `grid`
puts them on several rows. Streamlit writes a figure's delta with an arrow, which reads as a rise or a fall:
`noted` writes a note, grey and without an arrow.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator


def grid(count: int, per_row: int) -> list[DeltaGenerator]:
    """`count` columns, `per_row` a row (the last row maybe shorter, its columns as wide as the others)."""
    columns: list[DeltaGenerator] = []
    while len(columns) < count:
        columns += st.columns(per_row)
    return columns[:count]


def noted(column: DeltaGenerator, label: str, value: str | int, note: str) -> None:
    """`label` is Markdown to Streamlit: checked where `noted` is called (tests/test_escaping_lint.py)."""
    column.metric(label, value, note, delta_color="off", delta_arrow="off")
