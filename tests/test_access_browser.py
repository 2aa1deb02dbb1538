"""Who sees what, in headless Chromium against the served app: nothing before sign-in (not even by a page's
URL right after start-up), a bureau user never gets a patient-level page, user text shown as typed, no
secret in the app's log."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from domain.access import BOARD, COORDINATOR
from schema.models import ACCESS_LOG, AccessEntry
from server.process import Service, log_tail
from server.users import UserAdded
from settings import Settings, read_secrets
from store import records
from store.base import Base
from tests.browser_fixture import WAIT_MS, accounts_of, open_page, sign_in
from tests.conftest import Server

pytestmark = pytest.mark.browser
MARKED_UP = "**Martin** <b>Dupont</b>"


@pytest.fixture(scope="module")
def accounts(nocodb: Server, base: Base) -> dict[str, UserAdded]:
    return accounts_of(nocodb, base, "navigateur")


def nav_links(page: Page) -> list[str]:
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    return [text.strip().splitlines()[-1] for text in links.all_inner_texts()]  # after the icon's name


def test_first_visit_by_a_page_url_shows_the_sign_in(browser: Browser, served: tuple[Settings, Service]) -> None:
    for path in ("/journal", "/journal-d-acces", "/home", "/common"):  # page files and page URLs
        page = open_page(browser, served, path)
        expect(page.get_by_role("heading", name="Connexion")).to_be_visible(timeout=WAIT_MS)
        page.wait_for_timeout(1500)
        assert not page.get_by_role("heading", name="Journal d'accès").count()
        assert not page.get_by_test_id("stMetric").count() and not page.get_by_test_id("stDataFrame").count()
        page.close()


BOARD_TITLES = [
    "Accueil",
    "Projet de santé",
    "Indicateurs",
    "Financement ACI",
    "Parcours",
    "Orienter",
    "Territoire et adhésion",
    "Plan de crise",
    "Saison des soins non programmés",
    "Stages et installations",
    "Cotisations",
    "Présentation AG",
]
COORDINATOR_TITLES = [
    "Patients en attente",
    "Professionnels disponibles",
    "Orientation",
    "Soins non programmés",
    "À relancer",
    "Importer",
    "Journal d'accès",
]


def test_bureau_never_gets_a_patient_page(
    browser: Browser, served: tuple[Settings, Service], accounts: dict[str, UserAdded], base: Base, tmp_path: Path
) -> None:
    page = open_page(browser, served, "/journal-d-acces")
    sign_in(page, accounts[BOARD].email, str(accounts[BOARD].password))
    expect(page.get_by_text("Page réservée aux coordinateurs")).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text(f"Connecté : {accounts[BOARD].email} · bureau")).to_be_visible()
    page.wait_for_timeout(1000)
    assert not page.get_by_role("heading", name="Journal d'accès").count()
    assert not page.get_by_test_id("stDataFrame").count()
    page.screenshot(path=tmp_path / "bureau-url-journal.png", full_page=True)
    page.get_by_role("link", name="Retour à l'accueil").click()
    expect(page.get_by_role("heading", name=base.title)).to_be_visible(timeout=WAIT_MS)  # Accueil, aggregates
    expect(page.get_by_test_id("stMetric").first).to_be_visible(timeout=WAIT_MS)
    assert nav_links(page) == BOARD_TITLES  # no patient-level page offered
    page.screenshot(path=tmp_path / "bureau.png", full_page=True)
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible(timeout=WAIT_MS)
    page.close()


def test_coordinator_reads_the_journal_with_names_as_typed(
    browser: Browser, served: tuple[Settings, Service], accounts: dict[str, UserAdded], base: Base, tmp_path: Path
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    entry = AccessEntry(user=MARKED_UP, at=now, what="Orientation", patient_count=1, patient_codes="P-000007")
    [row_id] = records.insert(base, ACCESS_LOG, [entry])
    try:
        page = open_page(browser, served)
        sign_in(page, accounts[COORDINATOR].email, str(accounts[COORDINATOR].password))
        expect(page.get_by_role("heading", name=base.title)).to_be_visible(timeout=WAIT_MS)
        assert nav_links(page) == BOARD_TITLES + COORDINATOR_TITLES
        page.get_by_role("link", name="Journal d'accès").click()
        expect(page.get_by_role("heading", name="Journal d'accès")).to_be_visible(timeout=WAIT_MS)
        journal_read = page.get_by_test_id("stMetric").filter(has_text="Patients distincts")
        expect(journal_read).to_be_visible(timeout=WAIT_MS)  # the journal is read: its users are listed
        who = page.get_by_test_id("stSelectbox").filter(has_text="Utilisateur")  # not the list's sort box
        expect(who).to_be_visible(timeout=WAIT_MS)
        who.click()
        page.get_by_role("option", name=MARKED_UP).click()
        heading = page.get_by_role("heading", name=f"Accès de {MARKED_UP}")
        expect(heading).to_be_visible(timeout=WAIT_MS)
        assert heading.inner_text().strip() == f"Accès de {MARKED_UP}"  # literal, not bold
        assert not heading.locator("strong, b").count()
        expect(page.get_by_test_id("stDataFrame")).to_be_visible()
        page.wait_for_timeout(1000)
        page.screenshot(path=tmp_path / "journal.png", full_page=True)
        page.close()
    finally:
        base.client.delete(base.handle(ACCESS_LOG).id, [row_id])


def test_no_secret_or_password_in_the_app_log(
    nocodb: Server, served: tuple[Settings, Service], accounts: dict[str, UserAdded]
) -> None:
    log = log_tail(served[1].log_path, lines=100_000)
    secrets = read_secrets(nocodb.settings.secrets_path)
    for value in (*secrets.values(), *(str(a.password) for a in accounts.values())):
        if len(value) > 3:
            assert value not in log
