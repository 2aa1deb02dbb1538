"""The desk against a real NocoDB: confirm writes proposals, running again proposes nothing twice, answers
update statuses and places, a refused GP is never proposed again, edits made in the grid are picked up,
new requests, and `./cpts match`."""

from __future__ import annotations

import json
import subprocess
from datetime import date, timedelta
from typing import Any

import pytest
from cli_run import run_cli

from domain.desk import DeskError, slots_this_month
from domain.parameters import weight_key
from domain.patient_request import RequestForm
from domain.proposals import Answer
from domain.validation import PHONE_EXAMPLE
from schema.models import (
    ACCESS_LOG,
    GP_SOUGHT,
    MEMBERS,
    PARAMETERS,
    PATIENTS,
    PROPOSALS,
    TERRITORY,
    Commune,
    Member,
    ParameterRow,
    Patient,
    PatientStatus,
    ProposalStatus,
)
from services.desk import desk_state, make_plan, register_request, write_answers, write_confirmation
from services.journal import command_user
from store import records
from store.base import Base

TODAY = date.today()
RPPS = {"A": "10000000001", "B": "10000000002", "C": "10000000003"}


def seed_desk(base: Base) -> dict[str, int]:
    """GP A (Issy, 2 places, everyone, home visits), GP B (Vanves, 1 place, ALD only), GP C (Issy, not available
    yet); patients P-000001 (ALD, 200 days), P-000002 (10 days, Vanves), P-000003 (70+, reduced mobility),
    P-000004 (objection), P-000005 (no consent). Returns name → NocoDB Id."""
    members = [
        Member(last_name="Alpha", first_name="Anne", profession="Médecin", rpps=RPPS["A"], insee_code="92040",
               accepts_new_patients=True, monthly_capacity=2, populations_accepted=["Tous"], home_visits=True),
        Member(last_name="Bravo", first_name="Bob", profession="Médecin", rpps=RPPS["B"], insee_code="92075",
               accepts_new_patients=True, monthly_capacity=1, populations_accepted=["ALD"]),
        Member(last_name="Charlie", first_name="Chloé", profession="Médecin", rpps=RPPS["C"], insee_code="92040",
               accepts_new_patients=True, monthly_capacity=4, populations_accepted=["Tous"],
               available_from=TODAY + timedelta(days=40)),
        Member(last_name="Delta", first_name="Dan", profession="Pharmacien", insee_code="92040"),
    ]  # fmt: skip
    member_ids = records.insert(base, MEMBERS, members)

    def patient(number: int, days: int, **fields: Any) -> Patient:
        values = {"insee_code": "92040", "consent": True, "birth_date": date(1980, 5, 5), **fields}
        return Patient(
            code=f"P-{number:06d}",
            last_name=f"Nom{number}",
            first_name=f"Prénom{number}",
            request_date=TODAY - timedelta(days=days),
            status=PatientStatus.WAITING,
            **values,
        )

    patients = [
        patient(1, 200, fragilities=["ALD"]),
        patient(2, 10, insee_code="92075"),
        patient(3, 30, birth_date=date(1945, 1, 1), reduced_mobility=True),
        patient(4, 300, fragilities=["ALD"], objection=True, consent=False),
        patient(5, 5, consent=False),
    ]
    patient_ids = records.insert(base, PATIENTS, patients)
    records.insert(base, TERRITORY, [Commune(name="Issy-les-Moulineaux", insee_code="92040", department="92")])
    records.insert(base, PARAMETERS, [ParameterRow(key=weight_key("ALD"), value="40")])
    names = dict(zip("ABCD", member_ids, strict=True))
    names.update({f"P{i}": pid for i, pid in enumerate(patient_ids, start=1)})
    return names


@pytest.fixture(scope="module")
def ids(base: Base) -> dict[str, int]:
    return seed_desk(base)


def proposals(base: Base) -> list[Any]:
    return sorted(records.load(base, PROPOSALS).records, key=lambda p: (p.patient, p.rank))


def patient_row(base: Base, patient_id: int) -> Any:
    return next(p for p in records.load(base, PATIENTS).records if p.id == patient_id)


def test_01_confirm_writes_proposals_and_running_again_proposes_nothing_twice(base: Base, ids: dict[str, int]) -> None:
    planned, _ = make_plan(base, TODAY)
    pairs = {(p.code, tuple(c.member_id for c in p.choices)) for p in planned.patients}
    # optimal, not greedy: P-000001 (most urgent) goes to B so that P-000002 can have A
    assert pairs == {
        ("P-000001", (ids["B"], ids["A"])),
        ("P-000002", (ids["A"],)),
        ("P-000003", (ids["A"],)),
    }
    reasons = {u.code: u.reason for u in planned.unmatched}
    assert reasons["P-000004"].startswith("opposition au partage")
    assert reasons["P-000005"] == "consentement à être orienté non recueilli"

    result = write_confirmation(base, planned, planned.pairs(), TODAY)
    assert result.skipped == []
    rows = proposals(base)
    assert [(p.patient, p.gp, p.rank, p.status, p.proposed_on) for p in rows] == [
        (ids["P1"], ids["B"], 1, ProposalStatus.PENDING, TODAY),
        (ids["P1"], ids["A"], 2, ProposalStatus.PENDING, TODAY),
        (ids["P2"], ids["A"], 1, ProposalStatus.PENDING, TODAY),
        (ids["P3"], ids["A"], 1, ProposalStatus.PENDING, TODAY),
    ]
    assert rows[0].reference == "P-000001 – Dr Bob Bravo"
    assert {patient_row(base, ids[f"P{i}"]).status for i in (1, 2, 3)} == {PatientStatus.PROPOSED}

    again, _ = make_plan(base, TODAY)
    assert again.patients == ()
    assert write_confirmation(base, planned, planned.pairs(), TODAY).proposals == []
    assert len(proposals(base)) == 4


def test_02_accept_records_the_gp_and_uses_a_place(base: Base, ids: dict[str, int]) -> None:
    accepted = next(p for p in proposals(base) if p.patient == ids["P2"])
    write_answers(base, [Answer(accepted.id, ProposalStatus.ACCEPTED)], TODAY)
    found = patient_row(base, ids["P2"])
    assert (found.status, found.gp, found.found_date) == (PatientStatus.FOUND, ids["A"], TODAY)
    places = slots_this_month(desk_state(base).records, TODAY)[ids["A"]]
    assert (places.found, places.pending, places.free) == (1, 1, 0)  # P-000002 found, P-000003 waiting


def test_03_refused_gp_is_never_proposed_again(base: Base, ids: dict[str, int]) -> None:
    first, second = (p for p in proposals(base) if p.patient == ids["P1"])
    with pytest.raises(DeskError, match="motif du refus"):
        write_answers(base, [Answer(first.id, ProposalStatus.REFUSED, "")], TODAY)
    write_answers(base, [Answer(first.id, ProposalStatus.REFUSED, "Patientèle complète")], TODAY)
    assert patient_row(base, ids["P1"]).status == PatientStatus.PROPOSED  # still waiting for A's answer
    write_answers(base, [Answer(second.id, ProposalStatus.REFUSED, "Trop loin du domicile")], TODAY)
    assert patient_row(base, ids["P1"]).status == PatientStatus.WAITING
    rows = {p.id: p for p in proposals(base)}
    assert (rows[first.id].status, rows[first.id].refusal_reason) == (ProposalStatus.REFUSED, "Patientèle complète")

    planned, _ = make_plan(base, TODAY)
    assert all(p.code != "P-000001" for p in planned.patients)
    reason = next(u.reason for u in planned.unmatched if u.code == "P-000001")
    assert reason == "capacité épuisée à Issy-les-Moulineaux : 1 médecin possible, plus aucune place ce mois-ci"


def test_04_patient_edited_in_the_grid_is_picked_up(base: Base, ids: dict[str, int]) -> None:
    base.client.update(base.handle(MEMBERS).id, [{"Id": ids["B"], "Capacité mensuelle": 2}])
    base.client.update(
        base.handle(PATIENTS).id, [{"Id": ids["P5"], "Consent à être orienté": True, "Fragilités": "ALD"}]
    )
    planned, _ = make_plan(base, TODAY)
    [item] = planned.patients
    assert (item.code, [c.member_id for c in item.choices]) == ("P-000005", [ids["B"]])
    assert item.priority.explanation.startswith("ALD +40")


def test_05_an_answered_proposal_cannot_be_answered_again(base: Base, ids: dict[str, int]) -> None:
    planned, _ = make_plan(base, TODAY)
    write_confirmation(base, planned, planned.pairs(), TODAY)
    [pending] = [p for p in proposals(base) if p.patient == ids["P5"]]
    write_answers(base, [Answer(pending.id, ProposalStatus.ACCEPTED)], TODAY)
    with pytest.raises(DeskError, match="déjà « Acceptée »"):
        write_answers(base, [Answer(pending.id, ProposalStatus.REFUSED, "x")], TODAY)
    p3 = next(p for p in proposals(base) if p.patient == ids["P3"])
    assert p3.status == ProposalStatus.PENDING  # other patients' proposals are left alone


def test_06_new_request_gets_the_next_code(base: Base, ids: dict[str, int]) -> None:
    form = RequestForm("Nouveau", "Noé", date(1990, 2, 2), "92012", consent=True)
    created, errors = register_request(base, form, TODAY)
    assert errors == [] and created is not None and created.code == "P-000006"
    assert patient_row(base, created.id).insee_code == "92012"  # Boulogne: a neighbour in the same EPT
    count = base.count(PATIENTS)
    _, errors = register_request(base, RequestForm("X", "Y", date(1990, 1, 1), "75056", phone="01"), TODAY)
    assert errors == [
        f"Champ « Téléphone » : « 01 » n'est pas un numéro de téléphone français (ex. {PHONE_EXAMPLE})",
        "Champ « Commune (INSEE) » : Paris (75056) n'est ni une commune du territoire ni une commune voisine",
    ]
    assert base.count(PATIENTS) == count


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            {"phone": "12"},
            f"Champ « Téléphone » : « 12 » n'est pas un numéro de téléphone français (ex. {PHONE_EXAMPLE})",
        ),
        (
            {"birth_date": TODAY + timedelta(days=1)},
            f"Champ « Date de naissance » : {TODAY + timedelta(days=1):%d/%m/%Y} est dans le futur",
        ),
        (
            {"insee_code": "99999"},
            "Champ « Commune (INSEE) » : « 99999 » n'est le code INSEE d'aucune commune (5 caractères, ex. 92040 ; "
            "pas le code postal)",
        ),
        (
            {"insee_code": "92130"},
            "Champ « Commune (INSEE) » : « 92130 » est un code postal, pas un code INSEE (Issy-les-Moulineaux : 92040)",
        ),
    ],
)
def test_06_a_bad_request_writes_nothing(base: Base, ids: dict[str, int], typed: dict, message: str) -> None:
    count = base.count(PATIENTS)
    values = {"last_name": "Faux", "first_name": "Élie", "birth_date": date(1990, 1, 1), "insee_code": "92040"}
    created, errors = register_request(base, RequestForm(**{**values, **typed}), TODAY)
    assert (created, errors) == (None, [message])
    assert base.count(PATIENTS) == count


def cli(nocodb: Any, base: Base, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(nocodb, base, "match", *args)


def test_07_cli_match(nocodb: Any, base: Base, ids: dict[str, int]) -> None:
    base.client.update(base.handle(MEMBERS).id, [{"Id": ids["A"], "Capacité mensuelle": 4}])
    count = base.count(PROPOSALS)
    dry = cli(nocodb, base, "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    output = json.loads(dry.stdout)
    assert output["assignment"] == [
        {
            "patient": "P-000006",
            "profession": GP_SOUGHT,
            "doctor": RPPS["A"],
            "alternatives": [],
            "reasons": [
                "priorité 0 : attend depuis 0 jour +0",
                "même intercommunalité (EPT Grand Paris Seine Ouest, à Issy-les-Moulineaux)",
                "accepte tous les patients",
            ],
        }
    ]
    assert {u["patient"] for u in output["unmatched"]} == {"P-000001", "P-000004"}
    assert "rien n'a été écrit" in dry.stderr
    assert base.count(PROPOSALS) == count
    written = cli(nocodb, base)
    assert written.returncode == 0, written.stderr
    assert "P-000006" in written.stdout and "1 proposition(s) écrite(s) pour 1 patient(s)" in written.stdout
    assert base.count(PROPOSALS) == count + 1
    journal = [e for e in records.load(base, ACCESS_LOG).records if (e.what or "").startswith("./cpts match")]
    assert {e.user for e in journal} == {command_user()}  # the system account and machine, as other commands
    assert [e.what for e in journal] == ["./cpts match --dry-run", "./cpts match"]
    assert "P-000006" in journal[0].patient_codes
    assert cli(nocodb, base, "--dry-run").stdout.startswith("Orientation du")
