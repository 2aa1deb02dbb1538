"""`./cpts user`: the application's accounts (NocoDB's) and their role."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from commands.console import settings
from domain.access import BOARD, REGION
from errors import NotSetUp
from services.bases import cpts_bases
from services.connection import connect
from settings import Settings

if TYPE_CHECKING:
    from server.users import UserAdded

user_app = typer.Typer(help="Comptes de l'application (ceux de NocoDB) et leur rôle.")
ROLE_HELP = {
    "coordinateur": "modifie la base CPTS dans NocoDB et voit les pages patients",
    "bureau": "aucun accès à la base dans NocoDB ; voit les pages de chiffres agrégés",
    "région": "aucun accès aux bases dans NocoDB ; voit la vue régionale de toutes les CPTS de ce serveur",
}


@user_app.command(name="add")
def user_add(
    email: Annotated[str, typer.Argument(help="Adresse e-mail du compte.")],
    role: Annotated[str, typer.Option("--role", help="coordinateur, bureau ou région.")],
    reset_password: Annotated[
        bool, typer.Option("--reset-password", help="Donner un nouveau mot de passe (oubli).")
    ] = False,
) -> None:
    """Crée ou met à jour un compte NocoDB avec l'accès à la base de son rôle ; affiche son mot de passe une fois."""
    from server.users import add_user, admin_client

    config = settings()
    if role == REGION:
        added = add_region_user(config, email, reset_password=reset_password)
    else:
        with admin_client(config) as admin:
            added = add_user(admin, connect(config).id, email, role, reset_password=reset_password)
    verb = "Compte créé" if added.created else "Compte mis à jour"
    typer.echo(f"{verb} : {added.email}, rôle {added.role} ({ROLE_HELP[added.role]}).")
    if added.password:
        typer.secho("Mot de passe (affiché une seule fois, à transmettre à la personne) :", bold=True)
        typer.echo(f"  {added.password}")
        typer.echo(f"Connexion : {config.app_url} (et NocoDB : {config.nocodb_url}).")


def add_region_user(config: Settings, email: str, *, reset_password: bool) -> UserAdded:
    """A région account: « no-access » on every CPTS base of the server (as the bureau: NocoDB shows it no
    row), listed in the regional setting (`services.region`)."""
    from server.users import UserAdded, add_user, admin_client
    from services.region import add_regional_user  # its figures load pandas: only for this command

    with admin_client(config) as admin:
        bases = cpts_bases(admin)
        if not bases:
            raise NotSetUp("Aucune base CPTS sur ce serveur NocoDB : lancez d'abord ./cpts up, ou ./cpts base add.")
        made = [
            add_user(admin, base.id, email, BOARD, reset_password=reset_password and i == 0)
            for i, base in enumerate(bases)
        ]
    add_regional_user(config, email)
    password = next((one.password for one in made if one.password), None)
    return UserAdded(made[0].email, REGION, made[0].created, password)


@user_app.command(name="list")
def user_list() -> None:
    """Liste les comptes NocoDB et leur rôle dans l'application."""
    from server.users import list_users

    base = connect(settings())
    rows = list_users(base.client, base.id)
    width = max((len(row.email) for row in rows), default=10)
    typer.echo(f"{'E-mail':<{width}}  {'Rôle':<12}  {'Rôle NocoDB':<12}  Remarque")
    for row in rows:
        typer.echo(f"{row.email:<{width}}  {row.role:<12}  {row.base_role or 'aucun':<12}  {row.note}")
