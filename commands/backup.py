"""`./cpts backup` and `./cpts restore FILE`: the whole data folder in one archive, on either engine
(server/backup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from commands.console import settings
from server.backup import backup as write_backup
from server.backup import default_name
from server.backup import restore as restore_archive

ENGINES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def backup(
    output: Annotated[
        Path | None,
        typer.Option("--sortie", "-o", help="Fichier de l'archive (défaut : cpts-sauvegarde-<date>.tar.gz ici)."),
    ] = None,
) -> None:
    """Sauvegarde le dossier de données (base NocoDB, pièces jointes, secrets) dans une archive."""
    target = (output or Path(default_name())).resolve()
    typer.echo("Sauvegarde en cours…")
    write_backup(settings(), target)
    typer.echo(f"Sauvegarde écrite : {target} (lisible par vous seul : elle contient secrets.env).")


def restore(
    archive: Annotated[Path, typer.Argument(help="Archive écrite par ./cpts backup.")],
    force: Annotated[
        bool, typer.Option("--force", help="Remplacer le contenu d'un dossier de données non vide.")
    ] = False,
) -> None:
    """Restaure une sauvegarde dans le dossier de données (vide, ou vidé avec --force)."""
    config = settings()
    engine = restore_archive(config, archive.resolve(), force=force)
    typer.echo(f"Sauvegarde {ENGINES[engine]} restaurée dans {config.data_dir}. Démarrage : ./cpts up")
