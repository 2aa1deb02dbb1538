"""The page Vie de la CPTS run headless on a real NocoDB: a coordinator sees who was invited and came, plans a
meeting (its members invited), gets its attendance sheet and ticks presence; a bureau user sees the counts only,
counts of persons under 5 masked, no name and no form."""

from __future__ import annotations

from datetime import date

import pytest
from apptest import click, open_page, rerun, signed_in, visible_text
from streamlit.testing.v1 import AppTest

from domain.access import BOARD, COORDINATOR
from schema.meetings import MEETINGS, PARTICIPATIONS, Presence
from schema.models import MEMBERS, Member
from server.users import UserAdded, add_user, admin_client
from services.meetings import plan_meeting
from settings import ROOT
from store import records
from store.base import Base
from tests.conftest import Server

PAGE = "views/meetings.py"
TODAY = date.today()
PEOPLE = [("Nadia", "Aubert", "Médecin"), ("Yves", "Barbier", "Infirmier"), ("Olga", "Caron", "Pharmacien")]
BUREAU = "bureau.vie.page@cpts.fr"


@pytest.fixture(scope="module")
def held(base: Base) -> int:
    """A meeting of this year with three members invited, two of them present."""
    ids = records.insert(base, MEMBERS, [Member(first_name=f, last_name=n, profession=j) for f, n, j in PEOPLE])
    values = {"title": "Revue de cas", "kind": "Réunion pluriprofessionnelle", "on": TODAY, "start": "19:00",
              "end": "21:00", "mission": "5. Qualité et pertinence des soins"}  # fmt: skip
    meeting_id = plan_meeting(base, COORDINATOR, values, ids)
    rows = [p for p in records.load(base, PARTICIPATIONS).records if p.meeting == meeting_id]
    present = [p.model_copy(update={"presence": Presence.PRESENT}) for p in rows[:2]]
    records.patch(base, PARTICIPATIONS, present, ["presence"])
    return meeting_id


@pytest.fixture(scope="module")
def bureau(nocodb: Server, base: Base) -> UserAdded:
    with admin_client(nocodb.settings) as admin:
        return add_user(admin, base.id, BUREAU, BOARD)


def metric(app: AppTest, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


def test_the_bureau_sees_counts_only(app_env: Base, held: int, bureau: UserAdded) -> None:
    app = rerun(signed_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=120), BUREAU, BOARD))
    app = rerun(app.switch_page(PAGE))
    assert metric(app, "Rencontres") == "1"
    assert metric(app, "Membres présents (distincts)") == "< 5"
    [meetings] = [f.value for f in app.dataframe if "Présents" in f.value.columns]
    assert list(meetings["Invités"]) == ["< 5"] and list(meetings["Présents"]) == ["< 5"]
    shown = " ".join(str(f.value.to_dict()) for f in app.dataframe) + " ".join(m.value for m in app.markdown)
    assert all(last not in shown for _, last, _ in PEOPLE)
    assert not [b for b in app.button if b.label in ("Planifier la rencontre", "Préparer la feuille d'émargement")]


def test_the_coordinator_plans_prints_and_ticks(app_env: Base, held: int) -> None:
    app = open_page(PAGE)
    assert metric(app, "Membres présents (distincts)") == "2"
    participants = next(f.value for f in app.dataframe if "Nom" in f.value.columns)
    assert sorted(participants["Nom"]) == ["Nadia Aubert", "Olga Caron", "Yves Barbier"]

    assert not [b for b in app.button if b.label in ("Planifier la rencontre", "Enregistrer les présences")]
    app.toggle(key="meetings_plan").set_value(True)  # the forms are drawn only when asked
    app.toggle(key="meetings_entry").set_value(True)
    app = rerun(app)
    meetings = app_env.count(MEETINGS)
    app.text_input(key="meeting_title").set_value("Formation plaies")
    app.selectbox(key="meeting_kind").set_value("Formation")
    app.text_input(key="meeting_start").set_value("09:00")
    app.text_input(key="meeting_end").set_value("12:00")
    app.checkbox(key="meeting_everyone").check()
    app = click(app, "Planifier la rencontre")
    assert app_env.count(MEETINGS) == meetings + 1
    assert "Rencontre planifiée" in app.success[0].value
    assert metric(app, "Heures de formation") == "3"

    app.text_input(key="meeting_end").set_value("08:00")
    app.text_input(key="meeting_title").set_value("À l'envers")
    app = click(app, "Planifier la rencontre")
    assert "« Fin » 08:00 n'est pas après « Début » 09:00" in app.error[0].value.replace("\\", "")
    assert app_env.count(MEETINGS) == meetings + 1

    app = click(app, "Préparer la feuille d'émargement")
    assert [b.proto.label for b in app.get("download_button")] == ["Feuille d'émargement (PDF)"]
    chosen = app.selectbox(key="meeting_chosen").value
    rows = {p.id: p for p in records.load(app_env, PARTICIPATIONS).records if p.meeting == chosen}
    first = min(rows)
    app.multiselect(key=f"present_{chosen}").set_value([first])
    app = click(app, "Enregistrer les présences")
    assert "Présences enregistrées." in visible_text(app.success[0].value)
    assert [p.presence for p in records.load(app_env, PARTICIPATIONS).records if p.id == first] == ["Présent"]
