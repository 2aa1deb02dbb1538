"""The CPTS back office: Streamlit entry point (run with ./cpts up, or streamlit run app.py)."""

import streamlit as st

from domain import communes
from settings import communes_dir
from views.access import navigation

st.set_page_config(page_title="CPTS", layout="wide")
communes.use_data_dir(communes_dir())

# Aggregates only: every signed-in user (bureau included) may see these.
BOARD_PAGES = [
    st.Page("views/home.py", title="Accueil", icon=":material/home:", default=True),
    st.Page("views/project.py", title="Projet de santé", icon=":material/flag:", url_path="projet-de-sante"),
    st.Page("views/indicators.py", title="Indicateurs", icon=":material/monitoring:", url_path="indicateurs"),
    st.Page("views/funding.py", title="Financement ACI", icon=":material/euro:", url_path="financement-aci"),
    st.Page("views/pathways.py", title="Parcours", icon=":material/route:"),
    st.Page("views/referral.py", title="Orienter", icon=":material/near_me:"),
]
# The AG presentation.
BOARD_PAGES += [
    st.Page("views/ag.py", title="Présentation AG", icon=":material/co_present:", url_path="presentation-ag"),
]
# Patient-level data: coordinators only.
COORDINATOR_PAGES: list = []
# The médecin-traitant desk.
COORDINATOR_PAGES += [
    st.Page(
        "views/waiting_list.py",
        title="Patients en attente",
        icon=":material/person_search:",
        url_path="patients-en-attente",
    ),
    st.Page(
        "views/doctors.py", title="Médecins disponibles", icon=":material/stethoscope:", url_path="medecins-disponibles"
    ),
    st.Page("views/orientation.py", title="Orientation", icon=":material/alt_route:"),
]
# Care pathways.
COORDINATOR_PAGES += [
    st.Page("views/follow_ups.py", title="À relancer", icon=":material/notifications_active:"),
]

# Traceability (coordinators only, read-only).
COORDINATOR_PAGES.append(
    st.Page("views/journal.py", title="Journal d'accès", icon=":material/history:", url_path="journal-d-acces")
)

# Sign-in first; then the navigation of the user's role (a page left out cannot be reached, not even by URL).
navigation(BOARD_PAGES, COORDINATOR_PAGES).run()
