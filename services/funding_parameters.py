"""The funding parameters in NocoDB: add to Paramètres the ones missing, with their defaults (DOMAIN.md)."""

from __future__ import annotations

from domain.funding_parameters import missing_defaults
from domain.permissions import Action, require
from schema.models import PARAMETERS
from services import writes
from services.tables import table_records
from store.base import Base


def add_missing_funding_parameters(base: Base, role: str | None) -> list[str]:
    """Insert every default funding parameter whose key is not yet in Paramètres; returns the keys added.
    Existing rows are never changed."""
    require(role, Action.EDIT_PARAMETERS)  # NotAllowed for the bureau
    existing = [record.key for record in table_records(base, PARAMETERS).records if record.key]
    rows = [parameter.row() for parameter in missing_defaults(existing)]
    if rows:
        writes.insert(base, PARAMETERS, rows)
    return [row.key for row in rows if row.key]
