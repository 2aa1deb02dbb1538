"""Maximum-gain transportation, solved exactly as a min-cost flow by successive shortest paths.

The network: source → supply node s (through "tiers": units of decreasing gain, e.g. patients of a class
sorted by priority) → demand node d (arcs of small non-negative cost, unlimited) → sink (capacity of d).
The flow maximises Σ gains of the units sent − Σ arc costs, over every flow value.

Successive shortest paths: each step sends as much as possible along the cheapest path in the residual
network (Bellman-Ford, vectorised over the supply × demand cost matrix: the network is bipartite, so a
round relaxes every arc at once); it stops when no path has a negative cost. Each step keeps the flow of
least cost for its value, and the cost of the paths only grows, so the last flow is optimal.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import numpy as np

EXACT_LIMIT = 2**52  # floats hold every integer below this exactly


def transport(tiers: Sequence[Sequence[tuple[int, int]]], costs: np.ndarray, capacity: Sequence[int]) -> np.ndarray:
    """The optimal flow (supply × demand integer matrix).

    tiers[s]: (gain, units) of supply node s, gains strictly decreasing (the best units leave first);
    costs[s, d]: cost of the arc s → d, or a negative number where there is no arc;
    capacity[d]: units demand node d can take.
    """
    supply_count, demand_count = costs.shape
    if len(tiers) != supply_count or len(capacity) != demand_count:
        raise ValueError("tiers, costs and capacity do not describe the same network")
    for node in tiers:
        gains = [gain for gain, _ in node]
        if any(a <= b for a, b in pairwise(gains)) or any(units <= 0 for _, units in node):
            raise ValueError("each node's tiers need strictly decreasing gains and positive units")
    largest = max((abs(gain) for node in tiers for gain, _ in node), default=0)
    if largest + int(costs.max(initial=0)) * (supply_count + demand_count) >= EXACT_LIMIT:
        raise ValueError("gains too large to be computed exactly")
    return _Solver(tiers, costs, capacity).run()


class _Solver:
    def __init__(self, tiers: Sequence[Sequence[tuple[int, int]]], costs: np.ndarray, capacity: Sequence[int]) -> None:
        self.tiers = tiers
        self.cost = np.where(costs >= 0, costs, np.inf).astype(float)
        self.flow = np.zeros(costs.shape, dtype=np.int64)
        self.left = np.array(capacity, dtype=np.int64)
        self.tier = [0] * len(tiers)  # index of each supply node's current tier
        self.units = [node[0][1] if node else 0 for node in tiers]  # units left in it
        self.rows = np.arange(costs.shape[0])
        self.columns = np.arange(costs.shape[1])

    def run(self) -> np.ndarray:
        if self.flow.size == 0:
            return self.flow
        while self.step():
            pass
        return self.flow

    def start(self) -> np.ndarray:
        """Cost of leaving the source to each supply node: minus the gain of its best unit left."""
        return np.array(
            [
                -node[index][0] if index < len(node) else np.inf
                for node, index in zip(self.tiers, self.tier, strict=True)
            ],
            dtype=float,
        )

    def step(self) -> bool:
        """Send flow along one cheapest path of negative cost; False when there is none.

        Distances and predecessors change only on strict improvement, so the predecessors form a tree."""
        supply_dist = self.start()
        via_demand = np.full(len(supply_dist), -1)  # -1: reached straight from the source
        demand_dist = np.full(len(self.left), np.inf)
        via_supply = np.full(len(self.left), -1)
        backward = np.where(self.flow > 0, -self.cost, np.inf)  # d → s undoes flow on s → d
        for _ in range(len(supply_dist) + len(self.left) + 1):
            through = supply_dist[:, None] + self.cost
            nearest = through.argmin(axis=0)
            candidate = through[nearest, self.columns]
            better = candidate < demand_dist
            demand_dist = np.where(better, candidate, demand_dist)
            via_supply = np.where(better, nearest, via_supply)
            back = demand_dist[None, :] + backward
            nearest = back.argmin(axis=1)
            candidate = back[self.rows, nearest]
            better = candidate < supply_dist
            if not better.any():
                break
            supply_dist = np.where(better, candidate, supply_dist)
            via_demand = np.where(better, nearest, via_demand)
        else:
            raise AssertionError("negative cycle in the residual network")
        reachable = np.where(self.left > 0, demand_dist, np.inf)
        end = int(reachable.argmin())
        if not reachable[end] < 0:
            return False
        self.augment(end, via_supply, via_demand)
        return True

    def augment(self, end: int, via_supply: np.ndarray, via_demand: np.ndarray) -> None:
        forward, backward = [], []
        demand = end
        for _ in range(len(self.left) + 1):
            supply = int(via_supply[demand])
            forward.append((supply, demand))
            if via_demand[supply] < 0:
                break
            demand = int(via_demand[supply])
            backward.append((supply, demand))
        else:
            raise AssertionError("cycle in the shortest-path tree")
        origin = forward[-1][0]
        amount = min(self.units[origin], int(self.left[end]), *(int(self.flow[arc]) for arc in backward))
        for arc in forward:
            self.flow[arc] += amount
        for arc in backward:
            self.flow[arc] -= amount
        self.left[end] -= amount
        self.units[origin] -= amount
        if self.units[origin] == 0:
            self.tier[origin] += 1
            node = self.tiers[origin]
            self.units[origin] = node[self.tier[origin]][1] if self.tier[origin] < len(node) else 0
