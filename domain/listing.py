"""Long lists a page at a time: a search over the columns a page names (case and accents ignored), a sort
over the whole set, then the rows of one page. Pure: DataFrames in, DataFrames out.

    rows = searched(frame, "dupont issy", ("Nom", "Commune"))   every word found in one of the columns
    rows = sorted_rows(rows, "Commune", descending=False)        the whole set, empty cells last
    shown = page_rows(rows, Paging(page=2, size=50))            rows 51 to 100
    rows_text(Paging(2, 50), len(rows))                         "lignes 51–100 sur 9 000"
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from domain.french import number

PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
_ACCENTS = "[\u0300-\u036f]"  # the combining accents NFKD splits off ("é" -> "e" + U+0301)
_COMBINING = re.compile(_ACCENTS)


def folded(text: str) -> str:
    """Text as a search compares it: case and accents ignored ("Éloïse" -> "eloise")."""
    return _COMBINING.sub("", unicodedata.normalize("NFKD", text)).casefold()


def folded_column(column: pd.Series) -> pd.Series:
    """`folded` on every cell (empty cells as ""), lists joined with ", "; vectorised (pyarrow), about 30 ms
    for 50 000 names."""
    return pd.Series(_folded_array(column), index=column.index, dtype="str")


def _folded_array(column: pd.Series) -> pa.Array:
    if column.dtype == object:
        column = column.map(lambda cell: ", ".join(map(str, cell)) if isinstance(cell, list | tuple) else cell)
    text = pa.array(column.astype("str").fillna(""), type=pa.string())
    return pc.utf8_lower(pc.replace_substring_regex(pc.utf8_normalize(text, "NFKD"), _ACCENTS, ""))


def searched(frame: pd.DataFrame, query: str, columns: Sequence[str]) -> pd.DataFrame:
    """The rows where every word of `query` is found in one of `columns` (case and accents ignored); all the
    rows when the query is blank."""
    words = folded(query).split()
    if not words or frame.empty:
        return frame
    folded_columns = [_folded_array(frame[column]) for column in columns]
    keep = pa.array([True] * len(frame))
    for word in words:
        found = functools.reduce(pc.or_, (pc.match_substring(column, word) for column in folded_columns))
        keep = pc.and_(keep, found)
    kept: pd.DataFrame = frame[keep.to_numpy(zero_copy_only=False)]  # a boolean mask's rows, Any to pandas-stubs
    return kept


def sorted_rows(frame: pd.DataFrame, column: str | None, descending: bool = False) -> pd.DataFrame:
    """The whole set sorted on `column` (text with case and accents ignored), ties kept in their order and
    empty cells last; unchanged when `column` is None (the page's own order)."""
    if column is None or frame.empty:
        return frame
    try:
        return frame.sort_values(column, ascending=not descending, kind="stable", na_position="last", key=_sort_key)
    except TypeError:  # values that do not compare (a number beside a text): compared as texts
        return frame.sort_values(column, ascending=not descending, kind="stable", na_position="last", key=_as_text)


def _as_text(column: pd.Series) -> pd.Series:
    return folded_column(column.map(str)).where(column.notna())


def _sort_key(column: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_datetime64_any_dtype(column):
        return column
    if column.dtype == object and not column.dropna().map(lambda cell: isinstance(cell, str | list | tuple)).all():
        return column  # dates, mixed values: as they compare
    return folded_column(column).where(column.notna())


@dataclass(frozen=True)
class Paging:
    """One page of a list: its number (from 1) and how many rows a page holds."""

    page: int = 1
    size: int = DEFAULT_PAGE_SIZE

    def within(self, total: int) -> Paging:
        """The same page if it exists for `total` rows, else the nearest one (the first or the last)."""
        return Paging(min(max(self.page, 1), page_count(total, self.size)), self.size)

    @property
    def start(self) -> int:
        """The position of the page's first row (from 0)."""
        return (self.page - 1) * self.size


def page_count(total: int, size: int) -> int:
    """How many pages `total` rows make, at least 1 (an empty list has one, empty, page)."""
    return max(1, -(-total // size))


def page_rows(frame: pd.DataFrame, paging: Paging) -> pd.DataFrame:
    """The rows of `paging`'s page (of the nearest page that exists)."""
    start = paging.within(len(frame)).start
    return frame.iloc[start : start + paging.size]


def rows_text(paging: Paging, total: int, noun: str = "lignes") -> str:
    """ "lignes 51–100 sur 9 000" (French thousands); "aucune ligne" for an empty list."""
    if total == 0:
        return "aucune ligne"
    shown = paging.within(total)
    last = min(shown.start + shown.size, total)
    return f"{noun} {number(shown.start + 1)}–{number(last)} sur {number(total)}"
