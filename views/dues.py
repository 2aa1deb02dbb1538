"""Cotisations: the year's dues of the active members (amount from Paramètres, by profession or flat), paid or not,
and the members count behind the AG's quorum. Coordinators see each member, call the year's dues, record a
payment and download the reminder list (XLSX with e-mails); the bureau sees counts only. No patient data: members
are not patients, nothing is journaled."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd
import streamlit as st

from domain.association_dues import DueLine, DuesSummary, DueStatus, due_lines, reminders, summary
from domain.french import euros, number
from domain.permissions import Action
from errors import CptsError
from services.association import call_dues, read_association, record_payment, reminder_workbook
from views import tables
from views.access import allowed, current_role
from views.common import current_base, error_message, forget_tables, header, plain, show_error, show_problems
from views.metrics import noted

TITLE = "Cotisations"
YEARS_SHOWN = 5
DONE = "dues_done"  # session key: the confirmation of the last write
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = ["Membre", "Profession", "E-mail", "Attendu (€)", "Appelé (€)", "Statut", "Payée le"]


def key_figures(found: DuesSummary) -> None:
    columns = st.columns(4)
    columns[0].metric("Membres actifs", number(found.members))
    columns[1].metric("À jour de cotisation", number(found.paid))
    noted(columns[2], "À payer", number(found.unpaid), f"{number(found.not_called)} non appelées")
    noted(columns[3], "Quorum de l'AG", number(found.quorum), f"{found.quorum_share} % des membres")
    left, right = st.columns(2)
    left.metric("Montant attendu", euros(found.expected_total))
    right.metric("Montant encaissé", euros(found.paid_total))


def lines_frame(lines: Sequence[DueLine]) -> pd.DataFrame:
    rows = [
        (line.name, line.profession, line.email, line.expected, line.amount, line.status.value, line.paid_on)
        for line in lines
    ]
    return pd.DataFrame(rows, columns=COLUMNS)


def call_button(year: int, lines: Sequence[DueLine]) -> None:
    missing = sum(line.status is DueStatus.NOT_CALLED for line in lines)
    if not missing:
        return
    if st.button(f"Appeler les cotisations {year:d} ({missing:d} membres)", icon=":material/add_card:"):
        try:
            added = call_dues(current_base(), current_role(), year)
        except CptsError as error:
            st.error(error_message(error), icon=":material/block:")
            return
        done(f"{added} cotisations {year} ajoutées dans Cotisations, au montant de Paramètres.")


def payment_form(lines: Sequence[DueLine]) -> None:
    unpaid = {line.due_id: line for line in lines if line.status is DueStatus.UNPAID and line.due_id is not None}
    if not unpaid:
        return
    with st.form("dues_payment"):
        st.markdown("**Enregistrer un paiement**")
        due_id = st.selectbox(
            "Membre", list(unpaid), format_func=lambda i: plain(unpaid[i].name), index=None, key="dues_member"
        )
        paid_on = st.date_input("Payée le", value=date.today(), format="DD/MM/YYYY", key="dues_paid_on")
        if st.form_submit_button("Enregistrer le paiement") and due_id is not None:
            try:
                record_payment(current_base(), current_role(), int(due_id), paid_on, date.today())
            except CptsError as error:
                st.error(error_message(error), icon=":material/block:")
                return
            done(f"Cotisation de {unpaid[due_id].name} enregistrée comme payée.")


def done(message: str) -> None:
    forget_tables()
    st.session_state[DONE] = message
    st.rerun()


def reminder_download(lines: Sequence[DueLine], year: int) -> None:
    to_remind = reminders(lines)
    st.download_button(
        f"Liste de relance (XLSX, {len(to_remind)} membres)",
        reminder_workbook(to_remind, year),
        f"relance-cotisations-{year}.xlsx",
        XLSX,
        icon=":material/download:",
        disabled=not to_remind,
    )


def main() -> None:
    header(TITLE, "cotisations des membres de l'année, relances et quorum de l'AG")
    try:
        read = read_association(current_base())
    except CptsError as error:
        show_error(error)
    show_problems(read.problems)
    if DONE in st.session_state:
        st.success(plain(str(st.session_state.pop(DONE))), icon=":material/check_circle:")
    this_year = date.today().year
    year = int(st.selectbox("Année", list(range(this_year, this_year - YEARS_SHOWN, -1)), key="dues_year"))
    lines = due_lines(read.members, read.dues, year, read.parameters)
    key_figures(summary(lines, year, read.parameters))
    if not allowed(Action.MANAGE_ASSOCIATION):
        st.caption("Le détail par membre et la liste de relance sont réservés aux coordinateurs.")
        return
    st.subheader(f"Cotisations {year} par membre", anchor=False)
    tables.show(
        lines_frame(lines),
        hide_index=True,
        width="stretch",
        column_config={"Payée le": st.column_config.DateColumn("Payée le", format="DD/MM/YYYY")},
    )
    reminder_download(lines, year)
    call_button(year, lines)
    payment_form(lines)


main()
