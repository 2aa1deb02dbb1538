"""Vue régionale (role région only): the CPTS of the signed-in user's region side by side and the region's total,
aggregates only, masked as for the bureau (`domain.region`); bars per CPTS for each figure."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from domain.ag.slides import MASKING_NOTE
from domain.region import ENROLLED, FOUND, FUNDING, MEMBERS, POPULATION, WAITING, Column, RegionTable
from errors import CptsError
from services.region import region_of
from settings import Settings
from views import charts, tables
from views.access import current_user, require_page
from views.board_data import AGGREGATES_NOTE
from views.common import base_of, plain, show_error

CHARTS = (POPULATION, MEMBERS, WAITING, FOUND, ENROLLED, FUNDING)
YEARS = 3  # this year and the two before


@st.cache_data(ttl=300, show_spinner="Lecture des CPTS de la région…")
def load(email: str, year: int) -> RegionTable:
    """The regional table, each CPTS read through the app's copy of its tables (`views.common.base_of`)."""
    return region_of(Settings.from_env(), email, year, date.today(), open_base=lambda cpts: base_of(cpts.id))


def bars(column: Column, names: tuple[str, ...]) -> None:
    """One bar per CPTS whose value may be shown; the masked ones named under the chart."""
    shown = [(name, value) for name, value in zip(names, column.values, strict=True) if value is not None]
    st.markdown(f"**{plain(column.title)}**")
    if shown:
        frame = pd.DataFrame(shown, columns=["CPTS", "Valeur"])
        chart = (
            alt.Chart(frame)
            .mark_bar()
            .encode(
                x=alt.X("Valeur:Q", title=None, axis=value_axis(column.title, frame)),
                y=alt.Y("CPTS:N", sort="-x", title=None),
            )
        )
        charts.show(chart, alt_text=f"{column.title} par CPTS", width=charts.HALF)  # in a column
    hidden = [
        f"{name} ({cell})"
        for name, cell, value in zip(names, column.cells, column.values, strict=False)
        if value is None
    ]
    if hidden:
        st.caption(plain("Masqué : " + ", ".join(hidden) + "."))


def value_axis(title: str, frame: pd.DataFrame) -> alt.Axis:
    """Euros for the funding, whole numbers for the counts (population, members, patients)."""
    return alt.Axis(format=charts.EUROS) if title == FUNDING else charts.count_axis(frame["Valeur"])


def main() -> None:
    require_page()
    st.title("Vue régionale", anchor=False)
    st.caption(f"Les CPTS de votre région côte à côte, lues en direct dans NocoDB · {date.today():%d/%m/%Y}")
    this_year = date.today().year
    year = int(st.selectbox("Année", [this_year - n for n in range(YEARS)], key="region_year"))
    if st.button("Rafraîchir", icon=":material/refresh:", help="Relire les bases des CPTS dans NocoDB"):
        load.clear()
    try:
        table = load(current_user(), year)
    except CptsError as error:
        show_error(error)
    if not table.names:
        st.info("Votre compte n'a de rôle sur aucune CPTS de ce serveur.", icon=":material/info:")
        return
    st.subheader(f"{len(table.names)} CPTS en {year}", anchor=False)
    tables.show(pd.DataFrame(list(table.rows), columns=list(table.headers)), hide_index=True)
    if table.masked:
        st.caption(MASKING_NOTE)
    left, right = st.columns(2)
    for index, title in enumerate(CHARTS):
        with left if index % 2 == 0 else right:
            bars(table.column(title), table.names)
    st.subheader("Membres actifs par profession, région", anchor=False)
    if table.professions:
        tables.show(pd.DataFrame(list(table.professions), columns=["Profession", "Membres actifs"]), hide_index=True)
    elif table.professions_left_out:
        st.caption("Répartition masquée : elle permettrait de retrouver un effectif masqué.")
    st.caption(f"{AGGREGATES_NOTE} Aucune CPTS n'est vue au niveau des patients.")


main()
