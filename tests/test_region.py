"""The regional table (`domain.region`): figures side by side and summed where nothing is masked; no masked count
can be recovered from the shown table (enumeration: every other dataset a reader cannot tell apart from the real
one); the région role's permissions."""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable
from dataclasses import replace

import pytest

from domain.access import BOARD, COORDINATOR, REGION, role_of
from domain.french import number
from domain.permissions import Action, can
from domain.privacy import HIDDEN, MASKED
from domain.region import (
    DELAY,
    ENROLLED,
    FOUND,
    FUNDING,
    MEMBERS,
    POPULATION,
    WAITING,
    CptsFigures,
    RegionTable,
    region_table,
)
from domain.region import (
    REGION as REGION_ROW,
)

YEAR = 2026


def cpts(name: str, members: int = 30, waiting: int = 40, found: int = 20, enrolled: int = 25) -> CptsFigures:
    return CptsFigures(
        name=name,
        population=10_000,
        members={"Infirmier": members},
        waiting=waiting,
        found=found,
        delays=tuple(range(found)),
        enrolled=enrolled,
        funding=(1000.0, 1000.0),
    )


def shown(table: RegionTable) -> tuple[object, ...]:
    """Everything a reader of the table sees (cells and professions; chart values follow the cells)."""
    return table.rows, table.professions


def test_nothing_masked_the_region_is_the_sum() -> None:
    figures = [cpts("A"), cpts("B", 12, 7, 9, 6), cpts("C", 50, 100, 35, 60)]
    table = region_table(figures, YEAR)
    assert table.rows[-1][0] == REGION_ROW and not table.masked
    assert table.column(MEMBERS).cells == ("30", "12", "50", "92")
    assert table.column(WAITING).cells == ("40", "7", "100", "147")
    assert table.column(FOUND).cells == ("20", "9", "35", "64")
    assert table.column(ENROLLED).cells == ("25", "6", "60", "91")
    assert table.column(POPULATION).cells[-1] == "30\u202f000"
    assert table.column(FUNDING).cells[-1] == "3\u202f000\u202f€"
    pooled = [*range(20), *range(9), *range(35)]  # the region's median: over all 64 patients, not of the medians
    assert table.column(DELAY).cells == ("10", "4", "17", number(statistics.median(pooled)))
    assert statistics.median(pooled) != statistics.median([9.5, 4, 17])
    assert table.professions == (("Infirmier", "92"),)


COLUMNS: dict[str, tuple[Callable[[CptsFigures], int], Callable[[CptsFigures, int], CptsFigures]]] = {
    WAITING: (lambda c: c.waiting, lambda c, n: replace(c, waiting=n)),
    ENROLLED: (lambda c: c.enrolled, lambda c, n: replace(c, enrolled=n)),
    MEMBERS: (lambda c: c.member_count, lambda c, n: replace(c, members={"Infirmier": n})),
}


def feasible_values(figures: list[CptsFigures], title: str) -> dict[int, set[int]]:
    """For each CPTS whose cell of `title` is masked: every value it may take in a dataset whose shown table is
    the same as the real one (the other masked cells free within what their mask says: 0-4, or 5 and more)."""
    get, put = COLUMNS[title]
    real = region_table(figures, YEAR)
    cells = real.column(title).cells
    masked = [i for i, cell in enumerate(cells[:-1]) if cell in (MASKED, HIDDEN)]
    ceiling = sum(get(c) for c in figures) + 10
    ranges = [range(0, 5) if cells[i] == MASKED else range(5, ceiling) for i in masked]
    found: dict[int, set[int]] = {i: set() for i in masked}
    for values in itertools.product(*ranges):
        other = list(figures)
        for i, value in zip(masked, values, strict=True):
            other[i] = put(other[i], value)
        if shown(region_table(other, YEAR)) == shown(real):
            for i, value in zip(masked, values, strict=True):
                found[i].add(value)
    return found


@pytest.mark.parametrize(
    "counts",
    [
        (3, 40, 12),  # one small count: another must be hidden, or the total gives it away
        (3, 2, 40, 12),  # two small ones adding up to less than 5
        (0, 1, 2, 30),  # three small ones
        (4, 6, 7),  # the smallest shown is hidden, the total too if need be
        (2, 3),  # everything small
        (1, 50, 60),
    ],
)
@pytest.mark.parametrize("title", list(COLUMNS))
def test_no_masked_count_can_be_recovered(counts: tuple[int, ...], title: str) -> None:
    _, put = COLUMNS[title]
    figures = [put(cpts(f"CPTS {i}"), n) for i, n in enumerate(counts)]
    table = region_table(figures, YEAR)
    cells = table.column(title).cells
    assert MASKED in cells, cells  # the case masks something
    for i, values in feasible_values(figures, title).items():
        assert COLUMNS[title][0](figures[i]) in values  # the real value is among them
        assert len(values) >= 2, f"{title} de {figures[i].name} ({cells[i]}) se déduit : {values} ({cells})"


def test_median_delay_shown_only_with_its_count() -> None:
    figures = [cpts("A", found=3), cpts("B", found=40), cpts("C", found=12)]
    table = region_table(figures, YEAR)
    found, delay = table.column(FOUND).cells, table.column(DELAY).cells
    for count, median in zip(found, delay, strict=True):
        assert (count in (MASKED, HIDDEN)) == (median == HIDDEN)
    assert delay[0] == HIDDEN and table.column(DELAY).values[0] is None


def test_professions_left_out_when_they_would_give_the_total() -> None:
    # Members 3 and 1: the members' total (4) is masked; the professions (4 infirmiers) would tell it.
    table = region_table([cpts("A", members=3), cpts("B", members=1)], YEAR)
    assert table.column(MEMBERS).cells[-1] in (MASKED, HIDDEN)
    assert table.professions == () and table.professions_left_out


def test_region_role() -> None:
    assert role_of("no-access", regional=True) == REGION
    assert role_of("editor", regional=True) == REGION  # the setting wins: a dedicated account
    assert can(REGION, Action.SEE_REGION) and can(REGION, Action.SEE_BOARD)
    assert not can(REGION, Action.SEE_PATIENTS) and not can(REGION, Action.WRITE_DESK)
    assert not can(COORDINATOR, Action.SEE_REGION) and not can(BOARD, Action.SEE_REGION)
