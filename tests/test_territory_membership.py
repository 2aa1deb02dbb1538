"""The page Territoire et adhésion on the real test NocoDB, after `import rpps` of the sample and of a later
extract (one departure, one arrival): figures by profession equal the table's rows; coordinators see the
names, the bureau only the figures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from apptest import APP, open_page, rerun, signed_in, visible_text
from streamlit.testing.v1 import AppTest
from test_rpps import NAME, SAMPLE, independent_count

from domain.access import BOARD
from domain.communes import commune, territory_row
from schema.models import MEMBERS, TERRITORY, Member
from server.users import add_user, admin_client
from services import writes
from services.rpps import import_rpps
from store.base import Base

PAGE = "views/territory_membership.py"
LATER = "PS_LibreAcces_Personne_activite_202611150800.txt"
NEWCOMER = "10000000099"


@pytest.fixture(scope="module")
def imported(base: Base, tmp_path_factory: pytest.TempPathFactory) -> Base:
    """The sample imported with one member, then a later extract: DURAND gone, NOUVEAU arrived."""
    writes.insert(base, TERRITORY, [territory_row(commune("92040")), territory_row(commune("92075"))])
    writes.insert(base, MEMBERS, [Member(rpps="10000000001", last_name="MARTIN", profession="Médecin")])
    import_rpps(base, SAMPLE / NAME, date.today())
    lines = (SAMPLE / NAME).read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if "|10000000006|" not in line]
    newcomer = next(line for line in lines if "|10000000005|" in line)
    newcomer = newcomer.replace("10000000005", NEWCOMER).replace("|RICHARD|", "|NOUVEAU|")
    later = tmp_path_factory.mktemp("rpps") / LATER
    later.write_text("".join([*kept, newcomer]), encoding="utf-8")
    import_rpps(base, Path(later), date.today())
    return base


def figures(app: AppTest) -> dict[str, tuple[int, int, int, int]]:
    frame = app.dataframe[0].value
    return {
        row.profession: (row.professionals, row.members, row.arrivals, row.departures) for row in frame.itertuples()
    }


def test_coordinators_see_figures_and_names(app_env: Base, imported: Base) -> None:
    app = open_page(PAGE)
    counts = independent_count()  # DURAND left, NOUVEAU arrived: as many nurses present as in the sample
    shown = figures(app)
    assert {p: n for p, (n, _, _, _) in shown.items() if p != "Total"} == dict(counts)
    assert shown["Médecin"][1] == 1 and shown["Infirmier"][2:] == (1, 1)
    assert shown["Total"] == (sum(counts.values()), 1, 1, 1)
    tabs = [visible_text(tab.label) for tab in app.tabs]
    assert tabs == ["Non adhérents (à recruter) (19)", "Arrivées (1)", "Départs (1)"]
    arrivals, departures = app.dataframe[2].value, app.dataframe[3].value
    assert list(arrivals["name"]) == [f"NOUVEAU Jeanne (RPPS {NEWCOMER})"]
    assert list(departures["name"]) == ["DURAND Marc (RPPS 10000000006)"]
    assert "MARTIN Hélène (RPPS 10000000001)" not in set(app.dataframe[1].value["name"])  # a member


def test_the_bureau_sees_the_figures_without_names(app_env: Base, imported: Base, nocodb) -> None:
    with admin_client(nocodb.settings) as admin:
        bureau = add_user(admin, imported.id, "bureau.territoire@cpts.fr", BOARD)
    app = signed_in(AppTest.from_file(str(APP), default_timeout=90), bureau.email, BOARD)
    rerun(app)
    app.switch_page(PAGE)
    rerun(app)
    assert figures(app)["Total"][0] == sum(independent_count().values())
    assert len(app.dataframe) == 1 and not app.tabs
    assert "les noms sont réservés aux coordinateurs" in " ".join(c.value for c in app.caption)


def test_the_latest_import_alone_gives_the_installations_since_the_previous_one() -> None:
    import pandas as pd

    from domain.membership import at_latest_import

    day = pd.Timestamp
    frame = pd.DataFrame(
        {  # imports on 1/1 (everyone), 1/3 (B arrives), 1/6 (C arrives, A leaves)
            "arrival": [day("2026-01-01"), day("2026-03-01"), day("2026-06-01"), day("2026-01-01")],
            "seen_on": [day("2026-03-01"), day("2026-06-01"), day("2026-06-01"), day("2026-06-01")],
            "departure": [day("2026-06-01"), pd.NaT, pd.NaT, pd.NaT],
        }
    )
    assert at_latest_import(frame) == (1, 1)
    assert at_latest_import(frame.iloc[3:]) == (0, 0)  # one import only: nobody « arrives »
