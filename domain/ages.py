"""A patient's age in whole years, the one way every figure computes it: from the birth date, or, once a
purge has emptied it (see `domain.retention`), from the 5-year band kept in « Tranche d'âge ».

A band is the age on the request date; its youngest age stands for the age: "70–74 ans" counts as 70,
so a purged patient of band "70–74 ans" is still "70 ans et plus", and one of band "65–69 ans" is not.
"""

from __future__ import annotations

import re
from datetime import date

BAND_YEARS = 5
OLDEST_BAND = 95  # "95 ans et plus"


def years_between(start: date, end: date) -> int:
    """Whole years from `start` to `end`: an age (75 the day before the 76th birthday)."""
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def age_band(birth: date | None, on: date | None) -> str | None:
    """ "70–74 ans" for someone aged 72 on `on`; "95 ans et plus"; None without both dates."""
    if birth is None or on is None:
        return None
    start = min(max(years_between(birth, on), 0) // BAND_YEARS * BAND_YEARS, OLDEST_BAND)
    return f"{OLDEST_BAND} ans et plus" if start >= OLDEST_BAND else f"{start}–{start + BAND_YEARS - 1} ans"


def band_start(band: str | None) -> int | None:
    """The youngest age of a band ("70–74 ans" -> 70): what figures use once the birth date is gone."""
    match = re.match(r"\s*(\d+)", band or "")
    return int(match[1]) if match else None


def age_on(birth_date: date | None, band: str | None, day: date) -> int | None:
    """Age on `day` from the birth date; without it, the youngest age of the band; None when neither is known."""
    if birth_date is not None:
        return years_between(birth_date, day)
    return band_start(band)
