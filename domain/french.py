"""Numbers, amounts, shares and dates written the French way (for pages, captions and exports)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

NARROW_SPACE = "\u202f"  # the thousands separator and the space before % and €


def number(value: float, decimals: int = 0) -> str:
    """1234.5 -> "1 235" (or "1 234,5" with decimals=1), halves rounded up; whole values show no decimals."""
    places = decimals if value != int(value) else 0
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{rounded:,.{places}f}".replace(",", NARROW_SPACE).replace(".", ",")


def euros(value: float) -> str:
    """87500 -> "87 500 €"."""
    return f"{number(value)}{NARROW_SPACE}€"


def between(low: str, high: str) -> str:
    """Two ends as written: "entre 12 300 € et 13 100 €", or one ("12 300 €") when they are written alike."""
    return low if low == high else f"entre {low} et {high}"


def euros_between(low: float, high: float) -> str:
    """(12300, 13100) -> "entre 12 300 € et 13 100 €"; one amount ("12 300 €") when both ends round to it."""
    return between(euros(low), euros(high))


def percents_between(low: float, high: float) -> str:
    """(0.4, 0.6) -> "entre 40 % et 60 %"; one share ("40 %") when both ends round to it."""
    return between(percent(low), percent(high))


def percent(share: float | None) -> str:
    """0.725 -> "73 %"; None -> "—"."""
    if share is None:
        return "—"
    return f"{number(share * 100)}{NARROW_SPACE}%"


def day(value: date | None) -> str:
    """date(2026, 3, 1) -> "01/03/2026"; None -> ""."""
    return "" if value is None else f"{value:%d/%m/%Y}"


MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
SHORT_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


def long_day(value: date) -> str:
    """date(2026, 11, 23) -> "23 novembre 2026"; the first of the month is "1er"."""
    first = "1er" if value.day == 1 else str(value.day)
    return f"{first} {MONTHS[value.month - 1]} {value.year}"


# Number formats of spreadsheet cells and chart labels, French whatever the reader's locale: "1 234", "1 234 €", "73 %".
CELL_INTEGER = f'#"{NARROW_SPACE}"##0'
CELL_EUROS = f'#"{NARROW_SPACE}"##0"{NARROW_SPACE}€"'
CELL_PERCENT = f'0"{NARROW_SPACE}"%'
