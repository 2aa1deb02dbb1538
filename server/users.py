"""The app's users are NocoDB's users: create or update one with the base access of their role, list
them (for ./cpts user). Signing in and reading roles, which the app does, are in `services.accounts`.

Managing accounts needs the NocoDB super admin's login (NocoDB refuses it with an API token); checking a
password needs nothing but the user's own e-mail and password; roles are read with the app's API token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.access import BASE_ROLE_OF, BOARD, READING_BASE_ROLES, ROLES, role_of
from domain.validation import email_problem
from errors import Refused
from settings import Settings, new_password, read_secrets
from store.client import NocoClient

OWNER = "owner"


class UserRefused(Refused):
    """`user add` cannot do what was asked (the message says why, in French)."""


@dataclass(frozen=True)
class UserAdded:
    email: str
    role: str
    created: bool
    password: str | None  # set when a password was given (new user, pending invitation, or asked for)


@dataclass(frozen=True)
class UserRow:
    email: str
    role: str  # the app role
    base_role: str | None  # the NocoDB role on the CPTS base
    pending: bool  # invited, never signed in

    @property
    def note(self) -> str:
        """What a coordinator should know about this account, in French."""
        if not self.base_role:
            return "aucun rôle sur cette base : n'ouvre pas cette CPTS dans l'application"
        if self.base_role in READING_BASE_ROLES:
            return f"lit la base dans NocoDB ({self.base_role}) : ./cpts user add {self.email} --role bureau"
        return "invitation jamais acceptée" if self.pending else ""


def admin_client(settings: Settings) -> NocoClient:
    """A client signed in as NocoDB's super admin, with the credentials of secrets.env."""
    secrets = read_secrets(settings.secrets_path)
    email, password = secrets.get("CPTS_ADMIN_EMAIL"), secrets.get("CPTS_ADMIN_PASSWORD")
    if not email or not password:
        raise UserRefused(
            f"La gestion des comptes a besoin du super-administrateur de NocoDB : CPTS_ADMIN_EMAIL et "
            f"CPTS_ADMIN_PASSWORD manquent dans {settings.secrets_path}."
        )
    with NocoClient(settings.nocodb_url) as anonymous:
        token = anonymous.sign_in(email, password)
    return NocoClient(settings.nocodb_url, auth_token=token)


def add_user(admin: NocoClient, base_id: str, email: str, role: str, *, reset_password: bool = False) -> UserAdded:
    """Create the user if needed, give them the base role of `role`, and a password when they have none yet
    (or when `reset_password`). Refuses a malformed e-mail, an unknown role and the base owner."""
    email = email.strip().lower()
    problem = email_problem(email)
    if problem:
        raise UserRefused(f"Adresse e-mail refusée : {problem}.")
    if role not in ROLES:
        raise UserRefused(f"Rôle « {role} » inconnu : {' ou '.join(ROLES)}.")
    existing = _find(admin, base_id, email)
    created, password = existing is None, None
    if existing is None:
        password = new_password()
        admin.sign_up(email, password, admin.invite_user(email))
        existing = _find(admin, base_id, email)
        assert existing is not None
    elif OWNER in (existing.get("roles") or "") or "super" in (existing.get("main_roles") or ""):
        raise UserRefused(f"{email} est l'administrateur de NocoDB, propriétaire de la base : son rôle ne change pas.")
    elif reset_password or existing.get("invite_token"):
        password = new_password()
        admin.reset_password(existing["id"], password)
    wanted = BASE_ROLE_OF[role]
    if existing.get("roles") is None:
        admin.add_base_user(base_id, email, wanted)
    elif existing["roles"] != wanted:
        admin.set_base_role(base_id, existing["id"], email, wanted)
    return UserAdded(email, role, created, password)


def remove_no_access(admin: NocoClient, base_id: str, email: str) -> bool:
    """Take away the « no-access » role (the bureau's, a région account's) of `email` on the base, so that
    the base is not theirs any more; True when there was one. Any other role is left as it is."""
    existing = _find(admin, base_id, email.strip().lower())
    if existing is None or existing.get("roles") != BASE_ROLE_OF[BOARD]:
        return False
    admin.remove_base_user(base_id, existing["id"])
    return True


def list_users(client: NocoClient, base_id: str) -> list[UserRow]:
    """Every NocoDB user with their app role, coordinators first, then by e-mail."""
    rows = [
        UserRow(user["email"], role_of(user.get("roles")), user.get("roles"), bool(user.get("invite_token")))
        for user in client.base_users(base_id)
    ]
    return sorted(rows, key=lambda row: (ROLES.index(row.role), row.email))


def _find(admin: NocoClient, base_id: str, email: str) -> dict[str, Any] | None:
    return next((user for user in admin.base_users(base_id) if user["email"].lower() == email), None)
