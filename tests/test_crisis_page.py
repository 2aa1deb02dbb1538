"""The page Plan de crise run headless on a real NocoDB: each gap named; the referents' phones hidden from a
bureau user outside the cell, shown to one in it (their e-mail in Membres); « Activer le plan » for coordinators
only, giving both files and tracing the activation."""

from __future__ import annotations

from datetime import date

import pytest
from apptest import open_page, rerun, signed_in, visible_text
from streamlit.testing.v1 import AppTest

from domain.access import BOARD
from schema.crisis import SECTIONS, CellMember, ExerciseKind, PlanSection
from schema.models import ACCESS_LOG, CRISIS_CELL, CRISIS_EXERCISES, CRISIS_PLAN, MEMBERS, Member
from server.users import UserAdded, add_user, admin_client
from settings import ROOT
from store import records
from store.base import Base
from tests.conftest import Server

PAGE = "views/crisis.py"
PHONE = "06 98 76 54 32"
PHONE_COLUMN = "Téléphone 24h/24"
IN_CELL, OUTSIDE = "dans.la.cellule@cpts.fr", "hors.cellule@cpts.fr"


@pytest.fixture(scope="module")
def plan(base: Base) -> Base:
    """Four sections of six, a referent with a deputy whose e-mail is a bureau user's, a member outside the cell."""
    people = [
        Member(first_name="Nadia", last_name="Référente"),
        Member(first_name="Yves", last_name="Suppléant", email=IN_CELL.upper()),
        Member(first_name="Olga", last_name="Horscellule", email=OUTSIDE),
    ]
    ids = records.insert(base, MEMBERS, people)
    sections = [PlanSection(section=section, content="Rédigée", reviewed_on=date.today()) for section in SECTIONS[:4]]
    records.insert(base, CRISIS_PLAN, sections)
    records.insert(base, CRISIS_CELL, [CellMember(member=ids[0], deputy=ids[1], role="Référent", phone=PHONE)])
    return base


@pytest.fixture(scope="module")
def bureau_users(nocodb: Server, plan: Base) -> list[UserAdded]:
    with admin_client(nocodb.settings) as admin:
        return [add_user(admin, plan.id, email, BOARD) for email in (IN_CELL, OUTSIDE)]


def as_bureau(email: str) -> AppTest:
    app = rerun(signed_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=120), email, BOARD))
    return rerun(app.switch_page(PAGE))


def columns(app: AppTest) -> list[list[str]]:
    return [list(frame.value.columns) for frame in app.dataframe]


def test_gaps_are_named(app_env: Base, plan: Base) -> None:
    app = open_page(PAGE)
    warning = visible_text(app.warning[0].value)
    assert "Plan incomplet : 2 manque(s)" in warning
    assert "Section « Patients vulnérables » non rédigée" in warning
    assert "Section « Retour à la normale » non rédigée" in warning


def test_phones_hidden_outside_the_cell_shown_inside(app_env: Base, plan: Base, bureau_users: list[UserAdded]) -> None:
    outside = as_bureau(OUTSIDE)
    assert all(PHONE_COLUMN not in found for found in columns(outside))
    assert "Les téléphones des référents sont personnels" in " ".join(c.value for c in outside.caption)
    assert not [button for button in outside.button if button.label == "Activer le plan"]

    inside = as_bureau(IN_CELL)
    cell = next(frame.value for frame in inside.dataframe if PHONE_COLUMN in frame.value.columns)
    assert list(cell[PHONE_COLUMN]) == [PHONE]
    assert not [button for button in inside.button if button.label == "Activer le plan"]


def test_coordinator_activates_the_plan(app_env: Base, plan: Base) -> None:
    journal, exercises = plan.count(ACCESS_LOG), plan.count(CRISIS_EXERCISES)
    app = open_page(PAGE)
    assert any(PHONE_COLUMN in found for found in columns(app))
    app.selectbox(key="crisis_kind").set_value("Canicule (visites)")
    app = rerun(next(button for button in app.button if button.label == "Activer le plan").click())

    assert [button.proto.label for button in app.get("download_button")] == ["Fiche réflexe (PDF)", "Contacts (XLSX)"]
    assert "Plan activé (Canicule \\(visites\\))" in app.success[-1].value
    assert (plan.count(ACCESS_LOG), plan.count(CRISIS_EXERCISES)) == (journal + 1, exercises + 1)
    written = records.load(plan, CRISIS_EXERCISES).records[-1]
    assert written.kind == ExerciseKind.ACTIVATION
