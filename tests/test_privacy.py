"""Small patient counts are masked on board pages; numbers are written the French way."""

from __future__ import annotations

from datetime import date
from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.french import day, euros, long_day, number, percent
from domain.privacy import Protected, mask_small, protect_counts


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


def test_a_single_small_count_takes_the_smallest_other_with_it() -> None:
    protected = protect_counts([44, 27, 3, 9])
    assert protected.cells == ("44", "27", "< 5", "masqué")  # 9 hidden: total - 44 - 27 would give the 3 away
    assert protected.total == "83" and not protected.total_hidden
    assert protected.value(0, 44) == 44 and protected.value(2, 3) is None and protected.value(3, 9) is None


def test_small_counts_adding_up_to_five_or_more_are_enough() -> None:
    protected = protect_counts([44, 3, 2, 1])
    assert protected.cells == ("44", "< 5", "< 5", "< 5") and protected.total == "50"


def test_counts_that_could_only_be_fours_are_not_left_alone() -> None:
    assert protect_counts([4, 4, 30]).cells == ("< 5", "< 5", "masqué")  # 8 = 4 + 4: each would be known
    alone = protect_counts([4, 4])
    assert alone.cells == ("< 5", "< 5") and alone.total == "masqué" and alone.total_hidden


def test_totals_below_five_and_given_totals() -> None:
    assert protect_counts([3]).total == "< 5"
    assert protect_counts([]).total == "< 5"
    assert protect_counts([10, 20]) == Protected(("10", "20"), "30", (False, False), False)
    assert protect_counts([12, 8], total=15).total == "15"  # e.g. distinct patients of two pathways


def possible_values(counts: list[int], protected: Protected) -> list[set[int]]:
    """Every value a reader could give each masked count, knowing the shown counts, the total and the rule."""
    masked = [i for i, flag in enumerate(protected.hidden) if flag]
    residue = sum(counts[i] for i in masked)
    ranges = [range(0, 5) if protected.cells[i] == "< 5" else range(5, residue + 1) for i in masked]
    seen: list[set[int]] = [set() for _ in masked]
    for values in product(*ranges):
        if sum(values) == residue:
            for found, value in zip(seen, values, strict=True):
                found.add(value)
    return seen


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=14), min_size=1, max_size=5))
def test_no_masked_count_can_be_worked_out_from_a_shown_total(counts: list[int]) -> None:
    protected = protect_counts(counts)
    for count, cell, hidden in zip(counts, protected.cells, protected.hidden, strict=True):
        assert hidden == (cell in ("< 5", "masqué"))
        assert (cell == "< 5") == (count < 5)
    if any(protected.hidden) and not protected.total_hidden:
        assert sum(c for c, h in zip(counts, protected.hidden, strict=True) if h) >= 5
        assert all(len(values) > 1 for values in possible_values(counts, protected))


def test_long_french_dates() -> None:
    assert long_day(date(2026, 11, 23)) == "23 novembre 2026"
    assert long_day(date(2027, 3, 1)) == "1er mars 2027"
