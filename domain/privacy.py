"""Small counts of patients on board pages: below a threshold they are masked, never shown as such; and what
else a document must mask so that a shown total does not give a masked count away."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.french import number

MASK_BELOW = 5  # a count of patients under this is shown as "< 5" on board pages and exports
MASKED = f"< {MASK_BELOW}"


def is_small(count: float | None) -> bool:
    """True for a count of patients that a board page must not show (0 to 4)."""
    return count is not None and count < MASK_BELOW


def mask_small(count: float | None) -> str:
    """A count of patients as a board page shows it: "< 5" below the threshold, else the French number."""
    if count is None:
        return "—"
    return MASKED if is_small(count) else number(count)


# -- secondary masking: a total must not give a masked count away ---------------------------------------

HIDDEN = "masqué"  # a count of 5 or more hidden so that no count below 5 can be worked out by difference
SMALL_BOUNDS = (0.0, float(MASK_BELOW - 1))  # what a reader knows of a count shown "< 5"
HIDDEN_BOUNDS = (float(MASK_BELOW), float("inf"))  # ... and of a count shown "masqué"


@dataclass(frozen=True)
class Protected:
    """A breakdown of counts and its total as a board document may show them."""

    cells: tuple[str, ...]  # per count: the French number, "< 5" or "masqué"
    total: str
    hidden: tuple[bool, ...]  # per count: not shown
    total_hidden: bool

    def value(self, index: int, count: int) -> int | None:
        """The count at `index` if it may be shown (e.g. in chart data), None otherwise."""
        return None if self.hidden[index] else count


def protect_counts(counts: Sequence[int], total: int | None = None) -> Protected:
    """Mask a breakdown whose total is shown (`total`: the sum of the counts unless given, e.g. distinct patients).

    Counts below 5 are masked ("< 5"). Then, as long as the masked counts add up to less than 5 or a reader who
    subtracts the shown counts from the total could work one of them out exactly, the smallest shown count is
    masked too ("masqué"); with no count left to mask, the total is masked."""
    whole = sum(counts) if total is None else total
    small = tuple(is_small(count) for count in counts)
    hidden = list(small)
    while any(hidden) and _gives_away(counts, small, hidden):
        shown = [index for index, flag in enumerate(hidden) if not flag]
        if not shown:
            break
        hidden[min(shown, key=lambda index: (counts[index], index))] = True
    total_hidden = is_small(whole) or (any(hidden) and _gives_away(counts, small, hidden))
    cells = tuple(
        (MASKED if tiny else HIDDEN) if flag else number(count)
        for count, tiny, flag in zip(counts, small, hidden, strict=True)
    )
    total_text = mask_small(whole) if is_small(whole) or not total_hidden else HIDDEN
    return Protected(cells, total_text, tuple(hidden), total_hidden)


def _gives_away(counts: Sequence[int], small: Sequence[bool], hidden: Sequence[bool]) -> bool:
    """True if the masked counts add up to less than 5, or if one of them follows from their sum (known from the
    total) and what a reader knows of each: 0 to 4 for "< 5", 5 or more for "masqué"."""
    masked = [(counts[i], SMALL_BOUNDS if small[i] else HIDDEN_BOUNDS) for i, flag in enumerate(hidden) if flag]
    residue = sum(count for count, _ in masked)
    if residue < MASK_BELOW:
        return True
    for index, (_, (low, high)) in enumerate(masked):
        others = [bounds for other, (_, bounds) in enumerate(masked) if other != index]
        least = max(low, residue - sum(other_high for _, other_high in others))
        most = min(high, residue - sum(other_low for other_low, _ in others))
        if least == most:
            return True
    return False
