"""The paging component (views.paging) run headless on a list of 120 patients, no server: one page reaches
the screen, the search and the sort cover the whole set, changing them goes back to the first page, and
« Exporter (XLSX) » is offered to a coordinator only, handing the page the codes of the whole filtered set."""

from __future__ import annotations

from typing import Any

import pytest
from apptest import rerun, signed_in_state, tick
from streamlit.testing.v1 import AppTest

from domain.access import BOARD, COORDINATOR


def listing_page() -> None:
    """A page listing 120 patients; what it would journal goes to session_state["journaled"]."""
    import pandas as pd
    import streamlit as st

    from views import paging

    names = ["Éloïse Lefèvre" if n == 7 else f"Nom{n:03d}" for n in range(1, 121)]
    frame = pd.DataFrame({"Code": [f"P-{n:06d}" for n in range(1, 121)], "Nom": names, "Rang": range(120, 0, -1)})
    listing = paging.Listing("t", "Patients", searched=("Code", "Nom"), sortable=("Rang", "Nom"), code="Code")
    listed = paging.paged(frame, listing)
    st.session_state["journaled"] = listed.codes()
    paging.table(listed, ["Code", "Nom"])
    paging.export(listed, ["Code", "Nom"], lambda codes: st.session_state.update(exported=codes))


def run(role: str = COORDINATOR) -> AppTest:
    app = AppTest.from_function(listing_page, default_timeout=30)
    for key, value in signed_in_state("someone@cpts.fr", role).items():
        app.session_state[key] = value
    return rerun(app)


def shown(app: AppTest) -> list[str]:
    return list(app.dataframe[0].value["Code"])


def codes(*numbers: int) -> list[str]:
    return [f"P-{n:06d}" for n in numbers]


def test_one_page_reaches_the_screen() -> None:
    app = run()
    assert shown(app) == codes(*range(1, 51)) == app.session_state["journaled"]
    assert app.caption[-1].value == "lignes 1–50 sur 120"
    rerun(app.number_input(key="t_page").set_value(3))
    assert shown(app) == codes(*range(101, 121)) == app.session_state["journaled"]
    assert app.caption[-1].value == "lignes 101–120 sur 120"
    rerun(app.selectbox(key="t_size").select(25))  # another size: the first page again
    assert shown(app) == codes(*range(1, 26)) and app.number_input(key="t_page").value == 1


def test_search_and_sort_cover_the_whole_set_and_go_back_to_the_first_page() -> None:
    app = rerun(run().number_input(key="t_page").set_value(2))
    rerun(app.text_input(key="t_search").input("ELOISE lefevre"))
    assert shown(app) == codes(7) == app.session_state["journaled"]
    assert app.number_input(key="t_page").value == 1 and app.caption[-1].value == "lignes 1–1 sur 1"
    rerun(app.text_input(key="t_search").input("p-00011"))  # P-000110 … P-000119, on the third page before
    assert shown(app) == codes(*range(110, 120))
    app.text_input(key="t_search").input("")
    rerun(app.selectbox(key="t_sort").select("Rang"))
    assert shown(app)[:2] == codes(120, 119)  # the whole set sorted, not the page shown
    rerun(app.toggle(key="t_descending").set_value(True))
    assert shown(app)[:2] == codes(1, 2)
    rerun(app.text_input(key="t_search").input("introuvable"))
    assert not app.dataframe and "Aucune ligne" in app.info[0].value


def export_button(app: AppTest) -> Any:
    return next((b for b in app.button if b.label == "Exporter (XLSX)"), None)


def test_export_hands_the_whole_filtered_set_to_the_page_then_offers_the_file() -> None:
    app = rerun(run().text_input(key="t_search").input("nom01"))  # Nom010 … Nom019: 10 rows
    assert "exported" not in app.session_state and not app.get("download_button")
    rerun(export_button(app).click())
    assert app.session_state["exported"] == codes(*range(10, 20))
    assert app.session_state["journaled"] == codes(*range(10, 20))  # a page of 10: all shown
    [download] = app.get("download_button")
    assert "10 ligne(s)" in download.proto.label
    app = rerun(run().selectbox(key="t_size").select(25))
    rerun(export_button(app).click())
    assert app.session_state["exported"] == codes(*range(1, 121))  # every page, not the one shown
    assert app.session_state["journaled"] == codes(*range(1, 26))


@pytest.mark.parametrize("role", [BOARD, None])
def test_no_export_for_the_bureau(role: str | None) -> None:
    app = AppTest.from_function(listing_page, default_timeout=30)
    if role:
        for key, value in signed_in_state("bureau@cpts.fr", role).items():
            app.session_state[key] = value
    rerun(app)
    assert len(shown(app)) == 50 and export_button(app) is None
    assert export_button(run()) is not None  # proof the check can fail: a coordinator has the button


def ticking_page() -> None:
    """The same list with boxes to tick; the codes of the rows ticked go to session_state["ticked"]."""
    import pandas as pd
    import streamlit as st

    from views import paging

    frame = pd.DataFrame({"Code": [f"P-{n:06d}" for n in range(1, 121)], "Nom": [f"Nom{n:03d}" for n in range(1, 121)]})
    listed = paging.paged(frame, paging.Listing("t", "Patients", searched=("Code", "Nom"), code="Code"))
    st.session_state["ticked"] = list(paging.ticked(listed, ["Code", "Nom"])["Code"])


def test_ticked_rows_are_those_of_the_page_shown_and_a_move_clears_them() -> None:
    app = rerun(AppTest.from_function(ticking_page, default_timeout=30))
    assert app.session_state["ticked"] == []
    tick(app, 2, 0)
    assert app.session_state["ticked"] == codes(1, 3)  # in the page's order
    rerun(app.number_input(key="t_page").set_value(2))  # other rows: none ticked, not rows 1 and 3 of page 2
    assert shown(app) == codes(*range(51, 101)) and app.session_state["ticked"] == []
    tick(app, 1)
    assert app.session_state["ticked"] == codes(52)
    rerun(app.text_input(key="t_search").input("nom05"))  # the search changes the rows: none ticked
    assert app.session_state["ticked"] == []
