"""The board pages (Projet de santé, Indicateurs, Financement ACI) and the "dialogue de gestion" export,
run on the demo CPTS in the real NocoDB: they render, flag the late action, show aggregates only, and
the workbook (page button and command line) carries the page's figures."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import apptest
import openpyxl
import pandas as pd
import pytest
from apptest import charts, open_page, page_text, point_app_at, rerun, signed_in_state, visible_text
from pathway_fixture import three_endometriosis_patients
from streamlit.testing.v1 import AppTest

from demo.generate import generate
from domain.access import COORDINATOR
from domain.board import BOARD_TABLES, BoardFigures, board_figures
from domain.french import euros, percents_between
from domain.funding_parameters import FIXED, FUNDING_PARAMETERS
from reports.dialogue import SUMMARY_SHEET, dialogue_bytes, sheet_name
from schema.models import ACCESS_LOG, ACTIONS, INDICATORS, PARAMETERS, PATIENTS, TERRITORY, AciMission, Indicator
from server.users import UserAdded, add_user, admin_client
from services.seed import seed
from settings import ROOT
from store import records
from store.base import Base
from store.migrate import migrate

TODAY = date.today()
LATE_ACTION = "Dépistage du cancer colorectal"  # the demo's late action (mission 3. Prévention)


@pytest.fixture(scope="module")
def demo(base: Base) -> Base:
    seed(base, generate("small"))
    return base


@pytest.fixture
def app_env(app_env: Base, demo: Base) -> Base:
    """The app's environment, on the demo base."""
    return demo


def figures_now(base: Base, year: int = TODAY.year) -> BoardFigures:
    frames = {spec.key: records.load(base, spec).frame for spec in BOARD_TABLES}
    return board_figures(frames, year, TODAY)


@pytest.mark.parametrize("page", ["views/project.py", "views/indicators.py", "views/funding.py"])
def test_board_page_renders_on_the_demo(app_env: Base, page: str) -> None:
    app = open_page(page)
    assert app.title[0].value in ("Projet de santé", "Indicateurs", "Financement ACI")
    assert not [w.value for w in app.warning if "format attendu" in w.value]  # the demo has no refused value
    assert app.dataframe


def test_project_page_flags_the_late_action(app_env: Base) -> None:
    app = open_page("views/project.py")
    late = app.error[0].value
    assert "1 action(s) en retard" in late and LATE_ACTION in late
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Actions"] == "14" and metrics["En retard"] == "1" and metrics["Sans pilote"] == "1"
    [table] = [f.value for f in app.dataframe]  # one table for every mission, no timeline until asked
    alerts = dict(zip(table["title"], table["alert_text"], strict=True))
    assert alerts.pop(LATE_ACTION) == "⚠️ En retard"
    assert sorted(alerts.values()) == [""] * (len(alerts) - 1) + ["⚠️ Sans pilote"]
    assert list(dict.fromkeys(table["mission"])) == list(AciMission)  # in mission order
    assert (table["mission"] != table["mission"].shift()).sum() == len(AciMission)  # each mission's rows together
    assert not charts(app)
    app.toggle(key="project_timeline").set_value(True)
    assert charts(rerun(app))


def test_clicking_an_action_shows_its_milestones_and_indicators(app_env: Base) -> None:
    app = open_page("views/project.py")
    table = app.dataframe[0].value
    position = list(table["title"]).index(LATE_ACTION)
    assert table.iloc[position]["mission"] == AciMission.PREVENTION
    app.session_state["actions"] = {"selection": {"rows": [position], "columns": [], "cells": []}}
    rerun(app)
    text = visible_text(page_text(app))
    assert "#### 8. Dépistage du cancer colorectal" in text
    assert "Bilan des kits remis" in text and "Kits de dépistage remis par les professionnels" in text
    assert "⚠️ En retard" in text


def test_project_filters(app_env: Base) -> None:
    app = open_page("views/project.py")
    app.multiselect[0].set_value(["Terminée"])
    rerun(app)
    titles = {title for frame in app.dataframe for title in frame.value["title"]}
    assert titles and all(title for title in titles)
    expected = {row.title for row in figures_now(app_env).project.itertuples() if row.status == "Terminée"}
    assert titles == expected


def shown_indicators(app: AppTest) -> pd.DataFrame:
    return pd.concat([frame.value for frame in app.dataframe], ignore_index=True)


def test_indicator_page_equals_the_live_figures(app_env: Base) -> None:
    app = open_page("views/indicators.py")
    figures = figures_now(app_env)
    shown = shown_indicators(app)
    assert list(dict.fromkeys(shown["mission"])) == list(AciMission)  # one table, in mission order
    assert (shown["mission"] != shown["mission"].shift()).sum() == len(AciMission)  # each mission's rows together
    pairs = sorted(zip(shown["action_number"], shown["title"], shown["shown_value"], strict=True))
    board = figures.indicators
    expected = sorted(zip(board["action_number"], board["title"], board["shown_value"], strict=True))
    assert pairs == expected and len(pairs) == 29
    mt_found = shown[shown["title"].str.startswith("Patients fragiles")].iloc[0]
    assert mt_found["source"] == "Calculé" and mt_found["trend"] in ("↗", "↘", "→")
    assert "value" not in shown.columns  # only the masked text of patient counts is shown
    assert "patients_mt_trouve_annee" not in page_text(app)  # the keys' help is drawn only when asked
    assert "patients_mt_trouve_annee" in page_text(open_page("views/indicators.py", state={"indicators_help": True}))


def test_small_patient_counts_are_masked(app_env: Base) -> None:
    """Endometriosis pathway brought down to 3 active patients in NocoDB: the page shows "< 5", no achievement,
    and its mission's achievement only as the range the funding page gives the bureau."""
    with three_endometriosis_patients(app_env):
        app = open_page("views/indicators.py")
        funding = figures_now(app_env).funding
    rows = shown_indicators(app)
    masked = rows[rows["title"] == "Patientes inscrites dans le parcours"].iloc[0]
    assert masked["shown_value"] == "< 5"
    assert masked.isna()["achievement_percent"]
    [texts] = charts(app)  # « Atteinte par mission ACI »
    for mission in funding.missions:
        if mission.achievement is None:
            assert str(mission.mission) not in texts
            continue
        assert mission.low is not None and mission.high is not None
        assert str(mission.mission) in texts and percents_between(mission.low, mission.high) in texts
    assert [t for t in texts if t.startswith("entre ")] == [
        percents_between(m.low, m.high)
        for m in funding.missions
        if m.masked and m.low is not None and m.high is not None
    ]
    assert [m.mission for m in funding.missions if m.masked] == [AciMission.PATHWAYS]
    assert any("fourchette" in caption.value for caption in app.caption)


@pytest.mark.parametrize("page", ["views/project.py", "views/indicators.py", "views/funding.py"])
def test_board_pages_show_no_patient_identity(app_env: Base, page: str) -> None:
    shown = page_text(open_page(page))
    for patient in records.load(app_env, PATIENTS).records:
        for private in (f"{patient.first_name} {patient.last_name}", patient.phone, patient.code):
            assert not private or private not in shown, private
        assert patient.birth_date is None or f"{patient.birth_date:%d/%m/%Y}" not in shown


def test_funding_page_and_workbook_carry_the_same_figures(app_env: Base) -> None:
    app = open_page("views/funding.py")
    metrics = {m.label: m.value for m in app.metric}
    figures = figures_now(app_env)
    assert metrics["Population couverte"] == "67\u202f669" and metrics["Taille ACI"] == "Taille 2"
    assert metrics[f"Financement estimé {TODAY.year}"] == euros(figures.funding.total)
    workbook = openpyxl.load_workbook(BytesIO(dialogue_bytes(figures, app_env.title)))
    check_workbook(workbook, figures, page_total=metrics[f"Financement estimé {TODAY.year}"])
    estimate = next(f.value for f in app.dataframe if "total" in f.value.columns).set_index("mission")
    summary = summary_rows(workbook)
    for mission in AciMission:
        assert round(summary[mission][8]) == estimate.loc[mission, "total"], mission


def test_funding_draws_each_missions_contract_parts_when_asked(app_env: Base) -> None:
    """The contract's split of each mission is a table drawn once its toggle is on; the missions whose parts
    are still to check are said either way."""
    figures = figures_now(app_env)
    unchecked = [m.mission for m in figures.funding.missions if m.to_check]
    app = open_page("views/funding.py")
    assert not [f for f in app.dataframe if "fixed" in f.value.columns]
    assert bool(unchecked) == any(c.value.startswith("⚠️ Parts à vérifier") for c in app.caption)
    app = open_page("views/funding.py", state={"funding_amounts": True})
    [amounts] = [f.value.set_index("mission") for f in app.dataframe if "fixed" in f.value.columns]
    tier = figures.funding.tier
    for mission in figures.funding.missions:
        assert amounts.loc[mission.mission, "fixed"] == figures.funding_parameters.mission(FIXED, mission.mission, tier)
        assert (amounts.loc[mission.mission, "to_check"] == "⚠️ oui") == mission.to_check


def summary_rows(workbook: openpyxl.Workbook) -> dict[str, tuple]:
    return {row[0]: row for row in workbook[SUMMARY_SHEET].iter_rows(values_only=True) if row[0]}


def check_workbook(workbook: openpyxl.Workbook, figures: BoardFigures, page_total: str) -> None:
    assert workbook.sheetnames == [SUMMARY_SHEET, *(sheet_name(m) for m in AciMission)]
    summary = summary_rows(workbook)
    assert euros(summary["Financement estimé de l'année (€)"][8]) == page_total
    assert summary["Population couverte"][1] == figures.funding.population
    prevention = workbook[sheet_name(AciMission.PREVENTION)]
    cells = list(prevention.iter_rows(values_only=True))
    action = next(row for row in cells if row[1] == LATE_ACTION)
    assert action[7] == "En retard" and prevention.cell(cells.index(action) + 1, 6).number_format == "DD/MM/YYYY"
    access = list(workbook[sheet_name(AciMission.GP_ACCESS)].iter_rows(values_only=True))
    for row in figures.indicators[figures.indicators["mission"] == AciMission.GP_ACCESS].itertuples():
        written = next(cells for cells in access if cells[0] == row.title)
        assert written[5] == (row.shown_value if row.masked else row.value), row.title


ADD_COMMUNE = {"funding_add_commune": True}  # views.funding draws its form only once this toggle is on


def test_adding_a_commune_updates_population_and_tier(app_env: Base) -> None:
    app = open_page("views/funding.py", state=ADD_COMMUNE)
    app.text_input[0].set_value("Vitry-sur-Seine")
    rerun(app)
    assert "Vitry-sur-Seine (94081" in str(
        app.selectbox[1].value and app.selectbox[1].format_func(app.selectbox[1].value)
    )
    app.button[-1].click() if app.button[-1].label == "Ajouter au territoire" else None
    add = next(b for b in app.button if b.label == "Ajouter au territoire")
    add.click()
    rerun(app)
    territory_id = app_env.handle(TERRITORY).id
    try:
        metrics = {m.label: m.value for m in app.metric}
        assert metrics["Population couverte"] == "161\u202f632" and metrics["Taille ACI"] == "Taille 3"
        again = open_page("views/funding.py", state=ADD_COMMUNE)
        again.text_input[0].set_value("94081")
        rerun(again)
        next(b for b in again.button if b.label == "Ajouter au territoire").click()
        rerun(again)
        assert "fait déjà partie du territoire" in again.error[0].value
    finally:
        added = [r.id for r in records.load(app_env, TERRITORY).records if r.insee_code == "94081"]
        app_env.client.delete(territory_id, added)


def test_a_postcode_typed_for_a_commune_is_refused_with_its_insee_code(app_env: Base) -> None:
    app = open_page("views/funding.py", state=ADD_COMMUNE)
    app.text_input[0].set_value("92130")
    rerun(app)
    assert visible_text(app.error[0].value) == (
        "Champ « Code INSEE » : « 92130 » est un code postal, pas un code INSEE (Issy-les-Moulineaux : 92040)"
    )
    assert not [b for b in app.button if b.label == "Ajouter au territoire"]  # nothing to add


def test_cli_exports_the_dialogue_workbook(app_env: Base, nocodb: Any, tmp_path: Path) -> None:
    out = tmp_path / "dialogue.xlsx"
    journal_before = app_env.count(ACCESS_LOG)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "export", "dialogue", "--year", str(TODAY.year), "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    figures = figures_now(app_env)
    assert euros(figures.funding.total) in result.stdout
    check_workbook(openpyxl.load_workbook(out), figures, page_total=euros(figures.funding.total))
    assert app_env.count(ACCESS_LOG) == journal_before  # aggregates only: nothing to trace
    refused = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "export", "dialogue", "--out", str(tmp_path / "x.csv")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert refused.returncode == 1 and "doit être un fichier .xlsx" in refused.stderr


@pytest.fixture
def empty_env(nocodb: Any, coordinator: UserAdded, monkeypatch: pytest.MonkeyPatch) -> Iterator[Base]:
    """A fresh migrated base with no row at all, as a CPTS starts; the app signed in as a coordinator of it
    (who may add the missing funding settings)."""
    client = nocodb.client()
    created = client.create_base("Test CPTS vide")
    migrate(client, created["id"])
    with admin_client(nocodb.settings) as admin:
        add_user(admin, created["id"], coordinator.email, COORDINATOR)
    point_app_at(monkeypatch, nocodb, created["id"])
    monkeypatch.setattr(apptest, "SIGNED_IN", signed_in_state(coordinator.email))
    yield Base(client, created["id"], created["title"])
    client.delete_base(created["id"])
    client.close()


def test_board_pages_guide_an_empty_cpts(empty_env: Base) -> None:
    project = open_page("views/project.py")
    assert "Aucune action saisie" in project.info[0].value
    indicators = open_page("views/indicators.py")
    assert f"Aucun indicateur pour {TODAY.year}" in indicators.info[0].value
    funding = open_page("views/funding.py")
    assert "Aucune commune dans le territoire" in funding.info[0].value
    assert any("paramètre(s) de financement absent(s)" in w.value for w in funding.warning)
    next(b for b in funding.button if b.label.startswith("Ajouter les paramètres manquants")).click()
    rerun(funding)
    assert empty_env.count(PARAMETERS) == len(FUNDING_PARAMETERS)
    assert not any("absent(s)" in w.value for w in funding.warning)


def test_an_indicator_without_source_shows_as_manual(app_env: Base) -> None:
    """The board fills an empty Source with IndicatorSource.MANUAL, a StrEnum member in a DataFrame column:
    st.dataframe shows it as its French text."""
    title = "Indicateur sans source"
    action = next(r.id for r in records.load(app_env, ACTIONS).records if r.title == LATE_ACTION)
    [added] = records.insert(app_env, INDICATORS, [Indicator(title=title, action=action, source=None)])
    try:
        shown = shown_indicators(open_page("views/indicators.py"))
        assert list(shown.loc[shown["title"] == title, "source"]) == ["Manuel"]
    finally:
        app_env.client.delete(app_env.handle(INDICATORS).id, [added])
