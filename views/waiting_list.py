"""Patients en attente: the waiting list with priority scores (and why, on demand), a profession filter and
the figures per profession sought, and the form to register a new request. Coordinators only: patient names
and phones."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import streamlit as st

from domain.patient_request import RequestForm
from errors import CptsError
from schema.models import PATIENTS, REQUEST_SOURCES, SOUGHT_PROFESSIONS, Fragility, PatientStatus, Sex
from services.desk import DESK_TABLES, DeskData, allowed_communes, register_request
from views import paging
from views.access import journal, require_page
from views.common import CACHE_SECONDS, base_of, current_base, header, per_version, plain, show_error
from views.desk_common import (
    ROW_COLUMNS,
    flash,
    forget_data,
    profession_filter,
    professions_table,
    read_desk,
    show_flash,
    waiting_rows,
    write_error,
)
from views.form_requests import form_section

TITLE = "Patients en attente"
FORM = "request_"  # prefix of the form's widget keys
NEW_REQUEST = "new_request_open"  # session key: the toggle that draws the form (not prefixed: kept after a request)
COMMUNE_OPTION = re.compile(r"\((\w{5})\)\s*$")


def title(attr: str) -> str:
    return PATIENTS.field(attr).title


def filtered(frame: pd.DataFrame, today: date) -> tuple[pd.DataFrame, bool]:
    """The rows the filters keep (`frame`: today's `waiting_rows`), and whether to show the detail of the
    priority."""
    first, second, third, fourth = st.columns([2, 2, 2, 1])
    statuses = first.multiselect("Statut", tuple(PatientStatus), default=[PatientStatus.WAITING], placeholder="Tous")
    fragilities = second.multiselect("Fragilités (au moins une)", tuple(Fragility), placeholder="Toutes")
    options = per_version("waiting communes", DESK_TABLES, lambda: sorted(frame["Commune"].dropna().unique()), today)
    communes = third.multiselect("Commune", options, placeholder="Toutes")
    minimum = fourth.number_input("Attente minimale (jours)", min_value=0, value=0, step=30)
    profession = profession_filter("waiting_profession")
    explain = st.toggle("Expliquer les scores de priorité", help="Ajoute le détail de chaque score")
    keep = frame["Statut"].isin(statuses) & (frame["Attente (jours)"] >= minimum)
    if profession:
        keep &= frame["Profession"] == profession
    if fragilities:
        keep &= frame["_fragilities"].map(lambda items: bool(set(items) & set(fragilities)))
    if communes:
        keep &= frame["Commune"].isin(communes)
    return frame[keep], explain


WAITING = paging.Listing(
    "waiting",
    TITLE,
    searched=("Code", "Nom", "Prénom", "Commune", "Téléphone", "Profession"),
    sortable=("Priorité", "Attente (jours)", "Demande", "Nom", "Âge", "Commune", "Profession"),
    code="Code",
    noun="patients",
)


def waiting_table(data: DeskData, today: date) -> None:
    """The patients kept by the filters and the search, a page at a time (only the page shown is journaled);
    coordinators may export the whole set (journaled too)."""
    kept, explain = filtered(waiting_rows(data, today), today)
    columns = [c for c in ROW_COLUMNS if explain or c != "Détail de la priorité"]
    st.caption(f"{len(kept)} patient(s) retenu(s) par les filtres, le plus prioritaire en premier.")
    listed = paging.paged(kept, WAITING)
    shown = listed.codes()
    if shown:
        journal(shown)
    paging.table(
        listed,
        columns,
        {
            "Demande": st.column_config.DateColumn(format="DD/MM/YYYY"),
            "Priorité": st.column_config.NumberColumn(format="%d", help="Points de priorité (détail : « Expliquer »)"),
            "Détail de la priorité": st.column_config.TextColumn(width="large"),
        },
    )
    paging.export(listed, columns, lambda codes: journal(codes, paging.EXPORT))


@st.cache_data(ttl=CACHE_SECONDS, show_spinner=False)
def commune_options(base_id: str) -> dict[str, str]:
    """ "Issy-les-Moulineaux (92040)" → "92040", for the communes of the territory and their neighbours."""
    communes = allowed_communes(base_of(base_id))
    return {f"{name} ({code})": code for code, name in sorted(communes.items(), key=lambda item: item[1])}


def commune_code(choice: str | None, options: dict[str, str]) -> str:
    if not choice:
        return ""
    if choice in options:
        return options[choice]
    found = COMMUNE_OPTION.search(choice)
    return found.group(1) if found else choice.strip()


def request_form(today: date) -> None:
    """The form of a new request, checked as NocoDB would (and more) before anything is written; drawn when its
    toggle is on (its fifteen fields cost the browser more than the list above them)."""
    if not st.toggle("Enregistrer une nouvelle demande", key=NEW_REQUEST, help="Ouvre le formulaire de demande"):
        return
    try:
        options = commune_options(current_base().id)
    except CptsError as error:
        show_error(error)
    with st.form("new_request", clear_on_submit=False, border=True):
        st.subheader("Nouvelle demande", anchor=False)
        left, right = st.columns(2)
        last_name = left.text_input(title("last_name"), key=f"{FORM}last_name")
        first_name = right.text_input(title("first_name"), key=f"{FORM}first_name")
        birth_date = left.date_input(
            title("birth_date"),
            value=None,
            min_value=date(1900, 1, 1),
            max_value=date(today.year + 100, 12, 31),  # a date in the future reaches the check, which says so
            format="DD/MM/YYYY",
            key=f"{FORM}birth_date",
        )
        sex = right.selectbox(title("sex"), tuple(Sex), index=None, placeholder="Non précisé", key=f"{FORM}sex")
        commune = left.selectbox(
            title("insee_code"),
            list(options),
            index=None,
            accept_new_options=True,
            placeholder="Choisissez ou tapez un code INSEE",
            help="Commune du territoire ou voisine ; code INSEE, pas le code postal",
            key=f"{FORM}commune",
        )
        phone = right.text_input(title("phone"), placeholder="06 12 34 56 78", key=f"{FORM}phone")
        request_date = left.date_input(
            title("request_date"), value=today, max_value=today, format="DD/MM/YYYY", key=f"{FORM}request_date"
        )
        source = right.selectbox(title("source"), REQUEST_SOURCES, index=0, key=f"{FORM}source")
        profession = left.selectbox(
            title("profession_sought"), tuple(SOUGHT_PROFESSIONS), index=0, key=f"{FORM}profession_sought"
        )
        fragility_options: tuple[str, ...] = tuple(Fragility)
        fragilities = st.multiselect(title("fragilities"), fragility_options, key=f"{FORM}fragilities")
        checks = st.columns(3)
        reduced_mobility = checks[0].checkbox(title("reduced_mobility"), key=f"{FORM}reduced_mobility")
        consent = checks[1].checkbox(title("consent"), key=f"{FORM}consent")
        objection = checks[2].checkbox(title("objection"), key=f"{FORM}objection")
        notes = st.text_area(title("notes"), height=80, key=f"{FORM}notes")
        submitted = st.form_submit_button("Enregistrer la demande", type="primary")
    if not submitted:
        return
    form = RequestForm(
        last_name=last_name,
        first_name=first_name,
        birth_date=birth_date,
        insee_code=commune_code(commune, options),
        phone=phone,
        sex=sex,
        request_date=request_date,
        source=source,
        fragilities=fragilities,
        reduced_mobility=reduced_mobility,
        consent=consent,
        objection=objection,
        notes=notes,
        profession_sought=profession,
    )
    try:
        created, errors = register_request(current_base(), form, today)
    except CptsError as error:
        write_error(error)
        return
    if errors:
        st.error("**La demande n'a pas été enregistrée :**\n\n" + "\n".join(f"- {plain(e)}" for e in errors))
        return
    assert created is not None
    forget_data()
    for key in [k for k in st.session_state if str(k).startswith(FORM)]:
        del st.session_state[key]
    name = plain(f"{created.first_name or ''} {created.last_name or ''}".strip())
    flash(f"Demande enregistrée : **{plain(created.code or '')}** ({name}), en attente.")


def main() -> None:
    require_page()  # what app.py declares this page needs
    today = date.today()
    header(
        TITLE,
        "Demandes de médecin traitant (ou d'un autre professionnel), de la plus prioritaire à la moins prioritaire",
        forget_data,
    )
    show_flash()
    data = read_desk()
    professions_table(data.records, today)
    waiting_table(data, today)
    request_form(today)
    form_section(today)


main()
