"""One DataFrame cell (as `store.records.to_frame` types it) read back as a plain Python value, None if empty."""

from __future__ import annotations

from datetime import date

import pandas as pd


def text(value: object) -> str | None:
    return None if _empty(value) else str(value)


def integer(value: object) -> int | None:
    return None if _empty(value) else int(value)  # type: ignore[call-overload]


def real(value: object) -> float | None:
    return None if _empty(value) else float(value)  # type: ignore[arg-type]


def day(value: object) -> date | None:
    return None if _empty(value) else pd.Timestamp(value).date()  # type: ignore[arg-type]


def flag(value: object) -> bool:
    return False if _empty(value) else bool(value)


def _empty(value: object) -> bool:
    return value is None or (not isinstance(value, list | tuple) and bool(pd.isna(value)))
