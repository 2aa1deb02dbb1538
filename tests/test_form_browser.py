"""NocoDB's shared request form in headless Chromium, behind the allow-list the README gives the reverse proxy:
the page loads, shows the plain-language labels, and a submission lands in Patients without code or status."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Route, expect, sync_playwright

from bench.browser import CHROMIUM, CHROMIUM_ARGS
from schema.forms import REQUEST_FORM
from schema.models import PATIENTS
from services import form_requests
from store.base import Base

WAIT_MS = 60_000
# The only paths the README's nginx block lets through (the form page, its assets, the form's two API routes).
ALLOWED = re.compile(r"^/dashboard/(_nuxt/[^?#]*)?([?#].*)?$|^/api/v1/db/public/shared-view/[0-9a-f-]{36}/(meta|rows)$")


@pytest.mark.browser
def test_the_shared_form_works_through_the_proxy_allow_list(nocodb: Any, base: Base) -> None:
    link = form_requests.form_link(base, None)
    assert link
    blocked: list[str] = []

    def proxy(route: Route) -> None:
        url = route.request.url
        path = url.removeprefix(nocodb.url)
        if path != url and ALLOWED.match(path):
            route.continue_()
        else:
            blocked.append(path)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            page.route("**/*", proxy)
            page.goto(link)
            expect(page.get_by_text(REQUEST_FORM.field("insee_code").label)).to_be_visible(timeout=WAIT_MS)
            texts = page.locator("input[type=text]:visible, input:not([type]):visible")
            for n, value in enumerate(["Navigateur", "Paul", "Issy-les-Moulineaux", "06 11 22 33 44"]):
                texts.nth(n if n < 2 else n + 1).fill(value)  # the third input is the date picker
            page.locator("input[placeholder='DD/MM/YYYY']").click()
            page.keyboard.type("12/03/1948")
            page.keyboard.press("Enter")
            consent = page.locator(".nc-cell-checkbox").last
            consent.locator("svg").first.click(force=True)
            with page.expect_response(re.compile(r"/shared-view/.*/rows$")) as sent:
                page.get_by_role("button", name=re.compile("Submit|Envoyer")).click()
            assert sent.value.status == 200
        finally:
            browser.close()
    assert "/api/v1/db/public/shared-view/" not in " ".join(blocked)
    rows = base.client.records(base.id, base.handle(PATIENTS).id, where=form_requests.UNCHECKED)
    [row] = [r for r in rows if r["Nom"] == "Navigateur"]
    assert (row["Date de naissance"], row["Commune (INSEE)"], row["Consent à être orienté"]) == (
        "1948-03-12",
        "Issy-les-Moulineaux",
        True,
    )
