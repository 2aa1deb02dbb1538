"""`./cpts user`: the application's accounts (NocoDB's) and their role."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated

import typer

from commands.console import fail, settings
from domain.access import BOARD, REGION
from services.bases import chosen_bases, cpts_bases
from services.connection import connect
from settings import Settings

if TYPE_CHECKING:
    from server.users import UserAdded

user_app = typer.Typer(help="Comptes de l'application (ceux de NocoDB) et leur rôle.")
ROLE_HELP = {
    "coordinateur": "modifie la base CPTS dans NocoDB et voit les pages patients",
    "bureau": "aucun accès à la base dans NocoDB ; voit les pages de chiffres agrégés",
    "région": "aucun accès aux bases dans NocoDB ; voit la vue régionale des CPTS de sa région",
}


@user_app.command(name="add")
def user_add(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="Adresse e-mail du compte.")],
    role: Annotated[str, typer.Option("--role", help="coordinateur, bureau ou région.")],
    reset_password: Annotated[
        bool, typer.Option("--reset-password", help="Donner un nouveau mot de passe (oubli).")
    ] = False,
) -> None:
    """Crée ou met à jour un compte NocoDB avec l'accès à la base de son rôle ; affiche son mot de passe une fois.
    Rôle région : les CPTS de sa région avec --base (une ou plusieurs fois), par défaut toutes celles du serveur."""
    from server.users import add_user, admin_client

    config = settings()
    if role == REGION:
        added = add_region_user(config, email, given_bases(ctx), reset_password=reset_password)
    else:
        one_base_only(ctx)
        with admin_client(config) as admin:
            added = add_user(admin, connect(config).id, email, role, reset_password=reset_password)
    verb = "Compte créé" if added.created else "Compte mis à jour"
    typer.echo(f"{verb} : {added.email}, rôle {added.role} ({ROLE_HELP[added.role]}).")
    if added.password:
        typer.secho("Mot de passe (affiché une seule fois, à transmettre à la personne) :", bold=True)
        typer.echo(f"  {added.password}")
        typer.echo(f"Connexion : {config.app_url} (et NocoDB : {config.nocodb_url}).")


def given_bases(ctx: typer.Context) -> list[str]:
    """The CPTS named with --base (cli.choose_base keeps them all in the context's object)."""
    return list(ctx.obj or [])


def one_base_only(ctx: typer.Context) -> None:
    if len(given_bases(ctx)) > 1:
        fail("Plusieurs --base : seulement pour un compte région (./cpts user add EMAIL --role région).")


def add_region_user(config: Settings, email: str, names: Sequence[str], *, reset_password: bool) -> UserAdded:
    """A région account: « no-access » on each CPTS base of its region (those `names` names, else every CPTS
    base of the server; as the bureau: NocoDB shows it no row), taken away from the other CPTS bases where
    it had that role, and listed in the regional setting (`services.region`)."""
    from server.users import UserAdded, add_user, admin_client, remove_no_access
    from services.region import add_regional_user  # its figures load pandas: only for this command

    with admin_client(config) as admin:
        region = chosen_bases(admin, names)
        made = [
            add_user(admin, base.id, email, BOARD, reset_password=reset_password and i == 0)
            for i, base in enumerate(region)
        ]
        others = [base for base in cpts_bases(admin) if base not in region]
        removed = [base for base in others if remove_no_access(admin, base.id, email)]
    add_regional_user(config, email)
    typer.echo("CPTS de sa région : " + ", ".join(base.title for base in region) + ".")
    if removed:
        typer.echo("Retiré de : " + ", ".join(base.title for base in removed) + " (hors de sa région).")
    password = next((one.password for one in made if one.password), None)
    return UserAdded(made[0].email, REGION, made[0].created, password)


@user_app.command(name="list")
def user_list(ctx: typer.Context) -> None:
    """Liste les comptes NocoDB et leur rôle dans l'application."""
    from server.users import list_users

    one_base_only(ctx)
    base = connect(settings())
    rows = list_users(base.client, base.id)
    width = max((len(row.email) for row in rows), default=10)
    typer.echo(f"{'E-mail':<{width}}  {'Rôle':<12}  {'Rôle NocoDB':<12}  Remarque")
    for row in rows:
        typer.echo(f"{row.email:<{width}}  {row.role:<12}  {row.base_role or 'aucun':<12}  {row.note}")
