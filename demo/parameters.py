"""The Paramètres rows of the demo CPTS: its name, the funding defaults, the weights of the desk's priority
score, the retention and the idle time of a session, the targets of mission 6, the dues and the AG quorum.

Every row is one of the keys declared in domain/parameters.py and domain/funding_parameters.py, at its
default value (the CPTS name and the dues of demo/data/association.toml aside)."""

from __future__ import annotations

from typing import Any

from demo.association import dues_parameters
from domain.association import TARGETS
from domain.association_dues import DUES_PARAMETERS
from domain.funding_parameters import FUNDING_PARAMETERS
from domain.parameters import CPTS_NAME, IDLE, PRIORITY_WEIGHTS, RETENTION, Parameter
from schema.models import ParameterRow

# In the order of the rows: the name, the funding amounts, the priority weights, then the session rules.
DEMO_PARAMETERS: tuple[Parameter[Any], ...] = (
    *FUNDING_PARAMETERS,
    *PRIORITY_WEIGHTS,
    RETENTION,
    IDLE,
    *TARGETS,
    *DUES_PARAMETERS,
)


def parameter_rows(cpts_name: str) -> list[ParameterRow]:
    """The demo's Paramètres rows, with their Ids (1, 2, …)."""
    named = CPTS_NAME.row(cpts_name, row_id=1)
    own = dues_parameters()
    return [
        named,
        *(
            parameter.row(own.get(parameter.key), row_id=row_id)
            for row_id, parameter in enumerate(DEMO_PARAMETERS, start=2)
        ),
    ]
