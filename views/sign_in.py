"""The sign-in page of the app (`views.access.navigation` shows it to whoever is not signed in): the NocoDB
e-mail and password checked (failed attempts slow down the next ones, per address and overall), then the
session opened on the CPTS whose base the user has a role on — chosen in a list when they have one on
several (the choice kept in the session, `views.common.SESSION_BASE`)."""

from __future__ import annotations

import time
from typing import NoReturn
from urllib.parse import urlencode

import streamlit as st
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.scriptrunner import get_script_run_ctx

from domain.access import SignInThrottle
from domain.sessions import OPEN_PATH
from domain.validation import email_problem
from errors import CptsError
from services.accounts import BadCredentials, check_password
from services.bases import CptsBase, user_bases
from services.connection import api_client
from services.sessions import COOKIE_ROUTE, SESSIONS
from settings import Settings
from views.access import (
    ASKED_PAGE,
    FLASH,
    SESSION_EMAIL,
    SESSION_ID,
    SESSION_ROLE,
    SESSION_SEEN,
    app_role,
    known_roles,
    regional,
    stop_with,
)
from views.common import SESSION_BASE, base_of, error_message, plain, served_base_id

CHOOSING = "choosing_cpts"  # (e-mail, base id -> name, time.monotonic()) after the password, for a choice
CHOICE_SECONDS = 5 * 60  # a choice left longer than this asks for the password again (an unattended screen)
NO_CPTS = "**Votre compte n'a accès à aucune CPTS de ce serveur.** Demandez à un coordinateur de vous l'ouvrir."
WRONG_CREDENTIALS = (
    "**Adresse e-mail ou mot de passe incorrect.** Vérifiez-les et réessayez ; après plusieurs échecs, chaque "
    "nouvel essai est retardé. Mot de passe oublié : demandez à un coordinateur de lancer "
    "`./cpts user add VOTRE-EMAIL --role … --reset-password`."
)


@st.cache_resource(show_spinner=False)
def throttle() -> SignInThrottle:
    """Failed sign-ins of this app process, shared by every session."""
    return SignInThrottle()


def bases_of(email: str) -> list[CptsBase]:
    """The CPTS bases `email` has a role on that this app serves: the one it was started for, else every
    CPTS base of the server (`services.bases.user_bases`)."""
    served = served_base_id()
    if served is None:
        with api_client(Settings.from_env()) as client:
            return user_bases(client, email)
    base = base_of(served)
    return [CptsBase(base.id, base.title)] if email in known_roles(base.id) else []


def send_browser_to(url: str) -> None:
    """Make the browser open `url` (as st.login does). Sent in a run that ends without a rerun: a new run
    would clear the message before it leaves."""
    context = get_script_run_ctx()
    if context is not None:
        message = ForwardMsg()
        message.auth_redirect.url = url
        context.enqueue(message)


def sign_in_page() -> None:
    st.title("Connexion", anchor=False)
    st.caption("Back office de la CPTS · compte NocoDB (le même e-mail et le même mot de passe)")
    message = st.session_state.pop(FLASH, None)
    if message:
        st.info(plain(message), icon=":material/info:")
    choosing = st.session_state.get(CHOOSING)
    if choosing and time.monotonic() - choosing[2] <= CHOICE_SECONDS:
        choose_cpts(*choosing[:2])
        return
    st.session_state.pop(CHOOSING, None)
    with st.form("sign_in", enter_to_submit=True):
        email = st.text_input("Adresse e-mail", autocomplete="username")
        password = st.text_input("Mot de passe", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Se connecter", type="primary", icon=":material/login:")
    if submitted:
        attempt_sign_in(email.strip().lower(), password)


def attempt_sign_in(email: str, password: str) -> None:
    """Check the password with NocoDB (after the throttle's delay); on success, open the session on the CPTS
    the user has a role on (`open_signed_in`), or ask which one when they have a role on several."""
    if not email or not password:
        st.error("Saisissez votre adresse e-mail et votre mot de passe.", icon=":material/error:")
        return
    problem = email_problem(email)
    if problem:
        st.error(f"Champ « Adresse e-mail » : {plain(problem)}.", icon=":material/error:")
        return
    delay = throttle().delay(email)
    waiting = f"Plusieurs essais ont échoué : vérification dans {delay:.0f} s…" if delay else "Vérification…"
    try:
        with st.spinner(waiting, show_time=bool(delay)):
            time.sleep(delay)
            check_password(Settings.from_env().nocodb_url, email, password)
    except BadCredentials:
        throttle().failed(email)
        st.error(WRONG_CREDENTIALS, icon=":material/error:")
        return
    except CptsError as error:
        st.error(error_message(error), icon=":material/cloud_off:")
        return
    throttle().succeeded(email)
    known_roles.clear()  # a user created a minute ago is known at once
    regional.clear()
    try:
        bases = bases_of(email)
    except CptsError as error:
        stop_with(error)
    if len(bases) > 1:
        st.session_state[CHOOSING] = (email, {base.id: base.title for base in bases}, time.monotonic())
        st.rerun()  # the sign-in page then asks which CPTS to open
    if not bases:
        st.error(NO_CPTS, icon=":material/lock:")
        return
    open_signed_in(email, bases[0].id)


def choose_cpts(email: str, bases: dict[str, str]) -> None:
    """After the password, for a user with a role on several CPTS: which one to open (base id -> name)."""
    st.info(f"{plain(email)} : votre compte a un rôle dans plusieurs CPTS. Choisissez celle à ouvrir.")
    with st.form("choose_cpts"):
        chosen = st.selectbox("CPTS", list(bases), format_func=lambda base_id: bases[base_id])
        submitted = st.form_submit_button("Ouvrir", type="primary", icon=":material/login:")
    if submitted and chosen in bases:
        st.session_state.pop(CHOOSING, None)
        open_signed_in(email, chosen)


def open_signed_in(email: str, base_id: str) -> NoReturn:
    """Open the session of `email` (whose password NocoDB accepted) on the CPTS of `base_id`, with their role
    there, read again (no role there: refused), and send the browser for its cookie (`serve.py`), which
    then opens the page asked for."""
    try:
        roles = known_roles(base_id)
    except CptsError as error:
        stop_with(error)
    if email not in roles:
        st.error(NO_CPTS, icon=":material/lock:")
        st.stop()
    role = app_role(email, roles[email])
    session_id = SESSIONS.open(email, role, base_id)
    st.session_state.update({SESSION_EMAIL: email, SESSION_ROLE: role, SESSION_SEEN: time.monotonic()})
    st.session_state.update({SESSION_ID: session_id, SESSION_BASE: base_id})
    if not COOKIE_ROUTE.is_set():
        st.rerun()  # served without the cookie route (`streamlit run app.py`): signed in for this tab only
    ticket, page = SESSIONS.ticket(session_id), str(st.session_state.get(ASKED_PAGE) or "")
    send_browser_to(f"{OPEN_PATH}?{urlencode({'ticket': ticket, 'page': page})}")
    st.info("Connexion réussie : ouverture de la session…", icon=":material/login:")
    st.stop()  # the browser opens the page asked for again, with the session's cookie
