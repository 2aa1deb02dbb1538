"""Every page of app.py, for both roles, on the hostile demo (`demo.hostile`: Markdown, HTML, formulas,
right-to-left marks, long values, emoji and empty strings in every free-text field): it renders without an
exception, and no Markdown-interpreting element (text, alerts, titles, captions, labels, help) carries a
hostile value unescaped; the hostile values are there, escaped (`views.common.plain`). The région role's
Vue régionale and `./cpts deck --region`, with a CPTS whose name is hostile text, show that name as typed."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from apptest import click, open_page, point_app_at, rerun, signed_in, visible_text
from cli_run import run_cli
from playwright.sync_api import expect
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import AlertBase, Block, Element, HeadingBase, Html, Markdown, Node, Toast
from test_browser import signed_in_page
from test_region_io import small_cpts

from app import SECTIONS
from demo.generate import generate
from demo.hostile import hostile, hostile_fields
from domain.access import BOARD, COORDINATOR, REGION
from domain.parameters import CPTS_NAME
from domain.permissions import can
from domain.problems import Problem
from domain.validation import TEXT_MAX
from schema.models import PARAMETERS, TABLES
from server.users import UserAdded, add_user, admin_client
from services.region import add_regional_user
from services.seed import checked, seed, seed_demo
from settings import ROOT
from store.base import Base
from store.migrate import migrate
from tests.browser_fixture import WAIT_MS
from tests.conftest import Server
from views.access import Page
from views.common import plain, problems_markdown

APP = ROOT / "app.py"
RUN_TIMEOUT = 120
PAGES = [page for pages in SECTIONS.values() for page in pages]
COORDINATOR_PAGES = [page for page in PAGES if can(COORDINATOR, page.needs)]  # all but the regional view
BUREAU_PAGES = [page for page in PAGES if can(BOARD, page.needs)]
REGION_PAGE = next(page for page in PAGES if page.path == "views/region.py")
# A CPTS named with hostile text (Paramètres « Nom de la CPTS », as its coordinator may type it in NocoDB)
HOSTILE_NAME = '=HYPERLINK("https://exemple.invalid") **CPTS** [lien](https://exemple.invalid) <b>x</b> # titre `code`'
ESCAPED_NAME = "\\*\\*CPTS\\*\\*"
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
    seed_demo(base, "small", hostile=True)  # as ./cpts seed --demo --hostile does
    return base


@pytest.fixture(scope="module")
def bureau(nocodb: Server, base: Base) -> UserAdded:
    with admin_client(nocodb.settings) as admin:
        return add_user(admin, base.id, "bureau.hostile@cpts.fr", BOARD)


@pytest.fixture(scope="module")
def region(nocodb: Server, demo: Base) -> Iterator[UserAdded]:
    """A région account (no-access on each base, as ./cpts user add --role région gives) on the hostile demo
    and on a CPTS named with hostile text, too small for its counts to be shown (its name is then in the
    captions of what is masked)."""
    client = nocodb.client()
    created = client.create_base("CPTS au nom hostile")
    named = Base(client, str(created["id"]), "CPTS au nom hostile")
    try:
        migrate(client, named.id)
        seed(named, {**small_cpts(2, 3, 1, 2, 1, 400), PARAMETERS.key: [CPTS_NAME.row(HOSTILE_NAME, row_id=1)]})
        with admin_client(nocodb.settings) as admin:
            added = [add_user(admin, cpts.id, "region.hostile@ars.fr", BOARD) for cpts in (demo, named)]
        add_regional_user(nocodb.settings, "region.hostile@ars.fr")
        yield added[0]
    finally:
        client.delete_base(named.id)
        client.close()


@pytest.fixture
def env(nocodb: Server, demo: Base, monkeypatch: pytest.MonkeyPatch) -> Base:
    point_app_at(monkeypatch, nocodb, demo.id)
    return demo


def opened(page: Page, email: str, role: str) -> AppTest:
    """The page opened from app.py's navigation by a signed-in user; fails on any exception."""
    app = rerun(signed_in(AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT), email, role))
    return rerun(app.switch_page(page.path))


def all_drawn(app: AppTest) -> AppTest:
    """The page with every toggle on: what it draws only when asked (forms, charts, definitions), with the
    toggles these parts bring in turn."""
    for _ in range(3):
        off = [toggle for toggle in app.toggle if not toggle.value and not toggle.disabled]
        if not off:
            break
        for toggle in off:
            toggle.set_value(True)
        app = rerun(app)
    return app


def assert_escaped(app: AppTest) -> None:
    """No hostile markup on the page as opened, nor once every part drawn on demand is shown."""
    assert not findings(app), "\n".join(findings(app))
    drawn = all_drawn(app)
    assert not findings(drawn), "\n".join(findings(drawn))


def test_the_check_finds_markup_and_lets_escaped_text_through() -> None:
    hostile_text = "**gras** 0 [lien](https://exemple.invalid) <b>x</b> <script>alert(1)</script> # titre `code`"
    assert len(unescaped(hostile_text)) == 7
    assert unescaped("\u202eesimorp 11. Choisissez un pilote") == ["\u202e"]
    assert unescaped("\\*\\*gras\\*\\* \\[lien\\]\\(https\\:\\/\\/exemple\\.invalid\\)") == ["https://"]
    assert unescaped(plain(hostile_text)) == []
    assert unescaped(plain("\u202eesimorp 11") + ". Choisissez un pilote") == []


def test_the_hostile_demo_is_valid_and_hostile_in_every_free_text_field() -> None:
    demo_data, made = generate("small"), hostile(generate("small"))
    checked(made)  # every row stays valid (SeedRefused otherwise): the pages show them
    for spec in TABLES:
        fields = hostile_fields(spec)
        for field in spec.fields:
            values = [getattr(r, field.attr) for r in made[spec.key]]
            if field in fields and made[spec.key]:
                assert any(unescaped(str(v)) for v in values), (spec.key, field.attr)
                long = any(len(str(v)) >= TEXT_MAX - 5 for v in values)  # every 7th row: see hostile.toml
                assert long or len(values) < 7, (spec.key, field.attr)
            elif field.attr not in ("condition", "computation"):  # these follow the renamed titles
                assert values == [getattr(r, field.attr) for r in demo_data[spec.key]], (spec.key, field.attr)
    assert sum(len(hostile_fields(spec)) for spec in TABLES) >= 25


def test_problems_quote_values_escaped() -> None:
    # Membres: a table whose values every role may read (a table of patients' are withheld from the bureau)
    problem = Problem("Membres", 3, "RPPS", "« **Martin** [x](https://exemple.invalid) » : pas un RPPS")
    shown = problems_markdown([problem])
    assert "Martin" in shown and not unescaped(shown)


@pytest.mark.parametrize("page", COORDINATOR_PAGES, ids=[p.path for p in COORDINATOR_PAGES])
def test_coordinator_pages_show_hostile_text_as_typed(env: Base, coordinator: UserAdded, page: Page) -> None:
    assert_escaped(opened(page, coordinator.email, COORDINATOR))


@pytest.mark.parametrize("page", BUREAU_PAGES, ids=[p.path for p in BUREAU_PAGES])
def test_bureau_pages_show_hostile_text_as_typed(env: Base, bureau: UserAdded, page: Page) -> None:
    assert_escaped(opened(page, bureau.email, BOARD))


def test_the_hostile_values_reach_the_pages_escaped(env: Base, coordinator: UserAdded) -> None:
    """The tests above can fail: hostile values are on the pages, escaped (a late action's title on
    Projet de santé, the pathways' names and descriptions on Parcours)."""
    shown = {"views/project.py": "\\=HYPERLINK\\(", "views/pathways.py": ESCAPED}
    for path, escaped in shown.items():
        app = all_drawn(opened(next(p for p in PAGES if p.path == path), coordinator.email, COORDINATOR))
        assert any(escaped in text for _, text in markdown_texts(app)), path
        assert not findings(app), "\n".join(findings(app))


def test_the_regional_view_shows_a_hostile_cpts_name_as_typed(env: Base, region: UserAdded) -> None:
    app = opened(REGION_PAGE, region.email, REGION)
    assert HOSTILE_NAME in [str(name) for name in app.dataframe[0].value["CPTS"]]
    assert not findings(app), "\n".join(findings(app))
    assert any(ESCAPED_NAME in text for _, text in markdown_texts(app))  # in « Masqué : … »: the check can fail


def test_the_regional_deck_shows_a_hostile_cpts_name_as_typed(
    nocodb: Server, env: Base, region: UserAdded, tmp_path: Path
) -> None:
    """In the PPTX: the name as text (XML-escaped), no link, and no formula in the charts' workbooks."""
    target = tmp_path / "region.pptx"
    done = run_cli(nocodb, env, "deck", "--region", "--out", str(target))
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(target) as pptx:
        parts = {name: pptx.read(name) for name in pptx.namelist()}
    xml = " ".join(data.decode("utf-8", "ignore") for name, data in parts.items() if name.endswith(".xml"))
    assert escape(HOSTILE_NAME) in xml  # as typed, in text nodes
    assert "<b>x</b>" not in xml and "hlinkClick" not in xml
    assert not [name for name, data in parts.items() if name.endswith(".rels") and b"exemple.invalid" in data]
    workbooks = [data for name, data in parts.items() if name.endswith(".xlsx")]
    assert workbooks  # the charts' data, whose categories are the CPTS names
    for number, data in enumerate(workbooks):
        (tmp_path / f"chart{number}.xlsx").write_bytes(data)
        with zipfile.ZipFile(tmp_path / f"chart{number}.xlsx") as book:
            sheets = " ".join(book.read(n).decode("utf-8", "ignore") for n in book.namelist() if n.endswith(".xml"))
        assert "<f>" not in sheets, sheets[:2000]  # a name starting with « = » is not made a formula


@pytest.mark.browser
def test_hostile_text_in_chromium(nocodb: Server, demo: Base, coordinator: UserAdded, tmp_path: Path) -> None:
    """In the browser, on Projet de santé and Patients en attente: no link, bold or script from the data;
    the hostile text is shown as typed."""
    with signed_in_page(nocodb.settings, demo, coordinator) as page:
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
            # the table's own toolbar offers no CSV (journaled, formula-safe exports only: « Exporter (XLSX) »)
            page.get_by_test_id("stDataFrame").first.hover()
            toolbar = page.get_by_test_id("stElementToolbar").first
            expect(toolbar.get_by_role("button", name="Search")).to_be_visible(timeout=WAIT_MS)
            assert not toolbar.get_by_role("button", name="Download as CSV").count(), title


def test_a_new_request_with_a_hostile_name_is_confirmed_as_typed(app_env: Base, demo: Base) -> None:
    """The confirmation of a new request quotes the name typed, escaped (issue 14: it was rendered bold)."""
    app = open_page("views/waiting_list.py", state={"new_request_open": True})  # its toggle draws the form
    app.text_input(key="request_last_name").input("**gras** [lien](https://exemple.invalid)")
    app.text_input(key="request_first_name").input("<b>x</b>")
    app.date_input(key="request_birth_date").set_value(date(1960, 4, 1))
    app.selectbox(key="request_commune").select_index(0)
    app.text_input(key="request_phone").input("0612345678")
    app.checkbox(key="request_consent").check()
    app = click(app, "Enregistrer la demande")
    [success] = [s.value for s in app.success]
    assert not unescaped(success), success
    assert "(<b>x</b> **gras** [lien](https://exemple.invalid))" in visible_text(success)


def test_the_detail_of_every_action_shows_its_text_as_typed(app_env: Base, demo: Base) -> None:
    """Projet de santé with the first action of every mission clicked in turn: titles, pilots, alerts, milestones."""
    app = open_page("views/project.py")
    table = app.dataframe[0].value
    firsts = [list(table["mission"]).index(mission) for mission in dict.fromkeys(table["mission"])]
    details: list[str] = []
    for row in firsts:
        app.session_state["actions"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
        app = rerun(app)
        details += [m.value for m in app.markdown if m.value.startswith("#### ")]
        assert not findings(app), "\n".join(findings(app))
    assert len(details) == len(firsts) >= 5 and any(ESCAPED in d for d in details), details


@pytest.mark.browser
def test_steps_ticked_in_the_table_in_chromium(nocodb: Server, demo: Base, coordinator: UserAdded) -> None:
    """À relancer in the browser: a box ticked in the table (its first column, drawn on a canvas) runs the
    table's block again and shows the form listing that step, names as typed (no bold from the data)."""
    with signed_in_page(nocodb.settings, demo, coordinator) as page:
        page.get_by_role("link", name="À relancer").click()
        expect(page.get_by_role("heading", name="À relancer")).to_be_visible(timeout=WAIT_MS)
        expect(page.get_by_text("Cochez des étapes dans le tableau")).to_be_visible(timeout=WAIT_MS)
        grid = page.get_by_test_id("stDataFrame").first
        box = grid.bounding_box()
        assert box is not None
        row_height = 35  # Streamlit's table: a header row, then rows of 35 pixels
        page.mouse.click(box["x"] + 12, box["y"] + row_height + row_height / 2)  # the first row's box
        form = page.get_by_test_id("stForm")
        expect(form.get_by_role("heading", name="Marquer 1 étape(s) comme faite(s)")).to_be_visible(timeout=WAIT_MS)
        expect(form.get_by_role("button", name="Enregistrer dans NocoDB")).to_be_visible()
        assert len(form.locator("li").all()) == 1
        assert not form.locator("strong", has_text="gras").count() and not form.locator("a").count()
