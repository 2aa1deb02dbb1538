"""Headless Chromium driving the served app for bench/pages.py: sign in through the Connexion page, open
a page by its navigation link, click a button, and time each until the page is displayed.

Displayed: the Streamlit run that the action started is over (the page has received a `script_finished`
message of a whole-app run since the action, React has rendered every update it was given, and the app's
root element, `stApp`, shows `data-test-script-state="notRunning"`) AND the element that shows the page is
visible (see `marker`). Streamlit removes what the previous run left (stale elements) when a run ends, so by
then the page's content is fully rendered.

Why the messages are counted, not the changes of `data-test-script-state` (issue 13, see
docs/upstream-streamlit-stall.md): React renders Streamlit's state changes in batches; when the page is busy
(20 Chromium on 2 cores), a whole run's messages, from « running » to « not running », can all be handled
before React renders once, and the attribute never leaves "notRunning". Counting its changes then missed
that run, and the wait went on until the next run (the idle watcher's fragment), 10 to 60 s later, although
the page was on screen."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from playwright.async_api import Browser, Locator, Page, async_playwright, expect

CHROMIUM = Path("/usr/bin/chromium")  # Debian's, installed by ./cpts
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WAIT_MS = 600_000  # 20 sessions on the whole-table reading took 2 minutes a page (issue 13)

# Counts the whole-app script runs whose end this document has received: ForwardMsgs (protobuf) whose
# top-level field 6, `script_finished`, is FINISHED_SUCCESSFULLY (0) or FINISHED_WITH_COMPILE_ERROR (1); not
# the end of a run interrupted by another (2). The end of a fragment run (3) counts only after a
# `navigation` message (field 23, sent by whole-app runs only) not yet followed by an end: when the idle
# watcher's tick comes as a page run has just ended, Streamlit starts the fragment's run and drops the page
# run's own end (see bench/crowd.py, `Session.run`). Field numbers never change.
RUN_COUNTER = """
window.__cptsRuns = 0;
(() => {
  let navigated = false;  // a whole-app run's navigation received, its end not yet
  const fields = (data) => {
    const found = {finished: -1, navigation: false};
    if (!(data instanceof ArrayBuffer)) return found;
    const b = new Uint8Array(data);
    let i = 0;
    const varint = () => { let v = 0, s = 1, x; do { x = b[i++]; v += (x & 127) * s; s *= 128; } while (x & 128); return v; };
    while (i < b.length) {
      const key = varint(), wire = key % 8;
      if (wire === 0) { const v = varint(); if (key === 48) found.finished = v; }
      else if (wire === 2) { const length = varint(); i += length; if (key === 186) found.navigation = true; }
      else if (wire === 1) i += 8;
      else if (wire === 5) i += 4;
      else return found;
    }
    return found;
  };
  const Native = window.WebSocket;
  function Counted(...args) {
    const socket = new Native(...args);
    socket.addEventListener('message', (event) => {
      const message = fields(event.data);
      if (message.navigation) navigated = true;
      if (message.finished === 2) navigated = false;  // interrupted: the next run sends its own navigation
      if (message.finished === 0 || message.finished === 1 || (message.finished === 3 && navigated)) {
        window.__cptsRuns += 1;
        window.__cptsRunEndedAt = performance.now();  // when the run's end arrived, before it is drawn
        navigated = false;
      }
    });
    return socket;
  }
  Counted.prototype = Native.prototype;
  Object.assign(Counted, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
  window.WebSocket = Counted;
})();
// React has rendered every update it was given (its root has no pending lanes).
window.__cptsRendered = () => {
  const root = document.getElementById('root');
  const key = root && Object.keys(root).find((k) => k.startsWith('__reactContainer$'));
  return !key || root[key].stateNode.pendingLanes === 0;
};
"""
RUN_ENDED = """(before) => window.__cptsRuns > before && window.__cptsRendered() &&
  document.querySelector('[data-testid="stApp"]')?.getAttribute('data-test-script-state') === 'notRunning'"""


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """One headless Chromium for the whole run."""
    if not CHROMIUM.exists():
        raise SystemExit(f"{CHROMIUM} manque : installez-le (apt-get install -y chromium), ./cpts le fait.")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


def nav_link(page: Page, title: str) -> Locator:
    """The sidebar link to a page of the navigation (its accessible name ends with the title, after the icon)."""
    name = re.compile(rf"(^|\s){re.escape(title)}$")
    return page.get_by_test_id("stSidebarNav").get_by_role("link", name=name)


def marker(page: Page, title: str, default: bool) -> Locator:
    """What shows that this page, not another, is on screen: its title as heading; the default page
    (Accueil) has the CPTS's name as heading, its caption starts with its title."""
    if default:
        return page.get_by_test_id("stCaptionContainer").get_by_text(re.compile(rf"^{re.escape(title)} · "))
    return page.get_by_role("heading", name=title, exact=True)


def figure(page: Page, label: str, value: int) -> Locator:
    """The value of the metric `label`, when it shows `value` (digits maybe grouped by spaces)."""
    digits = r"[\s\u202f\u00a0]?".join(str(value))
    metric = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    )
    return metric.get_by_test_id("stMetricValue").get_by_text(re.compile(rf"^\s*{digits}\s*$"))


async def displayed(page: Page, action: Callable[[], Awaitable[None]], *shown: Locator) -> float:
    """Seconds from `action` until the run it starts has ended and every `shown` locator is visible.
    An exception shown by the app raises RuntimeError."""
    before = int(await page.evaluate("window.__cptsRuns"))
    start = time.perf_counter()
    await action()
    await page.wait_for_function(RUN_ENDED, arg=before, timeout=WAIT_MS, polling=50)
    for locator in shown:
        await expect(locator.first).to_be_visible(timeout=WAIT_MS)
    seconds = time.perf_counter() - start
    if await page.get_by_test_id("stException").count():
        raise RuntimeError(await page.get_by_test_id("stException").first.inner_text())
    return seconds


async def received_and_displayed(
    page: Page, action: Callable[[], Awaitable[None]], *shown: Locator
) -> tuple[float, float]:
    """`displayed`, and the seconds until the run's end had arrived in the page (the server's answer,
    before the browser draws it), both from the page's clock."""
    start = float(await page.evaluate("performance.now()"))
    seconds = await displayed(page, action, *shown)
    ended = float(await page.evaluate("window.__cptsRunEndedAt"))
    return (ended - start) / 1000, seconds


async def signed_in(
    browser: Browser, url: str, email: str, password: str, ready: Callable[[Page], Locator], *, choose: bool = False
) -> Page:
    """A new browser context (its own Streamlit session) signed in at `url`: the Connexion page, then the
    page asked for, displayed (`ready`). `choose`: the account has a role on several CPTS, the first one of
    the list the sign-in page then shows is opened."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    await context.add_init_script(RUN_COUNTER)
    page = await context.new_page()
    await page.goto(url, timeout=WAIT_MS)
    await expect(page.get_by_role("heading", name="Connexion")).to_be_visible(timeout=WAIT_MS)
    await page.wait_for_function(RUN_ENDED, arg=0, timeout=WAIT_MS, polling=50)
    await page.get_by_label("Adresse e-mail").fill(email)
    await page.get_by_label("Mot de passe", exact=True).fill(password)
    submit = page.get_by_role("button", name="Se connecter")
    if choose:
        await submit.click()
        submit = page.get_by_role("button", name="Ouvrir")
        await expect(submit).to_be_visible(timeout=WAIT_MS)
    async with page.expect_navigation(timeout=WAIT_MS):  # the session's cookie set, the page opens again
        await submit.click()
    await page.wait_for_function(RUN_ENDED, arg=0, timeout=WAIT_MS, polling=50)
    await expect(ready(page).first).to_be_visible(timeout=WAIT_MS)
    return page
