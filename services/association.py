"""The life of the association, shared by the pages Stages et installations and Cotisations: read the tables,
add a trainee or an installation, call the year's dues, record a payment, the reminder list as a workbook.

Every write is checked whole first (`domain.validation.validate_rows`, then the table's write rules in
`services.writes`): a refused row refuses them all, in French naming the row and the field; nothing is written.
Members are not patients: nothing here is journaled, but names and e-mails are for coordinators only
(`Action.MANAGE_ASSOCIATION`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from domain.association import TARGETS, period_problems
from domain.association_dues import DUES_PARAMETERS, DueLine, due_lines, due_problems, dues_to_call, reminders
from domain.french import day
from domain.parameters import Parameters, read_parameters
from domain.permissions import Action, require
from domain.problems import Problem
from domain.validation import validate_rows
from errors import Refused
from reports.table import table_bytes
from schema.association import DUES, INSTALLATIONS, MENTORS, TRAINEES, Due, Installation, Mentor, Trainee
from schema.fields import TableSpec
from schema.models import MEMBERS, PARAMETERS, Member
from services import writes
from services.tables import load_records
from store import records
from store.base import Base
from store.client import clause

ASSOCIATION_TABLES: tuple[TableSpec[Any], ...] = (MEMBERS, MENTORS, TRAINEES, INSTALLATIONS, DUES, PARAMETERS)
REQUIRED: dict[str, tuple[str, ...]] = {
    TRAINEES.key: ("name", "profession", "start"),
    INSTALLATIONS.key: ("name", "on", "profession"),
    DUES.key: ("member", "year", "amount"),
}
REMINDER_COLUMNS = ["Nom", "Profession", "E-mail", "Montant (€)", "Statut"]


@dataclass(frozen=True)
class AssociationRead:
    members: list[Member]
    mentors: list[Mentor]
    trainees: list[Trainee]
    installations: list[Installation]
    dues: list[Due]
    parameters: Parameters
    problems: list[Problem]  # values refused by the spec or by the rows' own checks, and Paramètres not read

    def member_names(self) -> dict[int, str]:
        return {m.id: " ".join(p for p in (m.first_name, m.last_name) if p) or f"Id {m.id}" for m in self.members
                if m.id is not None}  # fmt: skip


def read_association(base: Base, *, refresh: bool = False) -> AssociationRead:
    """The tables of the association and its parameters (targets, dues, quorum), from the base's shared copy."""
    loaded = load_records(base, ASSOCIATION_TABLES, refresh=refresh)
    parameters, parameter_problems = read_parameters(loaded[PARAMETERS.key].frame, (*TARGETS, *DUES_PARAMETERS))
    trainees, dues = list(loaded[TRAINEES.key].records), list(loaded[DUES.key].records)
    problems = [problem for spec in ASSOCIATION_TABLES for problem in loaded[spec.key].problems]
    return AssociationRead(
        list(loaded[MEMBERS.key].records),
        list(loaded[MENTORS.key].records),
        trainees,
        list(loaded[INSTALLATIONS.key].records),
        dues,
        parameters,
        problems + period_problems(trainees) + due_problems(dues) + parameter_problems,
    )


def add_rows(
    base: Base, role: str | None, spec: TableSpec[Any], rows: Sequence[Mapping[str, Any]], today: date
) -> list[int]:
    """Check every row (as typed), then write them all; Refused (nothing written) on the first refusal."""
    require(role, Action.MANAGE_ASSOCIATION)
    checked, problems = validate_rows(spec, rows, today, REQUIRED.get(spec.key, ()))
    if problems:
        raise Refused(" ; ".join(str(problem) for problem in problems))
    return writes.insert(base, spec, checked)


def call_dues(base: Base, role: str | None, year: int) -> int:
    """Add a Cotisations row for `year` (amount from Paramètres) for every active member not called yet;
    how many were added."""
    require(role, Action.MANAGE_ASSOCIATION)
    read = read_association(base, refresh=True)
    rows = dues_to_call(due_lines(read.members, read.dues, year, read.parameters), year)
    if rows:
        writes.insert(base, DUES, rows)
    return len(rows)


def record_payment(base: Base, role: str | None, due_id: int, paid_on: date, today: date) -> None:
    """Tick a Cotisations row paid on `paid_on` (not in the future); the member's « Cotisation payée pour » in
    Membres follows (the latest year paid)."""
    require(role, Action.MANAGE_ASSOCIATION)
    where = f"{DUES.title}, ligne Id {due_id}, champ « {DUES.field('paid_on').title} »"
    if paid_on > today:
        raise Refused(f"{where} : {day(paid_on)} est dans le futur")
    found = records.load(base, DUES, where=clause("Id", "eq", due_id)).records
    if not found:
        raise Refused(f"{DUES.title} : pas de ligne Id {due_id} (supprimée entre-temps ?)")
    records.patch(base, DUES, [Due(id=due_id, paid=True, paid_on=paid_on)], ["paid", "paid_on"])
    due = found[0]
    if due.member is not None and due.year is not None:
        members = records.load(base, MEMBERS, where=clause("Id", "eq", due.member)).records
        if members and (members[0].dues_paid_year or 0) < due.year:
            records.patch(base, MEMBERS, [Member(id=due.member, dues_paid_year=due.year)], ["dues_paid_year"])


def reminder_frame(lines: Sequence[DueLine]) -> pd.DataFrame:
    rows = [
        (line.name, line.profession, line.email, line.amount if line.amount is not None else line.expected,
         line.status.value)
        for line in lines
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=REMINDER_COLUMNS)


def reminder_workbook(lines: Sequence[DueLine], year: int) -> bytes:
    """The reminder list (members whose dues are not paid, with their e-mails) as a workbook: every cell
    through `reports.cells`, a text never read as a formula."""
    return table_bytes(reminder_frame(lines), f"Relance cotisations {year}")


@dataclass(frozen=True)
class Reminders:
    lines: list[DueLine]  # the members whose dues for the year are not paid
    workbook: bytes  # `reminder_workbook` of those lines
    problems: list[Problem]  # values left aside while reading (as the page shows them)


def reminder_list(base: Base, role: str | None, year: int) -> Reminders:
    """The year's reminder list, read now from NocoDB (names and e-mails: coordinators only)."""
    require(role, Action.MANAGE_ASSOCIATION)
    read = read_association(base, refresh=True)
    lines = reminders(due_lines(read.members, read.dues, year, read.parameters))
    return Reminders(lines, reminder_workbook(lines, year), read.problems)
