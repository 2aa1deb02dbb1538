"""The signed-in sessions of this app process (`domain.sessions.SessionRegistry`), one registry shared by the
pages (views.access: sign-in, reload, sign-out) and the cookie route of serve.py."""

from __future__ import annotations

from domain.sessions import SessionRegistry

SESSIONS = SessionRegistry()  # its signing secret is drawn at start: a restart closes every session
