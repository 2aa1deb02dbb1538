"""The access journal: every display or export of patient-level data appends one row to Journal d'accès."""

from __future__ import annotations

import getpass
import socket
from collections.abc import Sequence
from datetime import UTC, datetime

from schema.models import ACCESS_LOG, AccessEntry
from sync import records
from sync.base import Base


def record_access(base: Base, user: str, what: str, patient_codes: Sequence[str]) -> None:
    """Trace that `user` saw (or exported) these patients on page or command `what`."""
    entry = AccessEntry(
        user=user,
        at=datetime.now(UTC).replace(microsecond=0),
        what=what,
        patient_count=len(patient_codes),
        patient_codes=", ".join(patient_codes),
    )
    records.insert(base, ACCESS_LOG, [entry])


def command_user() -> str:
    """Who runs a ./cpts command, as the journal names them: the system account and the machine."""
    return f"{getpass.getuser()}@{socket.gethostname()} (ligne de commande)"
