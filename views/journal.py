"""Journal d'accès: who saw or exported which patients, when, from which page or command. Coordinators
only, read-only (no widget here writes anything).

Reading the journal is not itself traced: it shows who accessed which patient codes, never a patient's
name, phone or health data, and a row per reading would bury the accesses it is there to show.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from domain.access_log import (
    JournalFigures,
    JournalFilter,
    accesses_by_day,
    filter_journal,
    journal_figures,
    local_day,
)
from domain.problems import Problem
from errors import CptsError
from schema.models import PATIENT_CODE_PATTERN
from services import journal
from views import charts, paging
from views.access import require_page
from views.common import CACHE_SECONDS, base_of, current_base, error_message, plain, problems_markdown

TITLE = "Journal d'accès"
DEFAULT_DAYS = 30
ALL_USERS = "Tous les utilisateurs"
COLUMNS = {
    "local": "Date",
    "user": "Utilisateur",
    "what": "Page ou commande",
    "patient_count": "Nombre de patients",
    "patient_codes": "Codes patients",
}


@st.cache_data(ttl=CACHE_SECONDS, show_spinner="Lecture du journal dans NocoDB…")
def journal_since(base_id: str, start: date) -> tuple[pd.DataFrame, list[Problem]]:
    """`services.journal.journal_since`, cached briefly (per CPTS base)."""
    return journal.journal_since(base_of(base_id), start)


def read_journal(start: date) -> pd.DataFrame:
    """The journal from `start` on; a French error and the page stops if NocoDB cannot be read."""
    try:
        journal, problems = journal_since(current_base().id, start)
    except CptsError as error:
        st.error(error_message(error), icon=":material/cloud_off:")
        st.stop()
    if problems:
        st.warning(f"**Lignes du journal mal formées**\n\n{problems_markdown(problems)}", icon=":material/warning:")
    return journal


def choose_rows() -> tuple[tuple[pd.DataFrame, JournalFigures], JournalFilter] | None:
    """The filters above the table, the rows they keep and their figures; None (and a French error) for a
    malformed code."""
    today = local_day(datetime.now(UTC))  # a French day, as the journal's times are shown
    period, who, patient = st.columns([2, 2, 1])
    chosen = period.date_input(
        "Période", value=(today - timedelta(days=DEFAULT_DAYS), today), max_value=today, format="DD/MM/YYYY"
    )
    start, end = (chosen[0], chosen[-1]) if isinstance(chosen, tuple) and chosen else (today, today)
    journal = read_journal(start)
    users = sorted(journal["user"].dropna().astype(str).unique())
    user = who.selectbox("Utilisateur", [ALL_USERS, *users])
    code = patient.text_input("Code patient", placeholder="P-000123", help="Qui a vu ce patient, et quand").strip()
    if code and not re.fullmatch(PATIENT_CODE_PATTERN, code.upper()):
        st.error(f"Champ « Code patient » : « {plain(code)} » n'est pas un code patient (ex. P-000123).")
        return None
    choice = JournalFilter(start, end, None if user == ALL_USERS else user, code.upper() or None)
    return kept_rows(current_base().id, choice), choice


@st.cache_resource(ttl=CACHE_SECONDS // 3, max_entries=16, show_spinner=False)
def kept_rows(base_id: str, choice: JournalFilter) -> tuple[pd.DataFrame, JournalFigures]:
    """The rows of the journal read (`journal_since`) that `choice` keeps, and their figures: made once per
    choice for a few seconds (a row shows at most 20 s after it was written), shared by the sessions (never
    change them). Counting the distinct patients of a month of rows holding thousands of codes took 0.5 s,
    at every run of the page."""
    journal, _ = journal_since(base_id, choice.start)
    rows = filter_journal(journal, choice)
    return rows, journal_figures(rows)


def figures_block(figures: JournalFigures) -> None:
    columns = st.columns(4)
    columns[0].metric("Accès", figures.accesses, help="Affichages ou exports de données patients")
    columns[1].metric("Utilisateurs", figures.users)
    columns[2].metric("Patients distincts", figures.patients)
    columns[3].metric("Par commande", figures.commands, help="Exports et purges lancés avec ./cpts")


def day_chart(rows: pd.DataFrame, start: date, end: date) -> alt.Chart:
    """Accesses per day, over the whole period chosen (days without any shown as such): each day's bar in the
    middle of its own slot, from half a day before the first to half a day after the last (one day chosen too)."""
    by_day = accesses_by_day(rows)
    days = (end - start).days + 1
    halves = (datetime.combine(start, time()) - HALF_DAY, datetime.combine(end, time()) + HALF_DAY)
    ends = [alt.DateTime(year=t.year, month=t.month, date=t.day, hours=t.hour) for t in halves]
    width, scale = charts.bar_width(days), alt.Scale(domain=ends)
    # A tick a day over a month at most; over a longer period, Vega's own (a grid line a day was a grey wash).
    axis = alt.Axis(format="%d/%m", tickCount="day") if days <= MONTH else alt.Axis(format="%d/%m")
    return (
        alt.Chart(by_day)
        .mark_bar(color="#1c7ed6", width=width)
        .encode(
            x=alt.X("day:T", title=None, axis=axis, scale=scale),
            y=alt.Y("count:Q", title="Accès", axis=charts.count_axis(by_day["count"])),
        )
        .properties(height=160)
    )


HALF_DAY, MONTH = timedelta(hours=12), 31


JOURNAL = paging.Listing(
    "journal",
    TITLE,
    searched=("Utilisateur", "Page ou commande", "Codes patients"),
    sortable=("Date", "Utilisateur", "Page ou commande", "Nombre de patients"),
    noun="accès",
)


def table(rows: pd.DataFrame) -> None:
    """The rows a page at a time, newest first; coordinators may export them all (an export of e-mails and
    codes, not of patient data: not journaled, as reading the journal is not)."""
    listed = paging.paged(rows[list(COLUMNS)].rename(columns=COLUMNS), JOURNAL)
    paging.table(
        listed,
        list(COLUMNS.values()),
        {
            "Date": st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm:ss"),
            "Codes patients": st.column_config.TextColumn(width="large"),
        },
    )
    paging.export(listed, list(COLUMNS.values()))


def main() -> None:
    require_page()  # what app.py declares this page needs
    st.title(TITLE, anchor=False)
    st.caption(
        "Chaque affichage ou export de données patients, dans l'application ou en ligne de commande · "
        "lecture seule · heure de Paris"
    )
    chosen = choose_rows()
    if chosen is None:
        return
    (rows, figures), choice = chosen
    subject = f"de {plain(choice.user)}" if choice.user else "de tous les utilisateurs"
    about = f" concernant {plain(choice.patient_code)}" if choice.patient_code else ""
    st.subheader(f"Accès {subject}{about}", anchor=False)
    figures_block(figures)
    if rows.empty:
        st.info("Aucun accès pour ces critères.", icon=":material/info:")
        return
    charts.show(day_chart(rows, choice.start, choice.end), alt_text="Accès par jour")
    table(rows)


main()
