"""Financement ACI: the territory and its size tier, the amounts of the contract (Paramètres in NocoDB),
the estimated funding of a year, and the "dialogue de gestion" workbook. Aggregates only.

A masked indicator value (patient count below 5) would follow from the mission's variable part: the bureau sees
that part, the mission's achievement and the total as ranges (`domain.funding.FundingEstimate.total_span`...).
Coordinators, who may see patient-level data anyway, see the exact figures here; the workbook, shared outside,
always has the ranges."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from domain.board import BoardFigures
from domain.communes import CommuneInfo
from domain.french import euros, number
from domain.funding import MASKED_NOTE, FundingEstimate, tier_text
from domain.funding_lines import indicator_lines
from domain.funding_parameters import FIXED, MAXIMUM, OPERATING, VARIABLE, mission_key, tier_key
from domain.parameters import cpts_name
from domain.permissions import Action
from domain.privacy import MASK_BELOW
from domain.project import mission_rank
from errors import CptsError
from reports.dialogue import dialogue_bytes
from schema.models import PARAMETERS, TERRITORY
from services.funding_parameters import add_missing_funding_parameters
from services.territory import TerritoryError, add_commune, communes_matching
from views import charts, tables
from views.access import allowed, current_role, sees_patient_data
from views.board_data import AGGREGATES_NOTE, header, load_figures, year_picker
from views.common import current_base, error_message, forget_tables, plain
from views.funding_chart import funding_chart
from views.funding_contract import contract_section

CHART_KEY, CONTRACT_KEY = "funding_chart", "funding_contract"  # session keys: the toggles of what is drawn on demand
ADD_COMMUNE_KEY = "funding_add_commune"
AMOUNTS_KEY = "funding_amounts"  # session key: the toggle that draws the contract's parts of each mission
# Column widths (pixels) of the estimate table that show "entre 12 300 € et 13 100 €" and "masqué (< 5 patients)" whole.
RANGE_WIDTHS = {
    "mission": 240,
    "started": 70,
    "fixed_due": 150,
    "achievement": 140,
    "variable_due": 150,
    "total": 160,
    "measured": 80,
}
TERRITORY_COLUMNS = {
    "name": st.column_config.TextColumn("Commune"),
    "insee_code": st.column_config.TextColumn("Code INSEE"),
    "department": st.column_config.TextColumn("Département"),
    "epci": st.column_config.TextColumn("EPCI"),
    "population": st.column_config.NumberColumn("Population", format="localized"),
}


def territory_section(territory: pd.DataFrame, figures: BoardFigures) -> None:
    funding = figures.funding
    st.subheader("Territoire", anchor=False)
    left, right = st.columns(2)
    left.metric("Population couverte", number(funding.population), help="Somme des populations de la table Territoire")
    right.metric(
        "Taille ACI",
        f"Taille {funding.tier}",
        help=plain(tier_text(funding.tier, figures.funding_parameters.thresholds)),
    )
    editable = allowed(Action.EDIT_TERRITORY)
    if territory.empty:
        where = "ajoutez-en ci-dessous" if editable else "un coordinateur peut en ajouter"
        st.info(f"Aucune commune dans le territoire : {where}.")
    else:
        shown = territory.sort_values("population", ascending=False)[list(TERRITORY_COLUMNS)]
        tables.show(shown, column_config=TERRITORY_COLUMNS, hide_index=True, width="stretch")
    if editable:
        add_commune_form()


def add_commune_form() -> None:
    """Drawn only when asked (a toggle, not an expander, which draws its content even closed)."""
    if st.toggle("Ajouter une commune au territoire", key=ADD_COMMUNE_KEY):
        query = st.text_input("Code INSEE ou nom de la commune", placeholder="ex. 92040 ou Issy-les-Moulineaux")
        if not query.strip():
            return
        try:
            matches = communes_matching(query, date.today())
        except TerritoryError as error:
            st.error(plain(str(error)))
            return
        chosen = st.selectbox("Commune", matches, format_func=commune_label, key="commune_choice")
        if st.button("Ajouter au territoire", icon=":material/add_location:"):
            try:
                add_commune(current_base(), chosen.insee_code, date.today(), current_role())
            except CptsError as error:  # a refusal (TerritoryError, NotAllowed) is told as it is
                st.error(error_message(error))
                return
            forget_tables()
            st.success(f"{plain(chosen.name)} ajoutée au territoire ({number(chosen.population)} habitants).")
            st.rerun()


def commune_label(info: CommuneInfo) -> str:
    return f"{info.name} ({info.insee_code}, dép. {info.department}) — {number(info.population)} hab."


def amounts_section(figures: BoardFigures) -> None:
    parameters, tier = figures.funding_parameters, figures.funding.tier
    st.subheader(f"Montants du contrat ACI (taille {plain(str(tier))})", anchor=False)
    left, right = st.columns(2)
    for column, name, title in ((left, OPERATING, "Dotation de fonctionnement"), (right, MAXIMUM, "Maximum annuel")):
        key = tier_key(name, tier)
        flagged = "" if parameters.checked(key) else " · à vérifier"
        column.metric(plain(title), euros(parameters.values[key]), help=f"Paramètre « {plain(key)} »{flagged}")
    # The split of each mission is set once per contract: its table is drawn when asked (a table costs the
    # browser more to draw than its rows); which missions are still to check is always said.
    if st.toggle("Parts fixe et variable de chaque mission", key=AMOUNTS_KEY, help="Lignes de la table Paramètres"):
        mission_amounts(figures)
    unchecked = [mission.mission for mission in figures.funding.missions if mission.to_check]
    if unchecked:
        st.caption(f"⚠️ Parts à vérifier (cochées « À vérifier » ou absentes) : {plain(', '.join(unchecked))}.")
    example = mission_key(FIXED, figures.funding.missions[0].mission, tier)
    st.caption(
        "Ces montants sont des lignes de la table **Paramètres** de NocoDB (ex. « "
        f"{plain(example)} »). Les valeurs par défaut viennent des textes publics ; la répartition fixe/variable par "
        "mission est propre à chaque contrat : remplacez-la par celle du vôtre puis décochez « À vérifier »."
    )
    if parameters.missing:
        st.warning(
            f"{len(parameters.missing)} paramètre(s) de financement absent(s) de la table Paramètres : les valeurs par "
            "défaut sont utilisées.",
            icon=":material/tune:",
        )
        add_parameters_button()


def mission_amounts(figures: BoardFigures) -> None:
    """The contract's fixed and variable part of each mission, for the page's size tier."""
    parameters, tier = figures.funding_parameters, figures.funding.tier
    rows = [
        {
            "mission": mission.mission,
            "fixed": parameters.mission(FIXED, mission.mission, tier),
            "variable": parameters.mission(VARIABLE, mission.mission, tier),
            "to_check": "⚠️ oui" if mission.to_check else "",
        }
        for mission in figures.funding.missions
    ]
    tables.show(
        pd.DataFrame(rows),
        column_config={
            "mission": st.column_config.TextColumn("Mission", width="large"),
            "fixed": st.column_config.NumberColumn("Part fixe (€)", format="localized"),
            "variable": st.column_config.NumberColumn("Part variable (€)", format="localized"),
            "to_check": st.column_config.TextColumn("À vérifier", help="Paramètre coché « À vérifier » ou absent"),
        },
        hide_index=True,
        width="stretch",
    )


def add_parameters_button() -> None:
    """Add the missing funding parameters to Paramètres (roles that may edit the parameters only)."""
    if not allowed(Action.EDIT_PARAMETERS):
        st.caption("Un coordinateur peut les ajouter depuis cette page.")
        return
    if st.button("Ajouter les paramètres manquants (valeurs par défaut, à vérifier)"):
        try:
            added = add_missing_funding_parameters(current_base(), current_role())
        except CptsError as error:
            st.error(error_message(error))
            return
        forget_tables()
        st.success(f"{len(added)} paramètre(s) ajouté(s) dans Paramètres.")
        st.rerun()


def estimate_section(funding: FundingEstimate, exact: bool) -> None:
    """The estimate; `exact` (a coordinator, who may see patient-level data): single figures even where a
    masked indicator value leaves the bureau a range."""
    shown = funding.exact() if exact else funding
    st.subheader(f"Financement estimé {funding.year:d}", anchor=False)
    # A range is too long for a third of the page: one figure per line then.
    columns = [st.container() for _ in range(3)] if shown.masked else st.columns(3)
    columns[0].metric(f"Financement estimé {funding.year:d}", shown.total_text)
    columns[1].metric("Dont missions", shown.missions_text)
    columns[2].metric("Dont dotation de fonctionnement", euros(funding.operating))
    if shown.may_be_capped:
        capped = "Plafonné" if shown.uncapped_span[0] > funding.maximum else "Peut être plafonné"
        st.info(
            f"{capped} au maximum annuel de la taille {plain(str(funding.tier))} ({euros(funding.maximum)}) ; avant plafond : "
            f"{plain(shown.uncapped_text)}."
        )
    if shown.masked:
        masked = ", ".join(f"« {plain(m.mission)} »" for m in shown.missions if m.masked)
        st.info(f"{MASKED_NOTE} Missions concernées : {masked}.", icon=":material/visibility_off:")
    elif funding.masked:
        st.caption(
            "Vue coordinateur : chiffres exacts. Le bureau voit ici, et le classeur « dialogue de gestion » donne "
            f"toujours, une fourchette pour les missions dont un indicateur compte moins de {MASK_BELOW} patients."
        )
    frame, columns_config = estimate_table(shown)
    tables.show(frame, column_config=columns_config, hide_index=True, width="stretch")
    # Drawn only when asked: the table says the same.
    if st.toggle("Graphique des parts par mission", key=CHART_KEY):
        charts.show(funding_chart(shown), alt_text="Parts fixe et variable, par mission ACI")
    st.caption(
        "Estimation : part fixe des missions démarrées + part variable × atteinte des indicateurs de la mission "
        "(moyenne des taux d'atteinte plafonnés à 100 %, pondérée par la colonne « Poids » des Indicateurs), "
        "plus la dotation de fonctionnement, dans la limite du maximum annuel. Un indicateur qui a des « Paliers » "
        "paie le palier atteint (dans la limite de son « Plafond ») ; le reste de sa part suit l'atteinte des autres."
    )


def estimate_table(funding: FundingEstimate) -> tuple[pd.DataFrame, dict[str, Any]]:
    """One row per mission: numbers, or French texts ("entre … € et … €") when some mission is a range."""
    ranged = funding.masked
    rows = [
        {
            "mission": m.mission,
            "started": "Oui" if m.started else "Non",
            "fixed_due": m.fixed_text if ranged else round(m.fixed_due),
            "achievement": m.achievement_text if ranged else _percent(m.achievement),
            "variable_due": m.variable_text if ranged else round(m.variable_due),
            "total": m.total_text if ranged else round(m.total),
            "measured": m.measured,
        }
        for m in funding.missions
    ]
    config: dict[str, Any] = {
        "mission": st.column_config.TextColumn("Mission", width="large"),
        "started": st.column_config.TextColumn("Démarrée", help="Au moins une action en cours, terminée ou suspendue"),
        "fixed_due": st.column_config.NumberColumn("Part fixe retenue (€)", format="localized"),
        "achievement": st.column_config.ProgressColumn("Atteinte", format="%d %%", min_value=0, max_value=100),
        "variable_due": st.column_config.NumberColumn("Part variable retenue (€)", format="localized"),
        "total": st.column_config.NumberColumn("Total (€)", format="localized"),
        "measured": st.column_config.NumberColumn("Indicateurs mesurés", help="Avec une valeur et une cible"),
    }
    if ranged:
        config |= {
            "fixed_due": st.column_config.TextColumn("Part fixe retenue"),
            "achievement": st.column_config.TextColumn("Atteinte"),
            "variable_due": st.column_config.TextColumn("Part variable retenue"),
            "total": st.column_config.TextColumn("Total"),
        }
        config |= {key: {**config[key], "width": width} for key, width in RANGE_WIDTHS.items()}
    return pd.DataFrame(rows), config


def _percent(share: float | None) -> int | None:
    return None if share is None else round(share * 100)


LINE_COLUMNS = {
    "mission": st.column_config.TextColumn("Mission ACI", width="medium"),
    "title": st.column_config.TextColumn("Indicateur", width="large"),
    "part": st.column_config.TextColumn("Part", width="small"),
    "value": st.column_config.TextColumn("Valeur", width="small"),
    "tiers": st.column_config.TextColumn("Paliers"),
    "tier": st.column_config.TextColumn("Palier atteint"),
    "amount": st.column_config.TextColumn("Montant"),
    "present": st.column_config.TextColumn("Justificatifs présents"),
    "missing": st.column_config.TextColumn("Justificatifs manquants"),
}


LINES_NOTE = (
    "Paliers, plafond, part du financement et justificatifs attendus : colonnes de la table **Indicateurs** ; les "
    "pièces : table **Justificatifs** (un fichier joint ou un lien chacune). Une valeur masquée (moins de "
    f"{MASK_BELOW} personnes) montre son palier seulement quand toute valeur de 0 à {MASK_BELOW - 1} atteint le "
    "même, et son montant en fourchette sinon."
)


def indicators_section(figures: BoardFigures, exact: bool) -> None:
    """Per mission, its indicators with their value, tier reached, amount and proofs present or missing."""
    st.subheader("Indicateurs, paliers et justificatifs", anchor=False)
    lines = indicator_lines(figures, exact)
    if not lines:
        st.info(f"Aucun indicateur pour {figures.year:d}.")
        return
    # One table for all missions, in mission order: each table costs the browser more to draw than its rows.
    ordered = sorted(lines, key=lambda line: mission_rank(line.mission))  # stable: the board's order within
    rows = pd.DataFrame([{"mission": line.mission, **line.cells} for line in ordered], columns=list(LINE_COLUMNS))
    tables.show(rows, column_config=LINE_COLUMNS, hide_index=True, width="stretch")
    st.caption(LINES_NOTE)


def export_section(figures: BoardFigures, cpts_name: str) -> None:
    st.subheader("Dialogue de gestion", anchor=False)
    st.markdown(
        f"Un classeur Excel pour la CPAM et l'ARS : une feuille de synthèse avec l'estimation {figures.year:d}, "
        "puis une feuille par mission ACI (actions, indicateurs, cibles, valeurs, atteinte, paliers, montants, "
        "justificatifs, commentaires)."
    )
    st.download_button(
        "Télécharger le classeur « dialogue de gestion » (XLSX)",
        data=lambda: dialogue_bytes(figures, cpts_name),  # made when clicked (~0.1 s), not at each display
        file_name=f"dialogue-de-gestion-{figures.year}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        on_click="ignore",
    )


def main() -> None:
    name = header("Financement ACI", "territoire, montants et estimation lus en direct dans NocoDB")
    year = year_picker("Année de l'estimation")
    figures, frames = load_figures(year)
    territory_section(frames[TERRITORY.key], figures)
    amounts_section(figures)
    exact = sees_patient_data()
    estimate_section(figures.funding, exact=exact)
    indicators_section(figures, exact=exact)
    if allowed(Action.EDIT_PARAMETERS) and st.toggle("Saisir des paliers ou un justificatif", key=CONTRACT_KEY):
        contract_section(figures.indicators)  # rarely used: its forms are drawn only when asked
    export_section(figures, cpts_name(frames[PARAMETERS.key], name))
    st.caption(f"{AGGREGATES_NOTE} Édité le {date.today():%d/%m/%Y}.")


main()
