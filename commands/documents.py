"""`./cpts export dialogue` and `./cpts deck`: the documents of aggregated figures, no patient data."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from commands.console import check_target, check_year, settings, warn
from services.connection import connect

export_app = typer.Typer(help="Exporter des documents (chiffres agrégés, sans donnée patient).")


@export_app.command(name="dialogue")
def export_dialogue(
    year: Annotated[
        int | None, typer.Option("--year", help="Année du dialogue de gestion (défaut : l'année en cours).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Fichier XLSX à écrire (défaut : dialogue-de-gestion-ANNÉE.xlsx).")
    ] = None,
) -> None:
    """Classeur « dialogue de gestion » : synthèse du financement ACI et une feuille par mission."""
    from services.board import dialogue

    today = date.today()
    year = year or today.year
    check_year(year)
    target = out or Path(f"dialogue-de-gestion-{year}.xlsx")
    check_target(target, ".xlsx")
    report = dialogue(connect(settings()), year, today, target, progress=lambda text: typer.echo(f"  {text}"))
    warn(report.problems)
    typer.echo(
        f"Dialogue de gestion {year} écrit dans {target} (financement estimé : {report.figures.funding.total_text})."
    )


def deck_command(
    year: Annotated[
        int | None, typer.Option("--year", help="Année d'activité présentée (défaut : l'année en cours).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Fichier PPTX à écrire (défaut : presentation-ag-ANNÉE.pptx).")
    ] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Écrire aussi le PDF (même nom, .pdf), avec LibreOffice.")] = False,
    region: Annotated[
        bool, typer.Option("--region", help="Présentation régionale : toutes les CPTS de ce serveur côte à côte.")
    ] = False,
) -> None:
    """Présentation d'AG (PowerPoint aux graphiques modifiables, et PDF) à partir des données en direct."""
    import time

    from services.deck import deck

    today = date.today()
    year = year or today.year
    check_year(year)
    target = out or Path(f"presentation-{'region' if region else 'ag'}-{year}.pptx")
    check_target(target, ".pptx")
    start = time.perf_counter()

    def step(text: str) -> None:
        typer.echo(f"  [{time.perf_counter() - start:5.1f} s] {text}")

    if region:
        from services.region import deck as region_deck

        made = region_deck(settings(), year, today, target, pdf=pdf, progress=step)
    else:
        made = deck(connect(settings()), year, today, target, pdf=pdf, progress=step)
    warn(made.problems)
    kind = "régionale" if region else "d'AG"
    typer.echo(f"Présentation {kind} {year} ({len(made.slides) + 1} diapositives) écrite dans {target}.")
    if pdf:
        typer.echo(f"PDF écrit dans {target.with_suffix('.pdf')}.")
