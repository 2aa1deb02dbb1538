"""Right to object: a patient who objected to data sharing is never put in a proposal to a doctor nor in a
pathway. Registered as a write rule of both tables (`services.writes.BEFORE_INSERT`), whatever page or command
writes them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from errors import Refused
from schema.fields import Record, TableSpec
from schema.models import ENROLMENTS, PATIENTS, PROPOSALS
from store.base import Base
from store.client import clause

SHARING_TABLES = (PROPOSALS.key, ENROLMENTS.key)  # their rows pass a patient on to professionals


class ObjectionRefused(Refused):
    """Rows naming a patient who objected to data sharing; nothing was written."""


def refuse_objecting_patients(base: Base, spec: TableSpec[Any], rows: Sequence[Record]) -> None:
    """Raise ObjectionRefused (in French, with the patient codes) if a row of a sharing table names a
    patient who objected."""
    if spec.key not in SHARING_TABLES:
        return
    named = {getattr(row, "patient", None) for row in rows} - {None}
    if not named:
        return
    objection = PATIENTS.field("objection").title
    objecting = base.client.records(
        base.id, base.handle(PATIENTS).id, where=clause(objection, "checked"), fields=["Id", "Code"]
    )
    refused = sorted(str(row.get("Code") or f"Id {row['Id']}") for row in objecting if row["Id"] in named)
    if refused:
        raise ObjectionRefused(
            f"{spec.title} : rien n'a été enregistré. Opposition au partage des données (champ « {objection} ») : "
            f"{', '.join(refused)} ne peut figurer ni dans une proposition à un médecin, ni dans un parcours."
        )
