"""Territoire et adhésion: the professionals of the territory (public RPPS extract, `./cpts import rpps`) against
the members, by profession, with the arrivals since the first import and the departures. The bureau sees the
figures; coordinators also see the names (whom to recruit, who arrived, who left)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from domain import membership
from domain.french import day, percent
from domain.permissions import Action
from schema.models import PROFESSIONALS
from views import tables
from views.access import allowed
from views.board_data import header
from views.common import load_tables, plain, show_problems
from views.metrics import noted

TITLE = "Territoire et adhésion"
EMPTY = (
    "Aucun professionnel du territoire pour l'instant : un coordinateur lance `./cpts import rpps FICHIER` avec "
    "l'extrait public de l'Annuaire Santé (annuaire.sante.fr, « Extractions en libre accès »)."
)
FIGURE_COLUMNS = {
    "profession": st.column_config.TextColumn("Profession"),
    "professionals": st.column_config.NumberColumn("Professionnels", format="%d"),
    "members": st.column_config.NumberColumn("Adhérents", format="%d"),
    "shown_share": st.column_config.TextColumn("Part adhérents"),
    "arrivals": st.column_config.NumberColumn("Arrivées", format="%d", help="Depuis le premier import"),
    "departures": st.column_config.NumberColumn("Départs", format="%d", help="Plus dans l'extrait"),
}
NAME_COLUMNS = {
    "name": st.column_config.TextColumn("Professionnel", width="medium"),
    "profession": st.column_config.TextColumn("Profession"),
    "specialty": st.column_config.TextColumn("Spécialité"),
    "practice_mode": st.column_config.TextColumn("Mode"),
    "commune": st.column_config.TextColumn("Commune"),
    "address": st.column_config.TextColumn("Adresse", width="medium"),
    "phone": st.column_config.TextColumn("Téléphone"),
    "email": st.column_config.TextColumn("E-mail"),
    "arrival": st.column_config.DateColumn("Arrivée", format="DD/MM/YYYY"),
    "departure": st.column_config.DateColumn("Départ", format="DD/MM/YYYY"),
}


def key_figures(professionals: pd.DataFrame, total: pd.Series) -> None:
    seen = membership.imports(professionals)
    columns = st.columns(4)
    columns[0].metric("Professionnels du territoire", int(total["professionals"]))
    noted(columns[1], "Adhérents parmi eux", int(total["members"]), percent(float(total["share"])))
    arrivals, departures = membership.at_latest_import(professionals)
    since = f"Depuis le premier import ({day(seen.first)}) ; la flèche : au dernier import ({day(seen.latest)})"
    columns[2].metric("Arrivées", int(total["arrivals"]), arrivals or None, help=since)
    columns[3].metric(
        "Départs",
        int(total["departures"]),
        departures or None,
        delta_color="inverse",
        help=f"Professionnels qui ne sont plus dans l'extrait ; la flèche : au dernier import ({day(seen.latest)})",
    )


def figures_table(table: pd.DataFrame) -> None:
    shown = table.assign(shown_share=[percent(None if pd.isna(s) else float(s)) for s in table["share"]])
    tables.show(shown[list(FIGURE_COLUMNS)], column_config=FIGURE_COLUMNS, hide_index=True, width="stretch")


def names(professionals: pd.DataFrame) -> None:
    """The coordinators' lists: non-members present, arrivals since the first import, departures."""
    lists = {
        "Non adhérents (à recruter)": membership.not_members(professionals),
        "Arrivées": membership.named(membership.arrived(professionals)),
        "Départs": membership.named(membership.departed(professionals)),
    }
    tabs = st.tabs([f"{plain(title)} ({len(rows)})" for title, rows in lists.items()])
    for tab, rows in zip(tabs, lists.values(), strict=True):
        with tab:
            tables.show(rows, column_config=NAME_COLUMNS, hide_index=True, width="stretch")


def main() -> None:
    header(TITLE, "Professionnels du territoire (extrait RPPS) et membres de la CPTS")
    frames, problems = load_tables([PROFESSIONALS])
    professionals = frames[PROFESSIONALS.key]
    show_problems(problems)
    if professionals.empty:
        st.info(EMPTY, icon=":material/info:")
        return
    seen = membership.imports(professionals)
    st.caption(f"Dernier extrait importé : {day(seen.latest)} ; premier : {day(seen.first)}.")
    table = membership.by_profession(professionals)
    key_figures(professionals, table.iloc[-1])
    figures_table(table)
    if allowed(Action.SEE_PROFESSIONAL_NAMES):
        names(professionals)
    else:
        st.caption("Chiffres agrégés ; les noms sont réservés aux coordinateurs.")


main()
