"""The CPTS back office: Streamlit entry point (run with ./cpts up, or streamlit run app.py)."""

import streamlit as st

st.set_page_config(page_title="CPTS", layout="wide")
# The navigation will be built from the signed-in user's role (coming with sign-in and roles).
st.navigation([st.Page("pages/home.py", title="Accueil", icon=":material/home:", default=True)]).run()
