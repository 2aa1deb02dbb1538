"""What the browser tests share: headless Chromium, the app served on the session's NocoDB, accounts of a
module's own and the sign-in form filled in.

Its fixtures (`browser`, `served`) are loaded for every module by tests/conftest.py; a module makes its accounts with `accounts_of(nocodb, base, tag)`: each module's e-mails carry its own tag, since
adding an e-mail that exists already keeps its first password.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from bench.browser import CHROMIUM, CHROMIUM_ARGS
from domain.access import BOARD, COORDINATOR
from server.process import Service, free_port, log_tail, start_app, stop
from server.users import UserAdded, add_user, admin_client
from settings import Settings
from store.base import Base

if TYPE_CHECKING:
    from tests.conftest import Server

WAIT_MS = 60_000

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "WAIT_MS", "accounts_of", "app_url", "open_page", "sign_in"]


def accounts_of(nocodb: Server, base: Base, tag: str) -> dict[str, UserAdded]:
    """A coordinator and a bureau member of this module's own: `{role}.{tag}@cpts.fr`."""
    with admin_client(nocodb.settings) as admin:
        return {role: add_user(admin, base.id, f"{role}.{tag}@cpts.fr", role) for role in (COORDINATOR, BOARD)}


@pytest.fixture(scope="module")
def served(nocodb: Server, base: Base, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Service]]:
    """The app freshly started on a free port (its own log), nobody having opened it yet."""
    settings = dataclasses.replace(nocodb.settings, app_port=free_port())
    logs = tmp_path_factory.mktemp("app-logs")
    service = start_app(settings, env={"CPTS_BASE_ID": base.id})
    service.log_path = Path(service.log_path)  # kept for the tests that read the log
    try:
        yield settings, service
    finally:
        stop(service.process.pid)
        (logs / "app.log").write_text(log_tail(service.log_path, lines=100_000), encoding="utf-8")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), f"{CHROMIUM} manque : installez-le (apt-get install -y chromium), ./cpts le fait."
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def app_url(settings: Settings, path: str = "/") -> str:
    return f"http://{settings.host}:{settings.app_port}{path}"


def open_page(browser: Browser, served: tuple[Settings, Service], path: str = "/") -> Page:
    settings, _ = served
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="fr-FR")
    page.goto(app_url(settings, path), timeout=WAIT_MS)
    return page


def sign_in(page: Page, email: str, password: str) -> None:
    """Fill in and send the sign-in form the app shows first; return once the page has opened again with
    the session's cookie (views.access sends the browser to /session/ouvrir, then back)."""
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible(timeout=WAIT_MS)
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe", exact=True).fill(password)
    with page.expect_navigation(timeout=WAIT_MS):
        page.get_by_role("button", name="Se connecter").click()
