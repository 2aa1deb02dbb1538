"""NocoDB's SQLite file, read directly (store/sqlite.py), failing: gone, or locked by a write that does not
end. Each is Unreachable in French, naming the file but not the server's folders (a page shows it)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from errors import Unreachable
from server.process import write_ahead_log
from store.base import Base
from store.client import NocoClient
from store.sqlite import SqliteSource


def source(path: Path) -> SqliteSource:
    return SqliteSource(Base(NocoClient("http://127.0.0.1:9", retries=0), "b1"), path)


def test_a_file_gone_is_unreachable(tmp_path: Path) -> None:
    path = tmp_path / "noco.db"
    write_ahead_log(path)
    reader = source(path)
    path.unlink()
    with pytest.raises(Unreachable) as error:
        reader.read([], frozenset())
    assert (
        str(error.value)
        == "Lecture impossible du fichier de données de NocoDB (noco.db) : fichier introuvable ou illisible."
    )


def test_a_file_locked_is_unreachable(tmp_path: Path) -> None:
    path = tmp_path / "noco.db"
    with sqlite3.connect(path, isolation_level=None) as writer:
        writer.execute("CREATE TABLE t (x)")
        writer.execute("BEGIN EXCLUSIVE")  # a write that never ends (rollback journal: readers wait)
        with pytest.raises(Unreachable) as error:
            source(path).read([], frozenset())
        writer.execute("ROLLBACK")
    assert "(noco.db) : fichier verrouillé par une écriture qui ne se termine pas." in str(error.value)
    assert str(tmp_path) not in str(error.value)
