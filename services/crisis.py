"""The crisis plan (ACI mission 4), shared by the page Plan de crise and `./cpts crise activer`: read it, and
activate it for a kind of crisis — the fiche réflexe (PDF) and the contact list (XLSX) made at once, the
activation journaled (no patient code) and written as a row of Exercices et révisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from domain.crisis import (
    CrisisPlan,
    activation_entry,
    check_activation,
    contacts,
    journal_what,
    reflex_sheet,
)
from domain.parameters import cpts_name
from domain.permissions import Action, require
from domain.problems import Problem
from reports.crisis import contacts_xlsx, reflex_pptx
from reports.pdf import pdf_from_pptx
from schema.crisis import CrisisKind
from schema.fields import TableSpec
from schema.models import CRISIS_CELL, CRISIS_EXERCISES, CRISIS_PLAN, CRISIS_RESOURCES, MEMBERS, PARAMETERS
from services import writes
from services.files import writing
from services.journal import record_access
from services.tables import load_records
from store.base import Base

CRISIS_TABLES: tuple[TableSpec[Any], ...] = (CRISIS_PLAN, CRISIS_CELL, CRISIS_RESOURCES, CRISIS_EXERCISES, MEMBERS)


@dataclass(frozen=True)
class PlanRead:
    plan: CrisisPlan
    problems: list[Problem]  # values NocoDB holds that the spec refuses (left empty)
    cpts_name: str


@dataclass(frozen=True)
class Activation:
    kind: CrisisKind
    on: date
    pdf: bytes  # the fiche réflexe
    xlsx: bytes  # the contact list

    @property
    def stem(self) -> str:
        return f"plan-de-crise-{self.kind.key}-{self.on:%Y-%m-%d}"

    @property
    def names(self) -> tuple[str, str]:
        """The file names: fiche réflexe (PDF), contacts (XLSX)."""
        return f"{self.stem}-fiche-reflexe.pdf", f"{self.stem}-contacts.xlsx"


def read_plan(base: Base, *, refresh: bool = False) -> PlanRead:
    """The plan's tables and the members they link to, from the base's shared copy."""
    loaded = load_records(base, (*CRISIS_TABLES, PARAMETERS), refresh=refresh)
    members = {member.id: member for member in loaded[MEMBERS.key].records if member.id is not None}
    plan = CrisisPlan(
        loaded[CRISIS_PLAN.key].records,
        loaded[CRISIS_CELL.key].records,
        loaded[CRISIS_RESOURCES.key].records,
        loaded[CRISIS_EXERCISES.key].records,
        members,
    )
    problems = [problem for spec in CRISIS_TABLES for problem in loaded[spec.key].problems]
    return PlanRead(plan, problems, cpts_name(loaded[PARAMETERS.key].frame, base.title))


def activate(base: Base, asked: str, user: str, role: str | None, today: date) -> Activation:
    """Activate the plan for the kind of crisis `asked` (key or label): both files made first, then the
    activation journaled and written to Exercices et révisions. Refused (nothing written) for a role that may
    not, an unknown kind or a plan without a referent."""
    require(role, Action.ACTIVATE_CRISIS_PLAN)
    read = read_plan(base, refresh=True)
    kind = check_activation(read.plan, asked)
    pdf = pdf_from_pptx(reflex_pptx(reflex_sheet(read.plan, kind, today, read.cpts_name)))
    xlsx = contacts_xlsx(contacts(read.plan, kind))
    record_access(base, user, journal_what(kind), [])
    writes.insert(base, CRISIS_EXERCISES, [activation_entry(kind, today, user)])
    return Activation(kind, today, pdf, xlsx)


def save_activation(activation: Activation, folder: Path) -> list[Path]:
    """Write both files into `folder`; their paths."""
    paths = [folder / name for name in activation.names]
    for path, content in zip(paths, (activation.pdf, activation.xlsx), strict=True):
        with writing(path):
            temporary = path.with_name(f".{path.name}.tmp")
            temporary.write_bytes(content)
            temporary.replace(path)
    return paths
