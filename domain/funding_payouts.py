"""Indicators paid by tiers in the ACI funding estimate: each indicator whose « Paliers » are set pays the tier its
value reaches (`domain.tiers`), within its « Plafond », in the fixed or the variable part of its mission
(« Part du financement », variable when empty).

A masked value (a count of persons below 5) is known to the bureau as 0 to 4 only: the indicator then pays, as the
bureau knows it, from what 0 pays to what 4 pays, and its tier is shown only when 0 to 4 all reach the same one —
so that neither the tier nor the amount narrows the masked value down."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

from domain.cells import flag, identifier, real, text
from domain.french import euros_between
from domain.privacy import SMALL_BOUNDS
from domain.problems import Problem
from domain.tiers import TierError, Tiers, parse_tiers
from schema.models import INDICATORS, Indicator
from schema.proofs import FundingPart

Span = tuple[float, float]
TIERS_FIELD = INDICATORS.field("tiers").title  # "Paliers"
CEILING_FIELD = INDICATORS.field("ceiling").title  # "Plafond"
MASKED_TIER = "masqué"  # the tier of a masked value, when 0 to 4 would not all reach the same one
CONTRACT_COLUMNS = ("tiers", "ceiling", "part", "proofs_needed")


# -- the contract's columns of Indicateurs, read and checked -----------------------------------------------


def indicator_problems(
    row_id: int | None, tiers: str | None, ceiling: float | None, line: int | None = None
) -> list[Problem]:
    """What is wrong with an indicator's « Paliers » and « Plafond », naming the row (its Id, or its position
    `line` among rows not yet written) and the field."""
    problems = []
    try:
        parse_tiers(tiers)
    except TierError as error:
        problems.append(Problem(INDICATORS.title, row_id, TIERS_FIELD, str(error), line))
    if ceiling is not None and ceiling < 0:
        problems.append(Problem(INDICATORS.title, row_id, CEILING_FIELD, "un plafond ne peut pas être négatif", line))
    return problems


def records_problems(records: Sequence[Indicator]) -> list[Problem]:
    """The problems of new or changed Indicateurs rows (before they are written)."""
    return [
        problem
        for line, record in enumerate(records, start=1)
        for problem in indicator_problems(
            record.id, record.tiers, None if record.ceiling is None else float(record.ceiling), line
        )
    ]


def contract_columns(board: pd.DataFrame, indicators: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """The indicator board (`domain.indicators.indicator_board`) with the contract's columns of its rows: `tiers`
    (a `Tiers`, None when unset or unreadable), `ceiling`, `part` (Fixe or Variable) and `proofs_needed`; and the
    rows whose tiers or ceiling are refused (such a row pays by today's rule, its problem shown)."""
    import pandas as pd  # loaded with the frames only: the write rule of this module (Indicateurs) needs none

    by_id = {identifier(row.id): row for row in indicators.itertuples()}
    problems: list[Problem] = []
    columns: dict[str, list[object]] = {name: [] for name in CONTRACT_COLUMNS}
    for row_id in board["id"]:
        row = by_id[identifier(row_id)]
        ceiling = real(getattr(row, "ceiling", None))
        found = indicator_problems(identifier(row_id), text(getattr(row, "tiers", None)), ceiling)
        problems += found
        columns["tiers"].append(None if found else parse_tiers(text(getattr(row, "tiers", None))))
        columns["ceiling"].append(None if found else ceiling)
        columns["part"].append(text(getattr(row, "funding_part", None)) or FundingPart.VARIABLE)
        columns["proofs_needed"].append(tuple(getattr(row, "proofs_needed", None) or ()))
    return board.assign(
        **{name: pd.Series(values, index=board.index, dtype=object) for name, values in columns.items()}
    ), problems


def untiered(row: Any) -> bool:
    """A row of the board paid by today's rule: no tiers, in the variable part (rows without the contract's
    columns too)."""
    return getattr(row, "tiers", None) is None and getattr(row, "part", FundingPart.VARIABLE) != FundingPart.FIXED


# -- what each tiered indicator pays ---------------------------------------------------------------------


@dataclass(frozen=True)
class Payout:
    """What one tiered indicator pays: exactly (`amount`, tier `position`), and as a reader who sees its value masked
    knows it (`low` to `high`, `same_tier` when every value the reader could suppose reaches the same tier)."""

    indicator: int
    mission: str | None
    part: str
    tiers: Tiers
    ceiling: float | None
    position: int | None
    amount: float
    low: float
    high: float
    same_tier: bool = True

    @property
    def most(self) -> float:
        return self.tiers.most(self.ceiling)

    @property
    def masked(self) -> bool:
        return self.low != self.high or not self.same_tier

    @property
    def tier_text(self) -> str:
        return self.tiers.label(self.position)

    @property
    def shown_tier(self) -> str:
        """The tier as the bureau sees it: "masqué" when the masked value could reach different ones."""
        return self.tier_text if self.same_tier else MASKED_TIER

    @property
    def shown_amount(self) -> str:
        return euros_between(self.low, self.high)

    def exact(self) -> Payout:
        """The payout as a reader allowed to see masked values knows it."""
        return replace(self, low=self.amount, high=self.amount, same_tier=True)


def payout(row: Any, values: Span | None) -> Payout:
    """The payout of one tiered row of the board; `values`: the lowest and highest value a reader who does not see
    it could suppose (None when it is shown). The better the value, the more it pays: the ends are the extremes."""
    tiers: Tiers = row.tiers
    ceiling, value = row.ceiling, real(row.value)
    position = tiers.reached(value)
    amount = tiers.amount(position, ceiling)
    if values is None:
        low, high, same = amount, amount, True
    else:
        ends = [tiers.reached(v) for v in values]
        paid = [tiers.amount(p, ceiling) for p in ends]
        low, high, same = min(paid), max(paid), ends[0] == ends[1]
    return Payout(
        indicator=identifier(row.id),
        mission=text(row.mission),
        part=str(row.part),
        tiers=tiers,
        ceiling=ceiling,
        position=position,
        amount=amount,
        low=low,
        high=high,
        same_tier=same,
    )


def indicator_payouts(board: pd.DataFrame, hidden: Mapping[int, Span] | None = None) -> dict[int, Payout]:
    """The tiered indicators of the board (with `contract_columns`), by id. A masked value is 0 to 4; `hidden`:
    indicator id -> the values a reader could suppose, for a document that hides more (the AG deck)."""
    if "tiers" not in board.columns:
        return {}
    payouts = {}
    for row in board.itertuples():
        if row.tiers is not None:
            values = (hidden or {}).get(identifier(row.id), SMALL_BOUNDS if flag(row.masked) else None)
            payouts[identifier(row.id)] = payout(row, values)
    return payouts


@dataclass(frozen=True)
class TieredSum:
    """The tiered indicators of one part of one mission together: what they pay (exactly, lowest, highest) and the
    most they could pay."""

    exact: float
    low: float
    high: float
    most: float

    def at(self, end: str) -> float:
        """What they pay: `end` "exact", "low" (the least a reader who sees masked values could suppose) or "high"."""
        return {"exact": self.exact, "low": self.low, "high": self.high}[end]

    def exact_only(self) -> TieredSum:
        return TieredSum(self.exact, self.exact, self.exact, self.most)


def tiered_sums(payouts: Iterable[Payout]) -> dict[tuple[str, str], TieredSum]:
    """(mission, part) -> the sum of its tiered indicators."""
    sums: dict[tuple[str, str], TieredSum] = {}
    for one in payouts:
        if one.mission is None:
            continue
        key = (one.mission, one.part)
        before = sums.get(key, TieredSum(0.0, 0.0, 0.0, 0.0))
        sums[key] = TieredSum(
            before.exact + one.amount, before.low + one.low, before.high + one.high, before.most + one.most
        )
    return sums
