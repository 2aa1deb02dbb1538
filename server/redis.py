"""A private Redis for NocoDB's cache when several NocoDB processes share one PostgreSQL (`./cpts up --postgres
--nocodb-processes 2`): each process keeps the bases' meta (tables, columns, views) in that cache, so a change
made through one process is seen by the others (each would otherwise keep its own copy in memory).

Debian's `redis-server` (installed by ./cpts when missing), on 127.0.0.1 only, its own port and password in
secrets.env; its configuration (which holds the password: never on the command line, where `ps` shows it)
and its working folder are in <data>/redis, private. Redis holds only a cache here: nothing is saved to disk
(no snapshot, no append-only file), so a restarted or restored data folder never meets a stale cache.
"""

from __future__ import annotations

import shutil
import socket
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

from errors import ServerError
from server.postgres import free_port_near
from settings import Settings, new_secret, private_folder, write_private, write_secrets

PORT_KEY, PASSWORD_KEY = "CPTS_REDIS_PORT", "CPTS_REDIS_PASSWORD"
DEFAULT_PORT = 6380  # not 6379: a system Redis may be there
PROGRAM = "redis-server"


def binary() -> Path:
    """Debian's redis-server (or the one on the PATH)."""
    found = shutil.which(PROGRAM) or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").is_file() else None)
    if found is None:
        raise ServerError(
            "Redis introuvable (redis-server) : lancez ./cpts (il installe le paquet Debian redis-server) "
            "ou installez-le : sudo apt-get install -y redis-server"
        )
    return Path(found)


def folder(settings: Settings) -> Path:
    return settings.data_dir / "redis"


def config_path(settings: Settings) -> Path:
    return folder(settings) / "redis.conf"


def ensure_secrets(settings: Settings, secrets: dict[str, str]) -> None:
    """Redis's password (made the first time) and port in secrets.env: the saved port while it is free, else
    a free one (Redis keeps nothing: it may move, after a restore on a machine where the port is taken)."""
    saved = dict(secrets)
    secrets[PASSWORD_KEY] = secrets.get(PASSWORD_KEY) or new_secret()
    wanted = secrets.get(PORT_KEY, "")
    secrets[PORT_KEY] = str(free_port_near(int(wanted) if wanted.isdigit() and int(wanted) < 65536 else DEFAULT_PORT))
    if secrets != saved:
        write_secrets(settings.secrets_path, secrets)


def configuration(settings: Settings, secrets: Mapping[str, str]) -> str:
    """redis.conf: 127.0.0.1 only, a password, no persistence (a cache), working folder in the data folder."""
    lines = [
        "bind 127.0.0.1",
        "protected-mode yes",
        f"port {secrets[PORT_KEY]}",
        f"requirepass {secrets[PASSWORD_KEY]}",
        f'dir "{folder(settings)}"',
        'save ""',
        "appendonly no",
        "daemonize no",
        'logfile ""',
        "maxmemory 256mb",
        "maxmemory-policy allkeys-lru",
    ]
    return "".join(f"{line}\n" for line in lines)


def server_command(settings: Settings, secrets: Mapping[str, str]) -> list[str]:
    """redis-server on its configuration file, written (600, in a private folder) just before."""
    private_folder(folder(settings))
    write_private(config_path(settings), configuration(settings, secrets))
    return [str(binary()), str(config_path(settings))]


def url(secrets: Mapping[str, str]) -> str:
    """NocoDB's NC_REDIS_URL for this Redis."""
    return f"redis://:{quote(secrets[PASSWORD_KEY], safe='')}@127.0.0.1:{secrets[PORT_KEY]}"


def answers(secrets: Mapping[str, str]) -> bool:
    """Whether Redis answers PING once signed in with its password."""
    return ask(secrets, ("PING",)) == [b"+PONG"]


def ask(secrets: Mapping[str, str], *commands: tuple[str, ...], timeout: float = 1.0) -> list[bytes] | None:
    """The one-line replies of Redis to these commands (PING, DBSIZE… in its protocol), after AUTH with its
    password; None when it does not answer, or refuses the password."""
    request = encode(("AUTH", secrets[PASSWORD_KEY])) + b"".join(encode(command) for command in commands)
    reply = b""
    try:
        with socket.create_connection(("127.0.0.1", int(secrets[PORT_KEY])), timeout=timeout) as sock:
            sock.sendall(request)
            while reply.count(b"\r\n") < len(commands) + 1:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                reply += chunk
    except OSError:
        return None
    lines = reply.split(b"\r\n")
    return lines[1 : len(commands) + 1] if lines[0] == b"+OK" else None


def encode(command: tuple[str, ...]) -> bytes:
    """One command in Redis's protocol (RESP): an array of bulk strings."""
    parts = [f"*{len(command)}\r\n".encode()]
    for word in command:
        data = word.encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)
