"""Where things are and how to reach them: configuration from the environment, secrets on disk.

Environment (all optional):
    CPTS_DATA_DIR       data folder (default ./data): NocoDB's SQLite file, logs, secrets.env
    CPTS_NOCODB_PORT    port of the local NocoDB (8080)
    CPTS_APP_PORT       port of the Streamlit app (8501)
    CPTS_HOST           address both servers bind to (127.0.0.1)
    CPTS_NOCODB_URL     use this existing NocoDB instead of starting one
    CPTS_NOCODB_TOKEN   API token for that existing NocoDB (else the one in secrets.env)
    CPTS_NOCODB_DB      database URL handed to NocoDB as NC_DB (e.g. a Postgres URL)
    CPTS_POSTGRES       "1": NocoDB on a local PostgreSQL cluster in <data>/postgres, as `./cpts up --postgres`
                        (server/postgres.py); once the cluster exists, the data folder keeps using it
    CPTS_NOCODB_PROCESSES  how many NocoDB processes `./cpts up` starts (1); more than one needs PostgreSQL
                        and adds a private Redis for their shared cache (server/redis.py), the n-th on
                        CPTS_NOCODB_PORT + n - 1, as `./cpts up --postgres --nocodb-processes 2`
    CPTS_PG_BIN         folder of PostgreSQL's programs (default: Debian's newest /usr/lib/postgresql/*/bin)
    CPTS_NOCODB_TIMEOUT seconds an answer of NocoDB may take before it is « ne répond pas » (30)
    CPTS_FORM_URL       public address of the reverse proxy that exposes NocoDB's request form (README)
    CPTS_STORE          "whole" to read whole tables through the API on every cache miss, as before the
                        shared copy (`store.copies`) existed: kept for benchmarks (bench/pages.py)
    CPTS_IMPORT_MAX_MO  largest spreadsheet `./cpts import members|patients` and the page Importer read (20 Mo)
    CPTS_COMMUNES_DIR   folder of the communes reference data (communes.json, epci.json, ept.json of
                        @etalab/decoupage-administratif); default: the copy the Node side installs
"""

from __future__ import annotations

import os
import secrets
import stat
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from errors import NotSetUp

ROOT = Path(__file__).resolve().parent
SECRETS_FILE = "secrets.env"
ADMIN_EMAIL = "admin@cpts.local"
# Records per bulk write. The NocoDB we start takes 500 (NC_DATA_PAYLOAD_LIMIT): ~15 % faster than 250,
# while 1000 fails on SQLite (NocoDB answers 400 "Expression"). An existing NocoDB is assumed to keep
# its default of 100.
LOCAL_WRITE_CHUNK = 500
DEFAULT_WRITE_CHUNK = 100
MEGABYTE = 1_000_000
COMMUNES_DIR_ENV = "CPTS_COMMUNES_DIR"
NODE_COMMUNES_DIR = ROOT / "nocodb/node_modules/@etalab/decoupage-administratif/data"
# The PostgreSQL cluster of `./cpts up --postgres` (server/postgres.py): its superuser and NocoDB's database;
# its port and password are in secrets.env under these keys.
PG_USER, PG_DATABASE = "cpts", "nocodb"
PG_PORT_KEY, PG_PASSWORD_KEY = "CPTS_PG_PORT", "CPTS_PG_PASSWORD"
# How long an answer of NocoDB may take: the largest bulk write (500 records) or meta change takes a few
# seconds; a NocoDB frozen (SIGSTOP, a stuck disk) is reported after this, never waited on for minutes.
NOCODB_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    host: str
    nocodb_port: int
    app_port: int
    external_nocodb_url: str | None
    external_token: str | None
    nocodb_db: str | None
    shared_store: bool = True
    import_max_bytes: int = 20 * MEGABYTE
    form_url: str | None = None  # where the public reaches the request form; None: NocoDB's own address
    postgres: bool = False  # asked for a local PostgreSQL (CPTS_POSTGRES=1, ./cpts up --postgres)
    nocodb_processes: int = 1  # NocoDB processes ./cpts up starts (CPTS_NOCODB_PROCESSES, --nocodb-processes)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("CPTS_DATA_DIR") or ROOT / "data").resolve()
        return cls(
            data_dir=data_dir,
            host=env.get("CPTS_HOST") or "127.0.0.1",
            nocodb_port=_port(env, "CPTS_NOCODB_PORT", 8080),
            app_port=_port(env, "CPTS_APP_PORT", 8501),
            external_nocodb_url=(env.get("CPTS_NOCODB_URL") or "").rstrip("/") or None,
            external_token=env.get("CPTS_NOCODB_TOKEN") or None,
            nocodb_db=env.get("CPTS_NOCODB_DB") or None,
            shared_store=env.get("CPTS_STORE", "shared") != "whole",
            import_max_bytes=_megabytes(env, "CPTS_IMPORT_MAX_MO", 20),
            form_url=(env.get("CPTS_FORM_URL") or "").rstrip("/") or None,
            postgres=env.get("CPTS_POSTGRES", "") in ("1", "true", "oui"),
            nocodb_processes=nocodb_processes(env.get("CPTS_NOCODB_PROCESSES")),
        )

    @property
    def nocodb_url(self) -> str:
        return self.external_nocodb_url or f"http://{self.host}:{self.nocodb_port}"

    @property
    def local_postgres(self) -> bool:
        """Whether NocoDB's database is the PostgreSQL cluster of the data folder (server/postgres.py): asked
        for, or already there."""
        if self.external_nocodb_url or self.nocodb_db:
            return False
        return self.postgres or (self.data_dir / "postgres" / "PG_VERSION").is_file()

    @property
    def uses_redis(self) -> bool:
        """Whether ./cpts up starts a Redis for NocoDB's cache: when it starts several NocoDB processes."""
        return self.nocodb_processes > 1 and not self.external_nocodb_url

    @property
    def nocodb_file(self) -> Path | None:
        """NocoDB's own SQLite file, when NocoDB is the one `./cpts up` starts on its embedded default."""
        if self.external_nocodb_url or self.nocodb_db or self.local_postgres:
            return None
        return self.data_dir / "nocodb" / "noco.db"

    @property
    def write_chunk(self) -> int:
        return DEFAULT_WRITE_CHUNK if self.external_nocodb_url else LOCAL_WRITE_CHUNK

    @property
    def app_url(self) -> str:
        return f"http://{self.host}:{self.app_port}"

    @property
    def secrets_path(self) -> Path:
        return self.data_dir / SECRETS_FILE

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"


def communes_dir(env: Mapping[str, str] | None = None) -> Path:
    """The folder domain.communes reads, given to it by the entry points (app.py, cli.py)."""
    env = os.environ if env is None else env
    return Path(env.get(COMMUNES_DIR_ENV) or NODE_COMMUNES_DIR).resolve()


def nocodb_timeout(env: Mapping[str, str] | None = None) -> float:
    """CPTS_NOCODB_TIMEOUT (seconds, default 30): how long any request to NocoDB may wait for its answer."""
    env = os.environ if env is None else env
    raw = env.get("CPTS_NOCODB_TIMEOUT")
    if not raw:
        return NOCODB_TIMEOUT_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 3600:
        raise NotSetUp(f"CPTS_NOCODB_TIMEOUT doit être un nombre de secondes (par exemple 30), pas {raw!r}.")
    return seconds


MAX_NOCODB_PROCESSES = 8


def nocodb_processes(raw: str | None) -> int:
    """A number of NocoDB processes (CPTS_NOCODB_PROCESSES, --nocodb-processes): 1 to 8."""
    if not raw:
        return 1
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_NOCODB_PROCESSES:
        raise NotSetUp(f"Le nombre de processus NocoDB doit être entre 1 et {MAX_NOCODB_PROCESSES}, pas {raw!r}.")
    return int(raw)


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise NotSetUp(f"{name} doit être un numéro de port (1-65535), pas {raw!r}.")
    return int(raw)


def _megabytes(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if not raw:
        return default * MEGABYTE
    if not raw.isdigit() or int(raw) < 1:
        raise NotSetUp(f"{name} doit être un nombre de mégaoctets (ex. 20), pas {raw!r}.")
    return int(raw) * MEGABYTE


def read_secrets(path: Path) -> dict[str, str]:
    """The KEY=value pairs of a secrets file, or {} if there is none yet."""
    if not path.exists():
        return {}
    pairs = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            pairs[key.strip()] = value.strip()
    return pairs


def write_secrets(path: Path, values: Mapping[str, str]) -> None:
    """Write the secrets file atomically, readable by its owner only (mode 600)."""
    lines = ["# Generated by ./cpts on first run. Keep private (mode 600), never commit."]
    write_private(path, "".join(f"{line}\n" for line in [*lines, *(f"{k}={v}" for k, v in values.items())]))


# -- the data folder is the service account's only: folders 700, files 600, whatever the umask ------------

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600
SHARED_BITS = 0o077  # what group and others may do: none of it in the data folder


def private_folder(path: Path) -> Path:
    """`path`, created if missing (its missing parents too), open to its owner only (700)."""
    missing = []
    folder = path
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        folder.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)
    os.chmod(path, PRIVATE_FOLDER)
    return path


def private_file(path: Path) -> Path:
    """`path`, created empty if missing (in a private folder), readable and writable by its owner only (600)."""
    private_folder(path.parent)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE))
    os.chmod(path, PRIVATE_FILE)
    return path


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path` atomically, readable by its owner only (600), in a private folder."""
    private_folder(path.parent)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(tmp, PRIVATE_FILE)
    os.replace(tmp, path)


def exposed(root: Path) -> list[tuple[Path, int]]:
    """Every folder and file of `root` (itself included) that group or others may use, with its mode
    (symbolic links are not followed: their own mode means nothing)."""
    if not root.is_dir():
        return []
    paths = [root]
    for folder, folders, files in os.walk(root):
        paths.extend(Path(folder, name) for name in [*folders, *files])
    found = []
    for path in paths:
        try:
            mode = path.lstat().st_mode
        except FileNotFoundError:  # gone meanwhile (a journal rotated, a lock released)
            continue
        if not stat.S_ISLNK(mode) and mode & SHARED_BITS:
            found.append((path, stat.S_IMODE(mode)))
    return found


def make_private(root: Path) -> list[tuple[Path, int]]:
    """Take group and other permissions off every folder and file of `root`: what was changed (path, old mode).
    A path that cannot be changed (not ours) is left as it is, and still `exposed`."""
    changed = []
    for path, mode in exposed(root):
        try:
            os.chmod(path, mode & ~SHARED_BITS)
        except OSError:
            continue
        changed.append((path, mode))
    return changed


def new_password(length: int = 20) -> str:
    """A random password that NocoDB accepts: upper, lower, digit and special characters."""
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _ in range(length - 4))
    return core + secrets.choice(string.ascii_uppercase) + secrets.choice(string.digits) + "#" + "a"


def new_secret() -> str:
    return secrets.token_urlsafe(48)
