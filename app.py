"""The CPTS back office: Streamlit entry point (run with ./cpts up, or streamlit run app.py)."""

import streamlit as st

st.set_page_config(page_title="CPTS", layout="wide")

# Aggregates only: every signed-in user (bureau included) may see these.
BOARD_PAGES = [
    st.Page("pages/home.py", title="Accueil", icon=":material/home:", default=True),
    st.Page("pages/project.py", title="Projet de santé", icon=":material/flag:", url_path="projet-de-sante"),
    st.Page("pages/indicators.py", title="Indicateurs", icon=":material/monitoring:", url_path="indicateurs"),
    st.Page("pages/funding.py", title="Financement ACI", icon=":material/euro:", url_path="financement-aci"),
]
# Patient-level data: coordinators only.
COORDINATOR_PAGES: list = []

# The navigation will be built from the signed-in user's role (coming with sign-in and roles).
sections = {"Tableau de bord": BOARD_PAGES, "Coordination": COORDINATOR_PAGES}
st.navigation({name: pages for name, pages in sections.items() if pages}).run()
