"""Data access shared by the pages: the CPTS base (the session's: one app serves every CPTS of its server), its tables and what is derived
from them.

Tables come from the base's shared copy (`services.tables`), checked at each read and re-validated only
where rows changed; a figure derived from tables is computed once per version of those tables and shared by
every session (`per_version`). Pages get their data here and their figures from `domain`; they never call
NocoDB themselves. With CPTS_STORE=whole (for comparison only) each table is read whole, cached 15 s.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Hashable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, NoReturn, TypeVar

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from domain.parameters import cpts_name
from domain.problems import Problem, as_seen_by
from errors import BaseNotFound, CptsError, HTTPStatusError, NotSetUp, Refused, Unreachable
from schema.fields import TableSpec
from schema.models import PARAMETERS, ActionStatus, table
from services.connection import connect, served_by_env
from services.tables import Freshness, Tables, read_table
from settings import Settings

if TYPE_CHECKING:
    from services.connection import Base

CACHE_SECONDS = 15  # CPTS_STORE=whole only: how long a table read whole is kept
T = TypeVar("T")
STATUS_COLOURS = ("#9aa5b1", "#1c7ed6", "#2f9e44", "#f08c00")  # one per ActionStatus, in order


SESSION_BASE = "cpts_base"  # the id of the CPTS base this session serves, chosen at sign-in (views.access)


def current_base() -> Base:
    """The CPTS base of this session: the one chosen at sign-in, else the one the app process serves
    (started for one CPTS: CPTS_BASE / CPTS_BASE_ID); NotSetUp before sign-in on a server of several CPTS."""
    in_session = get_script_run_ctx(suppress_warning=True) is not None  # not in the warm-up thread (views.warm)
    base_id = (in_session and st.session_state.get(SESSION_BASE)) or served_base_id()
    if not base_id:
        raise NotSetUp("Aucune CPTS choisie : connectez-vous pour ouvrir la vôtre.")
    return base_of(str(base_id))


@st.cache_resource(show_spinner=False)
def served_base_id() -> str | None:
    """The base this app process serves when started for one CPTS; None when it serves each signed-in user
    the CPTS whose base they have a role on (`services.bases`)."""
    return served_by_env(Settings.from_env())


@st.cache_resource(show_spinner=False)
def base_of(base_id: str) -> Base:
    """The CPTS base `base_id`, with the copy of its tables that whole reads go through: one per base for
    the app process, shared by the sessions of that CPTS only."""
    return connect(Settings.from_env(), base_id)


def load_frame(table_key: str) -> tuple[pd.DataFrame, list[Problem]]:
    """One table as NocoDB holds it: a typed DataFrame of the page's own, and the values the spec refuses."""
    base = current_base()
    if base.shared is None:
        return _whole_frame(base.id, table_key)
    return read_table(base, table(table_key))


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def _whole_frame(base_id: str, table_key: str) -> tuple[pd.DataFrame, list[Problem]]:
    return read_table(base_of(base_id), table(table_key))


def forget_tables() -> None:
    """After a write, or on « Rafraîchir »: the next read checks NocoDB again."""
    _whole_frame.clear()
    base = current_base()
    if base.shared is not None:
        base.shared.forget()


def per_version(name: str, specs: Sequence[TableSpec], compute: Callable[[], T], *key: Hashable) -> T:
    """`compute()`, derived from these tables (and `key`), computed once per version of the tables and
    shared by every session of the CPTS (`store.copies.SharedTables.computed`): what it returns is shared,
    never change it. Computed each time with CPTS_STORE=whole."""
    base = current_base()
    if base.shared is None:
        return compute()
    return base.shared.computed(name, specs, key, lambda _: compute())


def the_cpts_name() -> str:
    """The CPTS's name as every page shows it: Paramètres « Nom de la CPTS », else the base title
    (`domain.parameters.cpts_name`, the one rule, also used by the deck and the workbook)."""
    title = current_base().title
    return per_version("cpts name", (PARAMETERS,), lambda: cpts_name(load_frame(PARAMETERS.key)[0], title), title)


def refresh_button(forget: Callable[[], None] | None = None) -> None:
    """A "Rafraîchir" button that drops the cached data (and calls `forget`, which drops a page's own cache),
    so what follows reads NocoDB again."""
    if st.button("Rafraîchir", icon=":material/refresh:", help="Relire les données dans NocoDB"):
        forget_tables()
        shared = current_base().shared
        if shared is not None:
            shared.refresh()  # now, so that the note below tells how it went
        if forget is not None:
            forget()
    show_freshness()


def show_freshness() -> None:
    """How old the data shown is (« Lu il y a 3 s »), and a banner when NocoDB stopped answering."""
    shared = current_base().shared
    if shared is None:
        return
    freshness = shared.freshness()
    note, banner = freshness_text(freshness, time.time())
    if note:
        st.caption(note)
    if banner:
        st.warning(banner, icon=":material/cloud_off:")


def freshness_text(freshness: Freshness, now: float) -> tuple[str, str]:
    """The note under « Rafraîchir » and, when the last refresh failed, the banner saying since when."""
    if freshness.read_at is None:
        return "", ""
    age = max(0, round(now - freshness.read_at))
    note = f"Lu il y a {age} s" if age < 120 else f"Lu à {datetime.fromtimestamp(freshness.read_at):%H:%M}"
    if freshness.failing_since is None:
        return note, ""
    since = datetime.fromtimestamp(freshness.failing_since)
    read = datetime.fromtimestamp(freshness.read_at)
    return note, (
        f"**NocoDB ne répond plus depuis {since:%H:%M:%S}.** Les données affichées sont celles lues à "
        f"{read:%H:%M:%S} ; elles seront mises à jour dès que NocoDB répondra (Rafraîchir)."
    )


def header(title: str, caption: str, forget: Callable[[], None] | None = None) -> None:
    """The page title with the refresh button on its right (see `refresh_button`), and a caption dated today."""
    left, right = st.columns([5, 1], vertical_alignment="bottom")
    with right:
        refresh_button(forget)
    with left:
        st.title(title, anchor=False)
        st.caption(f"{caption} · {date.today():%d/%m/%Y}")


def error_message(error: Exception) -> str:
    """What went wrong, and what to do about it, in French (Markdown; the error's own text escaped)."""
    if isinstance(error, Refused):
        return plain(str(error))
    if isinstance(error, Unreachable):
        advice = (
            "NocoDB ne répond pas. Lancez **./cpts up** (ou vérifiez CPTS_NOCODB_URL), puis cliquez sur Rafraîchir."
        )
    elif isinstance(error, BaseNotFound):
        advice = "La base CPTS est introuvable ou incomplète. Lancez **./cpts up** pour la créer ou la mettre à jour."
    elif isinstance(error, NotSetUp):
        advice = "La base CPTS n'est pas encore installée. Lancez **./cpts up** pour la créer."
    elif isinstance(error, HTTPStatusError) and error.status >= 500:
        advice = "NocoDB a rencontré une erreur. Réessayez (Rafraîchir) ; si elle persiste, voyez son journal."
    else:
        advice = "NocoDB a refusé la demande. Vérifiez le jeton d'API (secrets.env ou CPTS_NOCODB_TOKEN)."
    return f"**Impossible de lire les données de la CPTS.** {advice}\n\nDétail : {plain(str(error))}"


def problems_markdown(problems: list[Problem], limit: int = 30) -> str:
    """The refused values as a French markdown table (Table, Id, Champ, Raison), every cell shown as typed
    (`plain`), as the signed-in user may see them (`domain.problems.as_seen_by`: the bureau never reads a
    value of a table of patients): the page renderer of `domain.problems.Problem`, used through
    `show_problems`."""
    from views.access import sees_patient_data  # views.access builds on this module

    shown = as_seen_by(problems, sees_patient_data())
    lines = ["| Table | Id | Champ | Raison |", "|---|---|---|---|"]
    for problem in shown[:limit]:
        cells = (problem.table or "", "" if problem.id is None else str(problem.id), problem.field, problem.reason)
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    if len(shown) > limit:
        lines.append(f"\n… et {len(shown) - limit} autre(s).")
    return "\n".join(lines)


def _cell(text: str) -> str:
    return plain(text.replace("\n", " "))


def show_error(error: Exception) -> NoReturn:
    """Show why the base could not be read, in French, and stop the page."""
    st.error(error_message(error), icon=":material/cloud_off:")
    st.stop()


def load_tables(specs: Sequence[TableSpec]) -> Tables:
    """The frames of these tables (by key) and every refused value found in them, each table cached briefly;
    stops on a read error. The `services.tables.Read` of the pages."""
    frames: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    try:
        for spec in specs:
            frames[spec.key], found = load_frame(spec.key)
            problems.extend(found)
    except CptsError as error:
        show_error(error)
    return Tables(frames, problems)


def show_problems(
    problems: list[Problem], consequence: str = "Ces valeurs sont laissées de côté dans les chiffres ci-dessous"
) -> None:
    """A warning listing the values typed in NocoDB that the figures had to leave aside."""
    if not problems:
        return
    tables = plain(", ".join(sorted({p.table for p in problems if p.table})))
    count = len(problems)
    values = (
        "1 valeur saisie dans NocoDB ne respecte"
        if count == 1
        else f"{count} valeurs saisies dans NocoDB ne respectent"
    )
    intro = f"**{values} pas le format attendu** (table {tables}). {consequence} : corrigez-les dans NocoDB."
    st.warning(f"{intro}\n\n{problems_markdown(problems)}", icon=":material/warning:")


def action_status_scale() -> alt.Scale:
    """The colour of each action status, the same on every chart."""
    return alt.Scale(domain=list(ActionStatus), range=list(STATUS_COLOURS))


_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
_LINK_START = re.compile(r"(?i)(https?|www)(?=[:.])")  # where GFM turns bare text into a link
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")  # direction marks and overrides
WORD_JOINER, ISOLATE, END_ISOLATE = "\u2060", "\u2068", "\u2069"


def plain(text: str) -> str:
    """Text from NocoDB or a user (a name, a title, an error's detail) for st.markdown, alerts, titles,
    captions and labels: shown as typed, never rendered as Markdown or HTML ("**Martin**", "<b>Dupont</b>"
    and "[x](https://…)" stay as they are). The one escaping path of the pages (tests/test_escaping_lint.py):
    every ASCII punctuation mark is backslash-escaped; a bare « https:// » or « www. » gets an invisible
    word joiner, or GFM would make it a link; text with direction marks (U+202E…) is isolated, so that it
    cannot turn the rest of the line around."""
    escaped = _PUNCTUATION.sub(r"\\\1", _LINK_START.sub(rf"\1{WORD_JOINER}", text))
    if _BIDI.search(text):
        return ISOLATE + escaped.replace(END_ISOLATE, "") + END_ISOLATE
    return escaped
