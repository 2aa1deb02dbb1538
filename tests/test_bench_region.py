"""bench/region.py's plan of the region and its reuse of a region generated before (no server, no timing)."""

from __future__ import annotations

from pathlib import Path

from bench.region_data import TOWNS, Plan, record, recorded


def test_the_plan_mixes_large_and_small_demos() -> None:
    plan = Plan(bases=20, large=6)
    assert plan.patients == 6 * 50_000 + 14 * 400
    assert [plan.size(n) for n in (1, 6, 7, 20)] == ["large", "large", "small", "small"]
    assert len(set(TOWNS)) == len(TOWNS) == 20  # each CPTS its own town: not 20 identical rows


def test_a_region_is_reused_only_with_the_same_parameters(tmp_path: Path) -> None:
    assert recorded(tmp_path, Plan(20, 6)) is None
    record(tmp_path, Plan(20, 6), {"generation_s": 12.5})
    made = recorded(tmp_path, Plan(20, 6))
    assert made is not None and made["generation_s"] == 12.5
    assert recorded(tmp_path, Plan(20, 5)) is None
    assert recorded(tmp_path, Plan(19, 6)) is None
