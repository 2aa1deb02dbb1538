"""A refused value: which table, which row, which field, why (in French). The one type for every value
left aside or refused — a NocoDB row the spec refuses, an indicator the board cannot compute, a step
condition the rules do not understand, a form or import field, a Paramètres value.

Its French sentence is written here once (`str(problem)`); each output has one renderer: the pages
(`views.common.show_problems`, a table), the command line (`warning_line`, printed by `commands.console.warn`).
"""

from __future__ import annotations

from dataclasses import dataclass


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
