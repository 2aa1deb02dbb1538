"""`./cpts import members|patients` and the page Importer: a spreadsheet brought into Membres or Patients.

    sheet = read_file(data, "liste.xlsx", PATIENTS, settings.import_max_bytes, sheet=None)   # in memory
    mapping = proposed_mapping(PATIENTS, sheet, settings.data_dir)     # saved choices, then the headers' words
    plan = prepare(base, PATIENTS, sheet, mapping, today)              # every refusal, every change; nothing written
    write(base, plan)                                                  # all or nothing: refused if plan.problems

The file is read from bytes (an upload is never written to disk). Nothing is written while one value is
refused. New rows go in batches (`services.writes`), then the changed fields of matched rows: a run stopped
half-way, started again, matches what the first one wrote (no duplicates). The mapping chosen is kept for
next time in the data folder (imports/<table>.toml, mode 600): it names the file's headers and the fields,
never a value; the same form as a `--mapping` file, so it can be handed to the command line.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from domain.problems import Problem
from domain.sheet_changes import SheetChanges, sheet_changes
from domain.sheet_mapping import ColumnMapping, MappingRefused, checked, dump, guess, known_headers, parse
from domain.sheet_values import SheetRow, sheet_rows
from domain.sheets import Sheet, SheetRefused, read_sheet, size_problem
from schema.fields import Record, TableSpec
from schema.models import MEMBERS, PATIENTS, TERRITORY
from services import writes
from services.files import writing
from services.journal import record_access
from services.tables import table_records
from store import records
from store.base import Base

BATCH = 500  # rows per insert: each batch is all or nothing, a run stopped half-way keeps those written
IMPORTED: dict[str, TableSpec[Any]] = {"membres": MEMBERS, "members": MEMBERS, "patients": PATIENTS}
Progress = Callable[[int, int], None]  # rows written, rows to write


@dataclass
class SheetImport:
    """One import worked out: the rows read, every refusal, what it changes; `written` once done."""

    spec: TableSpec[Any]
    sheet: Sheet
    mapping: ColumnMapping
    rows: list[SheetRow]
    problems: list[Problem]
    changes: SheetChanges = field(default_factory=SheetChanges)
    written: bool = False

    @property
    def refused(self) -> bool:
        return bool(self.problems)


def read_file(data: bytes, name: str, spec: TableSpec[Any], limit: int, sheet: str | None = None) -> Sheet:
    """The file's header and rows (its header found by the words of `spec`'s fields)."""
    return read_sheet(data, name, limit, sheet, score=lambda headers: known_headers(spec, headers))


def read_path(path: Path, spec: TableSpec[Any], limit: int, sheet: str | None = None) -> Sheet:
    """A file on disk (the command line), its size checked before it is read."""
    if not path.is_file():
        raise SheetRefused(f"Fichier introuvable : {path}.")
    problem = size_problem(path.stat().st_size, limit)
    if problem:
        raise SheetRefused(problem)
    return read_file(path.read_bytes(), path.name, spec, limit, sheet)


def mapping_path(data_dir: Path, spec: TableSpec[Any]) -> Path:
    return data_dir / "imports" / f"{spec.key}.toml"


def saved_mapping(data_dir: Path, spec: TableSpec[Any]) -> ColumnMapping:
    """The choices kept from the previous imports of this table (none yet: empty)."""
    path = mapping_path(data_dir, spec)
    return parse(path.read_text(encoding="utf-8"), str(path)) if path.is_file() else ColumnMapping({})


def proposed_mapping(
    spec: TableSpec[Any], sheet: Sheet, data_dir: Path, given: ColumnMapping | None = None
) -> ColumnMapping:
    """The mapping of this file: `given` (a mapping file) for its headers, else the choices kept, else guessed."""
    saved = saved_mapping(data_dir, spec)
    chosen = {**saved.columns, **(given.columns if given else {})}
    values = given.values if given else {}
    return checked(spec, ColumnMapping(guess(spec, sheet.headers, chosen).columns, dict(values)), sheet.headers)


def read_mapping(path: Path) -> ColumnMapping:
    if not path.is_file():
        raise MappingRefused(f"Fichier de correspondance introuvable : {path}.")
    return parse(path.read_text(encoding="utf-8"), path.name)


def save_mapping(data_dir: Path, spec: TableSpec[Any], mapping: ColumnMapping) -> None:
    """Keep the file's choices (headers → fields, never a value) with those of earlier files; private (600)."""
    path = mapping_path(data_dir, spec)
    kept = ColumnMapping({**saved_mapping(data_dir, spec).columns, **mapping.columns})
    with writing(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(dump(kept, f"Correspondances gardées par l'import de {spec.title} (en-tête = champ)."))
        os.chmod(path, 0o600)


def prepare(base: Base, spec: TableSpec[Any], sheet: Sheet, mapping: ColumnMapping, today: date) -> SheetImport:
    """Every row checked and matched against NocoDB as it is now; nothing written."""
    territory = {c.insee_code for c in table_records(base, TERRITORY).records if c.insee_code}
    rows, problems = sheet_rows(spec, sheet, mapping, territory, today)
    plan = SheetImport(spec, sheet, mapping, rows, problems)
    if not problems:
        existing = table_records(base, spec, refresh=True).records
        plan.changes = sheet_changes(spec, rows, existing, today)
    return plan


def import_rows(base: Base, plan: SheetImport, progress: Progress = lambda *_: None) -> None:
    """Added rows in batches, then the changed fields of matched rows (grouped by fields); nothing if refused."""
    if plan.refused:
        raise SheetRefused(f"{len(plan.problems)} valeur(s) refusée(s) : rien n'a été écrit.")
    changes, done = plan.changes, 0
    total = len(changes.added) + len(changes.updated)
    for batch in writes.batches(changes.added, BATCH):
        writes.insert(base, plan.spec, batch)
        done += len(batch)
        progress(done, total)
    by_fields: dict[tuple[str, ...], list[Record]] = {}
    for record, attrs in changes.updated:
        by_fields.setdefault(attrs, []).append(record)
    for attrs, changed in by_fields.items():
        for batch in writes.batches(changed, BATCH):
            records.patch(base, plan.spec, batch, attrs)
            done += len(batch)
            progress(done, total)
    plan.written = True


def summary(plan: SheetImport) -> str:
    """The import in one French line (for the journal and the reports)."""
    changes = plan.changes
    kept = f", {len(changes.kept)} laissé(s) tel(s) quel(s) (opposition au partage)" if changes.kept else ""
    return (
        f"{plan.sheet.name} : {len(changes.added)} ajouté(s), {len(changes.updated)} mis à jour, "
        f"{changes.unchanged} inchangé(s){kept}"
    )


def journal_import(base: Base, user: str, what: str, plan: SheetImport) -> None:
    """Trace the import in Journal d'accès: who, the file, the counts, the codes of the patients written."""
    record_access(base, user, f"{what} · {summary(plan)}", plan.changes.patient_codes())
