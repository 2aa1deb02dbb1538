"""A value the board figures had to leave aside: which row, which field, why (in French)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RowIssue:
    row_id: int | None  # NocoDB's Id of the row, None for a row that is missing
    field: str  # French title of the field
    reason: str  # French
