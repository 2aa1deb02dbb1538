"""Every page declared in app.py, by role: each patient-level page refuses a bureau user (and anyone not
signed in) and writes exactly one journal row per display; each aggregate page opens for a bureau user.

The pages are read from app.py (COORDINATOR_PAGES, BOARD_PAGES), so a page added there is checked here."""

from __future__ import annotations

import ast
from collections.abc import Iterator

import pytest
from apptest import point_app_at, rerun, signed_in
from streamlit.testing.v1 import AppTest

from demo.generate import generate
from domain.access import BOARD, COORDINATOR
from domain.access_log import codes_of, is_continued
from schema.models import ACCESS_LOG
from server.users import UserAdded, add_user, admin_client
from services.seed import seed
from settings import ROOT
from store import records
from store.base import Base
from tests.conftest import Server

APP = ROOT / "app.py"
RUN_TIMEOUT = 120
# Patient-level pages that show no patient data themselves, hence write no journal row (say why here).
NOT_TRACED = {
    "views/journal.py": "the journal shows user e-mails and patient codes, no patient data",
    "views/doctors.py": "it shows GPs (members), no patient",
}


def declared_pages() -> dict[str, list[tuple[str, str]]]:
    """(file, title) of each st.Page of app.py, by the list it is put in (BOARD_PAGES or COORDINATOR_PAGES)."""
    lists: dict[str, list[tuple[str, str]]] = {"BOARD_PAGES": [], "COORDINATOR_PAGES": []}
    for statement in ast.parse(APP.read_text(encoding="utf-8")).body:
        target = _target(statement)
        if target in lists:
            lists[target] += [_page(call) for call in ast.walk(statement) if _is_page(call)]
    return lists


def _target(statement: ast.stmt) -> str | None:
    if isinstance(statement, ast.Assign | ast.AnnAssign | ast.AugAssign):
        node = statement.targets[0] if isinstance(statement, ast.Assign) else statement.target
        return node.id if isinstance(node, ast.Name) else None
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        function = statement.value.func
        if isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name):
            return function.value.id
    return None


def _is_page(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "Page"


def _page(call: ast.Call) -> tuple[str, str]:
    title = next(k.value for k in call.keywords if k.arg == "title")
    return ast.literal_eval(call.args[0]), ast.literal_eval(title)


PAGES = declared_pages()
TRACED = [(path, title) for path, title in PAGES["COORDINATOR_PAGES"] if path not in NOT_TRACED]


def test_app_declares_pages_of_both_kinds() -> None:
    assert ("views/home.py", "Accueil") in PAGES["BOARD_PAGES"]
    assert ("views/journal.py", "Journal d'accès") in PAGES["COORDINATOR_PAGES"]


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


def through_app(path: str, email: str, role: str) -> AppTest:
    """The page opened from app.py's navigation by a signed-in user."""
    app = rerun(signed_in(AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT), email, role))
    return rerun(app.switch_page(path))


@pytest.mark.parametrize(("path", "title"), PAGES["COORDINATOR_PAGES"])
@pytest.mark.parametrize("session", ["bureau", "nobody"])
def test_patient_page_refuses_anyone_but_a_coordinator(env: Base, path: str, title: str, session: str) -> None:
    page = AppTest.from_file(str(ROOT / path), default_timeout=RUN_TIMEOUT)
    if session == "bureau":
        signed_in(page, "bureau.pages@cpts.fr", BOARD)
    rows = env.count(ACCESS_LOG)
    rerun(page)
    assert "Page réservée aux coordinateurs" in page.error[0].value
    assert not page.dataframe and not page.data_editor and not page.metric
    assert env.count(ACCESS_LOG) == rows


@pytest.mark.parametrize(("path", "title"), PAGES["BOARD_PAGES"])
def test_bureau_opens_every_aggregate_page(env: Base, bureau: UserAdded, path: str, title: str) -> None:
    app = through_app(path, bureau.email, BOARD)
    assert not any("Page réservée" in e.value for e in app.error)
    assert app.title or app.metric or app.dataframe


@pytest.mark.parametrize(("path", "title"), TRACED)
def test_each_display_writes_one_journal_row(env: Base, coordinator: UserAdded, path: str, title: str) -> None:
    before = env.count(ACCESS_LOG)
    through_app(path, coordinator.email, COORDINATOR)
    new = records.load(env, ACCESS_LOG).frame.iloc[before:]
    first = new[~new["what"].map(is_continued).astype(bool)]
    assert len(first) == 1, list(new["what"])  # one access (continued on more rows only past 9 000 codes)
    codes = [code for cell in new["patient_codes"] for code in codes_of(cell)]
    assert set(new["user"]) == {coordinator.email} and str(first.iloc[0]["what"]).startswith(title)
    assert int(new["patient_count"].sum()) == len(codes) > 0
