"""Never twice in the same pathway: an active enrolment of a patient already actively enrolled in that pathway
is refused. Registered as a write rule of Inscriptions (`services.writes.BEFORE_INSERT`), whatever page or
command writes it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from errors import Refused
from schema.fields import Record, TableSpec
from schema.models import ENROLMENTS, PATHWAYS, PATIENTS, Enrolment, EnrolmentStatus
from services.tables import table_records
from store import records
from store.base import Base
from store.client import any_of, clause


class EnrolledTwice(Refused):
    """An active enrolment of the same patient in the same pathway exists already; nothing was written."""


def refuse_enrolled_twice(base: Base, spec: TableSpec[Any], rows: Sequence[Record]) -> None:
    """Raise EnrolledTwice (in French: the patient code, the pathway and the enrolment Id already there) if an
    active enrolment among `rows` names a patient already actively enrolled in that pathway, in NocoDB or in
    `rows` themselves."""
    wanted = [
        (row.patient, row.pathway)
        for row in rows
        if isinstance(row, Enrolment) and row.status == EnrolmentStatus.ACTIVE and row.patient and row.pathway
    ]
    if not wanted:
        return
    status = ENROLMENTS.field("status").title
    existing: dict[tuple[int, int], int | None] = {
        (e.patient, e.pathway): e.id
        for e in records.load(base, ENROLMENTS, where=clause(status, "eq", EnrolmentStatus.ACTIVE)).records
        if e.patient is not None and e.pathway is not None
    }
    twice: list[tuple[int, int, int | None]] = []
    for key in wanted:
        if key in existing:
            twice.append((*key, existing[key]))
        existing.setdefault(key, None)  # a second row of `rows` for the same pair is refused too
    if twice:
        raise EnrolledTwice(f"{spec.title} : rien n'a été enregistré. " + " ; ".join(_twice_lines(base, twice)) + ".")


def _twice_lines(base: Base, twice: Sequence[tuple[int, int, int | None]]) -> list[str]:
    patient_ids = sorted({patient for patient, _, _ in twice})
    patients = records.load(base, PATIENTS, where=any_of(*(clause("Id", "eq", i) for i in patient_ids))).records
    codes = {p.id: p.code or f"Id {p.id}" for p in patients}
    names = {p.id: p.name for p in table_records(base, PATHWAYS).records}
    lines = []
    for patient, pathway, enrolment_id in twice:
        code, name = codes.get(patient, f"Id {patient}"), names.get(pathway, f"Id {pathway}")
        where = f"inscription Id {enrolment_id}" if enrolment_id is not None else "deux fois dans cet ajout"
        lines.append(f"{code} est déjà inscrit(e) dans le parcours « {name} » ({where})")
    return lines
