"""The small pathway fixture the pathway tests share: breast screening (women 50–74, a mammography every
24 months by a radiologist), endometriosis (women 15–50, a first consultation at level 1), and the
communes of Hauts-de-Seine and Paris they place members and patients in."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from schema.models import ENROLMENTS, PATHWAYS, Pathway, PathwayStep
from store import records
from store.base import Base
from store.client import clause

ISSY, VANVES, BOULOGNE, NANTERRE, PARIS = "92040", "92075", "92012", "92050", "75056"
BREAST_SCREENING, ENDOMETRIOSIS = "Dépistage du cancer du sein", "Endométriose"
MAMMOGRAPHY, CONSULTATION = "Mammographie", "Consultation de premier recours"


def breast_screening(pathway_id: int) -> Pathway:
    return Pathway(
        id=pathway_id, name=BREAST_SCREENING, category="Dépistage organisé", sex="Femmes", min_age=50, max_age=74
    )


def endometriosis(pathway_id: int) -> Pathway:
    return Pathway(id=pathway_id, name=ENDOMETRIOSIS, category="Santé des femmes", sex="Femmes", min_age=15, max_age=50)


def mammography(step_id: int, pathway: int) -> PathwayStep:
    """The breast screening step: a radiologist, every 24 months, women 50–74."""
    return PathwayStep(
        id=step_id,
        title=MAMMOGRAPHY,
        pathway=pathway,
        order=1,
        profession="Médecin",
        specialty="Radiologie",
        interval_months=24,
        min_age=50,
        max_age=74,
        sex="Femmes",
    )


def consultation(step_id: int, pathway: int, **fields: Any) -> PathwayStep:
    """The endometriosis first step, at level 1, for women; `fields` adds to it (e.g. the ages)."""
    return PathwayStep(id=step_id, title=CONSULTATION, pathway=pathway, order=1, level=1, sex="Femmes", **fields)


@contextmanager
def three_endometriosis_patients(base: Base) -> Iterator[Base]:
    """The demo's Endometriosis pathway brought down to 3 active patients in NocoDB (a count the board
    pages mask), put back as it was afterwards."""
    [pathway] = records.load(base, PATHWAYS, where=clause("Nom", "eq", ENDOMETRIOSIS)).records
    active = [
        e
        for e in records.load(base, ENROLMENTS, where=clause("Statut", "eq", "Active")).records
        if e.pathway == pathway.id
    ]
    kept = {e.patient for e in active[:3]}
    exits = [e.id for e in active if e.patient not in kept]
    assert len(exits) >= 5
    handle = base.handle(ENROLMENTS).id
    base.client.update(handle, [{"Id": i, "Statut": "Sortie"} for i in exits])
    try:
        yield base
    finally:
        base.client.update(handle, [{"Id": i, "Statut": "Active"} for i in exits])
