"""The CPTS territory in NocoDB: add a commune to Territoire with its population from the public data."""

from __future__ import annotations

from schema.models import TERRITORY, Commune
from sync import records
from sync.base import Base
from sync.client import clause
from sync.communes import CommuneInfo


class AlreadyInTerritory(ValueError):
    pass


def add_commune(base: Base, info: CommuneInfo) -> Commune:
    """Add this commune (name, INSEE code, population, département, EPCI) to Territoire; refuses a commune
    already there."""
    if base.count(TERRITORY, clause("Code INSEE", "eq", info.insee_code)):
        raise AlreadyInTerritory(f"{info.name} ({info.insee_code}) fait déjà partie du territoire.")
    commune = territory_row(info)
    [new_id] = records.insert(base, TERRITORY, [commune])
    return commune.model_copy(update={"id": new_id})


def territory_row(info: CommuneInfo, row_id: int | None = None) -> Commune:
    """The Territoire row of this commune: name, INSEE code, population, département, EPCI."""
    return Commune(
        id=row_id,
        name=info.name,
        insee_code=info.insee_code,
        population=info.population,
        department=info.department,
        epci=info.epci_name,
    )
