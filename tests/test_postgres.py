"""`./cpts up --postgres` on a fresh data folder: a PostgreSQL cluster of its own (port and password in
secrets.env, 127.0.0.1 only) holds NocoDB's data and meta, the app answers, `./cpts down` stops all three; a
data folder already on SQLite is refused. (The suite on PostgreSQL: CPTS_TEST_ENGINE, tests/conftest.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from errors import ServerError
from server import postgres
from server.process import free_port, port_in_use, throwaway_settings
from settings import ROOT, read_secrets

pytestmark = pytest.mark.nocodb


def cli(data_dir: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CPTS_DATA_DIR": str(data_dir), **extra}
    for name in ("CPTS_NOCODB_URL", "CPTS_NOCODB_DB", "CPTS_POSTGRES", "CPTS_BASE_ID"):
        env.pop(name, None)
    command = [sys.executable, str(ROOT / "cli.py"), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT, timeout=600)


def sql(secrets: dict[str, str], query: str) -> str:
    """One value read with psql from the data folder's cluster."""
    command = [str(postgres.binary("psql")), "-At", "-c", query]
    env = {**os.environ, **postgres.connection_env(secrets)}
    return subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout.strip()


def test_up_postgres_then_down(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ports = {"CPTS_NOCODB_PORT": str(free_port()), "CPTS_APP_PORT": str(free_port())}
    started = cli(data, "up", "--postgres", "--detach", "--no-demo", **ports)
    try:
        assert started.returncode == 0, started.stderr + started.stdout
        assert "Cluster PostgreSQL créé" in started.stdout
        secrets = read_secrets(data / "secrets.env")
        assert (data / "secrets.env").stat().st_mode & 0o777 == 0o600
        assert (data / "postgres").stat().st_mode & 0o777 == 0o700
        assert len(secrets[postgres.PASSWORD_KEY]) >= 40
        assert not (data / "nocodb" / "noco.db").exists()
        assert sql(secrets, "SHOW listen_addresses") == "127.0.0.1"
        assert sql(secrets, "SHOW unix_socket_directories") == ""
        assert int(sql(secrets, "SELECT count(*) FROM pg_tables WHERE tablename = 'nc_bases_v2'")) == 1
        assert int(sql(secrets, "SELECT count(*) FROM nc_bases_v2 WHERE deleted IS NOT TRUE")) >= 1
        app = httpx.get(f"http://127.0.0.1:{ports['CPTS_APP_PORT']}/_stcore/health", timeout=10)
        assert app.status_code == 200
        status = cli(data, "status", **ports)
        assert "OK" in status.stdout and "Patients" in status.stdout, status.stdout + status.stderr
    finally:
        stopped = cli(data, "down", **ports)
    assert stopped.returncode == 0 and "Arrêté." in stopped.stdout
    assert not port_in_use("127.0.0.1", int(secrets[postgres.PORT_KEY]))
    again = cli(data, "backup", "-o", str(tmp_path / "froid.tar.gz"), **ports)  # a stopped cluster is started
    assert again.returncode == 0, again.stderr
    assert not port_in_use("127.0.0.1", int(secrets[postgres.PORT_KEY]))


def test_up_postgres_refuses_a_folder_on_sqlite(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "nocodb").mkdir(parents=True)
    (data / "nocodb" / "noco.db").write_bytes(b"")
    refused = cli(data, "up", "--postgres", "--detach")
    assert refused.returncode == 1
    assert "contient déjà la base SQLite" in refused.stderr
    assert not (data / "postgres").exists()


def test_missing_programs_or_a_wrong_port_are_told(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = throwaway_settings(tmp_path / "data")
    monkeypatch.setenv("CPTS_PG_BIN", str(tmp_path / "absent"))
    with pytest.raises(ServerError, match="PostgreSQL introuvable"):
        postgres.ensure_cluster(settings, {})
    monkeypatch.delenv("CPTS_PG_BIN")
    monkeypatch.setenv(postgres.PORT_KEY, "abc")
    with pytest.raises(ServerError, match="numéro de port"):
        postgres.ensure_cluster(settings, {})
    assert not (settings.data_dir / "postgres" / "PG_VERSION").exists()
