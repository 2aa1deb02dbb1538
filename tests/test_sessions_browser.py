"""Sessions across reloads, in headless Chromium against the served app: a reload, a new tab or a bookmark
stays signed in (HttpOnly, SameSite=Strict cookie); after sign-out the same cookie, even copied elsewhere,
opens nothing; a bureau cookie never opens a coordinator page; a tampered cookie is refused."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, BrowserContext, Cookie, Page, expect

from domain.access import BOARD, COORDINATOR
from domain.sessions import COOKIE, OPEN_PATH
from server.process import Service
from server.users import UserAdded
from settings import Settings
from store.base import Base
from tests.browser_fixture import WAIT_MS, accounts_of, app_url, sign_in
from tests.conftest import Server

pytestmark = pytest.mark.browser
WAITING_LIST = "/patients-en-attente"


@pytest.fixture(scope="module")
def accounts(nocodb: Server, base: Base) -> dict[str, UserAdded]:
    return accounts_of(nocodb, base, "session")


@pytest.fixture(scope="module")
def app(served: tuple[Settings, Service]) -> Settings:
    """The settings of the app served on this module's base."""
    return served[0]


def visit(context: BrowserContext, settings: Settings, path: str = "/") -> Page:
    page = context.new_page()
    page.goto(app_url(settings, path), timeout=WAIT_MS)
    return page


def new_context(browser: Browser) -> BrowserContext:
    return browser.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR")


def signed_in_context(browser: Browser, settings: Settings, account: UserAdded, path: str = "/") -> Page:
    """A new browser (context) signed in through the Connexion page at `path`, its cookie received."""
    page = visit(new_context(browser), settings, path)
    sign_in(page, account.email, str(account.password))
    session_cookie(page.context)
    expect_signed_in(page, account)  # the page opened again, signed in by its cookie
    return page


def session_cookie(context: BrowserContext) -> Cookie:
    found = [cookie for cookie in context.cookies() if cookie.get("name") == COOKIE]
    assert found, "no session cookie after sign-in"
    return found[0]


def cookie_of(browser: Browser, settings: Settings, account: UserAdded) -> Cookie:
    """The session cookie of `account`, signed in from a browser then closed."""
    page = signed_in_context(browser, settings, account)
    cookie = session_cookie(page.context)
    page.context.close()
    return cookie


def expect_signed_in(page: Page, account: UserAdded) -> None:
    role = COORDINATOR if COORDINATOR in account.email else BOARD
    expect(page.get_by_text(f"Connecté : {account.email} · {role}")).to_be_visible(timeout=WAIT_MS)


def expect_sign_in_form(page: Page) -> None:
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible(timeout=WAIT_MS)
    page.wait_for_timeout(1000)
    assert not page.get_by_text("Connecté :").count()


def replayed(browser: Browser, settings: Settings, cookie: Cookie, path: str = "/", value: str = "") -> Page:
    """A fresh browser given only `cookie` (as copied from another; its value replaced by `value` if any),
    opening `path`."""
    context = new_context(browser)
    name, domain, cookie_path = cookie.get("name", ""), cookie.get("domain", ""), cookie.get("path", "/")
    context.add_cookies(
        [{"name": name, "value": value or cookie.get("value", ""), "domain": domain, "path": cookie_path}]
    )
    return visit(context, settings, path)


def test_reload_and_new_tab_stay_signed_in_with_a_strict_httponly_cookie(
    browser: Browser, app: Settings, accounts: dict[str, UserAdded]
) -> None:
    coordinator = accounts[COORDINATOR]
    page = signed_in_context(browser, app, coordinator, WAITING_LIST)
    cookie = session_cookie(page.context)
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict" and cookie["path"] == "/"
    assert cookie["secure"] is False  # plain HTTP here: Secure only when served over HTTPS
    assert page.evaluate("document.cookie").find(COOKIE) == -1  # out of the page scripts' reach
    assert page.url.endswith(WAITING_LIST)  # back on the page asked for before signing in
    expect(page.get_by_text("Nouvelle demande")).to_be_visible(timeout=WAIT_MS)
    page.reload()
    expect_signed_in(page, coordinator)
    expect(page.get_by_text("Nouvelle demande")).to_be_visible(timeout=WAIT_MS)
    tab = visit(page.context, app, "/journal-d-acces")  # a new tab, or a bookmark
    expect_signed_in(tab, coordinator)
    expect(tab.get_by_role("heading", name="Journal d'accès")).to_be_visible(timeout=WAIT_MS)
    page.context.close()


def test_sign_out_closes_the_session_for_every_copy_of_the_cookie(
    browser: Browser, app: Settings, accounts: dict[str, UserAdded]
) -> None:
    coordinator = accounts[COORDINATOR]
    page = signed_in_context(browser, app, coordinator)
    copied = session_cookie(page.context)
    elsewhere = replayed(browser, app, copied, WAITING_LIST)  # the copy works while the session is open
    expect_signed_in(elsewhere, coordinator)
    elsewhere.context.close()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible(timeout=WAIT_MS)
    page.reload()
    expect_sign_in_form(page)
    page.context.close()
    after = replayed(browser, app, copied, WAITING_LIST)
    expect_sign_in_form(after)
    assert not after.get_by_text("Nouvelle demande").count()
    after.context.close()


def test_a_bureau_cookie_never_opens_a_coordinator_page(
    browser: Browser, app: Settings, accounts: dict[str, UserAdded]
) -> None:
    bureau = accounts[BOARD]
    cookie = cookie_of(browser, app, bureau)
    for path in (WAITING_LIST, "/journal-d-acces"):
        opened = replayed(browser, app, cookie, path)
        expect_signed_in(opened, bureau)
        expect(opened.get_by_text("Page réservée aux coordinateurs")).to_be_visible(timeout=WAIT_MS)
        opened.wait_for_timeout(1000)
        assert not opened.get_by_text("Nouvelle demande").count()
        assert not opened.get_by_role("heading", name="Journal d'accès").count()
        opened.context.close()


def test_a_tampered_or_invented_cookie_is_refused(
    browser: Browser, app: Settings, accounts: dict[str, UserAdded]
) -> None:
    cookie = cookie_of(browser, app, accounts[BOARD])
    session_id, _, signature = cookie.get("value", "").rpartition(".")
    for value in (f"{session_id}x.{signature}", session_id, f"{'A' * 43}.{signature}"):
        opened = replayed(browser, app, cookie, value=value)
        expect_sign_in_form(opened)
        opened.context.close()


def caught_ticket_link(browser: Browser, settings: Settings, account: UserAdded) -> str:
    """The /session/ouvrir link the app sends the browser to after `account` signs in, caught unused."""
    context = new_context(browser)
    caught: list[str] = []
    context.route(f"**{OPEN_PATH}*", lambda route: (caught.append(route.request.url), route.abort()))
    page = visit(context, settings)
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible(timeout=WAIT_MS)
    page.get_by_label("Adresse e-mail").fill(account.email)
    page.get_by_label("Mot de passe", exact=True).fill(str(account.password))
    page.get_by_role("button", name="Se connecter").click()
    for _ in range(WAIT_MS // 100):
        if caught:
            break
        page.wait_for_timeout(100)
    context.close()
    assert len(caught) == 1
    return caught[0]


def cookie_after_following(browser: Browser, opener: str, link: str) -> bool:
    """Whether a fresh browser gets a session cookie when a script of the page at `opener` sends it to `link`."""
    context = new_context(browser)
    page = context.new_page()
    page.goto(opener, timeout=WAIT_MS)
    with page.expect_navigation(timeout=WAIT_MS):
        page.evaluate("link => { window.location.href = link }", link)
    found = any(cookie.get("name") == COOKIE for cookie in context.cookies())
    context.close()
    return found


def test_a_ticket_link_followed_from_another_site_signs_nobody_in(
    browser: Browser, app: Settings, accounts: dict[str, UserAdded]
) -> None:
    """A signed-in user's ticket link, caught before use and opened from another site's page (a login CSRF:
    the victim would be signed in to the attacker's session), gives no cookie; from the app's page, it does."""
    link = caught_ticket_link(browser, app, accounts[BOARD])
    assert not cookie_after_following(browser, f"http://localhost:{app.app_port}/", link)  # another site
    assert cookie_after_following(browser, app_url(app), link)  # the same ticket, still unused, from the app
