"""The home page run against the real NocoDB: live key figures (exact for a coordinator, small counts masked
for the bureau), refused values, unreachable server."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from apptest import charts, open_page, signed_in_state, visible_text
from streamlit.testing.v1 import AppTest

from domain.access import BOARD
from schema.models import ACTIONS, MEMBERS, PATIENTS, Action, ActionStatus, Fragility, Member, Patient, PatientStatus
from server.process import free_port
from server.users import UserAdded, add_user, admin_client
from store import records
from store.base import Base
from tests.conftest import Server


def seed_figures(base: Base) -> None:
    """3 pharmacists, 2 GPs and 1 inactive nurse; 4 patients waiting (2 fragile), 1 proposed; 6 actions."""
    today = date.today()
    members = [Member(last_name=f"Pharma {i}", profession="Pharmacien") for i in range(3)]
    members += [Member(last_name=f"Médecin {i}", profession="Médecin") for i in range(2)]
    members += [Member(last_name="Ancienne", profession="Infirmier", active=False)]
    records.insert(base, MEMBERS, members)
    waiting = [
        Patient(status=PatientStatus.WAITING, request_date=today - timedelta(days=days), fragilities=fragilities)
        for days, fragilities in ((10, [Fragility.ALD]), (20, list(tuple(Fragility)[1:3])), (30, []), (40, []))
    ]
    others = [Patient(status=PatientStatus.PROPOSED, fragilities=[Fragility.ALD]), Patient(status=PatientStatus.FOUND)]
    records.insert(base, PATIENTS, waiting + others)
    statuses = [
        ActionStatus.NOT_STARTED,
        ActionStatus.IN_PROGRESS,
        ActionStatus.IN_PROGRESS,
        ActionStatus.DONE,
        ActionStatus.DONE,
        ActionStatus.DONE,
    ]
    records.insert(base, ACTIONS, [Action(title=f"Action {i}", status=s) for i, s in enumerate(statuses)])


EXPECTED_METRICS = {
    "Membres actifs": "5",
    "En attente": "4",
    "Dont fragiles": "2",
    "Proposés": "1",
    "Attente médiane": "25\u202fj",
    ActionStatus.NOT_STARTED: "1",
    ActionStatus.IN_PROGRESS: "2",
    ActionStatus.DONE: "3",
    ActionStatus.SUSPENDED: "0",
}


@pytest.fixture(scope="module")
def seeded(base: Base) -> Base:
    seed_figures(base)
    return base


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def test_home_shows_live_figures(seeded: Base, app_env: Base) -> None:
    app = open_page()
    assert visible_text(app.title[0].value) == seeded.title
    assert metrics(app) == EXPECTED_METRICS
    assert not app.warning
    assert not app.error


# The same base seen by the bureau: every count of patients and of members below 5 is masked.
BUREAU_METRICS = {
    **EXPECTED_METRICS,
    "En attente": "< 5",
    "Dont fragiles": "< 5",
    "Proposés": "< 5",
    "Attente médiane": "—",
}


@pytest.fixture(scope="module")
def bureau(nocodb: Server, base: Base) -> UserAdded:
    with admin_client(nocodb.settings) as admin:
        return add_user(admin, base.id, "bureau.accueil@cpts.fr", BOARD)


def members_chart(app: AppTest) -> list[str]:
    """The texts of the members chart (its axis titled « Membres actifs »), as a reader of it sees them."""
    [texts] = [texts for texts in charts(app) if "Membres actifs" in texts]
    return texts


def test_bureau_sees_small_counts_masked(seeded: Base, app_env: Base, bureau: UserAdded) -> None:
    app = open_page(state=signed_in_state(bureau.email, BOARD))
    assert metrics(app) == BUREAU_METRICS
    texts = members_chart(app)
    assert {"Médecin", "Pharmacien"} <= set(texts) and texts.count("< 5") == 2
    assert not {"2", "3"} & set(texts)  # the exact counts are written nowhere in the chart
    assert any("inférieurs à 5 masqués" in caption.value for caption in app.caption)


def test_coordinator_sees_the_exact_counts(seeded: Base, app_env: Base) -> None:
    app = open_page()
    assert {"Médecin", "Pharmacien", "2", "3"} <= set(members_chart(app))
    assert "< 5" not in members_chart(app)
    assert any("Vue coordinateur : chiffres exacts" in caption.value for caption in app.caption)


def test_refused_value_is_listed_in_a_warning(seeded: Base, app_env: Base, coordinator: UserAdded) -> None:
    table_id = seeded.handle(MEMBERS).id
    [row_id] = seeded.client.insert(table_id, [{"Nom": "Erreur", "RPPS": "12345", "Actif": False}])
    try:
        app = open_page()
        warning = app.warning[0].value
        assert "Membres" in warning
        assert f"| Membres | {row_id} | RPPS |" in warning
        assert "« 12345 » n'a pas le format attendu" in warning.replace("\\", "")  # shown as typed: escaped
        assert metrics(app)["Membres actifs"] == "5"  # the page still shows its figures
    finally:
        seeded.client.delete(table_id, [row_id])


def test_a_name_typed_in_a_patient_column_never_reaches_the_bureau(
    seeded: Base, app_env: Base, bureau: UserAdded
) -> None:
    """A coordinator typed a patient's name into « Code »: the bureau is told where (table, Id, field), never
    the value; the coordinator sees it to correct it."""
    table_id = seeded.handle(PATIENTS).id
    name = "Jeanne DUPONTEL 06 12 34 56 78"
    [row_id] = seeded.client.insert(table_id, [{"Code": name, "Statut": PatientStatus.FOUND.value}])
    try:
        bureau_page = open_page(state=signed_in_state(bureau.email, BOARD))
        [warning] = bureau_page.warning
        assert f"| Patients | {row_id} | Code |" in warning.value
        shown = [
            e.value
            for kind in ("markdown", "caption", "warning", "error", "info", "title")
            for e in bureau_page.get(kind)
        ]
        assert shown and not any("DUPONTEL" in str(text) for text in shown)
        assert "réservé aux coordinateurs" in warning.value
        coordinator_page = open_page()
        assert "DUPONTEL" in coordinator_page.warning[0].value
    finally:
        seeded.client.delete(table_id, [row_id])


def test_unreachable_nocodb_shows_a_french_error(
    app_env: Base, monkeypatch: pytest.MonkeyPatch, coordinator: UserAdded
) -> None:
    monkeypatch.setenv("CPTS_NOCODB_PORT", str(free_port()))
    app = open_page()
    error = app.error[0].value
    assert "NocoDB ne répond pas" in error
    assert "./cpts up" in error
    assert not app.metric


def test_base_not_set_up_shows_a_french_error(
    app_env: Base, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, coordinator: UserAdded
) -> None:
    monkeypatch.setenv("CPTS_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("CPTS_BASE_ID")
    app = open_page()
    error = app.error[0].value
    assert "pas encore installée" in error
    assert "./cpts up" in error


def test_missing_base_shows_a_french_error(
    app_env: Base, monkeypatch: pytest.MonkeyPatch, coordinator: UserAdded
) -> None:
    monkeypatch.setenv("CPTS_BASE_ID", "p_does_not_exist")
    app = open_page()
    assert "introuvable" in app.error[0].value
