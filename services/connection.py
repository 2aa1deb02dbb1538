"""The way in: the CPTS base of this data folder, reached with the settings of the environment. Pages and
commands get their `Base` here and hand it to the other services; they never build a NocoDB client."""

from __future__ import annotations

import os

from errors import NotSetUp
from settings import Settings, read_secrets
from store.base import Base
from store.client import NocoClient

__all__ = ["Base", "connect", "connect_from_env"]


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
    return Base.find(client, base_id=base_id)


def connect_from_env() -> Base:
    """The CPTS base named by the environment (CPTS_DATA_DIR, CPTS_NOCODB_URL…): what the app uses."""
    return connect(Settings.from_env())
