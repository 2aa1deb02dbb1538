"""`./cpts import rpps`: the public RPPS extract brought into Professionnels du territoire, members completed.

The file (the `.txt` extract, or the `PS_LibreAcces_*.zip` that holds it, read without unpacking it to disk)
is streamed once, keeping the activities of the territory's communes (`domain.rpps`); what it changes is
worked out whole (`domain.rpps_changes`) before anything is written. Rows are matched by RPPS, so a run
stopped half-way and started again finishes without duplicates, and a second run of the same extract writes
nothing. With `dry_run`, nothing is written at all.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO

from domain.problems import Problem
from domain.rpps import ExtractRefused, ReadStats, extract_day, professionals, read_activities
from domain.rpps_changes import RppsChanges, checked_professionals, rpps_changes
from domain.validation import EARLIEST_EVENT, insee_problem
from schema.models import MEMBERS, PROFESSIONALS, TERRITORY, Member, TerritoryProfessional
from services import writes
from services.tables import table_records
from store import records
from store.base import Base

EXTRACT_NAME = "PS_LibreAcces_Personne_activite"
BATCH = 500  # rows per write: a run stopped half-way keeps the batches already written
PROGRESS_EVERY = 50_000  # lines between two reports of the reading's progress
READING, WRITING = "Lecture de l'extrait", "Écriture dans NocoDB"
Progress = Callable[[str, int, int], None]  # (step, done, total): bytes read, then rows written


@dataclass
class RppsImport:
    """One import: what was read, what it changes, whether it was written."""

    file: str  # name of the extract read (inside the zip for a zip)
    day: date  # date of the extract
    communes: list[str]
    stats: ReadStats
    found: list[TerritoryProfessional]  # the professionals of the territory in the extract
    adeli_only: int  # people of the territory without an RPPS number, left aside
    problems: list[Problem]  # values of the extract refused (left empty)
    changes: RppsChanges
    written: bool = False
    members: list[Member] = field(default_factory=list)


def import_rpps(
    base: Base,
    path: Path,
    today: date,
    communes: Sequence[str] = (),
    *,
    dry_run: bool = False,
    progress: Progress = lambda *_: None,
) -> RppsImport:
    """Import the extract at `path` for `communes` (INSEE codes; the Territoire table's when empty)."""
    codes = checked_communes(communes) if communes else territory_communes(base)
    with open_extract(path) as (stream, size, name):
        stats = ReadStats()
        found = professionals(read_activities(_reported(stream, size, progress), codes, stats))
    day = _extract_day(path, name, today)
    if not stats.kept:
        raise ExtractRefused(
            f"Aucune activité dans les communes {', '.join(codes)} parmi les {stats.lines} lignes de {name} : "
            "rien n'a été écrit (est-ce le bon fichier, les bonnes communes ?)."
        )
    rows, problems = checked_professionals(found, today)
    existing = table_records(base, PROFESSIONALS, refresh=True).records
    _refuse_older(existing, day)
    members = table_records(base, MEMBERS, refresh=True).records
    changes = rpps_changes(rows, existing, members, codes, day)
    adeli = sum(1 for person in found if person.rpps is None)
    done = RppsImport(name, day, list(codes), stats, rows, adeli, problems, changes, members=members)
    if not dry_run and not changes.nothing:
        write(base, changes, progress)
        done.written = True
    return done


def write(base: Base, changes: RppsChanges, progress: Progress) -> None:
    """New rows in batches (each all or nothing), then the rows changed, then the members filled."""
    rows = changes.rows_to_write
    total, done = len(changes.arrivals) + len(rows) + len(changes.members), 0
    for batch in writes.batches(changes.arrivals, BATCH):
        writes.insert(base, PROFESSIONALS, batch)
        done += len(batch)
        progress(WRITING, done, total)
    for batch in writes.batches(rows, BATCH):
        records.update(base, PROFESSIONALS, batch)
        done += len(batch)
        progress(WRITING, done, total)
    by_fields: dict[tuple[str, ...], list[Member]] = {}
    for member, attrs in changes.members:
        by_fields.setdefault(attrs, []).append(member)
    for attrs, members in by_fields.items():
        records.patch(base, MEMBERS, members, attrs)
        done += len(members)
        progress(WRITING, done, total)


def territory_communes(base: Base) -> list[str]:
    """The INSEE codes of the Territoire table; refused when it has none."""
    codes = sorted({c.insee_code for c in table_records(base, TERRITORY).records if c.insee_code})
    if not codes:
        raise ExtractRefused(
            "Le territoire n'a aucune commune : ajoutez-les (page Territoire) ou précisez --communes 92040,92075."
        )
    return codes


def checked_communes(codes: Sequence[str]) -> list[str]:
    """The INSEE codes given, each checked (a postcode is refused with the codes of its communes)."""
    wanted = [code.strip().upper() for code in codes if code.strip()]
    problems = [problem for problem in map(insee_problem, wanted) if problem]
    if problems or not wanted:
        raise ExtractRefused("--communes : " + ("\n".join(problems) or "aucun code INSEE donné."))
    return sorted(set(wanted))


@contextmanager
def open_extract(path: Path) -> Iterator[tuple[IO[bytes], int, str]]:
    """The extract's bytes, its size and its name: the file itself, or the `PS_LibreAcces_Personne_activite`
    file inside a zip, read from the zip as it goes (nothing unpacked to disk)."""
    if not path.is_file():
        raise ExtractRefused(f"Fichier introuvable : {path}.")
    if not zipfile.is_zipfile(path):
        with path.open("rb") as file:
            yield file, path.stat().st_size, path.name
        return
    with zipfile.ZipFile(path) as archive:
        inside = [i for i in archive.infolist() if Path(i.filename).name.startswith(EXTRACT_NAME)]
        if not inside:
            raise ExtractRefused(f"{path.name} ne contient aucun fichier {EXTRACT_NAME}*.txt.")
        with archive.open(inside[0]) as file:
            yield file, inside[0].file_size, Path(inside[0].filename).name


def _reported(stream: IO[bytes], size: int, progress: Progress) -> Iterator[bytes]:
    """The stream's lines, its progress told every `PROGRESS_EVERY` lines (bytes read of `size`)."""
    for number, line in enumerate(stream):
        if number % PROGRESS_EVERY == 0:
            progress(READING, stream.tell(), size)
        yield line
    progress(READING, size, size)


def _extract_day(path: Path, name: str, today: date) -> date:
    """The extract's date: from its name (or the zip's), else the file's modification date; never in the future."""
    day = extract_day(name) or extract_day(path.name) or datetime.fromtimestamp(path.stat().st_mtime).date()
    if not EARLIEST_EVENT <= day <= today:
        raise ExtractRefused(f"{name} : la date de l'extrait ({day:%d/%m/%Y}) n'est pas plausible.")
    return day


def _refuse_older(existing: Sequence[TerritoryProfessional], day: date) -> None:
    latest = max((row.seen_on for row in existing if row.seen_on), default=None)
    if latest and day < latest:
        raise ExtractRefused(
            f"Cet extrait date du {day:%d/%m/%Y}, plus ancien que le dernier importé ({latest:%d/%m/%Y}) : "
            "rien n'a été écrit (téléchargez l'extrait du jour)."
        )
