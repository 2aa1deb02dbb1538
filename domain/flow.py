"""A min-cost flow network whose target sets are shared through trees, solved exactly by OR-tools.

Many origins (classes of patients) reach the same leaves (GPs, or pools of interchangeable GPs), each origin
all of a list of leaves but a few (the GPs it refused). Instead of one arc per origin and leaf, the leaves of
a list hang under a balanced binary tree of free arcs, built once per list and shared: an origin enters the
tree through the few subtrees that hold exactly the leaves it may reach (`cover`), so a refusal costs a few
arcs, not a class of its own.

Node numbers: SOURCE, SINK, then every node is made after the nodes it points to (leaves first, then the
trees' inner nodes, then the origins), so every arc between them goes from a higher number to a lower one:
the flow is taken apart (`portions`) by visiting the nodes from the highest number down.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict, deque
from collections.abc import Sequence

import numpy as np
from ortools.graph.python import min_cost_flow  # type: ignore[import-untyped]

SOURCE = 0
SINK = 1

Portion = tuple[int, int]  # (arc leaving an origin, units that went through it)


class FlowNetwork:
    """Nodes, arcs with capacity and unit cost, and the shared trees over lists of leaves."""

    def __init__(self, unlimited: int) -> None:
        self.unlimited = unlimited  # capacity of the trees' arcs
        self.nodes = 2
        self.arcs: list[tuple[int, int, int, int]] = []  # tail, head, capacity, unit cost
        self._lists: dict[tuple[int, ...], int] = {}
        self._ranges: dict[tuple[int, int, int], int] = {}
        self._covers: dict[tuple[int, tuple[int, ...]], list[int]] = {}

    def node(self) -> int:
        self.nodes += 1
        return self.nodes - 1

    def arc(self, tail: int, head: int, capacity: int, cost: int) -> int:
        self.arcs.append((tail, head, capacity, cost))
        return len(self.arcs) - 1

    def cover(self, leaves: tuple[int, ...], excluded: tuple[int, ...] = ()) -> list[int]:
        """The fewest tree nodes under which lie exactly the leaves but those at the `excluded` positions
        (sorted); the tree of `leaves` is built the first time it is asked for."""
        if not leaves:
            return []
        number = self._lists.setdefault(leaves, len(self._lists))
        if (number, excluded) not in self._covers:
            found: list[int] = []
            self._cover(number, leaves, 0, len(leaves), excluded, found)
            self._covers[number, excluded] = found
        return self._covers[number, excluded]

    def _cover(
        self, number: int, leaves: tuple[int, ...], low: int, high: int, excluded: Sequence[int], found: list[int]
    ) -> None:
        start = bisect_left(excluded, low)
        if start == len(excluded) or excluded[start] >= high:
            found.append(self._range(number, leaves, low, high))
        elif high - low > 1:
            middle = (low + high) // 2
            self._cover(number, leaves, low, middle, excluded, found)
            self._cover(number, leaves, middle, high, excluded, found)

    def _range(self, number: int, leaves: tuple[int, ...], low: int, high: int) -> int:
        """The node above leaves[low:high], made after its children."""
        if high - low == 1:
            return leaves[low]
        key = (number, low, high)
        if key not in self._ranges:
            middle = (low + high) // 2
            children = (self._range(number, leaves, low, middle), self._range(number, leaves, middle, high))
            parent = self.node()
            for child in children:
                self.arc(parent, child, self.unlimited, 0)
            self._ranges[key] = parent
        return self._ranges[key]

    def solve(self, supply: int) -> np.ndarray:
        """The flow on every arc of a min-cost flow sending `supply` units from SOURCE to SINK; an arc SOURCE →
        SINK of cost 0 lets units stay unsent."""
        self.arc(SOURCE, SINK, supply, 0)
        tails, heads, capacities, costs = np.array(self.arcs, dtype=np.int64).T
        solver = min_cost_flow.SimpleMinCostFlow()
        solver.add_arcs_with_capacity_and_unit_cost(
            tails.astype(np.int32),
            heads.astype(np.int32),
            np.ascontiguousarray(capacities),
            np.ascontiguousarray(costs),
        )
        solver.set_node_supply(SOURCE, supply)
        solver.set_node_supply(SINK, -supply)
        status = solver.solve()
        if status != solver.OPTIMAL:
            raise RuntimeError(f"min-cost flow not solved: {status}")
        return np.asarray(solver.flows(np.arange(len(self.arcs), dtype=np.int32)), dtype=np.int64)

    def portions(self, flow: np.ndarray, origins: set[int]) -> dict[int, list[Portion]]:
        """The flow taken apart: per arc into SINK, the (arc leaving an origin, units) that went through it.
        Each node passes on what it received first to its arcs in the order they were made."""
        tails = np.array([arc[0] for arc in self.arcs])
        used = np.flatnonzero((flow > 0) & (tails != SOURCE))
        used = used[np.lexsort((used, -tails[used]))]  # highest node first, then arcs in order
        received: dict[int, deque[list[int]]] = defaultdict(deque)
        found: dict[int, list[Portion]] = defaultdict(list)
        for arc in used.tolist():
            tail, head, _, _ = self.arcs[arc]
            amount = int(flow[arc])
            if tail in origins:
                received[head].append([arc, amount])
                continue
            queue = received[tail]
            while amount:
                parcel = queue[0]
                taken = min(amount, parcel[1])
                if head == SINK:
                    found[arc].append((parcel[0], taken))
                else:
                    received[head].append([parcel[0], taken])
                parcel[1] -= taken
                amount -= taken
                if not parcel[1]:
                    queue.popleft()
        return found
