"""bench/crowd.py's protocol-level sessions against the real app on the small demo: each signs in through the
app's own form and cookie route and gets its page run to the end; without the cookie, the sign-in form."""

from __future__ import annotations

import asyncio

import pytest

from bench import crowd
from bench.pages import by_title, url_of
from domain.access import COORDINATOR
from server.process import Service
from server.users import UserAdded
from services.seed import seed_demo
from settings import Settings
from store.base import Base
from tests.browser_fixture import accounts_of, app_url
from tests.conftest import Server
from views.access import IDLE_CHECK_SECONDS

WAITING = "Patients en attente"


@pytest.fixture(scope="module")
def demo(base: Base) -> Base:
    seed_demo(base, "small")
    return base


@pytest.fixture(scope="module")
def url(demo: Base, served: tuple[Settings, Service]) -> str:
    """The app served on the small demo (seeded before the app starts and reads it)."""
    return app_url(served[0]).rstrip("/")


@pytest.fixture(scope="module")
def coordinator_account(nocodb: Server, base: Base) -> UserAdded:
    account = accounts_of(nocodb, base, "foule")[COORDINATOR]
    assert account.password
    return account


def test_two_sessions_get_each_page_run_to_the_end(url: str, coordinator_account: UserAdded) -> None:
    assert coordinator_account.password
    figures = asyncio.run(crowd.crowd_at(url, coordinator_account.email, coordinator_account.password, 2, 1))
    for title in ("Accueil", WAITING):
        assert figures[title]["runs"] == 2, figures
        assert figures[title]["errors"] == 0, figures
        assert 0 < figures[title]["p50_s"] <= figures[title]["max_s"] < crowd.WAIT_S


async def shown_without_and_with_cookie(url: str, account: UserAdded) -> list[tuple[crowd.Run, int]]:
    """What the waiting list's URL runs for a session without cookie, with a forged one, with the account's:
    each run, and how many timers the session then has (the idle watcher's, signed in)."""
    waiting = url_of(by_title(WAITING))
    assert account.password
    cookie = await crowd.session_cookie(url, account.email, account.password)
    runs = []
    for sent in (None, cookie.rsplit(".", 1)[0] + ".forged", cookie):
        session = await crowd.Session.open(url, sent)
        try:
            runs.append((await session.run(waiting), len(session.ticks)))
        finally:
            await session.close()
    return runs


async def shown_after_a_tick(url: str, account: UserAdded) -> tuple[crowd.Run, int]:
    """The waiting list shown again once the idle watcher's tick has passed: that run, the fragment runs."""
    session = await crowd.signed_in(url, account.email, account.password or "", by_title(WAITING))
    try:
        await asyncio.sleep(IDLE_CHECK_SECONDS + 2)
        return await session.run(url_of(by_title(WAITING))), session.fragment_runs
    finally:
        await session.close()


def test_a_session_without_the_cookie_gets_the_sign_in_form(url: str, coordinator_account: UserAdded) -> None:
    (anonymous, _), (forged, _), (signed, timers) = asyncio.run(shown_without_and_with_cookie(url, coordinator_account))
    waiting = by_title(WAITING)
    assert timers == 1
    for refused in (anonymous, forged):
        assert refused.status == crowd.FINISHED
        assert not refused.shows(waiting)
        assert refused.hidden  # the stand-in at the page's URL, not the page
        assert "Connexion" in refused.texts
        assert set(crowd.SIGN_IN_FIELDS) <= set(refused.widgets)
    assert signed.shows(waiting), (signed.page, signed.exceptions)
    assert "Connexion" not in signed.texts
    assert not set(crowd.SIGN_IN_FIELDS) & set(signed.widgets)


def test_a_session_answers_the_idle_watcher_tick(url: str, coordinator_account: UserAdded) -> None:
    again, fragment_runs = asyncio.run(shown_after_a_tick(url, coordinator_account))
    assert fragment_runs >= 1
    assert again.shows(by_title(WAITING)), (again.page, again.exceptions)
