"""Validation of the rows read from NocoDB on the large demo: columnar (`store.validate.validate_read`) against
pydantic row by row (`store.records.validate_row`), in the same run. No NocoDB: the demo's records are turned
into rows as the data API gives them back (field titles, ISO dates, "a,b" multi-selects, foreign-key ids) and
read with `store.records.row_reader`, as `store.records.load` does; the journal gets `--journal-rows` entries.

Times are CPU seconds of this process (best of `--repeat`): on shared cores, wall time mostly measures the
neighbours. Python's cycle collector runs as in the app (the columnar path pauses it while it builds records).
Last line of output: one JSON object with the figures.

Measured (2 cores shared with other work, two runs on 2026-11-28): 50 000 patients 1.65 / 1.68 s with pydantic,
0.50 / 0.55 s columnar; every table of the large demo with a journal of 20 000 rows 2.78 / 2.73 s, 0.78 / 0.80 s.
Of the patients' gain, about half comes from pausing the cycle collector (columnar with it running: 0.95 s;
pydantic with it paused: 0.79 s). Same records and problems in every run ("same": true).

Usage: .venv/bin/python bench/validate.py [--journal-rows 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

sys.path[0] = str(Path(__file__).resolve().parents[1])  # the repo root, not bench/

from bench.harness import timed
from demo.generate import generate
from schema.fields import Kind, Record, TableSpec
from schema.models import ACCESS_LOG, TABLES, AccessEntry
from store.base import TableHandle
from store.records import row_reader, to_payload, validate_row
from store.validate import validate_read

T = TypeVar("T")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journal-rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tables, seconds = timed(lambda: demo_rows(args.journal_rows))
    print(f"generated {sum(len(rows) for rows in tables.values())} rows in {seconds:.1f} s", flush=True)
    figures: dict[str, Any] = {}
    for spec in TABLES:
        rows = tables[spec.key]
        if not rows:
            continue
        (baseline, before) = cpu_best_of(args.repeat, lambda: [validate_row(spec, row) for row in rows])  # noqa: B023
        (columnar, after) = cpu_best_of(args.repeat, lambda: validate_read(spec, rows))  # noqa: B023
        same = [r for r, _ in baseline] == columnar[0] and [p for _, ps in baseline for p in ps] == columnar[1]
        figures[spec.key] = {"rows": len(rows), "pydantic_s": round(before, 3), "columnar_s": round(after, 3)}
        print(f"{spec.title}: {len(rows)} rows, pydantic {before:.3f} s, columnar {after:.3f} s, same: {same}")
        figures[spec.key]["same"] = same
    figures["total"] = {
        "pydantic_s": round(sum(f["pydantic_s"] for f in figures.values()), 3),
        "columnar_s": round(sum(f["columnar_s"] for f in figures.values()), 3),
    }
    print(json.dumps(figures))


def cpu_best_of(repeat: int, action: Callable[[], T]) -> tuple[T, float]:
    """The action run `repeat` times: its last result and its smallest CPU time in seconds."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.process_time()
        result = action()
        best = min(best, time.process_time() - start)
    return result, best  # type: ignore[return-value]


def demo_rows(journal_rows: int) -> dict[str, list[dict[str, Any]]]:
    """The large demo's rows as `row_reader` gives them from NocoDB's answers, keyed like `schema.models.TABLES`."""
    data = generate("large")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    data[ACCESS_LOG.key] = [
        AccessEntry(
            id=i + 1, user="coordination", at=start + timedelta(minutes=7 * i), what="Patients", patient_count=3
        )
        for i in range(journal_rows)
    ]
    return {spec.key: as_read(spec, data[spec.key]) for spec in TABLES}


def as_read(spec: TableSpec[Any], records: list[Record]) -> list[dict[str, Any]]:
    """Records as NocoDB's data API gives them back, then read by `row_reader`."""
    links = {f.title: f"{f.title}_id" for f in spec.fields if f.kind is Kind.LINK}
    handle = TableHandle(spec, spec.key, links)
    read = row_reader(handle)
    rows = []
    for number, record in enumerate(records, start=1):
        payload = to_payload(handle, record)
        payload["Id"] = record.id or number
        for f in spec.fields:
            if f.kind is Kind.DATETIME and payload.get(f.title):
                payload[f.title] = payload[f.title].replace("T", " ")  # as NocoDB writes a DateTime
        rows.append(read(payload))
    return rows


if __name__ == "__main__":
    main()
