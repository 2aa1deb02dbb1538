"""The Financement ACI page on the demo CPTS in the real NocoDB, with the Endometriosis pathway brought down to
3 active patients (its indicator, mission 2, shows "< 5"): a bureau user sees the mission's achievement, variable
part and the total as ranges, and the exact figures nowhere on the page (metrics, tables, alerts, chart data); a
coordinator sees the exact figures; with nothing masked a bureau user sees the same figures as before.

The bureau, read-only in NocoDB, gets no control to add a commune or the missing funding settings, and the
use cases refuse it (`domain.permissions`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pandas as pd
import pytest
from apptest import charts, open_page, page_text, signed_in_state, visible_text
from pathway_fixture import three_endometriosis_patients
from streamlit.testing.v1 import AppTest

from demo.generate import generate
from domain.access import BOARD, COORDINATOR
from domain.board import BOARD_TABLES, BoardFigures, board_figures
from domain.french import euros, number, percent
from domain.funding import MASKED_ACHIEVEMENT, FundingEstimate, MissionFunding
from domain.funding_parameters import missing_defaults
from domain.permissions import NotAllowed
from schema.models import PARAMETERS, TERRITORY, AciMission
from server.users import UserAdded, add_user, admin_client
from services.funding_parameters import add_missing_funding_parameters
from services.seed import seed
from services.territory import add_commune
from store import records
from store.base import Base
from store.client import clause
from tests.conftest import Server
from tests.test_funding_ranges import large_territory
from views.funding_chart import funding_chart

TODAY = date.today()
PAGE = "views/funding.py"
TOTAL = f"Financement estimé {TODAY.year}"
ADD_COMMUNE = "Ajouter une commune au territoire"
ADD_SETTINGS = "Ajouter les paramètres manquants (valeurs par défaut, à vérifier)"
NEW_COMMUNE = "94081"  # Vitry-sur-Seine, not in the demo territory


@pytest.fixture(scope="module")
def demo(base: Base) -> Base:
    seed(base, large_territory(generate("small")))  # size 4: the estimate is not capped
    return base


@pytest.fixture
def app_env(app_env: Base, demo: Base) -> Base:
    return demo


@pytest.fixture(scope="module")
def bureau(nocodb: Server, base: Base) -> UserAdded:
    with admin_client(nocodb.settings) as admin:
        return add_user(admin, base.id, "bureau.financement@cpts.fr", BOARD)


@pytest.fixture
def masked(app_env: Base) -> Iterator[Base]:
    """3 active patients left in the Endometriosis pathway, put back afterwards."""
    with three_endometriosis_patients(app_env):
        yield app_env


def figures_now(base: Base) -> BoardFigures:
    frames = {spec.key: records.load(base, spec).frame for spec in BOARD_TABLES}
    return board_figures(frames, TODAY.year, TODAY)


def mission_of(figures: BoardFigures) -> MissionFunding:
    return next(m for m in figures.funding.missions if m.mission == AciMission.PATHWAYS)


WITH_CHART = {"funding_chart": True}  # views.funding draws its chart only once this toggle is on


def estimate_table(app: AppTest) -> pd.DataFrame:
    """The estimate's table, one row per mission (the page's only table with a « total » column)."""
    return next(frame.value for frame in app.dataframe if "total" in frame.value.columns).set_index("mission")


def chart_amounts(funding: FundingEstimate) -> list[float]:
    """The amounts the funding chart draws for the estimate as a role sees it (the page draws it for them)."""
    return [float(amount) for amount in funding_chart(funding).data["amount"]]


def exact_forms(figures: BoardFigures) -> set[str]:
    """The exact achievement, variable part and total of mission 2 and the exact estimate, as a page writes them."""
    mission, funding = mission_of(figures), figures.funding
    amounts = (mission.variable_due, mission.total, funding.missions_total, funding.total)
    forms = {form for amount in amounts for form in (euros(amount), number(amount), str(round(amount)))}
    return forms | {percent(mission.achievement)}


def test_bureau_sees_ranges_never_the_masked_figures(masked: Base, bureau: UserAdded) -> None:
    app = open_page(PAGE, state=signed_in_state(bureau.email, BOARD) | WITH_CHART)
    figures = figures_now(masked)
    mission = mission_of(figures)
    assert mission.masked and [m.mission for m in figures.funding.missions if m.masked] == [AciMission.PATHWAYS]
    shown = page_text(app)
    assert not [form for form in exact_forms(figures) if form in shown]
    low, high = mission.variable_span
    assert charts(app)
    amounts = chart_amounts(figures.funding)
    assert all(abs(amount - mission.variable_due) > 1e-6 for amount in amounts)
    assert low in amounts and high - low in amounts  # the variable bar at its lowest, then the rest of the range
    metrics = {m.label: m.value for m in app.metric}
    assert metrics[TOTAL] == figures.funding.total_text and metrics[TOTAL].startswith("entre ")
    assert metrics["Dont missions"] == figures.funding.missions_text
    table = estimate_table(app)
    assert table.loc[AciMission.PATHWAYS, "achievement"] == MASKED_ACHIEVEMENT
    assert table.loc[AciMission.PATHWAYS, "variable_due"] == mission.variable_text
    assert table.loc[AciMission.PATHWAYS, "total"] == mission.total_text
    infos = [visible_text(info.value) for info in app.info]
    assert any(AciMission.PATHWAYS in info and info.startswith("Fourchette") for info in infos)


def test_coordinator_sees_the_exact_figures(masked: Base) -> None:
    app = open_page(PAGE, state=WITH_CHART)  # the module's coordinator
    figures = figures_now(masked)
    mission = mission_of(figures)
    metrics = {m.label: m.value for m in app.metric}
    assert metrics[TOTAL] == euros(figures.funding.total)
    table = estimate_table(app)
    assert table.loc[AciMission.PATHWAYS, "variable_due"] == round(mission.variable_due)
    assert table.loc[AciMission.PATHWAYS, "achievement"] == round(mission.achievement * 100)
    assert any("Vue coordinateur : chiffres exacts" in caption.value for caption in app.caption)
    assert charts(app) and mission.variable_due in chart_amounts(figures.funding.exact())


def test_bureau_without_a_masked_value_sees_the_figures_as_before(app_env: Base, bureau: UserAdded) -> None:
    app = open_page(PAGE, state=signed_in_state(bureau.email, BOARD))
    figures = figures_now(app_env)
    assert not figures.funding.masked
    metrics = {m.label: m.value for m in app.metric}
    assert metrics[TOTAL] == euros(figures.funding.total) and metrics["Dont missions"] == euros(
        figures.funding.missions_total
    )
    table = estimate_table(app)
    for mission in figures.funding.missions:
        assert table.loc[mission.mission, "variable_due"] == round(mission.variable_due)
        assert table.loc[mission.mission, "total"] == round(mission.total)
    assert not any("Fourchette" in info.value for info in app.info)


@pytest.fixture
def setting_missing(app_env: Base) -> Iterator[Base]:
    """One funding setting deleted from Paramètres (the page then offers to add it), put back afterwards."""
    key = missing_defaults([])[0].key
    [row] = records.load(app_env, PARAMETERS, where=clause(PARAMETERS.field("key").title, "eq", key)).records
    app_env.client.delete(app_env.handle(PARAMETERS).id, [int(row.id or 0)])
    try:
        yield app_env
    finally:
        add_missing_funding_parameters(app_env, COORDINATOR)


def controls(app: AppTest) -> set[str]:
    """The labels of the page's add-a-commune toggle and add-the-settings button, those shown."""
    labels = {t.label for t in app.toggle} | {b.label for b in app.button}
    return labels & {ADD_COMMUNE, ADD_SETTINGS}


def test_bureau_gets_no_control_to_add_a_commune_or_settings(setting_missing: Base, bureau: UserAdded) -> None:
    assert controls(open_page(PAGE)) == {ADD_COMMUNE, ADD_SETTINGS}  # the module's coordinator
    app = open_page(PAGE, state=signed_in_state(bureau.email, BOARD))
    assert any("paramètre(s) de financement absent(s)" in w.value for w in app.warning)  # the settings are missing
    assert controls(app) == set()
    assert any("Un coordinateur peut les ajouter" in c.value for c in app.caption)


def test_the_use_cases_refuse_the_bureau(setting_missing: Base) -> None:
    communes, settings = setting_missing.count(TERRITORY), setting_missing.count(PARAMETERS)
    with pytest.raises(NotAllowed, match="rôle « bureau » ne vous autorise pas à ajouter une commune"):
        add_commune(setting_missing, NEW_COMMUNE, TODAY, BOARD)
    with pytest.raises(NotAllowed, match="rôle « bureau » ne vous autorise pas à ajouter des paramètres"):
        add_missing_funding_parameters(setting_missing, BOARD)
    with pytest.raises(NotAllowed):
        add_missing_funding_parameters(setting_missing, None)  # nobody signed in
    assert (setting_missing.count(TERRITORY), setting_missing.count(PARAMETERS)) == (communes, settings)
