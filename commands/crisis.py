"""`./cpts crise activer --type canicule`: activate the crisis plan from the command line (same files as the page)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from commands.console import fail, settings
from domain.access import COORDINATOR
from schema.crisis import CRISIS_KINDS
from services.connection import connect

crisis_app = typer.Typer(help="Plan de crise (mission ACI 4).")
KINDS_HELP = ", ".join(kind.key for kind in CRISIS_KINDS)


@crisis_app.command(name="activer")
def activate_command(
    kind: Annotated[str, typer.Option("--type", help=f"Type de crise : {KINDS_HELP}.")],
    folder: Annotated[
        Path, typer.Option("--sortie", help="Dossier où écrire la fiche réflexe et les contacts (défaut : ici).")
    ] = Path(),
) -> None:
    """Activer le plan de crise : fiche réflexe (PDF) et liste de contacts (XLSX), activation tracée."""
    from services.crisis import activate, save_activation
    from services.journal import command_user

    if not folder.is_dir():
        fail(f"--sortie : le dossier {folder} n'existe pas. Rien n'a été écrit.")
    typer.echo("Activation du plan de crise (conversion en PDF avec LibreOffice, quelques secondes)…")
    activation = activate(connect(settings()), kind, command_user(), COORDINATOR, date.today())
    for path in save_activation(activation, folder):
        typer.echo(f"Écrit : {path}")
    typer.echo(f"Plan de crise activé ({activation.kind.label}) : activation tracée dans Exercices et révisions.")
