"""The way in: the CPTS base of this data folder, reached with the settings of the environment. Pages and
commands get their `Base` here and hand it to the other services; they never build a NocoDB client."""

from __future__ import annotations

import os

from errors import NotSetUp
from settings import Settings, read_secrets
from store import postgres
from store.base import Base
from store.client import NocoClient
from store.copies import ApiSource, SharedTables, Source
from store.sqlite import SqliteSource, write_ahead_logged

__all__ = ["Base", "connect", "connect_from_env"]

API_CHECK_SECONDS = 15  # through the API a check re-reads whole tables: not more often than this


def connect(settings: Settings) -> Base:
    """The CPTS base, reached with the API token (CPTS_NOCODB_TOKEN, else secrets.env)."""
    secrets = read_secrets(settings.secrets_path)
    token = settings.external_token or secrets.get("CPTS_API_TOKEN")
    base_id = os.environ.get("CPTS_BASE_ID") or secrets.get("CPTS_BASE_ID")
    if not token or not base_id:
        raise NotSetUp(
            f"Aucune base CPTS configurée dans {settings.secrets_path} : lancez d'abord ./cpts up "
            "(ou indiquez CPTS_NOCODB_TOKEN et CPTS_BASE_ID pour un NocoDB existant)."
        )
    client = NocoClient(settings.nocodb_url, token=token, write_chunk=settings.write_chunk)
    base = Base.find(client, base_id=base_id)
    if settings.shared_store:
        base.shared = shared_tables(base, settings)
    return base


def shared_tables(base: Base, settings: Settings) -> SharedTables:
    """The copy of the base's tables that whole reads go through: read from NocoDB's SQLite file when it is
    the local embedded one, or from the data folder's PostgreSQL cluster (checked at every read: cheap),
    else through the API (every 15 s at most)."""
    path = settings.nocodb_file
    if path is not None and path.is_file() and write_ahead_logged(path):
        source: Source = SqliteSource(base, path)
        return SharedTables(base, source, check_every=0)
    database = postgres.conninfo(read_secrets(settings.secrets_path)) if settings.local_postgres else None
    if database is not None and postgres.available():
        return SharedTables(base, postgres.PgSource(base, database), check_every=0)
    return SharedTables(base, ApiSource(base), check_every=API_CHECK_SECONDS)


def connect_from_env() -> Base:
    """The CPTS base named by the environment (CPTS_DATA_DIR, CPTS_NOCODB_URL…): what the app uses."""
    return connect(Settings.from_env())
