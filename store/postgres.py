"""Reading the base's tables straight from NocoDB's PostgreSQL (the cluster of `./cpts up --postgres`), in a
read-only transaction: what `store.sqlite` does for the embedded SQLite file, with the same queries
(`query_of`, in PostgreSQL's dialect) and the same rows given back as the v2 data API gives them.

Whether anything was written since the last read: the cluster's write-ahead-log position
(`pg_current_wal_lsn()`, one cheap query), which moves with every committed write; when it moved, each
table's shape query says whether to read it whole or only its rows edited since. Writes still go through
NocoDB's API. Needs psycopg (requirements.txt); without it, or without the cluster's password, the app reads
through the API (`store.copies.ApiSource`).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from errors import NotSetUp, Unreachable
from settings import PG_DATABASE, PG_PASSWORD_KEY, PG_PORT_KEY, PG_USER
from store.base import Base, TableHandle
from store.copies import Rows
from store.sqlite import Dialect, Query, SqliteSource, query_of

if TYPE_CHECKING:
    import psycopg

POSTGRES = Dialect(total="coalesce(sum({}), 0)", parameter="%s", number="{}::float8", table="{}")
TRANSACTION = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"  # every table as of one moment
# NocoDB puts the tables of a base on its PostgreSQL in a schema named after the base's id (one per base).
SCHEMA_OF = "SELECT table_schema FROM information_schema.tables WHERE table_name = %s"


def conninfo(secrets: Mapping[str, str]) -> str | None:
    """The libpq connection string of the data folder's cluster (secrets.env), None when it has none."""
    port, password = secrets.get(PG_PORT_KEY), secrets.get(PG_PASSWORD_KEY)
    if not port or not password:
        return None
    return f"host=127.0.0.1 port={port} user={PG_USER} dbname={PG_DATABASE} password='{password}'"


def available() -> bool:
    """Whether psycopg is installed (it is pinned in requirements.txt; a NocoDB elsewhere does not need it)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return False
    return True


class PgSource(SqliteSource):
    """Whole tables read from NocoDB's PostgreSQL database, all in one read-only transaction."""

    EARLIEST = "-infinity"

    def __init__(self, base: Base, conninfo: str) -> None:  # not SqliteSource's: no file
        self.conninfo = conninfo
        self._start(base)
        self._schema_version = 0  # no counter of schema changes here: shapes are forgotten with the queries

    def _connect(self) -> Any:
        import psycopg

        if self._connection is None:
            try:
                self._connection = psycopg.connect(self.conninfo, autocommit=True, connect_timeout=10)
            except psycopg.Error as error:
                raise unreadable(error) from error
            self._epoch += 1
        return self._connection

    def stamp(self) -> Hashable | None:
        """The cluster's write-ahead-log position: it moves with every committed write."""
        import psycopg

        with self._lock:
            try:
                return (self._epoch, str(self._connect().execute("SELECT pg_current_wal_lsn()").fetchone()[0]))
            except (psycopg.Error, Unreachable):
                self._drop()
                return None

    def read(self, handles: Sequence[TableHandle], have: frozenset[str]) -> tuple[Hashable, dict[str, Rows | None]]:
        import psycopg

        with self._lock:
            try:
                return self._read_all(handles, have)
            except psycopg.Error as error:
                self._drop()
                raise unreadable(error) from error

    def _read_all(
        self, handles: Sequence[TableHandle], have: frozenset[str]
    ) -> tuple[Hashable, dict[str, Rows | None]]:
        connection = self._connect()
        connection.execute(TRANSACTION)
        try:
            position = str(connection.execute("SELECT pg_current_wal_lsn()").fetchone()[0])
            rows = {handle.spec.key: self._rows(connection, handle, handle.spec.key in have) for handle in handles}
        finally:
            connection.execute("COMMIT")
        return (self._epoch, position), rows

    def _drop(self) -> None:
        """Forget the connection and the queries (a migration may have changed the tables)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._queries.clear()
        self._shapes.clear()

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _rows(self, connection: Any, handle: TableHandle, held: bool) -> Rows | None:
        rows = super()._rows(connection, handle, held)
        return rows._replace(values=[tuple(map(as_utc, row)) for row in rows.values]) if rows else None

    def _query(self, handle: TableHandle) -> Query:
        if handle.id not in self._queries:
            table = self.base.client.table(handle.id)
            schemas = {str(row[0]) for row in self._connect().execute(SCHEMA_OF, (table["table_name"],))}
            schema = self.base.id if self.base.id in schemas else next(iter(schemas), None)
            if schema is None or (len(schemas) > 1 and schema != self.base.id):
                raise NotSetUp(f"Table « {handle.title} » introuvable dans PostgreSQL (schémas : {len(schemas)}).")
            schema = '"' + schema.replace('"', '""') + '"'
            dialect = POSTGRES._replace(table=schema + ".{}")
            self._queries[handle.id] = query_of(handle, table, dialect)
        return self._queries[handle.id]


def as_utc(value: Any) -> Any:
    """A value as the API gives it: NocoDB keeps a date and time on PostgreSQL in a column without time zone,
    in UTC (the API and SQLite say +00:00); psycopg reads it naive."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def unreadable(error: psycopg.Error) -> Unreachable:
    """A failed read of NocoDB's database, in French, without the connection's password."""
    kind = type(error).__name__
    return Unreachable(f"Lecture impossible de la base PostgreSQL de NocoDB ({kind}).")
