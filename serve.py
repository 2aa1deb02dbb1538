"""The app as `./cpts up` serves it: the tables read and the first figures made (`views.warm`), then Streamlit
running app.py, so that the first page shown is as quick as the next ones and no session waits on that
start-up read (the port opens once it is done, or after `WARM_UP_WAIT` seconds at most: it then goes on while
the server starts, and a page needing what it makes waits for it rather than making it again).
An app serving every CPTS of the server makes nothing before it starts; when the server has région accounts,
each CPTS base's regional figures are read after, in the background (`views.warm.warm_region`).

Streamlit's garbage collection after every script run is off (`runner.postScriptGC`): with the shared copy of
a large base in memory (≈ 100 000 records), a full collection took 0.4 to 0.9 s after each run of each
session, holding the interpreter lock, so every other session waited too. Python's own collector still runs.

Beside Streamlit's own routes, one route of ours: /session/ouvrir trades the one-time ticket of a sign-in for
the session cookie (`domain.sessions`), then shows the page asked for, so that a reload, a new tab or a
bookmark finds the user signed in.

Usage: python serve.py [options of `streamlit run`]
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import streamlit as st
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from domain.sessions import COOKIE, OPEN_PATH, from_the_app, page_path
from services.sessions import COOKIE_ROUTE, SESSIONS


async def open_session(request: Request) -> RedirectResponse:
    """Set the cookie of the ticket's session (signed id; HttpOnly, SameSite=Strict, Secure over HTTPS) and
    show the page asked for; a ticket unknown, used or stale, or a link followed from another site, shows the
    sign-in page, without a cookie."""
    response = RedirectResponse(page_path(request.query_params.get("page", "")), status_code=303)
    response.headers["Cache-Control"] = "no-store"
    if not from_the_app(request.headers.get("sec-fetch-site")):
        return response
    cookie = SESSIONS.redeem(request.query_params.get("ticket", ""))
    if cookie is not None:
        secure = request.url.scheme == "https"
        response.set_cookie(COOKIE, cookie, path="/", httponly=True, samesite="strict", secure=secure)
    return response


NO_GC_AFTER_RUN = ("--runner.postScriptGC", "false")  # see the module's docstring
WARM_UP_WAIT = 40  # seconds the port waits for the start-up read at most (`./cpts up` waits 60 s for the app)

# Found by `streamlit run` (which serve.py runs on itself) and served with its options.
app = st.App(Path(__file__).with_name("app.py"), routes=[Route(OPEN_PATH, open_session, methods=["GET"])])
COOKIE_ROUTE.set()


def main() -> None:
    from streamlit.web import cli

    from views.warm import warm_up

    warming = threading.Thread(target=warm_up, name="warm-up", daemon=True)
    warming.start()
    warming.join(WARM_UP_WAIT)  # a slower start-up read goes on while the server starts
    sys.argv = ["streamlit", "run", str(Path(__file__)), *NO_GC_AFTER_RUN, *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
