"""Every page of app.py, for both roles, on the hostile demo (`demo.hostile`: Markdown, HTML, formulas,
right-to-left marks, long values, emoji and empty strings in every free-text field): it renders without an
exception, and no Markdown-interpreting element (text, alerts, titles, captions, labels, help) carries a
hostile value unescaped; the hostile values are there, escaped (`views.common.plain`)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from apptest import point_app_at, rerun, signed_in
from playwright.sync_api import expect, sync_playwright
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import AlertBase, Block, Element, HeadingBase, Html, Markdown, Node, Toast
from test_browser import WAIT_MS, sign_in

from app import SECTIONS
from bench.browser import CHROMIUM, CHROMIUM_ARGS
from demo.generate import generate
from demo.hostile import hostile
from domain.access import BOARD, COORDINATOR
from domain.permissions import can
from server.process import free_port, start_app, stop
from server.users import UserAdded, add_user, admin_client
from services.seed import seed
from settings import ROOT
from store.base import Base
from tests.conftest import Server
from views.access import Page
from views.common import plain

APP = ROOT / "app.py"
RUN_TIMEOUT = 120
PAGES = [page for pages in SECTIONS.values() for page in pages]
BUREAU_PAGES = [page for page in PAGES if can(BOARD, page.needs)]
# The hostile values (demo/data/hostile.toml) as they read once Markdown or HTML took them: a backslash
# before their punctuation is what escaping leaves, so a marker is found only where it is not escaped.
UNESCAPED = re.compile(
    r"(?<!\\)\*\*gras|(?<!\\)\[(lien|x)(?<!\\)\]\(|(?<!\\)<(b|script|img)\b|(?<!\\)# titre|(?<!\\)`code|"
    r"(?<!\\)_souligné|(?<!\\)~~barré"
)
ISOLATED = re.compile("\u2068[^\u2068\u2069]*\u2069")  # text in a direction isolate (views.common.plain)
BARE_LINK = re.compile(r"(?i)https?://|www\.")  # what GFM makes a link of, once the backslashes are read
ESCAPED = "\\*\\*gras"  # `**gras**` once escaped


def unescaped(text: str) -> list[str]:
    """The hostile markers found unescaped in a Markdown body."""
    found = [match.group(0) for match in UNESCAPED.finditer(text)]
    found += [match.group(0) for match in BARE_LINK.finditer(text.replace("\\", ""))]
    return found + ["\u202e"] * ("\u202e" in ISOLATED.sub("", text))  # it would turn the rest of the line around


def nodes(node: Node) -> Iterator[Node]:
    yield node
    if isinstance(node, Block):
        for child in node.children.values():
            yield from nodes(child)


def markdown_texts(app: AppTest) -> Iterator[tuple[str, str]]:
    """(element type, text) of every text the page gives Streamlit as Markdown."""
    for node in nodes(app._tree):
        if isinstance(node, Html):
            yield "html", node.value  # st.html: never given data
        if isinstance(node, (Markdown, AlertBase, HeadingBase, Toast)):
            yield node.type, node.value
        for attribute in ("label", "help"):
            value = getattr(node, attribute, None) if isinstance(node, (Element, Block)) else None
            if isinstance(value, str):
                yield f"{node.type}.{attribute}", value


def findings(app: AppTest) -> list[str]:
    found = [f"{kind}: {unescaped(text)} in {text[:200]!r}" for kind, text in markdown_texts(app) if unescaped(text)]
    found += [f"{kind}: unsafe_allow_html" for kind, _ in markdown_texts(app) if kind == "html"]
    for node in nodes(app._tree):
        if isinstance(node, Markdown) and node.proto.allow_html:
            found.append(f"{node.type}: unsafe_allow_html in {node.value[:200]!r}")
    return found


@pytest.fixture(scope="module")
def demo(base: Base) -> Base:
    seed(base, hostile(generate("small")))
    return base


@pytest.fixture(scope="module")
def bureau(nocodb: Server, base: Base) -> UserAdded:
    with admin_client(nocodb.settings) as admin:
        return add_user(admin, base.id, "bureau.hostile@cpts.fr", BOARD)


@pytest.fixture
def env(nocodb: Server, demo: Base, monkeypatch: pytest.MonkeyPatch) -> Base:
    point_app_at(monkeypatch, nocodb, demo.id)
    return demo


def opened(page: Page, email: str, role: str) -> AppTest:
    """The page opened from app.py's navigation by a signed-in user; fails on any exception."""
    app = rerun(signed_in(AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT), email, role))
    return rerun(app.switch_page(page.path))


def test_the_check_finds_markup_and_lets_escaped_text_through() -> None:
    hostile_text = "**gras** 0 [lien](https://exemple.invalid) <b>x</b> <script>alert(1)</script> # titre `code`"
    assert len(unescaped(hostile_text)) == 7
    assert unescaped("\u202eesimorp 11. Choisissez un pilote") == ["\u202e"]
    assert unescaped("\\*\\*gras\\*\\* \\[lien\\]\\(https\\:\\/\\/exemple\\.invalid\\)") == ["https://"]
    assert unescaped(plain(hostile_text)) == []
    assert unescaped(plain("\u202eesimorp 11") + ". Choisissez un pilote") == []


@pytest.mark.parametrize("page", PAGES, ids=[p.path for p in PAGES])
def test_coordinator_pages_show_hostile_text_as_typed(env: Base, coordinator: UserAdded, page: Page) -> None:
    app = opened(page, coordinator.email, COORDINATOR)
    assert not findings(app), "\n".join(findings(app))


@pytest.mark.parametrize("page", BUREAU_PAGES, ids=[p.path for p in BUREAU_PAGES])
def test_bureau_pages_show_hostile_text_as_typed(env: Base, bureau: UserAdded, page: Page) -> None:
    app = opened(page, bureau.email, BOARD)
    assert not findings(app), "\n".join(findings(app))


def test_the_hostile_values_reach_the_pages_escaped(env: Base, coordinator: UserAdded) -> None:
    """The tests above can fail: hostile values are on the pages, escaped (a late action's title on
    Projet de santé, the pathways' names and descriptions on Parcours)."""
    shown = {"views/project.py": "\\=HYPERLINK\\(", "views/pathways.py": ESCAPED}
    for path, escaped in shown.items():
        app = opened(next(p for p in PAGES if p.path == path), coordinator.email, COORDINATOR)
        assert any(escaped in text for _, text in markdown_texts(app)), path


@pytest.mark.browser
def test_hostile_text_in_chromium(nocodb: Server, demo: Base, coordinator: UserAdded, tmp_path: Path) -> None:
    """In the browser, on Projet de santé and Patients en attente: no link, bold or script from the data;
    the hostile text is shown as typed."""
    assert CHROMIUM.exists(), f"{CHROMIUM} manque : installez-le (apt-get install -y chromium), ./cpts le fait."
    settings = dataclasses.replace(nocodb.settings, app_port=free_port())
    service = start_app(settings, env={"CPTS_BASE_ID": demo.id})
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
                page.goto(f"http://{settings.host}:{settings.app_port}/", timeout=WAIT_MS)
                sign_in(page, coordinator.email, str(coordinator.password))
                for title in ("Projet de santé", "Patients en attente"):
                    page.get_by_role("link", name=title).click()
                    expect(page.get_by_role("heading", name=title)).to_be_visible(timeout=WAIT_MS)
                    expect(page.get_by_test_id("stDataFrame").first).to_be_visible(timeout=WAIT_MS)
                    # (a table draws its cells on a canvas: their text is in its accessible grid)
                    expect(page.get_by_text("**gras**").first).to_be_attached(timeout=WAIT_MS)
                    page.screenshot(path=tmp_path / f"{title}.png", full_page=True)
                    assert not page.locator("a[href*='exemple.invalid']").count(), title
                    assert not page.locator("strong", has_text="gras").count(), title
                    assert not page.locator("script", has_text="alert(1)").count(), title
                    assert not page.locator("img[src='x']").count(), title
                    assert not page.get_by_test_id("stException").count(), title
            finally:
                browser.close()
    finally:
        stop(service.process.pid)
