"""`./cpts match --dry-run` end to end (a process of its own, imports included) on a data folder holding a large
base (e.g. a copy of the large demo's), this code against a baseline commit, in the same run.

Starts its own NocoDB on free ports on that folder, then runs each case `--repeat` times, alternating the
trees so that the load of the machine weighs on both alike:
- baseline: the command of `--baseline` (a commit, default main), checked out with `git archive`;
- cold: this code, with no kept copy of the tables (the data folder's `copies/` emptied first);
- warm: this code, starting from the copies the previous run kept;
- edited: this code, after 100 patients changed through NocoDB's API since the copies were kept.
For each: the wall time (min, median) and the CPU time of the process (user + system, median), and the load
average of the machine before and after. Target: warm and edited under 3 s. Last line: one JSON object.

Usage: .venv/bin/python bench/match_command.py DATA_FOLDER [--baseline main] [--repeat 3]
(the folder is written to: NocoDB's file and the kept copies; use a copy of the large demo's folder).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # the repo root, not bench/

from bench.harness import served_base
from schema.models import PATIENTS
from services.connection import COPIES_FOLDER
from settings import COMMUNES_DIR_ENV, communes_dir
from store.base import Base

TARGET_SECONDS = 3.0
EDITED_PATIENTS = 100


def run_match(tree: Path, env: dict[str, str]) -> tuple[float, float, str]:
    """Wall and CPU seconds of one `cli.py match --dry-run` run in `tree`, and its first line of output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "cli.py", "match", "--dry-run"], cwd=tree, env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{tree}: {done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout.splitlines()[0]


def checked_out(commit: str, folder: Path) -> Path:
    """The tree of `commit` in `folder` (`git archive`)."""
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def edit_patients(base: Base, count: int, round_number: int) -> None:
    """`count` patients' notes changed through the API, as the grid changes them."""
    handle = base.handle(PATIENTS)
    first = next(base.client.pages(base.id, handle.id, fields=["Id"], page_size=count))[:count]
    base.client.update(handle.id, [{"Id": row["Id"], "Notes": f"Bench {round_number}"} for row in first])


def summary(runs: list[tuple[float, float, str]]) -> dict[str, float]:
    walls, cpus = [wall for wall, _, _ in runs], [cpu for _, cpu, _ in runs]
    return {
        "wall_min": round(min(walls), 2),
        "wall_median": round(statistics.median(walls), 2),
        "cpu_median": round(statistics.median(cpus), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--baseline", default="main")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = args.folder.resolve()
    copies = folder / COPIES_FOLDER
    load_before = os.getloadavg()
    runs: dict[str, list[tuple[float, float, str]]] = {"baseline": [], "cold": [], "warm": [], "edited": []}
    with tempfile.TemporaryDirectory(prefix="cpts-baseline-") as temporary, served_base(folder) as (settings, base):
        baseline = checked_out(args.baseline, Path(temporary))
        env = {
            **os.environ,
            "CPTS_DATA_DIR": str(folder),
            "CPTS_NOCODB_PORT": str(settings.nocodb_port),
            COMMUNES_DIR_ENV: str(communes_dir()),
        }

        def cold(_: int) -> Path:
            shutil.rmtree(copies, ignore_errors=True)
            return ROOT

        def edited(number: int) -> Path:
            edit_patients(base, EDITED_PATIENTS, number)
            return ROOT

        cases: dict[str, Callable[[int], Path]] = {
            "baseline": lambda _: baseline,
            "cold": cold,
            "warm": lambda _: ROOT,
            "edited": edited,
        }
        for number in range(args.repeat):
            for name, prepare in cases.items():
                runs[name].append(run_match(prepare(number), env))
                print(name, *(round(value, 2) for value in runs[name][-1][:2]), flush=True)
    outputs = {name: {first for _, _, first in found} for name, found in runs.items()}
    result = {
        "load_before": [round(value, 2) for value in load_before],
        "load_after": [round(value, 2) for value in os.getloadavg()],
        "baseline": args.baseline,
        "plan": sorted(outputs["warm"])[0],
        "same_plan": len({line for lines in outputs.values() for line in lines}) == 1,
        "target_seconds": TARGET_SECONDS,
        **{name: summary(found) for name, found in runs.items()},
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
