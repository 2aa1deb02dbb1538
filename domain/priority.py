"""Priority of a patient looking for a médecin traitant: fragility points plus waiting-time points.

The weights are CPTS parameters (table Paramètres, one row per weight, declared in `domain.parameters`):
read with `read_parameters(rows, PRIORITY_WEIGHTS)`, then `weights_from(parameters)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from domain.ages import age_on
from domain.parameters import DEFAULT_FRAGILITY_POINTS, FRAGILITY_WEIGHTS, PER_MONTH, Parameters
from schema.models import Fragility, Population

ELDERLY_AGE, ADULT_AGE = 70, 18
DAYS_PER_MONTH = 30


@dataclass(frozen=True)
class Weights:
    """Points per fragility and per full month (30 days) of waiting."""

    fragility: tuple[tuple[str, int], ...] = tuple(DEFAULT_FRAGILITY_POINTS.items())
    per_month: int = int(PER_MONTH.default)

    def points(self, fragility: str) -> int:
        return _points_of(self.fragility).get(fragility, 0)


@lru_cache(maxsize=16)
def _points_of(fragility: tuple[tuple[str, int], ...]) -> dict[str, int]:
    """The points per fragility as a dict, made once per set of weights (priority runs for every patient)."""
    return dict(fragility)


def weights_from(parameters: Parameters) -> Weights:
    """The weights read from Paramètres (`read_parameters(rows, PRIORITY_WEIGHTS)`)."""
    pairs = zip(DEFAULT_FRAGILITY_POINTS, FRAGILITY_WEIGHTS, strict=True)
    fragility = tuple((name, parameters.value(weight)) for name, weight in pairs)
    return Weights(fragility, parameters.value(PER_MONTH))


FRAGILITIES = tuple(Fragility)  # in declaration order; iterating the enum itself costs more than the rest of `priority`
ACI_FRAGILE = frozenset((Fragility.ALD, Fragility.ELDERLY, Fragility.C2S_AME))  # the fragile patients of the ACI


def patient_groups(
    fragilities: list[str], birth_date: date | None, age_band: str | None, today: date
) -> frozenset[str]:
    """The populations a patient belongs to, as GPs accept them: the fragilities ticked, plus
    "70 ans et plus" and "Enfants" from the age (birth date, else the band kept by a purge)."""
    groups = set(fragilities)
    age = age_on(birth_date, age_band, today)
    if age is not None and age >= ELDERLY_AGE:
        groups.add(Fragility.ELDERLY.value)  # plain text, as the fragilities read from NocoDB: sets of exact
    if age is not None and age < ADULT_AGE:  # str compare several times faster (the matching's hot path)
        groups.add(Population.CHILDREN.value)
    return frozenset(groups)


def is_aci_fragile(fragilities: list[str] | None, birth_date: date | None, age_band: str | None, on: date) -> bool:
    """A fragile patient in the ACI's sense: ALD, 70 ans et plus (ticked, or from the age on `on`: birth date,
    else the band of a purged patient), or C2S/AME. The one definition used by every figure and indicator
    of fragile patients; unknown age (neither birth date nor band) is not 70 ans et plus."""
    return aci_fragility_ticked(fragilities) or bool(
        patient_groups(list(fragilities or ()), birth_date, age_band, on) & ACI_FRAGILE
    )


def aci_fragility_ticked(fragilities: Iterable[str] | None) -> bool:
    """Whether a fragility of the ACI is ticked: enough to be fragile in its sense (`is_aci_fragile`), whatever
    the age, so a caller counting many patients may look for an age only when none is."""
    return not ACI_FRAGILE.isdisjoint(fragilities or ())


def waiting_days(request_date: date | None, today: date) -> int:
    return max((today - request_date).days, 0) if request_date else 0


@dataclass(frozen=True)
class Priority:
    """A priority score and its parts, e.g. (("ALD", 40), ("70 ans et plus", 20), ("attend depuis 214 jours", 21))."""

    score: int
    parts: tuple[tuple[str, int], ...]

    @property
    def explanation(self) -> str:
        """The parts in French: "ALD +40, 70 ans et plus +20, attend depuis 214 jours +21"."""
        return ", ".join(f"{label} +{points}" for label, points in self.parts) or "aucun critère de priorité"


def priority(
    fragilities: list[str],
    birth_date: date | None,
    age_band: str | None,
    request_date: date | None,
    today: date,
    weights: Weights,
) -> Priority:
    """Fragility points (in Fragility order, 70+ also from the age) plus points per full month of waiting."""
    return priority_of(patient_groups(fragilities, birth_date, age_band, today), request_date, today, weights)


def priority_of(groups: frozenset[str], request_date: date | None, today: date, weights: Weights) -> Priority:
    """`priority` of a patient whose `patient_groups` are known."""
    points = _points_of(weights.fragility)
    parts: list[tuple[str, int]] = [
        (name, points[name]) for name in FRAGILITIES if name in groups and points.get(name, 0)
    ]
    if request_date is not None:
        days = waiting_days(request_date, today)
        parts.append(
            (f"attend depuis {days} jour{'s' if days > 1 else ''}", days // DAYS_PER_MONTH * weights.per_month)
        )
    return Priority(sum(points for _, points in parts), tuple(parts))
