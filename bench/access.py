"""Access and retention at scale, each against a naive baseline in the same run.

Starts its own NocoDB in a temporary folder, loads the large demo CPTS (50 000 patients), then measures:
- validation: `domain.validation.validate_rows` over every table of the demo (what an import or the seed
  checks) against pydantic's model validation alone;
- purge: `services.purge` (plan, then chunked writes of the anonymised fields) with a 6-month retention,
  against one update request per patient (on a sample);
- journal: the Journal d'accès page's read of the last 30 days (filtered by NocoDB) in a journal of
  `--journal-rows` rows over a year, against reading the whole journal.
Last line of output: one JSON object with the figures. Targets: validation >= 20 000 rows/s; the first
purge of the large demo (about 14 000 patients) under 5 minutes, plan and writes; the journal page's read
of 30 days <= 1 s in a journal of 50 000 rows.

Measured (2 shared cores): validation 28 800 rows/s (pydantic alone 59 000); purge of 13 900 patients:
plan 13 s, writes 103 patients/s (one request per patient: 27/s); journal: 30 days (4 300 rows) 0.65 s,
the whole journal 6.2 s.

Usage: .venv/bin/python bench/access.py [--journal-rows 50000] [--naive-purge-rows 300]
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])  # the repo root, not bench/

from bench.harness import throwaway_base, timed
from demo.generate import generate
from domain.access_log import utc_since
from domain.retention import IDENTIFYING, PurgePlan
from domain.validation import validate_rows
from schema.models import ACCESS_LOG, PATIENTS, TABLES, AccessEntry
from services import purge
from services.seed import seed
from store import records
from store.base import Base
from store.client import clause

RETENTION_MONTHS = 6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journal-rows", type=int, default=50_000)
    parser.add_argument("--naive-purge-rows", type=int, default=300)
    args = parser.parse_args()
    with throwaway_base() as base:
        figures = run(base, args.journal_rows, args.naive_purge_rows)
    print(json.dumps(figures))


def run(base: Base, journal_rows: int, naive_rows: int) -> dict[str, float | int]:
    data = generate("large")
    figures = validation(data)
    _, seed_seconds = timed(lambda: seed(base, data))
    print(f"seeded the large demo in {seed_seconds:.0f} s", flush=True)
    figures |= purging(base, naive_rows)
    figures |= journal(base, journal_rows)
    return figures


def validation(data: dict) -> dict[str, float | int]:
    rows = {spec.key: [r.model_dump() for r in data.get(spec.key, [])] for spec in TABLES}
    total = sum(len(v) for v in rows.values())
    today = date.today()
    _, checked = timed(lambda: [validate_rows(spec, rows[spec.key], today) for spec in TABLES])
    _, pydantic_only = timed(lambda: [[spec.model.model_validate(r) for r in rows[spec.key]] for spec in TABLES])
    print(f"validation: {total} rows in {checked:.2f} s (pydantic alone {pydantic_only:.2f} s)", flush=True)
    return {
        "validation_rows": total,
        "validation_rows_per_s": round(total / checked),
        "pydantic_only_rows_per_s": round(total / pydantic_only),
    }


def purging(base: Base, naive_rows: int) -> dict[str, float | int]:
    today = date.today()
    planned, plan_seconds = timed(lambda: purge.plan(base, RETENTION_MONTHS, today))
    items = planned.plan.items
    naive = items[:naive_rows]
    rest = purge.Purge(PurgePlan(planned.plan.cutoff, items[naive_rows:], [], []), planned.enrolments)
    handle = base.handle(PATIENTS)
    titles = [PATIENTS.field(attr).title for attr in (*IDENTIFYING, "age_band")]

    def one_by_one() -> None:
        for item in naive:
            row = {"Id": item.record.id, **dict.fromkeys(titles[:-1]), titles[-1]: item.age_band}
            base.client.update(handle.id, [row])

    _, naive_seconds = timed(one_by_one)
    _, write_seconds = timed(lambda: purge.run(base, rest, "bench", dry_run=False))
    written = len(rest.plan.items)
    print(
        f"purge: plan of {len(items)} patients in {plan_seconds:.1f} s; {written} written in {write_seconds:.1f} s; "
        f"naive: {len(naive)} in {naive_seconds:.1f} s",
        flush=True,
    )
    return {
        "purge_patients": len(items),
        "purge_plan_s": round(plan_seconds, 2),
        "purge_patients_per_s": round(written / write_seconds),
        "naive_purge_patients_per_s": round(len(naive) / naive_seconds),
    }


def journal(base: Base, total: int) -> dict[str, float | int]:
    now = datetime.now(UTC).replace(microsecond=0)
    step = timedelta(days=365) / total
    entries = [
        AccessEntry(user=f"coord{i % 4}@cpts.fr", at=now - i * step, what="Patients en attente", patient_count=3,
                    patient_codes=f"P-{i % 50_000:06d}, P-{(i + 1) % 50_000:06d}, P-{(i + 2) % 50_000:06d}")
        for i in range(total)
    ]  # fmt: skip
    records.insert(base, ACCESS_LOG, entries)
    since = date.today() - timedelta(days=30)
    where = clause(ACCESS_LOG.field("at").title, "gte", "exactDate", utc_since(since).isoformat())
    month, month_seconds = timed(lambda: records.load(base, ACCESS_LOG, where=where).frame)
    whole, whole_seconds = timed(lambda: records.load(base, ACCESS_LOG).frame)
    print(
        f"journal: last 30 days ({len(month)} rows) in {month_seconds:.2f} s; whole ({len(whole)} rows) "
        f"in {whole_seconds:.2f} s",
        flush=True,
    )
    return {
        "journal_rows": len(whole),
        "journal_30_days_rows": len(month),
        "journal_30_days_s": round(month_seconds, 2),
        "journal_whole_s": round(whole_seconds, 2),
    }


if __name__ == "__main__":
    main()
