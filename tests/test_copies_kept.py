"""Copies kept between processes (`store.snapshot`) against a real NocoDB: a process that starts from the copy
the last one kept reads exactly what NocoDB holds (rows edited, added, deleted, relinked in between, a schema
changed), validates only the rows changed since, and never takes a kept copy that is damaged, tampered with,
of another file or of another spec; the files are the owner's only."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import random
import stat
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from test_copies import SPECS, Editor, as_read_now, assert_same_as_nocodb

from errors import Unreachable
from schema.fields import TableSpec
from schema.models import MEMBERS, PATIENTS, PROPOSALS
from services import purge as purging
from services.desk import desk_places
from services.seed import seed_demo
from store.base import Base, TableHandle
from store.copies import SharedTables
from store.snapshot import KEEP_EVERY_SECONDS, MAGIC, PLACES_FILE, Snapshots
from store.sqlite import SqliteSource
from store.validate import validate_read


@pytest.fixture(scope="module")
def demo(base: Base) -> Base:
    seed_demo(base, "small")
    return base


class Process:
    """What one process of the app or of `./cpts` holds: its own source and shared copy, the data folder's
    kept copies; it counts the rows it validates."""

    def __init__(self, base: Base, nocodb_file: Path, folder: Path) -> None:
        self.validated = 0
        self.source = SqliteSource(base, nocodb_file)
        self.keeper = Snapshots(folder, nocodb_file, base.id)
        self.shared = SharedTables(base, self.source, validate=self.validate, keeper=self.keeper)

    def validate(self, spec: TableSpec[Any], rows: list[dict[str, Any]]) -> tuple[list[Any], list[Any]]:
        self.validated += len(rows)
        return validate_read(spec, rows)

    def read(self) -> None:
        """Read the tables (the copies that changed are kept, written before this returns)."""
        self.shared.loaded(SPECS)
        self.keeper.wait()
        self.source.close()


@pytest.fixture
def nocodb_file(nocodb: Any) -> Path:
    path: Path = nocodb.settings.nocodb_file
    return path


def test_the_next_process_sees_every_change_made_in_between(demo: Base, nocodb_file: Path, tmp_path: Path) -> None:
    Process(demo, nocodb_file, tmp_path).read()
    editor = Editor(demo, random.Random(7))
    rounds = [[editor.edit_patient], [editor.add_patient, editor.delete_proposal, editor.relink_proposal]]
    for actions in rounds * 2:  # fields edited only (rows read since the last edit seen), then rows changed
        for action in actions:
            action()
        second = Process(demo, nocodb_file, tmp_path)
        assert_same_as_nocodb(second.shared)
        second.keeper.wait()
        assert second.validated < 10  # the rows changed since the kept copy, not the tables
        second.source.close()


def test_a_process_starting_from_kept_copies_validates_nothing_when_nothing_changed(
    demo: Base, nocodb_file: Path, tmp_path: Path
) -> None:
    first = Process(demo, nocodb_file, tmp_path)
    first.read()
    assert first.validated >= sum(len(as_read_now(demo, spec)[0]) for spec in SPECS)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{demo.id}-{s.key}.copy" for s in SPECS)
    second = Process(demo, nocodb_file, tmp_path)
    assert_same_as_nocodb(second.shared)
    assert second.validated == 0
    second.source.close()


def test_kept_copies_are_private(demo: Base, nocodb_file: Path, tmp_path: Path) -> None:
    folder = tmp_path / "copies"
    Process(demo, nocodb_file, folder).read()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o600}


def test_a_few_rows_changed_are_kept_when_the_file_is_old_and_a_deleted_row_at_once(
    demo: Base, nocodb_file: Path, tmp_path: Path
) -> None:
    """A few rows changed cost less to validate again than the table to write: the kept file is rewritten
    for them only when it is older than KEEP_EVERY_SECONDS; a patient deleted (or purged) in NocoDB is gone
    from it as soon as a process has read the table."""
    Process(demo, nocodb_file, tmp_path).read()
    kept = tmp_path / f"{demo.id}-patients.copy"
    handle = demo.handle(PATIENTS)
    inserted = demo.client.insert(handle.id, [{"Code": "P-777777", "Nom": "Àeffacer", "Statut": "En attente"}])
    Process(demo, nocodb_file, tmp_path).read()
    assert "Àeffacer".encode() not in kept.read_bytes()  # a recent file: not rewritten for one row
    old = time.time() - KEEP_EVERY_SECONDS - 60
    os.utime(kept, (old, old))
    Process(demo, nocodb_file, tmp_path).read()
    assert "Àeffacer".encode() in kept.read_bytes()
    demo.client.delete(handle.id, inserted)
    Process(demo, nocodb_file, tmp_path).read()
    assert "Àeffacer".encode() not in kept.read_bytes()


def test_a_schema_change_in_between_is_seen(demo: Base, nocodb_file: Path, tmp_path: Path) -> None:
    Process(demo, nocodb_file, tmp_path).read()
    demo.client.add_column(demo.handle(PROPOSALS).id, {"title": "Note du bureau", "uidt": "SingleLineText"})
    Editor(demo, random.Random(3)).relink_proposal()  # only a foreign key changes
    second = Process(demo, nocodb_file, tmp_path)
    assert_same_as_nocodb(second.shared)
    second.source.close()


def test_a_damaged_or_tampered_file_is_ignored(demo: Base, nocodb_file: Path, tmp_path: Path) -> None:
    Process(demo, nocodb_file, tmp_path).read()
    path = tmp_path / f"{demo.id}-members.copy"
    data = bytearray(path.read_bytes())
    data[-100] ^= 0xFF  # one byte changed: the hash no longer matches
    path.write_bytes(bytes(data))
    canary = tmp_path / "ran"
    _rewrite(tmp_path / f"{demo.id}-proposals.copy", _Runs(canary))  # valid hash, but names a function
    _rewrite(tmp_path / f"{demo.id}-patients.copy", {"raw": [], "attrs": []})  # valid hash, not a copy
    second = Process(demo, nocodb_file, tmp_path)
    assert_same_as_nocodb(second.shared)
    assert not canary.exists()
    members, proposals, patients = (len(as_read_now(demo, spec)[0]) for spec in (MEMBERS, PROPOSALS, PATIENTS))
    assert second.validated == members + proposals + patients  # all three read whole again
    second.source.close()


class _Runs:
    def __init__(self, canary: Path) -> None:
        self.canary = canary

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.touch, (self.canary,))


def _rewrite(path: Path, body_value: Any) -> None:
    """The file with another body, its header's hash made to match."""
    lines = path.read_bytes().split(b"\n", 2)
    header = json.loads(lines[1])
    body = pickle.dumps(body_value)
    header["sha256"] = hashlib.sha256(body).hexdigest()
    path.write_bytes(MAGIC + json.dumps(header).encode() + b"\n" + body)


def test_a_copy_of_another_file_or_spec_is_not_taken(demo: Base, nocodb_file: Path, tmp_path: Path) -> None:
    Process(demo, nocodb_file, tmp_path).read()
    handle = demo.handle(MEMBERS)
    assert Snapshots(tmp_path, nocodb_file, demo.id).load(handle) is not None
    other_file = tmp_path / "other.db"
    other_file.write_bytes(b"")
    assert Snapshots(tmp_path, other_file, demo.id).load(handle) is None  # another NocoDB file
    assert Snapshots(tmp_path, nocodb_file, "another-base").load(handle) is None
    other_model = TableHandle(TableSpec(MEMBERS.key, MEMBERS.title, PATIENTS.model), handle.id, handle.fk_titles)
    assert Snapshots(tmp_path, nocodb_file, demo.id).load(other_model) is None  # another fingerprint


def test_a_kept_copy_is_never_served_when_nocodb_cannot_be_read(
    demo: Base, nocodb_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kept copy may be old: without a read that says what changed since, it is not served."""
    Process(demo, nocodb_file, tmp_path).read()
    second = Process(demo, nocodb_file, tmp_path)

    def unreadable(*_: Any) -> Any:
        raise Unreachable("NocoDB ne répond pas")

    monkeypatch.setattr(second.source, "read", unreadable)
    with pytest.raises(Unreachable):
        second.shared.loaded(SPECS)
    second.source.close()


def test_a_purge_leaves_no_kept_copy_on_disk(demo: Base, nocodb_file: Path, tmp_path: Path) -> None:
    """Names erased by `./cpts purge` must not stay in a copy kept on disk until it is next rewritten; the
    places of the communes kept beside the copies go too."""
    folder = tmp_path / "copies"
    process = Process(demo, nocodb_file, folder)
    process.shared.loaded(SPECS)
    planned = purging.plan(demo, 6, date.today())
    assert planned.plan.items  # the small demo has requests closed more than 6 months ago
    demo.shared, shared_before = process.shared, demo.shared
    try:
        desk_places(demo, {"05004"})  # the places of the communes named, kept beside the copies
        process.keeper.wait()
        kept_before = {path.name for path in folder.glob("*.copy")}
        assert {f"{demo.id}-{PATIENTS.key}.copy", PLACES_FILE} <= kept_before
        purging.run(demo, planned, "coord@cpts.fr", dry_run=False)
    finally:
        demo.shared = shared_before
    assert not list(folder.glob("*.copy"))
    Process(demo, nocodb_file, folder).read()  # the next process reads whole tables, then keeps them again
    assert {path.name for path in folder.glob("*.copy")} == kept_before - {PLACES_FILE}
