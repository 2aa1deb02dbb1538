"""NocoDB failing in every way it can — frozen (SIGSTOP), stopped (SIGTERM), killed (SIGKILL) — is one
NocoDBError in French, in bounded time, shown on a page as a banner, never a traceback; and once NocoDB is
back (SIGCONT, started again) reads work again. A NocoDB of its own for this module: these tests freeze and
kill it."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import apptest
import pytest
import streamlit as st
from apptest import click, open_page, point_app_at, signed_in_state
from cli_run import run_cli

from domain.access import COORDINATOR
from errors import Unreachable
from server.bootstrap import bootstrap, ensure_secrets
from server.process import start_nocodb, stop, throwaway_settings
from server.users import add_user, admin_client
from store.base import Base
from store.client import NocoClient
from store.migrate import migrate
from tests.conftest import Server

pytestmark = pytest.mark.nocodb
TIMEOUT = 3.0  # CPTS_NOCODB_TIMEOUT of these tests


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    settings = throwaway_settings(tmp_path_factory.mktemp("faults-data"))
    secrets, first = ensure_secrets(settings)
    service = start_nocodb(settings, secrets)
    running = Server(settings, secrets, service, bootstrap(settings, secrets, first))
    try:
        yield running
    finally:
        signal_group(running, signal.SIGCONT)
        stop(running.service.process.pid)


@pytest.fixture(scope="module")
def base(server: Server) -> Base:
    client = server.client()
    created = client.create_base("Pannes")
    migrate(client, created["id"])
    return Base(client, created["id"], "Pannes")


@pytest.fixture(scope="module")
def coordinator_email(server: Server, base: Base) -> str:
    with admin_client(server.settings) as admin:
        return add_user(admin, base.id, "coordinateur.pannes@cpts.fr", COORDINATOR).email


@pytest.fixture
def page_env(server: Server, base: Base, coordinator_email: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app reads this module's NocoDB through its API (as a NocoDB elsewhere), answers awaited 3 s."""
    point_app_at(monkeypatch, server, base.id)
    monkeypatch.setenv("CPTS_NOCODB_URL", server.url)
    monkeypatch.setenv("CPTS_NOCODB_TOKEN", server.secrets["CPTS_API_TOKEN"])
    monkeypatch.setenv("CPTS_NOCODB_TIMEOUT", str(TIMEOUT))
    monkeypatch.setattr(apptest, "SIGNED_IN", signed_in_state(coordinator_email))


def signal_group(server: Server, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.service.process.pid, sig)


def restart(server: Server) -> None:
    server.service.process.wait(timeout=30)
    server.service = start_nocodb(server.settings, server.secrets)


def failure(call: object, *args: object) -> tuple[Unreachable, float]:
    """The Unreachable `call(*args)` raises, and how long it took."""
    start = time.monotonic()
    with pytest.raises(Unreachable) as error:
        call(*args)  # type: ignore[operator]
    return error.value, time.monotonic() - start


def fresh_session() -> None:
    """A new app process as far as caches go: the base is looked for again in NocoDB."""
    st.cache_data.clear()
    st.cache_resource.clear()


def banner_only(app: apptest.AppTest) -> str:
    """The page's error banner (French, no traceback); fails on any exception element."""
    assert not app.exception, [e.value for e in app.exception]
    errors = [e.value for e in app.error]
    assert errors and "Impossible de lire les données de la CPTS" in errors[0], errors
    assert "Traceback" not in errors[0] and "httpx" not in errors[0] and ".py" not in errors[0]
    return str(errors[0])


def test_a_frozen_nocodb_is_unreachable_in_bounded_time_then_answers_again(server: Server, base: Base) -> None:
    client = NocoClient(server.url, token=server.secrets["CPTS_API_TOKEN"], timeout=TIMEOUT)
    assert client.bases()
    signal_group(server, signal.SIGSTOP)
    try:
        read, read_took = failure(client.bases)
        write, write_took = failure(client.create_base, "Jamais créée")
        status = run_cli(server, base, "status")
    finally:
        signal_group(server, signal.SIGCONT)
    for error, took in ((read, read_took), (write, write_took)):
        assert f"NocoDB ne répond pas à {server.url} : pas de réponse en 3 s" in str(error)
        assert took < TIMEOUT + 3  # not retried: a time-out already waited
    assert "ne répond pas alors qu'il tourne (bloqué ?)" in status.stdout.splitlines()[0], status.stdout
    assert "None" not in status.stdout and status.returncode == 0
    assert any(b["id"] == base.id for b in client.bases())
    client.close()


def test_a_frozen_nocodb_shows_a_banner_and_the_page_recovers(server: Server, page_env: None) -> None:
    app = open_page()
    assert app.metric and not app.warning
    signal_group(server, signal.SIGSTOP)
    try:
        click(app, "Rafraîchir")  # fails on an exception element
        assert app.metric  # the last good copy, still shown
        assert any("NocoDB ne répond plus depuis" in warning.value for warning in app.warning)
        fresh_session()
        assert "pas de réponse en 3 s" in banner_only(opened())
    finally:
        signal_group(server, signal.SIGCONT)
    fresh_session()
    app = open_page()
    assert app.metric and not app.error
    click(app, "Rafraîchir")
    assert not any("ne répond plus" in warning.value for warning in app.warning)


def opened() -> apptest.AppTest:
    """The app run once, as `open_page` runs it, but keeping an exception element for the caller to see."""
    app = apptest.AppTest.from_file(str(apptest.APP), default_timeout=apptest.RUN_TIMEOUT)
    for key, value in apptest.SIGNED_IN.items():
        app.session_state[key] = value
    return app.run()


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["arrêté", "tué"])
def test_a_dead_nocodb_is_unreachable_then_works_once_started_again(
    server: Server, base: Base, page_env: None, how: signal.Signals
) -> None:
    client = NocoClient(server.url, token=server.secrets["CPTS_API_TOKEN"], timeout=TIMEOUT)
    signal_group(server, how)
    server.service.process.wait(timeout=30)
    try:
        error, took = failure(client.bases)
        assert f"NocoDB ne répond pas à {server.url} : connexion refusée ou impossible" in str(error)
        assert took < 10  # four retries, 3 s of back-off
        fresh_session()
        assert "connexion refusée" in banner_only(opened())
    finally:
        restart(server)
    assert any(b["id"] == base.id for b in client.bases())
    fresh_session()
    app = open_page()
    assert app.metric and not app.error
    client.close()


def test_the_data_folder_stays_private_after_these_faults(server: Server) -> None:
    modes = {path: path.stat().st_mode & 0o777 for path in Path(server.settings.data_dir).rglob("*")}
    assert all(mode & 0o077 == 0 for mode in modes.values()), modes
