"""Write a set of records (e.g. the demo CPTS) into a base, all or nothing.

The records come with local ids (1..n per table) and links that point to those local ids;
they are written table by table in creation order, each link remapped to NocoDB's real id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, Literal

from demo.generate import generate
from demo.hostile import hostile as made_hostile
from demo.territory import DEFAULT, names
from domain.validation import validate_rows
from errors import Refused
from schema.fields import Kind, Record, TableSpec
from schema.models import TABLES
from services import writes
from store.base import Base

DEFAULT_TERRITORY = DEFAULT  # of the demo, for the CLI

Progress = Callable[[str, int, int], None]  # (table title, tables done, tables in all)


class SeedRefused(Refused):
    pass


def demo_territories() -> list[str]:
    """The territories of the demo (demo/data/territoires.toml), for `./cpts seed --demo --territory`."""
    return names()


def row_counts(base: Base, tables: Sequence[TableSpec[Any]] = TABLES) -> dict[str, int]:
    return {spec.title: base.count(spec) for spec in tables}


def clear(base: Base, tables: Sequence[TableSpec[Any]] = TABLES) -> None:
    """Delete every row of the spec tables (children first)."""
    for spec in reversed(tables):
        handle = base.handle(spec)
        ids = [row["Id"] for row in base.client.records(base.id, handle.id, fields=["Id"])]
        base.client.delete(handle.id, ids)


def seed(
    base: Base,
    data: Mapping[str, Sequence[Record]],
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Fill an empty base with `data` (table key -> records). Refuses a non-empty base unless `force`,
    which first empties it. Every value is checked first (`domain.validation`): one bad value refuses the
    whole import, nothing written. If a write fails, every row written by this call is deleted again."""
    data = checked(data)
    counts = row_counts(base)
    if any(counts.values()):
        if not force:
            filled = ", ".join(f"{title} ({n})" for title, n in counts.items() if n)
            raise SeedRefused(f"La base n'est pas vide : {filled}. Ajoutez --force pour la vider et la remplir.")
        clear(base)
    id_maps: dict[str, dict[int, int]] = {}
    written: list[tuple[TableSpec[Any], list[int]]] = []
    try:
        for done, spec in enumerate(TABLES):
            if progress:
                progress(spec.title, done, len(TABLES))
            rows = [_remap_links(spec, record, id_maps) for record in data.get(spec.key, [])]
            ids = writes.insert(base, spec, rows)
            written.append((spec, ids))
            id_maps[spec.key] = {int(r.id or i + 1): real for i, (r, real) in enumerate(zip(rows, ids, strict=True))}
    except Exception:
        for spec, ids in reversed(written):
            base.client.delete(base.handle(spec).id, ids)
        raise
    if progress:
        progress("", len(TABLES), len(TABLES))
    return {spec.title: len(ids) for spec, ids in written}


def seed_demo(
    base: Base,
    size: Literal["small", "large"],
    *,
    force: bool = False,
    progress: Progress | None = None,
    hostile: bool = False,
    territory: str = DEFAULT_TERRITORY,
) -> dict[str, int]:
    """Fill the base with the demonstration CPTS (`demo/`) of this size on this territory (of
    demo/data/territoires.toml); rows written per table title.
    `hostile`: its free text made hostile (`demo.hostile`), to see that every page shows text as typed."""
    data = generate(size, territory=territory)
    return seed(base, made_hostile(data) if hostile else data, force=force, progress=progress)


def _remap_links(spec: TableSpec[Any], record: Record, id_maps: Mapping[str, Mapping[int, int]]) -> Record:
    changes = {}
    for field in spec.fields:
        local = getattr(record, field.attr)
        if field.kind is Kind.LINK and local is not None:
            target_key = next(t.key for t in TABLES if t.title == field.target)
            changes[field.attr] = id_maps[target_key][local]
    return record.model_copy(update=changes) if changes else record


def checked(data: Mapping[str, Sequence[Record]], shown: int = 10) -> dict[str, list[Record]]:
    """The records of every table, checked and normalised; SeedRefused names the first bad rows and fields."""
    today = date.today()
    result: dict[str, list[Record]] = {}
    errors: list[str] = []
    for spec in TABLES:
        rows = [record.model_dump(warnings=False) for record in data.get(spec.key, [])]  # checked just below
        result[spec.key], found = validate_rows(spec, rows, today)
        errors += [str(error) for error in found]  # "Membres — Ligne 3, champ « RPPS » : …"
    if errors:
        more = f"\n… et {len(errors) - shown} autre(s)." if len(errors) > shown else ""
        raise SeedRefused("Import refusé, rien n'a été écrit :\n" + "\n".join(errors[:shown]) + more)
    return result
