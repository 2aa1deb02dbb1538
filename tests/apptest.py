"""Running the real app headless (streamlit.testing.v1.AppTest), shared by the page tests."""

from __future__ import annotations

from typing import Any

from streamlit.testing.v1 import AppTest

from settings import ROOT

APP = ROOT / "app.py"
RUN_TIMEOUT = 60


def rerun(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def open_page(path: str | None = None, state: dict[str, Any] | None = None) -> AppTest:
    """The app run once (its navigation registered), then switched to `path` (e.g. "views/doctors.py").
    `state` is put in the session state before each run (widget values too, which a run that does not
    show the widget would drop)."""
    app = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
    steps = [None] if path is None else [None, path]
    for step in steps:
        if step:
            app.switch_page(step)
        for key, value in (state or {}).items():
            app.session_state[key] = value
        rerun(app)
    return app


def click(app: AppTest, label: str) -> AppTest:
    next(b for b in app.button if b.label == label).click()
    return rerun(app)
