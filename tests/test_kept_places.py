"""The places of the communes a base names, kept between processes (`store.snapshot.kept_places`): the same
places as `domain.communes.places_of`, the communes' JSON read only for codes not seen before, and a kept
file of other communes data, other code, damaged or tampered with never taken."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from domain import communes
from domain.communes import current_data_dir, places_of
from domain.matching import Place
from store.snapshot import PLACES_FILE, kept_places

CODES = {"05004", "05009", "92040", "99999"}  # 99999: unknown


class Finder:
    """`places_of`, counting the codes it is asked for."""

    def __init__(self) -> None:
        self.asked: list[set[str]] = []

    def __call__(self, codes: set[str]) -> dict[str, Place]:
        self.asked.append(set(codes))
        return places_of(codes)


def places(folder: Path, codes: set[str], finder: Finder, data: Path | None = None) -> dict[str, Place | None]:
    return kept_places(folder, data or current_data_dir(), codes, finder)


def test_the_places_are_those_of_the_communes_and_kept_for_the_next_process(tmp_path: Path) -> None:
    first, second = Finder(), Finder()
    found = places(tmp_path, CODES, first)
    expected = places_of(CODES)
    assert found == {code: expected.get(code) for code in CODES}
    assert found["99999"] is None and found["05004"] == communes.place("05004")
    assert places(tmp_path, CODES, second) == found
    assert first.asked == [CODES] and second.asked == []  # the next process reads no JSON
    assert stat.S_IMODE(os.stat(tmp_path / PLACES_FILE).st_mode) == 0o600


def test_only_the_codes_not_seen_before_are_looked_up(tmp_path: Path) -> None:
    places(tmp_path, {"05004"}, Finder())
    finder = Finder()
    assert places(tmp_path, {"05004", "05009"}, finder) == {
        "05004": communes.place("05004"),
        "05009": communes.place("05009"),
    }
    assert finder.asked == [{"05009"}]
    assert places(tmp_path, {"05009"}, finder) == {"05009": communes.place("05009")}
    assert finder.asked == [{"05009"}]


def test_other_communes_data_is_read_again(tmp_path: Path) -> None:
    data = tmp_path / "communes"
    shutil.copytree(current_data_dir(), data)
    kept = tmp_path / "copies"
    places(kept, CODES, Finder(), data)
    (data / "ept.json").write_text("[]", encoding="utf-8")  # the communes data updated
    finder = Finder()
    places(kept, CODES, finder, data)
    assert finder.asked == [CODES]


@pytest.mark.parametrize("damage", ["body", "header", "magic", "truncated"])
def test_a_damaged_or_tampered_file_is_ignored(tmp_path: Path, damage: str) -> None:
    places(tmp_path, CODES, Finder())
    path = tmp_path / PLACES_FILE
    content = path.read_bytes()
    magic, header, body = content.split(b"\n", 2)
    changed = {
        "body": magic + b"\n" + header + b"\n" + body.replace(b"Ancelle", b"Ancellx"),
        "header": magic + b"\n" + header.replace(b'"code": "', b'"code": "0') + b"\n" + body,
        "magic": b"X" + content,
        "truncated": content[: len(content) // 2],
    }[damage]
    assert changed != content
    path.write_bytes(changed)
    finder = Finder()
    assert places(tmp_path, CODES, finder)["05004"] == communes.place("05004")
    assert finder.asked == [CODES]
