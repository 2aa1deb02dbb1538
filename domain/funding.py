"""ACI funding: the parameters it reads (rows of Paramètres, declared in `domain.funding_parameters`), the size
tier of the territory, and the estimated funding of a year."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from domain.cells import flag, identifier, real, text
from domain.french import euros_between, number, percent
from domain.funding_parameters import (
    FIXED,
    FUNDING_PARAMETERS,
    MAXIMUM,
    OPERATING,
    THRESHOLDS,
    VARIABLE,
    mission_key,
    tier_key,
)
from domain.funding_payouts import TieredSum, untiered
from domain.indicators import achievement
from domain.parameters import read_parameters
from domain.privacy import MASK_BELOW, MASKED, SMALL_BOUNDS
from domain.problems import Problem
from schema.models import AciMission, ActionStatus
from schema.proofs import FundingPart

# -- reading the parameters ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FundingParameters:
    """Every funding amount and threshold by parameter key, as read from Paramètres (defaults where absent)."""

    values: Mapping[str, float]
    to_check: frozenset[str] = frozenset()  # keys flagged "À vérifier" (or absent, so defaulted)
    missing: tuple[str, ...] = ()  # keys absent from Paramètres

    @property
    def thresholds(self) -> tuple[float, float, float]:
        return (self.values[THRESHOLDS[0]], self.values[THRESHOLDS[1]], self.values[THRESHOLDS[2]])

    def by_tier(self, name: str, tier: int) -> float:
        return self.values[tier_key(name, tier)]

    def mission(self, part: str, mission: str, tier: int) -> float:
        return self.values[mission_key(part, mission, tier)]

    def checked(self, *keys: str) -> bool:
        return not self.to_check.intersection(keys)


def read_funding(rows: pd.DataFrame) -> tuple[FundingParameters, list[Problem]]:
    """The funding parameters found in the Paramètres frame (`domain.parameters.read_parameters`: an unreadable
    value is reported and its default used, as for an absent one, and flagged to check)."""
    read, problems = read_parameters(rows, FUNDING_PARAMETERS)
    values = {parameter.key: read.value(parameter) for parameter in FUNDING_PARAMETERS}
    missing = read.missing(parameter.key for parameter in FUNDING_PARAMETERS)
    return FundingParameters(values, read.checked_off | read.defaulted, missing), problems


# -- tier and estimate ---------------------------------------------------------------------------------


def tier_for(population: float, thresholds: Sequence[float]) -> int:
    """ACI size tier: 1 under the tier-2 threshold, 2 from it, 3 from the tier-3 threshold, 4 above the
    tier-4 threshold (DOMAIN.md: < 40 000; 40 000–80 000; 80 000–175 000; > 175 000)."""
    tier_2, tier_3, tier_4 = thresholds
    if population > tier_4:
        return 4
    if population >= tier_3:
        return 3
    return 2 if population >= tier_2 else 1


def tier_text(tier: int, thresholds: Sequence[float]) -> str:
    """French description of a tier's population range."""
    tier_2, tier_3, tier_4 = (number(t) for t in thresholds)
    ranges = {
        1: f"moins de {tier_2} habitants",
        2: f"de {tier_2} à moins de {tier_3} habitants",
        3: f"de {tier_3} à {tier_4} habitants",
        4: f"plus de {tier_4} habitants",
    }
    return f"taille {tier} ({ranges[tier]})"


def started_missions(actions: pd.DataFrame) -> set[str]:
    """Missions with at least one action that has started (any status but "Non démarrée" or empty)."""
    started = actions[actions["status"].notna() & (actions["status"] != ActionStatus.NOT_STARTED)]
    return {str(mission) for mission in started["mission"].dropna()}


Span = tuple[float, float]  # (lowest, highest) of an achievement or an amount; both equal when known exactly
MASKED_ACHIEVEMENT = f"masqué ({MASKED} patients)"
MASKED_NOTE = (
    f"Fourchette : un indicateur de la mission compte moins de {MASK_BELOW} patients, sa valeur est masquée ; "
    f"la part variable est donnée pour une valeur de 0 à {MASK_BELOW - 1}."
)


@dataclass(frozen=True)
class Measure:
    """A measured indicator of a mission: its achievement and weight (1 when None). `masked`: the lowest and
    highest achievement a reader who sees its value masked could suppose, None when its value is shown."""

    achievement: float
    weight: float | None = None
    masked: Span | None = None

    @property
    def low(self) -> float:
        return self.achievement if self.masked is None else self.masked[0]

    @property
    def high(self) -> float:
        return self.achievement if self.masked is None else self.masked[1]


def weighted_mean(pairs: Iterable[tuple[float, float | None]]) -> float | None:
    """Mean of (value, weight) pairs, weight 1 when None; None without a positive total weight."""
    weighted = [(value, 1.0 if weight is None else weight) for value, weight in pairs]
    total = sum(weight for _, weight in weighted)
    return sum(value * weight for value, weight in weighted) / total if total > 0 else None


def mission_achievement(measures: Iterable[Measure]) -> float | None:
    """Weighted mean of the achievements of a mission's indicators; None if none."""
    return weighted_mean((measure.achievement, measure.weight) for measure in measures)


@dataclass(frozen=True)
class MissionFunding:
    mission: str
    started: bool
    fixed: float
    variable: float
    achievement: float | None  # weighted achievement of the mission's untiered indicators, None if none measured
    measured: int  # indicators with a value and a target
    to_check: bool
    # What a reader who sees masked values knows of `achievement`: the lowest and highest it could be (both equal to
    # it when no value of the mission is masked); None if none measured.
    low: float | None
    high: float | None
    # The indicators paid by tiers (`domain.funding_payouts`) of the fixed and of the variable part, None if none.
    tiered_fixed: TieredSum | None = None
    tiered_variable: TieredSum | None = None

    @property
    def masked(self) -> bool:
        """True when a masked value leaves the achievement, or a part paid by tiers, a range."""
        fixed_low, fixed_high = self.fixed_span
        variable_low, variable_high = self.variable_span
        return self.low != self.high or fixed_low != fixed_high or variable_low != variable_high

    def _fixed_at(self, end: str) -> float:
        """The fixed part due: in full once started; with tiered indicators in it, what they pay plus the share
        they cannot claim (`end`: "exact", "low" or "high", as a `TieredSum` field)."""
        if not self.started:
            return 0.0
        tiered = self.tiered_fixed
        if tiered is None:
            return self.fixed
        return min(self.fixed, tiered.at(end) + max(self.fixed - tiered.most, 0.0))

    def _variable_at(self, end: str, achievement: float | None) -> float:
        """The variable part: × the achievement of its untiered indicators (today's rule); with tiered indicators,
        what they pay plus the rest of the part × that achievement, within the part."""
        tiered = self.tiered_variable
        if tiered is None:
            return self.variable * (achievement or 0.0)
        rest = max(self.variable - tiered.most, 0.0)
        return min(self.variable, tiered.at(end) + rest * (achievement or 0.0))

    @property
    def fixed_due(self) -> float:
        return self._fixed_at("exact")

    @property
    def variable_due(self) -> float:
        return self._variable_at("exact", self.achievement)

    @property
    def total(self) -> float:
        return self.fixed_due + self.variable_due

    @property
    def fixed_span(self) -> Span:
        return (self._fixed_at("low"), self._fixed_at("high"))

    @property
    def variable_span(self) -> Span:
        return (self._variable_at("low", self.low), self._variable_at("high", self.high))

    @property
    def total_span(self) -> Span:
        (fixed_low, fixed_high), (low, high) = self.fixed_span, self.variable_span
        return (fixed_low + low, fixed_high + high)

    def exact(self) -> MissionFunding:
        """The same mission as a reader allowed to see masked values knows it."""
        fixed, variable = self.tiered_fixed, self.tiered_variable
        return replace(
            self,
            low=self.achievement,
            high=self.achievement,
            tiered_fixed=None if fixed is None else fixed.exact_only(),
            tiered_variable=None if variable is None else variable.exact_only(),
        )

    @property
    def achievement_text(self) -> str:
        """ "73 %", "—" if nothing measured, "masqué (< 5 patients)" if only known as a range."""
        return MASKED_ACHIEVEMENT if self.low != self.high else percent(self.achievement)

    @property
    def fixed_text(self) -> str:
        return euros_between(*self.fixed_span)

    @property
    def variable_text(self) -> str:
        return euros_between(*self.variable_span)

    @property
    def total_text(self) -> str:
        return euros_between(*self.total_span)


@dataclass(frozen=True)
class FundingEstimate:
    year: int
    population: int
    tier: int
    operating: float
    maximum: float
    missions: tuple[MissionFunding, ...] = field(default_factory=tuple)
    operating_to_check: bool = False

    @property
    def missions_total(self) -> float:
        return sum(mission.total for mission in self.missions)

    @property
    def uncapped(self) -> float:
        return self.operating + self.missions_total

    @property
    def capped(self) -> bool:
        return self.uncapped > self.maximum

    @property
    def total(self) -> float:
        return min(self.uncapped, self.maximum)

    @property
    def masked(self) -> bool:
        """True when some mission's variable part is a range (a masked value among its indicators)."""
        return any(mission.masked for mission in self.missions)

    @property
    def missions_span(self) -> Span:
        spans = [mission.total_span for mission in self.missions]
        return (sum(low for low, _ in spans), sum(high for _, high in spans))

    @property
    def uncapped_span(self) -> Span:
        low, high = self.missions_span
        return (self.operating + low, self.operating + high)

    @property
    def total_span(self) -> Span:
        """The estimate as a reader who sees masked values knows it: each end capped at the maximum."""
        low, high = self.uncapped_span
        return (min(low, self.maximum), min(high, self.maximum))

    @property
    def may_be_capped(self) -> bool:
        return self.uncapped_span[1] > self.maximum

    @property
    def total_text(self) -> str:
        """ "254 189 €", or "entre 250 000 € et 256 000 €" when a masked value leaves it a range."""
        return euros_between(*self.total_span)

    @property
    def missions_text(self) -> str:
        return euros_between(*self.missions_span)

    @property
    def uncapped_text(self) -> str:
        return euros_between(*self.uncapped_span)

    def exact(self) -> FundingEstimate:
        """The estimate as a reader allowed to see masked values knows it (a coordinator): single figures."""
        return replace(self, missions=tuple(mission.exact() for mission in self.missions))


def estimate(
    year: int,
    population: int,
    parameters: FundingParameters,
    started: set[str],
    achievements: Mapping[str, Sequence[Measure]],
    tiered: Mapping[tuple[str, str], TieredSum] | None = None,
) -> FundingEstimate:
    """The funding of `year`: operating grant, plus for each mission its fixed part if it has started and
    its variable part times the weighted achievement of its indicators; capped at the tier's maximum. `tiered`:
    (mission, part) -> its indicators paid by tiers (`domain.funding_payouts.tiered_sums`), which pay their tier.

    A masked indicator value makes the achievement a range (`Measure.masked`): the mission's `low` and `high`
    achievements, from which the variable parts and the total are ranges (`*_span`), so that no figure shown
    from them gives the masked value away."""
    tier = tier_for(population, parameters.thresholds)
    missions = []
    for mission in AciMission:
        measures = achievements.get(mission, ())
        keys = (mission_key(FIXED, mission, tier), mission_key(VARIABLE, mission, tier))
        missions.append(
            MissionFunding(
                mission=mission,
                started=mission in started,
                fixed=parameters.mission(FIXED, mission, tier),
                variable=parameters.mission(VARIABLE, mission, tier),
                achievement=mission_achievement(measures),
                measured=len(measures),
                to_check=not parameters.checked(*keys),
                low=weighted_mean((m.low, m.weight) for m in measures),
                high=weighted_mean((m.high, m.weight) for m in measures),
                tiered_fixed=(tiered or {}).get((mission, FundingPart.FIXED)),
                tiered_variable=(tiered or {}).get((mission, FundingPart.VARIABLE)),
            )
        )
    return FundingEstimate(
        year=year,
        population=population,
        tier=tier,
        operating=parameters.by_tier(OPERATING, tier),
        maximum=parameters.by_tier(MAXIMUM, tier),
        missions=tuple(missions),
        operating_to_check=not parameters.checked(tier_key(OPERATING, tier), tier_key(MAXIMUM, tier)),
    )


def board_achievements(board: pd.DataFrame, hidden: Mapping[int, Span] | None = None) -> dict[str, list[Measure]]:
    """The measured indicators of an indicator board (`domain.indicators`), by mission. A masked one (a patient
    count below 5, column `masked`) could be anything from 0 to 4: its achievement from that of 0 to that of 4.
    `hidden`: indicator id -> the lowest and highest value a reader could suppose, for a document that hides more
    values than the board pages (the AG deck). Indicators paid by tiers, or in the fixed part, are left out."""
    measures: dict[str, list[Measure]] = {}
    for row in board.itertuples():
        achievement = real(row.achievement)
        if achievement is not None and text(row.mission) and untiered(row):
            values = (hidden or {}).get(identifier(row.id), SMALL_BOUNDS if flag(row.masked) else None)
            span = None if values is None else masked_span(real(row.target), values)
            measures.setdefault(str(row.mission), []).append(Measure(achievement, real(row.weight), span))
    return measures


def masked_span(target: float | None, values: Span = SMALL_BOUNDS) -> Span:
    """The achievements against `target` of a masked value between `values` (0 to 4 unless given), capped at 100 %."""
    low, high = achievement(values[0], target), achievement(values[1], target)
    return (low or 0.0, high or 0.0)
