"""The access journal: every display or export of patient-level data appends one row to Journal d'accès
(more when its patient codes do not fit in one NocoDB text cell: see `domain.access_log.journal_parts`)."""

from __future__ import annotations

import getpass
import socket
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from domain.access_log import journal_parts, utc_since
from domain.problems import Problem
from schema.models import ACCESS_LOG, AccessEntry
from services import writes
from store import records
from store.base import Base
from store.client import clause

if TYPE_CHECKING:
    import pandas as pd


def record_access(base: Base, user: str, what: str, patient_codes: Sequence[str]) -> None:
    """Trace that `user` saw (or exported) these patients on page or command `what`."""
    at = datetime.now(UTC).replace(microsecond=0)
    entries = [
        AccessEntry(user=user, at=at, what=part, patient_count=len(codes), patient_codes=", ".join(codes))
        for part, codes in journal_parts(what, list(patient_codes))
    ]
    writes.insert(base, ACCESS_LOG, entries)


def command_user() -> str:
    """Who runs a ./cpts command, as the journal names them: the system account and the machine."""
    return f"{getpass.getuser()}@{socket.gethostname()} (ligne de commande)"


def journal_since(base: Base, start: date) -> tuple[pd.DataFrame, list[Problem]]:
    """The journal rows from `start` on (read with a day of margin: the journal is stored in UTC), and the
    values the spec refuses. Only those rows are read from NocoDB."""
    where = clause(ACCESS_LOG.field("at").title, "gte", "exactDate", utc_since(start).isoformat())
    loaded = records.load(base, ACCESS_LOG, where=where)
    return loaded.frame, list(loaded.problems)
