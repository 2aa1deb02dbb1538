"""Signed-in sessions that outlive a reload: the rules of the session cookie and the registry behind it.

A successful sign-in opens a session here (a random id, the e-mail, the role) and a one-time ticket; the
browser trades the ticket for the cookie (`serve.py`, /session/ouvrir), which holds the session id signed
with a secret of the app process. A new tab, a reload or a bookmark sends the cookie back: the id is looked
up here, so a session that was closed (sign-out, idle time-out, role changed or account removed in NocoDB)
is refused whatever cookie the browser still holds. The registry lives in the app's memory: restarting the
app signs everyone out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from domain.access import idle_expired
from domain.parameters import IDLE_LIMITS

COOKIE = "cpts_session"
OPEN_PATH = "/session/ouvrir"  # ?ticket=…&page=…: sets the cookie, then shows the page
TICKET_SECONDS = 60.0  # a ticket not traded within this time is refused
PAGE_SLUG = re.compile(r"[a-z0-9_-]{0,80}")


def signature(secret: bytes, session_id: str) -> str:
    digest = hmac.new(secret, session_id.encode("ascii"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def signed(secret: bytes, session_id: str) -> str:
    """The cookie's value: the session id and its signature."""
    return f"{session_id}.{signature(secret, session_id)}"


def verified(secret: bytes, cookie: str) -> str | None:
    """The session id of a cookie value signed with `secret`, None if it was not (tampered, foreign, empty)."""
    session_id, _, sent = cookie.rpartition(".")
    if not session_id or not cookie.isascii():
        return None
    return session_id if hmac.compare_digest(signature(secret, session_id), sent) else None


def page_path(page: str) -> str:
    """The local path of an app page's URL name (« patients-en-attente » -> /patients-en-attente); "/" for
    anything else, so that the cookie route never sends the browser elsewhere."""
    return f"/{page}" if PAGE_SLUG.fullmatch(page) else "/"


def from_the_app(fetch_site: str | None) -> bool:
    """True when the browser says (Sec-Fetch-Site) that the app's own page sent it to the cookie route, or
    says nothing (an older browser): a ticket link opened from elsewhere must not sign a browser in to
    someone else's session."""
    return fetch_site is None or fetch_site == "same-origin"


class Ended(Enum):
    """Why a session id no longer signs anyone in."""

    IDLE = "idle"  # no activity for longer than the idle time-out: closed now
    CLOSED = "closed"  # signed out, role changed, account removed, or never opened here


@dataclass
class Session:
    id: str
    email: str
    role: str
    last_seen: float
    base: str = ""  # the id of the CPTS base chosen at sign-in (one app serves several CPTS)


@dataclass
class SessionRegistry:
    """The open sessions of one app process (shared by every browser tab; thread-safe). `clock` is
    time.monotonic unless a test sets it."""

    clock: Callable[[], float] = time.monotonic
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    _sessions: dict[str, Session] = field(default_factory=dict)
    _tickets: dict[str, tuple[str, float]] = field(default_factory=dict)  # ticket -> session id, issued at
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def open(self, email: str, role: str, base: str = "") -> str:
        """A new session for `email` (just signed in with its password); returns its id. Sessions idle for
        longer than any idle time-out allows are forgotten then."""
        session_id = secrets.token_urlsafe(32)
        with self._lock:
            now = self.clock()
            longest = IDLE_LIMITS[1]
            self._sessions = {i: s for i, s in self._sessions.items() if not idle_expired(s.last_seen, now, longest)}
            self._sessions[session_id] = Session(session_id, email, role, now, base)
        return session_id

    def ticket(self, session_id: str) -> str:
        """A one-time ticket the browser trades for the cookie of `session_id` within TICKET_SECONDS."""
        ticket = secrets.token_urlsafe(32)
        with self._lock:
            self._tickets[ticket] = (session_id, self.clock())
        return ticket

    def redeem(self, ticket: str) -> str | None:
        """The cookie value of the ticket's session; None for a ticket unknown, used, stale or whose session
        has closed. A ticket is good once."""
        with self._lock:
            session_id, issued = self._tickets.pop(ticket, ("", 0.0))
            now = self.clock()
            self._tickets = {t: v for t, v in self._tickets.items() if now - v[1] <= TICKET_SECONDS}
            if session_id not in self._sessions or now - issued > TICKET_SECONDS:
                return None
        return signed(self.secret, session_id)

    def resume(self, cookie: str, idle_minutes: int) -> Session | Ended:
        """The session a cookie (from a new tab, a reload) stands for, if its signature holds and it is open."""
        session_id = verified(self.secret, cookie)
        if not session_id:
            return Ended.CLOSED
        session = self.state(session_id, idle_minutes)
        if session is Ended.IDLE:
            self.revoke(session_id)
        return session

    def state(self, session_id: str, idle_minutes: int) -> Session | Ended:
        """The session if still open (a copy). An idle one stays IDLE until revoked (by the sign-out this
        answer calls for), so that every tab says why it was signed out."""
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return Ended.CLOSED
            if idle_expired(session.last_seen, self.clock(), idle_minutes):
                return Ended.IDLE
            return Session(session.id, session.email, session.role, session.last_seen, session.base)

    def touch(self, session_id: str) -> None:
        """Activity in a tab of this session: its idle time starts again."""
        with self._lock:
            session = self._sessions.get(session_id)
            if session is not None:
                session.last_seen = self.clock()

    def revoke(self, session_id: str) -> None:
        with self._lock:
            self._sessions.pop(session_id, None)

    def revoke_all_of(self, email: str) -> None:
        """Close every session of `email` (its role changed, or its account is gone)."""
        with self._lock:
            self._sessions = {i: s for i, s in self._sessions.items() if s.email != email}
