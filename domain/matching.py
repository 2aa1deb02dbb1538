"""Optimal matching of patients waiting for a médecin traitant with the GPs taking new patients.

Constraints: a GP takes at most its free places; only the populations it accepts ("Tous", or at least one
of the patient's groups); a patient with reduced mobility only goes to a GP who does home visits; closeness
by steps (same commune, same EPT/EPCI, same département, nothing beyond); a GP a patient refused is never
proposed again to that patient.

Objective, lexicographic: the largest total priority of the patients matched; then the most patients
matched; then the closest GPs. Solved exactly (not greedily) as a min-cost flow on a compressed network
(`domain.matching_network`: classes of patients and of GPs; a refusal is a forbidden arc, not a class of its
own), by OR-tools (`domain.flow`); the flow is then spread back over patients (the most urgent first) and
GPs (the most free places first). Deterministic: same input, same output.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum

from domain.collector import no_cycle_collection
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
    return None if doctor.key in seeker.refused else closeness_if_fitting(seeker, doctor)


def closeness_if_fitting(seeker: Seeker, doctor: Doctor) -> Closeness | None:
    """closeness_if_proposable, refusals aside."""
    if not accepts(doctor, seeker) or (seeker.reduced_mobility and not doctor.home_visits):
        return None
    near = closeness(seeker.place, doctor.place)
    return None if near == Closeness.FARTHER else near


def doctor_classes(doctors: Iterable[Doctor]) -> list[list[Doctor]]:
    """GPs alike in every respect (place, populations accepted, home visits) but their free places, by key."""
    by_profile: dict[tuple[Place, tuple[str, ...], bool], list[Doctor]] = defaultdict(list)
    for doctor in sorted(doctors, key=lambda d: d.key):
        by_profile[(doctor.place, tuple(sorted(doctor.populations)), doctor.home_visits)].append(doctor)
    return [by_profile[profile] for profile in sorted(by_profile)]


def objective(assignments: Iterable[Assignment], seekers: Sequence[Seeker]) -> Objective:
    priorities = {seeker.key: seeker.priority for seeker in seekers}
    chosen = list(assignments)
    return Objective(
        sum(priorities[a.patient] for a in chosen), len(chosen), sum(assignment.closeness for assignment in chosen)
    )


def match(seekers: Sequence[Seeker], doctors: Sequence[Doctor], noun: str = "médecin") -> Matching:
    """The optimal assignment, each patient's alternatives, and why the others are left unmatched (`noun`: the
    professionals in these reasons, « médecin » or « professionnel »)."""
    if len({s.key for s in seekers}) != len(seekers) or len({d.key for d in doctors}) != len(doctors):
        raise ValueError("patients and doctors must have distinct keys")
    from domain.matching_network import Network  # which needs this module's types

    with no_cycle_collection():
        network = Network.build(seekers, sorted(doctors, key=lambda d: d.key))
        assignments = network.with_alternatives(network.spread(network.solve()))
        matched = {a.patient for a in assignments}
        why = _Reasons(doctor_classes(doctors), noun)
        unmatched = [Unmatched(s.key, why.unmatched(s)) for s in seekers if s.key not in matched]
    ordered = sorted(assignments, key=lambda a: network.urgency[a.patient])
    return Matching(tuple(ordered), tuple(sorted(unmatched, key=lambda u: network.urgency[u.patient])))


# --- why a patient is left unmatched ------------------------------------------------------------------


@dataclass(frozen=True)
class _Fitting:
    """The GP classes near enough that fit a patient profile, refusals aside, with their closeness; GPs and
    free places per closeness."""

    place: Place
    classes: Mapping[int, Closeness]
    counts: tuple[int, ...]
    free: int
    noun: str
    texts: dict[tuple[tuple[int, ...], int], str] = field(default_factory=dict, compare=False)

    def reason(self, counts: tuple[int, ...], free: int) -> str:
        if (counts, free) not in self.texts:
            self.texts[counts, free] = self._text(counts, free)
        return self.texts[counts, free]

    def _text(self, counts: tuple[int, ...], free: int) -> str:
        if not any(counts):
            return f"le patient a déjà refusé tous les {self.noun}s possibles"
        zone = _zone(self.place, Closeness(max(near for near, count in enumerate(counts) if count)))
        total = sum(counts)
        count = f"{total} {self.noun}{'s' if total > 1 else ''} possible{'s' if total > 1 else ''}"
        if free == 0:
            return f"capacité épuisée {zone} : {count}, plus aucune place ce mois-ci"
        return (
            f"capacité épuisée {zone} : les {free} place(s) de ce mois ({count}) vont à des patients plus prioritaires"
        )


class _Reasons:
    """Why no GP could be proposed to a patient, in French: worked out once per patient profile, then the
    GPs it refused taken off."""

    def __init__(self, classes: list[list[Doctor]], noun: str) -> None:
        self.classes = classes
        self.noun = noun
        self.where = {d.key: (column, max(d.free, 0)) for column, members in enumerate(classes) for d in members}
        self.fitting: dict[tuple[Place, frozenset[str], bool], str | _Fitting] = {}

    def unmatched(self, seeker: Seeker) -> str:
        profile = (seeker.place, seeker.groups, seeker.reduced_mobility)
        if profile not in self.fitting:
            self.fitting[profile] = self._fitting(seeker)
        found = self.fitting[profile]
        if isinstance(found, str):
            return found
        if not seeker.refused:
            return found.reason(found.counts, found.free)
        counts, free = list(found.counts), found.free
        for column, places in (self.where[key] for key in seeker.refused if key in self.where):
            if column in found.classes:
                counts[found.classes[column]] -= 1
                free -= places
        return found.reason(tuple(counts), free)

    def _fitting(self, seeker: Seeker) -> str | _Fitting:
        department = f"le département {seeker.place.department}"
        near = {
            column: level
            for column, members in enumerate(self.classes)
            if (level := closeness(seeker.place, members[0].place)) != Closeness.FARTHER
        }
        if not near:
            return f"aucun {self.noun} ne prend de nouveaux patients dans {department}"
        accepting = {column: level for column, level in near.items() if accepts(self.classes[column][0], seeker)}
        if not accepting:
            return f"aucun {self.noun} n'accepte les patients {_groups_text(seeker.groups)} dans {department}"
        if seeker.reduced_mobility:
            accepting = {column: level for column, level in accepting.items() if self.classes[column][0].home_visits}
            if not accepting:
                return (
                    f"aucun {self.noun} acceptant ce patient ne fait de visites à domicile "
                    f"dans {department} (mobilité réduite)"
                )
        counts = [0] * len(Closeness)
        for column, level in accepting.items():
            counts[level] += len(self.classes[column])
        free = sum(max(d.free, 0) for column in accepting for d in self.classes[column])
        return _Fitting(seeker.place, accepting, tuple(counts), free, self.noun)


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
