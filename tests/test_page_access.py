"""Every page declared in app.py (SECTIONS), walked: a page declared `shows_patients` is coordinator-only and
each display writes its Journal d'accès row through `views.access.journal` (named after the page's title);
every other page writes none; a page the bureau's role may open (`can`) opens for a real bureau user, the
others are refused to the bureau and to anyone not signed in.

The pages are read from app.py, so a page added there is checked here."""

from __future__ import annotations

import ast
import re
import unicodedata
from collections.abc import Iterator

import pytest
from apptest import point_app_at, rerun, signed_in
from streamlit.testing.v1 import AppTest

from app import SECTIONS
from demo.generate import generate
from domain.access import BOARD, COORDINATOR
from domain.access_log import codes_of, is_continued
from domain.permissions import Action, can
from schema.models import ACCESS_LOG
from server.users import UserAdded, add_user, admin_client
from services.seed import seed
from settings import ROOT
from store import records
from store.base import Base
from tests.conftest import Server
from views.access import Page

APP = ROOT / "app.py"
RUN_TIMEOUT = 120
PAGES = [page for pages in SECTIONS.values() for page in pages]
PATIENT_PAGES = [page for page in PAGES if page.shows_patients]
OTHER_PAGES = [page for page in PAGES if not page.shows_patients and can(COORDINATOR, page.needs)]
BUREAU_PAGES = [page for page in PAGES if can(BOARD, page.needs)]
RESERVED_PAGES = [page for page in PAGES if not can(BOARD, page.needs)]
# Pages that show patients only from a file the coordinator uploads (journaled then: tests/test_importer_page.py).
UPLOAD_PAGES = ["views/importer.py"]
LISTING_PAGES = [page for page in PATIENT_PAGES if page.path not in UPLOAD_PAGES]


def ids(pages: list[Page]) -> list[str]:
    return [page.path for page in pages]


def calls(path: str, name: str) -> bool:
    """True when the module at `path` calls a function called `name`."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name
        for node in ast.walk(tree)
    )


def test_the_declaration_covers_both_kinds_of_page() -> None:
    assert ids(LISTING_PAGES) == [
        "views/waiting_list.py",
        "views/orientation.py",
        "views/snp.py",
        "views/follow_ups.py",
    ]
    assert [page.path for page in PATIENT_PAGES if page.path in UPLOAD_PAGES] == UPLOAD_PAGES
    assert "views/home.py" in ids(BUREAU_PAGES) and "views/journal.py" in ids(RESERVED_PAGES)
    assert all((ROOT / page.path).is_file() for page in PAGES)


def french_slug(title: str) -> str:
    """ "Journal d'accès" → "journal-d-acces"."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def test_every_page_has_a_french_url_made_from_its_title() -> None:
    for page in PAGES:
        assert page.default or page.url_path == french_slug(page.title), page.path


def test_a_page_showing_patients_is_declared_coordinator_only() -> None:
    for page in PATIENT_PAGES:
        assert page.needs is Action.SEE_PATIENTS and can(COORDINATOR, page.needs) and not can(BOARD, page.needs)
    with pytest.raises(ValueError, match="montre des patients"):
        Page("views/x.py", "X", ":material/home:", shows_patients=True)


def test_pages_journal_only_through_the_declared_mechanism() -> None:
    # A page journals by calling views.access.journal (which names the rows after the declaration), and
    # only if it is declared shows_patients; nothing else in views/ writes the journal itself.
    for page in PAGES:
        assert calls(page.path, "journal") == page.shows_patients, page.path
    for module in (ROOT / "views").glob("*.py"):
        if module.name != "access.py":
            assert "record_access" not in module.read_text(encoding="utf-8"), module.name
    for page in RESERVED_PAGES:  # guarded even if run outside app.py's navigation
        assert calls(page.path, "require_page"), page.path


@pytest.fixture(scope="module")
def demo(base: Base) -> Base:
    seed(base, generate("small"))
    return base


@pytest.fixture(scope="module")
def bureau(nocodb: Server, base: Base) -> UserAdded:
    with admin_client(nocodb.settings) as admin:
        return add_user(admin, base.id, "bureau.pages@cpts.fr", BOARD)


@pytest.fixture
def env(nocodb: Server, demo: Base, monkeypatch: pytest.MonkeyPatch) -> Iterator[Base]:
    """The app pointed at the demo base."""
    point_app_at(monkeypatch, nocodb, demo.id)
    yield demo


def signed_in_app(email: str, role: str) -> AppTest:
    """app.py run once by a signed-in user (its navigation registered)."""
    return rerun(signed_in(AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT), email, role))


def through_app(page: Page, email: str, role: str) -> AppTest:
    """The page opened from app.py's navigation by a signed-in user."""
    return rerun(signed_in_app(email, role).switch_page(page.path))


@pytest.mark.parametrize("page", RESERVED_PAGES, ids=ids(RESERVED_PAGES))
@pytest.mark.parametrize("session", ["bureau", "nobody"])
def test_reserved_page_run_on_its_own_refuses_anyone(env: Base, page: Page, session: str) -> None:
    run = AppTest.from_file(str(ROOT / page.path), default_timeout=RUN_TIMEOUT)
    if session == "bureau":
        signed_in(run, "bureau.pages@cpts.fr", BOARD)
    rows = env.count(ACCESS_LOG)
    rerun(run)
    assert "Page réservée aux coordinateurs" in run.error[0].value
    assert not run.dataframe and not run.data_editor and not run.metric
    assert env.count(ACCESS_LOG) == rows


@pytest.mark.parametrize("page", RESERVED_PAGES, ids=ids(RESERVED_PAGES))
def test_reserved_page_is_not_in_the_bureau_navigation(env: Base, bureau: UserAdded, page: Page) -> None:
    app = signed_in_app(bureau.email, BOARD)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page(page.path)


@pytest.mark.parametrize("page", BUREAU_PAGES, ids=ids(BUREAU_PAGES))
def test_bureau_opens_every_page_its_role_may(env: Base, bureau: UserAdded, page: Page) -> None:
    rows = env.count(ACCESS_LOG)
    app = through_app(page, bureau.email, BOARD)
    assert not any("Page réservée" in e.value for e in app.error)
    assert app.title or app.metric or app.dataframe
    assert env.count(ACCESS_LOG) == rows


@pytest.mark.parametrize("page", LISTING_PAGES, ids=ids(LISTING_PAGES))
def test_each_display_of_patients_writes_one_journal_row(env: Base, coordinator: UserAdded, page: Page) -> None:
    before = env.count(ACCESS_LOG)
    app = through_app(page, coordinator.email, COORDINATOR)
    assert app.title[0].value == page.title
    new = records.load(env, ACCESS_LOG).frame.iloc[before:]
    first = new[~new["what"].map(is_continued).astype(bool)]
    assert len(first) == 1, list(new["what"])  # one access (continued on more rows only past 9 000 codes)
    codes = [code for cell in new["patient_codes"] for code in codes_of(cell)]
    assert set(new["user"]) == {coordinator.email} and first.iloc[0]["what"] == page.title
    assert int(new["patient_count"].sum()) == len(codes) > 0


@pytest.mark.parametrize("page", OTHER_PAGES, ids=ids(OTHER_PAGES))
def test_a_page_not_showing_patients_writes_no_journal_row(env: Base, coordinator: UserAdded, page: Page) -> None:
    before = env.count(ACCESS_LOG)
    app = through_app(page, coordinator.email, COORDINATOR)
    assert not any("Page réservée" in e.value for e in app.error)
    assert env.count(ACCESS_LOG) == before
