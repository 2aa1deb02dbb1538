"""Sign-in, roles, sign-out and idle time-out in the app (AppTest on a real NocoDB and real NocoDB users)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import streamlit as st
from apptest import point_app_at, rerun, signed_in, visible_text
from streamlit.testing.v1 import AppTest

from domain.access import BOARD, COORDINATOR
from domain.parameters import IDLE
from domain.sessions import Ended, Session
from schema.models import ACCESS_LOG, PARAMETERS, AccessEntry, ParameterRow
from server.users import UserAdded, add_user, admin_client
from services.sessions import COOKIE_ROUTE, SESSIONS
from settings import ROOT
from store import records
from store.base import Base
from tests.conftest import Server
from views.access import SESSION_EMAIL, SESSION_ID, SESSION_ROLE, SESSION_SEEN

APP = str(ROOT / "app.py")
JOURNAL_PAGE = "views/journal.py"
RUN_TIMEOUT = 60


@pytest.fixture(scope="module")
def accounts(nocodb: Server, base: Base) -> dict[str, UserAdded]:
    with admin_client(nocodb.settings) as admin:
        return {role: add_user(admin, base.id, f"{role}.app@cpts.fr", role) for role in (COORDINATOR, BOARD)}


@pytest.fixture(autouse=True)
def cookie_route() -> Iterator[None]:
    """The app as ./cpts up serves it (serve.py): a sign-in sends the browser for the session's cookie."""
    COOKIE_ROUTE.set()
    yield
    COOKIE_ROUTE.clear()


@pytest.fixture
def app_env(nocodb: Server, base: Base, monkeypatch: pytest.MonkeyPatch) -> Base:
    """The app pointed at this module's base, nobody signed in (unlike conftest's app_env)."""
    point_app_at(monkeypatch, nocodb, base.id)
    return base


def submitted(email: str, password: str) -> AppTest:
    """The sign-in form sent with these."""
    app = rerun(AppTest.from_file(APP, default_timeout=RUN_TIMEOUT))
    app.text_input[0].input(email)
    app.text_input[1].input(password)
    app.button[0].click()
    return rerun(app)


def sign_in(email: str, password: str) -> AppTest:
    app = submitted(email, password)  # signed in: this run sends the browser for the cookie (serve.py), stops
    assert [info.value for info in app.info] == ["Connexion réussie : ouverture de la session…"]
    return rerun(app)  # the next run: in a browser, that of the page opened again with the cookie


def signed_in_as(email: str, role: str) -> AppTest:
    """An app whose session is already signed in (as after the sign-in form)."""
    return rerun(signed_in(AppTest.from_file(APP, default_timeout=RUN_TIMEOUT), email, role))


def shows_sign_in(app: AppTest) -> bool:
    return [t.label for t in app.text_input] == ["Adresse e-mail", "Mot de passe"] and not app.metric


def test_no_page_without_sign_in(app_env: Base) -> None:
    app = rerun(AppTest.from_file(APP, default_timeout=RUN_TIMEOUT))
    assert shows_sign_in(app)
    assert app.title[0].value == "Connexion"
    for page in ("views/home.py", JOURNAL_PAGE):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            app.switch_page(page)


def test_coordinator_signs_in_and_sees_every_page(app_env: Base, accounts: dict[str, UserAdded]) -> None:
    account = accounts[COORDINATOR]
    app = sign_in(account.email.upper(), str(account.password))
    assert not shows_sign_in(app)
    assert visible_text(app.title[0].value) == app_env.title  # Accueil
    assert app.session_state[SESSION_EMAIL] == account.email
    assert f"Connecté : {account.email}" in visible_text(app.sidebar.caption[0].value)
    rerun(app.switch_page(JOURNAL_PAGE))
    assert app.title[0].value == "Journal d'accès"


def test_without_the_cookie_route_a_sign_in_lasts_as_long_as_the_tab(
    app_env: Base, accounts: dict[str, UserAdded]
) -> None:
    COOKIE_ROUTE.clear()  # `streamlit run app.py`, without serve.py
    account = accounts[BOARD]
    app = submitted(account.email, str(account.password))
    assert not shows_sign_in(app)  # straight to the pages, nothing sent to the browser
    assert not any("Connexion réussie" in info.value for info in app.info)
    assert visible_text(app.title[0].value) == app_env.title
    assert isinstance(SESSIONS.state(app.session_state[SESSION_ID], 30), Session)  # sign-out still closes it


def test_bureau_sees_aggregates_only(app_env: Base, accounts: dict[str, UserAdded]) -> None:
    account = accounts[BOARD]
    app = sign_in(account.email, str(account.password))
    assert app.session_state[SESSION_ROLE] == BOARD
    assert visible_text(app.title[0].value) == app_env.title and app.metric  # the aggregate home page
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page(JOURNAL_PAGE)  # not in the bureau's navigation, not even by URL


def test_patient_page_run_directly_refuses_a_bureau_user(app_env: Base, accounts: dict[str, UserAdded]) -> None:
    for session in ({}, {SESSION_EMAIL: accounts[BOARD].email, SESSION_ROLE: BOARD}):
        page = AppTest.from_file(str(ROOT / JOURNAL_PAGE), default_timeout=RUN_TIMEOUT)
        for key, value in session.items():
            page.session_state[key] = value
        rerun(page)
        assert "Page réservée aux coordinateurs" in page.error[0].value
        assert not page.dataframe and not page.title


def test_wrong_password_french_message_and_growing_delay(app_env: Base, accounts: dict[str, UserAdded]) -> None:
    email = accounts[BOARD].email
    durations = []
    app = rerun(AppTest.from_file(APP, default_timeout=RUN_TIMEOUT))
    for _ in range(3):
        app.text_input[0].input(email)
        app.text_input[1].input("Pas-le-bon#2026")
        started = time.monotonic()
        app.button[0].click()
        rerun(app)
        durations.append(time.monotonic() - started)
        assert "Adresse e-mail ou mot de passe incorrect" in visible_text(app.error[0].value)
        assert shows_sign_in(app)
    assert durations[1] >= 1 and durations[2] >= 2  # 0 s, then 1 s, then 2 s before NocoDB is asked
    assert durations[2] > durations[0] + 1.5
    app.text_input[0].input(email)
    app.text_input[1].input(str(accounts[BOARD].password))
    started = time.monotonic()
    app.button[0].click()
    rerun(app)
    assert time.monotonic() - started >= 4  # the right password waits too: the delay comes before the check
    assert app.session_state[SESSION_EMAIL] == email


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("", "x", "Saisissez votre adresse e-mail et votre mot de passe."),
        ("coord@cpts.fr", "", "Saisissez votre adresse e-mail et votre mot de passe."),
        ("coord-sans-arobase", "x", "Champ « Adresse e-mail » :"),
    ],
)
def test_sign_in_form_checks_its_fields(app_env: Base, email: str, password: str, message: str) -> None:
    app = submitted(email, password) if email or password else None
    assert app is not None
    assert message in visible_text(app.error[0].value)
    assert shows_sign_in(app)


def test_sign_out(app_env: Base, accounts: dict[str, UserAdded]) -> None:
    app = signed_in_as(accounts[COORDINATOR].email, COORDINATOR)
    app.sidebar.button[0].click()
    rerun(app)
    assert shows_sign_in(app)
    assert visible_text(app.info[0].value) == "Vous êtes déconnecté."
    assert SESSION_EMAIL not in app.session_state


def test_idle_session_ends_after_the_time_set_in_parametres(app_env: Base, accounts: dict[str, UserAdded]) -> None:
    app = signed_in_as(accounts[COORDINATOR].email, COORDINATOR)
    app.session_state[SESSION_SEEN] = time.monotonic() - 29 * 60
    assert not shows_sign_in(rerun(app))  # 29 minutes: still signed in (default 30)
    app.session_state[SESSION_SEEN] = time.monotonic() - 31 * 60
    assert shows_sign_in(rerun(app))
    assert "Session fermée après 30 minutes d'inactivité" in visible_text(app.info[0].value)
    [row_id] = records.insert(app_env, PARAMETERS, [ParameterRow(key=IDLE.key, value="10")])
    try:
        st.cache_data.clear()
        app = signed_in_as(accounts[COORDINATOR].email, COORDINATOR)
        app.session_state[SESSION_SEEN] = time.monotonic() - 11 * 60
        assert "après 10 minutes" in visible_text(rerun(app).info[0].value)
    finally:
        app_env.client.delete(app_env.handle(PARAMETERS).id, [row_id])


def test_role_is_read_again_from_nocodb(nocodb: Server, app_env: Base) -> None:
    with admin_client(nocodb.settings) as admin:
        account = add_user(admin, app_env.id, "retrograde@cpts.fr", COORDINATOR)
        app = signed_in_as(account.email, COORDINATOR)
        rerun(app.switch_page(JOURNAL_PAGE))
        add_user(admin, app_env.id, account.email, BOARD)
    st.cache_data.clear()  # as after ROLE_CHECK_SECONDS
    rerun(app)
    assert app.session_state[SESSION_ROLE] == BOARD
    assert not any("Journal" in t.value for t in app.title)


def test_sign_in_opens_a_session_that_sign_out_closes(app_env: Base, accounts: dict[str, UserAdded]) -> None:
    account = accounts[COORDINATOR]
    app = sign_in(account.email, str(account.password))
    session_id = app.session_state[SESSION_ID]
    session = SESSIONS.state(session_id, 30)
    assert isinstance(session, Session) and (session.email, session.role) == (account.email, COORDINATOR)
    app.sidebar.button[0].click()
    assert shows_sign_in(rerun(app))
    assert SESSIONS.state(session_id, 30) is Ended.CLOSED  # its cookie, wherever copied, opens nothing now


def test_a_session_idle_in_every_tab_ends(
    app_env: Base, accounts: dict[str, UserAdded], monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [time.monotonic()]
    monkeypatch.setattr(SESSIONS, "clock", lambda: now[0])
    account = accounts[COORDINATOR]
    app = sign_in(account.email, str(account.password))
    session_id = app.session_state[SESSION_ID]
    now[0] += 29 * 60
    assert not shows_sign_in(rerun(app))  # activity: the idle time starts again
    app.session_state[SESSION_SEEN] = time.monotonic() - 60 * 60  # this tab's own clock does not count...
    now[0] += 20 * 60
    assert not shows_sign_in(rerun(app))  # ...the session's does (another tab may have been used)
    now[0] += 31 * 60
    assert shows_sign_in(rerun(app))
    assert "Session fermée après 30 minutes d'inactivité" in visible_text(app.info[0].value)
    assert SESSIONS.state(session_id, 30) is Ended.CLOSED


def test_a_role_changed_in_nocodb_closes_the_session(nocodb: Server, app_env: Base) -> None:
    with admin_client(nocodb.settings) as admin:
        account = add_user(admin, app_env.id, "promu@cpts.fr", BOARD)
        app = sign_in(account.email, str(account.password))
        session_id = app.session_state[SESSION_ID]
        add_user(admin, app_env.id, account.email, COORDINATOR)
    st.cache_data.clear()  # as after ROLE_CHECK_SECONDS
    assert shows_sign_in(rerun(app))
    assert visible_text(app.info[0].value) == "Votre rôle a changé dans NocoDB : reconnectez-vous."
    assert SESSIONS.state(session_id, 30) is Ended.CLOSED
    assert not shows_sign_in(sign_in(account.email, str(account.password)))  # signed in again, as coordinator


def test_unknown_account_is_signed_out(app_env: Base) -> None:
    app = signed_in_as("jamais.vu@cpts.fr", COORDINATOR)
    assert shows_sign_in(app)
    assert "n'existe plus dans NocoDB" in visible_text(app.info[0].value)


def test_journal_page_reads_filters_and_escapes(app_env: Base, accounts: dict[str, UserAdded]) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    marked_up = "**Martin** <b>Dupont</b>"
    entries = [
        AccessEntry(user=accounts[COORDINATOR].email, at=now, what="Patients en attente", patient_count=2,
                    patient_codes="P-000001, P-000002"),
        AccessEntry(user=marked_up, at=now - timedelta(hours=1), what="./cpts purge", patient_count=1,
                    patient_codes="P-000002"),
        AccessEntry(user=marked_up, at=now - timedelta(days=40), what="Orientation", patient_count=1,
                    patient_codes="P-000003"),
    ]  # fmt: skip
    ids = records.insert(app_env, ACCESS_LOG, entries)
    try:
        app = signed_in_as(accounts[COORDINATOR].email, COORDINATOR)
        rerun(app.switch_page(JOURNAL_PAGE))
        metrics = {m.label: m.value for m in app.metric}
        assert metrics == {"Accès": "2", "Utilisateurs": "2", "Patients distincts": "2", "Par commande": "1"}
        assert not app.data_editor  # read-only: the only button exports what is listed
        assert [button.label for button in app.main.button] == ["Exporter (XLSX)"]
        app.selectbox[0].select(marked_up)
        rerun(app)
        assert app.subheader[0].value == r"Accès de \*\*Martin\*\* \<b\>Dupont\<\/b\>"  # shown as typed
        assert list(app.dataframe[0].value["Page ou commande"]) == ["./cpts purge"]
        app.selectbox[0].select("Tous les utilisateurs")
        rerun(app)
        app.text_input[0].input("p-000001")
        rerun(app)
        assert list(app.dataframe[0].value["Utilisateur"]) == [accounts[COORDINATOR].email]
        app.text_input[0].input("000001")
        rerun(app)
        assert "Champ « Code patient »" in visible_text(app.error[0].value)
        assert app_env.count(ACCESS_LOG) == len(entries)  # reading the journal is not traced
    finally:
        app_env.client.delete(app_env.handle(ACCESS_LOG).id, ids)
