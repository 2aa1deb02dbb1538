"""Optimal matching of patients waiting for a médecin traitant with the GPs taking new patients.

Constraints: a GP takes at most its free places; only the populations it accepts ("Tous", or at least one
of the patient's groups); a patient with reduced mobility only goes to a GP who does home visits; closeness
by steps (same commune, same EPT/EPCI, same département, nothing beyond); a GP a patient refused is never
proposed again to that patient.

Objective, lexicographic: the largest total priority of the patients matched; then the most patients
matched; then the closest GPs. Solved exactly (not greedily) as a min-cost flow: patients who can go to
exactly the same GPs at the same closeness form one class, GPs alike in every respect form one class, so the
flow network stays small (`domain.min_cost_flow`); the flow is then spread back over patients (the most
urgent first) and GPs (the most free places first). Deterministic: same input, same output.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np

from domain.min_cost_flow import transport
from schema.models import Population


class Closeness(IntEnum):
    """How close two places are, smaller is closer (the matching minimises the sum over its assignments)."""

    COMMUNE = 0
    INTERCOMMUNALITY = 1  # same EPT in the Grand Paris, else same EPCI
    DEPARTMENT = 2
    FARTHER = 3  # beyond the département: never proposed here, listed last by `domain.referral.nearest_first`


ALTERNATIVES = 2


@dataclass(frozen=True, order=True)
class Place:
    """Where someone lives or practises: commune, its EPT (else EPCI), its département."""

    commune: str  # INSEE code
    commune_name: str
    group: str | None  # code of the EPT, else of the EPCI
    group_name: str | None  # "EPT Grand Paris Seine Ouest"
    department: str


def closeness(a: Place, b: Place) -> Closeness:
    """COMMUNE, INTERCOMMUNALITY, DEPARTMENT, else FARTHER."""
    if a.commune == b.commune:
        return Closeness.COMMUNE
    if a.group is not None and a.group == b.group:
        return Closeness.INTERCOMMUNALITY
    if a.department == b.department:
        return Closeness.DEPARTMENT
    return Closeness.FARTHER


@dataclass(frozen=True)
class Seeker:
    """A patient to match."""

    key: str  # patient code
    priority: int
    waited_days: int  # tie-break among equal priorities: the longest wait first
    place: Place
    groups: frozenset[str]  # populations (ALD, 70 ans et plus, Enfants, ...)
    reduced_mobility: bool = False
    refused: frozenset[int] = frozenset()  # GPs this patient refused


@dataclass(frozen=True)
class Doctor:
    """A GP taking new patients."""

    key: int  # member Id
    place: Place
    populations: frozenset[str]  # accepted; empty means everyone
    home_visits: bool
    free: int  # places left this month before this matching


@dataclass(frozen=True)
class Assignment:
    patient: str
    doctor: int
    closeness: Closeness
    alternatives: tuple[tuple[int, Closeness], ...]  # (doctor, closeness), best first


@dataclass(frozen=True)
class Unmatched:
    patient: str
    reason: str


@dataclass(frozen=True)
class Matching:
    assignments: tuple[Assignment, ...]
    unmatched: tuple[Unmatched, ...]


@dataclass(frozen=True)
class Objective:
    """What the matching maximises, in this order: total priority, patients matched, then closeness
    (`distance`: Σ closeness, smaller is better)."""

    priority: int
    matched: int
    distance: int

    def key(self) -> tuple[int, int, int]:
        return (self.priority, self.matched, -self.distance)


EVERYONE: str = Population.EVERYONE.value  # plain text, looked up ~250 000 times in a matching of the large demo


def accepts(doctor: Doctor, seeker: Seeker) -> bool:
    return not doctor.populations or EVERYONE in doctor.populations or bool(doctor.populations & seeker.groups)


def closeness_if_proposable(seeker: Seeker, doctor: Doctor) -> Closeness | None:
    """How close this GP is if they may be proposed to this patient (capacity aside), else None."""
    if doctor.key in seeker.refused or not accepts(doctor, seeker):
        return None
    if seeker.reduced_mobility and not doctor.home_visits:
        return None
    near = closeness(seeker.place, doctor.place)
    return None if near == Closeness.FARTHER else near


def objective(assignments: Iterable[Assignment], seekers: Sequence[Seeker]) -> Objective:
    priorities = {seeker.key: seeker.priority for seeker in seekers}
    chosen = list(assignments)
    return Objective(
        sum(priorities[a.patient] for a in chosen), len(chosen), sum(assignment.closeness for assignment in chosen)
    )


def match(seekers: Sequence[Seeker], doctors: Sequence[Doctor]) -> Matching:
    """The optimal assignment, each patient's alternatives, and why the others are left unmatched."""
    if len({s.key for s in seekers}) != len(seekers) or len({d.key for d in doctors}) != len(doctors):
        raise ValueError("patients and doctors must have distinct keys")
    network = _Network.build(seekers, sorted(doctors, key=lambda d: d.key))
    flow = transport(network.tiers(), network.costs, network.capacity())
    chosen = network.spread(flow)
    assignments = network.with_alternatives(chosen)
    matched = {a.patient for a in assignments}
    unmatched = [Unmatched(s.key, network.why_unmatched(s)) for s in seekers if s.key not in matched]
    ordered = sorted(assignments, key=lambda a: network.urgency[a.patient])
    return Matching(tuple(ordered), tuple(sorted(unmatched, key=lambda u: network.urgency[u.patient])))


# --- the compressed network ---------------------------------------------------------------------------

DoctorProfile = tuple[Place, tuple[str, ...], bool, int]  # place, populations, home visits, own key or -1
SeekerProfile = tuple[Place, tuple[str, ...], bool, tuple[int, ...]]  # place, groups, mobility, GPs refused
Explained = tuple[Place, frozenset[str], bool, frozenset[int]]  # what why_unmatched depends on


def _doctor_profile(doctor: Doctor, singled_out: set[int]) -> DoctorProfile:
    """What makes GPs interchangeable; a GP some patient refused stays on its own."""
    alone = doctor.key if doctor.key in singled_out else -1
    return (doctor.place, tuple(sorted(doctor.populations)), doctor.home_visits, alone)


def _seeker_profile(seeker: Seeker, singled_out: set[int]) -> SeekerProfile:
    return (
        seeker.place,
        tuple(sorted(seeker.groups)),
        seeker.reduced_mobility,
        tuple(sorted(seeker.refused & singled_out)),
    )


@dataclass
class _Network:
    seekers: Sequence[Seeker]
    doctors: Sequence[Doctor]
    doctor_classes: list[list[Doctor]]
    seeker_classes: list[list[Seeker]]  # each sorted by urgency
    arcs: list[tuple[tuple[int, Closeness], ...]]  # per seeker class: (doctor class, closeness)
    costs: np.ndarray
    urgency: dict[str, tuple[int, int, str]]
    free_after: dict[int, int] = field(default_factory=dict)  # places left per GP once the flow is spread
    explained: dict[Explained, str] = field(default_factory=dict)  # why_unmatched, per patient profile

    @classmethod
    def build(cls, seekers: Sequence[Seeker], doctors: Sequence[Doctor]) -> _Network:
        singled_out = {key for s in seekers for key in s.refused}
        by_profile: dict[DoctorProfile, list[Doctor]] = defaultdict(list)
        for doctor in doctors:
            by_profile[_doctor_profile(doctor, singled_out)].append(doctor)
        doctor_classes = [by_profile[profile] for profile in sorted(by_profile)]
        arcs_of_profile: dict[SeekerProfile, tuple[tuple[int, Closeness], ...]] = {}
        by_arcs: dict[tuple[tuple[int, Closeness], ...], list[Seeker]] = defaultdict(list)
        for seeker in seekers:
            profile = _seeker_profile(seeker, singled_out)
            if profile not in arcs_of_profile:
                found = (
                    (index, closeness_if_proposable(seeker, members[0])) for index, members in enumerate(doctor_classes)
                )
                arcs_of_profile[profile] = tuple((index, near) for index, near in found if near is not None)
            by_arcs[arcs_of_profile[profile]].append(seeker)
        urgency = {s.key: (-s.priority, -s.waited_days, s.key) for s in seekers}
        arc_lists = sorted(arc for arc in by_arcs if arc)
        seeker_classes = [sorted(by_arcs[arc], key=lambda s: urgency[s.key]) for arc in arc_lists]
        costs = np.full((len(arc_lists), len(doctor_classes)), -1, dtype=np.int64)
        for row, arc in enumerate(arc_lists):
            for column, near in arc:
                costs[row, column] = near
        return cls(seekers, doctors, doctor_classes, seeker_classes, arc_lists, costs, urgency)

    def capacity(self) -> list[int]:
        return [sum(max(d.free, 0) for d in members) for members in self.doctor_classes]

    def tiers(self) -> list[list[tuple[int, int]]]:
        """Per seeker class, (gain, patients) by priority, highest first. Gains make the objective
        lexicographic: one point of priority outweighs any number of extra patients or of closeness steps,
        one extra patient outweighs any number of closeness steps."""
        bound = min(len(self.seekers), sum(self.capacity()))
        per_patient = 2 * bound + 1  # > the largest total of closeness
        per_point = bound * per_patient + 2 * bound + 1  # > the largest total of patients and closeness
        tiers = []
        for members in self.seeker_classes:
            counts: dict[int, int] = defaultdict(int)
            for seeker in members:
                counts[seeker.priority] += 1
            tiers.append([(p * per_point + per_patient, n) for p, n in sorted(counts.items(), reverse=True)])
        return tiers

    def spread(self, flow: np.ndarray) -> list[tuple[Seeker, Doctor, Closeness]]:
        """The flow back to people: in each class the most urgent patients, closest GP classes first; in a
        GP class, the GP with the most free places left first."""
        free = {d.key: max(d.free, 0) for d in self.doctors}
        heaps = [[(-free[d.key], d.key) for d in members] for members in self.doctor_classes]
        doctor_of = {d.key: d for d in self.doctors}
        for heap in heaps:
            heapq.heapify(heap)
        chosen = []
        for row, members in enumerate(self.seeker_classes):
            queue = iter(members)
            for column, near in sorted(self.arcs[row], key=lambda arc: (arc[1], arc[0])):
                for _ in range(int(flow[row, column])):
                    seeker = next(queue)
                    left, key = heapq.heappop(heaps[column])
                    if left < -1:
                        heapq.heappush(heaps[column], (left + 1, key))
                    free[key] -= 1
                    chosen.append((seeker, doctor_of[key], near))
        self.free_after = free
        return chosen

    def with_alternatives(self, chosen: list[tuple[Seeker, Doctor, Closeness]]) -> list[Assignment]:
        """Each assignment with up to 2 other GPs open to that patient: GPs still with a free place after this
        matching first, then the closest, then the most free places."""
        ranked: dict[int, list[tuple[int, Closeness]]] = {}
        row_of = {s.key: row for row, members in enumerate(self.seeker_classes) for s in members}
        assignments = []
        for seeker, doctor, near in chosen:
            row = row_of[seeker.key]
            if row not in ranked:
                ranked[row] = self._ranked_doctors(row)
            others = [choice for choice in ranked[row] if choice[0] != doctor.key][:ALTERNATIVES]
            assignments.append(Assignment(seeker.key, doctor.key, near, tuple(others)))
        return assignments

    def _ranked_doctors(self, row: int) -> list[tuple[int, Closeness]]:
        options = [
            (self.free_after[d.key] <= 0, near, -self.free_after[d.key], d.key)
            for column, near in self.arcs[row]
            for d in self.doctor_classes[column]
            if d.free > 0
        ]
        return [(key, near) for _, near, _, key in sorted(options)[: ALTERNATIVES + 1]]

    def why_unmatched(self, seeker: Seeker) -> str:
        """Why no GP could be proposed to this patient, in French."""
        profile = (seeker.place, seeker.groups, seeker.reduced_mobility, seeker.refused)
        if profile not in self.explained:
            self.explained[profile] = self._why(seeker)
        return self.explained[profile]

    def _why(self, seeker: Seeker) -> str:
        department = f"le département {seeker.place.department}"
        near = [d for d in self.doctors if closeness(seeker.place, d.place) != Closeness.FARTHER]
        if not near:
            return f"aucun médecin ne prend de nouveaux patients dans {department}"
        accepting = [d for d in near if accepts(d, seeker)]
        if not accepting:
            return f"aucun médecin n'accepte les patients {_groups_text(seeker.groups)} dans {department}"
        if seeker.reduced_mobility:
            accepting = [d for d in accepting if d.home_visits]
            if not accepting:
                return (
                    "aucun médecin acceptant ce patient ne fait de visites à domicile "
                    f"dans {department} (mobilité réduite)"
                )
        possible = [d for d in accepting if d.key not in seeker.refused]
        if not possible:
            return "le patient a déjà refusé tous les médecins possibles"
        zone = _zone(seeker.place, max(closeness(seeker.place, d.place) for d in possible))  # all nearer than FARTHER
        free = sum(max(d.free, 0) for d in possible)
        count = f"{len(possible)} médecin{'s' if len(possible) > 1 else ''} possible{'s' if len(possible) > 1 else ''}"
        if free == 0:
            return f"capacité épuisée {zone} : {count}, plus aucune place ce mois-ci"
        return (
            f"capacité épuisée {zone} : les {free} place(s) de ce mois ({count}) vont à des patients plus prioritaires"
        )


def _groups_text(groups: frozenset[str]) -> str:
    if not groups:
        return "sans critère de fragilité"
    return " ou ".join(sorted(groups))


def _zone(place: Place, near: Closeness) -> str:
    if near == Closeness.COMMUNE:
        return f"à {place.commune_name}"
    if near == Closeness.INTERCOMMUNALITY:
        return f"dans l'{place.group_name}"
    return f"dans le département {place.department}"


def reasons(seeker: Seeker, doctor: Doctor) -> list[str]:
    """Why this GP fits this patient, in plain French."""
    near = closeness(seeker.place, doctor.place)
    where = {
        Closeness.COMMUNE: f"même commune ({doctor.place.commune_name})",
        Closeness.INTERCOMMUNALITY: f"même intercommunalité ({doctor.place.group_name}, à {doctor.place.commune_name})",
        Closeness.DEPARTMENT: f"même département ({doctor.place.department}, à {doctor.place.commune_name})",
    }
    found = [where[near]] if near in where else []
    if not doctor.populations or Population.EVERYONE in doctor.populations:
        found.append("accepte tous les patients")
    else:
        shared = [name for name in Population if name in doctor.populations & seeker.groups]
        found.append(f"accepte les patients {' et '.join(shared)}")
    if seeker.reduced_mobility:
        found.append("fait des visites à domicile (mobilité réduite)")
    return found
