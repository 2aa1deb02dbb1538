"""Roles and their permissions, sign-in throttle and idle time-out (pure logic)."""

from __future__ import annotations

import pytest

from domain.access import (
    BOARD,
    COORDINATOR,
    MAX_DELAY_SECONDS,
    REGION,
    SignInThrottle,
    idle_expired,
    role_of,
)
from domain.parameters import IDLE, read_parameters
from domain.permissions import PERMISSIONS, Action, NotAllowed, can, require
from errors import Refused
from schema.models import ParameterRow


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_role_of_base_role() -> None:
    for base_role in ("owner", "creator", "editor", "owner,editor"):
        assert role_of(base_role) == COORDINATOR
    for base_role in (None, "", "no-access", "viewer", "commenter"):
        assert role_of(base_role) == BOARD


def test_delay_doubles_per_address_and_is_capped() -> None:
    clock = Clock()
    throttle = SignInThrottle(clock=clock)
    delays = []
    for _ in range(8):
        delays.append(throttle.delay("Coord@cpts.fr"))
        throttle.failed("coord@cpts.fr")
    assert delays == [0, 1, 2, 4, 8, 16, MAX_DELAY_SECONDS, MAX_DELAY_SECONDS]
    assert throttle.delay("autre@cpts.fr") == 0  # 8 failures overall: under the overall step
    throttle.succeeded("COORD@cpts.fr")
    assert throttle.delay("coord@cpts.fr") == 0


def test_failures_are_forgotten_after_a_while() -> None:
    clock = Clock()
    throttle = SignInThrottle(clock=clock)
    throttle.failed("coord@cpts.fr")
    throttle.failed("coord@cpts.fr")
    assert throttle.delay("coord@cpts.fr") == 2
    clock.now += 15 * 60 + 1
    assert throttle.delay("coord@cpts.fr") == 0


def test_failures_spread_over_addresses_slow_everyone() -> None:
    clock = Clock()
    throttle = SignInThrottle(clock=clock)
    for n in range(20):
        throttle.failed(f"devine{n}@cpts.fr")
    assert throttle.delay("nouvelle@cpts.fr") == 2  # 20 recent failures overall: two steps
    assert throttle.delay("devine3@cpts.fr") == 2


def test_idle_setting_and_expiry() -> None:
    assert read_parameters([ParameterRow(id=1, key=IDLE.key, value="45")], (IDLE,))[0].value(IDLE) == 45
    for raw in (None, "", "trente", "-5", "2", "100000"):
        parameters, problems = read_parameters([ParameterRow(id=1, key=IDLE.key, value=raw)], (IDLE,))
        assert parameters.value(IDLE) == int(IDLE.default)
        assert len(problems) == (1 if raw and raw.strip() else 0)
    assert not idle_expired(last_seen=0, now=30 * 60, idle_minutes=30)
    assert idle_expired(last_seen=0, now=30 * 60 + 1, idle_minutes=30)


def test_permissions_per_role() -> None:
    assert set(PERMISSIONS) == {COORDINATOR, BOARD, REGION}
    assert [action for action in Action if not can(COORDINATOR, action)] == [Action.SEE_REGION]
    assert [action for action in Action if can(REGION, action)] == [Action.SEE_BOARD, Action.SEE_REGION]
    assert [action for action in Action if can(BOARD, action)] == [Action.SEE_BOARD]  # read-only: aggregates
    assert not any(can(role, Action.SEE_BOARD) for role in (None, "", "editor"))  # signed out, or not an app role


def test_require_refuses_in_french() -> None:
    require(COORDINATOR, Action.EDIT_TERRITORY)
    with pytest.raises(NotAllowed, match=r"^Votre rôle « bureau » ne vous autorise pas à ajouter des paramètres"):
        require(BOARD, Action.EDIT_PARAMETERS)
    with pytest.raises(Refused, match=r"^Sans connexion, vous n'êtes pas autorisé à voir le tableau de bord"):
        require(None, Action.SEE_BOARD)
