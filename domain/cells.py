"""One DataFrame cell (as `store.records.to_frame` types it) read back as a plain Python value, None if empty."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

# A cell: whatever a frame holds (int, numpy number, str, Timestamp, NA, a list...). Any, not object: int(),
# float() and pd.Timestamp() take only some of these, and a cell of another kind is a bug they raise on.
Cell = Any


def text(value: Cell) -> str | None:
    return None if _empty(value) else str(value)


def integer(value: Cell) -> int | None:
    return None if _empty(value) else int(value)


def identifier(value: Cell) -> int:
    """A cell that is never empty (an Id, a link already checked): its int; ValueError if it is empty."""
    number = integer(value)
    if number is None:
        raise ValueError(f"empty cell where an Id is expected: {value!r}")
    return number


def real(value: Cell) -> float | None:
    return None if _empty(value) else float(value)


def day(value: Cell) -> date | None:
    if type(value) is date:
        return value
    if _empty(value):
        return None
    if isinstance(value, datetime):  # a Timestamp too (NaT, also a datetime, is empty)
        return value.date()
    import pandas as pd  # loaded only when a cell is read as a day: `./cpts match` needs no pandas

    return pd.Timestamp(value).date()


def flag(value: Cell) -> bool:
    return False if _empty(value) else bool(value)


PLAIN = {str, int, bool, date, datetime, list, tuple}  # exact types never empty for pandas either


def _empty(value: Cell) -> bool:
    if value is None:
        return True
    if type(value) in PLAIN:
        return False
    if isinstance(value, float):
        return value != value  # NaN
    import pandas as pd  # NA, NaT, numpy numbers: values of a frame, pandas is loaded

    return bool(pd.isna(value))
