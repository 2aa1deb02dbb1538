"""The shared copy of a table kept in the data folder, so that the next process (`./cpts match`, the app after a
restart) starts from it and validates only the rows changed since, instead of reading and validating the
whole table again.

A kept copy is one file per table: a header line (JSON) saying what it is a copy of — NocoDB's SQLite file
(path and inode), the base, the table, the fields read, and a fingerprint of the spec and of the code that
validated it — and the SHA-256 of the body; then the body, a pickle of plain values only (texts, numbers,
lists, tuples; dates as day numbers): it is read with an unpickler that refuses every class, so a tampered
file can give wrong values at worst, never run code, and a file that does not match its header, its hash or
the table as read now is ignored. The body holds the raw rows (to find the changed ones), the records'
values (rebuilt without validating again: they were validated) and problems, and the source's memo of the
read (`SqliteSource.memo`): the rows added, deleted, relinked or edited since that read are read again, as
they are within one process (`store.copies`). Files are private to the owner (mode 600, folder 700).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import sys
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import fields
from datetime import date
from decimal import Decimal
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import Any

import pydantic

from domain import communes
from domain.collector import no_cycle_collection
from domain.matching import Place
from domain.problems import Problem
from schema import fields as schema_fields
from schema.fields import TableSpec
from store import records as store_records
from store import validate as store_validate
from store.base import TableHandle
from store.copies import TableCopy
from store.records import Loaded, row_keys

FORMAT = 1
MAGIC = b"CPTS-COPY\n"
PLAIN = (type(None), str, int, float, bool)  # exact types kept as they are
FOLDER_MODE, FILE_MODE = 0o700, 0o600
KEEP_AFTER_ROWS = 1_000  # a copy that cost validating as many rows is kept at once
KEEP_EVERY_SECONDS = 3_600  # else a copy that changed is kept when the kept file is older than this
COMMUNES_FILES = ("communes.json", "epci.json", "ept.json")  # what `domain.communes` reads
PLACE_FIELDS = tuple(item.name for item in fields(Place))


class _PlainUnpickler(pickle.Unpickler):
    """Plain values only: any class or function named by the file is refused."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name} refusé dans une copie gardée")


class Snapshots:
    """The kept copies of one base's tables read from one SQLite file, in `folder` (a `store.copies.Keeper`)."""

    def __init__(self, folder: Path, nocodb_file: Path, base_id: str) -> None:
        self.folder = folder
        self.nocodb_file = nocodb_file.resolve()
        self.base_id = base_id
        self._lock = threading.Lock()
        self._pending: dict[str, tuple[TableHandle, TableCopy, Any]] = {}  # by table key: the last saved
        self._writer: threading.Thread | None = None

    def path(self, handle: TableHandle) -> Path:
        return self.folder / f"{self.base_id}-{handle.spec.key}.copy"

    def header(self, handle: TableHandle) -> dict[str, Any]:
        """What a kept copy of the table must say it is, to be taken."""
        stat = self.nocodb_file.stat()
        return {
            "format": FORMAT,
            "file": [str(self.nocodb_file), stat.st_dev, stat.st_ino],
            "base": self.base_id,
            "table": handle.id,
            "keys": row_keys(handle),
            "fingerprint": fingerprint(handle.spec),
        }

    def load(self, handle: TableHandle) -> tuple[TableCopy, Any] | None:
        """The kept copy of the table and the source's memo of its read; None when there is none, or one
        that is not of the table as it is read now, or damaged."""
        try:
            with no_cycle_collection():
                return _decoded(handle.spec, _read_kept(self.path(handle), self.header(handle)))
        except Exception:  # a kept copy that cannot be read is ignored: the table is read whole
            return None

    def save(self, handle: TableHandle, copy: TableCopy, memo: Any) -> None:
        """Keep this copy (read when the source's memo was `memo`), written by a thread of its own: the
        caller does not wait, and the process waits for it before it ends. Of two copies of a table saved
        before the first is written, only the second is. A copy that differs from the one it was made from
        by a few rows changed is not written when the kept file is recent: the next process validates these
        rows again, which costs less than writing the table (see `worth_keeping`)."""
        if not self.worth_keeping(handle, copy):
            return
        with self._lock:
            self._pending[handle.spec.key] = (handle, copy, memo)
            if self._writer is None:
                self._writer = threading.Thread(target=self._write_pending, name="cpts-copies", daemon=False)
                self._writer.start()

    def worth_keeping(self, handle: TableHandle, copy: TableCopy) -> bool:
        """Many rows validated, rows deleted (gone from the kept file at once), or a kept file older than
        `KEEP_EVERY_SECONDS` (a value emptied in NocoDB is gone from it within that time)."""
        if copy.change.validated >= KEEP_AFTER_ROWS or copy.change.dropped:
            return True
        try:
            return time.time() - self.path(handle).stat().st_mtime >= KEEP_EVERY_SECONDS
        except OSError:
            return True

    def discard(self) -> None:
        """Remove every kept copy of this base, once the copies being written are written, and the places of
        the communes kept beside them (`kept_places`): no copy is left behind."""
        self.wait()
        for path in self.folder.glob(f"{self.base_id}-*.copy"):
            path.unlink(missing_ok=True)
        (self.folder / PLACES_FILE).unlink(missing_ok=True)

    def wait(self) -> None:
        """Return when every copy saved so far is written."""
        with self._lock:
            writer = self._writer
        if writer is not None:
            writer.join()

    def _write_pending(self) -> None:
        while True:
            with self._lock:
                if not self._pending:
                    self._writer = None
                    return
                _, (handle, copy, memo) = self._pending.popitem()
            self.write(handle, copy, memo)

    def write(self, handle: TableHandle, copy: TableCopy, memo: Any) -> None:
        """Keep this copy now. Nothing is kept when it cannot be written, or holds values of other types than
        the plain ones: the file kept before is removed then (it would be older than the copy)."""
        path = self.path(handle)
        try:
            encoded = _encoded(copy, memo)
            if encoded is None:
                path.unlink(missing_ok=True)
                return
            _write_kept(self.folder, path, self.header(handle), encoded)
        except Exception:  # a copy not kept costs the next process a whole read, nothing else
            with suppress(OSError):
                path.unlink(missing_ok=True)


@cache
def fingerprint(spec: TableSpec[Any]) -> str:
    """Changes whenever the records of the same rows could differ: the spec's fields, the model's fields,
    the code that validates and builds them, pydantic's version."""
    model = spec.model
    described = repr((spec.key, spec.title, model.__qualname__, spec.fields, model.model_fields, pydantic.VERSION))
    digest = hashlib.sha256(described.encode())
    for module in (sys.modules[model.__module__], schema_fields, store_records, store_validate, sys.modules[__name__]):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()


def _encoded(copy: TableCopy, memo: Any) -> dict[str, Any] | None:
    """The copy as plain values (None when a value is of another type, or the model's records are not made
    only of their fields' values)."""
    model = copy.loaded.spec.model
    if model.__pydantic_post_init__ or model.__private_attributes__ or model.__pydantic_root_model__:
        return None
    attrs = list(model.model_fields)
    columns = []
    for attr in attrs:
        column = _column([record.__dict__[attr] for record in copy.loaded.records])
        if column is None:
            return None
        columns.append(column)
    return {
        "raw": list(copy.raw.values()),
        "attrs": attrs,
        "columns": columns,
        "row_problems": [_problem(p) for problems in copy.row_problems.values() for p in problems],
        "problems": [_problem(p) for p in copy.loaded.problems],
        "memo": memo,
    }


def _column(values: list[Any]) -> tuple[str, list[Any]] | None:
    """A column of record values as plain values, and how to make them again ("plain", "date", "decimal")."""
    kinds = {type(value) for value in values}
    if kinds <= {*PLAIN, list}:
        lists = (value for value in values if type(value) is list)
        return ("plain", values) if all(type(item) is str for value in lists for item in value) else None
    if kinds <= {type(None), date}:
        return "date", [None if value is None else value.toordinal() for value in values]
    if kinds <= {type(None), Decimal}:
        return "decimal", [None if value is None else str(value) for value in values]
    return None


def _decoded(spec: TableSpec[Any], kept: dict[str, Any]) -> tuple[TableCopy, Any]:
    attrs: list[str] = kept["attrs"]
    if attrs != list(spec.model.model_fields):
        raise ValueError("fields of another model")
    columns = [_values(kind, values) for kind, values in kept["columns"]]
    build = store_validate.builder(spec.model, attrs)
    records = list(map(build, zip(*columns, strict=True)))
    rows: list[tuple[Any, ...]] = kept["raw"]
    ids = columns[attrs.index("id")]
    if set(map(type, ids)) <= {int} and list(map(itemgetter(0), rows)) == ids and len(set(ids)) == len(ids):
        # checked in C, the usual case: the rows are the records', in the same order
        raw = dict(zip(ids, rows, strict=True))
    else:
        raw = {int(row[0]): tuple(row) for row in rows}
        if len(raw) != len(records) or any(int(r.id) != i for r, i in zip(records, raw, strict=True)):
            raise ValueError("rows and records differ")
    row_problems: dict[int, list[Problem]] = {}
    for problem in map(_problem_of, kept["row_problems"]):
        row_problems.setdefault(int(problem.id or 0), []).append(problem)
    loaded = Loaded(spec, records, [_problem_of(p) for p in kept["problems"]])
    return TableCopy(loaded, raw, row_problems, version=0), kept["memo"]


def _values(kind: str, values: list[Any]) -> Sequence[Any]:
    if kind == "date":  # each day made once (a table holds far fewer days than rows)
        days = {value: None if value is None else date.fromordinal(value) for value in set(values)}
        return list(map(days.__getitem__, values))
    if kind == "decimal":
        return [None if value is None else Decimal(value) for value in values]
    if kind == "plain":
        return values
    raise ValueError(f"unknown column kind {kind!r}")


def _problem(problem: Problem) -> tuple[Any, ...]:
    return (problem.table, problem.id, problem.field, problem.reason, problem.line)


def _problem_of(values: Sequence[Any]) -> Problem:
    table, row_id, field, reason, line = values
    return Problem(table, row_id, field, reason, line)


# --- the places of the communes a base names -------------------------------------------------------------

PLACES_FILE = "places.copy"


def kept_places(
    folder: Path, communes_dir: Path, codes: set[str], find: Callable[[set[str]], dict[str, Place]]
) -> dict[str, Place | None]:
    """The place of every code of `codes` (None for an unknown one), as `find` gives them, kept in `folder`
    between processes: `find` reads the communes' 12 MB of JSON, which costs a short command half a second.
    The kept file says which communes files (size, time, inode) and which code made it; any other is ignored."""
    path = folder / PLACES_FILE
    header = {"format": FORMAT, "communes": _files_stat(communes_dir), "code": _places_code()}
    known = _kept_places(path, header)
    missing = codes - known.keys()
    if missing:
        found: dict[str, Place | None] = {code: None for code in missing}
        known.update({**found, **find(missing)})
        with suppress(Exception):  # a file not kept costs the next process the JSON, nothing else
            _write_kept(folder, path, header, {code: _place_values(value) for code, value in known.items()})
    return {code: known[code] for code in codes}


def _kept_places(path: Path, header: dict[str, Any]) -> dict[str, Place | None]:
    try:
        values: dict[str, Any] = _read_kept(path, header)
        return {str(code): None if value is None else Place(*value) for code, value in values.items()}
    except Exception:  # no kept file, or one that cannot be read: the communes are read
        return {}


def _read_kept(path: Path, header: dict[str, Any]) -> Any:
    """The plain values kept in `path`; raises when the file says it is not what `header` says, or its body
    does not match its hash."""
    with open(path, "rb") as file:
        if file.readline() != MAGIC:
            raise ValueError(f"{path.name}: not a kept copy")
        found = json.loads(file.readline())
        body = file.read()
    if found.pop("sha256", None) != hashlib.sha256(body).hexdigest() or found != header:
        raise ValueError(f"{path.name}: a copy of something else, or damaged")
    return _PlainUnpickler(io.BytesIO(body)).load()


def _write_kept(folder: Path, path: Path, header: dict[str, Any], values: Any) -> None:
    """`values` (plain) kept in `path` with `header` and the hash of the body, whole or not at all (a reader
    sees the old file or the new one, never half of one), private to the owner."""
    body = pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL)
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    os.chmod(folder, FOLDER_MODE)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with os.fdopen(descriptor, "wb") as file:
            file.write(
                MAGIC + json.dumps({**header, "sha256": hashlib.sha256(body).hexdigest()}).encode() + b"\n" + body
            )
        os.replace(temporary, path)
    except BaseException:
        with suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise


def _place_values(place: Place | None) -> tuple[Any, ...] | None:
    return None if place is None else tuple(getattr(place, name) for name in PLACE_FIELDS)


def _files_stat(folder: Path) -> list[list[Any]]:
    """Size, time and inode of the communes files (missing ones too: an EPCI file added changes the places)."""
    found = []
    for name in COMMUNES_FILES:
        try:
            stat = (folder / name).stat()
            found.append([str(folder / name), stat.st_size, stat.st_mtime_ns, stat.st_ino])
        except OSError:
            found.append([str(folder / name), None])
    return found


@cache
def _places_code() -> str:
    """Changes with the code that finds the places (`domain.communes`, `domain.matching.Place`)."""
    digest = hashlib.sha256(repr(PLACE_FIELDS).encode())
    for module in (communes, sys.modules[Place.__module__], sys.modules[__name__]):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()
