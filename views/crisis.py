"""Plan de crise (ACI mission 4): the plan's completeness against the national template (each gap named), its
sections, the crisis cell (phones only for those `domain.crisis.sees_phones` lets see them), the members
volunteering per kind of crisis, the exercises; for coordinators, « Activer le plan » makes the fiche réflexe
(PDF) and the contact list (XLSX) at once (`services.crisis.activate`). No patient data."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from domain.crisis import CrisisPlan, gaps, last_review, member_name, review_dates, sees_phones, unwritten
from domain.french import day
from domain.permissions import Action
from errors import CptsError
from schema.crisis import CRISIS_KINDS, SECTIONS
from services.crisis import Activation, activate, read_plan
from views import tables
from views.access import allowed, current_role, current_user
from views.common import current_base, error_message, forget_tables, header, plain, show_error, show_problems

TITLE = "Plan de crise"
ACTIVATION = "crisis_activation"  # session key: the last activation's files, for the download buttons
ALL_KINDS = "Toute crise"
PHONES_HIDDEN = (
    "Les téléphones des référents sont personnels : seuls les coordinateurs et les membres de la cellule de "
    "crise (leur e-mail dans Membres) les voient."
)


def completeness(plan: CrisisPlan, today: date) -> None:
    found = gaps(plan, today)
    if found:
        lines = "\n".join(f"- {plain(gap)}" for gap in found)
        st.warning(f"**Plan incomplet : {len(found)} manque(s)**\n\n{lines}", icon=":material/warning:")
    else:
        st.success("**Plan complet** : toutes les sections, des référents et leurs suppléants, révisé dans l'année.")
    written = len(SECTIONS) - len(unwritten(plan))
    columns = st.columns(4)
    columns[0].metric("Sections rédigées", f"{written} / {len(SECTIONS)}")
    columns[1].metric("Référents", sum(1 for row in plan.cell if plan.name(row.member)))
    reviewed = last_review(review_dates(plan))
    columns[2].metric("Dernière révision", day(reviewed) if reviewed else "—")
    columns[3].metric("Volontaires", len({row.member for row in plan.resources if row.member in plan.members}))


def sections(plan: CrisisPlan) -> None:
    st.subheader("Sections du plan", anchor=False)
    for section in SECTIONS:
        rows = [row for row in plan.sections if row.section == section and row.content]
        with st.expander(f"{plain(section)} ({len(rows)})"):
            if not rows:
                st.caption("Non rédigée : ajoutez-la dans la table Plan de crise de NocoDB.")
            for row in rows:
                kind = plain(row.crisis_kind or ALL_KINDS)
                st.markdown(f"**{kind}** · révisée le {day(row.reviewed_on) or '—'}\n\n{plain(str(row.content))}")


def cell_table(plan: CrisisPlan, phones: bool) -> pd.DataFrame:
    rows = [
        {
            "Rôle": row.role,
            "Référent": plan.name(row.member),
            "Suppléant": plan.name(row.deputy),
            **({"Téléphone 24h/24": row.phone} if phones else {}),
        }
        for row in plan.cell
    ]
    return pd.DataFrame(rows, columns=["Rôle", "Référent", "Suppléant", *(["Téléphone 24h/24"] if phones else [])])


def volunteers_table(plan: CrisisPlan) -> pd.DataFrame:
    rows = [
        {
            "Type de crise": row.crisis_kind,
            "Membre": member_name(member),
            "Profession": member.profession,
            "Ce qu'il propose": row.offer,
        }
        for row in plan.resources
        if (member := plan.member(row.member)) is not None
    ]
    return pd.DataFrame(rows, columns=["Type de crise", "Membre", "Profession", "Ce qu'il propose"])


def exercises_table(plan: CrisisPlan) -> pd.DataFrame:
    rows = [
        {"Date": row.on, "Type": row.kind, "Type de crise": row.crisis_kind, "Enseignements": row.lessons}
        for row in sorted(plan.exercises, key=lambda row: row.on or date.min, reverse=True)
    ]
    return pd.DataFrame(rows, columns=["Date", "Type", "Type de crise", "Enseignements"])


def activation_form() -> None:
    st.subheader("Activer le plan", anchor=False)
    labels = [kind.label for kind in CRISIS_KINDS]
    chosen = st.selectbox("Type de crise", labels, key="crisis_kind")
    if st.button("Activer le plan", type="primary", icon=":material/emergency:"):
        try:
            made = activate(current_base(), str(chosen), current_user(), current_role(), date.today())
        except CptsError as error:
            st.error(error_message(error), icon=":material/block:")
            return
        forget_tables()
        st.session_state[ACTIVATION] = made
    downloads()


def downloads() -> None:
    made = st.session_state.get(ACTIVATION)
    if not isinstance(made, Activation):
        return
    st.success(
        f"**Plan activé ({plain(made.kind.label)}) le {day(made.on)}** : activation tracée dans Exercices et "
        "révisions et dans le journal d'accès.",
        icon=":material/check_circle:",
    )
    pdf_name, xlsx_name = made.names
    left, right = st.columns(2)
    left.download_button("Fiche réflexe (PDF)", made.pdf, pdf_name, "application/pdf", icon=":material/download:")
    right.download_button(
        "Contacts (XLSX)",
        made.xlsx,
        xlsx_name,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
    )


def main() -> None:
    header(TITLE, "mission ACI 4 : plan, cellule de crise, volontaires, exercices")
    try:
        read = read_plan(current_base())
    except CptsError as error:
        show_error(error)
    show_problems(read.problems)
    plan = read.plan
    completeness(plan, date.today())
    sections(plan)
    phones = sees_phones(current_role(), current_user(), plan)
    st.subheader("Référents et cellule de crise", anchor=False)
    tables.show(cell_table(plan, phones), hide_index=True, width="stretch")
    if not phones:
        st.caption(PHONES_HIDDEN)
    st.subheader("Ressources mobilisables", anchor=False)
    tables.show(volunteers_table(plan), hide_index=True, width="stretch")
    st.subheader("Exercices et révisions", anchor=False)
    tables.show(
        exercises_table(plan),
        hide_index=True,
        width="stretch",
        column_config={"Date": st.column_config.DateColumn("Date", format="DD/MM/YYYY")},
    )
    if allowed(Action.ACTIVATE_CRISIS_PLAN):
        activation_form()


main()
