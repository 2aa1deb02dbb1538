"""Indicateurs: every indicator of a year with its target, its value (counted live for the calculated
ones), its achievement and its trend against the year before. Aggregates only, small counts masked."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from domain.french import percent, percents_between
from domain.funding import MissionFunding
from domain.funding_lines import NO_TIERS, indicator_lines
from domain.indicators import COMPUTATIONS
from domain.project import NO_MISSION, mission_rank
from schema.models import IndicatorSource
from views import charts, tables
from views.board_data import AGGREGATES_NOTE, header, load_figures, year_picker

BAR_COLOUR = "#1c7ed6"
HELP_KEY = "indicators_help"  # session key: the toggle of the calculated indicators' keys
INDICATOR_COLUMNS = {
    "mission": st.column_config.TextColumn("Mission ACI", width="medium"),
    "action_number": st.column_config.NumberColumn("Action", format="%d", width="small", help="Numéro de l'action"),
    "title": st.column_config.TextColumn("Indicateur", width="large"),
    "target": st.column_config.NumberColumn("Cible", format="localized", width="small"),
    "shown_value": st.column_config.TextColumn("Valeur", width="small"),
    "unit": st.column_config.TextColumn("Unité", width="small"),
    "achievement_percent": st.column_config.ProgressColumn("Atteinte", format="%d %%", min_value=0, max_value=100),
    "tier": st.column_config.TextColumn("Palier atteint", help="Indicateur payé par paliers (colonne « Paliers »)"),
    "trend": st.column_config.TextColumn("Tendance", width="small", help="Par rapport à l'année précédente"),
    "shown_previous": st.column_config.TextColumn("Année préc.", width="small"),
    "source": st.column_config.TextColumn("Source", width="small"),
    "comment": st.column_config.TextColumn("Commentaire", width="medium"),
}


def indicator_table(board: pd.DataFrame, tiers: dict[int, str] | None = None) -> pd.DataFrame:
    """The indicators as the page shows them (no unmasked patient count among the columns), in ACI mission
    order, then by action; indicators without an action come last. One table for all missions: each table
    costs the browser more to draw than its rows. `tiers`: indicator id -> the tier reached as the bureau may
    see it (`domain.funding_lines`)."""
    missions = board["mission"].fillna(NO_MISSION)
    shown = board.assign(
        mission=missions,
        mission_rank=missions.map(mission_rank),
        achievement_percent=(board["shown_achievement"].astype("Float64") * 100).round(),
        tier=board["id"].map(lambda row_id: (tiers or {}).get(int(row_id), NO_TIERS)),
    ).sort_values(["mission_rank", "action_number", "id"], kind="stable")
    return shown[list(INDICATOR_COLUMNS)]


def key_figures(board: pd.DataFrame) -> None:
    measured = board["shown_achievement"].dropna()
    columns = st.columns(4)
    columns[0].metric("Indicateurs", len(board))
    columns[1].metric(
        "Calculés", int((board["source"] == IndicatorSource.CALCULATED).sum()), help="Comptés en direct, jamais saisis"
    )
    columns[2].metric(
        "Atteinte moyenne",
        percent(float(measured.mean())) if len(measured) else "—",
        help="Moyenne des taux d'atteinte (valeur / cible, plafonnée à 100 %)",
    )
    columns[3].metric("Cibles atteintes", f"{int((measured >= 1).sum())} / {len(measured)}")


def mission_chart(missions: list[MissionFunding]) -> alt.LayerChart:
    """Achievement of each measured ACI mission (weighted mean of its indicators), as the funding estimate
    knows it: a mission with a masked value is a range, a full bar to its lowest value and a light one up to
    its highest."""
    rows = [
        {"mission": m.mission, "low": m.low, "high": m.high, "text": percents_between(m.low, m.high)}
        for m in missions
        if m.low is not None and m.high is not None  # measured missions only
    ]
    frame = pd.DataFrame(rows)
    y = alt.Y("mission:N", sort=None, title=None, axis=alt.Axis(labelLimit=280, labelFontSize=13))
    scale = alt.Scale(domain=[0, 1])
    x = alt.X("low:Q", title="Atteinte", scale=scale, axis=alt.Axis(format="%"))
    base = alt.Chart(frame).encode(y=y)
    bars = base.mark_bar(color=BAR_COLOUR, cornerRadiusEnd=3).encode(x=x)
    ranges = base.mark_bar(color=BAR_COLOUR, opacity=0.3).encode(x=alt.X("low:Q", scale=scale), x2="high:Q")
    labels = base.mark_text(align="left", dx=4, fontSize=13).encode(x=alt.X("high:Q", scale=scale), text="text:N")
    return (ranges + bars + labels).properties(height=alt.Step(32))


def computations_help() -> None:
    """Drawn only when asked (a toggle, not an expander, which draws its content even closed)."""
    if st.toggle("Indicateurs calculés : les clés à saisir dans la colonne « Calcul » de NocoDB", key=HELP_KEY):
        lines = [f"- `{key}` : {computation.label}" for key, computation in COMPUTATIONS.items()]
        st.markdown(
            "Mettez la source à « Calculé » et l'une de ces clés ; la valeur est alors comptée en direct "
            "(une valeur saisie est ignorée). Pour un parcours ou une profession : `inscrits_parcours:Diabète de type 2`, "
            "`membres_par_profession:Infirmier`.\n\n" + "\n".join(lines)
        )


def main() -> None:
    header("Indicateurs", "cibles, valeurs et tendances lues en direct dans NocoDB")
    year = year_picker()
    figures, _ = load_figures(year)
    board = figures.indicators
    if board.empty:
        st.info(
            f"Aucun indicateur pour {year:d} : ajoutez-les dans la table Indicateurs de NocoDB (Période = {year:d})."
        )
        computations_help()
        return
    key_figures(board)
    measured = [mission for mission in figures.funding.missions if mission.achievement is not None]
    if measured:
        st.subheader("Atteinte par mission ACI", anchor=False)
        charts.show(mission_chart(measured), alt_text="Atteinte par mission ACI")
        if any(mission.masked for mission in measured):
            st.caption(
                "Une mission dont un indicateur est masqué (moins de 5 patients) n'est connue que par une "
                "fourchette : barre pleine jusqu'à sa valeur la plus basse, claire jusqu'à la plus haute."
            )
    tiers = {line.id: line.tier for line in indicator_lines(figures)}
    st.subheader("Indicateurs par mission ACI", anchor=False)
    tables.show(indicator_table(board, tiers), column_config=INDICATOR_COLUMNS, hide_index=True, width="stretch")
    st.caption(
        "Atteinte = valeur / cible, plafonnée à 100 %. Tendance : ↗ ↘ → par rapport à la ligne de l'année "
        "précédente du même indicateur, « — » sans historique. " + AGGREGATES_NOTE
    )
    computations_help()


main()
