"""Parcours (board): per pathway, patients enrolled, steps up to date or overdue, share of patients up to date.

Aggregates only, counts below 5 masked; the pathways' steps as defined in NocoDB."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from domain.cells import integer
from domain.pathway_figures import board_table, pathway_summary, protected_totals, share_text
from domain.privacy import MASK_BELOW
from domain.step_conditions import VOCABULARY, ConditionError, parse_condition
from schema.models import ENROLMENTS, PATHWAY_MEMBERS, PATHWAY_STEPS, PATHWAYS
from views import charts, tables
from views.common import header, plain, show_problems
from views.pathway_data import LEFT_ASIDE, active_pathways, pathway_state

STATE_COLOURS = {"À jour": "#2f9e44", "À venir": "#9aa5b1", "En retard": "#e03131"}
# Session keys of the toggles: what they show is drawn only when on (an expander draws its content even closed).
CHARTS_KEY, DEFINITIONS_KEY = "pathways_charts", "pathways_definitions"


def totals(summary: pd.DataFrame) -> None:
    protected = protected_totals(summary)
    first, second, third = st.columns(3)
    first.metric("Patients inscrits", protected["enrolled"].total, help="Inscriptions actives")
    second.metric("Étapes en retard", protected["overdue"].total, help="Date d'échéance dépassée")
    third.metric(
        "Patients à jour",
        share_text(int(summary["covered"].sum()), int(summary["concerned"].sum())),
        help="Part des patients concernés dont aucune étape n'est en retard (dépistage à jour pour les dépistages)",
    )


def coverage_chart(summary: pd.DataFrame) -> alt.LayerChart | None:
    """Share of concerned patients up to date, one bar per pathway with at least 5 concerned patients."""
    shown = summary[summary["concerned"] >= MASK_BELOW]
    if shown.empty:
        return None
    data = pd.DataFrame(
        {
            "Parcours": shown["name"],
            "Part": shown["covered"] / shown["concerned"],
            "Texte": [share_text(c, n) for c, n in zip(shown["covered"], shown["concerned"], strict=True)],
        }
    )
    y = alt.Y("Parcours:N", sort=None, title=None, axis=alt.Axis(labelLimit=300, labelFontSize=13))
    x = alt.X("Part:Q", title="Patients à jour", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
    base = alt.Chart(data).encode(y=y, x=x)
    bars = base.mark_bar(color="#1c7ed6", cornerRadiusEnd=3)
    labels = base.mark_text(align="left", dx=4, fontSize=13).encode(text="Texte:N")
    return (bars + labels).properties(height=alt.Step(36))


def states_chart(summary: pd.DataFrame) -> alt.Chart | None:
    """Steps up to date, upcoming and overdue as shares of each pathway (pathways of 5 patients or more)."""
    shown = summary[summary["enrolled"] >= MASK_BELOW]
    long = shown.melt(
        id_vars="name", value_vars=["up_to_date", "upcoming", "overdue"], var_name="state", value_name="n"
    )
    long["state"] = long["state"].map({"up_to_date": "À jour", "upcoming": "À venir", "overdue": "En retard"})
    long = long[long["n"] > 0]
    if long.empty:
        return None
    colours = alt.Scale(domain=list(STATE_COLOURS), range=list(STATE_COLOURS.values()))
    legend = alt.Legend(orient="bottom", title=None, labelFontSize=13, symbolType="square")
    return (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("name:N", sort=list(shown["name"]), title=None, axis=alt.Axis(labelLimit=300, labelFontSize=13)),
            x=alt.X("n:Q", stack="normalize", title="Étapes", axis=alt.Axis(format="%")),
            color=alt.Color("state:N", scale=colours, legend=legend, sort=list(STATE_COLOURS)),
            order=alt.Order("order:Q"),
        )
        .transform_calculate(order="indexof(['À jour', 'À venir', 'En retard'], datum.state)")
        .properties(height=alt.Step(36))
    )


def steps_table(steps: pd.DataFrame) -> pd.DataFrame:
    """A pathway's steps as a coordinator typed them in NocoDB (no patient data)."""
    ordered = steps.sort_values(["order", "id"])
    return pd.DataFrame(
        {
            "Ordre": ordered["order"],
            "Étape": ordered["title"],
            "Niveau": ordered["level"].astype("string").fillna(""),
            "Profession": ordered["profession"].fillna("Tout intervenant"),
            "Spécialité": ordered["specialty"].fillna(""),
            "Rythme": [_interval(i, c) for i, c in zip(ordered["interval_months"], ordered["condition"], strict=True)],
            "Âges": [_ages(low, high) for low, high in zip(ordered["min_age"], ordered["max_age"], strict=True)],
            "Public": ordered["sex"],
            "Condition": ordered["condition"].fillna(""),
        }
    )


def _interval(months: object, condition: object) -> str:
    """« tous les 12 mois », « 5 par an » or « une fois »."""
    every = integer(months)
    if every:
        return f"tous les {every} mois"
    try:
        per_year = parse_condition(condition if isinstance(condition, str) else None).per_year
    except ConditionError:
        return ""
    return f"{per_year} par an" if per_year else "une fois"


def _ages(low: object, high: object) -> str:
    low, high = integer(low), integer(high)
    if low is None and high is None:
        return "Tous âges"
    if high is None:
        return f"{low} ans et plus"
    return f"{low or 0}–{high} ans"


def definitions(frames: dict[str, pd.DataFrame]) -> None:
    st.subheader("Les parcours et leurs étapes", anchor=False)
    st.caption("Définis dans NocoDB (tables Parcours et Étapes de parcours) : une modification y change les échéances.")
    if not st.toggle("Voir les parcours et leurs étapes", key=DEFINITIONS_KEY):
        return
    steps, team = frames[PATHWAY_STEPS.key], frames[PATHWAY_MEMBERS.key]
    pathways = active_pathways(frames[PATHWAYS.key])
    for pathway in pathways.itertuples():
        members = team[team["pathway"] == pathway.id]["member"].nunique()
        category = pathway.category if isinstance(pathway.category, str) else "sans catégorie"
        about = f"**{plain(str(pathway.name))}** · {plain(str(category))} · {members:d} intervenant(s)"
        description = f" — {plain(pathway.description)}" if isinstance(pathway.description, str) else ""
        st.markdown(about + description)
    tables.show(all_steps(pathways, steps), hide_index=True, width="stretch")
    with st.expander("Colonne « Condition » : ce que le logiciel comprend"):
        st.markdown(condition_help())


def all_steps(pathways: pd.DataFrame, steps: pd.DataFrame) -> pd.DataFrame:
    """The steps of every pathway in one table, pathway by pathway (each table costs the browser more to
    draw than its rows)."""
    tables = [
        steps_table(steps[steps["pathway"] == pathway.id]).assign(Parcours=str(pathway.name))
        for pathway in pathways.itertuples()
    ]
    if not tables:
        return pd.DataFrame(columns=["Parcours", *steps_table(steps.iloc[0:0]).columns])
    joined = pd.concat(tables, ignore_index=True)
    return joined[["Parcours", *joined.columns.drop("Parcours")]]


def condition_help() -> str:
    """The condition vocabulary of domain.step_conditions, in French markdown."""
    lines = [
        "Plusieurs conditions se séparent par « ; » (majuscules indifférentes).",
        "",
        "| Condition | Effet |",
        "|---|---|",
    ]
    lines += [f"| `{form}` | {effect} |" for form, effect in VOCABULARY]
    lines += [
        "",
        "Sans intervalle, une étape se fait une fois, après l'étape précédente (par « Ordre »). "
        "Hors de la tranche d'âge à la date prévue, l'étape n'est plus proposée (fin du dépistage).",
    ]
    return "\n".join(lines)


def main() -> None:
    header("Parcours", "Patients inscrits et étapes, agrégés par parcours · effectifs inférieurs à 5 masqués")
    state = pathway_state(extra=(PATHWAY_MEMBERS,))
    show_problems(state.problems, LEFT_ASIDE)
    summary = pathway_summary(state.frames[PATHWAYS.key], state.frames[ENROLMENTS.key], state.schedule)
    if summary.empty:
        st.info("Aucun parcours actif : ajoutez-les dans la table Parcours de NocoDB.")
        return
    totals(summary)
    tables.show(board_table(summary), hide_index=True, width="stretch")
    # Drawn only when asked: the table above gives the same shares.
    if st.toggle("Graphiques des parcours", key=CHARTS_KEY):
        summary_charts(summary)
    definitions(state.frames)


def summary_charts(summary: pd.DataFrame) -> None:
    left, right = st.columns(2, gap="medium")
    with left, st.container(border=True):
        st.subheader("Patients à jour", anchor=False)
        chart = coverage_chart(summary)
        if chart is None:
            st.info("Moins de 5 patients concernés par parcours : part masquée.")
        else:
            charts.show(chart, alt_text="Part des patients à jour, par parcours", width=charts.HALF)
    with right, st.container(border=True):
        st.subheader("État des étapes", anchor=False)
        states = states_chart(summary)
        if states is None:
            st.info("Moins de 5 patients inscrits par parcours : répartition masquée.")
        else:
            charts.show(states, alt_text="État des étapes, par parcours", width=charts.HALF)


main()
