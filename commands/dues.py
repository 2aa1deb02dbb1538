"""`./cpts cotisations relance [--annee N] [--sortie F.xlsx]`: the members' dues reminder list (the workbook of the
page Cotisations: names, professions, e-mails, amounts), read live from NocoDB."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from commands.console import check_target, check_year, settings, warn
from domain.access import COORDINATOR
from services.connection import connect

dues_app = typer.Typer(help="Cotisations des membres de l'association.")


@dues_app.command(name="relance")
def reminder_command(
    year: Annotated[
        int | None, typer.Option("--annee", help="Année des cotisations (défaut : l'année en cours).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--sortie", help="Fichier XLSX à écrire (défaut : relance-cotisations-ANNÉE.xlsx)."),
    ] = None,
) -> None:
    """Liste de relance des cotisations non payées (XLSX avec les e-mails des membres)."""
    from services.association import reminder_list

    year = year or date.today().year
    check_year(year, "--annee")
    target = out or Path(f"relance-cotisations-{year}.xlsx")
    check_target(target, ".xlsx", "--sortie")
    found = reminder_list(connect(settings()), COORDINATOR, year)
    warn(found.problems)
    target.write_bytes(found.workbook)
    typer.echo(f"Liste de relance {year} écrite dans {target} : {len(found.lines)} membre(s) à relancer.")
