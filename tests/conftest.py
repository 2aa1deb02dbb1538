"""Shared fixtures: one real NocoDB for the whole test session, one fresh base per test module."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from domain.access import COORDINATOR
from pages.access import SESSION_EMAIL, SESSION_ROLE, SESSION_SEEN
from schema.migrate import migrate
from settings import Settings
from sync.base import Base
from sync.bootstrap import Bootstrap, bootstrap, ensure_secrets
from sync.client import NocoClient
from sync.server import Service, start_nocodb, stop, throwaway_settings
from sync.users import UserAdded, add_user, admin_client

_base_numbers = itertools.count(1)


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


@pytest.fixture(scope="session")
def nocodb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A real NocoDB started for this test session on a free port, in a temporary folder."""
    settings = throwaway_settings(tmp_path_factory.mktemp("cpts-data"))
    secrets, first = ensure_secrets(settings)
    service = start_nocodb(settings, secrets)
    try:
        yield Server(settings, secrets, service, bootstrap(settings, secrets, first))
    finally:
        stop(service.process.pid)


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


@pytest.fixture(scope="module")
def coordinator(nocodb: Server, base: Base, request: pytest.FixtureRequest) -> UserAdded:
    """A real NocoDB user, editor of this module's base: app.py lets them in as a coordinator."""
    name = request.module.__name__.rsplit(".", 1)[-1].replace("_", "-")
    with admin_client(nocodb.settings) as admin:
        return add_user(admin, base.id, f"coordinateur.{name}@cpts.fr", COORDINATOR)


def signed_in(app: AppTest, email: str, role: str = COORDINATOR) -> AppTest:
    """The AppTest session starts signed in, as the sign-in form leaves it. A page file run directly only
    checks the role (`require_coordinator`); app.py also checks the account in NocoDB (`coordinator`)."""
    app.session_state[SESSION_EMAIL] = email
    app.session_state[SESSION_ROLE] = role
    app.session_state[SESSION_SEEN] = time.monotonic()
    return app


@pytest.fixture
def served_navigation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every AppTest run goes through app.py, as in the served app. AppTest turns Streamlit's old pages/
    folder mode back on at every run (a rerun then runs the page file alone); the app's launcher turns it
    off (sync.server.APP_LAUNCHER), and so does this fixture."""
    original = PagesManager.__init__

    def without_pages_folder(self: PagesManager, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", without_pages_folder)
