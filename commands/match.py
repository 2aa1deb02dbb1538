"""`./cpts match`: orient the waiting patients to the professionals available (each profession sought on its
own, or the one `--profession` names), and print the plan."""

from __future__ import annotations

import gc
import json
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from commands.console import settings, warn
from services.connection import connect

if TYPE_CHECKING:
    from collections.abc import Sequence

    from domain.desk_plan import Plan
    from schema.models import Member


def match_command(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Calculer sans rien écrire dans NocoDB.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Sortie JSON.")] = False,
    profession: Annotated[
        str | None,
        typer.Option(
            "--profession",
            help="Profession recherchée, ex. médecin-traitant, chirurgien-dentiste, masseur-kinésithérapeute "
            "(par défaut : toutes, chacune à part).",
        ),
    ] = None,
) -> None:
    """Oriente les patients en attente vers les professionnels disponibles : écrit les propositions (sauf
    --dry-run)."""
    from domain.desk import profession_named
    from domain.desk_plan import plan_as_dict
    from services.desk import DeskData, figures_as_dict, match
    from services.journal import command_user

    gc.disable()  # run once, then the process ends: the collector's passes over the ~95 000 records read (they
    # hold no cycles) would cost a sixth of the command
    today = date.today()
    sought = profession_named(profession) if profession is not None else None  # checked before connecting

    def show(planned: Plan, data: DeskData) -> None:
        warn([*data.problems, *planned.problems])
        if as_json:
            figures = figures_as_dict(data.records, today)
            output = {**plan_as_dict(planned, data.records.members), "figures": figures}
            typer.echo(json.dumps(output, ensure_ascii=False, indent=2))
        else:
            print_plan(planned, data.records.members, today)

    confirmation = match(connect(settings()), today, command_user(), dry_run=dry_run, on_plan=show, profession=sought)
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
    """The plan as text: one line per patient proposed (code, profession sought, priority, members), then the
    others with the reason."""
    from domain.desk import doctor_name

    names = {m.id: doctor_name(m) for m in members}
    lines = [
        f"Orientation du {today:%d/%m/%Y} : {len(planned.patients)} patient(s) à proposer, "
        f"{len(planned.unmatched)} sans proposition."
    ]
    for item in planned.patients:
        doctors = " ; ".join(f"{c.rank}. {names.get(c.member_id)}" for c in item.choices)
        lines.append(f"  {item.code}  {item.profession}  priorité {item.priority.score:>3}  →  {doctors}")
    if planned.unmatched:
        lines.append("Sans proposition :")
    lines.extend(f"  {excluded.code}  {excluded.profession}  {excluded.reason}" for excluded in planned.unmatched)
    typer.echo("\n".join(lines))  # one write: thousands of echo calls cost a large base a tenth of a second
