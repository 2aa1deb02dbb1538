"""What the benchmarks share: a timer and a throw-away NocoDB with a bootstrapped CPTS base."""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TypeVar

from domain import communes
from server.bootstrap import bootstrap, ensure_secrets
from server.postgres import ensure_cluster
from server.process import free_port, start_nocodb, start_postgres, stop, throwaway_settings
from settings import Settings, communes_dir
from store.base import Base

T = TypeVar("T")
communes.use_data_dir(communes_dir())  # every benchmark imports this module: the full communes data


def timed(action: Callable[[], T]) -> tuple[T, float]:
    """The action's result and its wall time in seconds."""
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def best_of(repeat: int, action: Callable[[], T]) -> tuple[T, float]:
    """The action run `repeat` times: its last result and its shortest wall time in seconds."""
    runs = [timed(action) for _ in range(repeat)]
    return runs[-1][0], min(seconds for _, seconds in runs)


def say(message: str) -> None:
    """A line of progress on stderr (stdout ends with the benchmark's JSON object)."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def loads(averages: tuple[float, float, float]) -> list[float]:
    """The machine's load averages (1, 5, 15 min), rounded, for the JSON object."""
    return [round(load, 2) for load in averages]


@contextmanager
def served_base(folder: Path, *, postgres: bool = False) -> Iterator[tuple[Settings, Base]]:
    """A NocoDB started on free ports with its data in `folder` (kept: a second run finds its base again),
    bootstrapped (migrated base); its settings and base; stopped after. `postgres`: NocoDB's data and meta
    in the folder's own PostgreSQL cluster (as `./cpts up --postgres`; created the first time), started
    before NocoDB and stopped after it."""
    settings = replace(throwaway_settings(folder), postgres=postgres)
    secrets, first = ensure_secrets(settings)
    with ExitStack() as stack:
        if settings.local_postgres:
            ensure_cluster(settings, secrets, port=free_port())
            stack.callback(stop, start_postgres(settings, secrets).process.pid)
        stack.callback(stop, start_nocodb(settings, secrets).process.pid)
        setup = bootstrap(settings, secrets, first)
        print(f"NocoDB {settings.nocodb_url}, base {setup.base.id}", file=sys.stderr, flush=True)
        yield settings, setup.base


@contextmanager
def throwaway_base() -> Iterator[Base]:
    """A NocoDB started in a temporary folder on free ports, bootstrapped (migrated base), stopped after."""
    with tempfile.TemporaryDirectory(prefix="cpts-bench-") as folder, served_base(Path(folder)) as (_, base):
        yield base
