"""Backup and restore of a data folder, on either engine (`./cpts backup`, `./cpts restore FILE`).

A backup is one .tar.gz archive (mode 600: it holds secrets.env) of:
    sauvegarde.json   {"format": 1, "moteur": "sqlite" | "postgres", "date": …}
    secrets.env       the data folder's secrets, but the PostgreSQL port and password (a restore makes new ones)
    noco.db           SQLite: a copy made with SQLite's online backup API (NocoDB may keep running and writing)
    nocodb.dump       PostgreSQL: `pg_dump -Fc` of NocoDB's database (data and meta), made while it runs
    nocodb/…          NocoDB's other files (attachments)
A restore fills an empty data folder (or, with --force, one emptied first) on the archive's engine; then
`./cpts up` starts it as it was.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tarfile
import tempfile
import time
from contextlib import closing
from pathlib import Path

from errors import CannotWrite, NotSetUp, Refused, ServerError
from server import postgres
from server.process import SERVERS, running_pid
from settings import Settings, make_private, private_file, private_folder, read_secrets, write_secrets

FORMAT = 1
MANIFEST = "sauvegarde.json"
SECRETS = "secrets.env"
SQLITE_COPY = "noco.db"
PG_DUMP = "nocodb.dump"
FILES = "nocodb"  # NocoDB's tool folder in the archive and in the data folder
SQLITE_FILES = ("noco.db", "noco.db-wal", "noco.db-shm")  # NocoDB's database: copied by the backup API
PG_KEYS = (postgres.PORT_KEY, postgres.PASSWORD_KEY)


def default_name(now: float | None = None) -> str:
    return time.strftime("cpts-sauvegarde-%Y%m%d-%H%M%S.tar.gz", time.localtime(now))


def engine_of(settings: Settings) -> str:
    if settings.local_postgres:
        return "postgres"
    if settings.nocodb_file is None:
        raise NotSetUp(
            "Sauvegarde impossible : NocoDB n'est pas celui de ce dossier de données (CPTS_NOCODB_URL ou "
            "CPTS_NOCODB_DB) ; sauvegardez sa base avec les outils de son hébergeur."
        )
    return "sqlite"


def backup(settings: Settings, target: Path) -> Path:
    """Write the backup archive of the data folder to `target` (mode 600); returns it."""
    engine = engine_of(settings)
    if not target.parent.is_dir():
        raise CannotWrite(f"Sauvegarde impossible : le dossier {target.parent} n'existe pas.")
    secrets = read_secrets(settings.secrets_path)
    if not secrets.get("CPTS_API_TOKEN"):
        raise NotSetUp(f"Rien à sauvegarder dans {settings.data_dir} : lancez d'abord ./cpts up.")
    with tempfile.TemporaryDirectory(prefix=".cpts-sauvegarde-", dir=target.parent) as work:
        folder = Path(work)
        if engine == "sqlite":
            copy_sqlite(settings, folder / SQLITE_COPY)
        else:
            dump_postgres(settings, secrets, folder / PG_DUMP)
        manifest = {"format": FORMAT, "moteur": engine, "date": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
        write_secrets(folder / SECRETS, {k: v for k, v in secrets.items() if k not in PG_KEYS})
        partial = private_file(target.with_name(target.name + ".partiel"))
        with tarfile.open(partial, "w:gz") as archive:
            for name in (MANIFEST, SECRETS, SQLITE_COPY if engine == "sqlite" else PG_DUMP):
                archive.add(folder / name, arcname=name)
            tool_dir = settings.data_dir / FILES
            for path in sorted(tool_dir.rglob("*")) if tool_dir.is_dir() else []:
                if path.is_file() and path.name not in SQLITE_FILES:
                    archive.add(path, arcname=f"{FILES}/{path.relative_to(tool_dir)}")
        partial.replace(target)
    return target


def copy_sqlite(settings: Settings, target: Path) -> None:
    """NocoDB's SQLite file copied with the online backup API: a consistent state even while NocoDB writes."""
    source_path = settings.nocodb_file
    if source_path is None or not source_path.is_file():
        raise NotSetUp(f"Fichier de données NocoDB introuvable : {source_path} (lancez d'abord ./cpts up).")
    try:
        with closing(sqlite3.connect(source_path)) as source, closing(sqlite3.connect(target)) as copy:
            source.backup(copy)
    except sqlite3.Error as error:
        raise ServerError(f"Copie du fichier de données NocoDB impossible : {error}") from error


def dump_postgres(settings: Settings, secrets: dict[str, str], target: Path) -> None:
    with postgres.running(settings, secrets):
        dump = [str(postgres.binary("pg_dump")), "--format=custom", "--no-owner", f"--file={target}"]
        postgres.run_client(dump, secrets, "Sauvegarde PostgreSQL (pg_dump)")


def restore(settings: Settings, archive_path: Path, force: bool = False, port: int | None = None) -> str:
    """Fill the data folder from a backup archive; returns the engine restored. Refuses a data folder that
    is not empty unless `force` (then emptied first), and always one whose servers run."""
    manifest = read_manifest(archive_path)
    make_room(settings, force)
    private_folder(settings.data_dir)
    with tarfile.open(archive_path, "r:gz") as archive:
        archive.extractall(settings.data_dir / "run" / "restauration", filter="data")
    unpacked = settings.data_dir / "run" / "restauration"
    try:
        secrets = {k: v for k, v in read_secrets(unpacked / SECRETS).items() if k not in PG_KEYS}
        write_secrets(settings.secrets_path, secrets)
        if (unpacked / FILES).is_dir():
            shutil.copytree(unpacked / FILES, settings.data_dir / FILES, dirs_exist_ok=True)
        if manifest["moteur"] == "sqlite":
            private_folder(settings.data_dir / FILES)
            shutil.copyfile(unpacked / SQLITE_COPY, settings.data_dir / FILES / SQLITE_COPY)
        else:
            restore_postgres(settings, secrets, unpacked / PG_DUMP, port)
    finally:
        shutil.rmtree(unpacked, ignore_errors=True)
    make_private(settings.data_dir)
    return str(manifest["moteur"])


def restore_postgres(settings: Settings, secrets: dict[str, str], dump: Path, port: int | None) -> None:
    """A new cluster (its own port and password), NocoDB's database created from the dump."""
    postgres.ensure_cluster(settings, secrets, port=port)
    with postgres.running(settings, secrets):
        command = [str(postgres.binary("pg_restore")), "--create", "--no-owner", "--exit-on-error", "-d", "postgres"]
        postgres.run_client([*command, str(dump)], secrets, "Restauration PostgreSQL (pg_restore)")


def read_manifest(path: Path) -> dict[str, object]:
    """The manifest of a backup archive; a French error when the file is not one."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            member = archive.extractfile(MANIFEST)
            manifest = json.loads(member.read()) if member else {}
            names = set(archive.getnames())
    except FileNotFoundError as error:
        raise NotSetUp(f"Sauvegarde introuvable : {path}") from error
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise NotSetUp(f"{path} n'est pas une sauvegarde de ./cpts backup (archive illisible).") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise NotSetUp(f"{path} n'est pas une sauvegarde de ./cpts backup (format inconnu).")
    needed = {SECRETS, SQLITE_COPY if manifest.get("moteur") == "sqlite" else PG_DUMP}
    if manifest.get("moteur") not in ("sqlite", "postgres") or not needed <= names:
        raise NotSetUp(f"{path} est une sauvegarde incomplète (il manque {', '.join(sorted(needed - names))}).")
    return manifest


def make_room(settings: Settings, force: bool) -> None:
    """An empty data folder to restore into: refuses a non-empty one unless forced, and one that runs."""
    folder = settings.data_dir
    running = [name for name in SERVERS if running_pid(settings, name) is not None]
    if running:
        raise Refused(f"Des serveurs tournent sur {folder} ({', '.join(running)}) : ./cpts down d'abord.")
    if not folder.exists() or not any(folder.iterdir()):
        return
    if not force:
        raise Refused(
            f"Le dossier de données {folder} n'est pas vide : restaurez dans un dossier vide (CPTS_DATA_DIR=…), "
            "ou ajoutez --force pour remplacer son contenu."
        )
    for path in folder.iterdir():
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
