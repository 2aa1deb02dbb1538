"""The indicators of the ACI funding as the Financement ACI page and the dialogue de gestion workbook list them, one
line each, mission by mission: value, tiers, tier reached, amount, proofs present and missing. One home for both,
so that their amounts are the same.

`exact` is for a reader allowed to see masked values (a coordinator on the page); otherwise a masked value
(fewer than 5 persons) shows its tier only when every value from 0 to 4 reaches the same one, and its amount as
the range they pay (`domain.funding_payouts`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.board import BoardFigures
from domain.cells import identifier, text
from domain.funding_payouts import Payout
from domain.funding_proofs import ProofStatus
from domain.project import NO_MISSION
from schema.proofs import FundingPart

BY_ACHIEVEMENT = "selon l'atteinte"  # an untiered indicator: paid through its mission's achievement
NO_TIERS = "—"


@dataclass(frozen=True)
class IndicatorLine:
    id: int
    mission: str
    title: str
    part: str
    value: str  # as the board pages write it (« < 5 » for a masked count)
    tiers: str  # the tiers typed, "—" without
    tier: str  # the tier reached, "masqué" when it would tell a masked value
    amount: float | None  # what it pays, None when untiered or known only as a range
    amount_text: str  # "6 000 €", "entre 0 € et 300 €", "selon l'atteinte"
    proofs: ProofStatus

    @property
    def cells(self) -> dict[str, object]:
        """The line as the page's table shows it."""
        return {
            "title": self.title,
            "part": self.part,
            "value": self.value,
            "tiers": self.tiers,
            "tier": self.tier,
            "amount": self.amount_text,
            "present": self.proofs.present_text,
            "missing": self.proofs.missing_text,
            "documents": self.proofs.documents_text,
        }


def _line(row: Any, payout: Payout | None, proofs: ProofStatus, exact: bool) -> IndicatorLine:
    tiers, tier, amount, amount_text = NO_TIERS, NO_TIERS, None, BY_ACHIEVEMENT
    if payout is not None:
        shown = payout.exact() if exact else payout
        tiers, tier, amount_text = shown.tiers.text, shown.shown_tier, shown.shown_amount
        amount = None if shown.masked else shown.amount
    return IndicatorLine(
        id=identifier(row.id),
        mission=text(row.mission) or NO_MISSION,
        title=text(row.title) or "",
        part=str(getattr(row, "part", None) or FundingPart.VARIABLE),
        value=str(row.shown_value),
        tiers=tiers,
        tier=tier,
        amount=amount,
        amount_text=amount_text,
        proofs=proofs,
    )


def indicator_lines(figures: BoardFigures, exact: bool = False) -> list[IndicatorLine]:
    """Every indicator of the year, in the board's order."""
    return [
        _line(row, figures.payouts.get(identifier(row.id)), figures.proofs[identifier(row.id)], exact)
        for row in figures.indicators.itertuples()
    ]
