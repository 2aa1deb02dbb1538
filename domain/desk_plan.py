"""The desk's matching plan: the members taking new patients and the patients waiting for one (the inputs of
`domain.matching`), who to propose to whom and why not for the others, and the plan as `./cpts match --json`
prints it. Each profession sought is matched on its own: its requests, the members of that profession."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from domain.desk import (
    DeskRecords,
    answers,
    doctor_name,
    for_profession,
    is_open,
    patient_label,
    slots_this_month,
    sought,
)
from domain.matching import Doctor, Place, Seeker, match, reasons
from domain.priority import Priority, Weights, patient_groups, priority, priority_of, waiting_days
from domain.problems import Problem
from schema.models import GP_SOUGHT, MEMBERS, SOUGHT_PROFESSIONS, Member, Patient, PatientStatus, ProposalStatus

# --- the matching inputs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Excluded:
    patient_id: int
    code: str
    reason: str
    profession: str = GP_SOUGHT  # the profession the request seeks


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
    records: DeskRecords, weights: Weights, places: Mapping[str, Place], today: date, profession: str = GP_SOUGHT
) -> tuple[list[Seeker], list[Excluded]]:
    """The patients waiting (`records`: the requests of `profession`) who may be proposed a member, and the
    others with the reason."""
    refused: dict[int | None, set[int]] = defaultdict(set)
    pending: set[int | None] = set()
    for proposal in records.proposals:
        if proposal.status == ProposalStatus.REFUSED and proposal.gp is not None:
            refused[proposal.patient].add(proposal.gp)
        elif proposal.status == ProposalStatus.PENDING:
            pending.add(proposal.patient)
    found, excluded = [], []
    for patient in records.patients:
        if patient.status != PatientStatus.WAITING or patient.id is None:
            continue
        reason = _exclusion(patient, patient.id in pending, places, noun(profession))
        if reason:
            excluded.append(Excluded(patient.id, patient_label(patient), reason, profession))
            continue
        groups = patient_groups(patient.fragilities, patient.birth_date, patient.age_band, today)
        found.append(
            Seeker(
                key=patient_label(patient),
                priority=priority_of(groups, patient.request_date, today, weights).score,
                waited_days=waiting_days(patient.request_date, today),
                place=places[patient.insee_code or ""],
                groups=groups,
                reduced_mobility=patient.reduced_mobility,
                refused=frozenset(refused[patient.id]),
            )
        )
    return found, excluded


def noun(profession: str) -> str:
    """How the reasons name the members proposed for this profession sought."""
    return "médecin" if profession == GP_SOUGHT else "professionnel"


def _exclusion(patient: Patient, has_pending: bool, places: Mapping[str, Place], who: str) -> str | None:
    if patient.objection:
        return f"opposition au partage des données : jamais proposé à un {who}"
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
    choices: tuple[Choice, ...]  # the member assigned first, then the alternatives
    profession: str = GP_SOUGHT  # the profession the request seeks


@dataclass(frozen=True)
class Plan:
    patients: tuple[PatientPlan, ...]  # most urgent first
    unmatched: tuple[Excluded, ...]
    problems: tuple[Problem, ...]  # GPs left out for bad data

    def pairs(self) -> set[tuple[int, int]]:
        """Every (patient Id, member Id) proposed."""
        return {(p.patient_id, c.member_id) for p in self.patients for c in p.choices}


def professions_at_desk(records: DeskRecords) -> list[str]:
    """The professions some waiting request seeks or some member taking new patients answers, in the order of
    Patients « Profession recherchée »."""
    waiting = {sought(p) for p in records.patients if p.status == PatientStatus.WAITING}
    offered = [m for m in records.members if m.accepts_new_patients]
    return [p for p in SOUGHT_PROFESSIONS if p in waiting or any(answers(m, p) for m in offered)]


def plan(
    records: DeskRecords, weights: Weights, places: Mapping[str, Place], today: date, profession: str | None = None
) -> Plan:
    """Who to propose to whom, and why not for the others: for this profession, else for each profession on
    its own (its requests, its members)."""
    parts = [
        _plan(for_profession(records, name), weights, places, today, name)
        for name in ([profession] if profession else professions_at_desk(records))
    ]
    return Plan(
        tuple(item for part in parts for item in part.patients),
        tuple(item for part in parts for item in part.unmatched),
        tuple(item for part in parts for item in part.problems),
    )


def _plan(records: DeskRecords, weights: Weights, places: Mapping[str, Place], today: date, profession: str) -> Plan:
    """The plan of one profession: `records` holds only its requests and members."""
    candidates, excluded = seekers(records, weights, places, today, profession)
    available, problems = doctors(records, places, today)
    result = match(candidates, available, noun(profession))
    seeker_of = {s.key: s for s in candidates}
    doctor_of = {d.key: d for d in available}
    patient_of = {patient_label(p): p for p in records.patients if p.status == PatientStatus.WAITING}
    planned = []
    for assignment in result.assignments:
        patient = patient_of[assignment.patient]
        seeker = seeker_of[assignment.patient]
        options = ((assignment.doctor, assignment.closeness), *assignment.alternatives)
        choices = tuple(
            Choice(key, rank, lvl, tuple(reasons(seeker, doctor_of[key])))
            for rank, (key, lvl) in enumerate(options, start=1)
        )
        assert patient.id is not None
        score = patient_priority(patient, weights, today)
        planned.append(PatientPlan(patient.id, seeker.key, score, choices, profession))
    unmatched = [Excluded(patient_of[u.patient].id or 0, u.patient, u.reason, profession) for u in result.unmatched]
    return Plan(tuple(planned), tuple(excluded + unmatched), tuple(problems))


def plan_as_dict(planned: Plan, members: Sequence[Member]) -> dict[str, list[dict[str, object]]]:
    """The plan as `./cpts match --json` prints it: members by RPPS, the profession sought, reasons in French."""
    rpps = {m.id: m.rpps for m in members}
    return {
        "assignment": [
            {
                "patient": item.code,
                "profession": item.profession,
                "doctor": rpps.get(item.choices[0].member_id),
                "alternatives": [rpps.get(c.member_id) for c in item.choices[1:]],
                "reasons": [f"priorité {item.priority.score} : {item.priority.explanation}", *item.choices[0].reasons],
            }
            for item in planned.patients
        ],
        "unmatched": [{"patient": u.code, "profession": u.profession, "reason": u.reason} for u in planned.unmatched],
    }
