"""The region bench/region.py measures: `--bases` CPTS bases on one NocoDB on PostgreSQL, the first `--large` of
them the large demo (50 000 patients), the others the small one (400), each on its own town of Auvergne-Rhône-
Alpes with its own random seed; and, in a sibling folder, the first base's large demo on NocoDB's SQLite.

Made through the normal paths: `bench.harness.served_base` (as `./cpts up [--postgres]`), `services.bases.add_base`
(`./cpts base add`), `services.seed.seed` (`./cpts seed --demo`). Kept in the data folder with a `region.json`
naming its parameters: a later run with the same parameters reuses it (a base already seeded is skipped, so an
interrupted generation resumes where it stopped).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.harness import say
from demo.generate import SCALES, Size, generate
from domain.communes import commune
from schema.models import PATIENTS
from services.bases import add_base, cpts_bases
from settings import Settings
from store.base import Base

# Towns of Auvergne-Rhône-Alpes, the biggest first (the large demos go to the first ones).
TOWNS = (
    "38185", "74010", "42218", "63113", "69266", "26362", "73065", "01053", "26198", "74281",
    "42187", "03185", "38544", "15014", "03310", "73011", "03190", "43157", "07010", "07186",
)  # fmt: skip
SEED = 2026
MARKER = "region.json"


@dataclass(frozen=True)
class Plan:
    bases: int
    large: int

    def size(self, number: int) -> Size:
        """The demo of CPTS `number` (1-based)."""
        return "large" if number <= self.large else "small"

    def title(self, number: int) -> str:
        return f"CPTS {number}"

    def patients_of(self, number: int) -> int:
        return SCALES[self.size(number)].patients

    @property
    def patients(self) -> int:
        return sum(self.patients_of(n) for n in range(1, self.bases + 1))

    def parameters(self) -> dict[str, Any]:
        return {"bases": self.bases, "large": self.large, "seed": SEED, "towns": TOWNS[: self.bases]}


def pg_folder(data: Path) -> Path:
    return data / "postgres-region"


def sqlite_folder(data: Path) -> Path:
    return data / "sqlite-large"


def recorded(data: Path, plan: Plan) -> dict[str, Any] | None:
    """What a previous run recorded of its generation, when it made this plan's region to the end."""
    path = data / MARKER
    if not path.is_file():
        return None
    made = json.loads(path.read_text(encoding="utf-8"))
    return made if made.get("parameters") == json.loads(json.dumps(plan.parameters())) else None


def record(data: Path, plan: Plan, figures: dict[str, Any]) -> None:
    (data / MARKER).write_text(json.dumps({"parameters": plan.parameters(), **figures}), encoding="utf-8")


def seed_cpts(base: Base, plan: Plan, number: int) -> float | None:
    """CPTS `number`'s demo written into `base` unless it has patients already: its seconds, None if skipped."""
    from services.seed import seed

    if base.count(PATIENTS):
        say(f"  {base.title}: already seeded, kept")
        return None
    town = commune(TOWNS[number - 1])
    start = time.monotonic()
    data = generate(plan.size(number), insee_code=town.insee_code, seed=SEED + number)
    seed(base, data, force=True)  # force: `base add` wrote its Territoire, the demo writes its own
    seconds = time.monotonic() - start
    say(f"  {base.title} ({town.name}, {plan.size(number)}): seeded in {seconds:.0f} s")
    return seconds


def region_bases(settings: Settings, first: Base, plan: Plan) -> list[Base]:
    """The plan's bases on the server: the bootstrap base is CPTS 1 (made so by CPTS_NAME), the others added
    with `base add` on their town when missing."""
    client = first.client
    known = {cpts.title: cpts.id for cpts in cpts_bases(client)}
    bases = [first]
    for number in range(2, plan.bases + 1):
        title = plan.title(number)
        if title not in known:
            added = add_base(client, title, [commune(TOWNS[number - 1])])
            known[title] = added.base.id
            say(f"  base add {title}")
        bases.append(Base(client, known[title], title))
    return bases


def seed_region(settings: Settings, first: Base, plan: Plan) -> dict[str, Any]:
    """Every base of the plan made and seeded; seconds per large and per small seed."""
    seconds: dict[str, list[float]] = {"large": [], "small": []}
    for number, base in enumerate(region_bases(settings, first, plan), start=1):
        took = seed_cpts(base, plan, number)
        if took is not None:
            seconds[plan.size(number)].append(round(took, 1))
    return {"seed_s": seconds}


@contextmanager
def cpts_one_named() -> Iterator[None]:
    """The bootstrap base named « CPTS 1 » (server.bootstrap reads CPTS_NAME when it creates the base)."""
    import os

    before = os.environ.get("CPTS_NAME")
    os.environ["CPTS_NAME"] = "CPTS 1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("CPTS_NAME", None)
        else:
            os.environ["CPTS_NAME"] = before
