"""Indicators paid by tiers on the demo CPTS in the real NocoDB: the workbook's amounts equal the page's; bad tiers
refused with nothing written; a proof with its file listed by the page and the workbook; and, with the
Endometriosis pathway down to 3 patients (a value the bureau sees « < 5 »), no figure the bureau sees lets the masked
value be worked out — whether the indicator pays by today's rule or by tiers that split 0 to 4 — while a coordinator
sees the exact tier and amount."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from io import BytesIO
from typing import Any

import openpyxl
import pytest
from apptest import click, open_page, rerun, signed_in_state, visible_text
from pathway_fixture import three_endometriosis_patients
from streamlit.testing.v1 import AppTest

from demo.generate import generate
from domain.access import BOARD, COORDINATOR
from domain.board import BoardFigures
from domain.funding import board_achievements, estimate
from domain.funding_lines import IndicatorLine, indicator_lines
from domain.funding_payouts import MASKED_TIER, indicator_payouts, tiered_sums
from domain.indicators import achievement
from errors import Refused
from reports.dialogue import dialogue_bytes, sheet_name
from schema.models import INDICATORS, AciMission, Indicator
from schema.proofs import PROOFS, Proof, ProofKind
from server.users import UserAdded, add_user, admin_client
from services import writes
from services.funding_indicators import add_proof, set_tiers
from services.seed import seed
from store import records
from store.base import Base
from tests.conftest import Server
from tests.test_funding_page_masking import figures_now, page_text
from tests.test_funding_ranges import large_territory

TODAY = date.today()
PAGE = "views/funding.py"
SPLITTING = "≥ 2 : 100 ; ≥ 4 : 300"  # tiers that tell 0–1, 2–3 and 4 apart
BAD = "≤ 50 : 3000 ; ≤ 100 : 6000"  # « au plus » paying more for a worse value


@pytest.fixture(scope="module")
def demo(base: Base) -> Base:
    seed(base, large_territory(generate("small")))
    return base


@pytest.fixture
def app_env(app_env: Base, demo: Base) -> Base:
    return demo


@pytest.fixture(scope="module")
def bureau(nocodb: Server, base: Base) -> UserAdded:
    with admin_client(nocodb.settings) as admin:
        return add_user(admin, base.id, "bureau.paliers@cpts.fr", BOARD)


def line_tables(app: AppTest) -> list[Any]:
    """The page's tables of indicators (those with a « title » column)."""
    return [frame.value for frame in app.dataframe if "title" in frame.value.columns]


def page_amounts(app: AppTest) -> dict[str, str]:
    """Indicator title -> the amount the page shows, over every mission's table."""
    return {row.title: row.amount for frame in line_tables(app) for row in frame.itertuples()}


def workbook_lines(content: bytes, figures: BoardFigures) -> dict[str, tuple[Any, ...]]:
    """Indicator title -> its row of the workbook's mission sheets (those with the contract's columns)."""
    workbook = openpyxl.load_workbook(BytesIO(content))
    found: dict[str, tuple[Any, ...]] = {}
    for mission in AciMission:
        for row in workbook[sheet_name(mission)].iter_rows(values_only=True):
            if len(row) >= 18 and row[0] in set(figures.indicators["title"]):
                found[str(row[0])] = row
    return found


def test_the_workbook_amounts_equal_the_page(app_env: Base) -> None:
    figures = figures_now(app_env)
    lines = indicator_lines(figures)  # the demo masks nothing that pays by tiers: both views agree
    assert [line.tier for line in lines if line.tiers != "—"]  # the demo has tiered indicators
    shown = page_amounts(open_page(PAGE))
    book = workbook_lines(dialogue_bytes(figures, "CPTS test"), figures)
    for line in lines:
        written = book[line.title][14]
        assert written == (line.amount if line.amount is not None else line.amount_text)
        assert shown[line.title] == line.amount_text
    ald = next(line for line in lines if line.title == "Patients en ALD toujours sans médecin traitant")
    assert ald.tiers == "≤ 50 : 9\u202f000\u202f€ ; ≤ 100 : 6\u202f000\u202f€ ; ≤ 219 : 3\u202f000\u202f€"
    assert book[ald.title][14] == 9000 and book[ald.title][12] == ald.tiers


def test_bad_tiers_are_refused_and_nothing_is_written(app_env: Base) -> None:
    count = app_env.count(INDICATORS)
    bad = Indicator(title="Paliers à l'envers", period=str(TODAY.year), tiers=BAD)
    with pytest.raises(Refused, match=r"Indicateurs — Ligne 1, champ « Paliers » : palier n° 2 .* décroître"):
        writes.insert(app_env, INDICATORS, [bad])
    assert app_env.count(INDICATORS) == count
    [row] = records.load(app_env, INDICATORS).records[:1]
    with pytest.raises(Refused, match=rf"Indicateurs, ligne Id {row.id}, champ « Plafond » : .*négatif"):
        set_tiers(app_env, int(row.id or 0), "≤ 50 : 9000", -5, COORDINATOR)
    [after] = [r for r in records.load(app_env, INDICATORS).records if r.id == row.id]
    assert (after.tiers, after.ceiling) == (row.tiers, row.ceiling)


@pytest.fixture
def proof(app_env: Base) -> Iterator[int]:
    """A meeting's minutes attached to the quality indicator, removed afterwards."""
    figures = figures_now(app_env)
    indicator = figures.indicators[figures.indicators["title"] == "Groupes d'échanges de pratiques tenus"]
    minutes = Proof(
        title="Compte rendu du groupe de mars",
        indicator=int(indicator["id"].iloc[0]),
        kind=ProofKind.MINUTES,
        files=[
            {
                "title": "compte-rendu-mars.pdf",
                "url": "https://nuage.cpts.example/cr.pdf",
                "mimetype": "application/pdf",
            }
        ],
        source="Rencontre du 12/03",
    )
    with pytest.raises(Refused, match="Justificatifs — Ligne 1, champ « Lien » : un fichier joint ou un lien"):
        add_proof(app_env, minutes.model_copy(update={"files": None}), COORDINATOR)
    new_id = add_proof(app_env, minutes, COORDINATOR)
    yield new_id
    app_env.client.delete(app_env.handle(PROOFS).id, [new_id])


def test_a_proof_file_is_listed_by_the_page_and_the_workbook(proof: int, app_env: Base) -> None:
    figures = figures_now(app_env)
    [line] = [line for line in indicator_lines(figures) if line.title == "Groupes d'échanges de pratiques tenus"]
    assert line.proofs.documents == ("compte-rendu-mars.pdf",)
    assert line.proofs.missing == ("Feuille d'émargement",)
    book = workbook_lines(dialogue_bytes(figures, "CPTS test"), figures)
    assert book[line.title][17] == "compte-rendu-mars.pdf" and book[line.title][16] == "Feuille d'émargement"
    rows = {row.title: row for frame in line_tables(open_page(PAGE)) for row in frame.itertuples()}
    assert (rows[line.title].present, rows[line.title].missing) == ("Compte rendu", "Feuille d'émargement")


# -- the masked value cannot be worked out -------------------------------------------------------------------


@pytest.fixture
def masked(app_env: Base) -> Iterator[Base]:
    with three_endometriosis_patients(app_env):
        yield app_env


@pytest.fixture
def masked_tiered(masked: Base) -> Iterator[Base]:
    """The masked Endometriosis indicator paid by tiers that split 0 to 4, put back afterwards."""
    row = masked_row(figures_now(masked))
    set_tiers(masked, row, SPLITTING, None, COORDINATOR)
    try:
        yield masked
    finally:
        set_tiers(masked, row, None, None, COORDINATOR)


def masked_row(figures: BoardFigures) -> int:
    [row] = figures.indicators[figures.indicators["masked"]]["id"]
    return int(row)


def seen(figures: BoardFigures, value: float, exact: bool = False) -> tuple[str, ...]:
    """Every funding figure of the page if the masked indicator counted `value`, as the bureau (or, `exact`, a
    coordinator) would see it: mission parts and totals, the estimate, each indicator's tier and amount."""
    board = figures.indicators.copy()
    where = board["id"] == masked_row(figures)
    board.loc[where, "value"] = value
    board.loc[where, "achievement"] = achievement(value, float(board.loc[where, "target"].iloc[0]))
    payouts = indicator_payouts(board)
    started = {m.mission for m in figures.funding.missions if m.started}
    funding = estimate(
        figures.year,
        figures.funding.population,
        figures.funding_parameters,
        started,
        board_achievements(board),
        tiered_sums(payouts.values()),
    )
    funding = funding.exact() if exact else funding
    lines: list[IndicatorLine] = indicator_lines(replace(figures, indicators=board, payouts=payouts), exact)
    texts = [funding.total_text, funding.missions_text]
    texts += [t for m in funding.missions for t in (m.fixed_text, m.variable_text, m.total_text, m.achievement_text)]
    return tuple(texts + [t for line in lines for t in (line.tier, line.amount_text)])


def assert_cannot_be_solved(app: AppTest, figures: BoardFigures) -> None:
    """The bureau's figures are the same whatever the masked value (0 to 4), and they are the page's."""
    views = {value: seen(figures, value) for value in range(5)}
    assert len(set(views.values())) == 1
    shown = page_text(app)
    assert all(text in shown for text in views[3] if text not in ("—",)), [t for t in views[3] if t not in shown]
    assert len({seen(figures, value, exact=True) for value in range(5)}) > 1  # the check can fail


def test_the_bureau_cannot_work_out_a_masked_value_paid_by_todays_rule(masked: Base, bureau: UserAdded) -> None:
    figures = figures_now(masked)
    assert masked_row(figures) not in figures.payouts
    assert_cannot_be_solved(open_page(PAGE, state=signed_in_state(bureau.email, BOARD)), figures)


def test_the_bureau_cannot_work_out_a_masked_value_paid_by_tiers(masked_tiered: Base, bureau: UserAdded) -> None:
    figures = figures_now(masked_tiered)
    payout = figures.payouts[masked_row(figures)]
    assert payout.amount == 100 and payout.masked  # 3 patients reach « ≥ 2 »; 0 to 4 reach three tiers
    app = open_page(PAGE, state=signed_in_state(bureau.email, BOARD))
    assert_cannot_be_solved(app, figures)
    rows = {row.title: row for frame in line_tables(app) for row in frame.itertuples()}
    title = figures.indicators.loc[figures.indicators["id"] == masked_row(figures), "title"].iloc[0]
    assert (rows[title].value, rows[title].tier, rows[title].amount) == (
        "< 5",
        MASKED_TIER,
        "entre 0\u202f€ et 300\u202f€",
    )


def test_a_coordinator_sees_the_exact_tier_and_amount(masked_tiered: Base) -> None:
    figures = figures_now(masked_tiered)
    title = figures.indicators.loc[figures.indicators["id"] == masked_row(figures), "title"].iloc[0]
    rows = {row.title: row for frame in line_tables(open_page(PAGE)) for row in frame.itertuples()}
    assert (rows[title].tier, rows[title].amount) == ("≥ 2 (100\u202f€)", "100\u202f€")


# -- the coordinator's form on the page ---------------------------------------------------------------------

PRACTICE_GROUPS = "Groupes d'échanges de pratiques tenus"


@pytest.fixture
def practice_groups(app_env: Base) -> Iterator[Indicator]:
    """The quality indicator of this year, its tiers, ceiling and proofs put back afterwards."""
    [row] = [
        r
        for r in records.load(app_env, INDICATORS).records
        if r.title == PRACTICE_GROUPS and r.period == str(TODAY.year)
    ]
    proofs = {proof.id for proof in records.load(app_env, PROOFS).records}
    yield row
    records.patch(app_env, INDICATORS, [row], ["tiers", "ceiling"])
    added = [int(proof.id or 0) for proof in records.load(app_env, PROOFS).records if proof.id not in proofs]
    if added:
        app_env.client.delete(app_env.handle(PROOFS).id, added)


def test_a_coordinator_sets_tiers_and_adds_a_proof_on_the_page(app_env: Base, practice_groups: Indicator) -> None:
    row_id = int(practice_groups.id or 0)
    assert "contract_indicator" not in {box.key for box in open_page(PAGE).selectbox}  # forms drawn on demand only
    app = open_page(PAGE, state={"funding_contract": True})  # views.funding's toggle of the forms, on
    app.selectbox(key="contract_indicator").set_value(row_id)
    app = rerun(app)
    app.text_input(key=f"contract_tiers_{row_id}").set_value(BAD)
    app = click(app, "Enregistrer les paliers")
    assert [e.value for e in app.error if "« Paliers »" in e.value and "décroître" in e.value]
    [after] = [r for r in records.load(app_env, INDICATORS).records if r.id == row_id]
    assert (after.tiers, after.ceiling) == (practice_groups.tiers, practice_groups.ceiling)  # nothing written
    app.text_input(key=f"contract_tiers_{row_id}").set_value("≥ 2 : 1000 ; ≥ 4 : 2500")
    app.number_input(key=f"contract_ceiling_{row_id}").set_value(2000.0)
    app = click(app, "Enregistrer les paliers")
    assert not app.error and [s for s in app.success if PRACTICE_GROUPS in visible_text(s.value)]
    [after] = [r for r in records.load(app_env, INDICATORS).records if r.id == row_id]
    assert (after.tiers, after.ceiling) == ("≥ 2 : 1000 ; ≥ 4 : 2500", 2000)
    count = app_env.count(PROOFS)
    app.selectbox(key="proof_for").set_value(row_id)
    app.text_input(key="proof_title").set_value("Feuille d'émargement d'avril")
    app.selectbox(key="proof_kind").set_value(ProofKind.ATTENDANCE)
    app = click(app, "Ajouter le justificatif")  # neither a file nor a link: refused, nothing written
    assert [e.value for e in app.error if "« Lien »" in e.value] and app_env.count(PROOFS) == count
    app.selectbox(key="proof_for").set_value(row_id)
    app.text_input(key="proof_title").set_value("Feuille d'émargement d'avril")
    app.selectbox(key="proof_kind").set_value(ProofKind.ATTENDANCE)
    app.text_input(key="proof_link").set_value("https://nuage.cpts.example/emargement-avril.pdf")
    app = click(app, "Ajouter le justificatif")
    assert not app.error
    [added] = [p for p in records.load(app_env, PROOFS).records if p.title == "Feuille d'émargement d'avril"]
    assert (added.indicator, added.kind, added.link) == (
        row_id,
        ProofKind.ATTENDANCE,
        "https://nuage.cpts.example/emargement-avril.pdf",
    )
