"""Many Streamlit sessions measured without browsers: the server's own share of a crowd (issue 13).

With 20 Chromium contexts on the same 2 cores as the app and NocoDB, a page's display time is mostly the
clients' CPU. Here each session is a protocol-level client in one asyncio loop (`websockets`), speaking to
`/_stcore/stream` the protobufs Streamlit's browser client speaks (`BackMsg`, `ForwardMsg`):
- signed in through the app's own path: the sign-in form's run, its widgets filled in and submitted (one
  `rerun_script` with their states), the `auth_redirect` to /session/ouvrir followed (one-use ticket traded
  for the `cpts_session` cookie), then a new connection with that cookie, as the browser opens the page again;
- a display: `rerun_script` for the page (its URL path, as the browser sends it), timed from the send to
  `script_finished` with FINISHED_SUCCESSFULLY; a run that shows an exception element, or that ran another
  page than the one asked (the sign-in form, a refusal), is an error, not a time.
Like the browser, each session asks for the idle watcher's fragment run at its tick (`auto_rerun`); not done
here: rendering, and the cached-message hashes the browser sends (the server sends every message in full).

Used by bench/pages.py (`--crowd N`: N sessions all opening Accueil, then Patients en attente, at the same
moment, `--rounds` times: p50/p95/max, errors, Streamlit's peak RSS, the machine's load at the phase's
start and end, and `ended_by_tick`: runs whose `script_finished` Streamlit dropped, see `Session.run`).

Measured (large demo, --modes shared, 2 cores shared with other work): 20 protocol sessions, 2 rounds (load
25 to 28 during the phase): Accueil p50 1.1 s / p95 1.25 s, Patients en attente p50 2.2 s / p95 2.3 s, no
error, 4 ends by a tick, RSS 1.3 GB; in the same run the 20 browser sessions (load up to 57): Accueil p50
28 s / p95 79 s, Patients en attente 28 / 43 s. 5 rounds (load 14 to 12): Accueil p50 0.7 s / p95 0.9 s,
Patients en attente p50 1.0 s / p95 2.2 s (the first round; 0.8-1.3 s after), no error, RSS 1.2 GB. Again,
2 rounds (load 18 to 15): Accueil 0.85 / 1.33 s, Patients en attente 1.7 / 1.85 s; browsers (load 33 to 62):
Accueil p50 13 s / p95 98 s, Patients en attente 8.6 / 33 s.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import time
from collections.abc import Sequence
from typing import Any

import httpx
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Origin, Subprotocol

from bench.pages import (
    CROWD,
    LANDING,
    all_at_once,
    app,
    by_title,
    declared_pages,
    loads,
    percentile,
    rounded,
    say,
    url_of,
)
from bench.procfs import peak_rss_mb
from domain.sessions import COOKIE
from settings import Settings
from store.base import Base
from views.access import Page as Declared

STREAM = "/_stcore/stream"
SUBPROTOCOL = "streamlit"  # the first entry the browser client sends (then its XSRF token, its session id)
WAIT_S = 180.0  # a run not ended by then is an error (20 sessions on whole tables took 2-4 min a page)
FINISHED = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")
FOR_RERUN = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")
FRAGMENT_DONE = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_FRAGMENT_RUN_SUCCESSFULLY")
SIGN_IN_FIELDS = ("Adresse e-mail", "Mot de passe")
SIGN_IN_BUTTON = "Se connecter"


@dataclasses.dataclass
class Run:
    """What one script run sent back: the page it ran, the texts shown, the widgets, and how it ended."""

    seconds: float = 0.0
    status: int | None = None
    page: str | None = None  # the navigation's page (its title), None if no navigation was sent
    page_hash: str = ""  # that page's script hash
    hidden: bool = False  # that page is hidden in the navigation: a stand-in (the sign-in form, a refusal)
    exceptions: list[str] = dataclasses.field(default_factory=list)
    texts: list[str] = dataclasses.field(default_factory=list)  # headings and Markdown bodies, in order
    widgets: dict[str, str] = dataclasses.field(default_factory=dict)  # label -> widget id (inputs, buttons)
    redirect: str | None = None  # an auth_redirect's URL

    def shows(self, declared: Declared) -> bool:
        """The run displayed `declared` itself: its page in the navigation, not a hidden stand-in."""
        return self.status == FINISHED and self.page == declared.title and not self.hidden and not self.exceptions

    def read(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "navigation":
            pages = {p.page_script_hash: p for p in message.navigation.app_pages}
            chosen = pages.get(message.navigation.page_script_hash)
            self.page, self.hidden = (chosen.page_name, chosen.is_hidden) if chosen else (None, False)
            self.page_hash = message.navigation.page_script_hash
        elif kind == "auth_redirect":
            self.redirect = message.auth_redirect.url
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            self.element(message.delta.new_element)

    def element(self, element: Any) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.exceptions.append(f"{element.exception.type}: {element.exception.message}")
        elif kind in ("heading", "markdown"):
            self.texts.append(getattr(element, kind).body)
        elif kind in ("text_input", "button"):
            widget = getattr(element, kind)
            self.widgets[widget.label] = widget.id


class Session:
    """One Streamlit session over its own WebSocket, as one browser tab. Like the browser client, it answers
    each `auto_rerun` (a fragment's `run_every`: the idle watcher) by asking for that fragment's run every
    `interval` seconds (`ticks`)."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        self.ticks: dict[str, asyncio.Task[None]] = {}  # fragment id -> its timer
        self.page_hash = ""  # the page shown, whose fragments the timers run
        self.fragment_runs = 0  # the fragment runs that ended (read during the runs asked for)
        self.ended_by_tick = 0  # the runs whose end was a fragment run's (see `run`)

    @classmethod
    async def open(cls, url: str, cookie: str | None = None) -> Session:
        """A new session of the app at `url` (http://host:port), with the session cookie if given."""
        headers = {"Cookie": f"{COOKIE}={cookie}"} if cookie else {}
        stream = "ws" + url.removeprefix("http") + STREAM
        connection = await connect(
            stream,
            subprotocols=[Subprotocol(SUBPROTOCOL)],
            origin=Origin(url),
            additional_headers=headers,
            max_size=None,
            max_queue=None,  # a session waiting for the others reads later: never hold the server's sends back
            ping_interval=None,  # as the browser: no pings of the client's own
        )
        return cls(connection)

    async def run(self, page: str = "", widgets: dict[str, Any] | None = None) -> Run:
        """Ask for a run of the page at URL path `page` ("" for the default) with these widget values (id ->
        value: str for a text input, True for a button), and read its messages until it has ended (through
        the reruns it asks for itself). A tick's fragment run that ends after the page's messages ends it too,
        as the browser sees it: when the tick comes as the page's run has just ended, Streamlit starts a new
        script runner for the fragment and drops the page run's own `script_finished` (the race described
        in streamlit/runtime/app_session.py, `request_rerun`), so it never comes."""
        back = BackMsg()
        back.rerun_script.page_name = page
        for widget_id, value in (widgets or {}).items():
            state = back.rerun_script.widget_states.widgets.add(id=widget_id)
            if value is True:
                state.trigger_value = True
            else:
                state.string_value = value
        run = Run()
        start = time.perf_counter()
        await self.connection.send(back.SerializeToString())
        async with asyncio.timeout(WAIT_S):
            while run.status in (None, FOR_RERUN):
                message = ForwardMsg()
                message.ParseFromString(await self.connection.recv())
                kind = message.WhichOneof("type")
                if kind == "script_finished" and message.script_finished == FRAGMENT_DONE:
                    self.fragment_runs += 1
                    if run.page is not None:  # after the page's own messages: its end was lost to a tick
                        run.status = FINISHED
                        self.ended_by_tick += 1
                elif kind == "script_finished":
                    run.status = message.script_finished
                elif kind == "auto_rerun":
                    self.tick(message.auto_rerun.fragment_id, message.auto_rerun.interval)
                else:
                    run.read(message)  # (a fragment run's elements too: an exception there counts)
        run.seconds = time.perf_counter() - start
        self.page_hash = run.page_hash or self.page_hash
        return run

    def tick(self, fragment_id: str, interval: float) -> None:
        """Ask for the fragment's run every `interval` seconds from now on, as the browser's timer does."""
        if fragment_id not in self.ticks:
            self.ticks[fragment_id] = asyncio.create_task(self.ticking(fragment_id, interval))

    async def ticking(self, fragment_id: str, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            back = BackMsg()
            back.rerun_script.fragment_id = fragment_id
            back.rerun_script.page_script_hash = self.page_hash
            back.rerun_script.is_auto_rerun = True
            await self.connection.send(back.SerializeToString())

    async def close(self) -> None:
        for timer in self.ticks.values():
            timer.cancel()
        await self.connection.close()


async def session_cookie(url: str, email: str, password: str) -> str:
    """The app's session cookie for this account, through its own sign-in form and cookie route."""
    form = await Session.open(url)
    try:
        shown = await form.run()
        labels = (*SIGN_IN_FIELDS, SIGN_IN_BUTTON)
        if not set(labels) <= set(shown.widgets):
            raise RuntimeError(f"pas de formulaire de connexion : {shown.texts[:3]}")
        values = dict(zip((shown.widgets[label] for label in labels), (email, password, True), strict=True))
        signed = await form.run(widgets=values)
    finally:
        await form.close()
    if not signed.redirect:
        raise RuntimeError(f"connexion refusée : {signed.texts[:3]}")
    async with httpx.AsyncClient(base_url=url) as client:  # no Sec-Fetch-Site: as an older browser
        response = await client.get(signed.redirect)
    cookie = response.cookies.get(COOKIE)
    if not cookie:
        raise RuntimeError(f"{signed.redirect}: pas de cookie ({response.status_code})")
    return cookie


async def signed_in(url: str, email: str, password: str, landing: Declared) -> Session:
    """A session signed in with its own cookie, on the landing page."""
    session = await Session.open(url, await session_cookie(url, email, password))
    shown = await session.run(url_of(landing))
    if not shown.shows(landing):
        await session.close()
        raise RuntimeError(f"{landing.title} non affichée : {shown.page} {shown.exceptions or shown.texts[:3]}")
    return session


async def display(session: Session, declared: Declared) -> float:
    """Seconds for the run of `declared`; RuntimeError if it did not show that page."""
    shown = await session.run(url_of(declared))
    if not shown.shows(declared):
        raise RuntimeError(f"{declared.title}: {shown.page} {shown.exceptions or shown.status}")
    return shown.seconds


async def at_once(sessions: Sequence[Session], declared: Declared) -> tuple[list[float], int]:
    """Every session asks for the page at the same moment: the run times, and the sessions that failed."""
    return await all_at_once(display(s, declared) for s in sessions)


def summary(times: Sequence[float], errors: int) -> dict[str, Any]:
    return {
        "p50_s": rounded(percentile(times, 0.5)),
        "p95_s": rounded(percentile(times, 0.95)),
        "max_s": rounded(max(times, default=None)),
        "runs": len(times),
        "errors": errors,
    }


async def crowd_at(url: str, email: str, password: str, count: int, rounds: int) -> dict[str, Any]:
    """`count` sessions signed in on the app at `url`, all opening each CROWD page together, `rounds` times
    (the landing page in between, untimed, as the browser sessions do)."""
    landing = by_title(LANDING)
    sessions = list(await asyncio.gather(*(signed_in(url, email, password, landing) for _ in range(count))))
    figures: dict[str, Any] = {"sessions": count}
    try:
        for target in (next(p for p in declared_pages() if p.path == path) for path in CROWD):
            times: list[float] = []
            errors = 0
            for number in range(rounds):
                if number:
                    await at_once(sessions, landing)
                shown, failed = await at_once(sessions, target)
                times, errors = times + shown, errors + failed
                say(f"  protocol · {count} sessions · {target.title} round {number + 1}: {summary(shown, failed)}")
            figures[target.title] = summary(times, errors)
        figures["ended_by_tick"] = sum(session.ended_by_tick for session in sessions)
    finally:
        await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
    return figures


async def protocol_crowd(
    settings: Settings, base: Base, email: str, password: str, mode: str, count: int, rounds: int
) -> dict[str, Any]:
    """bench/pages.py's phase: `crowd_at` on an app started afresh with CPTS_STORE=mode, with its peak RSS."""
    with app(settings, mode, base) as (url, pid):
        say(f"  {mode}: {count} protocol sessions…")
        load_start = os.getloadavg()
        figures = await crowd_at(url, email, password, count, rounds)
        figures |= {
            "rss_peak_mb": peak_rss_mb(pid),
            "load_start": loads(load_start),
            "load_end": loads(os.getloadavg()),
        }
    return figures
