"""Tables read whole for a use case: their records, typed frames and the values the spec refuses.

Whole tables come from the base's shared copy (`store.copies.SharedTables`, attached by
`services.connection`), kept equal to NocoDB and re-validated only where rows changed; a base without one
(`CPTS_STORE=whole`, kept for comparison) reads NocoDB now. A use case names the tables it needs and takes
a `Read` to get them: `reader(base)`, or the pages' own (`views.common.load_tables`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from domain.problems import Problem
from schema.fields import Record, TableSpec
from store import records
from store.base import Base
from store.copies import Freshness
from store.records import Loaded

if TYPE_CHECKING:
    import pandas as pd  # frames are made by `Loaded.frame`, when a use case asks for them

R = TypeVar("R", bound=Record)
__all__ = [
    "Freshness",
    "Loaded",
    "Read",
    "Tables",
    "load_records",
    "read_table",
    "read_tables",
    "reader",
    "table_records",
]


class Tables(NamedTuple):
    frames: dict[str, pd.DataFrame]  # by table key
    problems: list[Problem]  # values NocoDB holds that the spec refuses (their field is left empty)


Read = Callable[[Sequence[TableSpec[Any]]], Tables]


def table_records(base: Base, spec: TableSpec[R], *, refresh: bool = False) -> Loaded[R]:
    """One whole table as NocoDB holds it now: from the shared copy (checked first, see `SharedTables`), or
    read now when the base has none. Its records and frame are shared: change a copy, never them."""
    loaded: Loaded[R] = load_records(base, [spec], refresh=refresh)[spec.key]
    return loaded


def read_table(base: Base, spec: TableSpec[Any]) -> tuple[pd.DataFrame, list[Problem]]:
    """One table as NocoDB holds it now: a typed DataFrame of its own, and the values the spec refuses."""
    loaded = table_records(base, spec)
    return loaded.frame.copy(), list(loaded.problems)


Progress = Callable[[str], None]


def load_records(
    base: Base, specs: Sequence[TableSpec[Any]], progress: Progress = lambda _: None, *, refresh: bool = False
) -> dict[str, Loaded[Any]]:
    """These tables as NocoDB holds them now, with their records: from the shared copy, checked first (one
    « Lecture des données… » told to `progress`), or, for a base without one, read now one after the other
    (`progress` told « Lecture de <table>… » before each)."""
    if base.shared is not None:
        progress("Lecture des données…")
        return base.shared.loaded(specs, refresh=refresh)
    loaded: dict[str, Loaded[Any]] = {}
    for spec in specs:
        progress(f"Lecture de {spec.title}…")
        loaded[spec.key] = records.load(base, spec)
    return loaded


def read_tables(base: Base, specs: Sequence[TableSpec[Any]], progress: Progress = lambda _: None) -> Tables:
    """These tables read now (see `load_records`): their frames and every refused value."""
    return tables_of(load_records(base, specs, progress))


def tables_of(loaded: dict[str, Loaded[Any]]) -> Tables:
    """The frames (by table key) and every refused value of tables read with their records."""
    frames = {key: item.frame.copy() for key, item in loaded.items()}
    return Tables(frames, [problem for item in loaded.values() for problem in item.problems])


def reader(base: Base, progress: Progress = lambda _: None) -> Read:
    """A `Read` of the tables as NocoDB holds them now (see `load_records`): what the command line uses."""
    return lambda specs: read_tables(base, specs, progress)
