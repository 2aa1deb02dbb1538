"""Running the real app headless (streamlit.testing.v1.AppTest), shared by the page tests."""

from __future__ import annotations

import base64
import re
import time
from html import unescape
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Widget

from domain.access import COORDINATOR
from settings import ROOT
from views import tables
from views.access import SESSION_EMAIL, SESSION_ROLE, SESSION_SEEN

APP = ROOT / "app.py"
RUN_TIMEOUT = 90
SIGNED_IN: dict[str, Any] = {}  # the session state of a signed-in user, set by the `app_env` fixture

APP_ENV = ("CPTS_NOCODB_URL", "CPTS_NOCODB_TOKEN", "CPTS_BASE_ID", "CPTS_NOCODB_PORT", "CPTS_DATA_DIR")


def point_app_at(monkeypatch: pytest.MonkeyPatch, server: Any, base_id: str) -> None:
    """Set the environment the app reads: the test NocoDB `server`, its secrets, the base `base_id`."""
    for name in APP_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CPTS_DATA_DIR", str(server.settings.data_dir))
    monkeypatch.setenv("CPTS_NOCODB_PORT", str(server.settings.nocodb_port))
    monkeypatch.setenv("CPTS_BASE_ID", base_id)


def rerun(changed: AppTest | Widget) -> AppTest:
    """Run the app again (`changed`: the app, or one of its widgets just set); fail on any exception."""
    app = changed.run()
    assert not app.exception, [e.value for e in app.exception]
    assert not none_shown(app), f"« None » shown in these table columns: {none_shown(app)}"
    return app


def none_shown(app: AppTest) -> list[str]:
    """The text columns of the page's tables where Streamlit would write « None » (`views.tables.show`)."""
    return [
        str(name)
        for table in app.dataframe
        for name, column in table.value.items()
        if tables.is_text(column) and column.isna().any()
    ]


def tick(app: AppTest, *rows: int) -> AppTest:
    """Tick these rows (positions on the page shown) of the page's first table, as a click on their boxes does
    (`views.paging.ticked`), and run the app again."""
    app.session_state[app.dataframe[0].key] = {"selection": {"rows": list(rows), "columns": []}}
    return rerun(app)


def open_page(path: str | None = None, state: dict[str, Any] | None = None) -> AppTest:
    """The app run once (its navigation registered), then switched to `path` (e.g. "views/doctors.py").
    `state` is put in the session state before each run (widget values too, which a run that does not
    show the widget would drop). The session is signed in as the `app_env` fixture's coordinator."""
    state = {**SIGNED_IN, **(state or {})}
    app = AppTest.from_file(str(APP), default_timeout=RUN_TIMEOUT)
    steps = [None] if path is None else [None, path]
    for step in steps:
        if step:
            app.switch_page(step)
        for key, value in state.items():
            app.session_state[key] = value
        rerun(app)
    return app


def visible_text(markdown: str) -> str:
    """What a reader sees of a Markdown body whose values `views.common.plain` escaped: without the
    backslashes, the invisible word joiners and the direction isolates."""
    return re.sub(r"\\(.)", r"\1", markdown).translate({0x2060: None, 0x2068: None, 0x2069: None})


def click(app: AppTest, label: str) -> AppTest:
    next(b for b in app.button if b.label == label).click()
    return rerun(app)


def signed_in_state(email: str, role: str = COORDINATOR) -> dict[str, Any]:
    """The session state the sign-in form leaves. app.py also checks the account in NocoDB (use the
    `coordinator` fixture); a page needing more than the board, run on its own, refuses any role
    (`views.access.require_page`)."""
    return {SESSION_EMAIL: email, SESSION_ROLE: role, SESSION_SEEN: time.monotonic()}


def signed_in(app: AppTest, email: str, role: str = COORDINATOR) -> AppTest:
    """The AppTest session starts signed in."""
    for key, value in signed_in_state(email, role).items():
        app.session_state[key] = value
    return app


SVG_URL = "data:image/svg+xml;base64,"
SVG_TEXT = re.compile(r"<text\b[^>]*>(.*?)</text>", re.DOTALL)


def charts(app: AppTest) -> list[list[str]]:
    """The charts the page shows (`views.charts`: SVG images), each as the texts written in it (labels, axis
    titles, legends; XML entities decoded, in drawing order): what a reader of the chart can read. Every chart
    must say what it shows as its text alternative (`alt`), or this fails."""
    drawn = [image for element in app.get("image") for image in element.proto.imgs if image.url.startswith(SVG_URL)]
    assert all(image.alt.strip() for image in drawn), "a chart without its text alternative (alt_text)"
    drawings = [base64.b64decode(image.url.removeprefix(SVG_URL)).decode() for image in drawn]
    return [[unescape(re.sub(r"<[^>]+>", "", text)).strip() for text in SVG_TEXT.findall(d)] for d in drawings]


def page_text(app: AppTest) -> str:
    """Every text the page shows: headings, Markdown, captions, alerts, metrics (label and value), the cells of
    its tables, its charts' texts and text alternatives; to look for what must, or must not, be there."""
    parts: list[str] = []
    for kind in ("title", "subheader", "markdown", "caption", "error", "warning", "info", "success"):
        parts += [str(element.value) for element in getattr(app, kind)]
    parts += [f"{m.label} {m.value}" for m in app.metric]
    parts += [frame.value.to_csv(index=False) for frame in app.dataframe]
    parts += [" ".join(texts) for texts in charts(app)]
    parts += [image.alt for element in app.get("image") for image in element.proto.imgs]
    return "\n".join(parts)
