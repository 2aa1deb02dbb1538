"""The pages Stages et installations and Cotisations run headless on a real NocoDB, for both roles: a coordinator
sees the names, adds a trainee (a period ending before it starts refused, nothing written), calls the year's dues,
records a payment and gets the reminder list; the bureau sees counts only, trainee counts below 5 masked, no name,
no e-mail, no form."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from apptest import click, open_page, rerun, signed_in, visible_text
from streamlit.testing.v1 import AppTest

from domain.access import BOARD
from schema.association import DUES, MENTORS, TRAINEES, Due, Mentor, Trainee
from schema.models import MEMBERS, Member
from server.users import UserAdded, add_user, admin_client
from settings import ROOT
from store import records
from store.base import Base
from tests.conftest import Server

TRAINEES_PAGE, DUES_PAGE = "views/association.py", "views/dues.py"
YEAR = date.today().year
BUREAU = "bureau.association@cpts.fr"
TRAINEE_NAME = "Léonie Stagiaire"
FORMS_KEY = "association_forms"  # views.association's toggle that draws the forms to add a trainee or an installation


@pytest.fixture(scope="module")
def seeded(base: Base) -> Base:
    people = [
        Member(first_name="Ana", last_name="Hôte", profession="Médecin", email="ana.hote@cpts.fr"),
        Member(first_name="Bo", last_name="Retard", profession="Infirmier", email="bo.retard@cpts.fr"),
    ]
    ids = records.insert(base, MEMBERS, people)
    records.insert(base, MENTORS, [Mentor(member=ids[0], approved_for=["Interne de médecine générale"])])
    trainee = Trainee(
        name=TRAINEE_NAME,
        profession="Médecin",
        level="Interne de médecine générale",
        host=ids[0],
        start=date(YEAR, 1, 2),
        end=date(YEAR, 1, 30),
    )
    records.insert(base, TRAINEES, [trainee])
    records.insert(base, DUES, [Due(member=ids[0], year=YEAR, amount=Decimal(50), paid=True, paid_on=date(YEAR, 1, 5))])
    return base


@pytest.fixture(scope="module")
def bureau(nocodb: Server, seeded: Base) -> UserAdded:
    with admin_client(nocodb.settings) as admin:
        return add_user(admin, seeded.id, BUREAU, BOARD)


def as_bureau(page: str) -> AppTest:
    app = rerun(signed_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=120), BUREAU, BOARD))
    return rerun(app.switch_page(page))


def shown(app: AppTest) -> str:
    """Every text of the page: markdown, metrics, captions, alerts and the cells of its tables."""
    parts = [visible_text(m.value) for m in app.markdown] + [f"{m.label} {m.value}" for m in app.metric]
    parts += [c.value for c in app.caption] + [visible_text(a.value) for a in (*app.error, *app.warning)]
    parts += [frame.value.to_string() for frame in app.dataframe]
    return "\n".join(parts)


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def with_forms(app: AppTest) -> AppTest:
    """The page with its two forms drawn (its toggle on)."""
    return rerun(app.toggle(key=FORMS_KEY).set_value(True))


def fill_trainee(app: AppTest, start: date, end: date) -> AppTest:
    app.text_input(key="trainee_name").input("Nouvel Interne")
    app.selectbox(key="trainee_profession").select("Médecin")
    app.date_input(key="trainee_start").set_value(start)
    app.date_input(key="trainee_end").set_value(end)
    return click(app, "Ajouter le stagiaire")


def test_coordinator_sees_names_and_adds_a_trainee(app_env: Base, seeded: Base) -> None:
    app = open_page(TRAINEES_PAGE)
    assert metrics(app)["Stagiaires accueillis (cible)"] == "1 / 6"
    assert TRAINEE_NAME in shown(app) and "Ana Hôte" in shown(app)
    assert "Aucune installation en" in shown(app)  # a line, not an empty table
    assert not app.text_input  # the forms are drawn only when asked
    count = seeded.count(TRAINEES)
    app = fill_trainee(with_forms(app), date(YEAR, 3, 1), date(YEAR, 2, 1))
    assert "Stagiaires — Ligne 1, champ « Fin » : 01/02/" in visible_text(app.error[0].value)
    assert seeded.count(TRAINEES) == count
    app = fill_trainee(with_forms(open_page(TRAINEES_PAGE)), date(YEAR, 1, 3), date(YEAR, 2, 1))
    assert seeded.count(TRAINEES) == count + 1
    assert metrics(app)["Stagiaires accueillis (cible)"] == "2 / 6"


def test_bureau_sees_masked_counts_and_no_name(app_env: Base, seeded: Base, bureau: UserAdded) -> None:
    app = as_bureau(TRAINEES_PAGE)
    assert metrics(app)["Stagiaires accueillis (cible)"].startswith("< 5 / 6")
    text = shown(app)
    assert TRAINEE_NAME not in text and "Ana Hôte" not in text and "Nouvel Interne" not in text
    assert "< 5" in app.dataframe[0].value.to_string()
    assert not [button for button in app.button if button.label == "Ajouter le stagiaire"]


def test_coordinator_calls_dues_records_a_payment_and_gets_the_reminders(app_env: Base, seeded: Base) -> None:
    app = open_page(DUES_PAGE)
    assert metrics(app)["Membres actifs"] == "2" and metrics(app)["À jour de cotisation"] == "1"
    assert "bo.retard@cpts.fr" in shown(app)
    [download] = app.get("download_button")
    assert download.proto.label == "Liste de relance (XLSX, 1 membres)"
    app = click(app, f"Appeler les cotisations {YEAR} (1 membres)")
    assert seeded.count(DUES) == 2
    assert "1 cotisations" in app.success[0].value
    app.selectbox(key="dues_member").select_index(0)
    app = click(app, "Enregistrer le paiement")
    assert metrics(app)["À jour de cotisation"] == "2"
    assert [row.paid for row in records.load(seeded, DUES).records] == [True, True]


def test_bureau_sees_only_counts_of_dues(app_env: Base, seeded: Base, bureau: UserAdded) -> None:
    app = as_bureau(DUES_PAGE)
    assert metrics(app)["Membres actifs"] == "2"
    assert "Quorum de l'AG" in metrics(app)
    text = shown(app)
    assert "cpts.fr" not in text and "Retard" not in text
    assert not app.get("download_button")
    assert "réservés aux coordinateurs" in text
