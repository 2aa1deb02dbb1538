"""Tables read whole from NocoDB for a use case: their typed frames and the values the spec refuses.

A use case names the tables it needs and takes a `Read` to get them: the command line reads NocoDB
directly (`reader(base)`), the pages pass their own cached reader (`views.common.load_tables`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import pandas as pd

from domain.problems import Problem
from schema.fields import TableSpec
from store import records
from store.base import Base
from store.records import Loaded


class Tables(NamedTuple):
    frames: dict[str, pd.DataFrame]  # by table key
    problems: list[Problem]  # values NocoDB holds that the spec refuses (their field is left empty)


Read = Callable[[Sequence[TableSpec[Any]]], Tables]


def read_table(base: Base, spec: TableSpec[Any]) -> tuple[pd.DataFrame, list[Problem]]:
    """One table read now: its typed DataFrame and the values the spec refuses."""
    loaded = records.load(base, spec)
    return loaded.frame, list(loaded.problems)


Progress = Callable[[str], None]


def load_records(
    base: Base, specs: Sequence[TableSpec[Any]], progress: Progress = lambda _: None
) -> dict[str, Loaded[Any]]:
    """These tables read now, one after the other, with their records (`progress` is told « Lecture de
    <table>… » before each)."""
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
    frames = {key: item.frame for key, item in loaded.items()}
    return Tables(frames, [problem for item in loaded.values() for problem in item.problems])


def reader(base: Base, progress: Progress = lambda _: None) -> Read:
    """A `Read` going straight to NocoDB (no cache): what the command line uses."""
    return lambda specs: read_tables(base, specs, progress)
