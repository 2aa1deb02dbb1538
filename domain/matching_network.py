"""The matching's compressed flow network (`domain.matching.match` solves it): patients who may go to the
same GP classes at the same closeness, and refused the same GPs among them, form one class; GPs alike in every
respect form one class, whatever the refusals.

A refusal is a forbidden arc, not a class: in the network a GP class is a tree (`domain.flow`) with one leaf
per GP some patient refused and one leaf for its other GPs (the pool); a class of patients reaches the GP
classes of each closeness through a shared tree above them, entering it only through the subtrees without
the GPs it refused. The flow found, it is spread back over patients (the most urgent first, the closest GP
classes first) and over the GPs of a pool (the most free places first).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice

from domain.flow import SINK, SOURCE, FlowNetwork
from domain.matching import ALTERNATIVES, Assignment, Closeness, Doctor, Seeker, closeness_if_fitting, doctor_classes

Targets = tuple[tuple[int, ...], ...]  # per closeness (COMMUNE, INTERCOMMUNALITY, DEPARTMENT): GP classes
Portion = tuple[Closeness, int, int | None, int]  # closeness, GP class, GP (None: the class's pool), patients
Chosen = tuple[Seeker, Doctor, Closeness]


@dataclass
class _DoctorClass:
    """GPs alike in every respect, with a free place. In the network, one leaf per GP some patient refused
    (`position`: its place among the leaves), one leaf for the others (the pool), a tree above them (`root`)."""

    members: list[Doctor]  # by key
    leaves: tuple[int, ...] = ()
    position: dict[int, int] = field(default_factory=dict)
    root: int = -1


@dataclass
class Network:
    seekers: Sequence[Seeker]
    doctors: Sequence[Doctor]
    classes: list[_DoctorClass]
    seeker_classes: list[list[Seeker]]  # each sorted by urgency
    keys: list[tuple[Targets, tuple[int, ...]]]  # per seeker class: its GP classes, the GPs it refused among them
    class_of: dict[int, int]  # GP key → its class
    urgency: dict[str, tuple[int, int, str]]
    free_after: dict[int, int] = field(default_factory=dict)  # places left per GP once the flow is spread
    ranked: dict[Targets, list[tuple[int, Closeness]]] = field(default_factory=dict)  # for the alternatives

    @classmethod
    def build(cls, seekers: Sequence[Seeker], doctors: Sequence[Doctor]) -> Network:
        classes = [_DoctorClass(members) for members in doctor_classes([d for d in doctors if d.free > 0])]
        class_of = {d.key: column for column, members in enumerate(classes) for d in members.members}
        targets_of: dict[tuple[object, ...], Targets] = {}
        columns_of: dict[Targets, set[int]] = {}
        grouped: dict[tuple[Targets, tuple[int, ...]], list[Seeker]] = defaultdict(list)
        for seeker in seekers:
            profile = (seeker.place, seeker.groups, seeker.reduced_mobility)
            if profile not in targets_of:
                targets_of[profile] = _targets(seeker, classes)
            targets = targets_of[profile]
            if not any(targets):
                continue
            if targets not in columns_of:
                columns_of[targets] = {column for level in targets for column in level}
            columns = columns_of[targets]
            refused = (
                tuple(sorted(key for key in seeker.refused if class_of.get(key, -1) in columns))
                if seeker.refused
                else ()
            )
            grouped[(targets, refused)].append(seeker)
        urgency = {s.key: (-s.priority, -s.waited_days, s.key) for s in seekers}
        keys = sorted(grouped)
        seeker_classes = [sorted(grouped[key], key=lambda s: urgency[s.key]) for key in keys]
        return cls(seekers, doctors, classes, seeker_classes, keys, class_of, urgency)

    def tiers(self) -> list[list[tuple[int, int]]]:
        """Per seeker class, (gain, patients) by priority, highest first. Gains make the objective
        lexicographic: one point of priority outweighs any number of extra patients or of closeness steps,
        one extra patient outweighs any number of closeness steps."""
        bound = min(len(self.seekers), sum(d.free for c in self.classes for d in c.members))
        per_patient = 2 * bound + 1  # > the largest total of closeness
        per_point = bound * per_patient + 2 * bound + 1  # > the largest total of patients and closeness
        tiers = []
        for members in self.seeker_classes:
            counts: dict[int, int] = defaultdict(int)
            for seeker in members:
                counts[seeker.priority] += 1
            tiers.append([(p * per_point + per_patient, n) for p, n in sorted(counts.items(), reverse=True)])
        return tiers

    def solve(self) -> list[list[Portion]]:
        """The optimal flow, per seeker class: how many of its patients go to which GP class and leaf."""
        network = FlowNetwork(unlimited=len(self.seekers))
        leaf_of = self._leaves(network)
        entries = [self._entries(network, *key) for key in self.keys]
        origins: dict[int, tuple[int, Closeness]] = {}  # arc leaving a seeker class → (class, closeness)
        for row, (tiers, nodes) in enumerate(zip(self.tiers(), entries, strict=True)):
            origin = network.node()
            for gain, count in tiers:
                network.arc(SOURCE, origin, count, -gain)
            for node, near in nodes:
                origins[network.arc(origin, node, len(self.seeker_classes[row]), near)] = (row, near)
        flow = network.solve(sum(len(members) for members in self.seeker_classes))
        portions: list[list[Portion]] = [[] for _ in self.seeker_classes]
        for arc, parts in network.portions(flow, {network.arcs[arc][0] for arc in origins}).items():
            column, key = leaf_of[arc]
            for entry, count in parts:
                row, near = origins[entry]
                portions[row].append((near, column, key, count))
        return portions

    def _leaves(self, network: FlowNetwork) -> dict[int, tuple[int, int | None]]:
        """Each GP class's leaves and tree; per arc into the sink, its GP class and GP (None: the pool)."""
        refused = {key for _, keys in self.keys for key in keys}
        leaf_of: dict[int, tuple[int, int | None]] = {}
        for column, members in enumerate(self.classes):
            leaves: list[int] = []
            for doctor in members.members:
                if doctor.key in refused:
                    members.position[doctor.key] = len(leaves)
                    leaves.append(network.node())
                    leaf_of[network.arc(leaves[-1], SINK, doctor.free, 0)] = (column, doctor.key)
            pool = sum(d.free for d in members.members if d.key not in refused)
            if pool:
                leaves.append(network.node())
                leaf_of[network.arc(leaves[-1], SINK, pool, 0)] = (column, None)
            members.leaves = tuple(leaves)
            [members.root] = network.cover(members.leaves)
        return leaf_of

    def _entries(self, network: FlowNetwork, targets: Targets, refused: tuple[int, ...]) -> list[tuple[int, Closeness]]:
        """The nodes through which a seeker class reaches exactly its GPs, with their closeness."""
        hit: dict[int, list[int]] = defaultdict(list)  # GP class → positions of the refused GPs among its leaves
        for key in refused:
            column = self.class_of[key]
            hit[column].append(self.classes[column].position[key])
        found = []
        for near, columns in zip(Closeness, targets, strict=False):
            roots = tuple(self.classes[column].root for column in columns)
            nodes = list(network.cover(roots, tuple(index for index, column in enumerate(columns) if column in hit)))
            for column in (column for column in columns if column in hit):
                nodes += network.cover(self.classes[column].leaves, tuple(sorted(hit[column])))
            found += [(node, near) for node in nodes]
        return found

    def spread(self, portions: list[list[Portion]]) -> list[Chosen]:
        """The flow back to people: in each class the most urgent patients, closest GP classes first; in a
        GP class's pool, the GP with the most free places left first."""
        free = {d.key: max(d.free, 0) for d in self.doctors}
        doctor_of = {d.key: d for d in self.doctors}
        pools = [[(-d.free, d.key) for d in c.members if d.key not in c.position] for c in self.classes]
        for heap in pools:
            heapq.heapify(heap)
        chosen = []
        for members, parts in zip(self.seeker_classes, portions, strict=True):
            queue = iter(members)
            for near, column, alone, count in sorted(parts, key=lambda p: (p[0], p[1], p[2] is None, p[2] or 0)):
                for _ in range(count):
                    key = alone if alone is not None else _take(pools[column])
                    free[key] -= 1
                    chosen.append((next(queue), doctor_of[key], near))
        self.free_after = free
        return chosen

    def with_alternatives(self, chosen: list[Chosen]) -> list[Assignment]:
        """Each assignment with up to 2 other GPs open to that patient: GPs still with a free place after this
        matching first, then the closest, then the most free places."""
        row_of = {s.key: row for row, members in enumerate(self.seeker_classes) for s in members}
        enough = ALTERNATIVES + 2 + max((len(refused) for _, refused in self.keys), default=0)
        assignments = []
        for seeker, doctor, near in chosen:
            targets, refused = self.keys[row_of[seeker.key]]
            ranked = (choice for choice in self._ranked(targets, enough) if choice[0] not in refused)
            others = [choice for choice in islice(ranked, ALTERNATIVES + 1) if choice[0] != doctor.key]
            assignments.append(Assignment(seeker.key, doctor.key, near, tuple(others[:ALTERNATIVES])))
        return assignments

    def _ranked(self, targets: Targets, enough: int) -> list[tuple[int, Closeness]]:
        """The GPs of these classes best ranked for the alternatives, `enough` per class whatever a patient
        refused (the GP assigned, the alternatives and the longest list of refusals)."""
        if targets not in self.ranked:
            options = []
            for near, columns in zip(Closeness, targets, strict=False):
                for column in columns:
                    members = [
                        (self.free_after[d.key] <= 0, -self.free_after[d.key], d.key)
                        for d in self.classes[column].members
                    ]
                    options += [(full, near, left, key) for full, left, key in heapq.nsmallest(enough, members)]
            self.ranked[targets] = [(key, near) for _, near, _, key in sorted(options)]
        return self.ranked[targets]


def _targets(seeker: Seeker, classes: Sequence[_DoctorClass]) -> Targets:
    levels: list[list[int]] = [[], [], []]
    for column, members in enumerate(classes):
        near = closeness_if_fitting(seeker, members.members[0])
        if near is not None:
            levels[near].append(column)
    return tuple(tuple(level) for level in levels)


def _take(heap: list[tuple[int, int]]) -> int:
    """The GP with the most free places left in a pool, one place fewer."""
    left, key = heapq.heappop(heap)
    if left < -1:
        heapq.heappush(heap, (left + 1, key))
    return key
