"""The signed-in sessions of this app process (`domain.sessions.SessionRegistry`), one registry shared by the
pages (views.access: sign-in, reload, sign-out) and the cookie route of serve.py."""

from __future__ import annotations

import threading

from domain.sessions import SessionRegistry

SESSIONS = SessionRegistry()  # its signing secret is drawn at start: a restart closes every session
# Set when the app is served with the cookie route (serve.py, i.e. ./cpts up). Unset (`streamlit run app.py`,
# AppTest), a sign-in lasts as long as the tab, as before sessions had a cookie.
COOKIE_ROUTE = threading.Event()
