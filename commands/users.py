"""`./cpts user`: the application's accounts (NocoDB's) and their role."""

from __future__ import annotations

from typing import Annotated

import typer

from commands.console import settings
from services.connection import connect

user_app = typer.Typer(help="Comptes de l'application (ceux de NocoDB) et leur rôle.")
ROLE_HELP = {
    "coordinateur": "modifie la base CPTS dans NocoDB et voit les pages patients",
    "bureau": "aucun accès à la base dans NocoDB ; voit les pages de chiffres agrégés",
}


@user_app.command(name="add")
def user_add(
    email: Annotated[str, typer.Argument(help="Adresse e-mail du compte.")],
    role: Annotated[str, typer.Option("--role", help="coordinateur ou bureau.")],
    reset_password: Annotated[
        bool, typer.Option("--reset-password", help="Donner un nouveau mot de passe (oubli).")
    ] = False,
) -> None:
    """Crée ou met à jour un compte NocoDB avec l'accès à la base de son rôle ; affiche son mot de passe une fois."""
    from server.users import add_user, admin_client

    config = settings()
    base = connect(config)
    with admin_client(config) as admin:
        added = add_user(admin, base.id, email, role, reset_password=reset_password)
    verb = "Compte créé" if added.created else "Compte mis à jour"
    typer.echo(f"{verb} : {added.email}, rôle {added.role} ({ROLE_HELP[added.role]}).")
    if added.password:
        typer.secho("Mot de passe (affiché une seule fois, à transmettre à la personne) :", bold=True)
        typer.echo(f"  {added.password}")
        typer.echo(f"Connexion : {config.app_url} (et NocoDB : {config.nocodb_url}).")


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
