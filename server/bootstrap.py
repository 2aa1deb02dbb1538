"""First run and every run after: secrets, admin, API token, invite-only sign-up, the base, its schema.

Once it is set up, the app and the commands reach the CPTS base with `services.connection.connect()`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from settings import ADMIN_EMAIL, Settings, new_password, new_secret, read_secrets, write_secrets
from store.base import Base
from store.client import NocoClient
from store.migrate import MigrationReport, migrate

DEFAULT_CPTS_NAME = "CPTS Issy-les-Moulineaux"


@dataclass
class Bootstrap:
    base: Base
    first_run: bool
    admin_email: str
    admin_password: str
    migration: MigrationReport
    notes: list[str] = field(default_factory=list)


def ensure_secrets(settings: Settings) -> tuple[dict[str, str], bool]:
    """The secrets of this data folder, generated (mode 600) the first time. Returns (secrets, created)."""
    values = read_secrets(settings.secrets_path)
    created = False
    defaults: dict[str, Callable[[], str]] = {
        "NC_AUTH_JWT_SECRET": new_secret,
        "CPTS_ADMIN_EMAIL": lambda: ADMIN_EMAIL,
        "CPTS_ADMIN_PASSWORD": new_password,
    }
    for key, make in defaults.items():
        if not values.get(key):
            values[key] = make()
            created = True
    if created or settings.secrets_path.stat().st_mode & 0o777 != 0o600:
        write_secrets(settings.secrets_path, values)
    return values, created


def cpts_name() -> str:
    return os.environ.get("CPTS_NAME") or DEFAULT_CPTS_NAME


def bootstrap(settings: Settings, secrets: dict[str, str], first_run: bool) -> Bootstrap:
    """Make the server ready: API token, invite-only sign-up, the CPTS base, the schema migrated.

    With an existing NocoDB (CPTS_NOCODB_URL + CPTS_NOCODB_TOKEN) its admin settings are left alone."""
    if settings.external_token:
        secrets["CPTS_API_TOKEN"] = settings.external_token
    else:
        with NocoClient(settings.nocodb_url) as anonymous:
            login = anonymous.sign_in(secrets["CPTS_ADMIN_EMAIL"], secrets["CPTS_ADMIN_PASSWORD"])
        with NocoClient(settings.nocodb_url, auth_token=login) as admin:
            admin.set_invite_only_signup()
            if not secrets.get("CPTS_API_TOKEN"):
                secrets["CPTS_API_TOKEN"] = admin.create_api_token("cpts back office")
                write_secrets(settings.secrets_path, secrets)
    client = NocoClient(settings.nocodb_url, token=secrets["CPTS_API_TOKEN"], write_chunk=settings.write_chunk)
    known = {b["id"]: b for b in client.bases()}
    base_id = secrets.get("CPTS_BASE_ID")
    if base_id not in known:
        created = client.create_base(cpts_name())
        base_id = created["id"]
        secrets["CPTS_BASE_ID"] = base_id
        write_secrets(settings.secrets_path, secrets)
    base = Base(client, str(base_id), known.get(str(base_id), {}).get("title") or cpts_name())
    report = migrate(client, base.id)
    return Bootstrap(base, first_run, secrets["CPTS_ADMIN_EMAIL"], secrets["CPTS_ADMIN_PASSWORD"], report)
