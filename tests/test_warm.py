"""An app serving one CPTS makes, before anyone signs in, what its slowest first pages show (`views.warm`):
the pages then take it, computing nothing again."""

from __future__ import annotations

from typing import Any

import pytest
from apptest import open_page

from services.seed import seed_demo
from store.base import Base
from views import follow_up_data
from views.warm import warm_up


@pytest.fixture(scope="module")
def demo(base: Base) -> Base:
    seed_demo(base, "small")  # enrolled patients with overdue steps
    return base


def test_a_relancer_takes_the_overdue_steps_the_warm_up_made(
    demo: Base, app_env: Base, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[int] = []
    compute = follow_up_data.overdue_of

    def counted(*args: Any) -> follow_up_data.Overdue:
        made.append(1)
        return compute(*args)

    monkeypatch.setattr(follow_up_data, "overdue_of", counted)
    assert warm_up() is None  # one CPTS: nothing left to a background thread
    assert made == [1]
    app = open_page("views/follow_ups.py")
    assert made == [1]  # taken, not made again
    overdue_steps = next(m for m in app.metric if m.label == "Étapes en retard")
    assert int(overdue_steps.value) > 0
