"""The record changes of the desk's follow-up: the plan confirmed into proposals, and the answers to pending
proposals (accepted, refused). Pure: records in, records out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.desk import DeskError, DeskRecords, doctor_name, is_open, slots_this_month
from domain.desk_plan import Plan
from schema.models import Patient, PatientStatus, Proposal, ProposalStatus

# --- confirming the plan -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Confirmation:
    proposals: list[Proposal]  # new rows
    patients: list[Patient]  # moved to "Proposé"
    skipped: list[str]  # patients left out, in French


def confirm(planned: Plan, kept: set[tuple[int, int]], records: DeskRecords, today: date) -> Confirmation:
    """The proposals to write for the (patient, GP) pairs kept, checked against fresh records: a patient
    no longer waiting, or already proposed, is left out (running twice proposes nothing twice); so is a GP
    who closed, or whose places went meanwhile, as the patient's first choice."""
    members = {m.id: m for m in records.members}
    free = {key: slots.free for key, slots in slots_this_month(records, today).items()}
    pending = {p.patient for p in records.proposals if p.status == ProposalStatus.PENDING}
    refused = {(p.patient, p.gp) for p in records.proposals if p.status == ProposalStatus.REFUSED}
    proposals, patients, skipped = [], [], []
    for item in planned.patients:
        chosen = [c for c in item.choices if (item.patient_id, c.member_id) in kept]
        if not chosen:
            continue
        patient = records.patient(item.patient_id)
        if patient is None or patient.status != PatientStatus.WAITING or item.patient_id in pending:
            skipped.append(f"{item.code} : n'est plus en attente (déjà orienté ou modifié entre-temps).")
            continue
        doctors_left = [
            c
            for c in chosen
            if c.member_id in members
            and is_open(members[c.member_id], today)
            and (item.patient_id, c.member_id) not in refused
        ]
        first = doctors_left[0] if doctors_left else None
        if first is None or free.get(first.member_id, 0) <= 0:
            skipped.append(f"{item.code} : le médecin proposé n'a plus de place ce mois-ci, relancez l'orientation.")
            continue
        free[first.member_id] -= 1
        for rank, choice in enumerate(doctors_left, start=1):
            member = members[choice.member_id]
            proposals.append(
                Proposal(
                    reference=f"{item.code} – {doctor_name(member)}",
                    patient=item.patient_id,
                    gp=choice.member_id,
                    rank=rank,
                    proposed_on=today,
                    status=ProposalStatus.PENDING,
                )
            )
        patients.append(patient.model_copy(update={"status": PatientStatus.PROPOSED}))
    return Confirmation(proposals, patients, skipped)


# --- follow-up ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """A coordinator's answer to one pending proposal."""

    proposal_id: int
    status: str  # ACCEPTED or REFUSED
    reason: str | None = None


@dataclass(frozen=True)
class Changes:
    patients: list[Patient]
    proposals: list[Proposal]


def answer(answers: Sequence[Answer], records: DeskRecords, today: date) -> Changes:
    """The record changes of these answers, all checked first (nothing is changed if one is wrong).

    Accepted: the patient has found a médecin traitant (status, GP and date recorded, one of that GP's places
    used); the patient's other pending proposals expire. Refused (a reason is required): that GP is never
    proposed to that patient again; the patient waits again if no other proposal is pending."""
    patients = {p.id: p for p in records.patients}
    proposals = {p.id: p for p in records.proposals}
    errors = _check_answers(answers, proposals, patients)
    if errors:
        raise DeskError("\n".join(errors))
    for item in answers:
        proposal = proposals[item.proposal_id]
        if item.status == ProposalStatus.ACCEPTED:
            proposals[item.proposal_id] = proposal.model_copy(update={"status": ProposalStatus.ACCEPTED})
            patients[proposal.patient] = patients[proposal.patient].model_copy(
                update={"status": PatientStatus.FOUND, "gp": proposal.gp, "found_date": today}
            )
            for other in proposals.values():
                if other.patient == proposal.patient and other.status == ProposalStatus.PENDING:
                    proposals[other.id] = other.model_copy(update={"status": ProposalStatus.EXPIRED})
        else:
            proposals[item.proposal_id] = proposal.model_copy(
                update={"status": ProposalStatus.REFUSED, "refusal_reason": (item.reason or "").strip()}
            )
    for item in answers:
        patient_id = proposals[item.proposal_id].patient
        still = any(p.patient == patient_id and p.status == ProposalStatus.PENDING for p in proposals.values())
        patient = patients[patient_id]
        if item.status == ProposalStatus.REFUSED and not still and patient.status == PatientStatus.PROPOSED:
            patients[patient_id] = patient.model_copy(update={"status": PatientStatus.WAITING})
    return Changes(_changed(records.patients, patients), _changed(records.proposals, proposals))


def _check_answers(
    answers: Sequence[Answer], proposals: Mapping[int | None, Proposal], patients: Mapping[int | None, Patient]
) -> list[str]:
    errors = []
    accepted: dict[int | None, int] = {}
    for item in answers:
        proposal = proposals.get(item.proposal_id)
        if proposal is None:
            errors.append(f"Proposition Id {item.proposal_id} : introuvable (supprimée entre-temps ?).")
            continue
        name = proposal.reference or f"Id {item.proposal_id}"
        if proposal.status != ProposalStatus.PENDING:
            errors.append(f"Proposition {name} : déjà « {proposal.status} », plus en attente de réponse.")
        elif proposal.patient not in patients:
            errors.append(f"Proposition {name} : patient introuvable.")
        elif item.status == ProposalStatus.REFUSED and not (item.reason or "").strip():
            errors.append(f"Proposition {name}, champ « Motif de refus » : indiquez le motif du refus.")
        elif item.status == ProposalStatus.ACCEPTED and proposal.patient in accepted:
            errors.append(f"Proposition {name} : une autre proposition de ce patient est déjà acceptée.")
        elif item.status not in (ProposalStatus.ACCEPTED, ProposalStatus.REFUSED):
            errors.append(f"Proposition {name} : réponse « {item.status} » inconnue.")
        if item.status == ProposalStatus.ACCEPTED:
            accepted[proposal.patient] = item.proposal_id
    return errors


def _changed(before: Sequence[Patient] | Sequence[Proposal], after: Mapping[int | None, Any]) -> list[Any]:
    return [after[record.id] for record in before if after[record.id] != record]
