"""A local PostgreSQL for NocoDB (`./cpts up --postgres`): its own cluster in <data>/postgres, its own port and
password (in secrets.env), listening on 127.0.0.1 only, started and stopped with NocoDB.

The binaries are Debian's (`postgresql` package, /usr/lib/postgresql/<version>/bin, installed by ./cpts when
missing), or those of CPTS_PG_BIN. PostgreSQL refuses to run as root: when ./cpts runs as root, initdb and the
server run in a user namespace (`unshare --user`) where the service account is mapped to an unprivileged
user: the cluster's files stay owned by the service account, in its private data folder, and the server has
no privilege at all (not even root's in the namespace).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from urllib.parse import quote

from errors import ServerError
from settings import (
    PG_DATABASE,
    PG_PASSWORD_KEY,
    PG_PORT_KEY,
    PG_USER,
    Settings,
    new_secret,
    private_folder,
    write_private,
    write_secrets,
)

DEFAULT_PORT = 5433  # not 5432: a system PostgreSQL may be there
USER, DATABASE, PORT_KEY, PASSWORD_KEY = PG_USER, PG_DATABASE, PG_PORT_KEY, PG_PASSWORD_KEY
NAMESPACE_USER = "65534"  # who the service account is inside the user namespace when it is root outside
VERSIONED_BINARIES = Path("/usr/lib/postgresql")


def binary(name: str, env: Mapping[str, str] | None = None) -> Path:
    """A PostgreSQL program (initdb, postgres, pg_dump…): from CPTS_PG_BIN (only there when it is set), else
    Debian's newest version, else the PATH."""
    env = os.environ if env is None else env
    folders = [Path(env["CPTS_PG_BIN"])] if env.get("CPTS_PG_BIN") else []
    versions = sorted(VERSIONED_BINARIES.glob("*/bin"), key=_version, reverse=True)
    for folder in folders or versions:
        if (folder / name).is_file():
            return folder / name
    found = shutil.which(name)
    if found and not folders:
        return Path(found)
    raise ServerError(
        f"PostgreSQL introuvable ({name}) : lancez ./cpts (il installe le paquet Debian postgresql) "
        "ou indiquez le dossier de ses programmes avec CPTS_PG_BIN."
    )


def _version(folder: Path) -> int:
    return int(folder.parent.name) if folder.parent.name.isdigit() else 0


def cluster_dir(settings: Settings) -> Path:
    return settings.data_dir / "postgres"


def as_service(command: Sequence[str]) -> list[str]:
    """The command as PostgreSQL accepts to run it: as is, or in a user namespace when we are root."""
    if os.geteuid() != 0:
        return list(command)
    unshare = shutil.which("unshare")
    if unshare is None:
        raise ServerError("PostgreSQL refuse de tourner en root et unshare (util-linux) est absent.")
    return [unshare, "--user", f"--map-user={NAMESPACE_USER}", f"--map-group={NAMESPACE_USER}", *command]


def free_port_near(port: int) -> int:
    """`port` if nothing listens there on 127.0.0.1, else one the system gives."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ensure_cluster(settings: Settings, secrets: dict[str, str], port: int | None = None) -> bool:
    """The cluster of this data folder, created (initdb) the first time, with its port and password saved in
    secrets.env. True when it was created now."""
    folder = cluster_dir(settings)
    if (folder / "PG_VERSION").is_file() and secrets.get(PASSWORD_KEY) and secrets.get(PORT_KEY):
        return False
    if folder.exists() and any(folder.iterdir()):
        raise ServerError(
            f"{folder} existe mais n'est pas un cluster PostgreSQL de ce dossier de données (mot de passe ou "
            "port absent de secrets.env) : déplacez-le, ou restaurez une sauvegarde avec ./cpts restore."
        )
    secrets[PASSWORD_KEY] = new_secret()
    asked = os.environ.get(PORT_KEY, "")
    if asked and not (asked.isdigit() and 0 < int(asked) < 65536):
        raise ServerError(f"{PORT_KEY} doit être un numéro de port (1-65535), pas {asked!r}.")
    secrets[PORT_KEY] = str(port or (int(asked) if asked else free_port_near(DEFAULT_PORT)))
    private_folder(folder)
    password_file = settings.data_dir / "run" / "pg-password"
    write_private(password_file, secrets[PASSWORD_KEY] + "\n")
    try:
        command = [
            str(binary("initdb")), "-D", str(folder), "-U", USER, f"--pwfile={password_file}",
            "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions",
        ]  # fmt: skip
        done = subprocess.run(as_service(command), capture_output=True, text=True, check=False)
    finally:
        password_file.unlink(missing_ok=True)
    if done.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)  # the next try starts afresh
        raise ServerError(f"Création du cluster PostgreSQL impossible (initdb) :\n{done.stderr[-2000:]}")
    write_secrets(settings.secrets_path, secrets)
    return True


def server_command(settings: Settings, secrets: Mapping[str, str]) -> list[str]:
    """The PostgreSQL server of the cluster, in the foreground, on 127.0.0.1 only, without a Unix socket."""
    return as_service(
        [
            str(binary("postgres")), "-D", str(cluster_dir(settings)),
            "-c", "listen_addresses=127.0.0.1", "-p", secrets[PORT_KEY],
            "-c", "unix_socket_directories=", "-c", "logging_collector=off",
        ]
    )  # fmt: skip


def connection_env(secrets: Mapping[str, str]) -> dict[str, str]:
    """What libpq's programs (pg_dump, pg_restore, psql) need to reach the cluster (PGPASSWORD, not argv)."""
    return {
        "PGHOST": "127.0.0.1",
        "PGPORT": secrets[PORT_KEY],
        "PGUSER": USER,
        "PGPASSWORD": secrets[PASSWORD_KEY],
        "PGDATABASE": DATABASE,
    }


def nc_db(secrets: Mapping[str, str]) -> str:
    """NocoDB's NC_DB for the cluster: its data and meta in the database `nocodb` (NocoDB creates it)."""
    password = quote(secrets[PASSWORD_KEY], safe="")
    return f"pg://127.0.0.1:{secrets[PORT_KEY]}?u={USER}&p={password}&d={DATABASE}"


def accepting(secrets: Mapping[str, str]) -> bool:
    """Whether the cluster accepts connections (pg_isready)."""
    command = [str(binary("pg_isready")), "-q", "-h", "127.0.0.1", "-p", secrets[PORT_KEY], "-d", "postgres"]
    return subprocess.run(command, check=False, capture_output=True).returncode == 0


def run_client(command: Sequence[str], secrets: Mapping[str, str], what: str) -> None:
    """Run pg_dump / pg_restore / psql against the cluster; a failure is a French ServerError."""
    env = {**os.environ, **connection_env(secrets)}
    done = subprocess.run(list(command), env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        hidden = re.sub(re.escape(secrets[PASSWORD_KEY]), "***", done.stderr)
        raise ServerError(f"{what} impossible :\n{hidden[-2000:]}")


@contextlib.contextmanager
def running(settings: Settings, secrets: Mapping[str, str]) -> Iterator[None]:
    """The cluster running for the time of a block: the one already running, or one started for it."""
    from server.process import start_postgres, stop

    if accepting(secrets):
        yield
        return
    service = start_postgres(settings, secrets)
    try:
        yield
    finally:
        stop(service.process.pid)
