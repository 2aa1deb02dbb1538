"""Reading the access journal: rows of a period, of a user, or touching one patient, and their figures.

Input: the DataFrame of Journal d'accès (`store.records.to_frame`: user, at (UTC), what, patient_count,
patient_codes as "P-000001, P-000002"). Times are shown in French local time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    import pandas as pd  # the journal's figures take frames; `./cpts match` only writes to the journal

LOCAL_TIME = "Europe/Paris"
COMMAND_PREFIX = "./cpts"  # what a command-line access writes in « Page ou commande »
# NocoDB refuses a text cell over 100 000 characters (NC_MAX_TEXT_LENGTH): at 10 characters a code
# ("P-000123, "), one row holds up to this many codes; a larger access continues on further rows.
CODES_PER_ROW = 9_000
CONTINUED = " (suite "  # "Patients en attente (suite 2/3)"


def local_day(now: datetime) -> date:
    """The day it is in France at `now` (an aware time): the journal's days are French days, so its « today »
    is too (between 22:00 and 24:00 UTC, France is already on the next day)."""
    return now.astimezone(ZoneInfo(LOCAL_TIME)).date()


def patient_reference(code: object, row_id: object) -> str:
    """How a patient is named wherever it is shown and journaled: its code, or « Id 12 » (its NocoDB row)
    when it has none yet (typed in the grid without one): every patient shown stays identifiable in the
    journal, never « nan » or left out."""
    if isinstance(code, str) and code.strip():
        return code.strip()
    return f"Id {row_id}"


@dataclass(frozen=True)
class JournalFilter:
    start: date
    end: date  # included
    user: str | None = None
    patient_code: str | None = None


@dataclass(frozen=True)
class JournalFigures:
    accesses: int
    users: int
    patients: int  # distinct patient codes seen
    commands: int  # accesses by command (exports, purge)


def journal_parts(what: str, codes: list[str]) -> list[tuple[str, list[str]]]:
    """The rows of one access: (page or command, its codes), continued rows marked "(suite k/n)"."""
    parts = [codes[start : start + CODES_PER_ROW] for start in range(0, len(codes), CODES_PER_ROW)] or [[]]
    total = len(parts)
    return [(what if k == 1 else f"{what}{CONTINUED}{k}/{total})", part) for k, part in enumerate(parts, start=1)]


def is_continued(what: object) -> bool:
    return isinstance(what, str) and CONTINUED in what


def codes_of(cell: object) -> list[str]:
    """ "P-000001, P-000002" -> ["P-000001", "P-000002"]."""
    if not isinstance(cell, str):
        return []
    return [code.strip() for code in cell.split(",") if code.strip()]


def utc_since(start: date) -> date:
    """The first UTC day to read so that the local day `start` is complete (France is ahead of UTC)."""
    return start - timedelta(days=1)


def filter_journal(journal: pd.DataFrame, chosen: JournalFilter) -> pd.DataFrame:
    """The rows chosen, newest first, with a `local` column (naive local date and time)."""
    import pandas as pd

    local = pd.to_datetime(journal["at"], utc=True).dt.tz_convert(LOCAL_TIME).dt.tz_localize(None)
    shown = journal.assign(local=local)
    days = shown["local"].dt.date
    keep = (days >= chosen.start) & (days <= chosen.end)
    if chosen.user:
        keep &= shown["user"].astype("string") == chosen.user
    if chosen.patient_code:
        keep &= shown["patient_codes"].map(lambda cell: chosen.patient_code in codes_of(cell))
    kept: pd.DataFrame = shown[keep.fillna(False).astype(bool)]  # pandas-stubs type a boolean mask's rows as Any
    return kept.sort_values("local", ascending=False, kind="stable")


def journal_figures(rows: pd.DataFrame) -> JournalFigures:
    """Accesses (continued rows not counted again), users, distinct patients, accesses by command."""
    codes = {code for cell in rows["patient_codes"] for code in codes_of(cell)}
    first = rows[~rows["what"].map(is_continued).astype(bool)]
    commands = int(first["what"].astype("string").str.startswith(COMMAND_PREFIX).fillna(False).sum())
    return JournalFigures(len(first), int(rows["user"].nunique()), len(codes), commands)


def accesses_by_day(rows: pd.DataFrame) -> pd.DataFrame:
    """Accesses per local day (columns day, count), oldest first; continued rows not counted again."""
    first = rows[~rows["what"].map(is_continued).astype(bool)]
    counts = first.groupby(first["local"].dt.normalize()).size()
    return counts.rename_axis("day").reset_index(name="count").sort_values("day")
