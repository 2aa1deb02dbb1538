"""Shared fixtures: one real NocoDB for the whole test session, one fresh base per test module.

Every test that needs the Node side (the `nocodb` fixture, directly or through `base`, `app_env`,
`coordinator`…; browser tests) is marked `nocodb`: `./cpts test -m "not nocodb"` runs the others, which
need neither NocoDB nor nocodb/node_modules. The test process reads the communes from the small extract
in tests/data/communes; the app and CLI that tests start as subprocesses read the full data.
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import apptest
import pytest
import streamlit as st
from apptest import point_app_at, signed_in_state

from domain import communes
from domain.access import COORDINATOR
from server.bootstrap import Bootstrap, bootstrap, ensure_secrets
from server.postgres import ensure_cluster
from server.process import Service, free_port, start_nocodb, start_postgres, stop, throwaway_settings
from server.users import UserAdded, add_user, admin_client
from settings import Settings
from store.base import Base
from store.client import NocoClient
from store.migrate import migrate

pytest_plugins = ["tests.browser_fixture"]  # the browser tests' fixtures: browser, served
_base_numbers = itertools.count(1)
COMMUNES_EXTRACT = Path(__file__).resolve().parent / "data/communes"  # written by its make.py
communes.use_data_dir(COMMUNES_EXTRACT)


# The modules `./cpts test` runs a second time with the session NocoDB on PostgreSQL (mark `postgres`):
# the migration, every table written and read back (demo, imports), the shared copy, users and sign-in,
# a page of each kind, backup and restore. README « PostgreSQL » says why not all of them.
POSTGRES_SUBSET = frozenset(
    {
        "test_migrate", "test_records", "test_copies", "test_freshness", "test_import", "test_rpps_import",
        "test_snp_io", "test_desk_io", "test_users", "test_sign_in", "test_home_page", "test_paging_pages",
        "test_form_requests", "test_backup", "test_postgres_parity", "test_postgres_source",
    }
)  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The `nocodb` mark on every test that uses the `nocodb` fixture or runs the app in a browser; the
    `postgres` mark on the tests of POSTGRES_SUBSET."""
    for item in items:
        if "nocodb" in getattr(item, "fixturenames", ()) or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.nocodb)
        if session_engine() == "postgres" and reads_the_sqlite_file(item):
            item.add_marker(pytest.mark.skip(reason="lit le fichier SQLite de NocoDB : absent sur PostgreSQL"))
        module = getattr(item, "module", None)
        if module is not None and module.__name__.rsplit(".", 1)[-1] in POSTGRES_SUBSET:
            item.add_marker(pytest.mark.postgres)


def reads_the_sqlite_file(item: pytest.Item) -> bool:
    """Whether a test reads NocoDB's SQLite file (store.sqlite): through a `nocodb_file` fixture, or as the
    "sqlite" case of a parametrised source."""
    params = getattr(getattr(item, "callspec", None), "params", {})
    return "nocodb_file" in getattr(item, "fixturenames", ()) or "sqlite" in params.values()


@pytest.fixture(autouse=True)
def communes_extract() -> None:
    """Each test starts on the communes extract (a page test runs app.py, which gives the full data)."""
    communes.use_data_dir(COMMUNES_EXTRACT)


@dataclass
class Server:
    settings: Settings
    secrets: dict[str, str]
    service: Service
    setup: Bootstrap

    @property
    def url(self) -> str:
        return self.settings.nocodb_url

    def client(self) -> NocoClient:
        return NocoClient(self.url, token=self.secrets["CPTS_API_TOKEN"], write_chunk=self.settings.write_chunk)


def session_engine() -> str:
    """The database of the session NocoDB: CPTS_TEST_ENGINE=postgres (a PostgreSQL cluster of the session's
    own, as `./cpts up --postgres` makes), else NocoDB's embedded SQLite."""
    engine = os.environ.get("CPTS_TEST_ENGINE") or "sqlite"
    if engine not in ("sqlite", "postgres"):
        raise pytest.UsageError(f"CPTS_TEST_ENGINE doit valoir sqlite ou postgres, pas {engine!r}")
    return engine


@pytest.fixture(scope="session")
def nocodb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A real NocoDB started for this test session on a free port, in a temporary folder, on the engine of
    CPTS_TEST_ENGINE."""
    settings = throwaway_settings(tmp_path_factory.mktemp("cpts-data"))
    settings = replace(settings, postgres=session_engine() == "postgres")
    secrets, first = ensure_secrets(settings)
    with contextlib.ExitStack() as stack:
        if settings.local_postgres:
            ensure_cluster(settings, secrets, port=free_port())
            database = start_postgres(settings, secrets)
            stack.callback(stop, database.process.pid)
        service = start_nocodb(settings, secrets)
        stack.callback(stop, service.process.pid)
        yield Server(settings, secrets, service, bootstrap(settings, secrets, first))


@pytest.fixture(scope="module")
def base(nocodb: Server, request: pytest.FixtureRequest) -> Iterator[Base]:
    """A fresh, migrated base for one test module."""
    client = nocodb.client()
    title = f"Test {request.module.__name__.rsplit('.', 1)[-1]} {next(_base_numbers)}"
    created = client.create_base(title)
    migrate(client, created["id"])
    yield Base(client, created["id"], title)
    client.delete_base(created["id"])
    client.close()


@pytest.fixture(autouse=True)
def fresh_caches() -> Iterator[None]:
    """Streamlit's caches emptied around every test, so no page sees another test's data."""
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def app_env(nocodb: Server, base: Base, coordinator: UserAdded, monkeypatch: pytest.MonkeyPatch) -> Base:
    """The environment the app reads: the test NocoDB, its secrets, the module's base; the app sessions
    that `apptest.open_page` starts are signed in as the module's coordinator."""
    point_app_at(monkeypatch, nocodb, base.id)
    monkeypatch.setattr(apptest, "SIGNED_IN", signed_in_state(coordinator.email))
    return base


@pytest.fixture(scope="module")
def coordinator(nocodb: Server, base: Base, request: pytest.FixtureRequest) -> UserAdded:
    """A real NocoDB user, editor of this module's base: app.py lets them in as a coordinator."""
    name = request.module.__name__.rsplit(".", 1)[-1].replace("_", "-")
    with admin_client(nocodb.settings) as admin:
        return add_user(admin, base.id, f"coordinateur.{name}@cpts.fr", COORDINATOR)
