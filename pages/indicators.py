"""Indicateurs: every indicator of a year with its target, its value (counted live for the calculated
ones), its achievement and its trend against the year before. Aggregates only, small counts masked."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from domain.french import percent
from domain.funding import board_achievements, mission_achievement
from domain.indicators import CALCULATED, COMPUTATIONS
from domain.project import NO_MISSION, mission_rank
from pages.board_data import AGGREGATES_NOTE, header, load_figures, year_picker

BAR_COLOUR = "#1c7ed6"
INDICATOR_COLUMNS = {
    "mission_text": st.column_config.TextColumn("Mission ACI"),
    "action_text": st.column_config.TextColumn("Action"),
    "title": st.column_config.TextColumn("Indicateur", width="large"),
    "target": st.column_config.NumberColumn("Cible", format="localized"),
    "shown_value": st.column_config.TextColumn("Valeur"),
    "unit": st.column_config.TextColumn("Unité"),
    "achievement_percent": st.column_config.ProgressColumn("Atteinte", format="%d %%", min_value=0, max_value=100),
    "trend": st.column_config.TextColumn("Tendance", help="Par rapport à l'année précédente"),
    "shown_previous": st.column_config.TextColumn("Année préc."),
    "source": st.column_config.TextColumn("Source"),
    "comment": st.column_config.TextColumn("Commentaire", width="medium"),
}


def shown_indicators(board: pd.DataFrame) -> pd.DataFrame:
    """The board rows as the page shows them, in mission order (no unmasked patient count among them)."""
    ordered = board.assign(
        _rank=board["mission"].map(lambda m: mission_rank(m) if isinstance(m, str) else mission_rank(NO_MISSION))
    ).sort_values(["_rank", "action_number", "id"], kind="stable")
    return ordered.assign(
        mission_text=ordered["mission"].fillna(NO_MISSION),
        action_text=[
            f"{int(n)}. {t}" if pd.notna(n) else (t if isinstance(t, str) else "—")
            for n, t in zip(ordered["action_number"], ordered["action_title"], strict=True)
        ],
        achievement_percent=(ordered["shown_achievement"].astype("Float64") * 100).round(),
    )[list(INDICATOR_COLUMNS)]


def key_figures(board: pd.DataFrame) -> None:
    measured = board["shown_achievement"].dropna()
    columns = st.columns(4)
    columns[0].metric("Indicateurs", len(board))
    columns[1].metric("Calculés", int((board["source"] == CALCULATED).sum()), help="Comptés en direct, jamais saisis")
    columns[2].metric(
        "Atteinte moyenne",
        percent(float(measured.mean())) if len(measured) else "—",
        help="Moyenne des taux d'atteinte (valeur / cible, plafonnée à 100 %)",
    )
    columns[3].metric("Cibles atteintes", f"{int((measured >= 1).sum())} / {len(measured)}")


def mission_chart(board: pd.DataFrame) -> alt.LayerChart | None:
    """Achievement of each ACI mission (weighted mean of its indicators), as in the funding estimate."""
    rows = [
        {"mission": mission, "achievement": value, "text": percent(value)}
        for mission, pairs in board_achievements(board.assign(achievement=board["shown_achievement"])).items()
        if (value := mission_achievement(pairs)) is not None
    ]
    if not rows:
        return None
    frame = pd.DataFrame(rows).sort_values("mission", key=lambda s: s.map(mission_rank))
    y = alt.Y("mission:N", sort=None, title=None, axis=alt.Axis(labelLimit=280, labelFontSize=13))
    x = alt.X("achievement:Q", title="Atteinte", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
    base = alt.Chart(frame).encode(
        y=y, x=x, tooltip=[alt.Tooltip("mission:N", title="Mission"), alt.Tooltip("text:N", title="Atteinte")]
    )
    bars = base.mark_bar(color=BAR_COLOUR, cornerRadiusEnd=3)
    labels = base.mark_text(align="left", dx=4, fontSize=13).encode(text="text:N")
    return (bars + labels).properties(height=alt.Step(32))


def computations_help() -> None:
    with st.expander("Indicateurs calculés : les clés à saisir dans la colonne « Calcul » de NocoDB"):
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
        st.info(f"Aucun indicateur pour {year} : ajoutez-les dans la table Indicateurs de NocoDB (Période = {year}).")
        computations_help()
        return
    key_figures(board)
    chart = mission_chart(board)
    if chart is not None:
        st.subheader("Atteinte par mission ACI", anchor=False)
        st.altair_chart(chart, width="stretch")
    st.subheader(f"Indicateurs {year}", anchor=False)
    st.dataframe(shown_indicators(board), column_config=INDICATOR_COLUMNS, hide_index=True, width="stretch")
    st.caption(
        "Atteinte = valeur / cible, plafonnée à 100 %. Tendance : ↗ ↘ → par rapport à la ligne de l'année "
        "précédente du même indicateur, « — » sans historique. " + AGGREGATES_NOTE
    )
    computations_help()


main()
