"""The Paramètres rows of the demo CPTS: its name, the funding amounts, the weights of the desk's priority
score, the retention and the idle time of a session, the targets of mission 6, the dues and the AG quorum.

Besides the CPTS name, the rows are the parameters a migration adds (`domain.declared_parameters.DECLARED`), in
its order, at their default value, except the data of the demo: the dues of demo/data/association.toml and the
fixed and variable parts of the missions, those of a published ACI contract, read from demo/data/financement.toml."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from demo.association import dues_parameters
from demo.data_files import entries, load
from domain.declared_parameters import DECLARED
from domain.funding_parameters import FIXED, FUNDING_PARAMETERS, TIERS, VARIABLE, mission_key
from domain.parameters import CPTS_NAME, Parameter
from schema.models import AciMission, ParameterRow

_WHERE = "demo/data/financement.toml"


@dataclass(frozen=True)
class MissionAmounts:
    code: str  # "1a", "2"…
    fixed: int
    variable: int
    note: str = ""


def contract_parameters() -> dict[str, Parameter[Any]]:
    """The mission parts of the published contract, by key, at every tier; « À vérifier » kept off its size."""
    data = load("financement")
    missions = {m.code: m for m in entries(MissionAmounts, data["mission"], f"{_WHERE} [[mission]]")}
    declared = {parameter.key: parameter for parameter in FUNDING_PARAMETERS}
    found = {}
    for mission in AciMission:
        amounts = missions[mission.split(".", 1)[0]]
        for part, value in ((FIXED, amounts.fixed), (VARIABLE, amounts.variable)):
            for tier in TIERS:
                key = mission_key(part, mission, tier)
                size = f"taille {data['size']}" if tier == data["size"] else "à vérifier pour cette taille"
                description = f"Part {part.split()[-1]} de la mission « {mission} » : {data['source']} ({size})."
                note = f" {amounts.note}" if amounts.note and part == VARIABLE else ""
                found[key] = replace(
                    declared[key], default=str(value), description=description + note, to_check=tier != data["size"]
                )
    return found


def demo_parameters() -> tuple[Parameter[Any], ...]:
    """The declared parameters in their order, the mission parts as the published contract gives them."""
    contract = contract_parameters()
    return tuple(contract.get(parameter.key, parameter) for parameter in DECLARED)


DEMO_PARAMETERS: tuple[Parameter[Any], ...] = demo_parameters()


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
