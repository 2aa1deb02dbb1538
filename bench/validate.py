"""Validation of the rows read from NocoDB on the large demo: columnar (`store.validate.validate_rows`) against
pydantic row by row (`store.records.validate_row`), in the same run. No NocoDB: the demo's records are turned
into rows as the data API gives them back (field titles, ISO dates, "a,b" multi-selects, foreign-key ids) and
read with `store.records.row_reader`, as `store.records.load` does; the journal gets `--journal-rows` entries.

Last line of output: one JSON object with the figures (seconds, best of `--repeat`).

Usage: .venv/bin/python bench/validate.py [--journal-rows 20000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path[0] = str(Path(__file__).resolve().parents[1])  # the repo root, not bench/

from bench.harness import best_of, timed
from demo.generate import generate
from schema.fields import Kind, Record, TableSpec
from schema.models import ACCESS_LOG, TABLES, AccessEntry
from store.base import TableHandle
from store.records import row_reader, to_payload, validate_row
from store.validate import validate_rows


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
        (baseline, before) = best_of(args.repeat, lambda: [validate_row(spec, row) for row in rows])  # noqa: B023
        (columnar, after) = best_of(args.repeat, lambda: validate_rows(spec, rows))  # noqa: B023
        same = [r for r, _ in baseline] == columnar[0] and [p for _, ps in baseline for p in ps] == columnar[1]
        figures[spec.key] = {"rows": len(rows), "pydantic_s": round(before, 3), "columnar_s": round(after, 3)}
        print(f"{spec.title}: {len(rows)} rows, pydantic {before:.3f} s, columnar {after:.3f} s, same: {same}")
        figures[spec.key]["same"] = same
    figures["total"] = {
        "pydantic_s": round(sum(f["pydantic_s"] for f in figures.values()), 3),
        "columnar_s": round(sum(f["columnar_s"] for f in figures.values()), 3),
    }
    print(json.dumps(figures))


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
