"""The médecin-traitant desk: from the records of Patients, Membres and Propositions to a matching plan,
and the record changes of each step (proposals confirmed, accepted, refused). Pure: records in, records out.

Slots this month (a GP's "places" in French; a `Place` is a location, see domain.matching): a GP's monthly
capacity, minus the patients who found that GP as médecin traitant this month, minus the patients waiting for
an answer whose first pending proposal is that GP (each patient waiting for an answer holds one place, at the
first GP proposed to them that has not answered yet).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median
from typing import Any

from domain.matching import Doctor, Place, Seeker, match, reasons
from domain.priority import Priority, Weights, is_aci_fragile, patient_groups, priority, waiting_days
from domain.problems import Problem
from errors import Refused
from schema.models import (
    MEMBERS,
    PATIENT_FOUND,
    PATIENT_PROPOSED,
    PATIENT_WAITING,
    PROPOSAL_STATUSES,
    Member,
    Patient,
    Proposal,
)

PENDING, ACCEPTED, REFUSED, EXPIRED = PROPOSAL_STATUSES
STALE_DAYS = 15


class DeskError(Refused):
    """A follow-up step that cannot be done, told in French."""


@dataclass(frozen=True)
class DeskRecords:
    patients: Sequence[Patient]
    members: Sequence[Member]
    proposals: Sequence[Proposal]

    def patient(self, patient_id: int | None) -> Patient | None:
        return next((p for p in self.patients if p.id == patient_id), None)

    def proposals_of(self, patient_id: int | None) -> list[Proposal]:
        return [p for p in self.proposals if p.patient == patient_id]


def patient_label(patient: Patient) -> str:
    """The patient's code, or its NocoDB Id when it has none yet (e.g. typed in the grid)."""
    return patient.code or f"Id {patient.id}"


def doctor_name(member: Member) -> str:
    return f"Dr {' '.join(part for part in (member.first_name, member.last_name) if part) or f'Id {member.id}'}"


# --- slots -------------------------------------------------------------------------------------------


def _first_pending(proposals: Iterable[Proposal]) -> Proposal | None:
    pending = [p for p in proposals if p.status == PENDING]
    return min(pending, key=lambda p: (p.rank or 99, p.proposed_on or date.max, p.id or 0), default=None)


def _same_month(day: date | None, today: date) -> bool:
    return day is not None and (day.year, day.month) == (today.year, today.month)


@dataclass(frozen=True)
class Slots:
    """A GP's places this month."""

    capacity: int
    found: int  # patients who found this GP as médecin traitant this month
    pending: int  # patients holding a place while they answer

    @property
    def used(self) -> int:
        return self.found + self.pending

    @property
    def free(self) -> int:
        return max(self.capacity - self.used, 0)


def slots_this_month(records: DeskRecords, today: date) -> dict[int, Slots]:
    """Slots of every member this month (capacity 0 for those who gave none)."""
    found: dict[int, int] = defaultdict(int)
    for patient in records.patients:
        if patient.status == PATIENT_FOUND and patient.gp is not None and _same_month(patient.found_date, today):
            found[patient.gp] += 1
    pending: dict[int, int] = defaultdict(int)
    by_patient: dict[int | None, list[Proposal]] = defaultdict(list)
    for proposal in records.proposals:
        by_patient[proposal.patient].append(proposal)
    for proposals in by_patient.values():
        first = _first_pending(proposals)
        if first is not None and first.gp is not None:
            pending[first.gp] += 1
    return {
        m.id: Slots(m.monthly_capacity or 0, found[m.id], pending[m.id]) for m in records.members if m.id is not None
    }


def is_open(member: Member, today: date) -> bool:
    """A GP who takes new patients as of today."""
    available = member.available_from is None or member.available_from <= today
    return member.active and member.accepts_new_patients and available


# --- the matching inputs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Excluded:
    patient_id: int
    code: str
    reason: str


def doctors(records: DeskRecords, places: Mapping[str, Place], today: date) -> tuple[list[Doctor], list[Problem]]:
    """The GPs taking new patients (those not available yet have no free place), and the GPs left out."""
    free = slots_this_month(records, today)
    found: list[Doctor] = []
    problems: list[Problem] = []
    for member in records.members:
        if member.id is None or not (member.active and member.accepts_new_patients):
            continue
        place = places.get(member.insee_code or "")
        if place is None:
            commune = f"commune « {member.insee_code} » inconnue" if member.insee_code else "commune non renseignée"
            reason = f"{commune} : {doctor_name(member)} n'est jamais proposé"
            problems.append(Problem(MEMBERS.title, member.id, MEMBERS.field("insee_code").title, reason))
            continue
        places_left = free[member.id].free if is_open(member, today) else 0
        found.append(Doctor(member.id, place, frozenset(member.populations_accepted), member.home_visits, places_left))
    return found, problems


def seekers(
    records: DeskRecords, weights: Weights, places: Mapping[str, Place], today: date
) -> tuple[list[Seeker], list[Excluded]]:
    """The patients waiting for a médecin traitant who may be proposed a GP, and the others with the reason."""
    refused: dict[int | None, set[int]] = defaultdict(set)
    pending: set[int | None] = set()
    for proposal in records.proposals:
        if proposal.status == REFUSED and proposal.gp is not None:
            refused[proposal.patient].add(proposal.gp)
        elif proposal.status == PENDING:
            pending.add(proposal.patient)
    found, excluded = [], []
    for patient in records.patients:
        if patient.status != PATIENT_WAITING or patient.id is None:
            continue
        reason = _exclusion(patient, patient.id in pending, places)
        if reason:
            excluded.append(Excluded(patient.id, patient_label(patient), reason))
            continue
        score = patient_priority(patient, weights, today)
        found.append(
            Seeker(
                key=patient_label(patient),
                priority=score.score,
                waited_days=waiting_days(patient.request_date, today),
                place=places[patient.insee_code or ""],
                groups=patient_groups(patient.fragilities, patient.birth_date, patient.age_band, today),
                reduced_mobility=patient.reduced_mobility,
                refused=frozenset(refused[patient.id]),
            )
        )
    return found, excluded


def _exclusion(patient: Patient, has_pending: bool, places: Mapping[str, Place]) -> str | None:
    if patient.objection:
        return "opposition au partage des données : jamais proposé à un médecin"
    if not patient.consent:
        return "consentement à être orienté non recueilli"
    if has_pending:
        return "a déjà des propositions en attente de réponse"
    if not patient.insee_code:
        return "commune non renseignée"
    if patient.insee_code not in places:
        return f"commune « {patient.insee_code} » inconnue"
    return None


def patient_priority(patient: Patient, weights: Weights, today: date) -> Priority:
    return priority(patient.fragilities, patient.birth_date, patient.age_band, patient.request_date, today, weights)


# --- the plan ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One GP proposed to one patient."""

    member_id: int
    rank: int
    level: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class PatientPlan:
    patient_id: int
    code: str
    priority: Priority
    choices: tuple[Choice, ...]  # the GP assigned first, then the alternatives


@dataclass(frozen=True)
class Plan:
    patients: tuple[PatientPlan, ...]  # most urgent first
    unmatched: tuple[Excluded, ...]
    problems: tuple[Problem, ...]  # GPs left out for bad data

    def pairs(self) -> set[tuple[int, int]]:
        """Every (patient Id, member Id) proposed."""
        return {(p.patient_id, c.member_id) for p in self.patients for c in p.choices}


def plan(records: DeskRecords, weights: Weights, places: Mapping[str, Place], today: date) -> Plan:
    """Who to propose to whom, and why not for the others."""
    candidates, excluded = seekers(records, weights, places, today)
    available, problems = doctors(records, places, today)
    result = match(candidates, available)
    seeker_of = {s.key: s for s in candidates}
    doctor_of = {d.key: d for d in available}
    patient_of = {patient_label(p): p for p in records.patients if p.status == PATIENT_WAITING}
    planned = []
    for assignment in result.assignments:
        patient = patient_of[assignment.patient]
        seeker = seeker_of[assignment.patient]
        options = ((assignment.doctor, assignment.level), *assignment.alternatives)
        choices = tuple(
            Choice(key, rank, lvl, tuple(reasons(seeker, doctor_of[key])))
            for rank, (key, lvl) in enumerate(options, start=1)
        )
        assert patient.id is not None
        planned.append(PatientPlan(patient.id, seeker.key, patient_priority(patient, weights, today), choices))
    unmatched = [Excluded(patient_of[u.patient].id or 0, u.patient, u.reason) for u in result.unmatched]
    return Plan(tuple(planned), tuple(excluded + unmatched), tuple(problems))


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
    pending = {p.patient for p in records.proposals if p.status == PENDING}
    refused = {(p.patient, p.gp) for p in records.proposals if p.status == REFUSED}
    proposals, patients, skipped = [], [], []
    for item in planned.patients:
        chosen = [c for c in item.choices if (item.patient_id, c.member_id) in kept]
        if not chosen:
            continue
        patient = records.patient(item.patient_id)
        if patient is None or patient.status != PATIENT_WAITING or item.patient_id in pending:
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
                    status=PENDING,
                )
            )
        patients.append(patient.model_copy(update={"status": PATIENT_PROPOSED}))
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
        if item.status == ACCEPTED:
            proposals[item.proposal_id] = proposal.model_copy(update={"status": ACCEPTED})
            patients[proposal.patient] = patients[proposal.patient].model_copy(
                update={"status": PATIENT_FOUND, "gp": proposal.gp, "found_date": today}
            )
            for other in proposals.values():
                if other.patient == proposal.patient and other.status == PENDING:
                    proposals[other.id] = other.model_copy(update={"status": EXPIRED})
        else:
            proposals[item.proposal_id] = proposal.model_copy(
                update={"status": REFUSED, "refusal_reason": (item.reason or "").strip()}
            )
    for item in answers:
        patient_id = proposals[item.proposal_id].patient
        still = any(p.patient == patient_id and p.status == PENDING for p in proposals.values())
        patient = patients[patient_id]
        if item.status == REFUSED and not still and patient.status == PATIENT_PROPOSED:
            patients[patient_id] = patient.model_copy(update={"status": PATIENT_WAITING})
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
        if proposal.status != PENDING:
            errors.append(f"Proposition {name} : déjà « {proposal.status} », plus en attente de réponse.")
        elif proposal.patient not in patients:
            errors.append(f"Proposition {name} : patient introuvable.")
        elif item.status == REFUSED and not (item.reason or "").strip():
            errors.append(f"Proposition {name}, champ « Motif de refus » : indiquez le motif du refus.")
        elif item.status == ACCEPTED and proposal.patient in accepted:
            errors.append(f"Proposition {name} : une autre proposition de ce patient est déjà acceptée.")
        elif item.status not in (ACCEPTED, REFUSED):
            errors.append(f"Proposition {name} : réponse « {item.status} » inconnue.")
        if item.status == ACCEPTED:
            accepted[proposal.patient] = item.proposal_id
    return errors


def _changed(before: Sequence[Patient] | Sequence[Proposal], after: Mapping[int | None, Any]) -> list[Any]:
    return [after[record.id] for record in before if after[record.id] != record]


# --- figures -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeskFigures:
    waiting: int
    waiting_fragile: int  # ALD, 70 ans et plus or C2S/AME
    found_this_year: int
    found_fragile_this_year: int
    median_days_to_found: float | None  # this year's
    stale_proposals: int  # pending for more than 15 days


def desk_figures(records: DeskRecords, today: date) -> DeskFigures:
    def fragile(patient: Patient) -> bool:  # when they found their MT, else today
        return is_aci_fragile(patient.fragilities, patient.birth_date, patient.age_band, patient.found_date or today)

    waiting = [p for p in records.patients if p.status == PATIENT_WAITING]
    found = [
        p
        for p in records.patients
        if p.status == PATIENT_FOUND and p.found_date is not None and p.found_date.year == today.year
    ]
    delays = [(p.found_date - p.request_date).days for p in found if p.found_date and p.request_date]
    limit = today - timedelta(days=STALE_DAYS)
    stale = [p for p in records.proposals if p.status == PENDING and p.proposed_on and p.proposed_on < limit]
    return DeskFigures(
        waiting=len(waiting),
        waiting_fragile=sum(map(fragile, waiting)),
        found_this_year=len(found),
        found_fragile_this_year=sum(map(fragile, found)),
        median_days_to_found=float(median(delays)) if delays else None,
        stale_proposals=len(stale),
    )


def plan_as_dict(planned: Plan, members: Sequence[Member]) -> dict[str, list[dict[str, object]]]:
    """The plan as `./cpts match --json` prints it: GPs by RPPS, reasons in French."""
    rpps = {m.id: m.rpps for m in members}
    return {
        "assignment": [
            {
                "patient": item.code,
                "doctor": rpps.get(item.choices[0].member_id),
                "alternatives": [rpps.get(c.member_id) for c in item.choices[1:]],
                "reasons": [f"priorité {item.priority.score} : {item.priority.explanation}", *item.choices[0].reasons],
            }
            for item in planned.patients
        ],
        "unmatched": [{"patient": u.code, "reason": u.reason} for u in planned.unmatched],
    }
