"""The public request form on a real NocoDB: `./cpts migrate` creates and shares it once; a submission through
NocoDB's public form route (no token, as the form page sends it) is checked, given a code and put in the
waiting list with its priority; a submission that fails a check is flagged, never dropped."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import httpx
import pytest
from apptest import click, open_page, visible_text
from conftest import Server

from domain.form_requests import FORM_SOURCE, commune_code, review
from domain.patient_request import DUPLICATE
from schema.forms import REQUEST_FORM
from schema.models import (
    ACCESS_LOG,
    DENTIST,
    GP_SOUGHT,
    PATIENTS,
    REQUESTERS,
    TERRITORY,
    Commune,
    Patient,
    PatientStatus,
)
from services import form_requests
from store import forms, records
from store.base import Base
from store.migrate import migrate

TODAY = date.today()
GOOD = {
    "Nom": "Lefèvre",
    "Prénom": "Jeanne",
    "Date de naissance": "1948-03-12",
    "Commune (INSEE)": "92130",  # Issy-les-Moulineaux's postcode, as a requester types it
    "Téléphone": "0612345678",
    "Fragilités": "ALD,Isolement",
    "Mobilité réduite": True,
    "Consent à être orienté": True,
    "Demandeur": "Proche ou aidant",
}


@pytest.fixture(scope="module")
def territory(base: Base) -> Base:
    records.insert(base, TERRITORY, [Commune(name="Issy-les-Moulineaux", insee_code="92040", department="92")])
    return base


def submit(nocodb: Server, base: Base, values: dict[str, Any]) -> httpx.Response:
    """What NocoDB's shared form page sends: multipart, the values as JSON in `data`, no token."""
    uuid = forms.shared_uuid(base, REQUEST_FORM)
    assert uuid
    url = f"{nocodb.url}/api/v1/db/public/shared-view/{uuid}/rows"
    return httpx.post(url, files={"data": (None, json.dumps(values))}, timeout=30)


def public_meta(nocodb: Server, base: Base) -> dict[str, Any]:
    """What the shared form's page reads: the form's fields as the public sees them."""
    uuid = forms.shared_uuid(base, REQUEST_FORM)
    return dict(httpx.get(f"{nocodb.url}/api/v1/db/public/shared-view/{uuid}/meta", timeout=30).json())


def patients(base: Base) -> dict[int, Patient]:
    return {p.id: p for p in records.load(base, PATIENTS).records if p.id is not None}


def test_migrate_creates_the_form_once_shared_with_only_the_requesters_fields(nocodb: Server, base: Base) -> None:
    table_id = base.handle(PATIENTS).id
    again = migrate(base.client, base.id)
    views = base.client.request("GET", f"/api/v2/meta/tables/{table_id}/views")["list"]
    assert [v["title"] for v in views if v["type"] == forms.FORM_TYPE] == [REQUEST_FORM.title]
    assert again.forms == [] and not again.changed
    uuid = forms.shared_uuid(base, REQUEST_FORM)
    assert uuid and form_requests.form_link(base, None) == f"{nocodb.url}/dashboard/#/nc/form/{uuid}"
    assert (
        form_requests.form_link(base, "https://demande.cpts.fr")
        == f"https://demande.cpts.fr/dashboard/#/nc/form/{uuid}"
    )
    page = httpx.get(f"{nocodb.url}/dashboard/", timeout=30)
    assert page.status_code == 200
    meta = public_meta(nocodb, base)
    shown = {c["label"]: bool(c["required"]) for c in meta["columns"] if c["show"]}
    assert shown == {f.label: f.required for f in REQUEST_FORM.fields}
    assert "CNIL" in meta["view"]["subheading"] and "24 mois" in meta["view"]["subheading"]


def test_migrating_a_base_from_before_the_requester_adds_it_to_the_table_and_the_form(
    nocodb: Server, base: Base
) -> None:
    """A base made before « Demandeur » was declared: the field is added to Patients and shown in the form
    with its label, help and « required »; the rows and the rest of the form stay as they were."""
    table_id = base.handle(PATIENTS).id
    row = base.client.insert(table_id, [{"Nom": "Avant", "Demandeur": "Mairie"}])[0]
    column = next(c for c in base.client.table(table_id)["columns"] if c["title"] == "Demandeur")
    base.client.request("DELETE", f"/api/v2/meta/columns/{column['id']}")
    try:
        report = migrate(base.client, base.id)
    finally:
        base.client.delete(table_id, [row])
    assert report.added_fields == ["Patients.Demandeur"]
    assert report.forms == [f"Formulaire {REQUEST_FORM.title} : champ ajouté : Demandeur"]
    assert not migrate(base.client, base.id).changed
    meta = public_meta(nocodb, base)
    shown = {c["label"]: (bool(c["required"]), c["description"]) for c in meta["columns"] if c["show"]}
    asked = REQUEST_FORM.field("requester")
    assert shown[asked.label] == (False, asked.help)
    assert set(shown) == {f.label for f in REQUEST_FORM.fields}
    added = next(c for c in base.client.table(table_id)["columns"] if c["title"] == "Demandeur")
    assert [o["title"] for o in added["colOptions"]["options"]] == list(REQUESTERS)


def test_a_hidden_field_sent_to_the_form_is_dropped(nocodb: Server, territory: Base) -> None:
    response = submit(nocodb, territory, {**GOOD, "Nom": "Intrus", "Statut": "Clos", "Code": "P-999999"})
    assert response.status_code == 200
    row = patients(territory)[response.json()["Id"]]
    try:
        assert (row.code, row.status, row.last_name) == (None, None, "Intrus")
    finally:
        territory.client.delete(territory.handle(PATIENTS).id, [row.id or 0])


def test_a_submission_reaches_the_waiting_list_with_its_priority(
    nocodb: Server, territory: Base, app_env: Base
) -> None:
    response = submit(nocodb, territory, GOOD)
    assert response.status_code == 200, response.text
    row_id = response.json()["Id"]
    app = open_page("views/waiting_list.py")
    assert "**1** demande(s) prête(s)" in "".join(m.value for m in app.markdown)
    app = click(app, "Vérifier les demandes du formulaire")
    [success] = [visible_text(s.value) for s in app.success]
    patient = patients(territory)[row_id]
    assert patient.code and patient.code in success
    assert (patient.status, patient.source, patient.insee_code) == (PatientStatus.WAITING, FORM_SOURCE, "92040")
    assert (patient.phone, patient.fragilities, patient.request_date) == ("06 12 34 56 78", ["ALD", "Isolement"], TODAY)
    assert patient.requester == "Proche ou aidant"
    assert patient.profession_sought == GP_SOUGHT  # the form left it empty: a médecin traitant
    table = app.dataframe[0].value.set_index("Code")
    assert table.at[patient.code, "Priorité"] == 70  # ALD 40 + 70 ans et plus 20 (born 1948) + isolement 10
    next(t for t in app.toggle if t.label.startswith("Expliquer")).set_value(True).run()
    detail = app.dataframe[0].value.set_index("Code").at[patient.code, "Détail de la priorité"]
    assert detail.startswith("ALD +40"), detail
    logged = [
        e.patient_codes for e in records.load(territory, ACCESS_LOG).records if (e.what or "").endswith("formulaire")
    ]
    assert logged == [patient.code]
    assert form_requests.pending(territory, TODAY).accepted == []  # checked once


def test_failing_submissions_are_flagged_for_review_not_dropped(nocodb: Server, territory: Base, app_env: Base) -> None:
    outside = submit(nocodb, territory, {**GOOD, "Nom": "Loin", "Commune (INSEE)": "05132"}).json()["Id"]
    future = submit(nocodb, territory, {**GOOD, "Nom": "Futur", "Date de naissance": "2030-01-01"}).json()["Id"]
    unnamed = submit(nocodb, territory, {**GOOD, "Nom": "", "Consent à être orienté": False}).json()["Id"]
    checked = form_requests.accept(territory, TODAY)
    assert checked.accepted == []
    reasons = {(p.id, p.field): p.reason for p in checked.flagged}
    assert "ni une commune du territoire ni une commune voisine" in reasons[(outside, "Commune (INSEE)")]
    assert (future, "Date de naissance") in reasons
    assert reasons[(unnamed, "Nom")] == "obligatoire"
    assert (unnamed, "Consent à être orienté") in reasons
    kept = patients(territory)
    assert all(kept[i].code is None and kept[i].status is None for i in (outside, future, unnamed))
    app = open_page("views/waiting_list.py")
    flagged = app.dataframe[-1].value
    assert set(flagged["Ligne (Id NocoDB)"]) == {outside, future, unnamed}
    assert "**3** à revoir" in "".join(m.value for m in app.markdown)


def test_the_commune_may_be_given_by_name_or_postcode() -> None:
    allowed = {"92040": "Issy-les-Moulineaux", "92075": "Vanves"}
    assert commune_code("issy les moulineaux ", allowed) == "92040"
    assert commune_code("92130", allowed) == "92040"  # Issy's postcode
    assert commune_code("92170", allowed) == "92075"  # Vanves's
    assert commune_code("92040", allowed) == "92040"
    assert commune_code("Paris", allowed) == "Paris"  # left for the checks to report


def test_review_accepts_in_order_and_flags_a_second_request_for_the_same_person() -> None:
    rows = [
        {"Id": 8, "CreatedAt": "2026-11-20 09:00:00+00:00", **GOOD},
        {"Id": 7, "CreatedAt": "2026-11-19 09:00:00+00:00", **GOOD, "Téléphone": "12"},
        {"Id": 9, "CreatedAt": "2026-11-21 09:00:00+00:00", **GOOD},
    ]
    existing = [Patient(id=1, code="P-000041", status=PatientStatus.FOUND)]
    checked = review(rows, {"92040": "Issy-les-Moulineaux"}, existing, date(2026, 11, 23))
    assert [(p.id, p.code, p.request_date) for p in checked.accepted] == [(8, "P-000042", date(2026, 11, 20))]
    assert [(p.id, p.field) for p in checked.flagged] == [(7, "Téléphone"), (9, DUPLICATE)]


def test_the_profession_sought_by_the_form_a_médecin_traitant_by_default() -> None:
    rows = [{"Id": 1, **GOOD, "Profession recherchée": DENTIST}, {"Id": 2, **GOOD}]
    checked = review(rows, {"92040": "Issy-les-Moulineaux"}, [], date(2026, 11, 23))
    assert [p.profession_sought for p in checked.accepted] == [DENTIST, GP_SOUGHT]  # a dentist, then a GP: both
    assert "profession_sought" in {f.attr for f in REQUEST_FORM.fields}
