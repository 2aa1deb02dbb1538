"""The RPPS import's reading on a generated extract of the whole of France: `domain.rpps` streaming the file
(keeping one département's activities, grouping them by person, checking the rows kept) against a naive
baseline, `csv.DictReader` over the whole file loaded in a list, then the same filter — in the same run.

The extract is generated in a temporary folder: `--lines` lines (default 2 000 000, the size of the real
file) with the header columns the import reads plus fillers up to 56, about 1.3 activities per person, each
activity in a commune drawn by population among every French commune (so a département keeps its share).
Each variant runs in a child process, so its peak memory (`ru_maxrss`) is its own. The naive baseline loads
every line as a dict (several GB for the whole of France): it reads the first `--naive-lines` lines only
(default 200 000) and its memory for the whole file is extrapolated from that.
Target (issue 15): the whole of France in under 60 s and 500 MB.

Then the spreadsheet import (`./cpts import patients`'s engine, `services.sheets`) into a NocoDB the bench
starts itself (temporary folder, free ports): a waiting list of `--patients` generated people
(`demo.waiting_list`: French dates, phones with spaces, postcodes, fragilities in words), as a `;` CSV and as
an .xlsx, each read, checked, matched and written into an empty Patients (rows/s from the file's bytes to
the rows in NocoDB), then run again (nothing to write: the time to find out). The naive baseline, in the same
run: the same rows, already checked, written one record per request (a script calling NocoDB's API row by
row), on the first `--naive-rows` rows.
Last line of output: one JSON object with the figures.

Usage: .venv/bin/python bench/imports.py [--lines 2000000] [--department 92] [--naive-lines 200000]
           [--patients 20000] [--naive-rows 500]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path[0] = str(Path(__file__).resolve().parents[1])  # the repo root, not bench/

from bench.harness import throwaway_base, timed
from demo.waiting_list import as_csv, as_xlsx, waiting_list
from domain.communes import commune, load_communes, territory_row
from domain.rpps import ReadStats, layout, professionals, read_activities
from domain.rpps_changes import checked_professionals
from schema.models import PATIENTS, TERRITORY
from services import sheets, writes
from services.rpps import open_extract
from store import records
from store.base import Base

WIDTH = 56  # columns of the real extract
FRANCE = 2_000_000  # lines of the real extract: the time of a smaller run is projected to this size
PROFESSIONS = [("10", "Médecin"), ("60", "Infirmier"), ("70", "Masseur-Kinésithérapeute"), ("21", "Pharmacien"),
               ("40", "Chirurgien-Dentiste"), ("50", "Sage-Femme"), ("91", "Orthophoniste")]  # fmt: skip
NAMES = ["MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU", "LAURENT"]
FIRST = ["Hélène", "Paul", "Claire", "Louis", "Jeanne", "Marc", "Sophie", "Léa", "Thomas", "Camille"]
TERRITORY_POSTCODES = {"92130": "92040", "92170": "92075"}  # the spreadsheet's CPTS: Issy-les-Moulineaux, Vanves


def header() -> list[str]:
    read = list(layout().columns.values())
    return read + [f"Colonne {n}" for n in range(len(read) + 1, WIDTH + 1)]


def generate(path: Path, lines: int, seed: int = 2026) -> None:
    """`lines` activities of the whole of France, written as the real extract is (UTF-8, `|`, a final `|`)."""
    rng = random.Random(seed)
    communes = list(load_communes().values())
    codes = [c.insee_code for c in communes]
    weights = [max(c.population, 1) for c in communes]
    postcodes = {c.insee_code: (c.postcodes[0] if c.postcodes else "") for c in communes}
    names = {c.insee_code: c.name for c in communes}
    columns = {name: position for position, name in enumerate(layout().columns)}
    drawn = rng.choices(codes, weights=weights, k=lines)
    person = 10_000_000_000
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write("|".join(header()) + "|\n")
        for number, code in enumerate(drawn):
            if number == 0 or rng.random() < 0.77:  # ~1.3 activities per person
                person += 1
                profession = rng.choice(PROFESSIONS)
                last, first = rng.choice(NAMES), rng.choice(FIRST)
            row = [""] * WIDTH
            values = {
                "id_type": "8", "identifier": str(person), "national_id": f"8{person}", "last_name": last,
                "first_name": first, "profession_code": profession[0], "profession_label": profession[1],
                "mode": rng.choice("LLLS"), "structure_name": "CABINET MEDICAL", "street_number": str(number % 200),
                "street_type": "Rue", "street": "de la République", "postcode": postcodes[code], "insee_code": code,
                "commune": names[code], "phone": f"01{number % 100_000_000:08d}", "email": "",
            }  # fmt: skip
            for name, value in values.items():
                row[columns[name]] = value
            file.write("|".join(row) + "|\n")


def stream(path: Path, department: str) -> dict[str, Any]:
    """The import's reading: the extract streamed, the département's activities kept, grouped and checked."""
    codes = {code for code in load_communes() if code.startswith(department)}
    stats = ReadStats()
    start = time.perf_counter()
    with open_extract(path) as (file, _, _):
        found = professionals(read_activities(file, codes, stats))
    read_seconds = time.perf_counter() - start
    rows, problems = checked_professionals(found, date.today())
    return {"lines": stats.lines, "kept": stats.kept, "people": len(rows), "problems": len(problems),
            "seconds": time.perf_counter() - start, "read_seconds": read_seconds}  # fmt: skip


def naive(path: Path, department: str, limit: int) -> dict[str, Any]:
    """Every line loaded as a dict first (`csv.DictReader` into a list), then filtered and grouped."""
    codes = {code for code in load_communes() if code.startswith(department)}
    start = time.perf_counter()
    with path.open(encoding="utf-8", newline="") as file:
        reader = csv.DictReader(file, delimiter="|")
        rows = [row for _, row in zip(range(limit), reader, strict=False)]
    commune = layout().columns["insee_code"]
    people = {row[layout().columns["identifier"]] for row in rows if row[commune] in codes}
    return {"lines": len(rows), "people": len(people), "seconds": time.perf_counter() - start}


def child(variant: str, path: Path, department: str, limit: int) -> dict[str, Any]:
    """One variant run in its own process: its figures and its peak memory in MB."""
    args = [sys.executable, __file__, "--variant", variant, "--file", str(path), "--department", department]
    done = subprocess.run([*args, "--naive-lines", str(limit)], capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.splitlines()[-1]))


def planned(base: Base, data: bytes, name: str) -> sheets.SheetImport:
    """The file read, checked and matched as `./cpts import patients` does (nothing written)."""
    sheet = sheets.read_file(data, name, PATIENTS, len(data))
    mapping = sheets.proposed_mapping(PATIENTS, sheet, Path("/nonexistent"))
    plan = sheets.prepare(base, PATIENTS, sheet, mapping, date.today())
    if plan.refused:
        raise SystemExit(f"{name}: {len(plan.problems)} refusal(s), first: {plan.problems[0]}")
    return plan


def sheet_import(base: Base, data: bytes, name: str) -> dict[str, float]:
    """The file imported into an empty Patients, then again: seconds to read + check + match, to write, and
    for the second run (which must find nothing to write)."""
    plan, check = timed(lambda: planned(base, data, name))
    _, write = timed(lambda: sheets.import_rows(base, plan))
    again, second = timed(lambda: planned(base, data, name))
    assert len(plan.changes.added) == base.count(PATIENTS) and again.changes.nothing
    return {"check_seconds": check, "write_seconds": write, "second_run_seconds": second}


def emptied(base: Base) -> None:
    ids = [p.id for p in records.load(base, PATIENTS).records if p.id is not None]
    base.client.delete(base.handle(PATIENTS).id, ids)


def naive_insert(base: Base, data: bytes, name: str, limit: int) -> float:
    """Rows per second of one record per request (the first `limit` rows, checked by the engine first)."""
    plan = planned(base, data, name)
    handle = base.handle(PATIENTS)
    payloads = [records.to_payload(handle, row, skip_empty=True) for row in plan.changes.added[:limit]]
    ids, seconds = timed(lambda: [base.client.insert(handle.id, [row])[0] for row in payloads])
    base.client.delete(handle.id, ids)
    return len(ids) / seconds


def spreadsheet(count: int, naive_rows: int) -> dict[str, Any]:
    """The spreadsheet figures: each format imported into an empty Patients, then the naive baseline."""
    people, gen_seconds = timed(lambda: waiting_list(count, TERRITORY_POSTCODES))
    files = {"liste_attente.csv": as_csv(people), "liste_attente.xlsx": as_xlsx(people)}
    print(f"generated {count} patients in {gen_seconds:.1f} s", flush=True)
    figures: dict[str, Any] = {"patients": count}
    with throwaway_base() as base:
        writes.insert(base, TERRITORY, [territory_row(commune(code)) for code in TERRITORY_POSTCODES.values()])
        for name, data in files.items():
            kind, run = name.rsplit(".", 1)[1], sheet_import(base, data, name)
            rate = count / (run["check_seconds"] + run["write_seconds"])
            print(f"{name} ({len(data) / 1e6:.1f} MB): {rate:,.0f} rows/s from the file to NocoDB "
                  f"({', '.join(f'{k} {v:.1f}' for k, v in run.items())})", flush=True)  # fmt: skip
            figures |= {f"sheet_{kind}_mb": round(len(data) / 1e6, 2), f"sheet_{kind}_rows_per_s": round(rate),
                        f"sheet_{kind}_write_rows_per_s": round(count / run["write_seconds"])}  # fmt: skip
            figures |= {f"sheet_{kind}_{k}": round(v, 1) for k, v in run.items()}
            emptied(base)
        naive = naive_insert(base, files["liste_attente.csv"], "liste_attente.csv", naive_rows)
    print(f"naive, one record per request ({naive_rows} rows): {naive:,.0f} rows/s", flush=True)
    figures |= {"sheet_naive_rows": naive_rows, "sheet_naive_rows_per_s": round(naive),
                "sheet_speedup": round(figures["sheet_csv_rows_per_s"] / naive, 1)}  # fmt: skip
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--department", default="92")
    parser.add_argument("--naive-lines", type=int, default=200_000)
    parser.add_argument("--patients", type=int, default=20_000)
    parser.add_argument("--naive-rows", type=int, default=500)
    parser.add_argument("--variant", choices=["stream", "naive"], help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.variant:  # in a child process
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the interpreter and its imports
        if args.variant == "stream":
            figures = stream(args.file, args.department)
        else:
            figures = naive(args.file, args.department, args.naive_lines)
        figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        figures["imports_mb"] = before
        print(json.dumps(figures))
        return
    with tempfile.TemporaryDirectory(prefix="cpts-rpps-") as folder:
        path = Path(folder) / "PS_LibreAcces_Personne_activite_202611010800.txt"
        _, seconds = timed(lambda: generate(path, args.lines))
        size = path.stat().st_size / 1e6
        print(f"generated {args.lines} lines ({size:.0f} MB) in {seconds:.1f} s", flush=True)
        ours = child("stream", path, args.department, args.naive_lines)
        print(f"stream: {ours}", flush=True)
        limit = min(args.lines, args.naive_lines)
        baseline = child("naive", path, args.department, limit)
        print(f"naive ({limit} lines): {baseline}", flush=True)
    share = args.lines / max(limit, 1)
    result = {
        "lines": args.lines,
        "file_mb": round(size, 1),
        "department": args.department,
        "stream_seconds": round(ours["seconds"], 2),
        "stream_rows_per_s": round(ours["lines"] / ours["seconds"]),
        "stream_peak_mb": round(ours["peak_mb"], 1),
        "imports_mb": round(ours["imports_mb"], 1),  # of the peak: the interpreter and the modules loaded
        "people_kept": ours["people"],
        "naive_lines": limit,
        "naive_rows_per_s": round(baseline["lines"] / baseline["seconds"]),
        "naive_peak_mb": round(baseline["peak_mb"], 1),
        "naive_peak_mb_whole_file": round(baseline["peak_mb"] * share, 1),
        "stream_seconds_projected_france": round(ours["seconds"] * FRANCE / max(ours["lines"], 1), 1),
        "target_met": ours["seconds"] * FRANCE / max(ours["lines"], 1) < 60 and ours["peak_mb"] < 500,
    }
    result |= spreadsheet(args.patients, args.naive_rows)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
