"""The contract's side of the indicators, written from the app or the command line: tiers and ceiling of an
indicator, its proofs (Justificatifs). Checked before anything is written (`domain.funding_payouts`); a refusal
names the row and the field in French, and nothing is written."""

from __future__ import annotations

from decimal import Decimal

from domain.funding_payouts import records_problems
from domain.permissions import Action, require
from domain.problems import Problem
from schema.models import INDICATORS, Indicator
from schema.proofs import PROOFS, Proof
from services import writes
from services.contract_rules import refuse
from store import records
from store.base import Base


def set_tiers(base: Base, indicator_id: int, tiers: str | None, ceiling: float | None, role: str | None) -> None:
    """Write the « Paliers » and « Plafond » of one indicator; the other fields are left as they are."""
    require(role, Action.EDIT_PARAMETERS)
    record = Indicator(id=indicator_id, tiers=tiers, ceiling=None if ceiling is None else Decimal(str(ceiling)))
    refuse(records_problems([record]))
    records.patch(base, INDICATORS, [record], ["tiers", "ceiling"])


def add_proof(base: Base, proof: Proof, role: str | None) -> int:
    """Add one proof of an indicator; it needs the indicator, and a file or a link."""
    require(role, Action.EDIT_PARAMETERS)
    problems = []
    if proof.indicator is None:
        problems.append(Problem(PROOFS.title, None, PROOFS.field("indicator").title, "obligatoire", 1))
    if not proof.files and not proof.link:
        problems.append(Problem(PROOFS.title, None, PROOFS.field("link").title, "un fichier joint ou un lien", 1))
    refuse(problems)
    [new_id] = writes.insert(base, PROOFS, [proof])
    return new_id
