"""The command line end to end: up --detach on a fresh data folder, status, migrate, seed, down."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from server.process import free_port
from settings import ROOT, read_secrets

CLI = [sys.executable, str(ROOT / "cli.py")]
pytestmark = pytest.mark.nocodb  # ./cpts up starts NocoDB and the app


def run(env: dict[str, str], *args: str, timeout: float = 400) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    data = tmp_path_factory.mktemp("cli-data")
    environment = {
        **os.environ,
        "CPTS_DATA_DIR": str(data),
        "CPTS_NOCODB_PORT": str(free_port()),
        "CPTS_APP_PORT": str(free_port()),
    }
    environment.pop("CPTS_BASE_ID", None)
    yield environment
    run(environment, "down")


@pytest.fixture(scope="module")
def first_up(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = run(env, "up", "--detach")
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def status(env: dict[str, str]) -> dict:
    result = run(env, "status", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_up_detach_bootstraps_a_demo_cpts(env: dict[str, str], first_up: subprocess.CompletedProcess[str]) -> None:
    secrets = read_secrets(Path(env["CPTS_DATA_DIR"]) / "secrets.env")
    assert secrets["CPTS_ADMIN_PASSWORD"] in first_up.stdout  # the admin login, printed on the first run
    report = status(env)
    assert report["nocodb"]["healthy"] and report["nocodb"]["version"] == "0.301.3"
    assert report["nocodb"]["url"] == f"http://127.0.0.1:{env['CPTS_NOCODB_PORT']}"
    assert report["app"] == {"url": f"http://127.0.0.1:{env['CPTS_APP_PORT']}", "healthy": True}
    assert report["base"]["title"] == "CPTS Issy-les-Moulineaux"
    assert report["tables"]["Actions"] == 14
    assert report["tables"]["Parcours"] == 5
    assert 300 <= report["tables"]["Patients"] <= 500
    assert report["drift"] == []
    raw = json.dumps(report)
    for key in ("CPTS_ADMIN_PASSWORD", "CPTS_API_TOKEN", "NC_AUTH_JWT_SECRET"):
        assert secrets[key] not in raw
    page = httpx.get(report["app"]["url"], timeout=10)
    assert page.status_code == 200


def test_migrate_and_seed_guard_the_data(env: dict[str, str], first_up: subprocess.CompletedProcess[str]) -> None:
    migrated = run(env, "migrate")
    assert migrated.returncode == 0 and "aucun changement" in migrated.stdout
    refused = run(env, "seed", "--demo")
    assert refused.returncode == 1
    assert "La base n'est pas vide" in refused.stderr and "--force" in refused.stderr
    assert status(env)["tables"]["Actions"] == 14


def test_second_up_keeps_the_base_and_hides_the_password(env: dict[str, str], first_up) -> None:
    before = status(env)
    busy = run(env, "up", "--detach")
    assert busy.returncode == 1 and "déjà lancée" in busy.stderr
    down = run(env, "down")
    assert down.returncode == 0 and "Arrêté" in down.stdout
    assert not status(env)["nocodb"]["healthy"]
    again = run(env, "up", "--detach")
    assert again.returncode == 0, again.stderr
    secrets = read_secrets(Path(env["CPTS_DATA_DIR"]) / "secrets.env")
    assert secrets["CPTS_ADMIN_PASSWORD"] not in again.stdout
    after = status(env)
    assert after["base"] == before["base"] and after["tables"] == before["tables"]
    assert run(env, "down").returncode == 0


def test_foreground_up_stops_both_servers_on_sigterm(tmp_path: Path) -> None:
    environment = {
        **os.environ,
        "CPTS_DATA_DIR": str(tmp_path),
        "CPTS_NOCODB_PORT": str(free_port()),
        "CPTS_APP_PORT": str(free_port()),
    }
    process = subprocess.Popen([*CLI, "up", "--no-demo"], env=environment, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and not status(environment)["app"]["healthy"]:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            time.sleep(1)
        report = status(environment)
        assert report["app"]["healthy"] and report["tables"]["Patients"] == 0  # --no-demo
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        report = status(environment)
        assert not report["nocodb"]["healthy"] and not report["app"]["healthy"]
    finally:
        if process.poll() is None:
            process.kill()
