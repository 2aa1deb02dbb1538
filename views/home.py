"""Accueil: the CPTS's key figures (members, patients waiting for a médecin traitant, actions), read live."""

from __future__ import annotations

from datetime import date
from typing import NoReturn

import altair as alt
import pandas as pd
import streamlit as st

from domain.figures import WaitingFigures, actions_by_status, members_by_profession, waiting_patients
from schema.models import ACTION_STATUSES, ACTIONS, MEMBERS, PATIENTS
from sync.records import Problem
from views.common import DATA_ERRORS, current_base, error_message, load_frame, problems_markdown, refresh_button

TABLE_KEYS = (MEMBERS.key, PATIENTS.key, ACTIONS.key)
STATUS_COLOURS = ("#9aa5b1", "#1c7ed6", "#2f9e44", "#f08c00")  # one per ACTION_STATUSES, in order
BAR_COLOUR = "#1c7ed6"


def header() -> None:
    """The page title (the CPTS name) and the refresh button; stops the page if the base is out of reach."""
    title, button = st.columns([5, 1], vertical_alignment="bottom")
    with button:
        refresh_button()
    try:
        name = current_base().title
    except DATA_ERRORS as error:
        show_error(error)
    with title:
        st.title(name or "CPTS")
        st.caption(f"Accueil · chiffres clés lus en direct dans NocoDB · {date.today():%d/%m/%Y}")


def show_error(error: Exception) -> NoReturn:
    st.error(error_message(error), icon=":material/cloud_off:")
    st.stop()


def load_tables() -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """The frames of the tables this page reads, and every refused value found in them."""
    frames: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    try:
        for key in TABLE_KEYS:
            frames[key], found = load_frame(key)
            problems.extend(found)
    except DATA_ERRORS as error:
        show_error(error)
    return frames, problems


def show_problems(problems: list[Problem]) -> None:
    if not problems:
        return
    tables = ", ".join(sorted({p.table for p in problems}))
    count = len(problems)
    values = (
        "1 valeur saisie dans NocoDB ne respecte"
        if count == 1
        else f"{count} valeurs saisies dans NocoDB ne respectent"
    )
    intro = (
        f"**{values} pas le format attendu** (table {tables}). "
        "Ces valeurs sont laissées de côté dans les chiffres ci-dessous : corrigez-les dans NocoDB."
    )
    st.warning(f"{intro}\n\n{problems_markdown(problems)}", icon=":material/warning:")


def members_block(members: pd.DataFrame) -> None:
    by_profession = members_by_profession(members)
    with st.container(border=True):
        st.subheader("Membres", anchor=False)
        st.metric("Membres actifs", int(by_profession["count"].sum()), help="Membres cochés « Actif » dans NocoDB")
        if by_profession.empty:
            st.info("Aucun membre actif pour l'instant : ajoutez-les dans la table Membres de NocoDB.")
            return
        st.altair_chart(profession_chart(by_profession), width="stretch")


def profession_chart(by_profession: pd.DataFrame) -> alt.LayerChart:
    """Horizontal bars, most numerous profession on top, each bar labelled with its count."""
    y = alt.Y("profession:N", sort=None, title=None, axis=alt.Axis(labelLimit=220, labelFontSize=13))
    x = alt.X("count:Q", title="Membres actifs", axis=alt.Axis(tickMinStep=1, format="d"))
    tooltip = [alt.Tooltip("profession:N", title="Profession"), alt.Tooltip("count:Q", title="Membres")]
    base = alt.Chart(by_profession).encode(y=y, x=x, tooltip=tooltip)
    bars = base.mark_bar(color=BAR_COLOUR, cornerRadiusEnd=3)
    labels = base.mark_text(align="left", dx=4, fontSize=13).encode(text="count:Q")
    return (bars + labels).properties(height=alt.Step(34))


def patients_block(figures: WaitingFigures) -> None:
    with st.container(border=True):
        st.subheader("Patients sans médecin traitant", anchor=False)
        first, second = st.columns(2)
        first.metric("En attente", figures.waiting, help="Patients au statut « En attente »")
        second.metric("Dont fragiles", figures.fragile_waiting, help="En attente avec au moins une fragilité")
        third, fourth = st.columns(2)
        third.metric("Proposés", figures.proposed, help="Patients au statut « Proposé » (médecin proposé)")
        fourth.metric(
            "Attente médiane (jours)",
            days_text(figures.median_wait_days),
            help="Jours depuis la date de la demande, médiane des patients en attente",
        )


def days_text(days: float | None) -> str:
    if days is None:
        return "—"
    return str(int(days)) if days == int(days) else f"{days:.1f}".replace(".", ",")


def actions_block(actions: pd.DataFrame) -> None:
    by_status = actions_by_status(actions)
    with st.container(border=True):
        st.subheader("Actions du projet de santé", anchor=False)
        for column, row in zip(st.columns(len(by_status)), by_status.itertuples(), strict=True):
            column.metric(str(row.status), int(row.count))
        if by_status["count"].sum():
            st.altair_chart(status_chart(by_status), width="stretch", height=80)
        else:
            st.info("Aucune action saisie : ajoutez les actions du projet de santé dans la table Actions.")


def status_chart(by_status: pd.DataFrame) -> alt.LayerChart:
    """One bar split by status (colour legend below), each segment labelled with its count."""
    shown = by_status[by_status["count"] > 0].assign(end=lambda f: f["count"].cumsum())
    shown = shown.assign(start=shown["end"] - shown["count"], middle=shown["end"] - shown["count"] / 2)
    colours = alt.Scale(domain=list(ACTION_STATUSES), range=list(STATUS_COLOURS))
    legend = alt.Legend(orient="bottom", title=None, labelFontSize=13, symbolType="square")
    tooltip = [alt.Tooltip("status:N", title="Statut"), alt.Tooltip("count:Q", title="Actions")]
    base = alt.Chart(shown).encode(tooltip=tooltip)
    scale = alt.Scale(domain=[0, int(shown["end"].max())], nice=False, zero=True)
    bars = base.mark_bar(size=30).encode(
        x=alt.X("start:Q", axis=None, scale=scale),
        x2="end:Q",
        color=alt.Color("status:N", scale=colours, legend=legend),
    )
    labels = base.mark_text(color="white", fontSize=14, fontWeight="bold").encode(x="middle:Q", text="count:Q")
    return (bars + labels).properties(height=34)


def main() -> None:
    header()
    frames, problems = load_tables()
    show_problems(problems)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        members_block(frames[MEMBERS.key])
    with right:
        patients_block(waiting_patients(frames[PATIENTS.key], date.today()))
        actions_block(frames[ACTIONS.key])


main()
