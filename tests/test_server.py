"""Starting NocoDB and its faults: busy port, a server that dies at start, secrets, invite-only sign-up."""

from __future__ import annotations

import json
import socket
import stat
import subprocess
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from errors import NotSetUp, ServerError
from server.bootstrap import ensure_secrets
from server.process import NODE_DIR, free_port, log_tail, node_binary, start_nocodb, throwaway_settings
from settings import Settings, read_secrets
from tests.conftest import Server


def test_busy_port_gives_a_clear_message(tmp_path: Path) -> None:
    settings = throwaway_settings(tmp_path)
    secrets, _ = ensure_secrets(settings)
    with socket.socket() as sock:
        sock.bind((settings.host, 0))
        sock.listen()
        busy = replace(settings, nocodb_port=sock.getsockname()[1])
        with pytest.raises(ServerError) as error:
            start_nocodb(busy, secrets)
    message = str(error.value)
    assert f"Le port {busy.nocodb_port} (NocoDB) est déjà utilisé" in message
    assert "CPTS_NOCODB_PORT" in message


@pytest.mark.nocodb  # runs NocoDB's Node
def test_nocodb_that_fails_to_start_shows_its_log(tmp_path: Path) -> None:
    settings = replace(throwaway_settings(tmp_path), nocodb_db="pg://127.0.0.1:1?u=cpts&p=cpts&d=cpts")
    secrets, _ = ensure_secrets(settings)
    with pytest.raises(ServerError) as error:
        start_nocodb(settings, secrets, timeout=120)
    message = str(error.value)
    assert "NocoDB s'est arrêté au démarrage" in message
    assert "ECONNREFUSED 127.0.0.1:1" in message  # the tail of NocoDB's own log
    assert "\x1b[" not in message


def test_secrets_are_generated_once_with_mode_600(tmp_path: Path) -> None:
    settings = throwaway_settings(tmp_path)
    first, created = ensure_secrets(settings)
    again, created_again = ensure_secrets(settings)
    assert created and not created_again
    assert first == again
    assert stat.S_IMODE(settings.secrets_path.stat().st_mode) == 0o600
    password = first["CPTS_ADMIN_PASSWORD"]
    assert len(password) >= 8 and any(c.isupper() for c in password) and any(c.isdigit() for c in password)
    settings.secrets_path.chmod(0o644)
    ensure_secrets(settings)
    assert stat.S_IMODE(settings.secrets_path.stat().st_mode) == 0o600


def test_bootstrapped_server_is_locked_down(nocodb: Server) -> None:
    assert nocodb.settings.host == "127.0.0.1"
    secrets = read_secrets(nocodb.settings.secrets_path)
    assert {"CPTS_API_TOKEN", "CPTS_BASE_ID", "NC_AUTH_JWT_SECRET"} <= secrets.keys()
    signup = httpx.post(
        f"{nocodb.url}/api/v1/auth/user/signup",
        json={"email": "intrus@example.org", "password": "Intrus#2026pass"},
        timeout=30,
    )
    assert signup.status_code == 400
    assert "Not allowed to signup" in signup.text
    log = log_tail(nocodb.service.log_path, lines=100_000)
    for key in ("CPTS_ADMIN_PASSWORD", "CPTS_API_TOKEN", "NC_AUTH_JWT_SECRET"):
        assert secrets[key] not in log


def test_port_settings_are_validated() -> None:
    with pytest.raises(NotSetUp, match="CPTS_APP_PORT"):
        Settings.from_env({"CPTS_APP_PORT": "huit"})
    assert Settings.from_env({"CPTS_NOCODB_PORT": str(free_port())}).nocodb_url.startswith("http://127.0.0.1:")


@pytest.mark.nocodb  # runs NocoDB's Node
def test_default_date_format_is_built_once_and_others_as_before() -> None:
    """nocodb/default_date_format.js (loaded by launch.js) shares the argument-less formatter only."""
    script = """
    require('./default_date_format');
    const shared = Intl.DateTimeFormat();
    const paris = new Intl.DateTimeFormat('fr-FR', {timeZone: 'Europe/Paris', hour: 'numeric'});
    console.log(JSON.stringify({
      same: shared === new Intl.DateTimeFormat() && shared === Intl.DateTimeFormat(),
      isFormat: shared instanceof Intl.DateTimeFormat && paris instanceof Intl.DateTimeFormat,
      zone: shared.resolvedOptions().timeZone,
      paris: paris.resolvedOptions().timeZone,
      fresh: paris !== new Intl.DateTimeFormat('fr-FR', {timeZone: 'Europe/Paris', hour: 'numeric'}),
      locales: Intl.DateTimeFormat.supportedLocalesOf(['fr-FR']),
    }));
    """
    env = {"PATH": "/usr/bin:/bin", "TZ": "America/Cayenne"}
    done = subprocess.run(
        [str(node_binary()), "-e", script], cwd=NODE_DIR, env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout) == {
        "same": True,
        "isFormat": True,
        "zone": "America/Cayenne",
        "paris": "Europe/Paris",
        "fresh": True,
        "locales": ["fr-FR"],
    }


@pytest.mark.nocodb  # runs NocoDB's Node
def test_nocodb_resolves_the_links_of_many_rows_together() -> None:
    """nocodb/batch_row_links.js (loaded by launch.js) rewrites the one loop of the pinned NocoDB that resolves
    rows one by one, and refuses a bundle where that loop is not found exactly once."""
    script = """
    const fs = require('fs');
    const { batchRowLinks } = require('./batch_row_links');
    const bundle = fs.readFileSync(require.resolve('nocodb'), 'utf8');
    const patched = batchRowLinks(bundle);
    let refused = '';
    try { batchRowLinks('async function other() {}'); } catch (error) { refused = error.message; }
    console.log(JSON.stringify({
      changed: patched !== bundle,
      together: patched.includes('return Promise.all(t.map((o,n)=>(a[n]=a[n]||{},s(e,o,a[n],r))))'),
      length: patched.length - bundle.length,
      refused,
    }));
    """
    done = subprocess.run(
        [str(node_binary()), "-e", script],
        cwd=NODE_DIR,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(done.stdout)
    assert result["changed"] and result["together"]
    assert -60 < result["length"] < 0  # only that loop changed
    assert "found 0 times instead of once" in result["refused"]
    assert "require('./batch_row_links').patchWhenLoaded(nocodbEntry);" in (NODE_DIR / "launch.js").read_text()
