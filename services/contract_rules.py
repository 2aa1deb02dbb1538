"""Write rule of Indicateurs (`services.writes.BEFORE_INSERT`): tiers that are not a tier table, or a negative
ceiling, are refused in French naming the row and the field; nothing is written."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.funding_payouts import records_problems
from domain.problems import Problem
from errors import Refused
from schema.fields import Record, TableSpec
from schema.models import Indicator
from store.base import Base


def refuse(problems: Sequence[Problem]) -> None:
    """Refused, one line per problem, when there is any."""
    if problems:
        raise Refused("\n".join(str(problem) for problem in problems))


def refuse_bad_contract(base: Base, spec: TableSpec[Any], rows: Sequence[Record]) -> None:
    refuse(records_problems([row for row in rows if isinstance(row, Indicator)]))
