"""ACI funding: the settings it reads (one naming scheme, with their defaults), the size tier of the
territory, and the estimated funding of a year.

Every amount is a row of the Paramètres table, editable in NocoDB. Defaults come from DOMAIN.md; the
per-mission fixed/variable split is in each CPTS's own contract, not in public sources: its defaults are
placeholders flagged "À vérifier".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from domain.cells import flag, integer, real, text
from domain.french import euros_between, number, percent
from domain.indicators import achievement
from domain.issues import RowIssue
from domain.privacy import MASK_BELOW, MASKED, SMALL_BOUNDS
from schema.models import ACI_MISSIONS, ACTION_NOT_STARTED

TIERS = (1, 2, 3, 4)
OPERATING, PRE_CONTRACT, MAXIMUM = "Dotation fonctionnement", "Aide pré-contrat", "Maximum"
FIXED, VARIABLE = "Part fixe", "Part variable"
THRESHOLDS = ("Seuil taille 2", "Seuil taille 3", "Seuil taille 4")
ADVANCE, FIXED_AT_START = "Avance annuelle (%)", "Part fixe au démarrage (%)"
CRISIS_MISSION = ACI_MISSIONS[4]
VALUE_FIELD = "Valeur"


@dataclass(frozen=True)
class SettingDefault:
    key: str
    value: str
    description: str
    to_check: bool


def tier_key(name: str, tier: int) -> str:
    """ "Dotation fonctionnement T2": an amount that depends on the size tier."""
    return f"{name} T{tier}"


def mission_code(mission: str) -> str:
    """ "2. Parcours pluriprofessionnels" -> "2"; "1a. Accès à un médecin traitant" -> "1a"."""
    return mission.split(".", 1)[0].strip()


def mission_key(part: str, mission: str, tier: int) -> str:
    """ "Part fixe mission 2 T3": the fixed (or variable) part of a mission for a tier."""
    return tier_key(f"{part} mission {mission_code(mission)}", tier)


# -- defaults (DOMAIN.md) ----------------------------------------------------------------------------

_BY_TIER: tuple[tuple[str, tuple[int, ...], str, bool], ...] = (
    (
        OPERATING,
        (87500, 105000, 131250, 157500),
        "Dotation annuelle de fonctionnement : ACI 2019 50 000 / 60 000 / 75 000 / 90 000 €, revalorisée de 75 % "
        "par l'avenant 2 (à confirmer : CPTS concernées par la revalorisation).",
        True,
    ),
    (
        PRE_CONTRACT,
        (15000, 17500, 25000, 30000),
        "Aide au démarrage versée une fois la lettre d'intention validée.",
        False,
    ),
    (
        MAXIMUM,
        (220000, 287000, 370000, 580000),
        "Financement annuel maximal, toutes missions comprises (ACI 2019 ; maximum T4 porté à 580 000 € par "
        "l'avenant 2, à confirmer pour les autres tailles).",
        True,
    ),
)
_CRISIS = (50000, 65000, 80000, 100000)  # 50 000 to 100 000 € by size: a negotiation figure, to confirm
_OTHER_MISSION_HALF = (6500, 9500, 13000, 26500)  # (maximum - operating - crisis) / 6 missions / 2, to 500 below
_PLACEHOLDER = (
    "Montant du contrat ACI de la CPTS : à saisir (la répartition par mission n'est pas publique). "
    "Valeur provisoire : {rule}"
)


def default_settings() -> list[SettingDefault]:
    """The funding settings with their default values, in the order they are added to Paramètres."""
    rows = [
        SettingDefault(
            tier_key(name, tier),
            str(value),
            f"{description} Montant annuel en euros, taille {tier}.",
            to_check and not (name == MAXIMUM and tier == 4),
        )
        for name, values, description, to_check in _BY_TIER
        for tier, value in zip(TIERS, values, strict=True)
    ]
    for mission in ACI_MISSIONS:
        for part in (FIXED, VARIABLE):
            for tier in TIERS:
                rows.append(_mission_default(part, mission, tier))
    rows += [
        SettingDefault(
            THRESHOLDS[0], "40000", "Population couverte à partir de laquelle la CPTS est de taille 2.", False
        ),
        SettingDefault(
            THRESHOLDS[1], "80000", "Population couverte à partir de laquelle la CPTS est de taille 3.", False
        ),
        SettingDefault(
            THRESHOLDS[2], "175000", "Population couverte au-delà de laquelle la CPTS est de taille 4.", False
        ),
        SettingDefault(
            ADVANCE, "75", "Part de la dotation de fonctionnement versée en avance à chaque anniversaire.", False
        ),
        SettingDefault(
            FIXED_AT_START, "75", "Part fixe d'une mission versée à son démarrage, solde à l'anniversaire.", False
        ),
    ]
    return rows


def _mission_default(part: str, mission: str, tier: int) -> SettingDefault:
    if mission == CRISIS_MISSION:
        value = _CRISIS[tier - 1] // 2
        rule = "moitié de la fourchette de négociation de la mission crise (50 000 à 100 000 € selon la taille)."
    else:
        value = _OTHER_MISSION_HALF[tier - 1]
        rule = (
            "(maximum − dotation de fonctionnement − mission crise) réparti également entre les 6 autres "
            "missions, moitié fixe, moitié variable."
        )
    what = "fixe (versée quand la mission démarre)" if part == FIXED else "variable (selon l'atteinte des indicateurs)"
    description = f"Part {what} de la mission « {mission} », taille {tier}, en euros par an. " + _PLACEHOLDER.format(
        rule=rule
    )
    return SettingDefault(mission_key(part, mission, tier), str(value), description, True)


# -- reading the settings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FundingSettings:
    """Every funding amount and threshold by setting key, as read from Paramètres (defaults where absent)."""

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


def parse_amount(raw: str) -> float:
    """ "87 500", "87500 €", "87 500,50", "75 %" -> a number; ValueError otherwise."""
    cleaned = re.sub(r"[\s\u202f\u00a0€%]", "", raw).replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d+)?", cleaned):
        raise ValueError(raw)
    return float(cleaned)


def read_funding(settings: pd.DataFrame) -> tuple[FundingSettings, list[RowIssue]]:
    """The funding settings found in the Paramètres frame; a value that is not a number is reported
    (row, field Valeur) and its default used instead, as for an absent setting."""
    rows = {text(row.key): row for row in settings.sort_values("id").itertuples() if text(row.key)}
    values, to_check, missing, issues = {}, set(), [], []
    for default in default_settings():
        row = rows.get(default.key)
        if row is None:
            values[default.key] = parse_amount(default.value)
            missing.append(default.key)
            to_check.add(default.key)
            continue
        raw = text(row.value) or ""
        try:
            values[default.key] = parse_amount(raw)
        except ValueError:
            shown = f"« {raw} »" if raw else "vide"
            reason = f"{shown} n'est pas un nombre (paramètre « {default.key} ») : valeur par défaut {default.value} utilisée"
            issues.append(RowIssue(integer(row.id), VALUE_FIELD, reason))
            values[default.key] = parse_amount(default.value)
            to_check.add(default.key)
        if flag(row.to_check):
            to_check.add(default.key)
    return FundingSettings(values, frozenset(to_check), tuple(missing)), issues


def missing_defaults(existing_keys: Iterable[str]) -> list[SettingDefault]:
    """The default settings whose key is not among `existing_keys` (to add them to Paramètres)."""
    existing = set(existing_keys)
    return [default for default in default_settings() if default.key not in existing]


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
    started = actions[actions["status"].notna() & (actions["status"] != ACTION_NOT_STARTED)]
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
    achievement: float | None  # weighted achievement of the mission's indicators, None if none measured
    measured: int  # indicators with a value and a target
    to_check: bool
    # What a reader who sees masked values knows of `achievement`: the lowest and highest it could be (both equal to
    # it when no value of the mission is masked); None if none measured.
    low: float | None
    high: float | None

    @property
    def masked(self) -> bool:
        """True when a masked value leaves the achievement, hence the variable part, a range."""
        return self.low != self.high

    @property
    def fixed_due(self) -> float:
        return self.fixed if self.started else 0.0

    @property
    def variable_due(self) -> float:
        return self.variable * (self.achievement or 0.0)

    @property
    def total(self) -> float:
        return self.fixed_due + self.variable_due

    @property
    def variable_span(self) -> Span:
        return (self.variable * (self.low or 0.0), self.variable * (self.high or 0.0))

    @property
    def total_span(self) -> Span:
        low, high = self.variable_span
        return (self.fixed_due + low, self.fixed_due + high)

    def exact(self) -> MissionFunding:
        """The same mission as a reader allowed to see masked values knows it."""
        return replace(self, low=self.achievement, high=self.achievement)

    @property
    def achievement_text(self) -> str:
        """ "73 %", "—" if nothing measured, "masqué (< 5 patients)" if only known as a range."""
        return MASKED_ACHIEVEMENT if self.masked else percent(self.achievement)

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
    settings: FundingSettings,
    started: set[str],
    achievements: Mapping[str, Sequence[Measure]],
) -> FundingEstimate:
    """The funding of `year`: operating grant, plus for each mission its fixed part if it has started and
    its variable part times the weighted achievement of its indicators; capped at the tier's maximum.

    A masked indicator value makes the achievement a range (`Measure.masked`): the mission's `low` and `high`
    achievements, from which the variable parts and the total are ranges (`*_span`), so that no figure shown
    from them gives the masked value away."""
    tier = tier_for(population, settings.thresholds)
    missions = []
    for mission in ACI_MISSIONS:
        measures = achievements.get(mission, ())
        keys = (mission_key(FIXED, mission, tier), mission_key(VARIABLE, mission, tier))
        missions.append(
            MissionFunding(
                mission=mission,
                started=mission in started,
                fixed=settings.mission(FIXED, mission, tier),
                variable=settings.mission(VARIABLE, mission, tier),
                achievement=mission_achievement(measures),
                measured=len(measures),
                to_check=not settings.checked(*keys),
                low=weighted_mean((m.low, m.weight) for m in measures),
                high=weighted_mean((m.high, m.weight) for m in measures),
            )
        )
    return FundingEstimate(
        year=year,
        population=population,
        tier=tier,
        operating=settings.by_tier(OPERATING, tier),
        maximum=settings.by_tier(MAXIMUM, tier),
        missions=tuple(missions),
        operating_to_check=not settings.checked(tier_key(OPERATING, tier), tier_key(MAXIMUM, tier)),
    )


def board_achievements(board: pd.DataFrame, hidden: Mapping[int, Span] | None = None) -> dict[str, list[Measure]]:
    """The measured indicators of an indicator board (`domain.indicators`), by mission. A masked one (a patient
    count below 5, column `masked`) could be anything from 0 to 4: its achievement from that of 0 to that of 4.
    `hidden`: indicator id -> the lowest and highest value a reader could suppose, for a document that hides more
    values than the board pages (the AG deck)."""
    measures: dict[str, list[Measure]] = {}
    for row in board.itertuples():
        if row.achievement is not None and not pd.isna(row.achievement) and text(row.mission):
            weight = None if row.weight is None or pd.isna(row.weight) else float(row.weight)
            values = (hidden or {}).get(int(row.id), SMALL_BOUNDS if flag(row.masked) else None)
            span = None if values is None else masked_span(real(row.target), values)
            measures.setdefault(str(row.mission), []).append(Measure(float(row.achievement), weight, span))
    return measures


def masked_span(target: float | None, values: Span = SMALL_BOUNDS) -> Span:
    """The achievements against `target` of a masked value between `values` (0 to 4 unless given), capped at 100 %."""
    low, high = achievement(values[0], target), achievement(values[1], target)
    return (low or 0.0, high or 0.0)
