"""Small counts of patients on board pages: below a threshold they are masked, never shown as such."""

from __future__ import annotations

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
