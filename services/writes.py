"""The one way use cases add rows: the write rules of the table run first, then `store.records.insert`.

A rule looks at the new rows and raises `errors.Refused` (in French, naming the rows) to refuse them all;
nothing is written then. Rules are declared per table in `BEFORE_INSERT`, so no page or command can forget
one. Pages and commands never call `store.records.insert` themselves (a test walks the code for it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from schema.association import TRAINEES
from schema.fields import Record, TableSpec
from schema.models import ENROLMENTS, PROPOSALS
from services.association_rules import refuse_bad_periods
from services.enrolled_twice import refuse_enrolled_twice
from services.objection import refuse_objecting_patients
from store import records
from store.base import Base

T = TypeVar("T")
Rule = Callable[[Base, TableSpec[Any], Sequence[Record]], None]

BEFORE_INSERT: dict[str, tuple[Rule, ...]] = {
    PROPOSALS.key: (refuse_objecting_patients,),
    ENROLMENTS.key: (refuse_objecting_patients, refuse_enrolled_twice),
    TRAINEES.key: (refuse_bad_periods,),
}


def insert(base: Base, spec: TableSpec[Any], rows: Sequence[Record]) -> list[int]:
    """Check the table's write rules, then insert every row (all or nothing); returns the new Ids."""
    for rule in BEFORE_INSERT.get(spec.key, ()):
        rule(base, spec, rows)
    return records.insert(base, spec, rows)


def batches(rows: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """The rows `size` at a time: an import writes batch by batch, so a run stopped half-way keeps those written."""
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
