"""Indicators paid by tiers (ACI contracts): the « Paliers » text of an indicator, read and checked, and what a
value of the indicator pays.

A coordinator types the tiers in one text field of Indicateurs, one tier per « ; » (or per line), each
« threshold : amount », the threshold after « ≤ » (at most: the lower the value the better, e.g. ALD patients
without a médecin traitant) or « ≥ » (at least: e.g. a screening rate):

    ≤ 50 : 9000 ; ≤ 100 : 6000 ; ≤ 219 : 3000
    ≥ 69,7 : 1000 ; ≥ 72,4 : 2500 ; ≥ 75 : 3500

The thresholds go up, every tier has the same direction, and the amounts go down (at most) or up (at least):
the better the value, the more it pays. A value pays the amount of the best tier it reaches, 0 when it reaches
none, within the indicator's ceiling (« Plafond »)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from domain.french import euros, number

TIERS_EXAMPLE = "« ≤ 50 : 9000 ; ≤ 100 : 6000 » ou « ≥ 69,7 : 1000 ; ≥ 72,4 : 2500 »"
_AT_MOST = ("≤", "<=", "au plus")
_TIER = re.compile(r"^\s*(≤|<=|≥|>=|au plus|au moins)\s*([^:]+?)\s*:\s*(.+?)\s*$", re.IGNORECASE)


class Direction(StrEnum):
    AT_MOST = "≤"  # pays when the value is at most the threshold
    AT_LEAST = "≥"  # pays when the value is at least the threshold


class TierError(ValueError):
    """The « Paliers » text cannot be read or is not a tier table (message in French)."""


@dataclass(frozen=True)
class Tier:
    threshold: float
    amount: float


@dataclass(frozen=True)
class Tiers:
    """The tiers of one indicator, thresholds going up."""

    direction: Direction
    tiers: tuple[Tier, ...]

    def reached(self, value: float | None) -> int | None:
        """The position of the best tier `value` reaches, None when it reaches none (or there is no value)."""
        if value is None:
            return None
        if self.direction is Direction.AT_MOST:
            return next((i for i, tier in enumerate(self.tiers) if value <= tier.threshold), None)
        return next((i for i in reversed(range(len(self.tiers))) if value >= self.tiers[i].threshold), None)

    def amount(self, position: int | None, ceiling: float | None = None) -> float:
        """What the tier at `position` pays (0 for none), within `ceiling`."""
        paid = 0.0 if position is None else self.tiers[position].amount
        return paid if ceiling is None else min(paid, ceiling)

    def pays(self, value: float | None, ceiling: float | None = None) -> float:
        return self.amount(self.reached(value), ceiling)

    def most(self, ceiling: float | None = None) -> float:
        """The most the indicator can pay: its best tier, within `ceiling`."""
        return max(self.amount(position, ceiling) for position in range(len(self.tiers)))

    def label(self, position: int | None) -> str:
        """ "≤ 100 (6 000 €)", or "aucun palier"."""
        if position is None:
            return "aucun palier"
        tier = self.tiers[position]
        return f"{self.direction.value} {threshold_text(tier.threshold)} ({euros(tier.amount)})"

    @property
    def text(self) -> str:
        """The tiers written back the way they are typed: "≤ 50 : 9 000 € ; ≤ 100 : 6 000 €"."""
        return " ; ".join(
            f"{self.direction.value} {threshold_text(t.threshold)} : {euros(t.amount)}" for t in self.tiers
        )


def threshold_text(value: float) -> str:
    """72.4 -> "72,4", 50 -> "50" (up to two decimals, none trailing)."""
    written = number(value, decimals=2)
    return written.rstrip("0").rstrip(",") if "," in written else written


def parse_tiers(raw: str | None) -> Tiers | None:
    """The tiers of a « Paliers » text, None when it is empty; TierError (French) when it is not a tier table."""
    parts = [part for part in re.split(r"[;\n]", raw or "") if part.strip()]
    if not parts:
        return None
    read = [_tier(position, part) for position, part in enumerate(parts, start=1)]
    directions = {direction for direction, _ in read}
    if len(directions) > 1:
        raise TierError("tous les paliers doivent avoir le même sens (tous « ≤ » ou tous « ≥ »)")
    tiers = Tiers(directions.pop(), tuple(tier for _, tier in read))
    _check_order(tiers)
    return tiers


def _tier(position: int, part: str) -> tuple[Direction, Tier]:
    found = _TIER.match(part)
    if found is None:
        raise TierError(f"palier n° {position} « {part.strip()} » illisible : attendu par exemple {TIERS_EXAMPLE}")
    sign, threshold, amount = found.groups()
    direction = Direction.AT_MOST if sign.lower() in _AT_MOST else Direction.AT_LEAST
    return direction, Tier(_number(position, "seuil", threshold), _number(position, "montant", amount))


def _number(position: int, what: str, raw: str) -> float:
    cleaned = re.sub(r"[\s\u202f\u00a0€%]", "", raw).replace(",", ".")
    if cleaned.startswith("-") and re.fullmatch(r"-\d+(\.\d+)?", cleaned):
        raise TierError(f"palier n° {position} : {what} négatif ({raw.strip()})")
    if not re.fullmatch(r"\d+(\.\d+)?", cleaned):
        raise TierError(f"palier n° {position} : {what} « {raw.strip()} » n'est pas un nombre")
    return float(cleaned)


def _check_order(tiers: Tiers) -> None:
    """Thresholds strictly up; amounts down for « ≤ », up for « ≥ »: the better the value, the more it pays."""
    for position, (before, after) in enumerate(zip(tiers.tiers, tiers.tiers[1:], strict=False), start=2):
        if after.threshold <= before.threshold:
            raise TierError(
                f"palier n° {position} : les seuils doivent croître d'un palier au suivant "
                f"({threshold_text(after.threshold)} après {threshold_text(before.threshold)})"
            )
        better_pays_less = (
            after.amount > before.amount if tiers.direction is Direction.AT_MOST else (after.amount < before.amount)
        )
        if better_pays_less:
            wanted = "décroître" if tiers.direction is Direction.AT_MOST else "croître"
            raise TierError(
                f"palier n° {position} : avec « {tiers.direction.value} », les montants doivent {wanted} d'un palier "
                f"au suivant ({euros(after.amount)} après {euros(before.amount)})"
            )
