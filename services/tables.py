"""Tables read whole from NocoDB for a use case: their typed frames and the values the spec refuses.

A use case names the tables it needs and takes a `Read` to get them: the command line reads NocoDB
directly (`reader(base)`), the pages pass their own cached reader (`views.common.load_tables`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import pandas as pd

from schema.fields import TableSpec
from store import records
from store.base import Base
from store.records import Problem

__all__ = ["Problem", "Read", "Tables", "read_table", "read_tables", "reader"]


class Tables(NamedTuple):
    frames: dict[str, pd.DataFrame]  # by table key
    problems: list[Problem]  # values NocoDB holds that the spec refuses (their field is left empty)


Read = Callable[[Sequence[TableSpec]], Tables]


def read_table(base: Base, spec: TableSpec) -> tuple[pd.DataFrame, list[Problem]]:
    """One table read now: its typed DataFrame and the values the spec refuses."""
    loaded = records.load(base, spec)
    return loaded.frame, list(loaded.problems)


def read_tables(base: Base, specs: Sequence[TableSpec], progress: Callable[[str], None] = lambda _: None) -> Tables:
    """These tables read now, one after the other (`progress` is told « Lecture de <table>… » before each)."""
    frames: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    for spec in specs:
        progress(f"Lecture de {spec.title}…")
        frames[spec.key], found = read_table(base, spec)
        problems.extend(found)
    return Tables(frames, problems)


def reader(base: Base, progress: Callable[[str], None] = lambda _: None) -> Read:
    """A `Read` going straight to NocoDB (no cache): what the command line uses."""
    return lambda specs: read_tables(base, specs, progress)
