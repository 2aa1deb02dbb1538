"""The public RPPS extract (Annuaire Santé, `PS_LibreAcces_Personne_activite_*.txt`) read as a stream.

The file is `|`-separated with one header row, each line ending with `|`; UTF-8 today, latin-1 in older files
(each kept line is decoded as UTF-8, else latin-1); Windows line ends are accepted. A person appears once per
activity. Only the activities in the given communes are kept (one split per line, the rest of the line is not
even decoded), so the whole of France (~2 million lines) streams in little memory:

    stats = ReadStats()
    found = professionals(read_activities(binary_lines, {"92040", "92075"}, stats))

Which header title gives which value, and the labels written (professions, specialties, modes), are in
domain/data/rpps.toml. Fields are not quoted in the extract: a line whose count of fields differs from the
header's is counted as malformed (its number kept), never read shifted.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from domain.communes import plain_name
from errors import Refused
from schema.toml_files import read_toml

DATA_FILE = Path(__file__).with_name("data") / "rpps.toml"
SHOWN_MALFORMED = 10  # line numbers of malformed lines kept for the report
_EXTRACT_DAY = re.compile(r"_(\d{8})\d*(?:\.\w+)?$")


class ExtractRefused(Refused):
    """The file is not the extract expected (a header column missing, nothing readable)."""


@dataclass(frozen=True)
class Layout:
    """domain/data/rpps.toml: the columns read and the labels written."""

    columns: dict[str, str]  # value name -> header title
    rpps_type: str
    professions: dict[str, str]  # plain label -> Profession option
    other_profession: str
    specialties: dict[str, str]  # code savoir-faire -> Spécialité
    modes: dict[str, str]  # code mode exercice -> Mode d'exercice
    mixed_mode: str


@cache
def layout() -> Layout:
    data = read_toml(DATA_FILE)
    professions = dict(data["professions"])
    modes = dict(data["modes"])
    return Layout(
        columns=dict(data["columns"]),
        rpps_type=str(data["identifiers"]["rpps_type"]),
        other_profession=professions.pop("other"),
        professions=professions,
        specialties=dict(data["specialties"]),
        mixed_mode=modes.pop("mixed"),
        modes=modes,
    )


@dataclass(frozen=True)
class Activity:
    """One line of the extract kept: one activity of one person, with the values the import writes."""

    line: int  # its line number in the file (the header is line 1)
    identifier: str  # « Identifiant PP »: RPPS or ADELI number
    rpps: str | None  # 11 digits, None for a person known by ADELI only
    values: dict[str, str | None]  # attribute of `TerritoryProfessional` -> value as read


@dataclass
class ReadStats:
    """What a read saw: lines, activities kept, lines decoded as latin-1, malformed lines."""

    lines: int = 0  # data lines (header not counted)
    kept: int = 0
    latin1: int = 0
    malformed: int = 0
    malformed_lines: list[int] = field(default_factory=list)  # the first `SHOWN_MALFORMED`

    def add_malformed(self, line: int) -> None:
        self.malformed += 1
        if len(self.malformed_lines) < SHOWN_MALFORMED:
            self.malformed_lines.append(line)


@dataclass(frozen=True)
class Found:
    """One person of the territory: their activities merged into one row of Professionnels du territoire."""

    line: int  # line of their first activity kept
    identifier: str
    rpps: str | None
    values: dict[str, str | None]
    activities: int


def read_activities(lines: Iterable[bytes], communes: Collection[str], stats: ReadStats) -> Iterator[Activity]:
    """The activities of `lines` (the extract's raw lines, header first) whose « Code commune (coord. structure) »
    is one of `communes` (INSEE codes). `stats` is filled as the lines go by."""
    rows = iter(lines)
    header = _decode(next(rows, b""), stats).lstrip("\ufeff").rstrip("\r\n").split("|")
    index = _positions(header)
    width, at_commune = len(header), index["insee_code"]
    wanted = {code.encode("ascii") for code in communes}
    for number, raw in enumerate(rows, start=2):
        parts = raw.rstrip(b"\r\n").split(b"|")
        if len(parts) != width:
            if raw.strip():  # an empty line (at the end of the file) is no line of data
                stats.lines += 1
                stats.add_malformed(number)
            continue
        stats.lines += 1
        if parts[at_commune] not in wanted:
            continue
        stats.kept += 1
        yield _activity(number, _decode(raw, stats).rstrip("\r\n").split("|"), index)


def professionals(activities: Iterable[Activity]) -> list[Found]:
    """The activities grouped by person (« Identifiant PP »), in the order first met."""
    groups: dict[str, list[Activity]] = {}
    for activity in activities:
        groups.setdefault(activity.identifier, []).append(activity)
    return [_merged(group) for group in groups.values()]


def extract_day(name: str) -> date | None:
    """The date in the extract's file name (`PS_LibreAcces_Personne_activite_202611280830.txt` -> 2026-11-28)."""
    match = _EXTRACT_DAY.search(name)
    if not match:
        return None
    digits = match.group(1)
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


# -- one line ----------------------------------------------------------------------------------------


def _decode(raw: bytes, stats: ReadStats) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        stats.latin1 += 1
        return raw.decode("latin-1")


def _positions(header: Sequence[str]) -> dict[str, int]:
    titles = {title.strip(): position for position, title in enumerate(header)}
    missing = [title for title in layout().columns.values() if title not in titles]
    if missing:
        named = ", ".join(f"« {title} »" for title in missing[:5])
        raise ExtractRefused(
            f"Ce fichier n'est pas l'extrait PS_LibreAcces_Personne_activite : colonne(s) absente(s) de l'en-tête : {named}."
        )
    return {name: titles[title] for name, title in layout().columns.items()}


def _activity(line: int, fields: Sequence[str], index: dict[str, int]) -> Activity:
    raw = {name: (fields[position].strip() or None) for name, position in index.items()}
    rules = layout()
    profession = raw["profession_label"]
    values = {
        "last_name": raw["last_name"],
        "first_name": raw["first_name"],
        "profession": rules.professions.get(plain_name(profession), rules.other_profession) if profession else None,
        "specialty": rules.specialties.get(raw["specialty_code"] or "", raw["specialty_label"]),
        "practice_mode": rules.modes.get(raw["mode"] or ""),
        "structure_name": raw["structure_name"] or raw["brand"],
        "address": _address(raw),
        "postcode": raw["postcode"],
        "insee_code": raw["insee_code"],
        "commune": raw["commune"],
        "phone": raw["phone"],
        "email": raw["email"],
    }
    identifier = raw["identifier"] or raw["national_id"] or f"ligne {line}"
    return Activity(line, identifier, _rpps(raw, rules.rpps_type), values)


def _address(raw: dict[str, str | None]) -> str | None:
    street = " ".join(raw[name] or "" for name in ("street_number", "street_repeat", "street_type", "street")).split()
    parts = [" ".join(street), raw["place"] or ""]
    return ", ".join(part for part in parts if part) or None


def _rpps(raw: dict[str, str | None], rpps_type: str) -> str | None:
    """The 11-digit RPPS: « Identifiant PP » of an RPPS person, else « Identification nationale PP » (its type
    digit followed by the RPPS) without its first digit. None for a person known by ADELI only."""
    identifier, national = raw["identifier"] or "", raw["national_id"] or ""
    if raw["id_type"] == rpps_type and len(identifier) == 11 and identifier.isdigit():
        return identifier
    if len(national) == 12 and national.isdigit() and national.startswith(rpps_type):
        return national[1:]
    return None


# -- one person --------------------------------------------------------------------------------------

PLACE = ("structure_name", "address", "postcode", "insee_code", "commune")  # from one and the same activity


def _merged(group: Sequence[Activity]) -> Found:
    """One person: the place of their first libéral activity (else their first), the mode of all of them, and
    the names, profession, specialty and contacts of the main activity, else of the first other that has them."""
    rules = layout()
    liberal = rules.modes.get("L")
    main = next((a for a in group if a.values["practice_mode"] == liberal), group[0])
    others = [main, *(a for a in group if a is not main)]
    values: dict[str, str | None] = {}
    for name in main.values:
        sources = [main] if name in PLACE else others
        values[name] = next((a.values[name] for a in sources if a.values[name]), None)
    values["practice_mode"] = _mode({a.values["practice_mode"] for a in group} - {None}, rules)
    rpps = next((a.rpps for a in group if a.rpps), None)
    return Found(group[0].line, main.identifier, rpps, {"rpps": rpps, **values}, len(group))


def _mode(modes: set[str | None], rules: Layout) -> str | None:
    liberal, salaried = rules.modes.get("L"), rules.modes.get("S")
    if liberal in modes and salaried in modes:
        return rules.mixed_mode
    for code in ("L", "S", "B"):
        if rules.modes.get(code) in modes:
            return rules.modes[code]
    return None
