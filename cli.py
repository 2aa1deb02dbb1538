"""The `./cpts` command line: start, stop and inspect the back office, migrate and seed the base, run the tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal, NoReturn

import typer

from domain import communes
from domain.problems import warning_line
from domain.retention import PurgePlan
from errors import CptsError
from server.bootstrap import Bootstrap, bootstrap, ensure_secrets
from server.process import Service, start_app, start_nocodb, stop
from services import seed as seeding
from services.connection import connect
from services.seed import row_counts
from settings import ROOT, Settings, communes_dir, read_secrets, write_secrets

if TYPE_CHECKING:
    from collections.abc import Sequence

    from domain.desk_plan import Plan
    from schema.models import Member
    from services.connection import Base

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Back office de la CPTS (NocoDB + Streamlit).")


def say_error(message: str) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)


def fail(message: str) -> NoReturn:
    """Stop the command with this French message, in red, and exit code 1."""
    say_error(message)
    raise typer.Exit(1)


def settings() -> Settings:
    return Settings.from_env()


def pid_file(config: Settings, name: str) -> Path:
    return config.data_dir / "run" / f"{name}.pid"


def progress(title: str, done: int, total: int) -> None:
    if title:
        typer.echo(f"  [{done + 1}/{total}] {title}…")


def seed_demo(base: Base, size: Literal["small", "large"], force: bool) -> None:
    typer.echo(f"Génération de la CPTS de démonstration ({size})…")
    counts = seeding.seed_demo(base, size, force=force, progress=progress)
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
) -> None:
    """Remplit une base vide avec la CPTS de démonstration."""
    if not demo:
        fail("Précisez --demo (seul jeu de données disponible pour l'instant).")
    if size not in ("small", "large"):
        fail("--size doit valoir small ou large.")
    seed_demo(connect(settings()), "large" if size == "large" else "small", force)


@app.command(name="match")
def match_command(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Calculer sans rien écrire dans NocoDB.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON.")] = False,
) -> None:
    """Oriente les patients en attente vers les médecins disponibles : écrit les propositions (sauf --dry-run)."""
    from domain.desk_plan import plan_as_dict
    from services.desk import DeskData, match
    from services.journal import command_user

    today = date.today()

    def show(planned: Plan, data: DeskData) -> None:
        for problem in data.problems + list(planned.problems):
            typer.secho(warning_line(problem), fg=typer.colors.YELLOW, err=True)
        if as_json:
            typer.echo(json.dumps(plan_as_dict(planned, data.records.members), ensure_ascii=False, indent=2))
        else:
            print_plan(planned, data.records.members, today)

    confirmation = match(connect(settings()), today, command_user(), dry_run=dry_run, on_plan=show)
    if confirmation is None:
        typer.echo("--dry-run : rien n'a été écrit.", err=as_json)
        return
    for line in confirmation.skipped:
        typer.secho(f"Non proposé : {line}", fg=typer.colors.YELLOW, err=True)
    written = len({p.patient for p in confirmation.proposals})
    typer.echo(
        f"{len(confirmation.proposals)} proposition(s) écrite(s) pour {written} patient(s), passés au statut « Proposé ».",
        err=as_json,
    )


def print_plan(planned: Plan, members: Sequence[Member], today: date) -> None:
    """The plan as text: one line per patient proposed (code, priority, GPs), then the others with the reason."""
    from domain.desk import doctor_name

    names = {m.id: doctor_name(m) for m in members}
    typer.echo(
        f"Orientation du {today:%d/%m/%Y} : {len(planned.patients)} patient(s) à proposer, "
        f"{len(planned.unmatched)} sans proposition."
    )
    for item in planned.patients:
        doctors = " ; ".join(f"{c.rank}. {names.get(c.member_id)}" for c in item.choices)
        typer.echo(f"  {item.code}  priorité {item.priority.score:>3}  →  {doctors}")
    if planned.unmatched:
        typer.echo("Sans proposition :")
    for excluded in planned.unmatched:
        typer.echo(f"  {excluded.code}  {excluded.reason}")


export_app = typer.Typer(no_args_is_help=True, help="Exporter des documents (chiffres agrégés, sans donnée patient).")
app.add_typer(export_app, name="export")


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
    for problem in report.problems:
        typer.secho(f"Attention : {problem}", fg=typer.colors.YELLOW, err=True)
    typer.echo(
        f"Dialogue de gestion {year} écrit dans {target} (financement estimé : {report.figures.funding.total_text})."
    )


def check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        fail(f"--year doit être une année (2000 à 2100), pas {year}.")


def check_target(target: Path, suffix: str) -> None:
    """Refuse an output file of another kind, or in a folder that does not exist."""
    if target.suffix.lower() != suffix:
        fail(f"--out doit être un fichier {suffix}, pas {target}.")
    if not target.parent.is_dir():
        fail(f"Le dossier {target.parent} n'existe pas.")


@app.command(name="deck")
def deck_command(
    year: Annotated[
        int | None, typer.Option("--year", help="Année d'activité présentée (défaut : l'année en cours).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Fichier PPTX à écrire (défaut : presentation-ag-ANNÉE.pptx).")
    ] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="Écrire aussi le PDF (même nom, .pdf), avec LibreOffice.")] = False,
) -> None:
    """Présentation d'AG (PowerPoint aux graphiques modifiables, et PDF) à partir des données en direct."""
    import time

    from services.deck import deck

    today = date.today()
    year = year or today.year
    check_year(year)
    target = out or Path(f"presentation-ag-{year}.pptx")
    check_target(target, ".pptx")
    start = time.perf_counter()

    def step(text: str) -> None:
        typer.echo(f"  [{time.perf_counter() - start:5.1f} s] {text}")

    made = deck(connect(settings()), year, today, target, pdf=pdf, progress=step)
    for problem in made.problems:
        typer.secho(warning_line(problem), fg=typer.colors.YELLOW, err=True)
    typer.echo(f"Présentation d'AG {year} ({len(made.slides) + 1} diapositives) écrite dans {target}.")
    if pdf:
        typer.echo(f"PDF écrit dans {target.with_suffix('.pdf')}.")


user_app = typer.Typer(no_args_is_help=True, help="Comptes de l'application (ceux de NocoDB) et leur rôle.")
app.add_typer(user_app, name="user")
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


@app.command()
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
    elif planned.items:
        typer.secho(f"{len(planned.items)} patient(s) anonymisé(s).", fg=typer.colors.GREEN)
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
    if plan.missing_date:
        typer.echo(f"Statut clos sans date de clôture (à compléter dans NocoDB) : {', '.join(plan.missing_date)}")


def purge_progress(done: int, total: int) -> None:
    typer.echo(f"  {done}/{total} patients anonymisés…")


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
