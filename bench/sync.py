"""Read and bulk-insert throughput of the sync layer on the large demo CPTS, against naive baselines.

Starts its own NocoDB in a temporary folder, loads the large demo (50 000 patients, 2 000 members),
then measures in the same run:
- read: `sync.records.load` over every table (pages of 1000, validation, DataFrame) against plain
  paging at NocoDB's default page size of 25;
- insert: `sync.records.insert` (chunks of 100) against one record per request.
Last line of output: one JSON object with the figures. Targets: read >= 10 000 rows/s, insert >= 1 000 rows/s.

Usage: .venv/bin/python bench/sync.py [--naive-insert-rows 500]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])  # the repo root, not bench/ (whose sync.py would shadow sync/)

from bench.harness import throwaway_base, timed
from schema.models import PATIENTS, TABLES
from sync import records
from sync.base import Base
from sync.demo import generate
from sync.seed import seed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--naive-insert-rows", type=int, default=500)
    args = parser.parse_args()
    with throwaway_base() as base:
        figures = run(base, args.naive_insert_rows)
    print(json.dumps(figures))


def run(base: Base, naive_rows: int) -> dict[str, float | int]:
    data, gen_seconds = timed(lambda: generate("large"))
    rows_total = sum(len(v) for v in data.values())
    print(f"generated {rows_total} rows in {gen_seconds:.1f} s", flush=True)
    _, seed_seconds = timed(lambda: seed(base, data))
    print(f"seed (all tables, bulk): {rows_total / seed_seconds:,.0f} rows/s ({seed_seconds:.1f} s)", flush=True)

    sample = [p.model_copy(update={"code": None}) for p in data["patients"][:5000]]
    ids, bulk_seconds = timed(lambda: records.insert(base, PATIENTS, sample))
    bulk_rate = len(sample) / bulk_seconds
    handle = base.handle(PATIENTS)
    payloads = [records.to_payload(handle, p, skip_empty=True) for p in sample[:naive_rows]]
    naive_ids, naive_seconds = timed(lambda: [base.client.insert(handle.id, [row])[0] for row in payloads])
    naive_insert_rate = len(payloads) / naive_seconds
    print(f"insert: bulk {bulk_rate:,.0f} rows/s, one per request {naive_insert_rate:,.0f} rows/s", flush=True)
    base.client.delete(handle.id, ids + naive_ids)

    loaded, read_seconds = timed(lambda: [records.load(base, spec) for spec in TABLES])
    read_rows = sum(len(result.records) for result in loaded)
    _, frame_seconds = timed(lambda: [result.frame for result in loaded])
    read_rate = read_rows / (read_seconds + frame_seconds)
    naive, naive_read_seconds = timed(
        lambda: [base.client.records(base.id, base.handle(spec).id, page_size=25) for spec in TABLES]
    )
    naive_read_rate = sum(len(rows) for rows in naive) / naive_read_seconds
    print(
        f"read: load {read_rate:,.0f} rows/s ({read_rows} rows, {read_seconds + frame_seconds:.1f} s), "
        f"pages of 25 {naive_read_rate:,.0f} rows/s",
        flush=True,
    )
    return {
        "rows": read_rows,
        "read_rows_per_s": round(read_rate),
        "read_naive_rows_per_s": round(naive_read_rate),
        "read_speedup": round(read_rate / naive_read_rate, 1),
        "insert_rows_per_s": round(bulk_rate),
        "insert_naive_rows_per_s": round(naive_insert_rate),
        "insert_speedup": round(bulk_rate / naive_insert_rate, 1),
        "seed_rows_per_s": round(rows_total / seed_seconds),
        "read_target_met": read_rate >= 10_000,
        "insert_target_met": bulk_rate >= 1_000,
    }


if __name__ == "__main__":
    main()
