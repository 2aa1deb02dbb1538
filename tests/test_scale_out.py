"""Several NocoDB processes on one PostgreSQL + Redis (`./cpts up --postgres --nocodb-processes 2`), in a data
folder of their own: both serve the same data and the same meta (their cache is the shared Redis); a write
through one is read through the other, and the app's shared copy attached to one (`store.postgres.PgSource`)
sees a write made through the other at its next read; `./cpts down` stops every server."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from test_postgres import cli

from schema.models import MEMBERS
from server import postgres, redis
from server.process import free_port, port_in_use, running_pid, stop, throwaway_settings
from server.status import LABELS
from services.connection import connect
from settings import Settings, read_secrets
from store.base import Base
from store.client import NocoClient
from store.postgres import PgSource

pytestmark = pytest.mark.nocodb
STRUCTURE = MEMBERS.field("structure_name").title


@dataclass
class Pair:
    data: Path
    secrets: dict[str, str]
    ports: dict[str, str]

    @property
    def nocodb_ports(self) -> tuple[int, int]:
        first = int(self.ports["CPTS_NOCODB_PORT"])
        return first, first + 1

    def client(self, number: int) -> NocoClient:
        return NocoClient(f"http://127.0.0.1:{self.nocodb_ports[number - 1]}", token=self.secrets["CPTS_API_TOKEN"])

    def settings(self, number: int) -> Settings:
        """The app's settings, pointed at NocoDB's process `number` (CPTS_NOCODB_PORT)."""
        port = self.nocodb_ports[number - 1]
        return Settings.from_env({"CPTS_DATA_DIR": str(self.data), "CPTS_NOCODB_PORT": str(port)})


def two_free_ports() -> int:
    """A free port whose next one is free too (NocoDB's second process goes there)."""
    while True:
        port = free_port()
        if port < 65535 and not port_in_use("127.0.0.1", port + 1):
            return port


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    data = tmp_path_factory.mktemp("scale-out") / "data"
    ports = {"CPTS_NOCODB_PORT": str(two_free_ports()), "CPTS_APP_PORT": str(free_port())}
    started = cli(data, "up", "--postgres", "--nocodb-processes", "2", "--detach", "--no-demo", **ports)
    try:
        assert started.returncode == 0, started.stderr + started.stdout
        yield Pair(data, read_secrets(data / "secrets.env"), ports)
    finally:
        stopped = cli(data, "down", **ports)
    assert stopped.returncode == 0 and "Arrêté." in stopped.stdout, stopped.stderr
    secrets = read_secrets(data / "secrets.env")
    listening = [int(secrets[postgres.PORT_KEY]), int(secrets[redis.PORT_KEY]), *map(int, ports.values())]
    assert not [port for port in listening if port_in_use("127.0.0.1", port)]
    assert not [port for port in Pair(data, secrets, ports).nocodb_ports if port_in_use("127.0.0.1", port)]


def test_both_processes_run_on_the_private_redis(pair: Pair) -> None:
    settings = pair.settings(1)
    pids = {name: running_pid(settings, name) for name in ("postgres", "redis", "nocodb", "nocodb-2", "app")}
    assert all(pids.values()), pids
    for name in ("nocodb", "nocodb-2"):
        environment = Path(f"/proc/{pids[name]}/environ").read_bytes().split(b"\0")
        assert f"NC_REDIS_URL={redis.url(pair.secrets)}".encode() in environment, name
    assert pair.secrets[redis.PASSWORD_KEY].encode() not in Path(f"/proc/{pids['redis']}/cmdline").read_bytes()
    assert redis.config_path(settings).stat().st_mode & 0o777 == 0o600
    assert redis.ask({**pair.secrets, redis.PASSWORD_KEY: "pas le bon"}, ("PING",)) is None
    sizes = redis.ask(pair.secrets, ("DBSIZE",))
    assert sizes is not None and int(sizes[0].lstrip(b":")) > 0  # NocoDB keeps its cache there
    for client in (pair.client(1), pair.client(2)):
        with client:
            assert client.healthy()


def test_a_write_through_one_is_read_through_the_other(pair: Pair) -> None:
    with pair.client(1) as first, pair.client(2) as second:
        base_id = pair.secrets["CPTS_BASE_ID"]
        table = Base.find(first, base_id=base_id).handle(MEMBERS).id
        (row,) = second.insert(table, [{STRUCTURE: "Maison de santé des Tilleuls"}])
        assert [r[STRUCTURE] for r in first.records(base_id, table) if r["Id"] == row] == [
            "Maison de santé des Tilleuls"
        ]
        first.update(table, [{"Id": row, STRUCTURE: "Maison de santé Éole"}])
        assert [r[STRUCTURE] for r in second.records(base_id, table) if r["Id"] == row] == ["Maison de santé Éole"]


def test_a_column_added_through_one_is_known_to_the_other(pair: Pair) -> None:
    """The meta (tables, columns) is cached by each process: in the shared Redis, a change made through one is
    not hidden from the other by a stale copy."""
    with pair.client(1) as first, pair.client(2) as second:
        table = Base.find(first, base_id=pair.secrets["CPTS_BASE_ID"]).handle(MEMBERS).id
        assert "Remarque" not in {c["title"] for c in second.table(table)["columns"]}  # now in B's cache
        first.add_column(table, {"title": "Remarque", "column_name": "remarque", "uidt": "SingleLineText"})
        assert "Remarque" in {c["title"] for c in second.table(table)["columns"]}
        (row,) = second.insert(table, [{STRUCTURE: "Cabinet Vauban", "Remarque": "écrit par le second"}])
        rows = first.records(pair.secrets["CPTS_BASE_ID"], table, where=f"(Id,eq,{row})")
        assert [r.get("Remarque") for r in rows] == ["écrit par le second"]


def test_the_app_on_one_sees_a_write_through_the_other(pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CPTS_NOCODB_URL", raising=False)
    monkeypatch.setenv("CPTS_BASE_ID", pair.secrets["CPTS_BASE_ID"])
    app_on_first, app_on_second = connect(pair.settings(1)), connect(pair.settings(2))
    try:
        for app in (app_on_first, app_on_second):  # the app pointed at either reads PostgreSQL straight
            assert app.shared is not None and isinstance(app.shared.source, PgSource)
        assert app_on_second.client.url.endswith(str(pair.nocodb_ports[1]))
        shared = app_on_first.shared
        assert shared is not None
        table = app_on_second.handle(MEMBERS).id
        (row,) = app_on_second.client.insert(table, [{STRUCTURE: "Pharmacie du Port"}])
        seen = shared.loaded([MEMBERS])[MEMBERS.key]
        assert [m.structure_name for m in seen.records if m.id == row] == ["Pharmacie du Port"]
        app_on_second.client.update(table, [{"Id": row, STRUCTURE: "Pharmacie du Vieux-Port"}])
        seen = shared.loaded([MEMBERS])[MEMBERS.key]
        assert [m.structure_name for m in seen.records if m.id == row] == ["Pharmacie du Vieux-Port"]
    finally:
        for app in (app_on_first, app_on_second):
            if app.shared is not None and isinstance(app.shared.source, PgSource):
                app.shared.source.close()
            app.client.close()


def test_status_reports_every_process(pair: Pair) -> None:
    """`./cpts status` names PostgreSQL, Redis, each NocoDB process and the app, with its address and process;
    one NocoDB process stopped is said down with what to do. Last of the tests on `pair`: it stops one."""
    report = json.loads(cli(pair.data, "status", "--json", **pair.ports).stdout)
    states = {state["key"]: state for state in report["servers"]}
    assert list(states) == ["postgres", "redis", "nocodb", "nocodb-2", "app"]
    assert all(state["healthy"] and state["pid"] for state in states.values()), states
    assert states["nocodb-2"]["address"] == f"http://127.0.0.1:{pair.nocodb_ports[1]}"
    assert states["redis"]["address"] == f"127.0.0.1:{pair.secrets[redis.PORT_KEY]}"
    assert states["nocodb-2"]["version"] == states["nocodb"]["version"] == report["nocodb"]["version"]
    stop(states["nocodb-2"]["pid"])
    said = cli(pair.data, "status", **pair.ports).stdout.splitlines()
    lines = {line[:12].strip(): line[13:] for line in said if line[:12].strip() in LABELS.values()}
    assert lines["NocoDB"].startswith(f"http://127.0.0.1:{pair.nocodb_ports[0]}  OK  ")
    down = lines["NocoDB 2"]
    assert down.startswith(f"http://127.0.0.1:{pair.nocodb_ports[1]}  ne répond pas : arrêté sans ./cpts down")
    assert down.endswith("./cpts up --nocodb-processes 2 le relance.")  # no process: it is gone
    for name in ("PostgreSQL", "Redis", "Application"):
        assert "  OK  (processus " in lines[name], lines


def test_several_processes_need_postgres(tmp_path: Path) -> None:
    refused = cli(tmp_path / "data", "up", "--nocodb-processes", "2", "--detach", "--no-demo")
    assert refused.returncode == 1
    assert "ajoutez --postgres" in refused.stderr, refused.stderr
    wrong = cli(tmp_path / "autre", "up", "--postgres", "--nocodb-processes", "12", "--detach")
    assert wrong.returncode == 1 and "entre 1 et 8" in wrong.stderr, wrong.stderr
    assert not (tmp_path / "autre" / "postgres").exists()


def test_redis_moves_off_a_port_taken_meanwhile(tmp_path: Path) -> None:
    """Redis keeps nothing: when its saved port is taken (a restore on another machine), it takes a free one
    and saves it; its password stays."""
    settings = throwaway_settings(tmp_path / "data")
    secrets: dict[str, str] = {}
    redis.ensure_secrets(settings, secrets)
    password = secrets[redis.PASSWORD_KEY]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", int(secrets[redis.PORT_KEY])))
        taken.listen()
        redis.ensure_secrets(settings, secrets)
        saved = read_secrets(settings.secrets_path)
        assert saved[redis.PORT_KEY] != str(taken.getsockname()[1])
        assert not port_in_use("127.0.0.1", int(saved[redis.PORT_KEY]))
    assert saved[redis.PASSWORD_KEY] == password and len(password) >= 40
