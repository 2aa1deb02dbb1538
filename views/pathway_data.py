"""What the pathway pages (Parcours, Orienter, À relancer) share: the pathway state read through the pages'
cache (`services.pathways.pathway_state`), the active pathways, commune names."""

from __future__ import annotations

from datetime import date

from domain.communes import commune
from domain.pathway_schedule import SCHEDULE_TABLES, active_pathways
from schema.fields import TableSpec
from services import pathways
from services.pathways import PathwayState
from views.common import load_tables, per_version

__all__ = ["LEFT_ASIDE", "PathwayState", "active_pathways", "commune_name", "pathway_state"]

LEFT_ASIDE = "Elles sont laissées de côté ci-dessous"  # what the pathway pages do with values NocoDB refused


def pathway_state(extra: tuple[TableSpec, ...] = (), today: date | None = None) -> PathwayState:
    """`services.pathways.pathway_state`, its tables read through the pages' cache."""
    day = today or date.today()
    specs = SCHEDULE_TABLES + extra
    return per_version(
        pathways.PER_VERSION,
        specs,
        lambda: pathways.pathway_state(load_tables, extra, day),
        day,
        *(s.key for s in extra),
    )


def commune_name(insee_code: str | None) -> str:
    """« Vanves » for 92075; the code itself when unknown, "" when empty."""
    if not insee_code:
        return ""
    try:
        return commune(insee_code).name
    except KeyError:
        return insee_code
