"""The `./cpts` command line: start, stop and inspect the back office, migrate and seed the base, run the tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from commands.console import fail, say_error, settings
from commands.documents import deck_command, export_app
from commands.match import match_command
from commands.purge import purge
from commands.users import user_app
from domain import communes
from errors import CptsError
from server.bootstrap import Bootstrap, bootstrap, ensure_secrets
from server.process import Service, start_app, start_nocodb, stop
from services import seed as seeding
from services.connection import connect
from services.seed import row_counts
from settings import ROOT, Settings, communes_dir, read_secrets, write_secrets

if TYPE_CHECKING:
    from services.connection import Base

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Back office de la CPTS (NocoDB + Streamlit).")


def pid_file(config: Settings, name: str) -> Path:
    return config.data_dir / "run" / f"{name}.pid"


def progress(title: str, done: int, total: int) -> None:
    if title:
        typer.echo(f"  [{done + 1}/{total}] {title}…")


def seed_demo(base: Base, size: Literal["small", "large"], force: bool, hostile: bool = False) -> None:
    typer.echo(f"Génération de la CPTS de démonstration ({size}{', textes hostiles' if hostile else ''})…")
    counts = seeding.seed_demo(base, size, force=force, progress=progress, hostile=hostile)
    typer.echo("Démo chargée : " + ", ".join(f"{title} {n}" for title, n in counts.items() if n))


def announce_admin(config: Settings, setup: Bootstrap) -> None:
    """Print the NocoDB admin login once, on the very first run."""
    secrets = read_secrets(config.secrets_path)
    if secrets.get("CPTS_ADMIN_SHOWN") or config.external_token:
        return
    typer.secho("\nPremier démarrage : compte administrateur NocoDB (affiché une seule fois) :", bold=True)
    typer.echo(f"  adresse  : {config.nocodb_url}")
    typer.echo(f"  e-mail   : {setup.admin_email}")
    typer.echo(f"  mot de passe : {setup.admin_password}")
    typer.echo(f"  (conservé dans {config.secrets_path}, lisible par vous seul)")
    typer.echo("  Il ouvre aussi l'application ; créez les comptes de l'équipe avec ./cpts user add.\n")
    write_secrets(config.secrets_path, {**secrets, "CPTS_ADMIN_SHOWN": "1"})


def start_all(config: Settings, demo: bool) -> list[Service]:
    services: list[Service] = []
    try:
        secrets, first = ensure_secrets(config)
        if not config.external_nocodb_url:
            typer.echo(f"Démarrage de NocoDB sur {config.nocodb_url}…")
            services.append(start_nocodb(config, secrets))
        setup = bootstrap(config, secrets, first)
        for line in setup.migration.lines():
            typer.echo(f"  {line}")
        if demo and not any(row_counts(setup.base).values()):
            seed_demo(setup.base, "small", force=False)
        announce_admin(config, setup)
        typer.echo(f"Démarrage de l'application sur {config.app_url}…")
        services.append(start_app(config, env={"CPTS_BASE_ID": setup.base.id}))
    except BaseException:
        for service in services:
            stop(service.process.pid)
        raise
    return services


@app.command()
def up(
    detach: Annotated[bool, typer.Option("--detach", help="Rendre la main une fois les serveurs prêts.")] = False,
    no_demo: Annotated[bool, typer.Option("--no-demo", help="Ne pas charger la CPTS de démonstration.")] = False,
) -> None:
    """Démarre NocoDB et l'application (et prépare la base au premier lancement)."""
    config = settings()
    for name in ("nocodb", "app"):
        if pid_file(config, name).exists():
            fail(f"Une instance semble déjà lancée ({pid_file(config, name)}) : ./cpts down d'abord.")
    services = start_all(config, demo=not no_demo)
    typer.secho(f"\nNocoDB : {config.nocodb_url}\nApplication : {config.app_url}", fg=typer.colors.GREEN)
    if detach:
        for service, name in zip(services[::-1], ("app", "nocodb"), strict=False):
            pid_file(config, name).parent.mkdir(parents=True, exist_ok=True)
            pid_file(config, name).write_text(str(service.process.pid))
        typer.echo("Arrêt : ./cpts down")
        return
    typer.echo("Ctrl-C pour arrêter.")
    wait_then_stop(services)


def wait_then_stop(services: list[Service]) -> None:
    """Block until Ctrl-C, SIGTERM or one server dies, then stop every server."""
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    while not done.wait(1.0):
        dead = [s for s in services if s.process.poll() is not None]
        if dead:
            typer.secho(f"{dead[0].name} s'est arrêté (journal : {dead[0].log_path}).", fg=typer.colors.RED, err=True)
            break
    typer.echo("Arrêt…")
    for service in reversed(services):
        stop(service.process.pid)
    typer.echo("Arrêté.")


@app.command()
def down() -> None:
    """Arrête ce que `up --detach` a lancé."""
    config = settings()
    stopped = False
    for name in ("app", "nocodb"):
        path = pid_file(config, name)
        if path.exists():
            stopped |= stop(int(path.read_text().strip()))
            path.unlink()
    typer.echo("Arrêté." if stopped else "Rien à arrêter.")


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON.")] = False) -> None:
    """État de NocoDB, de l'application et de la base (nombre de lignes, écarts de schéma)."""
    from services.admin import status as collect_status

    report = collect_status(settings())
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    nocodb, app_state = report["nocodb"], report["app"]
    typer.echo(f"NocoDB       {nocodb['url']}  {'OK' if nocodb['healthy'] else 'ne répond pas'}  {nocodb['version']}")
    typer.echo(f"Application  {app_state['url']}  {'OK' if app_state['healthy'] else 'ne répond pas'}")
    if report["base"]:
        typer.echo(f"Base         {report['base']['title']} ({report['base']['id']})")
    for title, count in report["tables"].items():
        typer.echo(f"  {title:<28} {count:>7}")
    for line in report["drift"]:
        typer.echo(f"Écart : {line}")
    if report.get("error"):
        typer.echo(report["error"])


@app.command()
def migrate() -> None:
    """Met la base en conformité avec le schéma (ajoute ce qui manque, ne supprime rien)."""
    from services.admin import migrate as migrate_base

    for line in migrate_base(settings()).lines():
        typer.echo(line)


@app.command(name="seed")
def seed_command(
    demo: Annotated[bool, typer.Option("--demo", help="Charger la CPTS de démonstration.")] = False,
    size: Annotated[str, typer.Option("--size", help="small (≈400 patients) ou large (50 000).")] = "small",
    force: Annotated[bool, typer.Option("--force", help="Vider une base non vide avant de la remplir.")] = False,
    hostile: Annotated[
        bool, typer.Option("--hostile", help="Textes piégés (Markdown, HTML, formules…) dans chaque champ texte.")
    ] = False,
) -> None:
    """Remplit une base vide avec la CPTS de démonstration."""
    if not demo:
        fail("Précisez --demo (seul jeu de données disponible pour l'instant).")
    if size not in ("small", "large"):
        fail("--size doit valoir small ou large.")
    seed_demo(connect(settings()), "large" if size == "large" else "small", force, hostile)


app.command(name="match")(match_command)
app.add_typer(export_app, name="export")
app.command(name="deck")(deck_command)
app.add_typer(user_app, name="user")
app.command()(purge)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def test(ctx: typer.Context) -> None:
    """Lance tous les tests (arguments passés à pytest)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = subprocess.call([sys.executable, "-m", "pytest", *ctx.args], cwd=ROOT, env=env)
    raise typer.Exit(code)


def main() -> None:
    """Run the command; a CptsError (errors.py) is told once, here, in French and in red (exit code 1).
    Anything else is a bug and shows its traceback."""
    communes.use_data_dir(communes_dir())
    try:
        app()
    except CptsError as error:
        say_error(str(error))
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
