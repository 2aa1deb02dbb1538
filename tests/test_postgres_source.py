"""The shared copy read straight from NocoDB's PostgreSQL (`store.postgres.PgSource`) gives what the API gives,
table for table, on the small demo (every table has rows); a write through NocoDB is seen at the next read,
not 15 s later. Runs only with the session NocoDB on PostgreSQL (CPTS_TEST_ENGINE=postgres)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import psycopg
import pytest
from conftest import Server, session_engine

from schema.models import MEMBERS, TABLES
from services.seed import seed_demo
from store.base import Base
from store.copies import ApiSource, SharedTables
from store.postgres import APPLICATION_NAME, IDLE_PER_CLUSTER, PgSource, conninfo

pytestmark = pytest.mark.skipif(session_engine() != "postgres", reason="NocoDB sur SQLite dans cette passe")


@pytest.fixture(scope="module")
def demo(base: Base) -> Base:
    seed_demo(base, "small")
    return base


@pytest.fixture
def source(nocodb: Server, demo: Base) -> Iterator[PgSource]:
    database = conninfo(nocodb.secrets)
    assert database is not None
    source = PgSource(demo, database)
    yield source
    source.close()


def test_every_table_reads_as_through_the_api(demo: Base, source: PgSource) -> None:
    started = time.perf_counter()
    api = SharedTables(demo, ApiSource(demo)).loaded(TABLES)
    through_api = time.perf_counter() - started
    started = time.perf_counter()
    direct = SharedTables(demo, source).loaded(TABLES)
    straight = time.perf_counter() - started
    print(f"\nlecture de toutes les tables : API {through_api:.2f} s, PostgreSQL {straight:.2f} s")
    for spec in TABLES:
        assert direct[spec.key].records == api[spec.key].records, spec.title
        assert direct[spec.key].problems == api[spec.key].problems, spec.title
    assert sum(len(loaded.records) for loaded in direct.values()) > 500


def test_a_write_through_nocodb_is_seen_at_the_next_read(demo: Base, source: PgSource) -> None:
    shared = SharedTables(demo, source)
    before = shared.loaded([MEMBERS])[MEMBERS.key]
    member = before.records[0]
    title = MEMBERS.field("structure_name").title
    demo.client.update(demo.handle(MEMBERS).id, [{"Id": member.id, title: "Maison de santé Éole"}])
    after = shared.loaded([MEMBERS])[MEMBERS.key]
    assert [m.structure_name for m in after.records if m.id == member.id] == ["Maison de santé Éole"]
    assert shared.loaded([MEMBERS])[MEMBERS.key] is after  # nothing written since: the same copy


def test_more_bases_than_the_cluster_takes_connections_share_a_few(nocodb: Server, demo: Base) -> None:
    """A server of more CPTS bases than PostgreSQL's max_connections: every copy checks and reads, and the
    app's connections stay those of its pool (one held per base would be refused past max_connections)."""
    database = conninfo(nocodb.secrets)
    assert database is not None
    with psycopg.connect(database, autocommit=True) as watcher:
        limit = int(watcher.execute("SHOW max_connections").fetchone()[0])
        sources = [PgSource(demo, database) for _ in range(limit + 5)]
        stamps = [source.stamp() for source in sources]
        assert None not in stamps
        assert sources[-1].read([demo.handle(MEMBERS)], frozenset())[1][MEMBERS.key] is not None
        held = watcher.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND pid <> pg_backend_pid()",
            (APPLICATION_NAME,),
        ).fetchone()[0]
    assert 1 <= held <= IDLE_PER_CLUSTER
