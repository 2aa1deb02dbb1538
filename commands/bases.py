"""`./cpts base`: the CPTS of this server, one NocoDB base each (`services.bases`)."""

from __future__ import annotations

from typing import Annotated

import typer

from commands.console import settings
from domain.french import number
from services.bases import add_base, summaries, territory_communes
from services.connection import api_client

base_app = typer.Typer(help="Les CPTS de ce serveur : une base NocoDB chacune.")


@base_app.command(name="add")
def base_add(
    name: Annotated[str, typer.Argument(help="Nom de la CPTS (celui de sa base NocoDB), ex. « CPTS du Champsaur ».")],
    communes: Annotated[
        str, typer.Option("--communes", help="Codes INSEE des communes du territoire, séparés par des virgules.")
    ] = "",
    departement: Annotated[
        str | None, typer.Option("--departement", help="Toutes les communes d'un département (ex. 05).")
    ] = None,
    epci: Annotated[
        str | None, typer.Option("--epci", help="Toutes les communes d'un EPCI (code SIREN, ex. 200068096).")
    ] = None,
) -> None:
    """Crée la base d'une nouvelle CPTS, la met au schéma et remplit son territoire (données Etalab)."""
    territory = territory_communes(communes.split(","), departement, epci)
    with api_client(settings()) as client:
        added = add_base(client, name, territory)
    typer.echo(f"Base créée : {added.base.title} ({added.base.id}).")
    for line in added.migration.lines():
        typer.echo(f"  {line}")
    population = sum(info.population for info in added.communes)
    typer.echo(f"Territoire : {len(added.communes)} commune(s), {number(population)} habitants.")
    typer.echo(f"Ensuite : ./cpts --base {added.base.id} user add … pour ouvrir la CPTS à son équipe.")


@base_app.command(name="list")
def base_list() -> None:
    """Liste les CPTS de ce serveur : nom, identifiant, nombre de tables et d'utilisateurs."""
    with api_client(settings()) as client:
        rows = summaries(client)
    width = max((len(row.base.title) for row in rows), default=10)
    typer.echo(f"{'Nom':<{width}}  {'Identifiant':<20}  {'Tables':>6}  {'Utilisateurs':>12}")
    for row in rows:
        typer.echo(f"{row.base.title:<{width}}  {row.base.id:<20}  {row.tables:>6}  {row.users:>12}")
    if not rows:
        typer.echo("Aucune CPTS sur ce serveur : ./cpts up, ou ./cpts base add.")
