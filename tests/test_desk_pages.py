"""The desk pages run against the real NocoDB (AppTest): waiting list and new request, GPs edited in place,
orientation reviewed, confirmed and followed up; every display of patients is in the access journal."""

from __future__ import annotations

from datetime import date

import pytest
import streamlit as st
from apptest import click, open_page, rerun, visible_text
from streamlit.testing.v1 import AppTest
from test_desk_io import RPPS, seed_desk

from domain.parameters import weight_key
from domain.validation import PHONE_EXAMPLE
from schema.models import ACCESS_LOG, MEMBERS, PARAMETERS, PATIENTS, PROPOSALS, ParameterRow, PatientStatus
from services import writes
from store import records
from store.base import Base


@pytest.fixture(scope="module")
def ids(base: Base) -> dict[str, int]:
    return seed_desk(base)


def journal(base: Base, what: str) -> list[str]:
    return [e.patient_codes or "" for e in records.load(base, ACCESS_LOG).records if e.what == what]


def test_waiting_list_shows_priorities_and_logs_the_access(ids: dict[str, int], app_env: Base) -> None:
    app = open_page("views/waiting_list.py")
    table = app.dataframe[0].value
    assert list(table["Code"]) == ["P-000004", "P-000001", "P-000003", "P-000002", "P-000005"]
    assert table.loc[table["Code"] == "P-000001", "Priorité"].item() == 58  # ALD 40 + 6 months × 3
    assert "Détail de la priorité" not in table.columns
    assert not [b for b in app.button if b.label == "Enregistrer la demande"]  # the form: drawn when asked
    next(t for t in app.toggle if t.label.startswith("Expliquer")).set_value(True).run()
    detail = app.dataframe[0].value.set_index("Code").at["P-000001", "Détail de la priorité"]
    assert detail == "ALD +40, attend depuis 200 jours +18"
    assert journal(app_env, "Patients en attente")[-1].split(", ") == list(table["Code"])


def test_an_unreadable_priority_weight_is_shown_on_the_desk_page_and_its_default_used(
    ids: dict[str, int], app_env: Base
) -> None:
    [row_id] = writes.insert(app_env, PARAMETERS, [ParameterRow(key=weight_key("ALD"), value="quarante")])
    try:
        st.cache_data.clear()
        app = open_page("views/waiting_list.py")
        table = app.dataframe[0].value
        assert table.loc[table["Code"] == "P-000001", "Priorité"].item() == 58  # the default 40 for ALD
        [warning] = [visible_text(w.value) for w in app.warning if "Paramètres" in w.value]
        assert f"| Paramètres | {row_id} | Valeur | « quarante » n'est pas un nombre entier positif ou nul" in warning
    finally:
        app_env.client.delete(app_env.handle(PARAMETERS).id, [row_id])
        st.cache_data.clear()


NEW_REQUEST = {"new_request_open": True}  # views.waiting_list's toggle that draws the form of a new request


def request_page() -> AppTest:
    """Patients en attente with the form of a new request drawn (its toggle on)."""
    return open_page("views/waiting_list.py", state=NEW_REQUEST)


def fill_request(app: AppTest, birth_date: date | None, phone: str = "0612345678") -> AppTest:
    app.text_input(key="request_last_name").input("Martin")
    app.text_input(key="request_first_name").input("Léa")
    if birth_date:
        app.date_input(key="request_birth_date").set_value(birth_date)
    app.selectbox(key="request_commune").select("Vanves (92075)")
    app.text_input(key="request_phone").input(phone)
    app.checkbox(key="request_consent").check()
    return click(app, "Enregistrer la demande")


def test_new_request_is_checked_then_written(ids: dict[str, int], app_env: Base) -> None:
    app = fill_request(request_page(), birth_date=None)
    assert "Champ « Date de naissance » : obligatoire" in visible_text(app.error[0].value)
    assert app_env.count(PATIENTS) == 5
    next_year = date(date.today().year + 1, 1, 15)
    app = fill_request(request_page(), birth_date=next_year)
    assert "Champ « Date de naissance »" in app.error[0].value and "futur" in app.error[0].value
    assert app_env.count(PATIENTS) == 5
    app = fill_request(request_page(), birth_date=date(1960, 4, 1), phone="12")
    assert f"Champ « Téléphone » : « 12 » n'est pas un numéro de téléphone français (ex. {PHONE_EXAMPLE})" in (
        visible_text(app.error[0].value)
    )
    assert app_env.count(PATIENTS) == 5
    app = fill_request(request_page(), birth_date=date(1960, 4, 1))
    assert not app.error
    assert "Demande enregistrée : **P-000006** (Léa Martin)" in visible_text(app.success[0].value)
    created = next(p for p in records.load(app_env, PATIENTS).records if p.code == "P-000006")
    assert (created.insee_code, created.phone, created.consent) == ("92075", "06 12 34 56 78", True)


EDITOR = "doctors_editor"


def edit(rows: dict[int, dict[str, object]]) -> dict[str, object]:
    return {EDITOR: {"edited_rows": rows, "added_rows": [], "deleted_rows": []}}


def test_doctors_edited_in_place_are_checked_then_written(ids: dict[str, int], app_env: Base) -> None:
    app = open_page("views/doctors.py")
    table = app.data_editor[0].value
    assert list(table["RPPS"]) == [RPPS["A"], RPPS["B"], RPPS["C"]]
    assert {m.label: m.value for m in app.metric}["Places libres"] == "3"
    app = click(open_page("views/doctors.py", edit({1: {"Capacité mensuelle": -2}})), "Enregistrer les modifications")
    assert "Dr Bob Bravo (Id" in visible_text(app.error[0].value)
    assert "« Capacité mensuelle » : « -2 » doit être au moins 0" in visible_text(app.error[0].value)
    members_before = records.load(app_env, MEMBERS).records
    bad_insee = edit({1: {"Commune (INSEE)": "92130", "Capacité mensuelle": 2}})
    app = click(open_page("views/doctors.py", bad_insee), "Enregistrer les modifications")
    assert (
        "Dr Bob Bravo (Id " in visible_text(app.error[0].value)
        and "champ « Commune (INSEE) » : « 92130 » est un code postal, pas un code INSEE (Issy-les-Moulineaux : 92040)"
        in visible_text(app.error[0].value)
    )
    assert records.load(app_env, MEMBERS).records == members_before  # nothing written
    changes = edit({1: {"Capacité mensuelle": 3, "Visites à domicile": True}})
    app = click(open_page("views/doctors.py", changes), "Enregistrer les modifications")
    assert "1 professionnel(s) mis à jour" in visible_text(app.success[0].value)
    bravo = next(m for m in records.load(app_env, MEMBERS).records if m.id == ids["B"])
    assert (bravo.monthly_capacity, bravo.home_visits, bravo.populations_accepted) == (3, True, ["ALD"])
    app_env.client.update(app_env.handle(MEMBERS).id, [{"Id": ids["B"], "Capacité mensuelle": 1}])


def test_a_patient_without_a_code_is_listed_journaled_by_id_and_flagged(ids: dict[str, int], app_env: Base) -> None:
    table_id = app_env.handle(PATIENTS).id
    [row_id] = app_env.client.insert(table_id, [{"Nom": "Sanscode", "Statut": PatientStatus.WAITING.value}])
    try:
        app = open_page("views/waiting_list.py")
        assert f"Id {row_id}" in list(app.dataframe[0].value["Code"])
        assert f"Id {row_id}" in journal(app_env, "Patients en attente")[-1].split(", ")
        assert "nan" not in journal(app_env, "Patients en attente")[-1].split(", ")
        [flag] = [w.value for w in app.warning if "sans code" in w.value]
        assert f"Id {row_id}" in flag
    finally:
        app_env.client.delete(table_id, [row_id])


def test_orientation_review_confirm_and_follow_up(ids: dict[str, int], app_env: Base) -> None:
    app = open_page("views/orientation.py")
    metrics = {m.label: m.value for m in app.metric}
    assert (metrics["En attente"], metrics["Dont fragiles"]) == ("6", "3")
    app = click(app, "Lancer l'orientation")
    [unmatched] = [t for t in app.toggle if t.label.startswith("Patients sans proposition")]
    assert not [f for f in app.dataframe if "Raison" in f.value.columns]  # listed only when asked
    unmatched.set_value(True)
    app = rerun(app)
    assert [f for f in app.dataframe if "Raison" in f.value.columns]
    review = app.data_editor[0].value
    assert list(zip(review["Patient"], review["Rang"], strict=True))[:2] == [("P-000001", 1), ("P-000001", 2)]
    untick = {
        "orientation_plan_editor": {"edited_rows": {1: {"Proposer": False}}, "added_rows": [], "deleted_rows": []}
    }
    for key, value in untick.items():
        app.session_state[key] = value
    app = click(app.run(), "Confirmer les propositions")
    assert "proposition(s) enregistrée(s)" in visible_text(app.success[0].value)
    written = [p for p in records.load(app_env, PROPOSALS).records if p.patient == ids["P1"]]
    assert [(p.gp, p.rank) for p in written] == [(ids["B"], 1)]  # the unticked alternative is not written
    assert journal(app_env, "Orientation")

    follow = app.data_editor[0].value
    row = list(follow["Patient"]).index("P-000001")
    answers = {
        "orientation_answers_editor": {
            "edited_rows": {row: {"Réponse": "Acceptée"}},
            "added_rows": [],
            "deleted_rows": [],
        }
    }
    app = click(open_page("views/orientation.py", answers), "Enregistrer les réponses")
    assert "1 patient(s) ont trouvé leur médecin traitant" in visible_text(app.success[0].value)
    found = next(p for p in records.load(app_env, PATIENTS).records if p.id == ids["P1"])
    assert (found.status, found.gp) == (PatientStatus.FOUND, ids["B"])
