"""A team's sessions at once, with browsers (issue 13): 20 Chromium contexts (`crowd`), and one
coordinator's browser among protocol-level sessions (`among`: what each coordinator sees).

20 coordinators each draw their pages on their own computer; only the server is shared. With 20 Chromium
contexts on the same 2 cores as the app and NocoDB (bench/pages.py's `concurrent`), the clients' drawing is
most of what is measured (`cpu_s` there). Here `count - 1` sessions are protocol-level clients
(bench/crowd.py: the server's work for each, no drawing) and one is a real Chromium page; all open Accueil,
then Patients en attente, at the same moment, `rounds` times (the landing page in between). The Chromium
page's display times are a coordinator's wait while the rest of the team clicks at the same moment.

Used by bench/pages.py (`--among N`, `--among-rounds R`): for each page, the browser's p50/p95/max display
(and when the run's end had arrived), the protocol sessions' p50/p95, errors, and Streamlit's peak RSS.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Sequence
from typing import Any

from playwright.async_api import Browser, Page

from bench import crowd as protocol
from bench.browser import marker, nav_link, received_and_displayed, signed_in
from bench.pages import (
    CROWD,
    EMAIL,
    LANDING,
    all_at_once,
    app,
    by_title,
    declared_pages,
    loads,
    open_page,
    percentile,
    ready,
    rounded,
    say,
    url_of,
)
from bench.procfs import cpu_seconds, peak_rss_mb
from settings import Settings
from store.base import Base
from views.access import Page as Declared


async def at_once(pages: Sequence[Page], declared: Declared) -> tuple[list[tuple[float, float]], int]:
    """Every session opens the page at the same moment: for each, the seconds until the run's end had
    arrived and until the page was displayed; and the sessions that failed."""
    return await all_at_once(opened(page, declared) for page in pages)


async def opened(page: Page, declared: Declared) -> tuple[float, float]:
    """`open_page`, with the seconds until the run's end had arrived first."""
    link, shown = nav_link(page, declared.title), marker(page, declared.title, declared.default)
    return await received_and_displayed(page, link.click, shown)


async def crowd(
    browser: Browser, settings: Settings, base: Base, password: str, mode: str, sessions: int, rounds: int
) -> dict[str, Any]:
    """`sessions` contexts signed in at once, then opening each CROWD page together, `rounds` times."""
    landing = by_title(LANDING)
    targets = [next(p for p in declared_pages() if p.path == path) for path in CROWD]
    figures: dict[str, Any] = {"sessions": sessions}
    with app(settings, mode, base) as (url, pid):
        say(f"  {mode}: signing in {sessions} sessions…")
        signing = [
            signed_in(browser, f"{url}/{url_of(landing)}", EMAIL, password, ready(landing)) for _ in range(sessions)
        ]
        pages = await asyncio.gather(*signing)
        before, start = cpu_seconds(pid), time.perf_counter()
        try:
            for target in targets:
                times: list[tuple[float, float]] = []
                errors = 0
                for number in range(rounds):
                    if number:
                        await at_once(pages, landing)
                    shown, failed = await at_once(pages, target)
                    times += shown
                    errors += failed
                    say(
                        f"  {mode} · {sessions} sessions · {target.title} round {number + 1}: "
                        f"p50 {rounded(percentile([d for _, d in shown], 0.5))} s"
                    )
                figures[target.title] = crowd_figures(times, errors)
            after = cpu_seconds(pid)
            figures["cpu_s"] = {k: round(after[k] - before[k], 1) for k in after} | {
                "wall": round(time.perf_counter() - start, 1)
            }
        finally:
            await asyncio.gather(*(page.context.close() for page in pages), return_exceptions=True)
        figures["rss_peak_mb"] = peak_rss_mb(pid)
    return figures


def crowd_figures(times: Sequence[tuple[float, float]], errors: int) -> dict[str, Any]:
    """p50/p95 of the display times, and of the times the run's end had arrived (the server's share, before
    20 tabs on the same cores draw it: `received_*`)."""
    displayed, received = [d for _, d in times], [r for r, _ in times]
    return {
        "p50_s": rounded(percentile(displayed, 0.5)),
        "p95_s": rounded(percentile(displayed, 0.95)),
        "received_p50_s": rounded(percentile(received, 0.5)),
        "received_p95_s": rounded(percentile(received, 0.95)),
        "errors": errors,
    }


async def among(
    browser: Browser, settings: Settings, base: Base, credentials: tuple[str, str], mode: str, count: int, rounds: int
) -> dict[str, Any]:
    """One Chromium page among `count` sessions, on an app started afresh with CPTS_STORE=mode."""
    email, password = credentials
    landing = by_title(LANDING)
    figures: dict[str, Any] = {"sessions": count, "browsers": 1}
    with app(settings, mode, base) as (url, pid):
        say(f"  {mode}: one browser among {count} sessions…")
        load_start = os.getloadavg()
        sessions = list(
            await asyncio.gather(*(protocol.signed_in(url, email, password, landing) for _ in range(count - 1)))
        )
        page = await signed_in(browser, f"{url}/{url_of(landing)}", email, password, ready(landing))
        try:
            for target in (next(p for p in declared_pages() if p.path == path) for path in CROWD):
                seen: list[tuple[float, float]] = []
                served: list[float] = []
                errors = failures = 0
                for _ in range(rounds):
                    await asyncio.gather(protocol.at_once(sessions, landing), open_page(page, landing))
                    team, mine = await asyncio.gather(
                        protocol.at_once(sessions, target), opened(page, target), return_exceptions=True
                    )
                    if isinstance(team, BaseException):  # at_once counts its sessions' failures: not theirs
                        raise team
                    shown, failed = team
                    if isinstance(mine, BaseException):
                        say(f"    browser error: {mine}")
                        failures += 1
                    else:
                        seen.append(mine)
                    served += shown
                    errors += failed
                figures[target.title] = {
                    "browser": protocol.summary([displayed for _, displayed in seen], failures),
                    "browser_received": protocol.summary([received for received, _ in seen], failures),
                    "protocol": protocol.summary(served, errors),
                }
                say(f"  {mode} · one browser among {count} · {target.title}: {figures[target.title]}")
        finally:
            await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
            await page.context.close()
        figures |= {
            "rss_peak_mb": peak_rss_mb(pid),
            "load_start": loads(load_start),
            "load_end": loads(os.getloadavg()),
        }
    return figures
