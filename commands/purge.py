"""`./cpts purge`: anonymise the patients whose request is closed for longer than the retention period."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from commands.console import settings
from domain.retention import PurgePlan
from services.connection import connect


def purge(
    older_than: Annotated[
        str | None,
        typer.Option("--older-than", help="Durée de conservation, ex. 24m (mois) ou 2a ; défaut : Paramètres."),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Montrer ce qui changerait, sans rien modifier.")] = False,
) -> None:
    """Anonymise les patients dont la demande est close depuis plus que la durée de conservation."""
    from domain.retention import parse_months
    from services.journal import command_user
    from services.purge import purge as purge_patients

    months = parse_months(older_than) if older_than is not None else None
    planned = purge_patients(
        connect(settings()),
        months,
        date.today(),
        command_user(),
        dry_run=dry_run,
        on_period=lambda period: typer.echo(f"Conservation : {period.months} mois ({period.source})."),
        on_plan=print_purge_plan,
        progress=purge_progress,
    )
    if dry_run:
        typer.echo("Simulation (--dry-run) : rien n'a été modifié.")
    elif planned.items or planned.snp_phones:
        typer.secho(f"{len(planned.items)} patient(s) anonymisé(s).", fg=typer.colors.GREEN)
        if planned.snp_phones:
            typer.secho(f"{len(planned.snp_phones)} téléphone(s) de demandes SNP effacé(s).", fg=typer.colors.GREEN)
    else:
        typer.echo("Rien à anonymiser.")


def print_purge_plan(plan: PurgePlan) -> None:
    typer.echo(f"Demandes closes avant le {plan.cutoff:%d/%m/%Y} :")
    if plan.items:
        typer.echo(f"{len(plan.items)} patient(s) à anonymiser :")
        for item in plan.items:
            band = item.age_band or "âge inconnu"
            emptied = ", ".join(item.emptied)
            typer.echo(
                f"  {item.code}  {item.status:<10}  clos le {item.closed_on:%d/%m/%Y}  {band:<14}  effacés : {emptied}"
            )
    if plan.kept_in_pathway:
        typer.echo(f"Gardés, suivis dans un parcours actif : {', '.join(plan.kept_in_pathway)}")
    if plan.snp_phones:
        typer.echo(f"Demandes SNP closes ou reçues avant cette date : {len(plan.snp_phones)} téléphone(s) à effacer.")
    if plan.missing_date:
        typer.echo(f"Statut clos sans date de clôture (à compléter dans NocoDB) : {', '.join(plan.missing_date)}")


def purge_progress(done: int, total: int) -> None:
    typer.echo(f"  {done}/{total} patients anonymisés…")
