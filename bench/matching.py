"""The matching on a large instance: 50 000 waiting patients × 500 GPs (or more), with 0 %, 5 % and 20 % of
the patients having refused GPs, against a greedy baseline and OR-tools.

The instance comes from the large demo CPTS (no NocoDB needed: the matching is pure logic): its 50 000
patients, all set back to waiting with no proposal. The GPs are drawn as the demo draws its members
(`demo.members.members`, seed 2026, as many members as it takes to have `--doctors` GPs: 2 000 GPs are 2 000
distinct members, each with its own commune among the CPTS's 9), all taking patients now, with the
availability profiles the demo draws for GPs who take new patients (capacity 2 to 10 a month, populations
accepted, home visits; a GP the demo drew as not taking patients borrows the profile of one who does).

Refusals (`--refusals 0,5,20`): that share of the patients who may be proposed a GP, drawn with a fixed seed,
each refused 1 GP (70 %), 2 (20 %) or 3 (10 %) among the GPs that may be proposed to them, recorded as
refused proposals (so `plan` reads them as `./cpts match` does).

Measured in the same run, on the same instance, for each share of refusals:
- ours: `domain.desk_plan.plan` (records → priorities → optimal matching → alternatives and reasons), and
  `domain.matching.match` alone (`--repeat` runs: min and median wall time, median CPU time);
- greedy: first come, first served: patients by request date, each to the closest GP with a free place;
- OR-tools: `SimpleMinCostFlow` on the uncompressed network (one node per patient and per GP, one arc per
  possible pair), with the same lexicographic objective.
Target: our objective equal to OR-tools', the matching alone in under 5 s. Last line of output: one JSON object.

Usage: .venv/bin/python bench/matching.py [--doctors 500] [--refusals 0,5,20] [--repeat 3] [--no-ortools]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar, cast

sys.path[0] = str(Path(__file__).resolve().parents[1])  # the repo root, not bench/

import numpy as np

from bench.harness import timed
from demo.generate import generate
from demo.members import members as demo_members
from demo.territory import Territory
from demo.world import World
from domain.communes import places_of
from domain.desk import DeskRecords, patient_label
from domain.desk_plan import doctors, plan, seekers
from domain.matching import Assignment, Closeness, Doctor, Objective, Seeker, closeness_if_fitting, match, objective
from domain.priority import Weights
from schema.models import GP_SPECIALTY, Member, Patient, PatientStatus, Proposal, ProposalStatus

T = TypeVar("T")

TARGET_SECONDS = 5.0
SEED = 2026
REFUSED_COUNTS = ((1, 0.7), (2, 0.2), (3, 0.1))  # GPs refused by a patient who refused, and how often


def instance(doctor_count: int, today: date) -> DeskRecords:
    """The large demo's patients, all waiting; `doctor_count` GPs drawn as the demo draws them, all taking
    patients now."""
    first = generate("large", today=today)
    gps = _gps(doctor_count, today)
    profiles = [m for m in gps if m.accepts_new_patients]
    members = [_taking_patients(gp, profiles[index % len(profiles)]) for index, gp in enumerate(gps)]
    patients: list[Patient] = [
        p.model_copy(update={"status": PatientStatus.WAITING, "gp": None, "found_date": None, "closed_date": None})
        for p in cast(list[Patient], first["patients"])
    ]
    return DeskRecords(patients, members, [])


def _gps(count: int, today: date) -> list[Member]:
    """The first `count` GPs of a demo CPTS with enough members (the large demo has 467 GPs in 2 000)."""
    total = 2000
    while True:
        drawn = demo_members(World.make(Territory(home="92040"), SEED, today), total)
        gps = [m for m in drawn if m.specialty == GP_SPECIALTY]
        if len(gps) >= count:
            return gps[:count]
        total = total * count // max(len(gps), 1) + 50


def with_refusals(records: DeskRecords, percent: float, places: dict, today: date) -> DeskRecords:
    """The records with `percent` % of the patients who may be proposed a GP having refused 1 to 3 of them."""
    rng = random.Random(f"{SEED}-refusals-{percent}")
    candidates, _ = seekers(records, Weights(), places, today)
    available, _ = doctors(records, places, today)
    ids = {patient_label(p): p.id for p in records.patients}
    reachable: dict[tuple, list[int]] = {}
    proposals: list[Proposal] = []
    for seeker in rng.sample(candidates, round(len(candidates) * percent / 100)):
        profile = (seeker.place, seeker.groups, seeker.reduced_mobility)
        if profile not in reachable:
            reachable[profile] = [d.key for d in available if closeness_if_fitting(seeker, d) is not None]
        count = rng.choices([n for n, _ in REFUSED_COUNTS], weights=[w for _, w in REFUSED_COUNTS])[0]
        for gp in rng.sample(reachable[profile], min(count, len(reachable[profile]))):
            proposals.append(
                Proposal(
                    id=len(proposals) + 1,
                    patient=ids[seeker.key],
                    gp=gp,
                    rank=1,
                    proposed_on=today,
                    status=ProposalStatus.REFUSED,
                    refusal_reason="banc d'essai",
                )
            )
    return DeskRecords(records.patients, records.members, proposals)


def _taking_patients(gp: Member, profile: Member) -> Member:
    source = gp if gp.accepts_new_patients else profile
    return gp.model_copy(
        update={
            "active": True,
            "accepts_new_patients": True,
            "available_from": None,
            "monthly_capacity": source.monthly_capacity,
            "populations_accepted": list(source.populations_accepted),
            "home_visits": source.home_visits,
        }
    )


def greedy(candidates: list[Seeker], available: list[Doctor]) -> list[Assignment]:
    """First come, first served: the longest wait first, each to the closest GP with a free place left
    (the one with the most free places among equals)."""
    free = {d.key: d.free for d in available}
    by_profile: dict[tuple, list[tuple[Closeness, Doctor]]] = {}
    chosen = []
    for seeker in sorted(candidates, key=lambda s: (-s.waited_days, s.key)):
        profile = (seeker.place, seeker.groups, seeker.reduced_mobility)
        if profile not in by_profile:
            options = [(near, d) for d in available if (near := closeness_if_fitting(seeker, d)) is not None]
            by_profile[profile] = sorted(options, key=lambda option: (option[0], option[1].key))
        best: tuple[Closeness, Doctor] | None = None
        for lvl, doctor in by_profile[profile]:
            if doctor.key in seeker.refused:
                continue
            if free[doctor.key] > 0 and (best is None or (lvl, -free[doctor.key]) < (best[0], -free[best[1].key])):
                best = (lvl, doctor)
        if best is not None:
            free[best[1].key] -= 1
            chosen.append(Assignment(seeker.key, best[1].key, best[0], ()))
    return chosen


def ortools_objective(candidates: list[Seeker], available: list[Doctor]) -> tuple[Objective, int]:
    """OR-tools' optimum on the uncompressed network; also returns its number of arcs."""
    from ortools.graph.python import min_cost_flow  # type: ignore[import-untyped]

    bound = min(len(candidates), sum(d.free for d in available))
    per_patient = 2 * bound + 1
    per_point = bound * per_patient + 2 * bound + 1
    patient_count = len(candidates)
    source, sink, skip = 0, 1, 2
    first_doctor = 3 + patient_count
    tails, heads, costs = [], [], []
    groups: dict[tuple, list[int]] = defaultdict(list)
    for index, seeker in enumerate(candidates):
        groups[(seeker.place, seeker.groups, seeker.reduced_mobility, seeker.refused)].append(index)
    fitting: dict[tuple, list[tuple[int, int]]] = {}  # per profile, refusals aside: (GP column, closeness)
    for indices in groups.values():
        seeker = candidates[indices[0]]
        profile = (seeker.place, seeker.groups, seeker.reduced_mobility)
        if profile not in fitting:
            fitting[profile] = [
                (column, lvl)
                for column, d in enumerate(available)
                if (lvl := closeness_if_fitting(seeker, d)) is not None
            ]
        options = [(column, lvl) for column, lvl in fitting[profile] if available[column].key not in seeker.refused]
        if not options:
            continue
        nodes = 3 + np.asarray(indices)
        columns = np.array([c for c, _ in options])
        levels = np.array([lvl for _, lvl in options])
        gains = np.array([candidates[i].priority * per_point + per_patient for i in indices])
        tails.append(np.repeat(nodes, len(options)))
        heads.append(np.tile(first_doctor + columns, len(indices)))
        costs.append(np.tile(levels, len(indices)) - np.repeat(gains, len(options)))
    pair_tails, pair_heads, pair_costs = (np.concatenate(part) for part in (tails, heads, costs))
    flow = min_cost_flow.SimpleMinCostFlow()
    people = 3 + np.arange(patient_count)
    flow.add_arcs_with_capacity_and_unit_cost(
        np.full(patient_count, source),
        people,
        np.ones(patient_count, dtype=np.int64),
        np.zeros(patient_count, dtype=np.int64),
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        people,
        np.full(patient_count, skip),
        np.ones(patient_count, dtype=np.int64),
        np.zeros(patient_count, dtype=np.int64),
    )
    first_pair = flow.num_arcs()
    flow.add_arcs_with_capacity_and_unit_cost(
        pair_tails, pair_heads, np.ones(len(pair_tails), dtype=np.int64), pair_costs
    )
    doctor_nodes = first_doctor + np.arange(len(available))
    flow.add_arcs_with_capacity_and_unit_cost(
        doctor_nodes,
        np.full(len(available), sink),
        np.array([d.free for d in available], dtype=np.int64),
        np.zeros(len(available), dtype=np.int64),
    )
    flow.add_arc_with_capacity_and_unit_cost(skip, sink, patient_count, 0)
    flow.set_node_supply(source, patient_count)
    flow.set_node_supply(sink, -patient_count)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"OR-tools: statut {status}")
    used = flow.flows(np.arange(first_pair, first_pair + len(pair_tails))) > 0
    matched = pair_tails[used] - 3
    levels = pair_costs[used] + np.array([candidates[i].priority * per_point + per_patient for i in matched])
    return Objective(int(sum(candidates[i].priority for i in matched)), int(used.sum()), int(levels.sum())), len(
        pair_tails
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--doctors", type=int, default=500)
    parser.add_argument("--refusals", default="0,5,20", help="shares of patients having refused GPs, in %%")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the matching alone")
    parser.add_argument("--no-ortools", action="store_true", help="skip the independent solver")
    args = parser.parse_args()
    today = date.today()
    figures: dict[str, object] = {"load_before": [round(value, 2) for value in os.getloadavg()]}
    records, seconds = timed(lambda: instance(args.doctors, today))
    places = places_of([p.insee_code for p in records.patients] + [m.insee_code for m in records.members])
    candidates, excluded = seekers(records, Weights(), places, today)
    available, _ = doctors(records, places, today)
    print(
        f"instance: {len(records.patients)} patients waiting ({len(candidates)} may be proposed, "
        f"{len(excluded)} without consent or objecting), {len(available)} GPs, {sum(d.free for d in available)} "
        f"places (built in {seconds:.1f} s)",
        flush=True,
    )
    figures |= {
        "patients": len(records.patients),
        "eligible": len(candidates),
        "doctors": len(available),
        "places": sum(d.free for d in available),
    }
    runs = [
        run(with_refusals(records, float(percent), places, today), float(percent), places, today, args)
        for percent in args.refusals.split(",")
    ]
    figures["refusals"] = runs
    figures["load_after"] = [round(value, 2) for value in os.getloadavg()]
    figures["time_target_met"] = all(r["match_seconds_median"] < TARGET_SECONDS for r in runs)
    if not args.no_ortools:
        figures["objective_equal"] = all(r["objective_equal"] for r in runs)
    print(json.dumps(figures))


def cpu_timed(action: Callable[[], T]) -> tuple[T, float, float]:
    """The action's result, its wall time and its CPU time (this process's) in seconds."""
    start = time.process_time()
    result, wall = timed(action)
    return result, wall, time.process_time() - start


def run(records: DeskRecords, percent: float, places: dict, today: date, args: argparse.Namespace) -> dict[str, Any]:
    """Ours (plan, and the matching alone `args.repeat` times), greedy and OR-tools on one share of refusals."""
    weights = Weights()
    candidates, _ = seekers(records, weights, places, today)
    available, _ = doctors(records, places, today)
    refusing = sum(1 for s in candidates if s.refused)
    planned, plan_seconds = timed(lambda: plan(records, weights, places, today))
    timings = [cpu_timed(lambda: match(candidates, available)) for _ in range(args.repeat)]
    result = timings[-1][0]
    seconds, cpu = [t for _, t, _ in timings], [c for _, _, c in timings]
    ours = objective(result.assignments, candidates)
    assert len(planned.patients) == ours.matched
    print(
        f"{percent:g} % refusals ({refusing} patients, {len(records.proposals)} GPs refused): plan "
        f"{plan_seconds:.2f} s, match alone min {min(seconds):.2f} s median {statistics.median(seconds):.2f} s "
        f"(CPU {statistics.median(cpu):.2f} s, load {os.getloadavg()[0]:.1f}), "
        f"{ours.matched} matched, total priority {ours.priority}, distance {ours.distance}",
        flush=True,
    )
    baseline, greedy_seconds = timed(lambda: greedy(candidates, available))
    first_come = objective(baseline, candidates)
    print(
        f"  greedy first come, first served: {greedy_seconds:.2f} s, {first_come.matched} matched, "
        f"total priority {first_come.priority}, distance {first_come.distance}",
        flush=True,
    )
    figures: dict[str, object] = {
        "refusals_pct": percent,
        "refusing_patients": refusing,
        "refused_gps": len(records.proposals),
        "seconds": round(plan_seconds, 3),
        "match_seconds_min": round(min(seconds), 3),
        "match_seconds_median": round(statistics.median(seconds), 3),
        "match_cpu_seconds_median": round(statistics.median(cpu), 3),  # the load of a shared machine aside
        "matched": ours.matched,
        "priority": ours.priority,
        "distance": ours.distance,
        "greedy_priority": first_come.priority,
        "greedy_matched": first_come.matched,
        "greedy_distance": first_come.distance,
        "gain_over_greedy_pct": round(100 * (ours.priority - first_come.priority) / max(first_come.priority, 1), 1),
    }
    if not args.no_ortools:
        (reference, arcs), ortools_seconds = timed(lambda: ortools_objective(candidates, available))
        print(
            f"  OR-tools min-cost flow: {ortools_seconds:.1f} s on {arcs:,} patient-GP arcs, {reference.matched} "
            f"matched, total priority {reference.priority}, distance {reference.distance}",
            flush=True,
        )
        figures |= {
            "ortools_seconds": round(ortools_seconds, 1),
            "ortools_arcs": arcs,
            "ortools_priority": reference.priority,
            "ortools_matched": reference.matched,
            "ortools_distance": reference.distance,
            "objective_equal": reference == ours,
        }
    return figures


if __name__ == "__main__":
    main()
