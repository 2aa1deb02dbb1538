"""The write rule of Stagiaires, registered in `services.writes.BEFORE_INSERT` so that no page or command can
forget it: no period ending before it starts (`domain.association.period_problems`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.association import period_problems
from errors import Refused
from schema.association import Trainee
from schema.fields import Record, TableSpec
from store.base import Base


def refuse_bad_periods(base: Base, spec: TableSpec[Any], rows: Sequence[Record]) -> None:
    """Refused (in French, naming each row and the field « Fin ») when a trainee's period ends before it starts."""
    problems = period_problems([row for row in rows if isinstance(row, Trainee)])
    if problems:
        raise Refused(" ; ".join(str(problem) for problem in problems))
