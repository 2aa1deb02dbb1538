"""The desk for any profession against a real NocoDB: the migration makes every existing request a
médecin-traitant request, `services.desk.match` proposes dentists only to dentist requests, and
`./cpts match --profession`."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from apptest import open_page, rerun
from cli_run import run_cli

from domain.desk import sought
from domain.desk_plan import Plan
from schema.models import GP_SOUGHT, MEMBERS, PATIENTS, PROPOSALS, Member, Patient, PatientStatus
from services.desk import DeskData, desk_state, match
from store import records
from store.base import Base
from store.migrate import migrate

TODAY = date.today()
DENTIST = "Chirurgien-dentiste"
PHYSIO = "Masseur-kinésithérapeute"
FIELD = "Profession recherchée"


def columns(base: Base) -> dict[str, dict[str, Any]]:
    return {c["title"]: c for c in base.client.table(base.handle(PATIENTS).id)["columns"]}


def waiting(number: int, days: int, **fields: Any) -> Patient:
    return Patient(
        code=f"P-{number:06d}",
        last_name=f"Nom{number}",
        first_name=f"Prénom{number}",
        insee_code="92040",
        consent=True,
        birth_date=date(1970, 1, 1),
        request_date=TODAY - timedelta(days=days),
        status=PatientStatus.WAITING,
        **fields,
    )


def test_01_migration_adds_the_field_and_existing_requests_are_medecin_traitant_requests(base: Base) -> None:
    base.client.request("DELETE", f"/api/v2/meta/columns/{columns(base)[FIELD]['id']}")
    table_id = base.handle(PATIENTS).id
    [old] = base.client.insert(table_id, [{"Code": "P-000001", "Nom": "Ancien", "Statut": "En attente"}])

    report = migrate(base.client, base.id)

    assert report.added_fields == [f"{PATIENTS.title}.{FIELD}"]
    assert not migrate(base.client, base.id).changed
    [row] = base.client.records(base.id, table_id, where=f"(Id,eq,{old})")
    assert row[FIELD] is None and row["Nom"] == "Ancien"
    patient = next(p for p in desk_state(base, refresh=True).records.patients if p.id == old)
    assert patient.profession_sought is None and sought(patient) == GP_SOUGHT
    base.client.delete(table_id, [old])


def seed(base: Base) -> dict[str, int]:
    """A GP and a dentist in Issy, 3 places each; P-000002 (GP, waited longest), P-000003 and P-000004
    (dentist), P-000005 (physiotherapist: nobody). Returns name → NocoDB Id."""
    gp, dentist = records.insert(
        base,
        MEMBERS,
        [
            Member(last_name="Généraliste", profession="Médecin", rpps="10000000011", insee_code="92040",
                   accepts_new_patients=True, monthly_capacity=3, populations_accepted=["Tous"]),
            Member(last_name="Dentiste", profession=DENTIST, rpps="10000000022", insee_code="92040",
                   accepts_new_patients=True, monthly_capacity=3, populations_accepted=["Tous"]),
        ],
    )  # fmt: skip
    patients = records.insert(
        base,
        PATIENTS,
        [
            waiting(2, 400),
            waiting(3, 20, profession_sought=DENTIST),
            waiting(4, 10, profession_sought=DENTIST),
            waiting(5, 5, profession_sought=PHYSIO),
        ],
    )
    return {"gp": gp, "dentist": dentist, **{f"P{i}": pid for i, pid in enumerate(patients, start=2)}}


def test_02_match_proposes_dentists_only_to_dentist_requests(nocodb: Any, base: Base) -> None:
    ids = seed(base)
    dry = run_cli(nocodb, base, "match", "--profession", "chirurgien-dentiste", "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    output = json.loads(dry.stdout)
    assert [(a["patient"], a["profession"], a["doctor"]) for a in output["assignment"]] == [
        ("P-000003", DENTIST, "10000000022"),
        ("P-000004", DENTIST, "10000000022"),
    ]
    assert output["unmatched"] == []
    figures = output["figures"]  # per profession sought, whatever --profession
    assert [figures[p]["waiting"] for p in (GP_SOUGHT, DENTIST, PHYSIO)] == [1, 2, 1]
    assert base.count(PROPOSALS) == 0

    seen: list[Plan] = []

    def keep(planned: Plan, _: DeskData) -> None:
        seen.append(planned)

    confirmation = match(base, TODAY, "test", dry_run=False, on_plan=keep)
    assert confirmation is not None
    written = {(p.patient, p.gp) for p in records.load(base, PROPOSALS).records}
    assert written == {(ids["P2"], ids["gp"]), (ids["P3"], ids["dentist"]), (ids["P4"], ids["dentist"])}
    assert [(u.code, u.profession) for u in seen[0].unmatched] == [("P-000005", PHYSIO)]


def test_03_an_unknown_profession_on_the_command_line_is_refused_in_french(nocodb: Any, base: Base) -> None:
    count = base.count(PROPOSALS)
    refused = run_cli(nocodb, base, "match", "--profession", "plombier", "--dry-run")
    assert refused.returncode == 1
    assert "Profession inconnue : « plombier ». Choix possibles : médecin-traitant, chirurgien-dentiste" in (
        refused.stderr
    )
    assert base.count(PROPOSALS) == count


def test_04_pages_filter_by_profession_and_show_figures_per_profession(app_env: Base) -> None:
    app = open_page("views/waiting_list.py")
    figures = app.dataframe[0].value.set_index("Profession recherchée")
    assert figures["En attente"].to_dict() == {GP_SOUGHT: 0, DENTIST: 0, PHYSIO: 1}  # after test_02's proposals
    rerun(app.multiselect[0].set_value(list(PatientStatus)))
    rerun(app.selectbox(key="waiting_profession").select(DENTIST))
    assert sorted(app.dataframe[1].value["Code"]) == ["P-000003", "P-000004"]

    app = open_page("views/doctors.py")
    assert list(app.data_editor[0].value["RPPS"]) == ["10000000011", "10000000022"]
    rerun(app.selectbox(key="doctors_profession").select(DENTIST))
    assert list(app.data_editor[0].value["RPPS"]) == ["10000000022"]

    app = open_page("views/orientation.py")
    assert sorted(app.data_editor[0].value["Patient"]) == ["P-000002", "P-000003", "P-000004"]
    rerun(app.selectbox(key="orientation_profession").select(DENTIST))
    assert {m.label: m.value for m in app.metric}["En attente"] == "0"
    assert sorted(app.data_editor[0].value["Patient"]) == ["P-000003", "P-000004"]
    assert set(app.data_editor[0].value["Profession"]) == {DENTIST}
