"""Small patient counts are masked on board pages; numbers are written the French way."""

from __future__ import annotations

from datetime import date

from domain.french import day, euros, number, percent
from domain.privacy import mask_small


def test_mask_small() -> None:
    assert [mask_small(n) for n in (0, 1, 4)] == ["< 5"] * 3
    assert mask_small(5) == "5"
    assert mask_small(12_345) == "12\u202f345"
    assert mask_small(None) == "—"


def test_french_formats() -> None:
    assert number(1234.5) == "1\u202f235"
    assert number(1234.25, decimals=1) == "1\u202f234,3"
    assert number(7.0, decimals=1) == "7"
    assert euros(287_000) == "287\u202f000\u202f€"
    assert percent(0.725) == "73\u202f%"
    assert percent(None) == "—"
    assert day(date(2026, 3, 1)) == "01/03/2026" and day(None) == ""
