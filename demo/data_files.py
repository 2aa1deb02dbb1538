"""The data files of the demo (demo/data/*.toml): read once, their entries turned into records.

A newcomer edits these files, not the Python: an entry with a missing or unknown key is refused with a
French message naming the file, the entry and the key.
"""

from __future__ import annotations

from dataclasses import MISSING, fields
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from schema.toml_files import read_toml

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

DATA_DIR = Path(__file__).with_name("data")

D = TypeVar("D", bound="DataclassInstance")


@cache
def load(name: str) -> dict[str, Any]:
    """The content of demo/data/`name`.toml (callers only read it)."""
    return read_toml(DATA_DIR / f"{name}.toml")


def entries(cls: type[D], rows: list[dict[str, Any]], where: str, nested: tuple[str, ...] = ()) -> tuple[D, ...]:
    """The entries `rows` of a data file (`where`: file and section) as `cls` dataclasses, leaving out the
    `nested` keys (sub-entries read apart)."""
    known = {field.name for field in fields(cls)}
    required = {field.name for field in fields(cls) if field.default is MISSING and field.default_factory is MISSING}
    built = []
    for number, row in enumerate(rows, start=1):
        values = {key: value for key, value in row.items() if key not in nested}
        unknown, missing = sorted(set(values) - known), sorted(required - set(values))
        if unknown or missing:
            problems = [f"clé inconnue « {key} »" for key in unknown] + [f"clé « {key} » manquante" for key in missing]
            raise ValueError(
                f"{where}, entrée n° {number} : {', '.join(problems)} (clés possibles : {', '.join(sorted(known))})"
            )
        built.append(cls(**values))
    return tuple(built)
