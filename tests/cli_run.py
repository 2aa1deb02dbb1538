"""Running `./cpts` (cli.py) against the test session's NocoDB and one test module's base."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from settings import ROOT
from store.base import Base


def run_cli(nocodb: Any, base: Base, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`cli.py *args` in a subprocess, pointed at `nocodb` (the session's server) and `base`."""
    env = {
        **os.environ,
        "CPTS_DATA_DIR": str(nocodb.settings.data_dir),
        "CPTS_NOCODB_PORT": str(nocodb.settings.nocodb_port),
        "CPTS_BASE_ID": base.id,
    }
    env.pop("CPTS_NOCODB_URL", None)
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
    )
