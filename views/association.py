"""Stages et installations (ACI mission 6): the year's trainees, their maîtres de stage and the professionals who
settled in the territory, against the contract's targets (Paramètres). Coordinators see the names and add a
trainee or an installation; the bureau sees counts, trainee counts below 5 masked. No patient data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from domain.association import YearFigures, against, installations_in, trainees_in, year_figures
from domain.french import number
from domain.permissions import Action
from domain.privacy import mask_small, protect_counts
from errors import CptsError
from schema.association import HELP_GIVEN, INSTALLATIONS, TRAINEE_LEVELS, TRAINEES
from schema.fields import PROFESSIONS
from services.association import AssociationRead, add_rows, read_association
from views import tables
from views.access import allowed, current_role
from views.common import current_base, error_message, forget_tables, header, plain, show_error, show_problems

TITLE = "Stages et installations"
YEARS_SHOWN = 5
ADDED = "association_added"  # session key: the confirmation of the last row added
FORMS_KEY = "association_forms"  # session key: the toggle that draws the two forms (an expander would draw them closed)
BREAKDOWN, CATEGORY, COUNT = "Ventilation", "Catégorie", "Nombre"


def year_choice(key: str) -> int:
    this_year = date.today().year
    return int(st.selectbox("Année", list(range(this_year, this_year - YEARS_SHOWN, -1)), key=key))


def counts_rows(counts: Sequence[tuple[str, int]], breakdown: str, masked: bool) -> list[dict[str, str]]:
    """A row per category of one breakdown; `masked`: counts of people as the bureau sees them
    (`domain.privacy.protect_counts`, over this breakdown alone)."""
    cells = protect_counts([count for _, count in counts]).cells if masked else [number(c) for _, c in counts]
    return [{BREAKDOWN: breakdown, CATEGORY: name, COUNT: cell} for (name, _), cell in zip(counts, cells, strict=True)]


def key_figures(figures: YearFigures, exact: bool) -> None:
    trainees = number(figures.trainees) if exact else mask_small(figures.trainees)
    target = f" / {figures.trainee_target}" if figures.trainee_target is not None else ""
    columns = st.columns(4)
    columns[0].metric("Stagiaires accueillis (cible)", f"{trainees}{target}")
    columns[1].metric("Maîtres de stage ayant accueilli", f"{number(figures.hosts)} / {number(figures.mentors)}")
    columns[2].metric("Installations", number(figures.installations))
    columns[3].metric("Installations accompagnées (cible)", against(figures.helped, figures.installation_target))


def breakdowns(figures: YearFigures, exact: bool) -> None:
    """The four breakdowns in one table (each table costs the browser more to draw than its rows), trainee
    counts masked per breakdown for the bureau."""
    st.subheader("Répartitions", anchor=False)
    rows = [
        *counts_rows(figures.trainees_by_profession, "Stagiaires par profession", not exact),
        *counts_rows(figures.trainees_by_level, "Stagiaires par niveau", not exact),
        *counts_rows(figures.installations_by_profession, "Installations par profession", False),
        *counts_rows(figures.help_given, "Aide apportée aux installations", False),
    ]
    frame = pd.DataFrame(rows, columns=[BREAKDOWN, CATEGORY, COUNT])
    tables.show(frame, hide_index=True, width="stretch")
    if not exact:
        st.caption(
            "Effectifs de stagiaires inférieurs à 5 affichés « < 5 » (les noms sont réservés aux coordinateurs)."
        )


def lists(read: AssociationRead, year: int) -> None:
    names = read.member_names()
    trainees = [
        {
            "Nom": row.name,
            "Profession": row.profession,
            "Niveau": row.level,
            "Maître de stage": names.get(row.host or 0),
            "Début": row.start,
            "Fin": row.end,
        }
        for row in trainees_in(read.trainees, year)
    ]
    installations = [
        {
            "Nom": row.name,
            "Date": row.on,
            "Profession": row.profession,
            "Commune (INSEE)": row.insee_code,
            "Aide apportée": ", ".join(row.help_given),
        }
        for row in installations_in(read.installations, year)
    ]
    st.subheader(f"Stagiaires accueillis en {year:d}", anchor=False)
    listed(
        trainees, ["Nom", "Profession", "Niveau", "Maître de stage", "Début", "Fin"], f"Aucun stagiaire en {year:d}."
    )
    st.subheader(f"Installations en {year:d}", anchor=False)
    listed(
        installations,
        ["Nom", "Date", "Profession", "Commune (INSEE)", "Aide apportée"],
        f"Aucune installation en {year:d}.",
    )


def listed(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], none: str) -> None:
    """The rows as a table, or a line saying there are none (an empty table costs the browser as much)."""
    if not rows:
        st.caption(plain(none))
        return
    dates = {name: st.column_config.DateColumn(name, format="DD/MM/YYYY") for name in ("Début", "Fin", "Date")}
    frame = pd.DataFrame(list(rows), columns=list(columns))
    tables.show(frame, hide_index=True, width="stretch", column_config=dates)


def trainee_form(read: AssociationRead) -> None:
    names = read.member_names()
    hosts = sorted({row.member for row in read.mentors if row.member in names}, key=lambda i: names[i])
    with st.form("add_trainee", clear_on_submit=False):
        st.markdown("**Ajouter un stagiaire** (nom seulement : aucune autre donnée personnelle)")
        name = st.text_input("Nom", key="trainee_name")
        profession = st.selectbox("Profession", PROFESSIONS, key="trainee_profession")
        level = st.selectbox("Niveau", TRAINEE_LEVELS, key="trainee_level")
        host = st.selectbox(
            "Maître de stage", hosts, format_func=lambda i: plain(names[i]), index=None, key="trainee_host"
        )
        start = st.date_input("Début", value=None, format="DD/MM/YYYY", key="trainee_start")
        end = st.date_input("Fin", value=None, format="DD/MM/YYYY", key="trainee_end")
        if st.form_submit_button("Ajouter le stagiaire"):
            values = {"name": name, "profession": profession, "level": level, "host": host, "start": start, "end": end}
            added(TRAINEES.key, values, f"Stagiaire « {name} » ajouté.")


def installation_form() -> None:
    with st.form("add_installation", clear_on_submit=False):
        st.markdown("**Ajouter une installation**")
        name = st.text_input("Nom", key="installation_name")
        on = st.date_input("Date d'installation", value=None, format="DD/MM/YYYY", key="installation_on")
        profession = st.selectbox("Profession", PROFESSIONS, key="installation_profession")
        insee = st.text_input("Commune (code INSEE)", key="installation_insee")
        given = st.multiselect("Aide apportée", HELP_GIVEN, key="installation_help")
        if st.form_submit_button("Ajouter l'installation"):
            values = {"name": name, "on": on, "profession": profession, "insee_code": insee, "help_given": given}
            added(INSTALLATIONS.key, values, f"Installation de « {name} » ajoutée.")


def added(table_key: str, values: Mapping[str, Any], done: str) -> None:
    spec = TRAINEES if table_key == TRAINEES.key else INSTALLATIONS
    try:
        add_rows(current_base(), current_role(), spec, [values], date.today())
    except CptsError as error:
        st.error(error_message(error), icon=":material/block:")
        return
    forget_tables()
    st.session_state[ADDED] = done
    st.rerun()


def main() -> None:
    header(TITLE, "mission ACI 6 : stagiaires, maîtres de stage, installations face aux cibles du contrat")
    try:
        read = read_association(current_base())
    except CptsError as error:
        show_error(error)
    show_problems(read.problems)
    if ADDED in st.session_state:
        st.success(plain(str(st.session_state.pop(ADDED))), icon=":material/check_circle:")
    year = year_choice("association_year")
    exact = allowed(Action.MANAGE_ASSOCIATION)
    figures = year_figures(read.mentors, read.trainees, read.installations, year, read.parameters)
    key_figures(figures, exact)
    breakdowns(figures, exact)
    if exact:
        lists(read, year)
        if st.toggle("Ajouter un stagiaire ou une installation", key=FORMS_KEY):  # drawn only when asked
            left, right = st.columns(2)
            with left:
                trainee_form(read)
            with right:
                installation_form()


main()
