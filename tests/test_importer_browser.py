"""The page Importer in headless Chromium: a waiting list uploaded, previewed, imported; its rows in NocoDB."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect, sync_playwright
from test_sheets import DATA

from schema.models import PATIENTS
from server.process import free_port, start_app, stop
from server.users import UserAdded
from store import records
from store.base import Base
from tests.browser_fixture import CHROMIUM, CHROMIUM_ARGS, WAIT_MS, sign_in


@pytest.mark.browser
def test_upload_to_rows_in_nocodb(nocodb: Any, base: Base, coordinator: UserAdded, tmp_path: Path) -> None:
    assert CHROMIUM.exists(), f"{CHROMIUM} manque : installez-le (apt-get install -y chromium), ./cpts le fait."
    settings = dataclasses.replace(nocodb.settings, app_port=free_port())
    service = start_app(settings, env={"CPTS_BASE_ID": base.id})
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
                page.goto(f"http://{settings.host}:{settings.app_port}/", timeout=WAIT_MS)
                sign_in(page, coordinator.email, str(coordinator.password))
                expect(page.get_by_text("Accueil").first).to_be_visible(timeout=WAIT_MS)
                more = page.get_by_text("View", exact=False).filter(has_text="more")
                if more.count():
                    more.first.click()  # the sidebar folds its last pages
                page.get_by_role("link", name="Importer", exact=True).click()
                expect(page.get_by_role("heading", name="Importer", exact=True)).to_be_visible(timeout=WAIT_MS)
                page.locator("input[type=file]").set_input_files(DATA / "liste_attente.csv")
                expect(page.get_by_text("à ajouter")).to_be_visible(timeout=WAIT_MS)
                assert base.count(PATIENTS) == 0  # previewed, nothing written yet
                page.get_by_role("button", name="Importer dans Patients").click()
                expect(page.get_by_text("Import terminé")).to_be_visible(timeout=WAIT_MS)
                page.screenshot(path=tmp_path / "importer.png", full_page=True)
                assert not page.get_by_test_id("stException").count()
            finally:
                browser.close()
    finally:
        stop(service.process.pid)
    stored = {(p.last_name, p.code) for p in records.load(base, PATIENTS).records}
    assert stored == {("Lefèvre", "P-000001"), ("Gérard", "P-000002"), ("Nguyen", "P-000003")}
