"""What `./cpts status` says of each server of the data folder: PostgreSQL and Redis when they are used, every
NocoDB process `./cpts up` started (`--nocodb-processes N`), the app; for each, its address, its process,
whether it answers and, when it does not, why and what to do (in French).

How many NocoDB processes there are: what `./cpts up` last started (recorded in <data>/run), what the
settings ask for (CPTS_NOCODB_PROCESSES), and the pid files `up --detach` left, whichever is highest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from errors import ServerError
from server import postgres, redis
from server.process import SERVER_TITLES, nocodb_key, pid_file, port_in_use, running_pid
from settings import MAX_NOCODB_PROCESSES, Settings, read_secrets, write_private

PROCESSES_FILE = "nocodb-processes"
LABELS = {**SERVER_TITLES, "app": "Application"}


@dataclass(frozen=True)
class ServerState:
    key: str  # its name in server.process.SERVERS
    title: str
    address: str
    pid: int | None  # the process `up --detach` recorded, when it still runs
    healthy: bool
    version: str | None = None  # NocoDB's
    advice: str = ""  # when it does not answer: why and what to do


def record_processes(settings: Settings) -> None:
    """Note how many NocoDB processes `./cpts up` starts, for `./cpts status` (run in another shell)."""
    write_private(settings.data_dir / "run" / PROCESSES_FILE, f"{settings.nocodb_processes}\n")


def nocodb_count(settings: Settings) -> int:
    """How many NocoDB processes this data folder runs (see the module's docstring); 1 with CPTS_NOCODB_URL."""
    if settings.external_nocodb_url:
        return 1
    path = settings.data_dir / "run" / PROCESSES_FILE
    recorded = path.read_text(encoding="utf-8").strip() if path.is_file() else ""
    detached = [n for n in range(1, MAX_NOCODB_PROCESSES + 1) if pid_file(settings, nocodb_key(n)).exists()]
    return max(settings.nocodb_processes, int(recorded) if recorded.isdigit() else 1, *detached)


def server_states(settings: Settings) -> list[ServerState]:
    """Every server of this data folder, in starting order: PostgreSQL, Redis, NocoDB's processes, the app."""
    secrets = read_secrets(settings.secrets_path) if settings.secrets_path.is_file() else {}
    count = nocodb_count(settings)
    states = [postgres_state(settings, secrets, count)] if settings.local_postgres else []
    if count > 1:
        states.append(redis_state(settings, secrets, count))
    states += [nocodb_state(settings, number, count) for number in range(1, count + 1)]
    return [*states, app_state(settings, count)]


def nocodb_state(settings: Settings, number: int, count: int) -> ServerState:
    from store.client import NocoClient

    key, port = nocodb_key(number), settings.nocodb_port + number - 1
    url = settings.nocodb_url if number == 1 else f"http://{settings.host}:{port}"
    with NocoClient(url, retries=0) as probe:
        healthy = probe.healthy()
        version = probe.version() if healthy else None
    if healthy or not settings.external_nocodb_url:
        return state(settings, key, url, healthy, advice(settings, key, settings.host, port, count), version)
    return state(settings, key, url, False, "ne répond pas : vérifiez le NocoDB désigné par CPTS_NOCODB_URL.")


def app_state(settings: Settings, count: int) -> ServerState:
    try:
        healthy = httpx.get(f"{settings.app_url}/_stcore/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        healthy = False
    return state(
        settings, "app", settings.app_url, healthy, advice(settings, "app", settings.host, settings.app_port, count)
    )


def postgres_state(settings: Settings, secrets: Mapping[str, str], count: int) -> ServerState:
    if not secrets.get(postgres.PORT_KEY) or not secrets.get(postgres.PASSWORD_KEY):
        return state(settings, "postgres", "127.0.0.1", False, "pas encore créé : ./cpts up --postgres le crée.")
    port = int(secrets[postgres.PORT_KEY])
    try:
        healthy, why = postgres.accepting(secrets), advice(settings, "postgres", "127.0.0.1", port, count)
    except ServerError as error:  # its programs are missing
        healthy, why = False, f"ne répond pas : {error}"
    return state(settings, "postgres", f"127.0.0.1:{port}", healthy, why)


def redis_state(settings: Settings, secrets: Mapping[str, str], count: int) -> ServerState:
    if not secrets.get(redis.PORT_KEY) or not secrets.get(redis.PASSWORD_KEY):
        return state(settings, "redis", "127.0.0.1", False, f"pas encore lancé : {restart(count)} le démarre.")
    port = int(secrets[redis.PORT_KEY])
    why = advice(settings, "redis", "127.0.0.1", port, count)
    return state(settings, "redis", f"127.0.0.1:{port}", redis.answers(secrets), why)


def state(
    settings: Settings, key: str, address: str, healthy: bool, why: str, version: str | None = None
) -> ServerState:
    pid = running_pid(settings, key)
    return ServerState(key, LABELS[key], address, pid, healthy, version, "" if healthy else why)


def advice(settings: Settings, key: str, host: str, port: int, count: int) -> str:
    """What « ne répond pas » means for this server of the data folder, and what to do."""
    log = settings.log_dir / f"{key}.log"
    if running_pid(settings, key) is not None or port_in_use(host, port):
        return f"ne répond pas alors qu'il tourne (bloqué ?) : voir {log}, puis ./cpts down et {restart(count)}."
    if pid_file(settings, key).exists():
        return f"ne répond pas : arrêté sans ./cpts down (voir {log}) ; {restart(count)} le relance."
    return f"ne répond pas : pas lancé ; {restart(count)} le démarre."


def restart(count: int) -> str:
    """The command that starts the servers again as they were."""
    return "./cpts up" + (f" --nocodb-processes {count}" if count > 1 else "")
