"""Reading the base's tables straight from NocoDB's own SQLite file (the embedded default), read-only.

NocoDB keeps its data in `<data>/nocodb/noco.db` unless it is given another database. Reading that file
costs a few microseconds per row where the API costs ~70 µs (NocoDB reshapes every row), and SQLite says for
free whether anything was written since the last read (`PRAGMA data_version`). Writes still go through the
API: NocoDB's history, hooks and validation stay NocoDB's.

The physical names of tables and columns come from NocoDB's meta API (`TableHandle.physical`); rows are
given back as the v2 data API gives them ({"Id": …, field title or foreign-key title: raw value}), so one
row reader serves both paths.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from errors import NotSetUp, Unreachable
from store.base import Base, TableHandle
from store.copies import Rows
from store.records import row_keys

BUSY_MILLISECONDS = 5_000  # how long a read waits for a NocoDB write to commit
SQLITE_REASONS = {  # SQLite's words -> what the reader is told
    "locked": "fichier verrouillé par une écriture qui ne se termine pas",
    "busy": "fichier verrouillé par une écriture qui ne se termine pas",
    "unable to open": "fichier introuvable ou illisible",
    "no such table": "table absente du fichier (./cpts migrate)",
    "disk i/o": "erreur de lecture du disque",
    "malformed": "fichier endommagé",
}


def unreadable(path: Path, error: sqlite3.Error) -> Unreachable:
    """A failed read of NocoDB's file, in French, naming the file but not the server's folders."""
    text = str(error).lower()
    reason = next((french for english, french in SQLITE_REASONS.items() if english in text), "erreur SQLite")
    return Unreachable(f"Lecture impossible du fichier de données de NocoDB ({path.name}) : {reason}.")


def write_ahead_logged(path: Path) -> bool:
    """Whether the SQLite file is in write-ahead-log mode (bytes 18-19 of its header are 2): only then may
    it be read beside NocoDB (`server.process.write_ahead_log`)."""
    try:
        with open(path, "rb") as file:
            header = file.read(20)
    except OSError:
        return False
    return len(header) == 20 and header[18] == 2 and header[19] == 2


class SqliteSource:
    """Whole tables read from NocoDB's SQLite file, all in one read transaction (a consistent state)."""

    def __init__(self, base: Base, path: Path) -> None:
        if not path.is_file():
            raise NotSetUp(f"Fichier de données NocoDB introuvable : {path}")
        self.path = path
        self._start(base)

    def _start(self, base: Base) -> None:
        self.base = base
        self._lock = threading.Lock()
        self._connection: Any = None  # sqlite3.Connection (psycopg.Connection for store.postgres)
        self._epoch = 0  # connections opened so far: SQLite's data_version counts per connection
        self._schema_version: int | None = None
        self._queries: dict[str, Query] = {}
        self._shapes: dict[str, Shape] = {}  # by table id: the table's shape at its last read

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            uri = f"file:{self.path}?mode=ro"
            try:
                connection = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            except sqlite3.Error as error:
                raise unreadable(self.path, error) from error
            connection.execute(f"PRAGMA busy_timeout = {BUSY_MILLISECONDS}")
            mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":  # a reader would make NocoDB's writes fail (SQLITE_BUSY)
                connection.close()
                raise NotSetUp(f"{self.path} n'est pas en mode WAL : relancez NocoDB avec ./cpts up")
            self._connection = connection
            self._epoch += 1
        opened: sqlite3.Connection = self._connection
        return opened

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    def stamp(self) -> Hashable | None:
        """A token that changes whenever anything was written to the file (SQLite's own counter, free)."""
        with self._lock:
            try:
                return (self._epoch, self._pragma("data_version"))
            except sqlite3.Error:
                return None

    def _pragma(self, name: str) -> int:
        return int(self._connect().execute(f"PRAGMA {name}").fetchone()[0])

    def read(self, handles: Sequence[TableHandle], have: frozenset[str]) -> tuple[Hashable, dict[str, Rows | None]]:
        """Every row of these tables (by table key), as the v2 data API gives them, read in one transaction;
        for a table of `have`, only its rows edited since its last read (`Rows.partial`), or None when none
        was (see `_rows`)."""
        with self._lock:
            try:
                return self._read(handles, have)
            except sqlite3.Error as error:
                if self._connection is not None:
                    self._connection.close()
                    self._connection = None
                raise unreadable(self.path, error) from error

    def memo(self, handle: TableHandle) -> tuple[Any, ...] | None:
        """The table's shape at its last read (see `_rows`), as plain values: kept with a copy of its rows for
        another process (`store.snapshot`), it lets that process read only the rows edited since."""
        with self._lock:
            shape = self._shapes.get(handle.id)
        return None if shape is None else (shape.schema_version, tuple(shape.rows), shape.last_edit)

    def remember(self, handle: TableHandle, memo: Any) -> None:
        """Take the shape of the table's last read as another process saw it (`memo`), with the copy of its
        rows the caller now holds (a shape of another schema is never compared: see `_rows`)."""
        if isinstance(memo, tuple) and len(memo) == 3 and isinstance(memo[1], tuple):
            with self._lock:
                self._shapes[handle.id] = Shape(*memo)

    def _read(self, handles: Sequence[TableHandle], have: frozenset[str]) -> tuple[Hashable, dict[str, Rows | None]]:
        connection = self._connect()
        connection.execute("BEGIN")
        try:
            schema_version = self._pragma("schema_version")
            if schema_version != self._schema_version:  # a table or a column was added, renamed or dropped
                self._queries.clear()
                self._schema_version = schema_version
            data_version = self._pragma("data_version")
            rows = {handle.spec.key: self._rows(connection, handle, handle.spec.key in have) for handle in handles}
        finally:
            connection.execute("COMMIT")
        return (self._epoch, data_version), rows

    def _rows(self, connection: Any, handle: TableHandle, held: bool) -> Rows | None:
        """The table's rows; when the caller holds a copy and no row was added, deleted or relinked since
        the last read, only the rows edited since then (`Rows.partial`), None if there are none."""
        query = self._query(handle)
        now = Shape.of(self._schema_version, connection.execute(query.shape).fetchone())
        before = self._shapes.get(handle.id)
        self._shapes[handle.id] = now
        if held and before is not None and before.same_rows(now):
            since = before.last_edit or self.EARLIEST  # no row edited yet: any edit is later
            edited = connection.execute(query.edited_since, (since,)).fetchall()
            return Rows(query.keys, edited, partial=True) if edited else None
        return Rows(query.keys, connection.execute(query.select).fetchall())

    def _query(self, handle: TableHandle) -> Query:
        if handle.id not in self._queries:
            self._queries[handle.id] = query_of(handle, self.base.client.table(handle.id))
        return self._queries[handle.id]

    EARLIEST: Any = ""  # a value every time of an edit is at or after


class Query(NamedTuple):
    select: str  # the table's fields under their physical names, by Id
    keys: list[str]  # the API key of each selected column
    shape: str  # one row that changes whenever a row is added, deleted or relinked; last: the last edit
    edited_since: str  # the rows edited at or after a time (the last edit seen at the previous read)


class Shape(NamedTuple):
    """What a table's shape query gave, under which schema: rows were added, deleted or relinked since when
    `rows` differs (or the schema did), and rows edited since have an edit time at or after `last_edit`."""

    schema_version: int | None
    rows: tuple[Any, ...]
    last_edit: str | None

    @classmethod
    def of(cls, schema_version: int | None, row: tuple[Any, ...]) -> Shape:
        return cls(schema_version, tuple(row[:-1]), row[-1])

    def same_rows(self, other: Shape) -> bool:
        return (
            self.schema_version is not None and self.schema_version == other.schema_version and self.rows == other.rows
        )


class Dialect(NamedTuple):
    """What differs between SQLite's SQL and another engine's in these queries."""

    total: str = "total({})"  # a sum that is 0.0 (a float) on no rows or only NULLs
    parameter: str = "?"
    number: str = "{}"  # a column as a number wide enough for the products of ids (PostgreSQL: float8)
    table: str = "{}"  # the table's quoted name, qualified if need be (PostgreSQL: its schema)


SQLITE = Dialect()


def query_of(handle: TableHandle, table: dict[str, Any], dialect: Dialect = SQLITE) -> Query:
    """The queries of a spec table, with the physical names of NocoDB's meta (`table`: v2 meta of the table).

    Every edit through NocoDB sets the row's UpdatedAt (to the second), except links changed from a link
    cell (and links emptied when the linked row is deleted), which only change a foreign key: hence, in
    the shape, sums of the foreign keys, plain, weighted by Id and squared (a change of one or two rows
    always changes them). Rows edited in the same second as the last edit seen are read again."""
    physical = {column["title"]: column["column_name"] for column in table["columns"]}
    keys = row_keys(handle)
    missing = [key for key in keys if not physical.get(key)]
    if missing:
        raise NotSetUp(f"Colonnes introuvables dans « {handle.title} » : {', '.join(missing)} (./cpts migrate)")
    name, id_column = dialect.table.format(_quoted(table["table_name"])), _quoted(physical["Id"])
    select = f"SELECT {', '.join(_quoted(physical[key]) for key in keys)} FROM {name} ORDER BY {id_column}"
    created, edited = (_quoted(_system(table, kind)) for kind in ("CreatedTime", "LastModifiedTime"))
    foreign = [_quoted(physical[key]) for key in handle.fk_titles.values()]
    parts = [
        "count(*)",
        f"max({id_column})",
        f"max({created})",
        *(dialect.total.format(term) for fk in foreign for term in _link_sums(fk, id_column, dialect)),
        f"max({edited})",
    ]
    shape = f"SELECT {', '.join(parts)} FROM {name}"
    edited_since = select.replace(" ORDER BY ", f" WHERE {edited} >= {dialect.parameter} ORDER BY ")
    return Query(select, keys, shape, edited_since)


def _link_sums(fk: str, id_column: str, dialect: Dialect) -> tuple[str, str, str]:
    """The foreign key, weighted by Id and squared: summed, any change of one or two links changes them."""
    key, row = dialect.number.format(fk), dialect.number.format(id_column)
    return key, f"{key} * {row}", f"{key} * {key}"


def _system(table: dict[str, Any], kind: str) -> str:
    """The physical column of a system field (CreatedTime, LastModifiedTime)."""
    found = [c["column_name"] for c in table["columns"] if c.get("uidt") == kind and c.get("system")]
    found = found or [c["column_name"] for c in table["columns"] if c.get("uidt") == kind]
    if not found:
        raise NotSetUp(f"Champ système {kind} introuvable dans « {table.get('title')} »")
    return str(found[0])


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
