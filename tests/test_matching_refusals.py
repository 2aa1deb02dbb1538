"""The matching with many refusals: GPs alike share a class whatever their patients refused, the optimum is
still OR-tools' on the uncompressed network, and the shared trees reach exactly the GPs not refused."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.flow import SINK, FlowNetwork
from domain.matching import Doctor, Seeker, match, objective
from schema.models import Population
from tests.test_matching import GROUPS, ISSY, PARIS, VANVES, check_constraints, doctor, ortools_objective, seeker

PROFILES = tuple(
    (place, populations, visits)
    for place in (ISSY, VANVES, PARIS)
    for populations in (frozenset({Population.EVERYONE.value}), frozenset({"ALD"}))
    for visits in (False, True)
)


@st.composite
def crowded(draw: st.DrawFn) -> tuple[list[Seeker], list[Doctor]]:
    """Few GP profiles for many GPs (classes of several GPs), a third of the patients or more having refused
    one to four of them."""
    profiles = draw(st.lists(st.sampled_from(PROFILES), min_size=1, max_size=4, unique=True))
    doctors = []
    for key in range(1, draw(st.integers(1, 14)) + 1):
        place, populations, visits = draw(st.sampled_from(profiles))
        doctors.append(Doctor(key, place, populations, visits, draw(st.integers(0, 4))))
    keys = [d.key for d in doctors]
    refusing = draw(st.floats(0.3, 1.0))
    seekers = [
        Seeker(
            key=f"P-{index:06d}",
            priority=draw(st.integers(0, 4)) * 10,
            waited_days=draw(st.integers(0, 30)),
            place=draw(st.sampled_from((ISSY, VANVES, PARIS))),
            groups=frozenset(draw(st.lists(st.sampled_from(GROUPS), max_size=1))),
            reduced_mobility=draw(st.booleans()),
            refused=frozenset(draw(st.lists(st.sampled_from(keys), min_size=1, max_size=4)))
            if draw(st.floats(0, 1)) < refusing
            else frozenset(),
        )
        for index in range(1, draw(st.integers(1, 70)) + 1)
    ]
    return seekers, doctors


@settings(max_examples=150, deadline=None)
@given(crowded())
def test_objective_equals_ortools_with_many_refusals(instance: tuple[list[Seeker], list[Doctor]]) -> None:
    seekers, doctors = instance
    check_constraints(seekers, doctors)
    assert objective(match(seekers, doctors).assignments, seekers) == ortools_objective(seekers, doctors)


def test_gps_alike_refused_by_different_patients() -> None:
    """Three GPs of one class; each patient refused a different one: all three still get a patient."""
    patients = [seeker(f"P-{i:06d}", 10, refused=frozenset({i})) for i in (1, 2, 3)]
    result = match(patients, [doctor(1), doctor(2), doctor(3)])
    assert {(a.patient, a.doctor) for a in result.assignments} == {("P-000001", 2), ("P-000002", 3), ("P-000003", 1)}
    assert all(int(a.patient[-1]) not in {key for key, _ in a.alternatives} for a in result.assignments)


def test_reason_counts_the_gps_not_refused() -> None:
    result = match([seeker("P-000001", 10, refused=frozenset({1}))], [doctor(1, free=0), doctor(2, free=0)])
    assert result.unmatched[0].reason == (
        "capacité épuisée à Issy-les-Moulineaux : 1 médecin possible, plus aucune place ce mois-ci"
    )


def reached(network: FlowNetwork, nodes: list[int]) -> set[int]:
    """The nodes with an arc into SINK found below `nodes`."""
    below: dict[int, list[int]] = {}
    for tail, head, _, _ in network.arcs:
        below.setdefault(tail, []).append(head)
    found, stack = set(), list(nodes)
    while stack:
        node = stack.pop()
        if SINK in below.get(node, []):
            found.add(node)
        stack += [head for head in below.get(node, []) if head != SINK]
    return found


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 40).flatmap(lambda n: st.tuples(st.just(n), st.sets(st.integers(0, n - 1)))))
def test_cover_reaches_exactly_the_leaves_not_excluded(case: tuple[int, set[int]]) -> None:
    count, excluded = case
    network = FlowNetwork(unlimited=10)
    leaves = [network.node() for _ in range(count)]
    for leaf in leaves:
        network.arc(leaf, SINK, 1, 0)
    nodes = network.cover(tuple(leaves), tuple(sorted(excluded)))
    assert reached(network, nodes) == {leaf for position, leaf in enumerate(leaves) if position not in excluded}
    assert len(nodes) <= 2 * (len(excluded) + 1) * max(count, 2).bit_length()  # a few nodes, not one per leaf
    tree = [(tail, head) for tail, head, _, _ in network.arcs if head != SINK]
    assert len(tree) <= 2 * count  # one tree, built once
    assert all(tail > head for tail, head in tree)  # what `FlowNetwork.portions` relies on
