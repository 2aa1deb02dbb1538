"""Indicators paid by tiers: the « Paliers » text read and refused, the payout on a table of cases (below the first
tier, exactly on a threshold, above the last, « au plus » against « au moins », the ceiling), what a masked value
leaves the bureau, and the mission's parts once tiered indicators pay into them."""

from __future__ import annotations

import pandas as pd
import pytest

from domain.funding import Measure, MissionFunding, board_achievements
from domain.funding_payouts import MASKED_TIER, TieredSum, contract_columns, indicator_payouts, tiered_sums
from domain.tiers import Direction, TierError, parse_tiers
from schema.models import AciMission
from schema.proofs import FundingPart

ALD = "≤ 50 : 9000 ; ≤ 100 : 6000 ; ≤ 219 : 3000"  # ALD patients without a médecin traitant: the fewer the better
SCREENING = "≥ 69,7 : 1000 ; ≥ 72,4 : 2500 ; ≥ 75 : 3500"  # breast-screening rate: the higher the better


@pytest.mark.parametrize(
    ("tiers", "value", "ceiling", "paid"),
    [
        (ALD, 0, None, 9000),  # the best tier
        (ALD, 50, None, 9000),  # exactly on the first threshold
        (ALD, 50.5, None, 6000),  # just past it
        (ALD, 100, None, 6000),
        (ALD, 219, None, 3000),  # exactly on the last threshold
        (ALD, 220, None, 0),  # above the last: no tier reached
        (ALD, None, None, 0),  # no value
        (ALD, 30, 7000, 7000),  # the ceiling
        (ALD, 80, 7000, 6000),  # under the ceiling
        (SCREENING, 60, None, 0),  # below the first tier
        (SCREENING, 69.7, None, 1000),  # exactly on a threshold
        (SCREENING, 72.3, None, 1000),
        (SCREENING, 72.4, None, 2500),
        (SCREENING, 75, None, 3500),
        (SCREENING, 99, None, 3500),  # above the last: the best tier
        (SCREENING, 99, 3000, 3000),  # the ceiling
        ("au plus 10 : 500", 10, None, 500),  # words instead of signs
        ("au moins 10 : 500", 10, None, 500),
        ("au plus 10 : 500", 11, None, 0),  # at most against at least on the same threshold
        ("au moins 10 : 500", 9, None, 0),
    ],
)
def test_payout_on_a_table_of_cases(tiers: str, value: float | None, ceiling: float | None, paid: float) -> None:
    parsed = parse_tiers(tiers)
    assert parsed is not None and parsed.pays(value, ceiling) == paid


def test_tiers_are_read_in_french() -> None:
    parsed = parse_tiers("≥ 69,7 % : 1 000 € \n ≥ 72,4 : 2500")
    assert parsed is not None and parsed.direction is Direction.AT_LEAST
    assert [(t.threshold, t.amount) for t in parsed.tiers] == [(69.7, 1000), (72.4, 2500)]
    assert parsed.label(1) == "≥ 72,4 (2\u202f500\u202f€)" and parsed.label(None) == "aucun palier"
    assert parse_tiers("") is None and parse_tiers(None) is None and parse_tiers(" ; ") is None


@pytest.mark.parametrize(
    ("tiers", "message"),
    [
        ("≤ 100 : 6000 ; ≤ 50 : 9000", "palier n° 2 : les seuils doivent croître"),  # thresholds not going up
        ("≤ 50 : 3000 ; ≤ 100 : 6000", "palier n° 2 : avec « ≤ », les montants doivent décroître"),  # not monotonic
        ("≥ 70 : 3000 ; ≥ 75 : 1000", "palier n° 2 : avec « ≥ », les montants doivent croître"),
        ("≤ 50 : 9000 ; ≥ 100 : 6000", "même sens"),
        ("≤ 50 : -9000", "palier n° 1 : montant négatif"),
        ("≤ 50 : neuf mille", "palier n° 1 : montant « neuf mille » n'est pas un nombre"),
        ("50 : 9000", "palier n° 1 « 50 : 9000 » illisible"),
        ("≤ 50 9000", "illisible"),
    ],
)
def test_bad_tiers_are_refused_in_french(tiers: str, message: str) -> None:
    with pytest.raises(TierError, match=message):
        parse_tiers(tiers)


def board(value: float, masked: bool, tiers: str = ALD, part: str | None = None, ceiling: float | None = None):
    frame = pd.DataFrame(
        [{"id": 1, "mission": AciMission.GP_ACCESS, "value": value, "masked": masked, "achievement": None}]
    )
    indicators = pd.DataFrame(
        [{"id": 1, "tiers": tiers, "ceiling": ceiling, "funding_part": part, "proofs_needed": []}]
    )
    with_columns, problems = contract_columns(frame, indicators)
    assert problems == []
    return with_columns


def test_a_masked_value_in_one_tier_shows_its_tier_and_amount() -> None:
    [payout] = indicator_payouts(board(3, masked=True)).values()  # 0 to 4 are all ≤ 50
    assert (payout.low, payout.high, payout.shown_tier) == (9000, 9000, "≤ 50 (9\u202f000\u202f€)")
    assert not payout.masked


def test_a_masked_value_across_tiers_shows_neither_tier_nor_amount() -> None:
    """With a threshold between 0 and 4, the tier reached and its amount would tell the masked value apart."""
    [payout] = indicator_payouts(board(3, masked=True, tiers="≥ 2 : 100 ; ≥ 4 : 300")).values()
    assert payout.amount == 100 and payout.masked
    assert (payout.low, payout.high, payout.shown_tier) == (0, 300, MASKED_TIER)
    assert payout.shown_amount == "entre 0\u202f€ et 300\u202f€"
    assert payout.exact().shown_amount == "100\u202f€"
    # whatever the masked value, the bureau sees the same figures: it cannot be solved for
    seen = {
        (p.shown_tier, p.shown_amount)
        for value in range(5)
        for p in indicator_payouts(board(value, masked=True, tiers="≥ 2 : 100 ; ≥ 4 : 300")).values()
    }
    assert len(seen) == 1


def test_bad_tiers_on_a_row_are_reported_and_pay_by_todays_rule() -> None:
    frame = pd.DataFrame([{"id": 4, "mission": AciMission.GP_ACCESS, "value": 3.0, "masked": False}])
    indicators = pd.DataFrame(
        [{"id": 4, "tiers": "≤ 50 : 3000 ; ≤ 100 : 6000", "ceiling": -1.0, "funding_part": None, "proofs_needed": []}]
    )
    with_columns, problems = contract_columns(frame, indicators)
    assert [str(p) for p in problems] == [
        "Indicateurs, ligne Id 4, champ « Paliers » : palier n° 2 : avec « ≤ », les montants doivent décroître d'un "
        "palier au suivant (6\u202f000\u202f€ après 3\u202f000\u202f€)",
        "Indicateurs, ligne Id 4, champ « Plafond » : un plafond ne peut pas être négatif",
    ]
    assert with_columns.loc[0, "tiers"] is None and indicator_payouts(with_columns) == {}


def mission(**changes: object) -> MissionFunding:
    base: dict[str, object] = {
        "mission": AciMission.GP_ACCESS,
        "started": True,
        "fixed": 45_000,
        "variable": 17_500,
        "achievement": 0.5,
        "measured": 1,
        "to_check": False,
        "low": 0.5,
        "high": 0.5,
    }
    return MissionFunding(**{**base, **changes})  # type: ignore[arg-type]


def test_tiered_indicators_pay_their_tier_and_the_rest_follows_todays_rule() -> None:
    assert mission().variable_due == 8750  # today's rule: 17 500 × 50 %
    tiered = TieredSum(exact=6000, low=6000, high=6000, most=9000)
    # 6 000 from the tier, then (17 500 − 9 000) × 50 % from the untiered indicators
    assert mission(tiered_variable=tiered).variable_due == 6000 + 8500 * 0.5
    only_tiers = mission(tiered_variable=tiered, achievement=None, low=None, high=None)
    assert only_tiers.variable_due == 6000
    # the part is a ceiling for the whole mission
    assert mission(tiered_variable=TieredSum(20_000, 20_000, 20_000, 20_000)).variable_due == 17_500
    # a tiered indicator of the fixed part: the fixed part is what it pays plus the share it cannot claim
    fixed = mission(tiered_fixed=TieredSum(exact=0, low=0, high=0, most=5000))
    assert fixed.fixed_due == 40_000 and mission(started=False, tiered_fixed=tiered).fixed_due == 0


def test_a_masked_tiered_indicator_makes_the_mission_a_range_for_the_bureau_only() -> None:
    [payout] = indicator_payouts(board(3, masked=True, tiers="≥ 2 : 100 ; ≥ 4 : 300")).values()
    sums = tiered_sums([payout])
    assert sums[(AciMission.GP_ACCESS, FundingPart.VARIABLE)] == TieredSum(100, 0, 300, 300)
    ranged = mission(tiered_variable=sums[(AciMission.GP_ACCESS, FundingPart.VARIABLE)])
    assert ranged.masked and ranged.variable_span == (0 + 17_200 * 0.5, 300 + 17_200 * 0.5)
    assert ranged.achievement_text == "50\u202f%"  # the untiered achievement is not masked
    assert not ranged.exact().masked and ranged.exact().variable_due == 100 + 17_200 * 0.5


def test_only_untiered_indicators_of_the_variable_part_count_in_the_achievement() -> None:
    frame = pd.DataFrame(
        [
            {"id": i, "mission": AciMission.GP_ACCESS, "value": 5.0, "target": 10.0, "achievement": 0.5}
            | {"masked": False, "weight": None}
            for i in (1, 2, 3)
        ]
    )
    indicators = pd.DataFrame(
        [
            {"id": 1, "tiers": None, "ceiling": None, "funding_part": None, "proofs_needed": []},
            {"id": 2, "tiers": None, "ceiling": None, "funding_part": FundingPart.FIXED, "proofs_needed": []},
            {"id": 3, "tiers": ALD, "ceiling": None, "funding_part": None, "proofs_needed": []},
        ]
    )
    with_columns, _ = contract_columns(frame, indicators)
    assert board_achievements(with_columns) == {AciMission.GP_ACCESS: [Measure(0.5)]}
    assert list(indicator_payouts(with_columns)) == [3]
