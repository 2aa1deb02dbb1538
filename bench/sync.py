"""Read and bulk-insert throughput of the sync layer on the large demo CPTS, against naive baselines.

Starts its own NocoDB in a temporary folder, loads the large demo (50 000 patients, 2 000 members),
then measures in the same run:
- read: `store.records.load` over every table (pages of 1000, validation, DataFrame) against plain
  paging at NocoDB's default page size of 25, timed on the first pages of each table (paging every row
  25 at a time would take a quarter of an hour);
- insert: `store.records.insert` of 5 000 patients against one record per request (on the first 500),
  for rows without a link (new requests: no médecin traitant yet) and for rows as in the demo, half of
  them linked to their médecin traitant.
Last line of output: one JSON object with the figures. Targets: read >= 10 000 rows/s, insert >= 1 000 rows/s.

Measured (2 cores, nothing else running, two runs on 2026-11-26), with nocodb/batch_row_links.js: read
18 300 / 17 200 rows/s (pages of 25: 2 560 / 2 260); insert without links 1 350 / 1 330 rows/s (one per
request: 100 / 80), as in the demo (48 % linked) 1 500 / 1 330 rows/s (one per request: 80 / 70); seed of
the whole large demo 1 630 / 1 550 rows/s (66 / 70 s). Before that file, in
two runs of the same day: read 19 100 / 18 900 (pages of 25: 440 / 460, every link of every row resolved on
its own), insert without links 1 510 / 1 470, with links 850 / 840, seed 510 / 520 rows/s. With other work
sharing the cores the figures drop by up to 40 %.

Usage: .venv/bin/python bench/sync.py [--naive-insert-rows 500] [--naive-read-pages 40]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any, cast

sys.path[0] = str(Path(__file__).resolve().parents[1])  # the repo root, not bench/ (whose sync.py would shadow sync/)

from bench.harness import throwaway_base, timed
from demo.generate import generate
from schema.models import PATIENTS, TABLES, Patient
from services.seed import seed
from store import records
from store.base import Base

INSERTED = 5000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--naive-insert-rows", type=int, default=500)
    parser.add_argument("--naive-read-pages", type=int, default=40, help="pages of 25 per table for the baseline")
    args = parser.parse_args()
    with throwaway_base() as base:
        figures = run(base, args.naive_insert_rows, args.naive_read_pages)
    print(json.dumps(figures))


def run(base: Base, naive_rows: int, naive_pages: int) -> dict[str, float | int | bool]:
    data, gen_seconds = timed(lambda: generate("large"))
    rows_total = sum(len(v) for v in data.values())
    print(f"generated {rows_total} rows in {gen_seconds:.1f} s", flush=True)
    _, seed_seconds = timed(lambda: seed(base, data))
    print(f"seed (all tables, bulk): {rows_total / seed_seconds:,.0f} rows/s ({seed_seconds:.1f} s)", flush=True)

    patients = [cast(Patient, p).model_copy(update={"code": None}) for p in data["patients"][-INSERTED:]]
    plain = insert_rates(base, [p.model_copy(update={"gp": None}) for p in patients], naive_rows)
    linked = insert_rates(base, patients, naive_rows)
    linked_share = sum(p.gp is not None for p in patients) / len(patients)
    print(f"insert without links: bulk {plain[0]:,.0f} rows/s, one per request {plain[1]:,.0f} rows/s", flush=True)
    print(
        f"insert as in the demo ({linked_share:.0%} linked to a GP): bulk {linked[0]:,.0f} rows/s, "
        f"one per request {linked[1]:,.0f} rows/s",
        flush=True,
    )

    loaded, read_seconds = timed(lambda: [records.load(base, spec) for spec in TABLES])
    read_rows = sum(len(result.records) for result in loaded)
    _, frame_seconds = timed(lambda: [result.frame for result in loaded])
    read_rate = read_rows / (read_seconds + frame_seconds)
    naive_read_rate = naive_read(base, naive_pages)
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
        "insert_rows_per_s": round(plain[0]),
        "insert_naive_rows_per_s": round(plain[1]),
        "insert_speedup": round(plain[0] / plain[1], 1),
        "insert_linked_rows_per_s": round(linked[0]),
        "insert_linked_naive_rows_per_s": round(linked[1]),
        "insert_linked_share": round(linked_share, 2),
        "seed_rows_per_s": round(rows_total / seed_seconds),
        "read_target_met": read_rate >= 10_000,
        "insert_target_met": plain[0] >= 1_000,
        "insert_linked_target_met": linked[0] >= 1_000,
    }


def insert_rates(base: Base, patients: Sequence[Patient], naive_rows: int) -> tuple[float, float]:
    """Rows per second of `records.insert` and of one record per request; both written rows deleted after."""
    handle = base.handle(PATIENTS)
    ids, bulk_seconds = timed(lambda: records.insert(base, PATIENTS, patients))
    payloads = [records.to_payload(handle, p, skip_empty=True) for p in patients[:naive_rows]]
    naive_ids, naive_seconds = timed(lambda: [base.client.insert(handle.id, [row])[0] for row in payloads])
    base.client.delete(handle.id, ids + naive_ids)
    return len(patients) / bulk_seconds, len(payloads) / naive_seconds


def naive_read(base: Base, pages: int) -> float:
    """Rows per second of NocoDB's default paging (25 rows a request, every field) over the first `pages`
    pages of each table."""
    rows, seconds = 0, 0.0
    for spec in TABLES:
        pager = base.client.pages(base.id, base.handle(spec).id, page_size=25)
        got, spent = timed(partial(first_rows, pager, pages))
        rows, seconds = rows + got, seconds + spent
    return rows / seconds


def first_rows(pager: Iterator[list[dict[str, Any]]], pages: int) -> int:
    return sum(len(page) for page, _ in zip(pager, range(pages), strict=False))


if __name__ == "__main__":
    main()
