"""The desk (a médecin traitant, or any profession a request seeks): from the records of Patients, Membres
and Propositions to a matching plan, and the record changes of each step (proposals confirmed, accepted,
refused). Pure: records in, records out. This module holds the records, the professions, the slots and the
figures; the plan is made by `domain.desk_plan`, the record changes by `domain.proposals`.

Slots this month (a member's "places" in French; a `Place` is a location, see domain.matching): a GP's monthly
capacity, minus the patients who found that GP as médecin traitant this month, minus the patients waiting for
an answer whose first pending proposal is that GP (each patient waiting for an answer holds one place, at the
first GP proposed to them that has not answered yet).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

from domain.access_log import patient_reference
from domain.priority import is_aci_fragile
from errors import Refused
from schema.models import (
    DENTIST,
    GP_SOUGHT,
    PHYSICIAN,
    SOUGHT_PROFESSIONS,
    Member,
    Patient,
    PatientStatus,
    Proposal,
    ProposalStatus,
)

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


# --- professions -------------------------------------------------------------------------------------
# A Patients row is one request for one profession (« Profession recherchée », empty: médecin traitant); it is
# matched only to the members of that profession, so refusals, slots and figures stay per profession.


def sought(patient: Patient) -> str:
    """The profession this request seeks (an empty value, as in the requests made before, is a GP)."""
    return patient.profession_sought or GP_SOUGHT


def answers(member: Member, profession: str) -> bool:
    """Whether this member answers requests for this profession (no profession given: a GP, as before)."""
    return (member.profession or SOUGHT_PROFESSIONS[GP_SOUGHT]) == SOUGHT_PROFESSIONS[profession]


def for_profession(records: DeskRecords, profession: str) -> DeskRecords:
    """The requests for this profession, the members who answer them, and the proposals of these requests."""
    patients = [p for p in records.patients if sought(p) == profession]
    ids = {p.id for p in patients}
    members = [m for m in records.members if answers(m, profession)]
    return DeskRecords(patients, members, [p for p in records.proposals if p.patient in ids])


def cli_name(profession: str) -> str:
    """How `./cpts match --profession` names a profession: « médecin-traitant » aside, its name in lower case."""
    return "médecin-traitant" if profession == GP_SOUGHT else profession.lower()


def profession_named(text: str) -> str:
    """The profession sought named by `text` (its option, its CLI name, or the Membres profession), else a
    French error naming the choices."""
    wanted = text.strip().lower()
    for profession, member_profession in SOUGHT_PROFESSIONS.items():
        if wanted in (profession.lower(), cli_name(profession), member_profession.lower()):
            return profession
    choices = ", ".join(cli_name(p) for p in SOUGHT_PROFESSIONS)
    raise DeskError(f"Profession inconnue : « {text} ». Choix possibles : {choices}.")


def patient_label(patient: Patient) -> str:
    """The patient's code, or its NocoDB Id when it has none yet (e.g. typed in the grid)."""
    return patient_reference(patient.code, patient.id)


def without_code(patients: Iterable[Patient]) -> list[int]:
    """The NocoDB Ids of the patients that have no code (shown and journaled as « Id 12 » meanwhile)."""
    return [p.id for p in patients if p.id is not None and not (p.code or "").strip()]


def doctor_name(member: Member) -> str:
    """« Dr First Last » for a physician or a dentist (or a member with no profession), else « First Last »."""
    name = " ".join(part for part in (member.first_name, member.last_name) if part) or f"Id {member.id}"
    return f"Dr {name}" if member.profession in (None, PHYSICIAN, DENTIST) else name


# --- slots -------------------------------------------------------------------------------------------


def _first_pending(proposals: Iterable[Proposal]) -> Proposal | None:
    pending = [p for p in proposals if p.status == ProposalStatus.PENDING]
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
        if patient.status == PatientStatus.FOUND and patient.gp is not None and _same_month(patient.found_date, today):
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
    """A member (of any profession) who takes new patients as of today."""
    available = member.available_from is None or member.available_from <= today
    return member.active and member.accepts_new_patients and available


# --- figures -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeskFigures:
    waiting: int
    waiting_fragile: int  # ALD, 70 ans et plus or C2S/AME
    found_this_year: int
    found_fragile_this_year: int
    median_days_to_found: float | None  # this year's
    stale_proposals: int  # pending for more than 15 days


def figures_by_profession(records: DeskRecords, today: date) -> dict[str, DeskFigures]:
    """The figures of each profession some request seeks, médecin traitant first."""
    asked = {sought(p) for p in records.patients}
    return {p: desk_figures(for_profession(records, p), today) for p in SOUGHT_PROFESSIONS if p in asked}


def found_this_year(records: DeskRecords, today: date) -> list[Patient]:
    """The patients who found one in `today`'s year."""
    return [
        p
        for p in records.patients
        if p.status == PatientStatus.FOUND and p.found_date is not None and p.found_date.year == today.year
    ]


def found_delays(found: Iterable[Patient]) -> list[int]:
    """Days from the request to the day each of `found` found one (those with both dates)."""
    return [(p.found_date - p.request_date).days for p in found if p.found_date and p.request_date]


def median_days_to_found(found: Iterable[Patient]) -> float | None:
    """The median of `found_delays`, None when no patient has both dates."""
    delays = found_delays(found)
    return float(median(delays)) if delays else None


def waiting_patients(records: DeskRecords) -> list[Patient]:
    return [p for p in records.patients if p.status == PatientStatus.WAITING]


def desk_figures(records: DeskRecords, today: date) -> DeskFigures:
    def fragile(patient: Patient) -> bool:  # when they found their MT, else today
        return is_aci_fragile(patient.fragilities, patient.birth_date, patient.age_band, patient.found_date or today)

    waiting = waiting_patients(records)
    found = found_this_year(records, today)
    limit = today - timedelta(days=STALE_DAYS)
    stale = [
        p for p in records.proposals if p.status == ProposalStatus.PENDING and p.proposed_on and p.proposed_on < limit
    ]
    return DeskFigures(
        waiting=len(waiting),
        waiting_fragile=sum(map(fragile, waiting)),
        found_this_year=len(found),
        found_fragile_this_year=sum(map(fragile, found)),
        median_days_to_found=median_days_to_found(found),
        stale_proposals=len(stale),
    )
