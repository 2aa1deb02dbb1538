"""The mountain demo (`./cpts seed --demo --territory champsaur`): the communes of Champsaur-Valgaudemar (05),
two years of SNP requests with a summer and a winter peak, trauma first in them; seeded by the command on a real
NocoDB, the season view's weekly counts equal NocoDB's own filtered counts and its page shows both peaks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from statistics import mean

import pytest
from apptest import open_page, rerun, signed_in
from streamlit.testing.v1 import AppTest

from demo.generate import generate
from demo.territory import read_territory
from domain.access import BOARD
from domain.communes import commune
from domain.snp import Week, monday, weekly
from domain.snp_season import Season, season_plan, season_weeks
from schema.fields import Record
from schema.models import MEMBERS, SNP_REQUESTS, TERRITORY
from schema.snp import SnpRequest
from server.users import add_user, admin_client
from settings import ROOT
from store import records
from store.base import Base
from store.client import clause
from tests.cli_run import run_cli
from tests.conftest import Server
from tests.snp_fixture import week_count

TODAY = date.today()
PAGE = "views/snp_season.py"


def summer(day: date) -> bool:
    return day.month in (7, 8)


def winter(day: date) -> bool:
    return day.month in (1, 2, 3) or (day.month == 12 and day.day >= 20)


def off_season(day: date) -> bool:
    return day.month in (4, 5, 6, 9, 10, 11)


def whole(week: Week, is_in: Callable[[date], bool]) -> bool:
    """The whole week is in that season (a week across a season's edge is in none)."""
    return is_in(week.monday) and is_in(week.monday + timedelta(days=6))


def season_means(weeks: list[Week]) -> dict[str, float]:
    """Mean requests per week in each season."""
    within = {"summer": summer, "winter": winter, "off": off_season}
    return {name: mean(w.requests for w in weeks if whole(w, is_in)) for name, is_in in within.items()}


@pytest.fixture(scope="module")
def champsaur() -> dict[str, list[Record]]:
    return generate("small", territory="champsaur", today=TODAY)


def test_the_territory_is_champsaur_valgaudemar(champsaur: dict[str, list[Record]]) -> None:
    codes = read_territory("champsaur").communes
    assert len(codes) == 25 and {commune(code).department for code in codes} == {"05"}
    assert [c.insee_code for c in champsaur["territory"]] == list(codes)
    assert champsaur["territory"][0].name == "Saint-Bonnet-en-Champsaur"
    assert {m.insee_code for m in champsaur["members"]} <= set(codes)  # type: ignore[attr-defined]
    assert generate("small", today=TODAY)["territory"][0].name == "Issy-les-Moulineaux"  # the default stays


def test_two_peaks_of_trauma(champsaur: dict[str, list[Record]]) -> None:
    requests: list[SnpRequest] = champsaur["snp_requests"]  # type: ignore[assignment]
    weeks = weekly(champsaur["snp_slots"], requests, TODAY - timedelta(days=720), TODAY)  # type: ignore[arg-type]
    means = season_means(weeks)
    assert means["summer"] > 3 * means["off"] and means["winter"] > 2.5 * means["off"], means
    assert any(w.over for w in weeks if whole(w, summer)) and not any(w.over for w in weeks if whole(w, off_season))
    for in_peak in (summer, winter):
        reasons = Counter(r.reason for r in requests if r.received_at and in_peak(r.received_at.date()))
        assert reasons.most_common(1)[0][0] == "Traumatologie" and reasons["Traumatologie"] > sum(reasons.values()) / 2
    off = Counter(r.reason for r in requests if r.received_at and off_season(r.received_at.date()))
    assert off["Traumatologie"] < sum(off.values()) / 4


@pytest.fixture(scope="module")
def seeded(nocodb: Server, base: Base) -> Base:
    done = run_cli(nocodb, base, "seed", "--demo", "--territory", "champsaur")
    assert done.returncode == 0, done.stderr
    assert "Génération de la CPTS de démonstration (champsaur, small)" in done.stdout
    return base


def test_an_unknown_territory_is_refused_in_french(nocodb: Server, base: Base) -> None:
    refused = run_cli(nocodb, base, "seed", "--demo", "--territory", "alpes")
    assert refused.returncode == 1 and "--territory doit valoir issy ou champsaur (reçu : alpes)." in refused.stderr


def test_seeded_on_nocodb_communes_in_05_and_counts_equal_nocodb_counts(seeded: Base) -> None:
    department = TERRITORY.field("department").title
    assert seeded.count(TERRITORY) == 25 == seeded.count(TERRITORY, where=clause(department, "eq", "05"))
    assert all(m.insee_code.startswith("05") for m in records.load(seeded, MEMBERS).records if m.insee_code)
    loaded = records.load(seeded, SNP_REQUESTS).records
    weeks = weekly([], loaded, TODAY - timedelta(days=720), TODAY)
    peaks = [max((w for w in weeks if in_peak(w.monday)), key=lambda w: w.requests) for in_peak in (summer, winter)]
    quiet = min((w for w in weeks if off_season(w.monday)), key=lambda w: w.requests)
    for week in (*peaks, quiet):
        assert week.requests == week_count(seeded, week.monday), week
    means = season_means(weeks)
    assert means["summer"] > 3 * means["off"] and means["winter"] > 2.5 * means["off"], means


def test_season_page_shows_both_peaks_and_plans_from_them(app_env: Base, seeded: Base) -> None:
    app = open_page(PAGE)
    over = app.dataframe[0].value  # the weeks where demand exceeded supply
    months = {day.month for day in over["Semaine du"]}
    assert {7, 8} <= months and months & {1, 2, 3} and not months & {4, 5, 10, 11}, months
    plan = app.dataframe[1].value.set_index("Semaine du")
    mondays = season_weeks(TODAY, Season.NEXT)
    assert len(plan) == 26 and list(plan.index) == mondays
    winter_weeks = [m for m in mondays if m.month in (1, 2) and m.day > 7]
    spring_weeks = [m for m in mondays if m.month in (4, 5) and m.day > 7]
    assert min(plan.loc[winter_weeks, "Places à prévoir"]) > 2 * max(plan.loc[spring_weeks, "Places à prévoir"])
    received = [r.received_at.date() for r in records.load(seeded, SNP_REQUESTS).records if r.received_at]
    for week in season_plan(received, winter_weeks[:1] + spring_weeks[:1]):
        assert plan.loc[week.monday, "Places à prévoir"] == week.places
        for past in week.past:
            then = date.fromisocalendar(past.year, past.week, 1)
            assert past.requests == week_count(seeded, monday(then))


def test_the_bureau_sees_the_plan_and_the_summer_season(nocodb: Server, app_env: Base, seeded: Base) -> None:
    with admin_client(nocodb.settings) as admin:
        bureau = add_user(admin, seeded.id, "bureau.champsaur@cpts.fr", BOARD)
    app = rerun(signed_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=120), bureau.email, BOARD))
    app = rerun(app.switch_page(PAGE))
    app = rerun(app.selectbox(key="snp_season").set_value(Season.SUMMER))
    plan = app.dataframe[1].value
    assert list(plan["Semaine du"]) == season_weeks(TODAY, Season.SUMMER)
    in_summer = plan[[day.month in (7, 8) for day in plan["Semaine du"]]]
    assert len(in_summer) >= 8 and (in_summer["Places à prévoir"] > 30).all()  # 40-odd requests a week
    assert "Téléphone" not in " ".join(str(c) for frame in app.dataframe for c in frame.value.columns)
