"""Saison des soins non programmés on a real NocoDB: the weekly counts equal NocoDB's own filtered counts; the
bureau sees the figures masked below 5 requests and never a phone; the coordinator sees them exact."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pandas as pd
import pytest
import streamlit as st
from apptest import charts, open_page, rerun, signed_in, visible_text
from streamlit.testing.v1 import AppTest

from domain.access import BOARD
from domain.privacy import MASKED
from domain.snp import for_bureau, monday, weekly
from domain.snp_season import SEASON_MARGIN, SEASON_YEARS, same_week
from schema.models import MEMBERS, PARAMETERS, SNP_REQUESTS, SNP_SLOTS, Member, ParameterRow
from schema.snp import Outcome, Slot, SnpRequest
from server.users import UserAdded, add_user, admin_client
from settings import ROOT
from store import records
from store.base import Base
from tests.conftest import Server
from tests.snp_fixture import week_count

PAGE = "views/snp_season.py"
THIS_WEEK = monday(date.today())
BUSY, QUIET = THIS_WEEK - timedelta(days=14), THIS_WEEK - timedelta(days=7)
PHONE = "06 11 22 33 44"


@pytest.fixture(scope="module")
def season(base: Base) -> Base:
    [doctor] = records.insert(base, MEMBERS, [Member(last_name="Roux", profession="Médecin", insee_code="92040")])
    slots = [Slot(member=doctor, on=day, start="09:00", end="10:00", places=2, kind="Cabinet") for day in (BUSY, QUIET)]
    records.insert(base, SNP_SLOTS, slots)
    received = [datetime.combine(BUSY, time(8, n)) for n in range(6)] + [datetime.combine(QUIET, time(8))] * 2
    rows = [
        SnpRequest(received_at=at, source="SAS", insee_code="92040", phone=PHONE, outcome=Outcome.DROPPED)
        for at in received
    ]
    records.insert(base, SNP_REQUESTS, rows)
    return base


def test_weekly_counts_equal_nocodb_counts(season: Base) -> None:
    loaded = records.load(season, SNP_REQUESTS).records
    slots = records.load(season, SNP_SLOTS).records
    weeks = {w.monday: w for w in weekly(slots, loaded, BUSY - timedelta(days=7), THIS_WEEK)}
    for first in (BUSY - timedelta(days=7), BUSY, QUIET, THIS_WEEK):
        assert weeks[first].requests == week_count(season, first), first
    assert (weeks[BUSY].requests, weeks[BUSY].places, weeks[BUSY].over) == (6, 2, True)
    assert (weeks[QUIET].requests, weeks[QUIET].over) == (2, False)


def texts(app: AppTest) -> str:
    shown = [m.value for m in app.metric] + [m.value for m in app.markdown] + [c.value for c in app.caption]
    return " ".join(map(str, shown)) + " ".join(frame.value.to_csv() for frame in app.dataframe)


def test_bureau_sees_masked_aggregates_and_no_phone(nocodb: Server, season: Base, app_env: Base) -> None:
    with admin_client(nocodb.settings) as admin:
        bureau: UserAdded = add_user(admin, season.id, "bureau.snp@cpts.fr", BOARD)
    app = rerun(signed_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=120), bureau.email, BOARD))
    app = rerun(app.switch_page(PAGE))
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Demandes reçues"] == "8" and metrics["Places offertes"] == "4"
    assert "Semaines où la demande a dépassé l'offre : 1" in texts(app)
    assert PHONE not in texts(app) and "Téléphone" not in texts(app)
    coordinator = open_page(PAGE)
    assert {m.label: m.value for m in coordinator.metric}["Demandes reçues"] == "8"
    assert "Méthode." in texts(coordinator) and "de marge" in texts(coordinator)
    headings = [visible_text(h.value) for h in coordinator.subheader]  # weeks from the first recorded, not 24 months
    assert f"Demandes et places par semaine (depuis le {BUSY:%d/%m/%Y})" in headings
    [weeks] = [texts for texts in charts(coordinator) if "Demandes / places par semaine" in texts]
    assert [f"{day:%d/%m}" for day in (BUSY, QUIET, THIS_WEEK)] == [t for t in weeks if re.fullmatch(r"\d\d/\d\d", t)]
    assert [i.value for i in coordinator.info] == [  # the requests are all of this year
        "Pas d'historique pour ces semaines : aucune demande enregistrée les années précédentes."
    ]
    assert set(coordinator.dataframe[-1].value["Places à prévoir"]) == {"—"}  # no history: a dash, not « None »


def test_the_bureau_masks_small_counts() -> None:
    shown = for_bureau({"snp_slots_offered": 4, "snp_requests": 3, "snp_oriented_24h": 0.5, "snp_oriented_48h": 0.5,
                        "snp_honoured": None, "snp_median_delay_hours": 3.0, "snp_regulated_share": 1.0})  # fmt: skip
    assert shown["snp_requests"] == MASKED and shown["snp_median_delay_hours"] == MASKED


def test_the_plan_takes_its_years_and_margin_from_parametres_and_names_a_bad_value(app_env: Base) -> None:
    """10 requests in next week's ISO week a year ago: with « 1 » year and « 50 » % in Paramètres, 15 places to plan;
    with a margin NocoDB holds as « beaucoup », the warning names the row and the field, and the default 20 % gives 12."""
    next_monday = THIS_WEEK + timedelta(days=7)
    iso = next_monday.isocalendar()
    _, then = same_week(iso.year - 1, iso.week)
    old = [
        SnpRequest(received_at=datetime.combine(then, time(9, n)), source="SAS", insee_code="92040",
                   outcome=Outcome.DROPPED)
        for n in range(10)
    ]  # fmt: skip
    request_ids = records.insert(app_env, SNP_REQUESTS, old)
    rows = [ParameterRow(key=SEASON_YEARS.key, value="1"), ParameterRow(key=SEASON_MARGIN.key, value="50")]
    years_row, margin_row = records.insert(app_env, PARAMETERS, rows)
    try:
        app = open_page(PAGE)
        assert planned_next_week(app, next_monday) == 15
        assert "de l'année précédente, plus 50 % de marge" in visible_text(texts(app))
        records.update(app_env, PARAMETERS, [ParameterRow(id=margin_row, key=SEASON_MARGIN.key, value="beaucoup")])
        st.cache_data.clear()
        app = open_page(PAGE)
        assert planned_next_week(app, next_monday) == 12
        [warning] = [visible_text(w.value) for w in app.warning if "Paramètres" in w.value]
        assert f"| Paramètres | {margin_row} | Valeur | « beaucoup » n'est pas un pourcentage entier" in warning
    finally:
        app_env.client.delete(app_env.handle(PARAMETERS).id, [years_row, margin_row])
        app_env.client.delete(app_env.handle(SNP_REQUESTS).id, request_ids)


def planned_next_week(app: AppTest, monday: date) -> int:
    plan = app.dataframe[-1].value
    return int(plan.loc[pd.to_datetime(plan["Semaine du"]) == pd.Timestamp(monday), "Places à prévoir"].item())
