"""Small counts are masked on board pages."""

from __future__ import annotations

import pytest

from domain.privacy import mask_small


@pytest.mark.parametrize(("count", "shown"), [(0, "< 5"), (1, "< 5"), (4, "< 5"), (5, "5"), (12, "12"), (1234, "1234")])
def test_counts_below_5_are_masked(count: int, shown: str) -> None:
    assert mask_small(count) == shown
