"""A region on one server, sized by simulation: 20 CPTS bases on NocoDB on PostgreSQL (6 large demos and 14
small: 305 600 patients), the « Vue régionale » in real Chromium, and the read throughput of SQLite and
PostgreSQL side by side in the same run.

Starts what it needs on free ports, in `--data DIR` (default: a temporary folder): a PostgreSQL cluster and
NocoDB on it in DIR/postgres-region, NocoDB on SQLite in DIR/sqlite-large. Generation (bench/region_data.py) is
the long part; DIR keeps it, and a later run with the same --bases/--large reuses it (and says so).

Measured:
1. generation: seconds per large and small seed, in all (null when reused);
2. the regional figures computed by the service alone (`services.region.region_of`, every base read through
   the API as `./cpts deck --region` does, then through the app's copies: first and again);
3. « Vue régionale » in Chromium for a région account (`./cpts user add --role région`'s path): first display
   right after the app started, and repeat display (median of three); the app's peak RSS, and its RSS per base;
4. read throughput, the same large demo on both engines: rows/s of a whole-table read of Patients through the
   shared copy's direct reader (store/sqlite.py, store/postgres.py) and through NocoDB's API; the refresh
   check with nothing changed (the direct reader's stamp, then a read of every table with nothing new);
5. sizes: PostgreSQL's database, per-base schema size and bytes per patient (pg_total_relation_size), the
   SQLite file.
Last line of output: one JSON object, seconds rounded to 2 decimals, with the machine load (1, 5, 15 min) at
start and end and the number of cores. Progress goes to stderr.

Measured (20 bases, 305 600 patients, 2 cores shared, load 3 to 12; see README « Dimensionner une région »):
Vue régionale first display 53-60 s after the app started (sign-in included, 13-16 s of it), repeat 1.6 s,
Rafraîchir 16 s, app peak RSS 1.65 GB (213 MB per large base's copy); service alone 65-72 s cold, 6-10 s with
the copies held, 84 s through the API; Patients read whole: SQLite 352 000 rows/s, PostgreSQL 192 000-210 000
(API: 7 400-8 300 against 3 900); PostgreSQL 1.44 GB, 1.2 GB of it NocoDB's history of changes (nc_audit_v2).

Usage: .venv/bin/python bench/region.py [--data DIR] [--bases 20] [--large 6] [--generate-only] [--no-browser]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __name__ == "__main__":
    sys.path[0] = str(Path(__file__).resolve().parents[1])  # the repo root, not bench/

from bench.harness import loads, say
from bench.region_data import (
    Plan,
    cpts_one_named,
    pg_folder,
    record,
    recorded,
    region_bases,
    seed_cpts,
    seed_region,
    sqlite_folder,
)


def generate(data: Path, plan: Plan) -> dict[str, Any]:
    """The region made in `data` (or kept from a previous run): what it took."""
    from bench.harness import served_base

    made = recorded(data, plan)
    if made is not None:
        say(f"region of {data} reused (generated in {made['generation_s']} s by a previous run)")
        return {**{k: v for k, v in made.items() if k != "parameters"}, "reused": True}
    say(f"generating {plan.bases} CPTS bases ({plan.patients} patients) on PostgreSQL in {data}…")
    start, load_start = time.monotonic(), os.getloadavg()
    with cpts_one_named(), served_base(pg_folder(data), postgres=True) as (settings, first):
        figures = seed_region(settings, first, plan)
    say("the same large demo on SQLite…")
    with cpts_one_named(), served_base(sqlite_folder(data)) as (_, base):
        sqlite_s = seed_cpts(base, plan, 1)
    figures.update(
        generation_s=round(time.monotonic() - start, 1),
        sqlite_seed_s=None if sqlite_s is None else round(sqlite_s, 1),
        generation_load=[loads(load_start), loads(os.getloadavg())],
    )
    record(data, plan, figures)
    say(f"generated in {figures['generation_s']} s")
    return {**figures, "reused": False}


def measure_postgres(data: Path, plan: Plan, browser: bool, through_api: bool) -> dict[str, Any]:
    """The region on PostgreSQL: « Vue régionale » in Chromium, the service's figures, the large demo's read
    throughput, the sizes."""
    from bench.harness import served_base
    from bench.region_measure import pg_sizes, region_password, regional_page, service_figures, throughput

    figures: dict[str, Any] = {}
    with cpts_one_named(), served_base(pg_folder(data), postgres=True) as (settings, first):
        bases = region_bases(settings, first, plan)
        password = region_password(settings)
        if browser:
            say("« Vue régionale » in Chromium…")
            figures["page"] = with_load(lambda: regional_page(settings, password, plan.bases))
        figures["service"] = with_load(lambda: service_figures(settings, plan.size, through_api))
        say("PostgreSQL: read throughput of the large demo (CPTS 1)…")
        figures["throughput"] = with_load(lambda: throughput(settings, first))
        figures["sizes"] = pg_sizes(settings, bases, plan.size, plan.patients_of(1))
    say(f"  {figures['throughput']} {figures['sizes']}")
    return figures


def measure_sqlite(data: Path, plan: Plan) -> dict[str, Any]:
    """The same large demo on NocoDB's SQLite: read throughput, file size."""
    from bench.harness import served_base
    from bench.region_measure import sqlite_size, throughput

    with cpts_one_named(), served_base(sqlite_folder(data)) as (settings, base):
        say("SQLite: read throughput of the large demo (CPTS 1)…")
        figures = {
            "throughput": with_load(lambda: throughput(settings, base)),
            "sizes": sqlite_size(settings, plan.patients_of(1)),
        }
    say(f"  {figures}")
    return figures


def with_load(measure: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The figures of `measure`, with the machine's load (1 min) before and after it."""
    before = os.getloadavg()[0]
    figures = measure()
    return {**figures, "load_1min": [round(before, 2), round(os.getloadavg()[0], 2)]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="data folder to keep (and reuse) the generated region")
    parser.add_argument("--bases", type=int, default=20, help="CPTS bases on the PostgreSQL server")
    parser.add_argument("--large", type=int, default=6, help="how many of them are the large demo")
    parser.add_argument("--generate-only", action="store_true", help="make the region, measure nothing")
    parser.add_argument("--no-browser", action="store_true", help="no Chromium: the service's figures only")
    parser.add_argument("--region-api", action="store_true", help="also the regional figures through the API")
    args = parser.parse_args()
    if not 0 <= args.large <= args.bases <= 20 or args.bases < 1:
        raise SystemExit("--bases : de 1 à 20 ; --large : de 0 à --bases.")
    plan = Plan(args.bases, args.large)
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="cpts-region-") as scratch:
        data = (args.data or Path(scratch)).resolve()
        data.mkdir(parents=True, exist_ok=True)
        generation = generate(data, plan)
        result: dict[str, Any] = {"plan": plan.parameters(), "patients": plan.patients, "generation": generation}
        if not args.generate_only:
            result["postgres"] = measure_postgres(data, plan, not args.no_browser, args.region_api)
            result["sqlite"] = measure_sqlite(data, plan)
    result.update(load_start=loads(load_start), load_end=loads(os.getloadavg()), cores=os.cpu_count())
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
