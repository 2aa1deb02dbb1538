"""Sign-in, roles and sign-out in the app; the navigation of app.py's declared pages.

    app.py:                                   navigation(SECTIONS).run()   (SECTIONS: the `Page` declarations)
    a page needing more than the board:       require_page()               (its first line)
    a page declared shows_patients=True:      journal(codes)               (the codes it displays)
    a control the role may not use:           if allowed(Action.…): …      (`domain.permissions`)

Nobody sees a page before signing in with their NocoDB account. The role is read again from NocoDB every
minute (a user whose role changed in NocoDB is signed out within a minute), and the session ends
after the idle time of Paramètres (default 30 minutes), the screen cleared by a watcher that runs every
minute. Failed sign-ins slow down the next attempts (per address and overall, for the whole process).

A sign-in opens a session of the app process (`domain.sessions`) whose signed id the browser keeps in an
HttpOnly cookie: a reload, a new tab or a bookmark resumes it. Sign-out, the idle time-out (counted over
every tab of the session), a role changed or an account removed in NocoDB close it for good.

The sign-in page is `views.sign_in`. A session serves one CPTS (`views.common.SESSION_BASE`): the one whose
base the user has a role on, chosen at sign-in when they have one on several; roles are read on that base.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import NoReturn

import pandas as pd
import streamlit as st
from streamlit.navigation.page import StreamlitPage

from domain.access import (
    idle_expired,
    role_of,
)
from domain.parameters import IDLE, IDLE_LIMITS, read_parameters
from domain.permissions import Action, can
from domain.sessions import COOKIE, Ended, Session
from errors import CptsError
from schema.models import PARAMETERS
from services.bases import base_roles
from services.journal import record_access
from services.region import regional_users
from services.sessions import SESSIONS
from settings import Settings
from views.common import (
    SESSION_BASE,
    base_of,
    current_base,
    error_message,
    load_frame,
    per_version,
    plain,
    served_base_id,
    show_error,
)

SESSION_EMAIL = "user_email"
SESSION_ROLE = "user_role"
CURRENT_PAGE = "current_page"  # the `Page` declaration app.py's navigation runs in this session
SESSION_SEEN = "user_seen_at"  # time.monotonic() of the last run of the app for this session
SESSION_ID = "user_session"  # the id of the session opened at sign-in (`services.sessions`), behind the cookie
ASKED_PAGE = "asked_page"  # the URL name of the page asked for while signed out, opened after sign-in
FLASH = "access_flash"
ROLE_CHECK_SECONDS = 60
IDLE_CHECK_SECONDS = 60  # each tick is a fragment run in every open session: no more often than needed
SESSION_CLOSED = "Session fermée (déconnexion dans un autre onglet, ou compte modifié dans NocoDB) : reconnectez-vous."
ROLE_CHANGED = "Votre rôle a changé dans NocoDB : reconnectez-vous."
NO_ACCOUNT = "Votre compte n'existe plus dans NocoDB, ou n'a plus accès à cette CPTS : voyez avec un coordinateur."


@dataclass(frozen=True)
class SignedIn:
    email: str
    role: str


@st.cache_data(ttl=ROLE_CHECK_SECONDS, show_spinner=False)
def known_roles(base_id: str) -> dict[str, str]:
    """E-mail -> NocoDB role on this CPTS base, for the users who have one there (the base's users)."""
    return base_roles(base_of(base_id).client, base_id)


@st.cache_data(ttl=ROLE_CHECK_SECONDS, show_spinner=False)
def regional() -> frozenset[str]:
    """The e-mails of the server's regional setting (`services.region`): their role is région."""
    return regional_users(Settings.from_env())


def app_role(email: str, base_role: str | None) -> str:
    """The app role of `email`, whose NocoDB role on the session's CPTS base is `base_role`."""
    return role_of(base_role, email in regional())


def idle_minutes() -> int:
    """Paramètres « Déconnexion après inactivité (minutes) », else 30 (also when unreadable: this runs before
    any page, which has no place to show the problem)."""
    try:
        return per_version("idle minutes", (PARAMETERS,), lambda: idle_of(load_frame(PARAMETERS.key)[0]))
    except CptsError:
        return idle_of(pd.DataFrame())  # NocoDB out of reach: no row, the default


def idle_of(frame: pd.DataFrame) -> int:
    parameters, _ = read_parameters(frame, (IDLE,))
    return int(parameters.value(IDLE))


# -- in app.py -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One page of app.py's navigation: its file, title, icon and URL, the action it needs (`can`), and
    whether it shows patient-level data, which it then traces with `journal` (rows named after its title).
    A page showing patients needs Action.SEE_PATIENTS."""

    path: str  # the page's file, e.g. "views/home.py"
    title: str
    icon: str
    url_path: str | None = None
    needs: Action = Action.SEE_BOARD
    shows_patients: bool = False
    default: bool = False

    def __post_init__(self) -> None:
        if self.shows_patients and self.needs is not Action.SEE_PATIENTS:
            raise ValueError(f"{self.path} montre des patients : il lui faut needs=Action.SEE_PATIENTS.")

    def streamlit_page(self) -> StreamlitPage:
        return st.Page(self.path, title=self.title, icon=self.icon, url_path=self.url_path, default=self.default)


def navigation(sections: Mapping[str, Sequence[Page]]) -> StreamlitPage:
    """The pages the signed-in user's role may open (`can(role, page.needs)`), by section, or the sign-in
    form when nobody is signed in. The page chosen is remembered for `require_page` and `journal`.

    Every page URL stays known: signed out, it shows the sign-in form (then the page asked for); for a
    user whose role may not open a page, its URL shows that the page is reserved, never the page."""
    st.session_state.pop(CURRENT_PAGE, None)
    declared = {page: page.streamlit_page() for section in sections.values() for page in section}
    user = signed_in_user()
    if user is None:
        from views.sign_in import sign_in_page  # the sign-in page builds on this module

        sign_in = st.Page(sign_in_page, title="Connexion", icon=":material/login:", default=True)
        asked = st.navigation([sign_in, *stand_ins(sign_in_page, list(declared.values()))], position="hidden")
        st.session_state[ASKED_PAGE] = asked.url_path
        return asked
    account_sidebar(user)
    shown = {name: [declared[p] for p in pages if can(user.role, p.needs)] for name, pages in sections.items()}
    shown = {name: pages for name, pages in shown.items() if pages}
    first = next(iter(shown))
    home = shown[first][0]
    for needs in dict.fromkeys(p.needs for p in declared if not can(user.role, p.needs)):
        reserved = [declared[p] for p in declared if p.needs is needs]
        shown[first] = [*shown[first], *stand_ins(refusal_of(home, needs), reserved)]
    selected = st.navigation(shown, expanded=True)  # every page the role may open, no « View more »
    st.session_state[CURRENT_PAGE] = next((page for page, made in declared.items() if made is selected), None)
    return selected


def refusal_of(home: StreamlitPage, needs: Action) -> Callable[[], None]:
    """What the URL of a page the role may not open shows (`refusal` for what the page needs)."""

    def refuse() -> None:
        refusal(home, needs)

    return refuse


def stand_ins(show: Callable[[], None], pages: Sequence[StreamlitPage]) -> list[StreamlitPage]:
    """Hidden pages at the URLs of `pages` that run `show` instead of them."""
    return [st.Page(show, title=p.title, url_path=p.url_path, visibility="hidden") for p in pages if p.url_path]


def signed_in_user() -> SignedIn | None:
    """The user of this session (or of the browser's session cookie), role read again from NocoDB; None once
    signed out, idle too long, or when the role changed since sign-in."""
    email = st.session_state.get(SESSION_EMAIL)
    if not email:
        return resumed_user()
    minutes = idle_minutes()
    session = open_session(minutes)
    if isinstance(session, Ended):
        sign_out(SESSION_CLOSED if session is Ended.CLOSED else idle_message(minutes))
        return None
    try:
        roles = known_roles(current_base().id)
    except CptsError as error:
        stop_with(error)
    if email not in roles or (session is not None and session.role != app_role(email, roles[email])):
        SESSIONS.revoke_all_of(email)
        sign_out(ROLE_CHANGED if email in roles else NO_ACCOUNT)
        return None
    role = app_role(email, roles[email])
    st.session_state[SESSION_ROLE] = role
    st.session_state[SESSION_SEEN] = time.monotonic()
    if session is not None:
        SESSIONS.touch(session.id)
    return SignedIn(email, role)


def open_session(minutes: int) -> Session | Ended | None:
    """The session this tab signed in to, idle time counted over all its tabs; None when signed in without
    one (tests set the session state), then idle counted in this tab."""
    session_id = st.session_state.get(SESSION_ID)
    if session_id:
        return SESSIONS.state(str(session_id), minutes)
    seen = float(st.session_state.get(SESSION_SEEN, 0.0))
    return Ended.IDLE if idle_expired(seen, time.monotonic(), minutes) else None


def resumed_user() -> SignedIn | None:
    """The user of the browser's session cookie (a reload, a new tab, a bookmark) if its session is open."""
    cookie = st.context.cookies.get(COOKIE)
    if not isinstance(cookie, str) or not cookie:  # (AppTest's runtime is a stand-in: no str)
        return None
    # The CPTS (and its idle time) is the session's: until it is known, the longest idle time (checked again)
    minutes = idle_minutes() if served_base_id() else IDLE_LIMITS[1]
    session = SESSIONS.resume(cookie, minutes)
    if isinstance(session, Ended):
        if session is Ended.IDLE:
            st.session_state[FLASH] = idle_message(minutes)
        return None
    if session.base:
        st.session_state[SESSION_BASE] = session.base
    st.session_state[SESSION_EMAIL] = session.email
    st.session_state[SESSION_ROLE] = session.role
    st.session_state[SESSION_ID] = session.id
    return signed_in_user()


def idle_message(minutes: int) -> str:
    return f"Session fermée après {minutes} minutes d'inactivité : reconnectez-vous."


def sign_out(message: str) -> None:
    """Close this tab's session for good (its cookie no longer signs anyone in) and forget everything this
    tab held; `message` is shown above the sign-in form."""
    session_id = st.session_state.get(SESSION_ID)
    if session_id:
        SESSIONS.revoke(str(session_id))
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.session_state[FLASH] = message


def stop_with(error: Exception) -> NoReturn:
    st.error(error_message(error), icon=":material/cloud_off:")
    st.stop()


# -- in the pages ---------------------------------------------------------------------------------


def require_page() -> Page:
    """The first line of every page that needs more than the board (its `needs` in app.py): the page's
    declaration, or the refusal and the page stops — when the page runs outside app.py's navigation (a
    user never can: there is no `pages/` folder) or for a role that may not open it."""
    page = st.session_state.get(CURRENT_PAGE)
    if not isinstance(page, Page) or not allowed(page.needs):
        refusal(needs=page.needs if isinstance(page, Page) else Action.SEE_PATIENTS)
        st.stop()
    return page


def allowed(action: Action) -> bool:
    """True when the signed-in user's role may do `action` (a page hides the controls it may not use)."""
    return bool(st.session_state.get(SESSION_EMAIL)) and can(current_role(), action)


def current_role() -> str | None:
    """The signed-in user's role (read again from NocoDB at every run by `navigation`), None if signed out."""
    role = st.session_state.get(SESSION_ROLE)
    return str(role) if role else None


def current_user() -> str:
    """The signed-in user's e-mail."""
    return str(st.session_state.get(SESSION_EMAIL) or "")


def sees_patient_data() -> bool:
    """True when a coordinator is signed in: a board page may then show figures it masks for the bureau."""
    return allowed(Action.SEE_PATIENTS)


def journal(patient_codes: Sequence[str], detail: str = "") -> None:
    """Trace in Journal d'accès that the signed-in user is shown these patients: the one way a page journals,
    each row named after the page's title in app.py (then " · detail", e.g. "À relancer · inscription").
    Only a page declared `shows_patients` may call it. If the journal cannot be written, the page stops
    with the reason: nothing is shown untraced."""
    page = st.session_state.get(CURRENT_PAGE)
    if not isinstance(page, Page) or not page.shows_patients:
        raise RuntimeError("journal() : seule une page déclarée shows_patients=True dans app.py peut l'appeler.")
    what = f"{page.title} · {detail}" if detail else page.title
    try:
        record_access(current_base(), current_user(), what, list(patient_codes))
    except CptsError as error:
        show_error(error)


REGION_ONLY = (
    "**Page réservée au rôle région.** Elle met côte à côte les CPTS d'une région : seuls les comptes inscrits "
    "au réglage régional du serveur y ont accès."
)


def refusal(home: StreamlitPage | None = None, needs: Action = Action.SEE_PATIENTS) -> None:
    if needs is Action.SEE_REGION:
        st.error(REGION_ONLY, icon=":material/lock:")
    else:
        st.error(
            "**Page réservée aux coordinateurs.** Elle montre des données de patients (données de santé) : seuls "
            "les comptes ayant le droit de modifier la base CPTS dans NocoDB y ont accès.",
            icon=":material/lock:",
        )
    if home is not None:
        st.page_link(home, label="Retour à l'accueil", icon=":material/arrow_back:")


# -- the pages of this module ------------------------------------------------------------------------


def account_sidebar(user: SignedIn) -> None:
    with st.sidebar:
        st.caption(f"Connecté : {plain(user.email)} · {plain(user.role)}")
        st.caption(plain(current_base().title))
        if st.button("Se déconnecter", icon=":material/logout:"):
            sign_out("Vous êtes déconnecté.")
            st.rerun()
        idle_watch()


@st.fragment(run_every=IDLE_CHECK_SECONDS)
def idle_watch() -> None:
    """Every IDLE_CHECK_SECONDS, without counting as activity: once the session is idle too long or closed (from
    another tab), run the whole app again, which signs out and clears the screen."""
    if st.session_state.get(SESSION_SEEN) is not None and isinstance(open_session(idle_minutes()), Ended):
        st.rerun()
