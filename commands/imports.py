"""`./cpts import`: real data brought into the base; `./cpts import rpps FILE` for the public RPPS extract."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from commands.console import fail, settings, warn
from services.connection import connect

if TYPE_CHECKING:
    from services.rpps import RppsImport
    from services.sheets import SheetImport

import_app = typer.Typer(help="Importer des données réelles dans la base.")
DryRun = Annotated[bool, typer.Option("--dry-run", help="Montrer ce qui changerait sans rien écrire.")]
SHOWN = 20  # names listed per heading (arrivals, departures, differences)


class Bars:
    """A progress bar per step (reading the extract, writing to NocoDB), on stderr."""

    def __init__(self) -> None:
        self.step = ""
        self.done = 0
        self.bar: Any = None

    def __call__(self, step: str, done: int, total: int) -> None:
        if step != self.step:
            self.close()
            self.step, self.done = step, 0
            self.bar = typer.progressbar(length=max(total, 1), label=step, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@import_app.command(name="rpps")
def rpps_command(
    file: Annotated[
        Path,
        typer.Argument(metavar="FICHIER", help="PS_LibreAcces_Personne_activite_*.txt, ou le PS_LibreAcces_*.zip."),
    ],
    territory: Annotated[
        bool, typer.Option("--territory", help="Les communes de la table Territoire (le défaut, dit explicitement).")
    ] = False,
    communes: Annotated[
        str | None, typer.Option("--communes", help="Codes INSEE séparés par des virgules (défaut : le Territoire).")
    ] = None,
    dry_run: DryRun = False,
) -> None:
    """Professionnels du territoire d'après l'extrait public RPPS ; complète les champs vides des membres."""
    from services.rpps import import_rpps

    if territory and communes is not None:
        refused = "avec --territory, choisissez le Territoire ou ces communes, pas les deux"
        raise typer.BadParameter(refused, param_hint="'--communes'")
    bars = Bars()
    try:
        done = import_rpps(
            connect(settings()),
            file,
            date.today(),
            communes.split(",") if communes is not None else [],
            dry_run=dry_run,
            progress=bars,
        )
    finally:
        bars.close()
    warn(done.problems)
    for line in report_lines(done):
        typer.echo(line)


def report_lines(done: RppsImport) -> list[str]:
    """The import told in French: what was read, the professionals by profession, what changed."""
    from domain.rpps_changes import by_profession, member_name
    from schema.models import MEMBERS

    changes, stats = done.changes, done.stats
    lines = [
        f"Extrait du {done.day:%d/%m/%Y} ({done.file}) : {stats.lines} lignes lues, {stats.kept} activité(s) "
        f"dans les communes {', '.join(done.communes)}."
    ]
    if stats.malformed:
        shown = ", ".join(map(str, stats.malformed_lines))
        lines.append(f"Lignes mal formées, ignorées : {stats.malformed} (lignes {shown}…)")
    members = {row.rpps for row in done.found} & {m.rpps for m in done.members}
    lines.append(f"Professionnels du territoire : {len(done.found)}, dont {len(members)} adhérent(s).")
    joined = {
        p: sum(1 for r in done.found if r.profession == p and r.rpps in members) for p in by_profession(done.found)
    }
    for profession, count in by_profession(done.found).items():
        lines.append(f"  {profession:<28} {count:>6}   adhérents : {joined[profession]}")
    if done.adeli_only:
        lines.append(f"Sans numéro RPPS (ADELI seulement), laissés de côté : {done.adeli_only}")
    lines += _listed("Nouveaux sur le territoire", [f"{member_name(r)}, {r.profession}" for r in changes.arrivals])
    lines += _listed("Revenus sur le territoire", [member_name(r) for r in changes.returns])
    lines += _listed(
        "Départs (plus dans l'extrait, marqués, jamais supprimés)", [member_name(r) for r in changes.departures]
    )
    lines.append(
        f"Fiches mises à jour : {len(changes.updates)} ; inchangées : {changes.unchanged + len(changes.seen)}."
    )
    filled = [f"{member_name(m)} : {', '.join(MEMBERS.field(a).title for a in attrs)}" for m, attrs in changes.members]
    lines += _listed("Membres complétés (champs vides remplis)", filled)
    lines += _listed("Différences laissées telles quelles dans NocoDB", [str(d) for d in changes.differences])
    if changes.absent_members:
        lines.append(f"Membres avec un RPPS absent de l'extrait du territoire : {len(changes.absent_members)}")
    if changes.nothing:
        lines.append("Aucun changement : la base est déjà à jour avec cet extrait.")
    elif not done.written:
        lines.append("--dry-run : rien n'a été écrit.")
    return lines


def _listed(title: str, items: list[str]) -> list[str]:
    if not items:
        return []
    more = [f"  … et {len(items) - SHOWN} autre(s)"] if len(items) > SHOWN else []
    return [f"{title} : {len(items)}", *(f"  {item}" for item in items[:SHOWN]), *more]


SheetOption = Annotated[str | None, typer.Option("--sheet", help="Feuille du classeur .xlsx (défaut : la première).")]
MappingOption = Annotated[
    Path | None,
    typer.Option("--mapping", help="Fichier TOML : en-tête du fichier = champ (ex. demo/data/cpam_mapping.toml)."),
]
SheetFile = Annotated[
    Path, typer.Argument(metavar="FICHIER", help="Classeur .xlsx ou fichier .csv (; , ou tabulation).")
]


@import_app.command(name="members")
def members_command(
    file: SheetFile, sheet: SheetOption = None, mapping: MappingOption = None, dry_run: DryRun = False
) -> None:
    """Membres d'après un tableur : rapprochés par RPPS (sinon nom + commune), mis à jour ou ajoutés."""
    _import_sheet("members", file, sheet, mapping, dry_run)


@import_app.command(name="patients")
def patients_command(
    file: SheetFile, sheet: SheetOption = None, mapping: MappingOption = None, dry_run: DryRun = False
) -> None:
    """Patients en attente d'après un tableur (liste d'attente, liste CPAM) : rapprochés par nom + date de naissance."""
    _import_sheet("patients", file, sheet, mapping, dry_run)


def _import_sheet(table: str, file: Path, sheet: str | None, mapping: Path | None, dry_run: bool) -> None:
    from services import sheets
    from services.journal import command_user

    spec, config = sheets.IMPORTED[table], settings()
    read = sheets.read_path(file, spec, config.import_max_bytes, sheet)
    given = sheets.read_mapping(mapping) if mapping else None
    chosen = sheets.proposed_mapping(spec, read, config.data_dir, given)
    base = connect(config)
    plan = sheets.prepare(base, spec, read, chosen, date.today())
    for line in sheet_lines(plan, dry_run):
        typer.echo(line)
    if plan.refused:
        warn(plan.problems)
        fail(f"{len(plan.problems)} valeur(s) refusée(s) : rien n'a été écrit. Corrigez le fichier et relancez.")
    if dry_run or plan.changes.nothing:
        return
    sheets.import_rows(base, plan)
    sheets.save_mapping(config.data_dir, spec, chosen)
    sheets.journal_import(base, command_user(), f"./cpts import {table}", plan)
    typer.echo(f"Écrit dans {spec.title} ; import tracé dans Journal d'accès.")


def sheet_lines(plan: SheetImport, dry_run: bool) -> list[str]:
    """What the file gives and what it changes, in French."""
    from services.sheets import summary

    read = plan.sheet
    where = f", feuille « {read.sheet} »" if read.sheet else ""
    lines = [f"{read.name}{where} : en-têtes ligne {read.header_line}, {len(read.rows)} ligne(s) lue(s)."]
    lines += [f"  « {header} » → {title or '(laissée de côté)'}" for header, title in plan.mapping.columns.items()]
    lines += [f"  {title} = « {value} » pour chaque ligne" for title, value in plan.mapping.values.items()]
    if plan.refused:
        return lines
    lines.append(summary(plan) + ".")
    if plan.changes.nothing:
        lines.append("Aucun changement : la base est déjà à jour avec ce fichier.")
    elif dry_run:
        lines.append("--dry-run : rien n'a été écrit.")
    return lines
