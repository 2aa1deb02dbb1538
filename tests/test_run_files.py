"""What ./cpts leaves in the data folder between runs: pid files (stale ones recognised and cleared), modes
private to the service account (checked by `status`, fixed by `up`), and what `status` says of a server down.

`up` is run with NocoDB's port taken: it gets past the pid files and the modes, then stops at the port, so
no server is started here."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from schema.models import ACTIONS
from server.process import free_port
from settings import ROOT, exposed
from store.base import Base
from tests.conftest import Server


@pytest.fixture
def data(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    return tmp_path / "data"


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def run(data: Path, *args: str, port: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "CPTS_DATA_DIR": str(data),
        "CPTS_NOCODB_PORT": str(port or free_port()),
        "CPTS_APP_PORT": str(free_port()),
    }
    env.pop("CPTS_NOCODB_URL", None)
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args], env=env, capture_output=True, text=True, timeout=60
    )


def record(data: Path, name: str, pid: int) -> Path:
    path = data / "run" / f"{name}.pid"
    path.parent.mkdir(exist_ok=True)
    path.write_text(str(pid))
    return path


def gone_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def server_like(mark: str) -> subprocess.Popen[bytes]:
    """A process whose command line holds what a server of ours holds (launch.js, serve.py), in its own group."""
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", mark], start_new_session=True)


def test_a_stale_pid_file_is_cleared_by_up(data: Path, busy_port: int) -> None:
    stale = record(data, "nocodb", gone_pid())
    result = run(data, "up", "--detach", port=busy_port)
    assert "déjà lancée" not in result.stderr
    assert f"{stale} désignait un serveur arrêté sans ./cpts down : fichier périmé supprimé." in result.stdout
    assert not stale.exists()
    assert f"Le port {busy_port} (NocoDB) est déjà utilisé" in result.stderr  # went on to start NocoDB


def test_a_pid_now_used_by_another_program_is_stale(data: Path, busy_port: int) -> None:
    other = subprocess.Popen(["sleep", "120"])
    try:
        stale = record(data, "nocodb", other.pid)
        result = run(data, "up", "--detach", port=busy_port)
        assert "déjà lancée" not in result.stderr and not stale.exists()
        assert other.poll() is None  # not ours: left alone
    finally:
        other.kill()
        other.wait()


def test_running_servers_refuse_a_second_up_and_down_stops_them(data: Path) -> None:
    servers = {"nocodb": server_like("launch.js"), "app": server_like("serve.py")}
    try:
        for name, process in servers.items():
            record(data, name, process.pid)
        refused = run(data, "up", "--detach")
        assert refused.returncode == 1
        assert "Une instance semble déjà lancée" in refused.stderr and "nocodb.pid" in refused.stderr
        down = run(data, "down")
        assert down.returncode == 0 and "Arrêté." in down.stdout
        assert all(process.wait(timeout=20) is not None for process in servers.values())
        assert not list((data / "run").iterdir())
    finally:
        for process in servers.values():
            process.kill()
            process.wait()


def test_an_app_left_alone_is_stopped_and_started_again(data: Path, busy_port: int) -> None:
    app = server_like("serve.py")
    try:
        record(data, "nocodb", gone_pid())
        record(data, "app", app.pid)
        result = run(data, "up", "--detach", port=busy_port)
        assert "déjà lancée" not in result.stderr
        assert f"L'application tournait encore sans l'autre serveur (processus {app.pid})" in result.stdout
        assert app.wait(timeout=20) is not None
    finally:
        app.kill()
        app.wait()


def test_status_says_what_is_down_and_what_to_do(data: Path) -> None:
    record(data, "nocodb", gone_pid())
    result = run(data, "status")
    assert result.returncode == 0, result.stderr
    assert "None" not in result.stdout
    lines = result.stdout.splitlines()
    assert "ne répond pas : arrêté sans ./cpts down" in lines[0] and "./cpts up le relance" in lines[0]
    assert "ne répond pas : pas lancé ; ./cpts up le démarre." in lines[1]
    assert "Base         non lue (NocoDB ne répond pas)" in lines


def test_status_warns_of_a_readable_file_and_up_makes_the_folder_private(data: Path, busy_port: int) -> None:
    data.chmod(0o700)
    assert "Attention" not in run(data, "status").stderr
    exposed = data / "nocodb" / "noco.db"
    exposed.parent.mkdir(mode=0o700)
    exposed.write_bytes(b"")
    exposed.chmod(0o644)
    warned = run(data, "status")
    assert f"Attention : {exposed} (mode 644) est accessible à d'autres comptes que le service." in warned.stderr
    assert "./cpts up rend le dossier de données privé" in warned.stderr
    assert warned.returncode == 0
    (data / "logs").mkdir(mode=0o755)
    (data / "logs").chmod(0o755)
    fixed = run(data, "up", "--detach", port=busy_port)
    assert "Dossier de données rendu privé" in fixed.stdout
    modes = {path: stat.S_IMODE(path.stat().st_mode) for path in [data, *data.rglob("*")]}
    assert all(mode & 0o077 == 0 for mode in modes.values()), modes
    assert modes[exposed] == 0o600 and modes[data / "logs"] == 0o700 and modes[data / "secrets.env"] == 0o600
    assert "Attention" not in run(data, "status").stderr


def test_the_session_nocodb_keeps_its_data_folder_private(nocodb: Server, base: Base) -> None:
    """NocoDB started (umask 077), wrote its database, logs and a new base's rows: nothing is readable by
    another account, whatever the umask of the test run."""
    table = base.handle(ACTIONS).id
    base.client.insert(table, [{"Titre": "Écrite pour le test des droits"}])
    data = nocodb.settings.data_dir
    assert (data / "nocodb" / "noco.db").exists() and (data / "logs" / "nocodb.log").exists()
    assert exposed(data) == []
