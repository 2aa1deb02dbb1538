"""`./cpts` starts without pandas nor Faker: they cost `./cpts match` (and every command) about half a second
before any work; a module loaded by every command that imports them at the top brings that back."""

from __future__ import annotations

import subprocess
import sys

from settings import ROOT

HEAVY = ("pandas", "faker", "pyarrow")


def test_the_command_line_loads_no_heavy_module() -> None:
    probe = f"import sys, cli, commands.match; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
