"""Vie de la CPTS in headless Chromium against the served app: a coordinator plans a meeting inviting every active
member, downloads its attendance sheet (a PDF naming them), ticks who came and sees the indicator « Membres présents »
move; a bureau user sees the same count masked and no name."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from domain.access import BOARD, COORDINATOR
from schema.meetings import PARTICIPATIONS, Presence
from schema.models import MEMBERS, Member
from server.process import Service
from server.users import UserAdded
from settings import Settings
from store import records
from store.base import Base
from tests.browser_fixture import WAIT_MS, accounts_of, open_page, sign_in
from tests.conftest import Server

pytestmark = pytest.mark.browser
PEOPLE = [("Nadia", "Aubert"), ("Yves", "Barbier")]
PRESENT_METRIC = "Membres présents (distincts)"


@pytest.fixture(scope="module")
def accounts(nocodb: Server, base: Base) -> dict[str, UserAdded]:
    return accounts_of(nocodb, base, "vie")


@pytest.fixture(scope="module")
def members(base: Base) -> list[int]:
    return records.insert(base, MEMBERS, [Member(first_name=f, last_name=n, profession="Infirmier") for f, n in PEOPLE])


def present_metric(page: Page) -> Locator:
    return page.get_by_test_id("stMetric").filter(has_text=PRESENT_METRIC)


def test_plan_print_tick_and_see_the_indicator_move(
    browser: Browser,
    served: tuple[Settings, Service],
    accounts: dict[str, UserAdded],
    base: Base,
    members: list[int],
) -> None:
    page = open_page(browser, served, "/vie-de-la-cpts")
    sign_in(page, accounts[COORDINATOR].email, str(accounts[COORDINATOR].password))
    expect(page.get_by_role("heading", name="Vie de la CPTS")).to_be_visible(timeout=WAIT_MS)
    expect(present_metric(page)).to_contain_text("0", timeout=WAIT_MS)

    page.get_by_text("Planifier une rencontre", exact=True).click()  # the form is drawn only when asked
    page.get_by_label("Titre", exact=True).fill("Revue de cas complexes")
    page.get_by_text("Inviter tous les membres actifs").click()
    page.get_by_role("button", name="Planifier la rencontre").click()
    expect(page.get_by_text("Rencontre planifiée")).to_be_visible(timeout=WAIT_MS)
    invited = records.load(base, PARTICIPATIONS).records
    assert sorted(p.member for p in invited) == sorted(members)

    page.get_by_role("button", name="Préparer la feuille d'émargement").click()
    with page.expect_download(timeout=WAIT_MS) as download:
        page.get_by_role("button", name="Feuille d'émargement (PDF)").click()
    sheet = download.value
    assert sheet.suggested_filename.endswith(".pdf")
    with open(sheet.path(), "rb") as file:
        assert file.read(5) == b"%PDF-"

    page.get_by_text("Saisir les présences et la satisfaction", exact=True).click()
    page.get_by_test_id("stMultiSelect").filter(has_text="Présents").click()
    page.get_by_role("option", name="Nadia Aubert").click()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_text("Présences enregistrées")).to_be_visible(timeout=WAIT_MS)
    expect(present_metric(page)).to_contain_text("1", timeout=WAIT_MS)
    ticked = {p.member: p.presence for p in records.load(base, PARTICIPATIONS).records}
    assert ticked == {members[0]: Presence.PRESENT, members[1]: Presence.INVITED}
    page.close()

    page = open_page(browser, served, "/vie-de-la-cpts")
    sign_in(page, accounts[BOARD].email, str(accounts[BOARD].password))
    expect(page.get_by_role("heading", name="Vie de la CPTS")).to_be_visible(timeout=WAIT_MS)
    expect(present_metric(page)).to_contain_text("< 5", timeout=WAIT_MS)
    page.wait_for_timeout(1000)
    assert "Aubert" not in page.content() and "Planifier la rencontre" not in page.content()
