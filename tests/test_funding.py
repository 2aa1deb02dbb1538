"""ACI funding: size tiers at their boundaries, achievement capping, parameters read from Paramètres,
and the funding estimate on a case computed by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from domain.funding import (
    FundingParameters,
    Measure,
    board_achievements,
    estimate,
    mission_achievement,
    read_funding,
    started_missions,
    tier_for,
    tier_text,
)
from domain.funding_parameters import (
    FIXED,
    FUNDING_PARAMETERS,
    MAXIMUM,
    OPERATING,
    THRESHOLDS,
    VARIABLE,
    missing_defaults,
    mission_key,
    tier_key,
)
from domain.indicators import achievement
from domain.parameters import parse_amount
from schema.models import ACTIONS, PARAMETERS, AciMission, Action, ActionStatus, ParameterRow
from store.records import to_frame

DEFAULT_THRESHOLDS = (40000, 80000, 175000)


@pytest.mark.parametrize(
    ("population", "tier"),
    [(0, 1), (39_999, 1), (40_000, 2), (79_999, 2), (80_000, 3), (175_000, 3), (175_001, 4), (2_000_000, 4)],
)
def test_tier_boundaries(population: int, tier: int) -> None:
    assert tier_for(population, DEFAULT_THRESHOLDS) == tier


def test_tier_follows_the_thresholds_of_the_settings() -> None:
    assert tier_for(50_000, (60_000, 90_000, 200_000)) == 1
    assert tier_for(200_001, (60_000, 90_000, 200_000)) == 4
    assert tier_text(2, DEFAULT_THRESHOLDS) == "taille 2 (de 40\u202f000 à moins de 80\u202f000 habitants)"


@pytest.mark.parametrize(
    ("value", "target", "expected"),
    [
        (50, 100, 0.5),
        (100, 100, 1.0),
        (150, 100, 1.0),
        (0, 10, 0.0),
        (-3, 10, 0.0),
        (5, None, None),
        (None, 10, None),
        (5, 0, None),
    ],
)
def test_achievement_is_capped_at_100_percent(
    value: float | None, target: float | None, expected: float | None
) -> None:
    assert achievement(value, target) == expected


def test_mission_achievement_is_the_weighted_mean() -> None:
    assert mission_achievement([Measure(1.0), Measure(0.5)]) == 0.75
    assert mission_achievement([Measure(1.0, 3.0), Measure(0.0, 1.0)]) == 0.75
    assert mission_achievement([]) is None
    assert mission_achievement([Measure(1.0, 0.0)]) is None


def test_parse_amount_reads_french_numbers() -> None:
    assert parse_amount("87 500") == 87500
    assert parse_amount("87\u202f500 €") == 87500
    assert parse_amount("12,5 %") == 12.5
    for bad in ("", "abc", "-5", "1.2.3"):
        with pytest.raises(ValueError):
            parse_amount(bad)


def parameters_frame(values: dict[str, str], to_check: set[str] = frozenset()) -> pd.DataFrame:
    rows = [ParameterRow(id=i + 1, key=k, value=v, to_check=k in to_check) for i, (k, v) in enumerate(values.items())]
    return to_frame(PARAMETERS, rows)


def test_read_funding_uses_the_rows_and_reports_bad_values() -> None:
    defaults = {d.key: d.default for d in FUNDING_PARAMETERS}
    typed = {**defaults, tier_key(OPERATING, 2): "100 000", mission_key(FIXED, AciMission.GP_ACCESS, 2): "douze"}
    parameters, issues = read_funding(parameters_frame(typed, to_check={tier_key(MAXIMUM, 2)}))
    assert parameters.by_tier(OPERATING, 2) == 100_000
    assert parameters.mission(FIXED, AciMission.GP_ACCESS, 2) == float(
        defaults[mission_key(FIXED, AciMission.GP_ACCESS, 2)]
    )
    [issue] = issues
    assert issue.id == list(typed).index(mission_key(FIXED, AciMission.GP_ACCESS, 2)) + 1
    assert issue.field == "Valeur"
    assert "« douze » n'est pas un nombre" in issue.reason and "Part fixe mission 1a T2" in issue.reason
    assert parameters.missing == ()
    assert not parameters.checked(tier_key(MAXIMUM, 2))
    assert not parameters.checked(mission_key(FIXED, AciMission.GP_ACCESS, 2))  # fell back to a default: to check
    assert parameters.checked(tier_key(OPERATING, 2))


def test_absent_settings_take_their_default_and_can_be_added() -> None:
    parameters, issues = read_funding(parameters_frame({THRESHOLDS[0]: "30000"}))
    assert issues == []
    assert parameters.thresholds == (30000, 80000, 175000)
    assert THRESHOLDS[0] not in parameters.missing and THRESHOLDS[1] in parameters.missing
    missing = missing_defaults([THRESHOLDS[0], "Nom de la CPTS"])
    assert [d.key for d in missing] == [d.key for d in FUNDING_PARAMETERS if d.key != THRESHOLDS[0]]


def test_default_settings_have_one_row_per_mission_part_and_tier() -> None:
    keys = [d.key for d in FUNDING_PARAMETERS]
    assert len(keys) == len(set(keys))
    for mission in AciMission:
        for tier in (1, 2, 3, 4):
            for part in (FIXED, VARIABLE):
                default = next(d for d in FUNDING_PARAMETERS if d.key == mission_key(part, mission, tier))
                assert default.to_check and "contrat" in default.description
    assert mission_key(FIXED, AciMission.PATHWAYS, 3) == "Part fixe mission 2 T3"
    assert {d.key: d.default for d in FUNDING_PARAMETERS}[tier_key(MAXIMUM, 4)] == "580000"


def test_started_missions() -> None:
    actions = to_frame(
        ACTIONS,
        [
            Action(id=1, mission=AciMission.GP_ACCESS, status=ActionStatus.IN_PROGRESS),
            Action(id=2, mission=AciMission.PATHWAYS, status=ActionStatus.NOT_STARTED),
            Action(id=3, mission=AciMission.PREVENTION, status=ActionStatus.DONE),
            Action(id=4, mission=AciMission.QUALITY, status=None),
            Action(id=5, mission=None, status=ActionStatus.DONE),
        ],
    )
    assert started_missions(actions) == {AciMission.GP_ACCESS, AciMission.PREVENTION}


def test_estimate_on_a_hand_computed_case() -> None:
    values = {d.key: float(parse_amount(d.default)) for d in FUNDING_PARAMETERS}
    for mission in AciMission:
        values[mission_key(FIXED, mission, 2)] = 10_000
        values[mission_key(VARIABLE, mission, 2)] = 20_000
    values[tier_key(OPERATING, 2)] = 100_000
    values[tier_key(MAXIMUM, 2)] = 300_000
    parameters = FundingParameters(values)
    achievements = {
        AciMission.GP_ACCESS: [Measure(1.0), Measure(0.5)],  # mean 0.75
        AciMission.PATHWAYS: [Measure(0.25)],  # not started: variable part only
        AciMission.PREVENTION: [Measure(1.0, 1.0), Measure(0.4, 3.0)],  # weighted: (1 + 1.2) / 4 = 0.55
    }
    result = estimate(
        2026, 67_669, parameters, {AciMission.GP_ACCESS, AciMission.PREVENTION, AciMission.CRISIS}, achievements
    )
    assert result.tier == 2
    by_mission = {m.mission: m for m in result.missions}
    assert by_mission[AciMission.GP_ACCESS].total == 10_000 + 20_000 * 0.75
    assert by_mission[AciMission.PATHWAYS].total == 20_000 * 0.25
    assert by_mission[AciMission.PREVENTION].total == pytest.approx(10_000 + 20_000 * 0.55)
    assert by_mission[AciMission.CRISIS].total == 10_000  # started, no indicator measured
    assert by_mission[AciMission.CRISIS].achievement is None and by_mission[AciMission.CRISIS].measured == 0
    assert (
        by_mission[AciMission.UNSCHEDULED_CARE].total
        == by_mission[AciMission.QUALITY].total
        == by_mission[AciMission.SUPPORT].total
        == 0
    )
    # 100 000 + 25 000 + 5 000 + 21 000 + 10 000
    assert result.total == pytest.approx(161_000)
    assert not result.capped


def test_estimate_is_capped_at_the_maximum() -> None:
    values = {d.key: float(parse_amount(d.default)) for d in FUNDING_PARAMETERS}
    values[tier_key(MAXIMUM, 1)] = 90_000
    result = estimate(2026, 10_000, FundingParameters(values), set(AciMission), {})
    assert result.tier == 1 and result.capped
    assert result.uncapped > 90_000 and result.total == 90_000


def test_board_achievements_groups_measured_indicators_by_mission() -> None:
    board = pd.DataFrame(
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
                "achievement": None,
                "weight": 2.0,
                "target": None,
                "masked": False,
            },
            {"id": 3, "mission": None, "achievement": 1.0, "weight": None, "target": 1.0, "masked": False},
            {
                "id": 4,
                "mission": AciMission.PREVENTION,
                "achievement": 1.0,
                "weight": 2.0,
                "target": 3.0,
                "masked": False,
            },
            {
                "id": 5,
                "mission": AciMission.PREVENTION,
                "achievement": 0.3,
                "weight": None,
                "target": 10.0,
                "masked": True,
            },
        ]
    )
    assert board_achievements(board) == {
        AciMission.GP_ACCESS: [Measure(0.5)],
        AciMission.PREVENTION: [
            Measure(1.0, 2.0),
            Measure(0.3, None, (0.0, 0.4)),
        ],  # a masked 3 of 10: from 0 to 4 of 10
    }
