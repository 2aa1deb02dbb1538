"""The `./cpts` command line: start, stop and inspect the back office, migrate and seed the base, run the tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from dataclasses import asdict, replace
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from commands.backup import backup, restore
from commands.bases import base_app
from commands.console import fail, say_error, say_warning, settings
from commands.crisis import crisis_app
from commands.documents import deck_command, export_app
from commands.dues import dues_app
from commands.french import Abort, ClickException, UsageError, french_help, usage_message
from commands.imports import import_app
from commands.match import match_command
from commands.purge import purge
from commands.users import user_app
from domain import communes
from errors import CptsError
from server import postgres
from server.bootstrap import Bootstrap, bootstrap, ensure_secrets
from server.process import (
    SERVER_TITLES,
    SERVERS,
    Service,
    pid_file,
    running_pid,
    start_app,
    start_nocodbs,
    start_postgres,
    stop,
    write_pid,
)
from server.status import record_processes, server_states
from services.bases import migrate_others, served_by_app
from services.connection import connect
from settings import ROOT, Settings, communes_dir, exposed, make_private, nocodb_processes, read_secrets, write_secrets

if TYPE_CHECKING:
    from services.connection import Base

app = typer.Typer(add_completion=False, help="Back office de la CPTS (NocoDB + Streamlit).")


@app.callback()
def choose_base(
    ctx: typer.Context,
    base: Annotated[
        list[str] | None,
        typer.Option(
            "--base",
            help="La CPTS visée (nom ou identifiant de sa base), quand le serveur en héberge plusieurs ; "
            "par défaut CPTS_BASE, ou la seule. Plusieurs fois : les CPTS d'un compte région (user add).",
        ),
    ] = None,
) -> None:
    """Back office de la CPTS (NocoDB + Streamlit)."""
    ctx.obj = list(base or [])  # all of them: commands.users reads them for a région account
    if len(ctx.obj) > 1 and ctx.invoked_subcommand != "user":
        fail("Une seule --base pour cette commande (plusieurs : seulement ./cpts user add EMAIL --role région).")
    if ctx.obj:
        os.environ["CPTS_BASE"] = ctx.obj[0]  # read by services.connection, and by the app ./cpts up starts


def progress(title: str, done: int, total: int) -> None:
    if title:
        typer.echo(f"  [{done + 1}/{total}] {title}…")


def seed_demo(
    base: Base, size: Literal["small", "large"], force: bool, hostile: bool = False, territory: str | None = None
) -> None:
    from services import seed as seeding  # the demo generator (Faker): loaded only to seed

    territory = territory or seeding.DEFAULT_TERRITORY
    if territory not in seeding.demo_territories():
        fail(f"--territory doit valoir {' ou '.join(seeding.demo_territories())} (reçu : {territory}).")
    typer.echo(f"Génération de la CPTS de démonstration ({territory}, {size}{', textes hostiles' if hostile else ''})…")
    counts = seeding.seed_demo(base, size, force=force, progress=progress, hostile=hostile, territory=territory)
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
        if config.local_postgres:
            if postgres.ensure_cluster(config, secrets):
                typer.echo(f"Cluster PostgreSQL créé dans {postgres.cluster_dir(config)}.")
            typer.echo(f"Démarrage de PostgreSQL sur 127.0.0.1:{secrets[postgres.PORT_KEY]}…")
            services.append(start_postgres(config, secrets))
        if not config.external_nocodb_url:
            start_nocodbs(config, secrets, services, typer.echo)
        setup = bootstrap(config, secrets, first)
        for line in setup.migration.lines():
            typer.echo(f"  {line}")
        for other, report in migrate_others(setup.base.client, setup.base.id):
            typer.echo(f"  {other.title} : " + " ; ".join(report.lines()))
        from services.seed import row_counts

        if demo and not any(row_counts(setup.base).values()):
            seed_demo(setup.base, "small", force=False)
        announce_admin(config, setup)
        typer.echo(f"Démarrage de l'application sur {config.app_url}…")
        services.append(start_app(config, env=served_env(setup.base)))
    except BaseException:
        for service in services:
            stop(service.process.pid)
        raise
    return services


def served_env(base: Base) -> dict[str, str]:
    """What the app is told to serve: the CPTS chosen (--base, CPTS_BASE), else the only one; on a server
    of several CPTS, none: each user gets the CPTS whose base they have a role on."""
    bases = served_by_app(base.client, os.environ.get("CPTS_BASE"))
    if len(bases) == 1:
        return {"CPTS_BASE_ID": bases[0].id}
    typer.echo(f"{len(bases)} CPTS sur ce serveur : chacun ouvre celle où il a un rôle.")
    return {}


@app.command()
def up(
    detach: Annotated[bool, typer.Option("--detach", help="Rendre la main une fois les serveurs prêts.")] = False,
    no_demo: Annotated[bool, typer.Option("--no-demo", help="Ne pas charger la CPTS de démonstration.")] = False,
    on_postgres: Annotated[
        bool, typer.Option("--postgres", help="NocoDB sur un PostgreSQL local (cluster dans le dossier de données).")
    ] = False,
    processes: Annotated[
        str | None,
        typer.Option("--nocodb-processes", help="Nombre de processus NocoDB (avec --postgres ; plus de 1 : Redis)."),
    ] = None,
) -> None:
    """Démarre NocoDB et l'application (et prépare la base au premier lancement)."""
    config = with_engine(settings(), on_postgres)
    config = replace(config, nocodb_processes=nocodb_processes(processes)) if processes else config
    clear_previous_run(config)
    make_data_private(config)
    services = start_all(config, demo=not no_demo)
    record_processes(config)  # once they all run: a refused start records nothing
    typer.secho(f"\nNocoDB : {config.nocodb_url}\nApplication : {config.app_url}", fg=typer.colors.GREEN)
    if detach:
        for service in services:
            write_pid(config, service.key, service.process.pid)
        typer.echo("Arrêt : ./cpts down")
        return
    typer.echo("Ctrl-C pour arrêter.")
    wait_then_stop(services)


def with_engine(config: Settings, on_postgres: bool) -> Settings:
    """The settings with a local PostgreSQL when asked for; refused on a data folder that has NocoDB's SQLite
    file (its data would not follow: ./cpts backup, then restore, keeps an engine)."""
    if not on_postgres or config.local_postgres:
        return config
    if config.external_nocodb_url or config.nocodb_db:
        fail("--postgres démarre un PostgreSQL local : incompatible avec CPTS_NOCODB_URL ou CPTS_NOCODB_DB.")
    if config.nocodb_file is not None and config.nocodb_file.exists():
        fail(
            f"{config.data_dir} contient déjà la base SQLite de NocoDB : --postgres ne la reprend pas. "
            "Choisissez un autre dossier de données (CPTS_DATA_DIR=…) pour PostgreSQL."
        )
    return replace(config, postgres=True)


def clear_previous_run(config: Settings) -> None:
    """Refuse to start twice; but a previous `up --detach` of which a server died is cleared: its stale pid
    files removed, the server still running stopped (it is started again with the others)."""
    recorded = [name for name in SERVERS if pid_file(config, name).exists()]
    running = {name: running_pid(config, name) for name in recorded}
    if recorded and all(running.values()):
        paths = ", ".join(f"{pid_file(config, name)} : processus {running[name]}" for name in recorded)
        fail(f"Une instance semble déjà lancée ({paths}) : ./cpts down d'abord.")
    for name, pid in running.items():
        if pid is None:
            forget_stale(config, name)
            continue
        stop(pid)
        pid_file(config, name).unlink(missing_ok=True)
        typer.echo(
            f"{SERVER_TITLES[name]} tournait encore sans l'autre serveur (processus {pid}) : arrêt, puis redémarrage de tout."
        )


def forget_stale(config: Settings, name: str) -> None:
    """Remove a pid file whose server is gone (stopped without ./cpts down), saying so."""
    path = pid_file(config, name)
    if path.exists():
        path.unlink()
        typer.echo(f"{path} désignait un serveur arrêté sans ./cpts down : fichier périmé supprimé.")


def make_data_private(config: Settings) -> None:
    """Folders 700 and files 600 in the data folder, whatever made them otherwise; says what it changed."""
    changed = make_private(config.data_dir)
    if changed:
        path, mode = changed[0]
        typer.echo(
            f"Dossier de données rendu privé (dossiers 700, fichiers 600) : {len(changed)} droit(s) corrigé(s), "
            f"dont {path} (mode {mode:o})."
        )


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
    for name in SERVERS:
        pid = running_pid(config, name)
        if pid is None:
            forget_stale(config, name)
            continue
        stopped |= stop(pid)
        pid_file(config, name).unlink(missing_ok=True)
    typer.echo("Arrêté." if stopped else "Rien à arrêter.")


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON.")] = False) -> None:
    """État de chaque serveur (PostgreSQL, Redis, chaque NocoDB, application) et de la base (lignes, écarts)."""
    from services.admin import status as collect_status

    config = settings()
    report = collect_status(config)
    states = server_states(config)
    report["servers"] = [asdict(state) for state in states]
    report["exposed"] = [{"path": str(path), "mode": f"{mode:o}"} for path, mode in exposed(config.data_dir)]
    if as_json:
        typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    for state in states:
        said = ("OK" + (f"  {state.version}" if state.version else "")) if state.healthy else state.advice
        typer.echo(f"{state.title:<12} {state.address}  {said}" + (f"  (processus {state.pid})" if state.pid else ""))
    if report["base"]:
        typer.echo(f"Base         {report['base']['title']} ({report['base']['id']})")
    elif not report["nocodb"]["healthy"]:
        typer.echo("Base         non lue (NocoDB ne répond pas)")
    for title, count in report["tables"].items():
        typer.echo(f"  {title:<28} {count:>7}")
    for line in report["drift"]:
        typer.echo(f"Écart : {line}")
    if report.get("error"):
        typer.echo(report["error"])
    warn_exposed(config, report["exposed"])


def warn_exposed(config: Settings, found: list[dict[str, str]], shown: int = 20) -> None:
    """A French warning per path of the data folder that other accounts may use (the first `shown`)."""
    for item in found[:shown]:
        say_warning(
            f"Attention : {item['path']} (mode {item['mode']}) est accessible à d'autres comptes que le service."
        )
    if len(found) > shown:
        say_warning(f"Attention : … et {len(found) - shown} autre(s) chemin(s) du dossier de données.")
    if found:
        say_warning(f"./cpts up rend le dossier de données privé (ou : chmod -R go-rwx {config.data_dir}).")


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
    territory: Annotated[
        str | None,
        typer.Option(
            "--territory", help="Territoire de la démo : issy (défaut), champsaur (demo/data/territoires.toml)."
        ),
    ] = None,
) -> None:
    """Remplit une base vide avec la CPTS de démonstration."""
    if not demo:
        fail("Précisez --demo (seul jeu de données disponible pour l'instant).")
    if size not in ("small", "large"):
        fail("--size doit valoir small ou large.")
    seed_demo(connect(settings()), "large" if size == "large" else "small", force, hostile, territory)


app.command(name="match")(match_command)
app.add_typer(export_app, name="export")
app.command(name="deck")(deck_command)
app.add_typer(user_app, name="user")
app.add_typer(base_app, name="base")
app.add_typer(import_app, name="import")
app.add_typer(crisis_app, name="crise")
app.add_typer(dues_app, name="cotisations")
app.command()(purge)
app.command()(backup)
app.command()(restore)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def test(ctx: typer.Context) -> None:
    """Lance tous les tests, puis ceux de la marque postgres avec NocoDB sur PostgreSQL (arguments passés à
    pytest : alors une seule passe, sur le moteur de CPTS_TEST_ENGINE)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = subprocess.call([sys.executable, "-m", "pytest", *ctx.args], cwd=ROOT, env=env)
    if ctx.args:
        raise typer.Exit(code)
    typer.secho("\nDeuxième passe : les tests de la marque postgres, NocoDB sur PostgreSQL", bold=True)
    postgres_env = {**env, "CPTS_TEST_ENGINE": "postgres"}
    second = subprocess.call([sys.executable, "-m", "pytest", "-m", "postgres"], cwd=ROOT, env=postgres_env)
    raise typer.Exit(code or second)


def base_first(args: list[str]) -> list[str]:
    """The arguments with `--base X` (or `--base=X`) moved first wherever it was typed: every command takes it
    (`./cpts user list --base "CPTS A"` as `./cpts --base "CPTS A" user list`)."""
    front: list[str] = []
    rest: list[str] = []
    given = iter(args)
    for arg in given:
        value = next(given, None) if arg == "--base" else None
        if value is not None:
            front += [arg, value]
        else:
            (front if arg.startswith("--base=") else rest).append(arg)
    return front + rest


def main() -> None:
    """Run the command; a CptsError (errors.py) is told once, here, in French and in red (exit code 1), a
    wrong invocation (click's UsageError) in French too, with the usage line (exit code 2).
    Anything else is a bug and shows its traceback."""
    communes.use_data_dir(communes_dir())
    french_help()
    try:
        code = app(args=base_first(sys.argv[1:]), standalone_mode=False, prog_name="./cpts")
    except UsageError as error:
        say_error(usage_message(error))
        sys.exit(error.exit_code)
    except ClickException as error:  # a file given to an option that cannot be opened
        say_error(f"Commande impossible : {error.format_message()}")
        sys.exit(error.exit_code)
    except CptsError as error:
        say_error(str(error))
        sys.exit(1)
    except (KeyboardInterrupt, Abort):
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
