"""Tables, the one way pages show rows (`st.dataframe`; `views.paging` for long lists):

    tables.show(frame, hide_index=True, width="stretch")     the rows, their missing text written blank

Streamlit writes a missing value as a grey « None », an English word in the middle of a French page: the text
columns' missing values are shown as "". Numeric columns keep theirs (written as text they would lose their
alignment and their sort). Any other option is `st.dataframe`'s, and so is what it returns (a selection).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st


def show(frame: pd.DataFrame, **options: Any) -> Any:
    return st.dataframe(blank_text(frame), **options)


def blank_text(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with its text columns' missing values as ""."""
    text = [c for c in frame.columns if is_text(frame[c]) and frame[c].isna().any()]
    return frame.assign(**{c: frame[c].fillna("") for c in text}) if text else frame


def is_text(column: pd.Series) -> bool:
    if isinstance(column.dtype, pd.StringDtype):
        return True
    return column.dtype == object and all(isinstance(value, str) for value in column.dropna())
