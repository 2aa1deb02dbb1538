"""Several CPTS on one NocoDB server: one base per CPTS. Which bases are CPTS bases, which one a command
means (`--base`, CPTS_BASE, or the only one), the bases a user has a role on (what the app serves them),
and a new CPTS base: created, migrated, its Territoire filled from the communes' public data.

A base is a CPTS base when it holds the schema's Paramètres table (what `store.migrate` creates first);
other bases of the server (made by hand in NocoDB) are left out. A user has a role on a base when NocoDB
lists one for them there, « no-access » included (the bureau's, see `domain.access.BASE_ROLE_OF`); a user
NocoDB lists without a role on a base is not one of its users.

A base found holding Paramètres is remembered by the process (`is_cpts`): a CPTS base stays one, and the
sign-in of an app serving every CPTS then asks NocoDB one list of users per base, not also its tables.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from domain.communes import CommuneInfo, commune, load_communes, territory_row
from errors import BaseNotFound, NotSetUp, Refused
from schema.models import PARAMETERS, TERRITORY
from services import writes
from store.base import Base
from store.client import NocoClient
from store.migrate import MigrationReport, migrate

__all__ = [
    "BaseAdded",
    "BaseSummary",
    "CptsBase",
    "add_base",
    "chosen_base",
    "chosen_bases",
    "cpts_bases",
    "roles_on_bases",
    "summaries",
    "user_bases",
]


class BaseRefused(Refused):
    """`base add` cannot do what was asked (the message says why, in French)."""


@dataclass(frozen=True)
class CptsBase:
    id: str
    title: str


@dataclass(frozen=True)
class BaseSummary:
    base: CptsBase
    tables: int
    users: int  # users with a role on the base


@dataclass(frozen=True)
class BaseAdded:
    base: CptsBase
    migration: MigrationReport
    communes: list[CommuneInfo]


_known_cpts: set[tuple[str, str]] = set()  # (server URL, base id) of the bases seen holding Paramètres
_known_lock = threading.Lock()


def is_cpts(client: NocoClient, base_id: str) -> bool:
    """Whether the base holds Paramètres (asked to NocoDB until it does once, then remembered)."""
    key = (client.url, base_id)
    if key in _known_cpts:
        return True
    if PARAMETERS.title not in {table["title"] for table in client.tables(base_id)}:
        return False
    with _known_lock:
        _known_cpts.add(key)
    return True


def cpts_bases(client: NocoClient) -> list[CptsBase]:
    """The CPTS bases of the server (those holding Paramètres), in NocoDB's order."""
    return [CptsBase(base["id"], base["title"]) for base in client.bases() if is_cpts(client, base["id"])]


def some_bases(client: NocoClient) -> list[CptsBase]:
    """The CPTS bases of the server; NotSetUp (in French) when there is none."""
    bases = cpts_bases(client)
    if not bases:
        raise NotSetUp("Aucune base CPTS sur ce serveur NocoDB : lancez d'abord ./cpts up, ou ./cpts base add.")
    return bases


def chosen_base(client: NocoClient, choice: str | None) -> CptsBase:
    """The CPTS base `choice` names (its id, or its name, case ignored); without a choice, the only CPTS base
    of the server. Raises BaseNotFound (in French, listing the bases) for an unknown name, or when there
    are several and none was chosen; NotSetUp when there is none."""
    bases = some_bases(client)
    if choice:
        return named(bases, choice)
    if len(bases) > 1:
        raise BaseNotFound(
            f"Ce serveur héberge {len(bases)} CPTS : précisez laquelle avec --base (nom ou identifiant), ou "
            f"CPTS_BASE. {listing(bases)}"
        )
    return bases[0]


def named(bases: Sequence[CptsBase], choice: str) -> CptsBase:
    """The base of `bases` that `choice` names (its id, or its name, case ignored); BaseNotFound (in French,
    listing the bases) when none does."""
    wanted = choice.strip().casefold()
    match = [base for base in bases if base.id == choice.strip() or base.title.casefold() == wanted]
    if not match:
        raise BaseNotFound(f"Base CPTS « {choice} » introuvable. {listing(bases)}")
    return match[0]


def chosen_bases(client: NocoClient, choices: Sequence[str]) -> list[CptsBase]:
    """The CPTS bases `choices` name (each once, in NocoDB's order), or every CPTS base of the server when
    there is no choice. Raises BaseNotFound for an unknown name, NotSetUp when there is no CPTS base."""
    bases = some_bases(client)
    wanted = {named(bases, choice).id for choice in choices}
    return [base for base in bases if base.id in wanted] if choices else bases


def listing(bases: Sequence[CptsBase]) -> str:
    """« Bases : CPTS A (p123), CPTS B (p456). »"""
    return "Bases : " + ", ".join(f"{b.title} ({b.id})" for b in bases) + "."


def roles_on_bases(client: NocoClient, email: str, bases: Iterable[CptsBase]) -> dict[str, str]:
    """Base id -> the user's NocoDB role there, for each of `bases` where `email` has one."""
    email = email.strip().lower()
    roles = {}
    for base in bases:
        role = base_roles(client, base.id).get(email)
        if role:
            roles[base.id] = role
    return roles


def user_bases(client: NocoClient, email: str) -> list[CptsBase]:
    """The CPTS bases on which `email` has a role: those the app serves them (and a regional view reads).
    The roles are asked first: a base where they have none is never asked for its tables."""
    email = email.strip().lower()
    return [
        CptsBase(base["id"], base["title"])
        for base in client.bases()
        if base_roles(client, base["id"]).get(email) and is_cpts(client, base["id"])
    ]


def base_roles(client: NocoClient, base_id: str) -> dict[str, str]:
    """E-mail -> NocoDB role on the base, for the users who have one there (NocoDB lists every user)."""
    return {user["email"].lower(): str(user["roles"]) for user in client.base_users(base_id) if user.get("roles")}


def summaries(client: NocoClient) -> list[BaseSummary]:
    """Each CPTS base with its number of tables and of users (`./cpts base list`)."""
    return [
        BaseSummary(base, len(client.tables(base.id)), len(base_roles(client, base.id))) for base in cpts_bases(client)
    ]


def territory_communes(
    codes: Iterable[str], department: str | None = None, epci: str | None = None
) -> list[CommuneInfo]:
    """The communes of a new CPTS: those of the INSEE codes, of the département and of the EPCI (SIREN code)
    given, each once, by INSEE code. Raises BaseRefused for an unknown code or an empty territory."""
    chosen: dict[str, CommuneInfo] = {}
    for code in (code.strip() for code in codes if code.strip()):
        try:
            info = commune(code)
        except KeyError:
            raise BaseRefused(f"--communes : « {code} » n'est le code INSEE d'aucune commune actuelle.") from None
        chosen[info.insee_code] = info
    for option, value, of in (("--departement", department, _department), ("--epci", epci, _epci)):
        if value:
            found = [info for info in load_communes().values() if of(info) == value.strip().upper()]
            if not found:
                raise BaseRefused(f"{option} : aucune commune actuelle pour « {value.strip()} ».")
            chosen.update((info.insee_code, info) for info in found)
    if not chosen:
        raise BaseRefused("Indiquez le territoire de la CPTS : --communes (codes INSEE), --departement ou --epci.")
    return [chosen[code] for code in sorted(chosen)]


def _department(info: CommuneInfo) -> str:
    return info.department


def _epci(info: CommuneInfo) -> str:
    return info.epci_code or ""


def add_base(client: NocoClient, title: str, communes: Sequence[CommuneInfo]) -> BaseAdded:
    """A new CPTS base named `title`: created, migrated, its Territoire filled with `communes`. Refuses a
    name already taken by a base of the server."""
    title = title.strip()
    if not title:
        raise BaseRefused("Le nom de la CPTS est vide.")
    if any(base["title"].casefold() == title.casefold() for base in client.bases()):
        raise BaseRefused(f"Une base « {title} » existe déjà sur ce serveur : choisissez un autre nom.")
    created = client.create_base(title)
    base = Base(client, str(created["id"]), title)
    report = migrate(client, base.id)
    writes.insert(base, TERRITORY, [territory_row(info) for info in communes])
    return BaseAdded(CptsBase(base.id, title), report, list(communes))


def migrate_others(client: NocoClient, done: str) -> list[tuple[CptsBase, MigrationReport]]:
    """Every CPTS base of the server but `done` brought up to the schema (`./cpts up` migrates them all)."""
    return [(base, migrate(client, base.id)) for base in cpts_bases(client) if base.id != done]


def served_by_app(client: NocoClient, choice: str | None) -> list[CptsBase]:
    """The CPTS an app started now serves: the one `choice` names, else every CPTS base of the server."""
    return [chosen_base(client, choice)] if choice else cpts_bases(client)
