"""Reading the base's tables straight from NocoDB's PostgreSQL (the cluster of `./cpts up --postgres`), in a
read-only transaction: what `store.sqlite` does for the embedded SQLite file, with the same queries
(`query_of`, in PostgreSQL's dialect) and the same rows given back as the v2 data API gives them.

Whether anything was written since the last read: the cluster's write-ahead-log position
(`pg_current_wal_lsn()`, one cheap query), which moves with every committed write; when it moved, each
table's shape query says whether to read it whole or only its rows edited since. Writes still go through
NocoDB's API.

Connections: every base of a server lives in the same database (one schema per base), so the copies of all
its bases share a few connections (`Pool`, one per cluster and process) borrowed for one check or one read
and given back: the connections the app holds do not grow with the number of bases (PostgreSQL refuses
clients past `max_connections`, 100 by default), each read still sees one moment (its own transaction). Needs psycopg (requirements.txt); without it, or without the cluster's password, the app reads
through the API (`store.copies.ApiSource`).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Hashable, Iterator, Mapping, Sequence
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
APPLICATION_NAME = "cpts-app"  # how the app's connections show in pg_stat_activity
# Connections kept open per cluster between reads, shared by every base's copy of one process: reads of a
# process mostly follow one another (a page reads its bases in turn); a read while all are busy opens one
# more and closes it after.
IDLE_PER_CLUSTER = 4


def conninfo(secrets: Mapping[str, str]) -> str | None:
    """The libpq connection string of the data folder's cluster (secrets.env), None when it has none."""
    port, password = secrets.get(PG_PORT_KEY), secrets.get(PG_PASSWORD_KEY)
    if not port or not password:
        return None
    return (
        f"host=127.0.0.1 port={port} user={PG_USER} dbname={PG_DATABASE} password='{password}' "
        f"application_name={APPLICATION_NAME}"
    )


def available() -> bool:
    """Whether psycopg is installed (it is pinned in requirements.txt; a NocoDB elsewhere does not need it)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return False
    return True


class Pool:
    """The idle connections of one cluster in this process (at most IDLE_PER_CLUSTER), lent one at a time."""

    def __init__(self, conninfo: str) -> None:
        self.conninfo = conninfo
        self._idle: list[Any] = []
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def connection(self) -> Iterator[Any]:
        """An open connection (autocommit) for the time of a block: given back idle after it, closed when the
        block failed or enough are idle."""
        import psycopg

        with self._lock:
            connection = self._idle.pop() if self._idle else None
        if connection is None or connection.closed:
            try:
                connection = psycopg.connect(self.conninfo, autocommit=True, connect_timeout=10)
            except psycopg.Error as error:
                raise unreadable(error) from error
        try:
            yield connection
        except BaseException as error:
            connection.close()
            if isinstance(error, psycopg.OperationalError):  # the server went away: so did the idle ones
                self.close()
            raise
        idle = connection.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        with self._lock:
            if idle and len(self._idle) < IDLE_PER_CLUSTER:
                self._idle.append(connection)
                return
        connection.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()


_pools: dict[str, Pool] = {}
_pools_lock = threading.Lock()


def pool_of(conninfo: str) -> Pool:
    """The pool of this process for the cluster of `conninfo`."""
    with _pools_lock:
        return _pools.setdefault(conninfo, Pool(conninfo))


class PgSource(SqliteSource):
    """Whole tables read from NocoDB's PostgreSQL database, all in one read-only transaction, on a connection
    borrowed from the cluster's pool."""

    EARLIEST = "-infinity"

    def __init__(self, base: Base, conninfo: str) -> None:  # not SqliteSource's: no file
        self.conninfo = conninfo
        self.pool = pool_of(conninfo)
        self._start(base)
        self._schema_version = 0  # no counter of schema changes here: shapes are forgotten with the queries

    def _connect(self) -> Any:
        """The connection borrowed for the current check or read (`_borrowed`)."""
        assert self._connection is not None, "PgSource: connection used outside _borrowed"
        return self._connection

    @contextlib.contextmanager
    def _borrowed(self) -> Iterator[Any]:
        with self.pool.connection() as connection:
            self._connection = connection
            try:
                yield connection
            finally:
                self._connection = None

    def stamp(self) -> Hashable | None:
        """The cluster's write-ahead-log position: it moves with every committed write."""
        import psycopg

        with self._lock:
            try:
                with self._borrowed() as connection:
                    return (self._epoch, str(connection.execute("SELECT pg_current_wal_lsn()").fetchone()[0]))
            except (psycopg.Error, Unreachable):
                self._drop()
                return None

    def read(self, handles: Sequence[TableHandle], have: frozenset[str]) -> tuple[Hashable, dict[str, Rows | None]]:
        import psycopg

        with self._lock:
            try:
                with self._borrowed():
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
        """After a failed check or read, forget the queries (a migration may have changed the tables); the next
        stamp differs (the epoch), so the next look reads again."""
        self._epoch += 1
        self._queries.clear()
        self._shapes.clear()

    def close(self) -> None:
        """Nothing of this base's is open between reads (the pool's connections are the cluster's)."""

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
