"""The CPTS back office: Streamlit entry point (run with ./cpts up, or streamlit run app.py)."""

import streamlit as st

from views.access import navigation

st.set_page_config(page_title="CPTS", layout="wide")

# Aggregates only: every signed-in user (bureau included) may see these.
BOARD_PAGES = [
    st.Page("views/home.py", title="Accueil", icon=":material/home:", default=True),
]
# Patient-level data: coordinators only.
COORDINATOR_PAGES: list = []

# Traceability (coordinators only, read-only).
COORDINATOR_PAGES.append(
    st.Page("views/journal.py", title="Journal d'accès", icon=":material/history:", url_path="journal-d-acces")
)

# Sign-in first; then the navigation of the user's role (a page left out cannot be reached, not even by URL).
navigation(BOARD_PAGES, COORDINATOR_PAGES).run()
