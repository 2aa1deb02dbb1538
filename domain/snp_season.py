"""The slots to plan for a coming season of unscheduled care, from the same weeks of previous years.

For each ISO week of the season: the requests received in the same ISO week of each of the previous years looked at
(Paramètres `SEASON_YEARS`) that have data for that week, their largest count plus a margin (`SEASON_MARGIN`),
rounded up. A week
53 takes, in a year without one, that year's week 52. A past week has data when the first request recorded
came no later than that week: before it, nothing is known (which is not the same as 0 requests). The method,
in French, is `method_text()`, shown on the page under the plan.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from domain.parameters import Parameter, whole

YEARS, YEARS_LIMITS = 2, (1, 10)  # previous years looked at: the default, the limits
MARGIN_PERCENT, MARGIN_LIMITS = 20, (0, 200)  # % added to the largest past demand: the default, the limits
WEEKS_AHEAD = 26  # the default season: the next 26 weeks
_PAGE = "Saison des soins non programmés, places à prévoir"

SEASON_YEARS = Parameter(
    "Saison SNP : années précédentes regardées",
    whole(*YEARS_LIMITS),
    f"un nombre d'années entre {YEARS_LIMITS[0]} et {YEARS_LIMITS[1]}",
    str(YEARS),
    f"{_PAGE} : nombre d'années précédentes dont la même semaine est regardée (la plus chargée compte).",
)
SEASON_MARGIN = Parameter(
    "Saison SNP : marge (%)",
    whole(*MARGIN_LIMITS),
    f"un pourcentage entier entre {MARGIN_LIMITS[0]} et {MARGIN_LIMITS[1]}",
    str(MARGIN_PERCENT),
    f"{_PAGE} : marge ajoutée à la plus forte demande des années précédentes (en %).",
)
SEASON_PARAMETERS = (SEASON_YEARS, SEASON_MARGIN)


class Season(StrEnum):
    NEXT = "Les 26 prochaines semaines"
    SUMMER = "Le prochain été (juillet-août)"
    WINTER = "Le prochain hiver (mi-décembre à mars)"


@dataclass(frozen=True)
class Past:
    """The requests of the same ISO week in one previous year."""

    year: int
    week: int  # 52 for a week 53 taken from a year without one
    requests: int


@dataclass(frozen=True)
class PlanWeek:
    monday: date
    week: int  # ISO week number
    past: tuple[Past, ...]  # most recent year first; only the years with data for that week
    places: int | None  # None: no history for that week

    @property
    def busiest(self) -> int | None:
        return max((p.requests for p in self.past), default=None)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def same_week(year: int, week: int) -> tuple[int, date]:
    """The ISO week `week` of `year` as (week, its Monday); week 52 for a week 53 the year does not have."""
    if week == 53 and date(year, 12, 28).isocalendar().week != 53:  # 28 December is always in the last week
        week = 52
    return week, date.fromisocalendar(year, week, 1)


def planned(busiest: int, margin_percent: int = MARGIN_PERCENT) -> int:
    """`busiest` plus `margin_percent` %, rounded up, in whole numbers (no float rounding: 10 + 10 % is 11)."""
    return -(-busiest * (100 + margin_percent) // 100)


def season_weeks(today: date, season: Season) -> list[date]:
    """The Mondays of the season asked, the first one after `today` (a season under way: from next week)."""
    start = monday_of(today) + timedelta(days=7)
    if season is Season.NEXT:
        return [start + timedelta(weeks=n) for n in range(WEEKS_AHEAD)]
    first, last = next(b for y in range(start.year - 1, start.year + 2) if (b := _season_bounds(season, y))[1] >= start)
    first = max(monday_of(first), start)
    return [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]


def _season_bounds(season: Season, year: int) -> tuple[date, date]:
    if season is Season.SUMMER:
        return date(year, 7, 1), date(year, 8, 31)
    return date(year, 12, 15), date(year + 1, 3, 31)


def season_plan(
    received: Iterable[date], mondays: Sequence[date], years: int = YEARS, margin_percent: int = MARGIN_PERCENT
) -> list[PlanWeek]:
    """The places to plan for each week starting on `mondays`, from the days requests were `received`."""
    counts = Counter(monday_of(day) for day in received)
    first = min(counts, default=None)
    plan = []
    for monday in mondays:
        iso = monday.isocalendar()
        past = []
        for back in range(1, years + 1):
            week, then = same_week(iso.year - back, iso.week)
            if first is not None and first <= then:
                past.append(Past(iso.year - back, week, counts[then]))
        busiest = max((p.requests for p in past), default=None)
        plan.append(
            PlanWeek(monday, iso.week, tuple(past), None if busiest is None else planned(busiest, margin_percent))
        )
    return plan


def method_text(years: int = YEARS, margin_percent: int = MARGIN_PERCENT) -> str:
    """How the places are computed, in French, for the page."""
    previous = (
        "de l'année précédente, "
        if years == 1
        else f"de chacune des {years} années précédentes, la plus forte d'entre elles, "
    )
    return (
        f"Pour chaque semaine à venir : le nombre de demandes reçues la même semaine (numéro de semaine ISO) "
        f"{previous}plus {margin_percent} % de marge, "
        "arrondie à l'entier supérieur. Une année n'est comptée que si les demandes étaient déjà enregistrées "
        "cette semaine-là ; sans aucune année, « pas d'historique » et rien n'est proposé. "
        "Une semaine 53 prend, les années qui n'en ont pas, leur semaine 52."
    )
