"""A refused value: which table, which row, which field, why (in French). The one type for every value
left aside or refused — a NocoDB row the spec refuses, an indicator the board cannot compute, a step
condition the rules do not understand, a form or import field, a Paramètres value.

Its French sentence is written here once (`str(problem)`); each output has one renderer: the pages
(`views.common.show_problems`, a table), the command line (`warning_line`, printed by `commands.console.warn`).

A problem quotes the value it refused, and a value read from a table of patients is patient data (a name
typed into the « Code » column, a phone number in a note): `as_seen_by` is what a reader who may not see
patients gets — the table, the row's Id and the field, never the value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from schema.models import TABLES


@dataclass(frozen=True)
class Problem:
    table: str | None  # French title of the table; None for a form field
    id: int | None  # NocoDB's Id of the row; None for a form field, a row not yet in NocoDB, or a missing row
    field: str  # French title of the field
    reason: str  # French
    line: int | None = None  # position of the row in an import (from 1), when it has no Id yet

    def __str__(self) -> str:
        """ "Membres, ligne Id 12, champ « RPPS » : …", "Territoire — Ligne 3, champ « … » : …",
        "Champ « Nom » : obligatoire"."""
        if self.id is not None:
            where = f"{self.table}, ligne Id {self.id}, champ"
        elif self.line is not None:
            where = f"{self.table} — Ligne {self.line}, champ" if self.table else f"Ligne {self.line}, champ"
        else:
            where = f"{self.table}, champ" if self.table else "Champ"
        return f"{where} « {self.field} » : {self.reason}"


def warning_line(problem: Problem) -> str:
    """One problem as the command line prints it (on stderr, in yellow)."""
    return f"Attention : {problem}"


WITHHELD = "valeur refusée (le détail, qui peut citer un patient, est réservé aux coordinateurs)"
_WITHOUT_PATIENTS = frozenset(spec.title for spec in TABLES if not spec.patients)


def as_seen_by(problems: Iterable[Problem], sees_patients: bool) -> list[Problem]:
    """The problems as a reader is shown them: whole for one who may see patients; else the reason of every
    problem outside the tables known to hold no patient (a table of patients, a form, an import, an unknown
    table) becomes `WITHHELD`."""
    if sees_patients:
        return list(problems)
    return [p if p.table in _WITHOUT_PATIENTS else replace(p, reason=WITHHELD) for p in problems]
