"""bench/pages.py stays runnable without a browser run: its pages are app.py's, the pages it singles out
(landing, the crowd's, the ones showing the change) are still declared, its figures are computed right."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import SECTIONS
from bench import pages as bench
from bench import team
from domain.access import COORDINATOR
from domain.permissions import can


def test_every_page_a_coordinator_opens_is_measured() -> None:
    declared = [page for section in SECTIONS.values() for page in section]
    assert bench.chosen(None) == [page for page in declared if can(COORDINATOR, page.needs)]
    assert any(not can(COORDINATOR, page.needs) for page in declared)  # Vue régionale: no link to click
    assert len({bench.url_of(page) for page in declared}) == len(declared)  # one URL per page
    assert bench.url_of(declared[0]) == ""  # the default page, Accueil


def test_the_pages_it_singles_out_are_declared() -> None:
    paths = {page.path for page in bench.declared_pages()}
    assert set(bench.CROWD) <= paths
    for title in (bench.LANDING, bench.LANDING_ELSE):
        landing = bench.by_title(title)
        assert can(COORDINATOR, landing.needs) and not landing.shows_patients
        assert (Path(bench.__file__).parents[1] / landing.path).is_file()


def test_pages_are_chosen_by_title() -> None:
    assert [p.title for p in bench.chosen("Patients en attente, Accueil")] == ["Accueil", "Patients en attente"]
    with pytest.raises(SystemExit, match="Nulle part"):
        bench.chosen("Accueil,Nulle part")


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(20, 0, -1)]
    assert bench.percentile(values, 0.5) == 10.0
    assert bench.percentile(values, 0.95) == 19.0
    assert bench.percentile([3.0], 0.95) == 3.0
    assert bench.percentile([], 0.5) is None


def test_crowd_figures_keep_displayed_and_received_apart() -> None:
    times = [(float(v) / 10, float(v)) for v in range(1, 21)]  # received a tenth of the display time
    figures = team.crowd_figures(times, 1)
    assert figures == {
        "p50_s": 10.0,
        "p95_s": 19.0,
        "received_p50_s": 1.0,
        "received_p95_s": 1.9,
        "errors": 1,
    }
