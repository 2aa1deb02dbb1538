"""The slots to plan for a coming season, from the same ISO weeks of previous years: a table of cases (no
history, one year, two years, a week with no request, week 53), the margin rounded up without float error,
and the seasons' weeks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.declared_parameters import missing_rows
from domain.parameters import Parameter, read_parameters
from domain.snp_season import (
    SEASON_MARGIN,
    SEASON_PARAMETERS,
    SEASON_YEARS,
    Past,
    Season,
    method_text,
    planned,
    season_plan,
    season_weeks,
)
from schema.models import ParameterRow

W30_2026, W30_2025, W30_2024 = date(2026, 7, 20), date(2025, 7, 21), date(2024, 7, 22)
W53_2026, W52_2025, W52_2024 = date(2026, 12, 28), date(2025, 12, 22), date(2024, 12, 23)


def days(monday: date, count: int) -> list[date]:
    """`count` requests spread over the week of `monday`."""
    return [monday + timedelta(days=n % 7) for n in range(count)]


CASES = [
    ("no request at all: no history", [], W30_2026, (), None),
    ("requests only since this year: no history", days(date(2026, 1, 5), 3), W30_2026, (), None),
    ("one year of history", days(date(2025, 3, 3), 1) + days(W30_2025, 7), W30_2026, (Past(2025, 30, 7),), 9),
    (
        "two years: the busier one, plus 20 %, rounded up",
        days(W30_2024, 10) + days(W30_2025, 7),
        W30_2026,
        (Past(2025, 30, 7), Past(2024, 30, 10)),
        12,
    ),
    (
        "recorded but no request that week: 0 to plan",
        days(date(2024, 1, 1), 2),
        W30_2026,
        (Past(2025, 30, 0), Past(2024, 30, 0)),
        0,
    ),
    (
        "week 53 takes week 52 of years without one",
        days(W52_2024, 4) + days(W52_2025, 5) + days(W52_2025 + timedelta(days=7), 30),
        W53_2026,
        (Past(2025, 52, 5), Past(2024, 52, 4)),
        6,
    ),
]


@pytest.mark.parametrize(("case", "received", "monday", "past", "places"), CASES, ids=[c[0] for c in CASES])
def test_season_plan(case: str, received: list[date], monday: date, past: tuple[Past, ...], places: int | None) -> None:
    [week] = season_plan(received, [monday])
    assert (week.monday, week.past, week.places) == (monday, past, places), case


def test_week_53_of_a_past_year_is_its_own() -> None:
    [week] = season_plan(days(date(2020, 12, 28), 8) + days(date(2019, 12, 23), 2), [date(2021, 12, 27)])
    assert week.week == 52 and week.past == (Past(2020, 52, 0), Past(2019, 52, 2))  # 2020's week 53 is not 52


def test_margin_rounds_up_in_whole_numbers() -> None:
    assert [planned(n, 10) for n in (0, 1, 10, 20)] == [0, 2, 11, 22]  # 10 × 1.1 is 11.000000000000002 in floats
    assert [planned(n) for n in (5, 7, 10)] == [6, 9, 12]


def test_season_weeks() -> None:
    autumn = date(2026, 11, 29)  # a Sunday
    next_weeks = season_weeks(autumn, Season.NEXT)
    assert (next_weeks[0], len(next_weeks)) == (date(2026, 11, 30), 26)
    summer = season_weeks(autumn, Season.SUMMER)
    assert (summer[0], summer[-1]) == (date(2027, 6, 28), date(2027, 8, 30))
    winter = season_weeks(autumn, Season.WINTER)
    assert (winter[0], winter[-1]) == (date(2026, 12, 14), date(2027, 3, 29))
    under_way = season_weeks(date(2027, 1, 13), Season.WINTER)
    assert (under_way[0], under_way[-1]) == (date(2027, 1, 18), date(2027, 3, 29))
    assert all(d.weekday() == 0 for d in summer + winter + next_weeks)


def test_method_is_written_in_french() -> None:
    assert "2 années précédentes" in method_text() and "20 %" in method_text() and "semaine 53" in method_text()


def test_the_years_and_the_margin_are_parameters_a_migration_adds_at_their_default() -> None:
    added = {row.key: row.value for row in missing_rows([])}
    assert (added[SEASON_YEARS.key], added[SEASON_MARGIN.key]) == ("2", "20")
    assert SEASON_YEARS.key not in {row.key for row in missing_rows([SEASON_YEARS.key])}
    rows = [ParameterRow(id=4, key=SEASON_YEARS.key, value="1"), ParameterRow(id=5, key=SEASON_MARGIN.key, value="50")]
    parameters, problems = read_parameters(rows, SEASON_PARAMETERS)
    assert (parameters.value(SEASON_YEARS), parameters.value(SEASON_MARGIN), problems) == (1, 50, [])
    [week] = season_plan(days(W30_2025, 10) + days(W30_2024, 30), [W30_2026], 1, 50)
    assert (week.past, week.places) == ((Past(2025, 30, 10),), 15)  # one year looked at, 10 + 50 %
    assert "de l'année précédente, plus 50 % de marge" in method_text(1, 50)


@pytest.mark.parametrize(
    ("parameter", "raw", "expected"),
    [
        (SEASON_YEARS, "0", "n'est pas un nombre d'années entre 1 et 10"),
        (SEASON_YEARS, "11", "n'est pas un nombre d'années entre 1 et 10"),
        (SEASON_MARGIN, "-5", "n'est pas un pourcentage entier entre 0 et 200"),
        (SEASON_MARGIN, "beaucoup", "n'est pas un pourcentage entier entre 0 et 200"),
    ],
)
def test_a_bad_year_count_or_margin_is_named_in_french_and_its_default_used(
    parameter: Parameter[int], raw: str, expected: str
) -> None:
    parameters, [problem] = read_parameters([ParameterRow(id=7, key=parameter.key, value=raw)], SEASON_PARAMETERS)
    assert str(problem) == (
        f"Paramètres, ligne Id 7, champ « Valeur » : « {raw} » {expected} (paramètre « {parameter.key} ») : "
        f"valeur par défaut {parameter.default} utilisée"
    )
    assert (parameters.value(SEASON_YEARS), parameters.value(SEASON_MARGIN)) == (2, 20)
