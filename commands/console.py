"""What every `./cpts` command shares: its settings, its French error messages (in red, exit code 1), the checks
of its options."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import NoReturn

import typer

from domain.problems import Problem, warning_line
from settings import Settings


def say_error(message: str) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)


def say_warning(message: str) -> None:
    typer.secho(message, fg=typer.colors.YELLOW, err=True)


def fail(message: str) -> NoReturn:
    """Stop the command with this French message, in red, and exit code 1."""
    say_error(message)
    raise typer.Exit(1)


def warn(problems: Iterable[Problem]) -> None:
    """The values left aside or refused, one « Attention : … » line each, in yellow on stderr."""
    for problem in problems:
        typer.secho(warning_line(problem), fg=typer.colors.YELLOW, err=True)


def settings() -> Settings:
    return Settings.from_env()


def check_year(year: int, option: str = "--year") -> None:
    if not 2000 <= year <= 2100:
        fail(f"{option} doit être une année (2000 à 2100), pas {year}.")


def check_target(target: Path, suffix: str, option: str = "--out") -> None:
    """Refuse an output file of another kind, or in a folder that does not exist."""
    if target.suffix.lower() != suffix:
        fail(f"{option} doit être un fichier {suffix}, pas {target}.")
    if not target.parent.is_dir():
        fail(f"Le dossier {target.parent} n'existe pas.")
