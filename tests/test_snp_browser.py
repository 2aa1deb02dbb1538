"""Unscheduled care in headless Chromium against the served app: a coordinator registers a request and books the
proposed slot; a bureau user sees the SNP aggregates and never the phone."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Browser, expect

from domain.access import BOARD, COORDINATOR
from schema.models import MEMBERS, SNP_REQUESTS, SNP_SLOTS, TERRITORY, Commune, Member
from schema.snp import Slot
from server.process import Service
from server.users import UserAdded
from settings import Settings
from store import records
from store.base import Base
from tests.browser_fixture import WAIT_MS, accounts_of, open_page, sign_in
from tests.conftest import Server

pytestmark = pytest.mark.browser
PHONE = "06 98 76 54 32"


@pytest.fixture(scope="module")
def accounts(nocodb: Server, base: Base) -> dict[str, UserAdded]:
    return accounts_of(nocodb, base, "snp")


@pytest.fixture(scope="module")
def slot_id(base: Base) -> int:
    records.insert(base, TERRITORY, [Commune(name="Issy-les-Moulineaux", insee_code="92040", department="92")])
    [doctor] = records.insert(base, MEMBERS, [Member(last_name="Morel", profession="Médecin", insee_code="92040")])
    tomorrow = date.today() + timedelta(days=1)
    slot = Slot(member=doctor, on=tomorrow, start="17:00", end="18:00", places=1, kind="Cabinet", source="CPTS")
    [found] = records.insert(base, SNP_SLOTS, [slot])
    return found


def test_coordinator_books_then_bureau_sees_aggregates_without_phone(
    browser: Browser,
    served: tuple[Settings, Service],
    accounts: dict[str, UserAdded],
    base: Base,
    slot_id: int,
) -> None:
    page = open_page(browser, served, "/soins-non-programmes")
    sign_in(page, accounts[COORDINATOR].email, str(accounts[COORDINATOR].password))
    expect(page.get_by_role("heading", name="Soins non programmés")).to_be_visible(timeout=WAIT_MS)
    page.get_by_test_id("stSelectbox").filter(has_text="Commune").click()
    page.get_by_role("option", name="Issy-les-Moulineaux (92040)").click()
    page.get_by_label("Téléphone (effacé une fois le rendez-vous passé)").fill(PHONE)
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Proposer le créneau le plus proche").click()
    expect(page.get_by_text("Créneau proposé")).to_be_visible(timeout=WAIT_MS)
    page.get_by_role("button", name="Réserver ce créneau").click()
    expect(page.get_by_text("enregistrée")).to_be_visible(timeout=WAIT_MS)
    [booked] = records.load(base, SNP_REQUESTS).records
    assert booked.slot == slot_id and booked.phone == PHONE
    page.close()

    page = open_page(browser, served, "/saison-des-soins-non-programmes")
    sign_in(page, accounts[BOARD].email, str(accounts[BOARD].password))
    expect(page.get_by_role("heading", name="Saison des soins non programmés")).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_test_id("stMetric").filter(has_text="Demandes reçues")).to_contain_text("< 5", timeout=WAIT_MS)
    page.wait_for_timeout(1000)
    assert PHONE not in page.content() and "Téléphone" not in page.content()
