"""The parameters every CPTS base holds a row of in Paramètres, and the rows a base in use lacks.

A base made before a parameter was declared (the dues and the AG quorum, the targets of mission 6, the contract's
amounts, the SNP season plan…) reads its default silently; `./cpts migrate` adds its row, at its default, so that a
coordinator sees and sets it in NocoDB. A row already there is never changed. The demo writes the same rows (demo/parameters.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from domain.association import TARGETS
from domain.association_dues import DUES_PARAMETERS
from domain.funding_parameters import FUNDING_PARAMETERS
from domain.parameters import IDLE, PRIORITY_WEIGHTS, RETENTION, Parameter
from domain.snp_season import SEASON_PARAMETERS
from schema.models import ParameterRow

DECLARED: tuple[Parameter[Any], ...] = (
    *FUNDING_PARAMETERS,
    *PRIORITY_WEIGHTS,
    RETENTION,
    IDLE,
    *TARGETS,
    *DUES_PARAMETERS,
    *SEASON_PARAMETERS,
)


def missing_rows(existing_keys: Iterable[str | None]) -> list[ParameterRow]:
    """The rows, at their defaults, of the declared parameters whose key is not among `existing_keys`, in the
    order they are declared."""
    existing = {key.strip() for key in existing_keys if key}
    return [parameter.row() for parameter in DECLARED if parameter.key not in existing]
