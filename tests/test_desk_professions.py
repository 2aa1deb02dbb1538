"""The desk for any profession, pure: a request is matched only to members of the profession it seeks, a
refusal stays with its request, existing requests (no profession) are médecin-traitant requests, figures per
profession, and the profession named on the command line."""

from __future__ import annotations

import pandas as pd
import pytest
from test_desk import PLACES, TODAY, gp, patient, proposal

from domain.desk import (
    DeskError,
    DeskRecords,
    desk_figures,
    figures_by_profession,
    for_profession,
    profession_named,
    sought,
)
from domain.desk_plan import plan, plan_as_dict
from domain.figures import medecin_traitant_requests, waiting_patients
from domain.indicators import LiveData, ald_patients_waiting, patients_found_in_year
from domain.priority import Weights
from schema.models import GP_SOUGHT, PATIENTS, SOUGHT_PROFESSIONS, Member, Patient, PatientStatus, ProposalStatus
from store.records import to_frame

DENTIST = "Chirurgien-dentiste"
PHYSIO = "Masseur-kinésithérapeute"


def member(member_id: int, profession: str | None, capacity: int = 2) -> Member:
    return gp(member_id, capacity).model_copy(update={"profession": profession})


def test_an_existing_request_without_profession_is_a_medecin_traitant_request() -> None:
    assert sought(patient(1)) == GP_SOUGHT
    assert sought(patient(2, profession_sought=DENTIST)) == DENTIST
    records = DeskRecords([patient(1), patient(2, profession_sought=DENTIST)], [member(10, None)], [])
    assert [p.id for p in for_profession(records, GP_SOUGHT).patients] == [1]
    assert [m.id for m in for_profession(records, GP_SOUGHT).members] == [10]  # no profession: a GP, as before
    assert for_profession(records, DENTIST).members == []


def test_a_dentist_request_is_matched_only_to_dentists_and_a_gp_request_only_to_gps() -> None:
    records = DeskRecords(
        patients=[
            patient(1, days=300, fragilities=["ALD"]),
            patient(2, days=10, profession_sought=DENTIST),
            patient(3, days=50, profession_sought=PHYSIO),  # no physiotherapist takes new patients
        ],
        members=[member(10, "Médecin", 5), member(20, DENTIST, 5), member(30, "Infirmier", 5)],
        proposals=[],
    )
    planned = plan(records, Weights(), PLACES, TODAY)
    assert {(p.patient_id, p.profession, tuple(c.member_id for c in p.choices)) for p in planned.patients} == {
        (1, GP_SOUGHT, (10,)),
        (2, DENTIST, (20,)),
    }
    assert [(u.patient_id, u.profession) for u in planned.unmatched] == [(3, PHYSIO)]
    assert planned.unmatched[0].reason == "aucun professionnel ne prend de nouveaux patients dans le département 92"
    only_dentists = plan(records, Weights(), PLACES, TODAY, DENTIST)
    assert planned.pairs() - only_dentists.pairs() == {(1, 10)} and not only_dentists.unmatched
    as_json = plan_as_dict(planned, records.members)
    assert {item["patient"]: item["profession"] for item in as_json["assignment"]} == {
        "P-000001": GP_SOUGHT,
        "P-000002": DENTIST,
    }
    assert as_json["unmatched"][0]["profession"] == PHYSIO


def test_a_refusal_by_a_dentist_does_not_block_a_gp_nor_the_dentist_for_another_request() -> None:
    # the same person asks for a GP (request 1) and a dentist (request 2); the dentist request refused dentist 20
    records = DeskRecords(
        patients=[
            patient(1, fragilities=["ALD"]),
            patient(2, profession_sought=DENTIST, status=PatientStatus.WAITING),
            patient(3, profession_sought=DENTIST),
        ],
        members=[member(10, "Médecin"), member(20, DENTIST), member(21, DENTIST, 0)],
        proposals=[proposal(1, 2, 20, ProposalStatus.REFUSED)],
    )
    planned = plan(records, Weights(), PLACES, TODAY)
    assert {(p.patient_id, p.choices[0].member_id) for p in planned.patients} == {(1, 10), (3, 20)}
    reasons = {u.patient_id: u.reason for u in planned.unmatched}
    assert set(reasons) == {2}  # dentist 20 refused; dentist 21 has no place: never a GP instead


def test_slots_stay_per_member_across_professions() -> None:
    # a dentist's only place is held by a pending proposal: no dentist place left, the GP's places untouched
    records = DeskRecords(
        patients=[
            patient(1, profession_sought=DENTIST, status=PatientStatus.PROPOSED),
            patient(2, profession_sought=DENTIST),
            patient(3),
        ],
        members=[member(10, "Médecin", 1), member(20, DENTIST, 1)],
        proposals=[proposal(1, 1, 20)],
    )
    planned = plan(records, Weights(), PLACES, TODAY)
    assert planned.pairs() == {(3, 10)}
    assert [u.patient_id for u in planned.unmatched] == [2]


def found(patient_id: int, days: int, **fields: object) -> Patient:
    return patient(patient_id, days=days, status=PatientStatus.FOUND, found_date=TODAY, gp=10, **fields)


def test_figures_per_profession() -> None:
    records = DeskRecords(
        patients=[
            patient(1),
            patient(2, fragilities=["ALD"]),
            found(3, 30),
            patient(4, profession_sought=DENTIST),
            found(5, 10, profession_sought=DENTIST),
            found(6, 20, profession_sought=DENTIST),
        ],
        members=[],
        proposals=[proposal(1, 4, 20)],
    )
    figures = figures_by_profession(records, TODAY)
    assert list(figures) == [GP_SOUGHT, DENTIST]
    gps, dentists = figures[GP_SOUGHT], figures[DENTIST]
    assert (gps.waiting, gps.waiting_fragile, gps.found_this_year, gps.median_days_to_found) == (2, 1, 1, 30.0)
    assert (dentists.waiting, dentists.found_this_year, dentists.median_days_to_found) == (1, 2, 15.0)
    everyone = desk_figures(records, TODAY)
    assert (everyone.waiting, everyone.found_this_year) == (gps.waiting + dentists.waiting, 3)


@pytest.mark.parametrize(
    ("text", "profession"),
    [
        ("chirurgien-dentiste", DENTIST),
        ("Masseur-kinésithérapeute", PHYSIO),
        ("médecin-traitant", GP_SOUGHT),
        ("médecin", GP_SOUGHT),
        (GP_SOUGHT, GP_SOUGHT),
        (" SAGE-FEMME ", "Sage-femme"),
    ],
)
def test_the_profession_named_on_the_command_line(text: str, profession: str) -> None:
    assert profession_named(text) == profession
    assert profession in SOUGHT_PROFESSIONS


def test_an_unknown_profession_is_refused_in_french_naming_the_choices() -> None:
    with pytest.raises(DeskError) as refused:
        profession_named("dentiste")
    message = str(refused.value)
    assert message.startswith("Profession inconnue : « dentiste ». Choix possibles : médecin-traitant, ")
    assert "chirurgien-dentiste" in message and "orthophoniste" in message


def test_the_aci_figures_of_mission_1a_count_only_medecin_traitant_requests() -> None:
    patients = [
        patient(1, fragilities=["ALD"]),
        patient(2, profession_sought=GP_SOUGHT),
        patient(3, profession_sought=DENTIST, fragilities=["ALD"]),
        found(4, 10),
        found(5, 10, profession_sought=DENTIST),
    ]
    frame = to_frame(PATIENTS, patients)
    assert list(medecin_traitant_requests(frame)["id"]) == [1, 2, 4]
    assert waiting_patients(frame, TODAY).waiting == 2
    empty = pd.DataFrame()
    data = LiveData(patients=frame, members=empty, enrolments=empty, pathways=empty, actions=empty)
    assert (patients_found_in_year(data, TODAY.year), ald_patients_waiting(data)) == (1, 1)
