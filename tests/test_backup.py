"""`./cpts backup` and `./cpts restore FILE` on the engine of the test session (CPTS_TEST_ENGINE: this module
is in the PostgreSQL subset, so both engines are tested): the archive, restored into a fresh data folder and
started, gives back every table of the base, row for row; a restore never overwrites a data folder unasked."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import Server, session_engine

from errors import CannotWrite, NotSetUp, Refused
from server.backup import backup, make_room, read_manifest
from server.process import start_nocodb, start_postgres, stop, throwaway_settings
from services.seed import seed_demo
from settings import ROOT, Settings, read_secrets
from store.base import Base
from store.client import NocoClient

Tables = dict[str, list[dict[str, Any]]]


def every_table(client: NocoClient, base_id: str) -> Tables:
    """Every table of the base (all of NocoDB's tables, not only the schema's), every row, every field."""
    return {
        table["title"]: sorted(
            (row for page in client.pages(base_id, table["id"]) for row in page), key=lambda row: row["Id"]
        )
        for table in client.tables(base_id)
    }


def cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CPTS_DATA_DIR": str(data_dir)}
    for name in ("CPTS_NOCODB_URL", "CPTS_NOCODB_DB", "CPTS_POSTGRES"):
        env.pop(name, None)
    command = [sys.executable, str(ROOT / "cli.py"), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT, timeout=600)


@contextlib.contextmanager
def started(settings: Settings) -> Iterator[NocoClient]:
    """The servers of a restored data folder, and a client with its (restored) API token."""
    secrets = read_secrets(settings.secrets_path)
    with contextlib.ExitStack() as stack:
        if settings.local_postgres:
            stack.callback(stop, start_postgres(settings, secrets).process.pid)
        stack.callback(stop, start_nocodb(settings, secrets).process.pid)
        client = stack.enter_context(NocoClient(settings.nocodb_url, token=secrets["CPTS_API_TOKEN"]))
        yield client


@pytest.fixture(scope="module")
def demo(base: Base) -> Base:
    seed_demo(base, "small")
    return base


def test_restore_into_a_fresh_folder_gives_back_every_table(nocodb: Server, demo: Base, tmp_path: Path) -> None:
    archive = tmp_path / "sauvegarde.tar.gz"
    made = cli(nocodb.settings.data_dir, "backup", "--sortie", str(archive))
    assert made.returncode == 0, made.stderr
    assert archive.stat().st_mode & 0o777 == 0o600
    assert read_manifest(archive)["moteur"] == session_engine()

    fresh = throwaway_settings(tmp_path / "restauré")
    done = cli(fresh.data_dir, "restore", str(archive))
    assert done.returncode == 0, done.stderr
    assert "restaurée" in done.stdout
    assert fresh.local_postgres == (session_engine() == "postgres")

    original = every_table(demo.client, demo.id)
    assert sum(len(rows) for rows in original.values()) > 500  # the demo: every table has rows
    with started(fresh) as client:
        assert every_table(client, demo.id) == original


def test_restore_refuses_a_folder_that_is_not_empty(nocodb: Server, tmp_path: Path) -> None:
    archive = tmp_path / "sauvegarde.tar.gz"
    assert cli(nocodb.settings.data_dir, "backup", "-o", str(archive)).returncode == 0
    folder = tmp_path / "occupé"
    folder.mkdir()
    (folder / "notes.txt").write_text("à garder", encoding="utf-8")
    refused = cli(folder, "restore", str(archive))
    assert refused.returncode == 1
    assert "n'est pas vide" in refused.stderr and "--force" in refused.stderr
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "à garder"
    forced = cli(folder, "restore", "--force", str(archive))
    assert forced.returncode == 0, forced.stderr
    assert not (folder / "notes.txt").exists()
    assert read_secrets(folder / "secrets.env")["CPTS_API_TOKEN"] == nocodb.secrets["CPTS_API_TOKEN"]


def test_an_empty_or_missing_folder_is_room_enough(tmp_path: Path) -> None:
    settings = throwaway_settings(tmp_path / "absent")
    make_room(settings, force=False)
    settings.data_dir.mkdir()
    make_room(settings, force=False)
    (settings.data_dir / "x").write_text("x", encoding="utf-8")
    with pytest.raises(Refused, match="n'est pas vide"):
        make_room(settings, force=False)


def test_a_file_that_is_not_a_backup_is_told(tmp_path: Path) -> None:
    junk = tmp_path / "photo.tar.gz"
    junk.write_bytes(b"pas une archive")
    with pytest.raises(NotSetUp, match="n'est pas une sauvegarde"):
        read_manifest(junk)
    with pytest.raises(NotSetUp, match="introuvable"):
        read_manifest(tmp_path / "absente.tar.gz")
    incomplete = tmp_path / "incomplete.tar.gz"
    manifest = tmp_path / "sauvegarde.json"
    manifest.write_text('{"format": 1, "moteur": "sqlite"}', encoding="utf-8")
    with tarfile.open(incomplete, "w:gz") as archive:
        archive.add(manifest, arcname="sauvegarde.json")
    with pytest.raises(NotSetUp, match="incomplète"):
        read_manifest(incomplete)


def test_an_archive_in_a_missing_folder_is_told(tmp_path: Path) -> None:
    settings = throwaway_settings(tmp_path / "données")
    with pytest.raises(CannotWrite, match="n'existe pas"):
        backup(settings, tmp_path / "absent" / "sauvegarde.tar.gz")
