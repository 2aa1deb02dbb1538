"""Projet de santé: every action of the health project by ACI mission, with progress, alerts (late, no
pilot), a timeline, and for a clicked action its milestones and indicators. Aggregates only."""

from __future__ import annotations

from datetime import date
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from domain.french import day, percent
from domain.project import (
    LATE,
    NO_PILOT,
    PROGRESS_FROM_MILESTONES,
    PROGRESS_TYPED,
    action_milestones,
    by_mission,
    filter_actions,
)
from schema.models import MILESTONES, ActionStatus
from views import charts, tables
from views.board_data import AGGREGATES_NOTE, header, load_figures
from views.common import action_status_scale, plain

TODAY_COLOUR = "#e03131"
ACTIONS_KEY, TIMELINE_KEY = "actions", "project_timeline"  # session keys: the actions' table, the timeline's toggle
ACTION_COLUMNS = {
    "mission": st.column_config.TextColumn("Mission ACI", width="medium"),
    "number": st.column_config.NumberColumn("N°", format="%d", width="small"),
    "title": st.column_config.TextColumn("Action", width="medium"),
    "pilot": st.column_config.TextColumn("Pilote", width="medium"),
    "status": st.column_config.TextColumn("Statut", width="small"),
    "start": st.column_config.DateColumn("Début", format="DD/MM/YYYY", width="small"),
    "due": st.column_config.DateColumn("Échéance", format="DD/MM/YYYY", width="small"),
    "progress_percent": st.column_config.ProgressColumn(
        "Avancement", format="%d %%", min_value=0, max_value=100, width="small"
    ),
    "alert_text": st.column_config.TextColumn("Alerte", width="small"),
}


def key_figures(project: pd.DataFrame) -> None:
    columns = st.columns(5)
    columns[0].metric("Actions", len(project))
    columns[1].metric(ActionStatus.IN_PROGRESS, int((project["status"] == ActionStatus.IN_PROGRESS).sum()))
    columns[2].metric("Terminées", int((project["status"] == ActionStatus.DONE).sum()))
    columns[3].metric(LATE, int(project["late"].sum()), help="Échéance dépassée et action non terminée")
    columns[4].metric(NO_PILOT, int(project["no_pilot"].sum()), help="Aucun membre pilote dans NocoDB")


def alerts(project: pd.DataFrame) -> None:
    late = project[project["late"]]
    if not late.empty:
        lines = [late_line(row) for row in late.itertuples()]
        st.error(f"**{len(late)} action(s) en retard**\n\n" + "\n".join(lines), icon=":material/schedule:")
    orphan = project[project["no_pilot"]]
    if not orphan.empty:
        names = ", ".join(action_label(row) for row in orphan.itertuples())
        st.warning(
            f"**{len(orphan)} action(s) sans pilote** : {names}. Choisissez un pilote dans NocoDB.",
            icon=":material/person_off:",
        )


def late_line(row: Any) -> str:  # a row of DataFrame.itertuples(): its columns as attributes
    return f"- **{action_label(row)}** : échéance {day(row.due)}, {plain(row.status or 'sans statut')}"


def action_name(row: Any) -> str:  # a row of DataFrame.itertuples(): « 3. title », as text (charts)
    return f"{int(row.number)}. {row.title}" if pd.notna(row.number) else str(row.title)


def action_label(row: Any) -> str:
    """`action_name` for Markdown: the title shown as typed."""
    return plain(action_name(row))


def filters(project: pd.DataFrame) -> pd.DataFrame:
    left, right = st.columns(2)
    statuses = left.multiselect("Statut", tuple(ActionStatus), placeholder="Tous les statuts")
    pilots = right.multiselect("Pilote", sorted(set(project["pilot"])), placeholder="Tous les pilotes")
    return filter_actions(project, statuses, pilots)


def timeline(project: pd.DataFrame, today: date) -> alt.LayerChart:
    """One bar per action from its start to its due date, coloured by status; today as a red rule."""
    dated = project.dropna(subset=["start", "due"]).assign(
        action=lambda f: [action_name(row) for row in f.itertuples()],
        start_ts=lambda f: pd.to_datetime(f["start"]),
        due_ts=lambda f: pd.to_datetime(f["due"]),
    )
    order = list(dated["action"])
    y = alt.Y("action:N", sort=order, title=None, axis=alt.Axis(labelLimit=330, labelFontSize=12))
    bars = (
        alt.Chart(dated)
        .mark_bar(cornerRadius=3, height=16)
        .encode(
            x=alt.X("start_ts:T", title=None, axis=alt.Axis(format="%m/%Y", labelFontSize=12)),
            x2="due_ts:T",
            y=y,
            color=alt.Color("status:N", scale=action_status_scale(), legend=alt.Legend(orient="top", title=None)),
            stroke=alt.condition("datum.late", alt.value(TODAY_COLOUR), alt.value(None)),
            strokeWidth=alt.condition("datum.late", alt.value(2), alt.value(0)),
        )
    )
    marker = pd.DataFrame({"today": [pd.Timestamp(today)], "text": [f"Aujourd'hui ({day(today)})"]})
    rule = alt.Chart(marker).mark_rule(color=TODAY_COLOUR, strokeDash=[6, 4], strokeWidth=2).encode(x="today:T")
    text = (
        alt.Chart(marker)
        .mark_text(color=TODAY_COLOUR, align="left", dx=4, dy=-6, fontWeight="bold", baseline="bottom")
        .encode(x="today:T", y=alt.value(0), text="text:N")
    )
    return (bars + rule + text).properties(height=alt.Step(24))


def shown_actions(actions: pd.DataFrame) -> pd.DataFrame:
    return actions.assign(
        progress_percent=(actions["progress"].astype("Float64") * 100).round(),
        alert_text=actions["alert"].map(lambda alert: f"⚠️ {alert}" if alert else ""),
    )[list(ACTION_COLUMNS)]


def actions_section(shown: pd.DataFrame, board: pd.DataFrame, milestones: pd.DataFrame, today: date) -> None:
    """The actions of every mission in one table (each table costs the browser more to draw than its rows),
    in mission order; a clicked row shows the action's milestones and indicators."""
    st.subheader("Actions par mission", anchor=False)
    actions = pd.concat([rows for _, rows in by_mission(shown)], ignore_index=True)
    selection = tables.show(
        shown_actions(actions),
        column_config=ACTION_COLUMNS,
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key=ACTIONS_KEY,
    )
    rows = selection.selection.rows if selection else []
    if rows and rows[0] < len(actions):  # a selection kept from before a filter may point past the rows
        action_detail(actions.iloc[rows[0]], board, milestones, today)
    else:
        st.caption("Cliquez sur une ligne pour voir les jalons et les indicateurs de l'action.")


def action_detail(action: pd.Series, board: pd.DataFrame, milestones: pd.DataFrame, today: date) -> None:
    with st.container(border=True):
        st.markdown(f"#### {action_label(action)}")
        source = {PROGRESS_FROM_MILESTONES: "part des jalons faits", PROGRESS_TYPED: "saisi dans NocoDB"}.get(
            str(action["progress_source"]), str(action["progress_source"])
        )
        facts = [
            f"**Pilote** : {plain(str(action['pilot']))}",
            f"**Statut** : {plain(str(action['status'] or '—'))}",
            f"**Du** {day(action['start']) or '—'} **au** {day(action['due']) or '—'}",
            f"**Avancement** : {percent(action['progress']) if pd.notna(action['progress']) else '—'} ({plain(source or 'non renseigné')})",
        ]
        st.markdown(" · ".join(facts))
        if action["alert"]:
            st.error(plain(str(action["alert"])), icon=":material/warning:")
        mine = action_milestones(milestones, int(action["id"]), today)
        st.markdown(f"**Jalons** ({int(mine['done'].sum())} faits sur {len(mine)})")
        if mine.empty:
            st.caption("Aucun jalon : ajoutez-en dans la table Jalons de NocoDB.")
        else:
            tables.show(
                mine.assign(
                    due=pd.to_datetime(mine["due"]),
                    done_on=pd.to_datetime(mine["done_on"]),
                    late=mine["late"].map(lambda late: f"⚠️ {LATE}" if late else ""),
                ),
                column_config={
                    "title": st.column_config.TextColumn("Jalon", width="large"),
                    "due": st.column_config.DateColumn("Échéance", format="DD/MM/YYYY"),
                    "done": st.column_config.CheckboxColumn("Fait"),
                    "done_on": st.column_config.DateColumn("Réalisé le", format="DD/MM/YYYY"),
                    "late": st.column_config.TextColumn("Alerte"),
                },
                hide_index=True,
                width="stretch",
            )
        indicators = board[board["action_id"] == action["id"]]
        st.markdown(f"**Indicateurs** ({len(indicators)})")
        if indicators.empty:
            st.caption("Aucun indicateur pour cette action cette année.")
        else:
            tables.show(
                indicators.assign(
                    achievement_percent=(indicators["shown_achievement"].astype("Float64") * 100).round()
                )[["title", "target", "shown_value", "unit", "achievement_percent", "trend"]],
                column_config={
                    "title": st.column_config.TextColumn("Indicateur", width="large"),
                    "target": st.column_config.NumberColumn("Cible", format="localized"),
                    "shown_value": st.column_config.TextColumn("Valeur"),
                    "unit": st.column_config.TextColumn("Unité"),
                    "achievement_percent": st.column_config.ProgressColumn(
                        "Atteinte", format="%d %%", min_value=0, max_value=100
                    ),
                    "trend": st.column_config.TextColumn("Tendance"),
                },
                hide_index=True,
                width="stretch",
            )


def main() -> None:
    header("Projet de santé", "actions, avancement et alertes lus en direct dans NocoDB")
    today = date.today()
    figures, frames = load_figures(today.year)
    project = figures.project
    if project.empty:
        st.info("Aucune action saisie : ajoutez les actions du projet de santé dans la table Actions de NocoDB.")
        return
    key_figures(project)
    alerts(project)
    shown = filters(project)
    if shown.empty:
        st.info("Aucune action ne correspond à ces filtres.")
        return
    # Drawn only when asked: the table gives the same dates.
    if st.toggle("Calendrier des actions", key=TIMELINE_KEY):
        charts.show(timeline(shown, today), alt_text="Calendrier des actions du projet de santé")
    actions_section(shown, figures.indicators, frames[MILESTONES.key], today)
    st.caption(AGGREGATES_NOTE)


main()
