"""The real app in headless Chromium: the home page shows the live figures of the base."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect, sync_playwright
from test_home_page import EXPECTED_METRICS, seed_figures

from schema.models import MEMBERS
from server.process import free_port, start_app, stop
from server.users import UserAdded
from settings import Settings
from store.base import Base
from tests.browser_fixture import CHROMIUM, CHROMIUM_ARGS, WAIT_MS, sign_in


def metric_value(page: Page, label: str) -> str:
    """The value shown under a metric's label."""
    metric = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )
    return metric.get_by_test_id("stMetricValue").inner_text().strip()


def type_invalid_member(base: Base) -> int:
    """A member typed in NocoDB with a 5-digit RPPS (inactive, so the figures do not change)."""
    [row_id] = base.client.insert(base.handle(MEMBERS).id, [{"Nom": "Erreur", "RPPS": "12345", "Actif": False}])
    return row_id


@contextmanager
def signed_in_page(settings: Settings, base: Base, account: UserAdded) -> Iterator[Page]:
    """The app started on `base` (on a free port), opened in headless Chromium and signed in as `account`."""
    assert CHROMIUM.exists(), f"{CHROMIUM} manque : installez-le (apt-get install -y chromium), ./cpts le fait."
    settings = dataclasses.replace(settings, app_port=free_port())
    service = start_app(settings, env={"CPTS_BASE_ID": base.id})
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
                page.goto(f"http://{settings.host}:{settings.app_port}/", timeout=WAIT_MS)
                sign_in(page, account.email, str(account.password))
                yield page
            finally:
                browser.close()
    finally:
        stop(service.process.pid)


@pytest.mark.browser
def test_home_page_in_chromium(nocodb: Any, base: Base, coordinator: UserAdded, tmp_path: Path) -> None:
    seed_figures(base)
    with signed_in_page(nocodb.settings, base, coordinator) as page:
        expect(page.get_by_text("Accueil").first).to_be_visible(timeout=WAIT_MS)
        expect(page.get_by_role("heading", name=base.title)).to_be_visible(timeout=WAIT_MS)
        expect(page.get_by_test_id("stMetric")).to_have_count(len(EXPECTED_METRICS), timeout=WAIT_MS)
        charts = page.get_by_test_id("stImage").locator("img")  # drawn by the server (views.charts)
        expect(charts).to_have_count(2, timeout=WAIT_MS)
        for chart in charts.all():
            expect(chart).to_have_attribute("src", re.compile("^data:image/svg"))
            expect(chart).to_have_attribute("alt", re.compile(r"^(Membres actifs|Actions du projet)"))  # said
            chart.wait_for(state="visible", timeout=WAIT_MS)
            assert chart.evaluate("(img) => img.complete && img.naturalWidth > 0")  # the drawing was read
        shown = {label: metric_value(page, label) for label in EXPECTED_METRICS}
        page.screenshot(path=tmp_path / "accueil.png", full_page=True)
        assert shown == EXPECTED_METRICS
        assert not page.get_by_test_id("stAlert").count()

        row_id = type_invalid_member(base)
        page.get_by_role("button", name="Rafraîchir").click()
        warning = page.get_by_test_id("stAlert")
        expect(warning).to_contain_text("RPPS", timeout=WAIT_MS)
        expect(warning.get_by_role("cell", name=str(row_id), exact=True)).to_be_visible()
        page.screenshot(path=tmp_path / "accueil-avertissement.png", full_page=True)
        assert metric_value(page, "Membres actifs") == EXPECTED_METRICS["Membres actifs"]
        assert not page.get_by_test_id("stException").count()
