"""The CPTS territory in NocoDB: find the commune a coordinator means (by INSEE code or name) and add it to
Territoire with its population from the public data. A code typed is checked by the shared input rules
(`domain.validation`): a postcode is refused with the INSEE codes of its communes."""

from __future__ import annotations

from datetime import date

from domain.communes import CommuneInfo, commune, find_communes, territory_row
from domain.permissions import Action, require
from domain.validation import validate_form
from errors import Refused
from schema.models import TERRITORY, Commune
from services import writes
from store.base import Base
from store.client import clause


class TerritoryError(Refused):
    """A commune refused; the message, in French, says why."""


class AlreadyInTerritory(TerritoryError):
    pass


def communes_matching(query: str, today: date) -> list[CommuneInfo]:
    """The communes meant by `query`: the one of an INSEE code (any text with a digit is taken as a code),
    else those whose name is or starts with it. Raises TerritoryError when there is none."""
    text = query.strip()
    if any(char.isdigit() for char in text):
        checked_code(text, today)
    matches = find_communes(text)
    if not matches:
        raise TerritoryError(f"Aucune commune ne correspond à « {text} » (code INSEE à 5 caractères, ou début du nom).")
    return matches


def checked_code(insee_code: str, today: date) -> str:
    """The INSEE code of a current commune as typed (upper case), or TerritoryError with the shared message."""
    record, errors = validate_form(TERRITORY, {"insee_code": insee_code}, today, required=("insee_code",))
    if record is None:
        raise TerritoryError("\n".join(map(str, errors)))
    return str(record.insee_code)


def add_commune(base: Base, insee_code: str, today: date, role: str | None) -> Commune:
    """Add the commune of this INSEE code (name, population, département, EPCI) to Territoire; refuses a code
    that is not a current commune's and a commune already there."""
    require(role, Action.EDIT_TERRITORY)  # NotAllowed for the bureau
    info = commune(checked_code(insee_code, today))
    if base.count(TERRITORY, clause("Code INSEE", "eq", info.insee_code)):
        raise AlreadyInTerritory(f"{info.name} ({info.insee_code}) fait déjà partie du territoire.")
    added = territory_row(info)
    [new_id] = writes.insert(base, TERRITORY, [added])
    return added.model_copy(update={"id": new_id})
