"""The session cookie's rules and the registry behind it (pure logic, a clock set by the test)."""

from __future__ import annotations

from domain.parameters import IDLE_LIMITS
from domain.sessions import (
    TICKET_SECONDS,
    Ended,
    Session,
    SessionRegistry,
    from_the_app,
    page_path,
    signed,
    verified,
)

EMAIL = "coord@cpts.fr"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def registry() -> tuple[SessionRegistry, Clock]:
    clock = Clock()
    return SessionRegistry(clock=clock), clock


def cookie_of(sessions: SessionRegistry, email: str = EMAIL, role: str = "coordinateur") -> tuple[str, str]:
    session_id = sessions.open(email, role)
    cookie = sessions.redeem(sessions.ticket(session_id))
    assert cookie is not None
    return session_id, cookie


def test_signature_holds_only_for_the_id_and_secret_it_was_made_with() -> None:
    cookie = signed(b"secret", "abc")
    assert verified(b"secret", cookie) == "abc"
    assert verified(b"other secret", cookie) is None
    session_id, _, signature = cookie.rpartition(".")
    assert verified(b"secret", f"abd.{signature}") is None  # another id, same signature
    assert verified(b"secret", f"{session_id}.{signature[:-1]}A") is None
    assert verified(b"secret", session_id) is None  # no signature
    for junk in ("", ".", "é.x", "abc.", ".abc", "abc.é", f"{session_id}.{signature}é"):
        assert verified(b"secret", junk) is None


def test_a_cookie_resumes_its_session_until_it_is_revoked() -> None:
    sessions, _ = registry()
    session_id, cookie = cookie_of(sessions)
    resumed = sessions.resume(cookie, 30)
    assert isinstance(resumed, Session) and (resumed.id, resumed.email, resumed.role) == (
        session_id,
        EMAIL,
        "coordinateur",
    )
    sessions.revoke(session_id)
    assert sessions.resume(cookie, 30) is Ended.CLOSED  # a cookie copied before sign-out is refused after it


def test_a_tampered_or_foreign_cookie_is_refused() -> None:
    sessions, _ = registry()
    session_id, cookie = cookie_of(sessions)
    other, _ = registry()
    assert other.resume(cookie, 30) is Ended.CLOSED  # signed by another process (restarted app)
    assert sessions.resume(session_id, 30) is Ended.CLOSED  # the bare id, unsigned
    assert sessions.resume(cookie[:-2] + ("AA" if not cookie.endswith("AA") else "BB"), 30) is Ended.CLOSED
    assert isinstance(sessions.resume(cookie, 30), Session)


def test_idle_time_counts_from_the_last_activity_and_then_closes_the_session() -> None:
    sessions, clock = registry()
    session_id, cookie = cookie_of(sessions)
    clock.now += 29 * 60
    assert isinstance(sessions.state(session_id, 30), Session)
    sessions.touch(session_id)  # activity in any tab
    clock.now += 29 * 60
    assert isinstance(sessions.resume(cookie, 30), Session)
    clock.now += 2 * 60
    assert sessions.state(session_id, 30) is Ended.IDLE
    assert sessions.state(session_id, 30) is Ended.IDLE  # every tab hears why
    assert sessions.resume(cookie, 30) is Ended.IDLE  # the cookie's use closes it for good
    assert sessions.resume(cookie, 24 * 60) is Ended.CLOSED


def test_a_ticket_is_good_once_and_briefly() -> None:
    sessions, clock = registry()
    session_id = sessions.open(EMAIL, "bureau")
    ticket = sessions.ticket(session_id)
    assert sessions.redeem(ticket) is not None
    assert sessions.redeem(ticket) is None  # used
    stale = sessions.ticket(session_id)
    clock.now += TICKET_SECONDS + 1
    assert sessions.redeem(stale) is None
    closed = sessions.ticket(session_id)
    sessions.revoke(session_id)
    assert sessions.redeem(closed) is None
    assert sessions.redeem("") is None and sessions.redeem("invented") is None


def test_revoke_all_of_an_email_closes_its_sessions_only() -> None:
    sessions, _ = registry()
    _, first = cookie_of(sessions)
    _, second = cookie_of(sessions)
    _, someone_else = cookie_of(sessions, "bureau@cpts.fr", "bureau")
    sessions.revoke_all_of(EMAIL)
    assert sessions.resume(first, 30) is Ended.CLOSED and sessions.resume(second, 30) is Ended.CLOSED
    assert isinstance(sessions.resume(someone_else, 30), Session)


def test_the_cookie_route_only_sends_to_a_page_of_the_app() -> None:
    assert page_path("patients-en-attente") == "/patients-en-attente"
    assert page_path("") == "/"
    for elsewhere in ("//evil.example", "https://evil.example", "/../x", "a/b", "x?y", "\\\\evil", "A" * 200):
        assert page_path(elsewhere) == "/"


def test_the_cookie_route_takes_tickets_from_the_app_page_only() -> None:
    assert from_the_app("same-origin") and from_the_app(None)  # None: a browser that does not say
    for elsewhere in ("cross-site", "same-site", "none"):
        assert not from_the_app(elsewhere)


def test_sessions_idle_longer_than_any_time_out_are_forgotten_at_the_next_sign_in() -> None:
    sessions, clock = registry()
    forgotten, _ = cookie_of(sessions)
    clock.now += IDLE_LIMITS[1] * 60 - 1
    kept, _ = cookie_of(sessions)
    clock.now += 2
    cookie_of(sessions)
    assert sessions.state(forgotten, 24 * 60 * 365) is Ended.CLOSED
    assert isinstance(sessions.state(kept, IDLE_LIMITS[1]), Session)
