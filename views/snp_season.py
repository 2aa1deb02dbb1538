"""Saison des soins non programmés (all roles): the SNP figures of the last 12 months, and the requests per week
over the last 24 months against the places offered, the weeks where demand exceeded supply highlighted; and for the
coming season the places to plan per week (`domain.snp_season`, its method written on the page). No patient
data; for the bureau, counts of requests under 5 are masked (« < 5 ») and left out of the chart."""

from __future__ import annotations

from datetime import date, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from domain.french import number, percent
from domain.parameters import read_parameters
from domain.privacy import MASKED, is_small
from domain.snp import FIGURE_LABELS, SHARES, Week, figures, first_week, for_bureau, monday, weekly
from domain.snp_season import (
    SEASON_MARGIN,
    SEASON_PARAMETERS,
    SEASON_YEARS,
    PlanWeek,
    Season,
    method_text,
    season_plan,
    season_weeks,
)
from errors import CptsError
from schema.models import PARAMETERS
from services.snp import SnpData, read_snp
from views import charts, tables
from views.access import sees_patient_data
from views.common import current_base, header, load_frame, plain, show_error, show_problems

TITLE = "Saison des soins non programmés"
MONTHS_SHOWN = 24
WEEK_COLUMN = {"Semaine du": st.column_config.DateColumn("Semaine du", format="DD/MM/YYYY")}


def shown_figures(found: dict[str, float | None], exact: bool) -> dict[str, str]:
    if not exact:
        return for_bureau(found)
    shown = {key: percent(value) if key in SHARES else "—" if value is None else number(value, 0)
             for key, value in found.items()}  # fmt: skip
    delay = found["snp_median_delay_hours"]
    shown["snp_median_delay_hours"] = "—" if delay is None else f"{number(delay, 1)} h"
    return shown


def figures_block(found: dict[str, float | None], exact: bool) -> None:
    st.subheader("Les 12 derniers mois", anchor=False)
    columns = st.columns(4)
    for index, (key, value) in enumerate(shown_figures(found, exact).items()):
        columns[index % 4].metric(plain(FIGURE_LABELS[key]), plain(value))


def weeks_frame(weeks: list[Week], exact: bool) -> pd.DataFrame:
    rows = [
        {
            "Semaine du": w.monday,
            "Demandes": w.requests if exact or not is_small(w.requests) else None,
            "Places offertes": w.places,
            "Demande > offre": w.over if exact or not is_small(w.requests) else False,
        }
        for w in weeks
    ]
    return pd.DataFrame(rows, columns=["Semaine du", "Demandes", "Places offertes", "Demande > offre"])


def weeks_x(frame: pd.DataFrame) -> tuple[alt.X, float]:
    """The weeks' axis and their bars' width in pixels (`charts.bar_width`)."""
    width = charts.bar_width(len(frame))
    axis = alt.Axis()
    if len(frame) <= FEW_WEEKS:  # each labelled by its Monday (Vega's own labels mixed months and weekdays)
        mondays = [alt.DateTime(year=d.year, month=d.month, date=d.day) for d in frame["Semaine du"]]
        axis = alt.Axis(format="%d/%m", values=mondays, labelOverlap="greedy")
    return alt.X("Semaine du:T", title=None, axis=axis, scale=alt.Scale(padding=width / 2 + 2)), width


FEW_WEEKS = 26
NOT_SHOWN = {"Places à prévoir": "—", "Reste à ouvrir": "—"}  # no history for the week, or masked (the caption)


def chart(frame: pd.DataFrame) -> alt.LayerChart:
    x, width = weeks_x(frame)
    base = alt.Chart(frame).encode(x=x)
    bars = base.mark_bar(width=width).encode(
        y=alt.Y(
            "Demandes:Q",
            title="Demandes / places par semaine",
            axis=charts.count_axis(frame["Demandes"], frame["Places offertes"]),
        ),
        color=alt.Color(
            "Demande > offre:N",
            scale=alt.Scale(domain=[False, True], range=["#4c78a8", "#e45756"]),
            legend=alt.Legend(title="Demande > offre", labelExpr="datum.label == 'true' ? 'oui' : 'non'"),
        ),
    )
    line = base.mark_line(color="#333333").encode(y="Places offertes:Q")
    return bars + line


def past_text(week: PlanWeek, exact: bool) -> str:
    """ "2025 (s. 30) : 7 ; 2024 (s. 30) : 10", small counts masked for the bureau."""
    if not week.past:
        return "pas d'historique"
    shown = (str(p.requests) if exact or not is_small(p.requests) else MASKED for p in week.past)
    return " ; ".join(f"{p.year} (s. {p.week}) : {count}" for p, count in zip(week.past, shown, strict=True))


def plan_frame(plan: list[PlanWeek], opened: dict[date, int], exact: bool) -> pd.DataFrame:
    rows = []
    for week in plan:
        hidden = not exact and week.busiest is not None and is_small(week.busiest)
        places = None if hidden else week.places
        rows.append(
            {
                "Semaine du": week.monday,
                "Semaine": week.week,
                "Demandes les années précédentes": past_text(week, exact),
                "Places à prévoir": places,
                "Places déjà ouvertes": opened.get(week.monday, 0),
                "Reste à ouvrir": None if places is None else max(places - opened.get(week.monday, 0), 0),
            }
        )
    return pd.DataFrame(rows)


def plan_chart(frame: pd.DataFrame) -> alt.LayerChart:
    x, width = weeks_x(frame)
    base = alt.Chart(frame).encode(x=x)
    axis = charts.count_axis(frame["Places à prévoir"], frame["Places déjà ouvertes"])
    bars = base.mark_bar(color="#f58518", width=width).encode(
        y=alt.Y("Places à prévoir:Q", title="Places par semaine", axis=axis)
    )
    return bars + base.mark_line(color="#333333").encode(y="Places déjà ouvertes:Q")


def plan_block(data: SnpData, settings: pd.DataFrame, today: date, exact: bool) -> None:
    st.subheader("Places à prévoir pour la saison à venir", anchor=False)
    season = st.selectbox("Saison", list(Season), key="snp_season") or Season.NEXT
    mondays = season_weeks(today, season)
    parameters, problems = read_parameters(settings, SEASON_PARAMETERS)
    show_problems(problems, "Le plan ci-dessous prend la valeur par défaut")
    years, margin = parameters.value(SEASON_YEARS), parameters.value(SEASON_MARGIN)
    received = [r.received_at.date() for r in data.requests if r.received_at is not None]
    plan = season_plan(received, mondays, years, margin)
    opened = {w.monday: w.places for w in weekly(data.slots, [], mondays[0], mondays[-1])}
    st.markdown(f"**Méthode.** {plain(method_text(years, margin))}")
    if all(week.places is None for week in plan):
        st.info("Pas d'historique pour ces semaines : aucune demande enregistrée les années précédentes.")
    frame = plan_frame(plan, opened, exact)
    charts.show(plan_chart(frame), alt_text="Places à prévoir et places déjà ouvertes, par semaine")
    if not exact:
        st.caption(f"Semaines de moins de 5 demandes : « {MASKED} », places à prévoir non montrées.")
    tables.show(
        frame.astype({"Places à prévoir": "object", "Reste à ouvrir": "object"}).fillna(NOT_SHOWN),
        hide_index=True,
        width="stretch",
        column_config=WEEK_COLUMN,
    )


def main() -> None:
    header(TITLE, "mission ACI 1b : demandes par semaine face aux places offertes")
    try:
        data = read_snp(current_base())
        settings, _ = load_frame(PARAMETERS.key)  # Paramètres: the season plan's years and margin
    except CptsError as error:
        show_error(error)
    today, exact = date.today(), sees_patient_data()
    figures_block(figures(data.slots, data.requests, today - timedelta(days=365), today), exact)
    window = today - timedelta(days=MONTHS_SHOWN * 30)
    since = first_week(data.slots, data.requests, window, today)
    frame = weeks_frame(weeks=weekly(data.slots, data.requests, since, today), exact=exact)
    period = f"{MONTHS_SHOWN:d} derniers mois" if since == monday(window) else f"depuis le {since:%d/%m/%Y}"
    st.subheader(f"Demandes et places par semaine ({period})", anchor=False)
    charts.show(chart(frame), alt_text="Demandes et places, par semaine")
    over = frame[frame["Demande > offre"]]
    st.markdown(f"**Semaines où la demande a dépassé l'offre : {len(over)}**")
    if not exact:
        st.caption(f"Semaines de moins de 5 demandes : « {MASKED} », absentes du graphique.")
    shown = over.astype({"Demandes": "object"})
    tables.show(
        shown,
        hide_index=True,
        width="stretch",
        column_config=WEEK_COLUMN,
    )
    plan_block(data, settings, today, exact)


main()
