"""The public request form on the page Patients en attente (coordinators): its link, the requests it brought
that wait to be checked, the button that checks them, and those flagged for review."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from domain.form_requests import Review
from errors import CptsError
from schema.models import PATIENTS, TERRITORY
from services import form_requests
from settings import Settings
from views import tables
from views.access import journal
from views.common import base_of, current_base, per_version, plain
from views.desk_common import flash, forget_data, write_error

FORM_TABLES = (PATIENTS, TERRITORY)  # what the review of the requests reads
LINK_SECONDS = 300  # the link changes only when the form is shared again in NocoDB
EXPLANATION = (
    "Les patients, leurs proches, les mairies et les partenaires peuvent demander un médecin traitant par ce "
    "formulaire (à exposer sur Internet seul, derrière un proxy : voir le README). Une demande reçue arrive "
    "dans NocoDB sans code ni statut ; « Vérifier » lui donne un code et le statut « En attente » si elle passe "
    "les contrôles habituels (commune du territoire ou voisine, dates plausibles, téléphone, accord pour "
    "transmettre). Sinon elle reste dans NocoDB, listée ci-dessous pour être corrigée : rien n'est supprimé."
)
NO_FORM = (
    "Le formulaire public « Demande de médecin traitant » est introuvable ou n'est plus partagé : lancez "
    "./cpts migrate, ou partagez de nouveau la vue dans NocoDB (table Patients)."
)


@st.cache_data(ttl=LINK_SECONDS, show_spinner=False)
def form_link(base_id: str) -> str | None:
    """The public form's link, kept per CPTS base."""
    return form_requests.form_link(base_of(base_id), Settings.from_env().form_url)


def pending(today: date) -> Review:
    """The requests still to check, made once per version of the tables they depend on and day (shared by
    the sessions of the CPTS: a form's request is a new row of Patients, which changes its version)."""
    base = current_base()
    return per_version("form requests", FORM_TABLES, lambda: form_requests.pending(base, today), today)


def form_section(today: date) -> None:
    st.subheader("Demandes reçues par le formulaire public", anchor=False)
    try:
        link = form_link(current_base().id)
        checked = pending(today)
    except CptsError as error:
        st.error(plain(str(error)))
        return
    if link:
        st.code(link, language=None)
    else:
        st.warning(NO_FORM)
    st.caption(EXPLANATION)
    flagged = checked.flagged_ids
    st.markdown(
        f"**{len(checked.accepted)}** demande(s) prête(s) à entrer dans la liste d'attente, "
        f"**{len(flagged)}** à revoir."
    )
    if checked.accepted and st.button("Vérifier les demandes du formulaire", type="primary"):
        accept(today)
    if flagged:
        show_flagged(checked)


def accept(today: date) -> None:
    try:
        done = form_requests.accept(current_base(), today)
    except CptsError as error:
        write_error(error)
        return
    codes = [str(p.code) for p in done.accepted]
    if codes:
        journal(codes, "formulaire")
    forget_data()
    flash(f"Demande(s) du formulaire mise(s) en attente : {plain(', '.join(codes)) or 'aucune'}.")


def show_flagged(checked: Review) -> None:
    """The requests that fail a check: one line per field refused, to correct in NocoDB (table Patients)."""
    st.markdown("**Demandes à revoir** (corrigez la ligne dans NocoDB, table Patients, puis vérifiez à nouveau)")
    frame = pd.DataFrame(
        {
            "Ligne (Id NocoDB)": [p.id for p in checked.flagged],
            "Champ": [p.field for p in checked.flagged],
            "Raison": [p.reason for p in checked.flagged],
        }
    )
    tables.show(frame, hide_index=True, width="stretch")
