"""The proposals of GPs to patients (Propositions), consistent with each patient's status: accepted (sometimes
after a refusal) for those who found a GP, open for those proposed, expired for some who dropped out."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from demo.patients import DATA, GpPicker, available
from demo.world import World, between
from schema.models import Member, Patient, PatientStatus, Proposal


def proposals(world: World, patients: list[Patient], members: list[Member]) -> list[Proposal]:
    rng = world.rng("proposals")
    picker = GpPicker(members)
    names = {member.id: member.last_name for member in members}
    rows: list[dict[str, Any]] = []
    for patient in patients:
        if patient.status == PatientStatus.FOUND:
            rows += _found_proposals(rng, patient, picker.for_patient(patient, world.today))
        elif patient.status == PatientStatus.PROPOSED:
            candidates = available(picker.for_patient(patient, world.today), world.today + timedelta(days=30))
            rows += _open_proposals(world, rng, patient, candidates)
        elif patient.status == PatientStatus.DROPPED and rng.random() < 0.4:
            expired = _expired_proposal(rng, patient, picker.for_patient(patient, world.today))
            # Never proposed if they objected to data sharing (drawn anyway: every other patient stays the same).
            rows += [] if patient.objection else expired
    code_of = {patient.id: patient.code for patient in patients}
    return [
        Proposal(id=position, reference=f"{code_of[row['patient']]} – Dr {names[row['gp']]}", **row)
        for position, row in enumerate(rows, start=1)
    ]


def _found_proposals(rng: random.Random, patient: Patient, candidates: list[Member]) -> list[dict[str, Any]]:
    """The accepted proposal of the GP the patient found, sometimes after a refused one."""
    assert patient.request_date and patient.found_date
    accepted_on = between(rng, max(patient.request_date, patient.found_date - timedelta(days=14)), patient.found_date)
    others = [gp for gp in candidates if gp.id != patient.gp]
    rows = []
    if others and rng.random() < 0.3 and accepted_on > patient.request_date:
        refused_on = between(rng, patient.request_date, accepted_on - timedelta(days=1))
        rows.append(
            {
                "patient": patient.id,
                "gp": rng.choice(others).id,
                "rank": 1,
                "proposed_on": refused_on,
                "status": "Refusée",
                "refusal_reason": rng.choice(DATA["refusal_reasons"]),
            }
        )
    rows.append(
        {
            "patient": patient.id,
            "gp": patient.gp,
            "rank": len(rows) + 1,
            "proposed_on": accepted_on,
            "status": "Acceptée",
        }
    )
    return rows


def _open_proposals(
    world: World, rng: random.Random, patient: Patient, candidates: list[Member]
) -> list[dict[str, Any]]:
    """1 to 3 GPs proposed together, awaiting an answer."""
    assert patient.request_date
    waited = (world.today - patient.request_date).days
    proposed_on = world.days_ago(rng.randint(0, min(waited, 21)))
    chosen = rng.sample(candidates, k=min(rng.randint(1, 3), len(candidates)))
    return [
        {"patient": patient.id, "gp": gp.id, "rank": rank, "proposed_on": proposed_on, "status": "Proposée"}
        for rank, gp in enumerate(chosen, start=1)
    ]


def _expired_proposal(rng: random.Random, patient: Patient, candidates: list[Member]) -> list[dict[str, Any]]:
    assert patient.request_date and patient.closed_date
    proposed_on = between(rng, patient.request_date, patient.closed_date)
    return [
        {
            "patient": patient.id,
            "gp": rng.choice(candidates).id,
            "rank": 1,
            "proposed_on": proposed_on,
            "status": "Expirée",
        }
    ]
