"""Every page of the app in real Chromium on a seeded CPTS, per store mode, side by side in the same run.

Starts its own NocoDB on free ports (in a temporary folder, or in `--data DIR`, kept so that the next run
reuses the base seeded there), seeds the demo CPTS of `--size` if the base is empty (the large one: 50 000
patients, 2 000 members, ~43 000 proposals; minutes), adds a coordinator account, then for each mode
(`CPTS_STORE` given to the app: `whole` = each page reads whole tables, cached 15 s; `shared` = the store
shared by all sessions) measures, with the app started afresh for each page:
1. first display: the page opened from the navigation right after the app started and the coordinator
   signed in on a light landing page (Journal d'accès; Orienter for the journal itself);
2. repeat display: the landing page, then the page again from the navigation (the same session, as a
   coordinator going back to a page; median of three), with the CPU time Chromium's renderer spent on it
   (`repeat_browser_cpu_s`, its main thread's TaskDuration: what the client costs, which 20 sessions pay
   20 times on the same cores);
3. Rafraîchir: 100 waiting patients set to « Sans suite » in NocoDB (PATCH through the API, as its grid
   does), then the click on « Rafraîchir » until the run has ended and, on Accueil and Patients en
   attente, the new count of waiting patients is shown (`refresh_shows_change`); the patients are set
   back to waiting after. Pages without the button: null;
then the team at once, all opening Accueil, then Patients en attente, at the same moment:
4. `--crowd` protocol-level sessions (bench/crowd.py, no browser: the server's own share,
   `sessions_protocol`), `--rounds` times;
5. `--among` sessions of which one is a real Chromium page and the others protocol-level (bench/team.py:
   what a coordinator sees on their own computer while the team clicks at the same moment,
   `one_browser_among`), `--among-rounds` times;
6. `--sessions` browser contexts (one Chromium) signed in at once (bench/team.py, `concurrent`), `--rounds`
   times: p50/p95 of the display times and of the times each run's end had arrived in its page
   (`received_*`, before Chromium draws it), errors (time-outs, exceptions shown), the CPU seconds Chromium
   and the app spent over the rounds (`cpu_s`: with 20 tabs on the app's 2 cores, mostly the tabs' drawing);
each with the Streamlit process's peak RSS (VmHWM of /proc/PID/status).

Displayed: see bench/browser.py (the run started by the click has ended and the page's heading is shown).
Last line of output: one JSON object, seconds rounded to 2 decimals, with the machine load (1, 5, 15 min)
at start and end. Progress goes to stderr.

Measured (a438e01, large demo, --modes whole, 2 cores shared, load 5 to 19): first display 9-21 s for 10
pages (Orienter 3.1 s, Journal d'accès 0.6 s); repeat 0.8-5.6 s; Rafraîchir 6.6-20 s (Patients en attente
20.4 s); 20 sessions: Accueil p50 31 s / p95 42 s, Patients en attente p50 163 s / p95 222 s, no error;
Streamlit's peak RSS 0.9 GB for one session, 2.4 GB with 20. Shared store (0a23679 and before, load 0.2 to
9): first display 0.6-1.2 s, repeat 0.5-0.8 s, Rafraîchir 0.6-0.9 s (Présentation AG 1.5 s); 20 sessions:
Patients en attente p50 13-16 s (whole: 233-261 s), RSS 1.0 GB (whole: 5.1 GB). Since (no gc.collect after
each run, start-up read before the port opens; --modes shared, load 1.7 to 5): first 0.4-1.7 s, repeat
0.14-1.0 s (median 0.43), of which Chromium's CPU 80-100 %; 20 sessions p50 6.3 s (Accueil) and 11 s
(Patients en attente), p95 63-65 s; RSS 1.2 GB with 20. That p95 was the harness's: it waited for the idle
watcher's next tick when React had shown a whole run without ever rendering « running » (bench/browser.py,
docs/upstream-streamlit-stall.md). Counting script_finished messages instead (2 or 3 runs, load 11 to 33):
Accueil p50/p95 10.5/44.4 and 8.2/47.9 s before, 4.7/7.3, 8.8/17.4 and 7.8/9.4 s after; Patients en
attente 13.9/24.7 and 15.7/22.2 s before, 10.8/16.0 and 9.2/32.3 s after (18.1/78.8 s at load 60-70). See README.

Usage: .venv/bin/python bench/pages.py [--data DIR] [--size small|large] [--modes whole,shared]
           [--sessions 20] [--crowd 20] [--rounds 2] [--pages "Accueil,Patients en attente"]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

if __name__ == "__main__":
    sys.path[0] = str(Path(__file__).resolve().parents[1])  # the repo root, not bench/

from playwright.async_api import Browser, CDPSession, Page

from app import SECTIONS
from bench.browser import chromium, displayed, figure, marker, nav_link, signed_in
from bench.procfs import peak_rss_mb
from demo.generate import SCALES, Size
from domain.access import COORDINATOR
from domain.permissions import can
from schema.models import PATIENTS, PatientStatus
from server.process import free_port, start_app, stop
from settings import Settings
from store.base import Base
from store.client import clause
from views.access import Page as Declared

MODES = ("whole", "shared")
LANDING, LANDING_ELSE = "Journal d'accès", "Orienter"  # light pages the sessions sign in on
CROWD = ("views/home.py", "views/waiting_list.py")  # the pages opened by all sessions at once
CHANGED = 100
WAITING_LABEL = "En attente"  # Accueil's metric of waiting patients
EMAIL = "coordinateur.bench@cpts.fr"
T = TypeVar("T")


def declared_pages() -> list[Declared]:
    """The pages of app.py's navigation, in its order."""
    return [page for section in SECTIONS.values() for page in section]


def url_of(page: Declared) -> str:
    """The page's URL path, as Streamlit makes it: its url_path, else its file's name ("" for the default)."""
    return "" if page.default else page.url_path or Path(page.path).stem


def by_title(title: str) -> Declared:
    return next(page for page in declared_pages() if page.title == title)


def coordinator_pages() -> list[Declared]:
    """The pages of the navigation a coordinator may open (not the région role's Vue régionale)."""
    return [page for page in declared_pages() if can(COORDINATOR, page.needs)]


def chosen(titles: str | None) -> list[Declared]:
    """The pages named in `--pages` (titles, comma-separated), by default every page the coordinator opens."""
    if not titles:
        return coordinator_pages()
    wanted = [t.strip() for t in titles.split(",") if t.strip()]
    unknown = set(wanted) - {page.title for page in declared_pages()}
    if unknown:
        raise SystemExit(f"Pages inconnues : {', '.join(sorted(unknown))}")
    return [page for page in declared_pages() if page.title in wanted]


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile, None without values."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else None


def loads(averages: tuple[float, float, float]) -> list[float]:
    return [round(load, 2) for load in averages]


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


# -- NocoDB side -----------------------------------------------------------------------------------------


def seeded(base: Base, size: str) -> dict[str, int]:
    """The base's row counts, after seeding the demo of `size` if it has no patient yet."""
    from services.seed import row_counts, seed_demo

    if not base.count(PATIENTS):
        say(f"seeding the {size} demo (minutes for the large one)…")
        start = time.monotonic()

        def progress(title: str, done: int, total: int) -> None:
            say(f"  seed {done}/{total} {title} ({time.monotonic() - start:.0f} s)")

        seed_demo(base, cast(Size, size), progress=progress)
    counts = row_counts(base)
    say("base: " + ", ".join(f"{title} {n}" for title, n in counts.items()))
    return counts


def coordinator_password(settings: Settings, base: Base) -> str:
    """The bench's coordinator account on the base, with a fresh password."""
    from server.users import add_user, admin_client

    with admin_client(settings) as admin:
        added = add_user(admin, base.id, EMAIL, COORDINATOR, reset_password=True)
    assert added.password
    return added.password


def waiting_where() -> str:
    return clause(PATIENTS.field("status").title, "eq", PatientStatus.WAITING.value)


def set_status(base: Base, ids: Sequence[int], status: PatientStatus) -> None:
    title = PATIENTS.field("status").title
    base.client.update(base.handle(PATIENTS).id, [{"Id": i, title: status.value} for i in ids])


def some_waiting(base: Base) -> list[int]:
    pages = base.client.pages(
        base.id, base.handle(PATIENTS).id, where=waiting_where(), fields=["Id"], page_size=CHANGED
    )
    return [int(row["Id"]) for row in next(pages)]


# -- one app per measure ---------------------------------------------------------------------------------


@contextmanager
def app(settings: Settings, mode: str, base: Base | None = None) -> Iterator[tuple[str, int]]:
    """The Streamlit app started afresh on a free port with CPTS_STORE=mode: its URL and process id. With
    `base`, it serves that base as `./cpts up` serves the only CPTS of its server (CPTS_BASE_ID: the start-up
    read of `views.warm` runs, as it does there); without, every CPTS of the server, each chosen at sign-in."""
    settings = dataclasses.replace(settings, app_port=free_port())
    env = {"CPTS_STORE": mode} | ({"CPTS_BASE_ID": base.id} if base else {})
    service = start_app(settings, env=env, timeout=120)
    try:
        yield settings.app_url, service.process.pid
    finally:
        stop(service.process.pid)


def ready(declared: Declared) -> Any:
    return lambda page: marker(page, declared.title, declared.default)


async def open_page(page: Page, declared: Declared) -> float:
    return await displayed(page, nav_link(page, declared.title).click, marker(page, declared.title, declared.default))


async def browser_cpu(session: CDPSession) -> float:
    """Seconds the page's renderer has spent on its main thread so far (Chrome's TaskDuration metric)."""
    metrics = (await session.send("Performance.getMetrics"))["metrics"]
    return float(next(m["value"] for m in metrics if m["name"] == "TaskDuration"))


async def repeat_display(page: Page, declared: Declared, landing: Declared) -> tuple[float, float]:
    """The landing page, then the page again: seconds to display it, and the browser's CPU seconds for it."""
    await open_page(page, landing)
    session = await page.context.new_cdp_session(page)
    try:
        await session.send("Performance.enable")
        before = await browser_cpu(session)
        seconds = await open_page(page, declared)
        return seconds, await browser_cpu(session) - before
    finally:
        await session.detach()


def change_shown(page: Page, declared: Declared, waiting: int) -> list[Any]:
    """Where the page shows the count of waiting patients once it is `waiting` (none on most pages)."""
    if declared.path == CROWD[0]:
        return [figure(page, WAITING_LABEL, waiting)]
    if declared.path == CROWD[1]:
        return [page.get_by_text(f"{waiting} patient(s) retenu(s) par les filtres")]
    return []


async def refresh(page: Page, declared: Declared, base: Base) -> tuple[float | None, bool]:
    """Seconds from « Rafraîchir » to the page displayed after 100 patients changed in NocoDB, and whether
    the change itself was checked on screen; (None, False) for a page without the button."""
    button = page.get_by_role("button", name="Rafraîchir")
    if not await button.count():
        return None, False
    ids = some_waiting(base)
    waiting = base.count(PATIENTS, where=waiting_where()) - len(ids)
    set_status(base, ids, PatientStatus.DROPPED)
    try:
        checks = change_shown(page, declared, waiting)
        seconds = await displayed(page, button.click, marker(page, declared.title, declared.default), *checks)
    finally:
        set_status(base, ids, PatientStatus.WAITING)
    return seconds, bool(checks)


async def one_page(
    browser: Browser, settings: Settings, base: Base, password: str, mode: str, declared: Declared
) -> tuple[dict[str, Any], float]:
    """First, repeat and Rafraîchir for one page, on an app started for it; and the app's peak RSS."""
    landing = by_title(LANDING if declared.title != LANDING else LANDING_ELSE)
    with app(settings, mode, base) as (url, pid):
        page = await signed_in(browser, f"{url}/{url_of(landing)}", EMAIL, password, ready(landing))
        try:
            first = await open_page(page, declared)
            repeats = [await repeat_display(page, declared, landing) for _ in range(3)]
            refreshed, checked = await refresh(page, declared, base)
        finally:
            await page.context.close()
        rss = peak_rss_mb(pid)
    figures = {
        "first_s": rounded(first),
        "repeat_s": rounded(statistics.median(seconds for seconds, _ in repeats)),
        "repeat_browser_cpu_s": rounded(statistics.median(cpu for _, cpu in repeats)),
        "refresh_s": rounded(refreshed),
        "refresh_shows_change": checked,
    }
    say(f"  {mode} · {declared.title}: {figures}")
    return figures, rss


async def all_at_once(displays: Iterable[Awaitable[T]]) -> tuple[list[T], int]:
    """The displays started at the same moment: their results, and how many failed (each error said)."""
    results = await asyncio.gather(*displays, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            say(f"    error: {str(result).splitlines()[0] if str(result) else type(result).__name__}")
    return [r for r in results if not isinstance(r, BaseException)], sum(isinstance(r, BaseException) for r in results)


async def measure(
    settings: Settings,
    base: Base,
    password: str,
    mode: str,
    pages: Sequence[Declared],
    counts: tuple[int, int, int, int, int],
) -> dict[str, Any]:
    """The phases of one mode; `counts`: browser sessions, protocol sessions (bench/crowd.py), their rounds,
    sessions with one browser among them (bench/among.py), its rounds."""
    from bench.crowd import protocol_crowd
    from bench.team import among, crowd  # these build on this module

    sessions, protocol, rounds, mixed, mixed_rounds = counts
    async with chromium() as browser:
        per_page, rss = {}, []
        for declared in pages:
            per_page[declared.title], peak = await one_page(browser, settings, base, password, mode, declared)
            rss.append(peak)
        figures: dict[str, Any] = {"pages": per_page, "one_session_rss_peak_mb": max(rss, default=None)}
        if protocol:
            figures["sessions_protocol"] = await protocol_crowd(settings, base, EMAIL, password, mode, protocol, rounds)
        if mixed:
            figures["one_browser_among"] = await among(
                browser, settings, base, (EMAIL, password), mode, mixed, mixed_rounds
            )
        if sessions:
            figures["concurrent"] = await crowd(browser, settings, base, password, mode, sessions, rounds)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="data folder to keep (and reuse) the seeded NocoDB")
    parser.add_argument("--size", choices=tuple(SCALES), default="large")
    parser.add_argument("--modes", default=",".join(MODES), help="CPTS_STORE values, comma-separated")
    parser.add_argument("--sessions", type=int, default=20, help="simultaneous sessions (0: none)")
    parser.add_argument("--crowd", type=int, default=20, help="simultaneous protocol-level sessions (0: none)")
    parser.add_argument("--rounds", type=int, default=2, help="times all sessions open each page together")
    parser.add_argument("--among", type=int, default=20, help="one browser among N sessions (bench/among.py; 0: none)")
    parser.add_argument("--among-rounds", type=int, default=10, help="times they open each page together")
    parser.add_argument("--pages", help="page titles, comma-separated (default: every page)")
    args = parser.parse_args()
    from bench.harness import served_base  # sets the full communes data (the tests import this module)

    pages, modes = chosen(args.pages), [m.strip() for m in args.modes.split(",") if m.strip()]
    load_start = os.getloadavg()
    with (
        tempfile.TemporaryDirectory(prefix="cpts-bench-") as scratch,
        served_base(args.data or Path(scratch)) as (settings, base),
    ):
        counts = seeded(base, args.size)
        password = coordinator_password(settings, base)
        figures = {
            mode: asyncio.run(
                measure(
                    settings,
                    base,
                    password,
                    mode,
                    pages,
                    (args.sessions, args.crowd, args.rounds, args.among, args.among_rounds),
                )
            )
            for mode in modes
        }
    result = {"rows": counts, "modes": figures, "load_start": loads(load_start), "load_end": loads(os.getloadavg())}
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
