"""Signing in to the app and reading roles: the app's users are NocoDB's users.

Checking a password needs nothing but the user's own e-mail and password; roles are read with the app's API
token. Creating accounts (./cpts user) needs NocoDB's super admin and lives in `server.users`.
"""

from __future__ import annotations

from errors import HTTPStatusError, Refused
from services import bases
from store.base import Base
from store.client import NocoClient


class BadCredentials(Refused):
    """Unknown e-mail, wrong password, or an invitation never accepted: NocoDB refused the sign-in."""


def base_roles(base: Base) -> dict[str, str]:
    """E-mail -> NocoDB role on the base, for its users (read with the app's API token; `services.bases`)."""
    return bases.base_roles(base.client, base.id)


def check_password(url: str, email: str, password: str) -> None:
    """Raise BadCredentials unless NocoDB signs this user in. The login token is dropped at once: the
    app reads with its own API token; the user's login only proves who they are."""
    with NocoClient(url, retries=1) as anonymous:
        try:
            anonymous.sign_in(email.strip().lower(), password)
        except HTTPStatusError as error:
            if 400 <= error.status < 500:
                raise BadCredentials(email) from None
            raise
