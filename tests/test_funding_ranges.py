"""A masked indicator value (a patient count below 5) must not be recoverable from the ACI funding estimate:
the mission's achievement, variable part and the total become ranges (value 0 to value 4). The range on a case
computed by hand, then the "dialogue de gestion" workbook (read back with openpyxl) and the AG deck (read back
with python-pptx) on the generated demo with one pathway brought down to 3 patients: the exact figures appear
nowhere, the ranges do; without a masked value both are unchanged. No server."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

import openpyxl
import pandas as pd
import pytest
from pptx import Presentation

from demo.generate import generate
from domain.ag.deck import AgInputs, deck_data
from domain.ag.indicators import RANGE_SERIES
from domain.board import BoardFigures, board_figures
from domain.desk import DeskRecords
from domain.french import euros, euros_between, number, percent
from domain.funding import MASKED_ACHIEVEMENT, FundingParameters, Measure, board_achievements, estimate, masked_span
from domain.funding_parameters import FIXED, FUNDING_PARAMETERS, MAXIMUM, OPERATING, VARIABLE, mission_key, tier_key
from domain.parameters import parse_amount
from domain.privacy import HIDDEN_BOUNDS
from reports.deck import deck_bytes
from reports.dialogue import SUMMARY_SHEET, dialogue_bytes
from schema.models import AciMission, table
from store.records import to_frame

LARGE_POPULATION = 200_000
TODAY = date(2026, 11, 23)
SMALL_PATHWAY = "Endométriose"  # its indicator "Patientes inscrites dans le parcours" (mission 2), target 27
NNBSP = "\u202f"


# -- the range, by hand ----------------------------------------------------------------------------------------


def funding_parameters(maximum: float = 300_000) -> FundingParameters:
    values = {d.key: float(parse_amount(d.default)) for d in FUNDING_PARAMETERS}
    for mission in AciMission:
        values[mission_key(FIXED, mission, 2)] = 10_000
        values[mission_key(VARIABLE, mission, 2)] = 20_000
    values[tier_key(OPERATING, 2)] = 100_000
    values[tier_key(MAXIMUM, 2)] = maximum
    return FundingParameters(values)


# Mission 1a, started: an indicator shown at 50 %, and a masked count of 3 patients against a target of 8
# (37,5 %, but a reader only knows 0 to 4 of 8: 0 % to 50 %).
MASKED_CASE = {AciMission.GP_ACCESS: [Measure(0.5), Measure(3 / 8, None, masked_span(8))]}


def test_masked_span_goes_from_a_count_of_0_to_a_count_of_4() -> None:
    assert masked_span(8) == (0.0, 0.5)
    assert masked_span(2) == (0.0, 1.0)  # 4 of 2, capped at 100 %
    assert masked_span(0) == (0.0, 0.0)  # no target: no achievement


def test_range_on_a_hand_computed_case() -> None:
    result = estimate(2026, 67_669, funding_parameters(), {AciMission.GP_ACCESS}, MASKED_CASE)
    access = result.missions[0]
    assert access.achievement == pytest.approx(0.4375)  # (0.5 + 0.375) / 2, what a coordinator may see
    assert (access.low, access.high) == pytest.approx((0.25, 0.5))  # (0.5 + 0) / 2 and (0.5 + 0.5) / 2
    assert access.masked and access.achievement_text == "masqué (< 5 patients)" == MASKED_ACHIEVEMENT
    assert access.variable_span == pytest.approx((5_000, 10_000))  # 20 000 × 25 % and × 50 %
    assert access.variable_text == f"entre 5{NNBSP}000{NNBSP}€ et 10{NNBSP}000{NNBSP}€"
    assert access.total_text == f"entre 15{NNBSP}000{NNBSP}€ et 20{NNBSP}000{NNBSP}€"  # + the fixed 10 000
    assert result.masked and result.total_span == pytest.approx((115_000, 120_000))  # + 100 000 operating
    assert result.total_text == f"entre 115{NNBSP}000{NNBSP}€ et 120{NNBSP}000{NNBSP}€"
    assert result.missions_text == f"entre 15{NNBSP}000{NNBSP}€ et 20{NNBSP}000{NNBSP}€"
    assert not result.may_be_capped
    exact = result.exact()  # a coordinator: single figures
    assert not exact.masked and exact.missions[0].variable_text == euros(8_750)
    assert exact.total_text == euros(118_750) == euros(result.total)
    assert exact.missions[0].achievement_text == "44\u202f%"


def test_a_range_is_capped_at_each_end_and_shown_as_one_figure_when_it_is_one() -> None:
    half = estimate(2026, 67_669, funding_parameters(maximum=117_000), {AciMission.GP_ACCESS}, MASKED_CASE)
    assert half.total_span == pytest.approx((115_000, 117_000)) and half.may_be_capped
    capped = estimate(2026, 67_669, funding_parameters(maximum=110_000), {AciMission.GP_ACCESS}, MASKED_CASE)
    assert capped.total_text == euros(110_000)  # both ends capped: one figure
    assert capped.missions[0].variable_text.startswith("entre")  # the mission itself stays a range
    assert euros_between(1_000.2, 1_000.4) == euros(1_000)


def test_a_masked_value_without_a_positive_target_changes_nothing() -> None:
    board = board_frame(target=0.0, achievement=None)
    assert board_achievements(board) == {AciMission.GP_ACCESS: [Measure(0.5)]}  # not measured: no range
    result = estimate(2026, 67_669, funding_parameters(), {AciMission.GP_ACCESS}, board_achievements(board))
    assert not result.masked and result.total_text == euros(result.total) == euros(120_000)


def test_a_masked_value_with_no_weight_changes_nothing() -> None:
    result = estimate(
        2026,
        67_669,
        funding_parameters(),
        {AciMission.GP_ACCESS},
        {AciMission.GP_ACCESS: [Measure(0.5), Measure(0.375, 0.0, (0, 0.5))]},
    )
    assert not result.missions[0].masked and result.total_text == euros(120_000)


def board_frame(target: float | None, achievement: float | None) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "id": 1,
                "mission": AciMission.GP_ACCESS,
                "achievement": 0.5,
                "weight": None,
                "target": 10.0,
                "masked": False,
            },
            {
                "id": 2,
                "mission": AciMission.GP_ACCESS,
                "achievement": achievement,
                "weight": None,
                "target": target,
                "masked": True,
            },
        ]
    )


# -- the demo, one pathway down to 3 patients --------------------------------------------------------------------


def large_territory(tables: dict[str, list]) -> dict[str, list]:
    """The demo with a territory of size 4: the published contract's amounts it uses fit under that size's
    maximum, so that the estimate is not capped (a capped total is the maximum, hiding any range)."""
    [commune] = tables["territory"]
    return {**tables, "territory": [commune.model_copy(update={"population": LARGE_POPULATION})]}


@pytest.fixture(scope="module")
def demo() -> dict[str, list]:
    return large_territory(generate("small", today=TODAY))


@pytest.fixture(scope="module")
def masked(demo: dict[str, list]) -> dict[str, list]:
    """The demo with 3 active patients left in the Endometriosis pathway: its indicator (mission 2) shows "< 5"."""
    [pathway] = [p for p in demo["pathways"] if p.name == SMALL_PATHWAY]
    active = [e for e in demo["enrolments"] if e.pathway == pathway.id and e.status == "Active"]
    leaving = {e.id for e in active[3:]}
    enrolments = [e.model_copy(update={"status": "Sortie"}) if e.id in leaving else e for e in demo["enrolments"]]
    return {**demo, "enrolments": enrolments}


def frames_of(tables: dict[str, list]) -> dict[str, Any]:
    return {key: to_frame(table(key), rows) for key, rows in tables.items()}


def figures_of(tables: dict[str, list]) -> BoardFigures:
    return board_figures(frames_of(tables), TODAY.year, TODAY)


def test_the_demo_case_is_masked(masked: dict[str, list], demo: dict[str, list]) -> None:
    board = figures_of(masked).indicators
    [row] = board[board["masked"]].itertuples()
    assert row.mission == AciMission.PATHWAYS and row.value == 3 and row.target == 27
    funding = figures_of(masked).funding
    assert [m.mission for m in funding.missions if m.masked] == [AciMission.PATHWAYS]
    assert not figures_of(demo).funding.masked


def exact_forms(amount: float) -> set[str]:
    """How an exact amount could be written: "4 164 €", "4 164", "4164"."""
    return {euros(amount), number(amount), str(round(amount))}


def secrets(figures: BoardFigures) -> tuple[set[str], list[float]]:
    """What must not appear when mission 2 is masked: its exact achievement, variable part and total, and the exact
    estimate (as texts and as numbers)."""
    funding = figures.funding
    mission = next(m for m in funding.missions if m.mission == AciMission.PATHWAYS)
    amounts = [mission.variable_due, mission.total, funding.missions_total, funding.total, funding.uncapped]
    texts = {form for amount in amounts for form in exact_forms(amount)} | {percent(mission.achievement)}
    return texts, [*amounts, mission.achievement]


def assert_nowhere(values: list[Any], texts: set[str], numbers: list[float]) -> None:
    for value in values:
        if isinstance(value, int | float) and not isinstance(value, bool):
            assert all(abs(value - secret) > 1e-6 for secret in numbers), value
        elif isinstance(value, str):
            assert not [secret for secret in texts if secret in value], value


# -- the workbook ------------------------------------------------------------------------------------------


def workbook_cells(content: bytes) -> Iterator[Any]:
    workbook = openpyxl.load_workbook(BytesIO(content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            yield from (value for value in row if value is not None)


def summary(content: bytes) -> dict[str, tuple]:
    sheet = openpyxl.load_workbook(BytesIO(content))[SUMMARY_SHEET]
    return {row[0]: row for row in sheet.iter_rows(values_only=True) if row[0]}


def test_workbook_shows_ranges_never_the_masked_figures(masked: dict[str, list]) -> None:
    figures = figures_of(masked)
    content = dialogue_bytes(figures, "CPTS test")
    cells = list(workbook_cells(content))
    texts, numbers = secrets(figures)
    assert_nowhere(cells, texts, numbers)
    rows = summary(content)
    mission = next(m for m in figures.funding.missions if m.mission == AciMission.PATHWAYS)
    assert rows[AciMission.PATHWAYS][4] == MASKED_ACHIEVEMENT
    assert rows[AciMission.PATHWAYS][7:9] == (mission.variable_text, mission.total_text)
    assert rows["Financement estimé de l'année (€)"][8] == figures.funding.total_text
    assert any(isinstance(c, str) and c.startswith("Fourchette") and AciMission.PATHWAYS in c for c in cells)
    exact = figures.funding.exact()  # proof that the check above can fail: the exact workbook has the figures
    leaked = list(workbook_cells(dialogue_bytes(replace(figures, funding=exact), "CPTS test")))
    with pytest.raises(AssertionError):
        assert_nowhere(leaked, texts, numbers)


def test_workbook_without_a_masked_value_is_unchanged(demo: dict[str, list]) -> None:
    figures = figures_of(demo)
    rows = summary(dialogue_bytes(figures, "CPTS test"))
    for mission in figures.funding.missions:
        assert rows[mission.mission][4] == pytest.approx(mission.achievement)
        assert rows[mission.mission][7:9] == pytest.approx((mission.variable_due, mission.total))
    assert rows["Financement estimé de l'année (€)"][8] == pytest.approx(figures.funding.total)
    assert rows["Total des missions (€)"][8] == pytest.approx(figures.funding.missions_total)


# -- the deck --------------------------------------------------------------------------------------------------


def deck_of(tables: dict[str, list]) -> Any:
    inputs = AgInputs(frames_of(tables), DeskRecords(tables["patients"], tables["members"], []))
    return deck_bytes(deck_data(inputs, TODAY.year, TODAY))


def deck_values(content: bytes) -> list[Any]:
    """Every text (shapes, tables, notes, chart titles and categories) and every chart value of the PPTX, and every
    cell of the workbooks embedded in its charts."""
    values: list[Any] = []
    prs = Presentation(BytesIO(content))
    for slide in prs.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                values.append(shape.text_frame.text)
            if shape.has_table:
                values += [cell.text for row in shape.table.rows for cell in row.cells]
            if shape.has_chart:
                plot = shape.chart.plots[0]
                values += [str(c) for c in plot.categories]
                values += [v for series in plot.series for v in series.values]
        values.append(slide.notes_slide.notes_text_frame.text)
    with zipfile.ZipFile(BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.endswith(".xlsx"):
                values += list(workbook_cells(archive.read(name)))
    return values


def funding_chart(content: bytes) -> dict[str, dict[str, float | None]]:
    prs = Presentation(BytesIO(content))
    page = next(
        s
        for s in prs.slides
        if any(sh.has_text_frame and sh.text_frame.text == "Le financement ACI" for sh in s.shapes)
    )
    chart = next(shape.chart for shape in page.shapes if shape.has_chart)
    categories = list(chart.plots[0].categories)
    return {s.name: dict(zip(categories, s.values, strict=True)) for s in chart.plots[0].series}


def test_deck_shows_ranges_never_the_masked_figures(masked: dict[str, list]) -> None:
    figures = figures_of(masked)
    content = deck_of(masked)
    values = deck_values(content)
    texts, numbers = secrets(figures)
    assert_nowhere(values, texts, numbers)
    text = "\n".join(v for v in values if isinstance(v, str))
    mission = next(m for m in figures.funding.missions if m.mission == AciMission.PATHWAYS)
    for expected in (mission.variable_text, figures.funding.total_text, figures.funding.missions_text):
        assert expected.startswith("entre ") and expected in text, expected
    chart = funding_chart(content)
    low, high = mission.variable_span
    assert chart["Part variable (× atteinte des indicateurs)"][AciMission.PATHWAYS] == pytest.approx(low)
    assert chart[RANGE_SERIES][AciMission.PATHWAYS] == pytest.approx(high - low)
    assert chart[RANGE_SERIES][AciMission.GP_ACCESS] is None


def test_deck_without_a_masked_value_is_unchanged(demo: dict[str, list]) -> None:
    figures = figures_of(demo)
    content = deck_of(demo)
    chart = funding_chart(content)
    assert RANGE_SERIES not in chart
    variable = chart["Part variable (× atteinte des indicateurs)"]
    assert variable == {m.mission: pytest.approx(m.variable_due) for m in figures.funding.missions}
    text = "\n".join(v for v in deck_values(content) if isinstance(v, str))
    assert figures.funding.total_text == euros(figures.funding.total) and euros(figures.funding.total) in text


def test_a_value_hidden_by_a_document_only_becomes_a_range_too() -> None:
    board = pd.DataFrame(
        [
            {
                "id": 7,
                "mission": AciMission.GP_ACCESS,
                "achievement": 0.8,
                "weight": None,
                "target": 10.0,
                "masked": False,
            }
        ]
    )
    assert board_achievements(board) == {AciMission.GP_ACCESS: [Measure(0.8)]}
    assert board_achievements(board, {7: HIDDEN_BOUNDS}) == {
        AciMission.GP_ACCESS: [Measure(0.8, None, (0.5, 1.0))]
    }  # 5 or more


def test_deck_ranges_the_member_counts_it_masks(demo: dict[str, list]) -> None:
    """ "Autre" has 3 members: the deck shows "< 5" and hides the smallest other profession ("masqué"); two
    indicators of mission 1a counting them make its variable part a range in the deck, never the exact figure."""
    counts = pd.Series([m.profession for m in demo["members"] if m.active]).value_counts()
    members = [m for m in demo["members"] if counts.get(m.profession, 0) >= 5]
    members += [members[0].model_copy(update={"profession": "Autre", "rpps": None, "id": 90_000 + i}) for i in range(3)]
    smallest = counts[counts >= 5].idxmin()
    first = next(i for i in demo["indicators"] if i.period == str(TODAY.year) and i.action is not None)
    counting = [
        first.model_copy(
            update={
                "id": 9_000 + n,
                "title": f"Membres {profession}",
                "source": "Calculé",
                "target": Decimal(20),
                "weight": Decimal(1),
                "computation": f"membres_par_profession:{profession}",
            }
        )
        for n, profession in enumerate(("Autre", smallest))
    ]
    tables = {**demo, "members": members, "indicators": [*demo["indicators"], *counting]}
    figures = figures_of(tables)
    mission = next(m for m in figures.funding.missions if m.mission == first_mission(figures, first.id))
    assert not mission.masked  # member counts are shown on the board pages
    values = deck_values(deck_of(tables))
    assert_nowhere(values, exact_forms(mission.variable_due), [mission.variable_due])
    assert any(name == RANGE_SERIES for name in funding_chart(deck_of(tables)))


def first_mission(figures: BoardFigures, indicator_id: int) -> str:
    board = figures.indicators
    return str(board.loc[board["id"] == indicator_id, "mission"].iloc[0])


# -- a masked indicator paid by tiers, in the fixed part ----------------------------------------------------------


@pytest.fixture(scope="module")
def masked_tiered(masked: dict[str, list]) -> dict[str, list]:
    """The masked Endometriosis indicator paid by tiers that tell 0–1, 2–3 and 4 apart, in the fixed part."""
    title = "Patientes inscrites dans le parcours"
    indicators = [
        i.model_copy(update={"tiers": "≥ 2 : 100 ; ≥ 4 : 300", "funding_part": "Fixe"}) if i.title == title else i
        for i in masked["indicators"]
    ]
    return {**masked, "indicators": indicators}


def test_workbook_and_deck_range_a_masked_indicator_paid_by_tiers(masked_tiered: dict[str, list]) -> None:
    figures = figures_of(masked_tiered)
    mission = next(m for m in figures.funding.missions if m.mission == AciMission.PATHWAYS)
    assert mission.fixed_span == (mission.fixed - 300, mission.fixed) and mission.fixed_due == mission.fixed - 200
    amounts = [mission.fixed_due, mission.total, figures.funding.missions_total, figures.funding.total]
    texts = {form for amount in amounts for form in exact_forms(amount)} | {"≥ 2 (100"}
    workbook = list(workbook_cells(dialogue_bytes(figures, "CPTS test")))
    deck = deck_values(deck_of(masked_tiered))
    for values in (workbook, deck):
        assert_nowhere(values, texts, amounts)
    assert mission.fixed_text in "\n".join(v for v in deck if isinstance(v, str))
    assert summary(dialogue_bytes(figures, "CPTS test"))[AciMission.PATHWAYS][6] == mission.fixed_text
    exact = replace(figures, funding=figures.funding.exact())  # proof that the check can fail
    with pytest.raises(AssertionError):
        assert_nowhere(list(workbook_cells(dialogue_bytes(exact, "CPTS test"))), texts, amounts)
