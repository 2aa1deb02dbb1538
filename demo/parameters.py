"""The Paramètres rows of the demo CPTS: its name, the funding defaults, the weights of the desk's priority
score, the retention and the idle time of a session.

Every row is one of the keys declared in domain/parameters.py and domain/funding_parameters.py, at its
default value (the CPTS name aside)."""

from __future__ import annotations

from typing import Any

from domain.funding_parameters import FUNDING_PARAMETERS
from domain.parameters import CPTS_NAME, IDLE, PRIORITY_WEIGHTS, RETENTION, Parameter
from schema.models import ParameterRow

# In the order of the rows: the name, the funding amounts, the priority weights, then the session rules.
DEMO_PARAMETERS: tuple[Parameter[Any], ...] = (*FUNDING_PARAMETERS, *PRIORITY_WEIGHTS, RETENTION, IDLE)


def parameter_rows(cpts_name: str) -> list[ParameterRow]:
    """The demo's Paramètres rows, with their Ids (1, 2, …)."""
    named = CPTS_NAME.row(cpts_name, row_id=1)
    return [named, *(parameter.row(row_id=row_id) for row_id, parameter in enumerate(DEMO_PARAMETERS, start=2))]
