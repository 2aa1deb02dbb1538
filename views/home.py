"""Accueil: the CPTS's key figures (members, patients waiting for a médecin traitant, actions), read live."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import altair as alt
import pandas as pd
import streamlit as st

from domain.figures import (
    ShownWaiting,
    WaitingFigures,
    actions_by_status,
    members_by_profession,
    shown_members,
    shown_waiting,
    waiting_patients,
)
from domain.problems import Problem
from errors import CptsError
from schema.models import ACTIONS, MEMBERS, PATIENTS
from views import charts
from views.access import sees_patient_data
from views.common import (
    action_status_scale,
    load_tables,
    per_version,
    plain,
    refresh_button,
    show_error,
    show_problems,
    the_cpts_name,
)
from views.metrics import grid

TABLES = (MEMBERS, PATIENTS, ACTIONS)
BAR_COLOUR = "#1c7ed6"


EXACT_NOTE = "Vue coordinateur : chiffres exacts."
MASKED_NOTE = "Effectifs inférieurs à 5 masqués (« < 5 »), et tout chiffre qui permettrait de les retrouver."


class HomeFigures(NamedTuple):
    members: pd.DataFrame  # active members by profession, exact
    waiting: WaitingFigures
    actions: pd.DataFrame  # actions by status
    problems: list[Problem]


def home_figures(today: date) -> HomeFigures:
    """The page's figures, made once per version of its tables and day (shared by every session)."""

    def make() -> HomeFigures:
        frames, problems = load_tables(TABLES)
        return HomeFigures(
            members_by_profession(frames[MEMBERS.key]),
            waiting_patients(frames[PATIENTS.key], today),
            actions_by_status(frames[ACTIONS.key]),
            problems,
        )

    return per_version("home", TABLES, make, today)


def title_block(exact: bool) -> None:
    """The page title (the CPTS name) and the refresh button; stops the page if the base is out of reach."""
    title, button = st.columns([5, 1], vertical_alignment="bottom")
    with button:
        refresh_button()
    try:
        name = the_cpts_name()
    except CptsError as error:
        show_error(error)
    with title:
        st.title(plain(name or "CPTS"))
        note = EXACT_NOTE if exact else MASKED_NOTE
        st.caption(f"Accueil · chiffres clés lus en direct dans NocoDB · {date.today():%d/%m/%Y} · {note}")


def members_block(by_profession_exact: pd.DataFrame, exact: bool) -> None:
    total, by_profession = shown_members(by_profession_exact, exact)
    with st.container(border=True):
        st.subheader("Membres", anchor=False)
        st.metric("Membres actifs", total, help="Membres cochés « Actif » dans NocoDB")
        if by_profession.empty:
            st.info("Aucun membre actif pour l'instant : ajoutez-les dans la table Membres de NocoDB.")
            return

        def made() -> charts.Drawing:
            return charts.drawing(profession_chart(by_profession), 520)  # the left column, 3/5 of the page

        chart = per_version("home members chart", TABLES, made, date.today(), exact)
        charts.show(chart, alt_text="Membres actifs par profession")


def profession_chart(by_profession: pd.DataFrame) -> alt.LayerChart:
    """Horizontal bars, most numerous profession on top, each labelled with its count as written ("< 5" at
    the start of the axis, with no bar, where the count is masked)."""
    data = by_profession.assign(label_at=by_profession["count"].fillna(0))
    y = alt.Y("profession:N", sort=None, title=None, axis=alt.Axis(labelLimit=220, labelFontSize=13))
    x = alt.X("count:Q", title="Membres actifs", axis=charts.count_axis(data["count"]))
    base = alt.Chart(data).encode(y=y)
    bars = base.mark_bar(color=BAR_COLOUR, cornerRadiusEnd=3).encode(x=x)
    labels = base.mark_text(align="left", dx=4, fontSize=13).encode(x="label_at:Q", text="label:N")
    return (bars + labels).properties(height=alt.Step(34))


def patients_block(figures: ShownWaiting) -> None:
    with st.container(border=True):
        st.subheader("Patients sans médecin traitant", anchor=False)
        first, second = st.columns(2)
        first.metric("En attente", figures.waiting, help="Patients au statut « En attente »")
        second.metric("Dont fragiles", figures.fragile_waiting, help="En attente avec au moins une fragilité")
        third, fourth = st.columns(2)
        third.metric("Proposés", figures.proposed, help="Patients au statut « Proposé » (médecin proposé)")
        fourth.metric(
            "Attente médiane",
            figures.median_wait_days,
            help="Jours depuis la date de la demande, médiane des patients en attente (si au moins 5 attendent, "
            "pour le bureau)",
        )


def actions_block(by_status: pd.DataFrame) -> None:
    with st.container(border=True):
        st.subheader("Actions du projet de santé", anchor=False)
        counts = zip(by_status["status"], by_status["count"], strict=True)
        # Two a row: four in the narrow right column cut « Non démarrée ».
        for column, (status, count) in zip(grid(len(by_status), per_row=2), counts, strict=True):
            column.metric(plain(str(status)), int(count))
        if by_status["count"].sum():

            def made() -> charts.Drawing:
                return charts.drawing(status_chart(by_status), 330)  # the right column, 2/5

            chart = per_version("home actions chart", TABLES, made, date.today())
            charts.show(chart, alt_text="Actions du projet de santé par statut")
        else:
            st.info("Aucune action saisie : ajoutez les actions du projet de santé dans la table Actions.")


def status_chart(by_status: pd.DataFrame) -> alt.LayerChart:
    """One bar split by status (colour legend below), each segment labelled with its count."""
    shown = by_status[by_status["count"] > 0].assign(end=lambda f: f["count"].cumsum())
    shown = shown.assign(start=shown["end"] - shown["count"], middle=shown["end"] - shown["count"] / 2)
    colours = action_status_scale()
    legend = alt.Legend(orient="bottom", title=None, labelFontSize=13, symbolType="square")
    base = alt.Chart(shown)
    scale = alt.Scale(domain=[0, int(shown["end"].max())], nice=False, zero=True)
    bars = base.mark_bar(size=30).encode(
        x=alt.X("start:Q", axis=None, scale=scale),
        x2="end:Q",
        color=alt.Color("status:N", scale=colours, legend=legend),
    )
    labels = base.mark_text(color="white", fontSize=14, fontWeight="bold").encode(x="middle:Q", text="count:Q")
    return (bars + labels).properties(height=34)


def main() -> None:
    exact = sees_patient_data()
    title_block(exact)
    figures = home_figures(date.today())
    show_problems(figures.problems)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        members_block(figures.members, exact)
    with right:
        patients_block(shown_waiting(figures.waiting, exact))
        actions_block(figures.actions)


main()
