"""The matching on random instances: constraints hold, and it is optimal (brute force, OR-tools)."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.graph.python import min_cost_flow

from domain.matching import (
    Assignment,
    Closeness,
    Doctor,
    Objective,
    Place,
    Seeker,
    closeness,
    closeness_if_proposable,
    match,
    objective,
    reasons,
)
from schema.models import Population

ISSY = Place("92040", "Issy-les-Moulineaux", "T3", "EPT Grand Paris Seine Ouest", "92")
VANVES = Place("92075", "Vanves", "T3", "EPT Grand Paris Seine Ouest", "92")
ANTONY = Place("92002", "Antony", "T2", "EPT Vallée Sud - Grand Paris", "92")
NANTERRE = Place("92050", "Nanterre", None, None, "92")
PARIS = Place("75056", "Paris", "MGP", "EPCI Métropole du Grand Paris", "75")
PLACES = (ISSY, VANVES, ANTONY, NANTERRE, PARIS)
GROUPS = ("ALD", "70 ans et plus", "Enfants", "C2S/AME", "Sortie d'hospitalisation")


@st.composite
def instances(draw: st.DrawFn, max_seekers: int = 6, max_doctors: int = 3) -> tuple[list[Seeker], list[Doctor]]:
    doctor_keys = list(range(1, draw(st.integers(0, max_doctors)) + 1))
    doctors = [
        Doctor(
            key=key,
            place=draw(st.sampled_from(PLACES)),
            populations=frozenset(draw(st.lists(st.sampled_from(tuple(Population)), max_size=2))),
            home_visits=draw(st.booleans()),
            free=draw(st.integers(0, 3)),
        )
        for key in doctor_keys
    ]
    seekers = [
        Seeker(
            key=f"P-{index:06d}",
            priority=draw(st.integers(0, 6)) * 10,  # coarse: many ties
            waited_days=draw(st.integers(0, 400)),
            place=draw(st.sampled_from(PLACES)),
            groups=frozenset(draw(st.lists(st.sampled_from(GROUPS), max_size=2))),
            reduced_mobility=draw(st.booleans()),
            refused=frozenset(draw(st.lists(st.sampled_from(doctor_keys), max_size=2))) if doctor_keys else frozenset(),
        )
        for index in range(1, draw(st.integers(0, max_seekers)) + 1)
    ]
    return seekers, doctors


def brute_force(seekers: Sequence[Seeker], doctors: Sequence[Doctor]) -> Objective:
    """The best objective over every assignment that respects the constraints."""
    options = [
        [None, *((d, lvl) for d in doctors if (lvl := closeness_if_proposable(s, d)) is not None and d.free > 0)]
        for s in seekers
    ]
    best = Objective(0, 0, 0)
    for choice in itertools.product(*options):
        used = Counter(pick[0].key for pick in choice if pick)
        if any(used[d.key] > d.free for d in doctors):
            continue
        chosen = [Assignment(s.key, pick[0].key, pick[1], ()) for s, pick in zip(seekers, choice, strict=True) if pick]
        best = max(best, objective(chosen, seekers), key=Objective.key)
    return best


def check_constraints(seekers: Sequence[Seeker], doctors: Sequence[Doctor]) -> None:
    result = match(seekers, doctors)
    by_key = {s.key: s for s in seekers}
    doctor_of = {d.key: d for d in doctors}
    patients = [a.patient for a in result.assignments] + [u.patient for u in result.unmatched]
    assert sorted(patients) == sorted(by_key)  # every patient once, matched or not
    used = Counter(a.doctor for a in result.assignments)
    assert all(used[key] <= max(doctor_of[key].free, 0) for key in used)
    for assignment in result.assignments:
        seeker = by_key[assignment.patient]
        assert closeness_if_proposable(seeker, doctor_of[assignment.doctor]) == assignment.closeness
        alternatives = [key for key, _ in assignment.alternatives]
        assert len(alternatives) <= 2 and len(set(alternatives)) == len(alternatives)
        assert assignment.doctor not in alternatives
        for key, lvl in assignment.alternatives:
            assert closeness_if_proposable(seeker, doctor_of[key]) == lvl and doctor_of[key].free > 0
    for unmatched in result.unmatched:
        assert unmatched.reason


@settings(max_examples=300, deadline=None)
@given(instances())
def test_constraints_hold(instance: tuple[list[Seeker], list[Doctor]]) -> None:
    check_constraints(*instance)


@settings(max_examples=300, deadline=None)
@given(instances())
def test_objective_equals_brute_force(instance: tuple[list[Seeker], list[Doctor]]) -> None:
    seekers, doctors = instance
    assert objective(match(seekers, doctors).assignments, seekers) == brute_force(seekers, doctors)


def ortools_objective(seekers: Sequence[Seeker], doctors: Sequence[Doctor]) -> Objective:
    """The same objective found by OR-tools' min-cost flow on the uncompressed network (one node per person)."""
    bound = min(len(seekers), sum(d.free for d in doctors))
    per_patient = 2 * bound + 1
    per_point = bound * per_patient + 2 * bound + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    source, sink, skip = 0, 1, 2
    first_doctor = 3 + len(seekers)
    arcs = {}
    for index, seeker in enumerate(seekers):
        gain = seeker.priority * per_point + per_patient
        flow.add_arc_with_capacity_and_unit_cost(source, 3 + index, 1, 0)
        flow.add_arc_with_capacity_and_unit_cost(3 + index, skip, 1, 0)
        for column, doctor in enumerate(doctors):
            if (lvl := closeness_if_proposable(seeker, doctor)) is not None:
                arc = flow.add_arc_with_capacity_and_unit_cost(3 + index, first_doctor + column, 1, lvl - gain)
                arcs[arc] = (seeker, lvl)
    for column, doctor in enumerate(doctors):
        flow.add_arc_with_capacity_and_unit_cost(first_doctor + column, sink, max(doctor.free, 0), 0)
    flow.add_arc_with_capacity_and_unit_cost(skip, sink, len(seekers), 0)
    flow.set_node_supply(source, len(seekers))
    flow.set_node_supply(sink, -len(seekers))
    assert flow.solve() == flow.OPTIMAL
    chosen = [(seeker, lvl) for arc, (seeker, lvl) in arcs.items() if flow.flow(arc)]
    return Objective(sum(s.priority for s, _ in chosen), len(chosen), sum(lvl for _, lvl in chosen))


@settings(max_examples=60, deadline=None)
@given(instances(max_seekers=60, max_doctors=8))
def test_objective_equals_ortools_on_larger_instances(instance: tuple[list[Seeker], list[Doctor]]) -> None:
    seekers, doctors = instance
    check_constraints(seekers, doctors)
    assert objective(match(seekers, doctors).assignments, seekers) == ortools_objective(seekers, doctors)


def seeker(key: str, priority: int, place: Place = ISSY, **fields: object) -> Seeker:
    return Seeker(key=key, priority=priority, waited_days=0, place=place, groups=frozenset(), **fields)  # type: ignore[arg-type]


def doctor(key: int, place: Place = ISSY, free: int = 1, **fields: object) -> Doctor:
    values = {"populations": frozenset({"Tous"}), "home_visits": False, **fields}
    return Doctor(key=key, place=place, free=free, **values)  # type: ignore[arg-type]


def test_optimal_where_greedy_is_not() -> None:
    """The most urgent patient could take either GP; greedy gives it the one the second patient needed."""
    urgent = Seeker("P-000001", 80, 0, ISSY, frozenset({"ALD"}))
    second = Seeker("P-000002", 60, 0, ISSY, frozenset({"ALD"}), reduced_mobility=True)
    visiting = doctor(1, home_visits=True)
    other = doctor(2, place=VANVES)
    result = match([urgent, second], [visiting, other])
    assert {(a.patient, a.doctor) for a in result.assignments} == {("P-000001", 2), ("P-000002", 1)}


def test_closer_gp_preferred_among_equals_and_never_beyond_the_department() -> None:
    result = match([seeker("P-000001", 10)], [doctor(1, place=ANTONY), doctor(2, place=VANVES), doctor(3, place=PARIS)])
    [assignment] = result.assignments
    assert (assignment.doctor, assignment.closeness) == (2, Closeness.INTERCOMMUNALITY)
    assert assignment.alternatives == ((1, Closeness.DEPARTMENT),)
    assert closeness(ISSY, ISSY) == Closeness.COMMUNE and closeness(ISSY, PARIS) == Closeness.FARTHER


def test_deterministic_and_ranked_by_urgency() -> None:
    seekers = [seeker(f"P-{i:06d}", priority=i % 3 * 10) for i in range(1, 10)]
    doctors = [doctor(1, free=2), doctor(2, free=2)]
    first, second = match(seekers, doctors), match(list(reversed(seekers)), list(reversed(doctors)))
    assert first == second
    assert [a.patient for a in first.assignments] == ["P-000002", "P-000005", "P-000008", "P-000001"]


def test_refused_gp_never_proposed_again() -> None:
    result = match([seeker("P-000001", 10, refused=frozenset({1}))], [doctor(1, free=5), doctor(2, free=1)])
    [assignment] = result.assignments
    assert assignment.doctor == 2 and assignment.alternatives == ()


@pytest.mark.parametrize(
    ("patient", "doctors", "reason"),
    [
        (
            seeker("P-000001", 10),
            [doctor(1, place=PARIS)],
            "aucun médecin ne prend de nouveaux patients dans le département 92",
        ),
        (
            Seeker("P-000001", 10, 0, ISSY, frozenset({"C2S/AME"})),
            [doctor(1, populations=frozenset({"ALD"}))],
            "aucun médecin n'accepte les patients C2S/AME dans le département 92",
        ),
        (
            seeker("P-000001", 10, reduced_mobility=True),
            [doctor(1)],
            "aucun médecin acceptant ce patient ne fait de visites à domicile dans le département 92 (mobilité réduite)",
        ),
        (
            seeker("P-000001", 10, refused=frozenset({1})),
            [doctor(1)],
            "le patient a déjà refusé tous les médecins possibles",
        ),
        (
            seeker("P-000001", 10),
            [doctor(1, place=VANVES, free=0), doctor(2, free=0)],
            "capacité épuisée dans l'EPT Grand Paris Seine Ouest : 2 médecins possibles, plus aucune place ce mois-ci",
        ),
    ],
)
def test_unmatched_reasons(patient: Seeker, doctors: list[Doctor], reason: str) -> None:
    assert match([patient], doctors).unmatched[0].reason == reason


def test_capacity_taken_by_more_urgent_patients() -> None:
    result = match([seeker("P-000001", 50), seeker("P-000002", 10)], [doctor(1, free=1)])
    assert result.unmatched[0].patient == "P-000002"
    assert result.unmatched[0].reason == (
        "capacité épuisée à Issy-les-Moulineaux : les 1 place(s) de ce mois (1 médecin possible) "
        "vont à des patients plus prioritaires"
    )


def test_reasons_in_plain_french() -> None:
    patient = Seeker("P-000001", 10, 0, ISSY, frozenset({"ALD", "C2S/AME"}), reduced_mobility=True)
    gp = doctor(1, place=VANVES, populations=frozenset({"ALD", "Enfants"}), home_visits=True)
    assert reasons(patient, gp) == [
        "même intercommunalité (EPT Grand Paris Seine Ouest, à Vanves)",
        "accepte les patients ALD",
        "fait des visites à domicile (mobilité réduite)",
    ]
