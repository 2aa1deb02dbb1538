"""Board pages show aggregates only: small counts of patients are masked."""

from __future__ import annotations

SMALL_COUNT = 5


def mask_small(n: int) -> str:
    """A count of patients as a board page shows it: "< 5" below 5, the number otherwise."""
    return "< 5" if n < SMALL_COUNT else str(n)
