"""The way in: a CPTS base of this server (one per CPTS, `services.bases`), reached with the settings of
the environment. Pages and commands get their `Base` here and hand it to the other services; they never
build a NocoDB client."""

from __future__ import annotations

import os

from errors import NotSetUp
from services.bases import chosen_base
from settings import Settings, read_secrets
from store import postgres
from store.base import Base
from store.client import NocoClient
from store.copies import ApiSource, SharedTables, Source
from store.snapshot import Snapshots
from store.sqlite import SqliteSource, write_ahead_logged

__all__ = ["Base", "api_client", "connect", "connect_from_env", "served_by_env"]

API_CHECK_SECONDS = 15  # through the API a check re-reads whole tables: not more often than this
COPIES_FOLDER = "copies"  # in the data folder: the tables kept between processes (store.snapshot)


def connect(settings: Settings, base_id: str | None = None) -> Base:
    """A CPTS base, reached with the API token (CPTS_NOCODB_TOKEN, else secrets.env): the base `base_id`;
    else the one CPTS_BASE names (a name or an id: `./cpts --base`); else the base CPTS_BASE_ID (the app
    started by ./cpts up for one CPTS, a NocoDB of one's own); else the only CPTS base of the server
    (`services.bases.chosen_base`: several and none chosen is an error listing them)."""
    client = api_client(settings)
    base_id = base_id or named_base_id(client)
    if base_id:
        base = Base.find(client, base_id=base_id)
    else:
        found = chosen_base(client, None)
        base = Base(client, found.id, found.title)
    if settings.shared_store:
        base.shared = shared_tables(base, settings)
    return base


def api_client(settings: Settings) -> NocoClient:
    """A client of the NocoDB server with the app's API token; NotSetUp before the first ./cpts up."""
    token = settings.external_token or read_secrets(settings.secrets_path).get("CPTS_API_TOKEN")
    if not token:
        raise NotSetUp(
            f"Aucune base CPTS configurée dans {settings.secrets_path} : lancez d'abord ./cpts up "
            "(ou indiquez CPTS_NOCODB_TOKEN et CPTS_BASE_ID pour un NocoDB existant)."
        )
    return NocoClient(settings.nocodb_url, token=token, write_chunk=settings.write_chunk)


def named_base_id(client: NocoClient) -> str | None:
    """The id of the base the environment names (CPTS_BASE: a name or an id; else CPTS_BASE_ID), or None."""
    choice = os.environ.get("CPTS_BASE")
    if choice:
        return chosen_base(client, choice).id
    return os.environ.get("CPTS_BASE_ID") or None


def served_by_env(settings: Settings) -> str | None:
    """The base an app serves when the environment names one (`named_base_id`); None when it names none:
    the app then serves each user the CPTS whose base they have a role on."""
    if not (os.environ.get("CPTS_BASE") or os.environ.get("CPTS_BASE_ID")):
        return None
    with api_client(settings) as client:
        return named_base_id(client)


def shared_tables(base: Base, settings: Settings) -> SharedTables:
    """The copy of the base's tables that whole reads go through: read from NocoDB's SQLite file when it is
    the local embedded one (checked at every read: free; kept in the data folder for the next process), or
    from the data folder's PostgreSQL cluster (checked at every read: cheap), else through the API (every 15 s
    at most)."""
    path = settings.nocodb_file
    if path is not None and path.is_file() and write_ahead_logged(path):
        source: Source = SqliteSource(base, path)
        return SharedTables(
            base, source, check_every=0, keeper=Snapshots(settings.data_dir / COPIES_FOLDER, path, base.id)
        )
    database = postgres.conninfo(read_secrets(settings.secrets_path)) if settings.local_postgres else None
    if database is not None and postgres.available():
        return SharedTables(base, postgres.PgSource(base, database), check_every=0)
    return SharedTables(base, ApiSource(base), check_every=API_CHECK_SECONDS)


def connect_from_env() -> Base:
    """The CPTS base named by the environment (CPTS_DATA_DIR, CPTS_NOCODB_URL…): what the app uses."""
    return connect(Settings.from_env())
