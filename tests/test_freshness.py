"""How fresh the data shown is: « Lu il y a N s » under « Rafraîchir », and a banner saying since when NocoDB
stopped answering while the last good copy is still shown (then gone once NocoDB answers again)."""

from __future__ import annotations

import pytest
from apptest import click, open_page

from server.process import free_port
from services.tables import Freshness
from store.base import Base
from store.client import NocoClient
from tests.conftest import Server
from views.common import current_base, freshness_text


def test_freshness_note_and_banner() -> None:
    now = 1_800_000_000.0
    assert freshness_text(Freshness(None, None, None), now) == ("", "")
    assert freshness_text(Freshness(now - 3.4, None, None), now) == ("Lu il y a 3 s", "")
    note, banner = freshness_text(Freshness(now - 300, now - 60, None), now)
    assert note.startswith("Lu à ")
    assert "NocoDB ne répond plus depuis" in banner and "celles lues à" in banner


def test_every_page_header_says_how_fresh(app_env: Base) -> None:
    app = open_page()
    assert any(caption.value.startswith("Lu il y a") for caption in app.caption)


def test_nocodb_out_of_reach_keeps_the_page_with_a_banner(
    app_env: Base, nocodb: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the API (a NocoDB elsewhere): NocoDB stops answering, « Rafraîchir » keeps the figures and says
    since when; NocoDB answers again, the banner goes."""
    monkeypatch.setenv("CPTS_NOCODB_URL", nocodb.url)
    monkeypatch.setenv("CPTS_NOCODB_TOKEN", nocodb.secrets["CPTS_API_TOKEN"])
    app = open_page()
    assert app.metric and not app.warning
    base = current_base()
    answering = base.client
    base.client = NocoClient(f"http://127.0.0.1:{free_port()}", token="x", retries=0)
    try:
        click(app, "Rafraîchir")
        assert app.metric  # the last good copy, still shown
        assert any("NocoDB ne répond plus depuis" in warning.value for warning in app.warning)
    finally:
        base.client.close()
        base.client = answering
    click(app, "Rafraîchir")
    assert not any("ne répond plus" in warning.value for warning in app.warning)
