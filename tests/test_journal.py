"""The access journal on a real NocoDB."""

from __future__ import annotations

from schema.models import ACCESS_LOG
from sync import records
from sync.base import Base
from sync.journal import record_access


def test_each_access_appends_one_row(base: Base) -> None:
    record_access(base, "coord@cpts.fr", "Patients en attente", ["P-000001", "P-000002"])
    record_access(base, "coord@cpts.fr", "export", [])
    rows = records.load(base, ACCESS_LOG).records
    assert [(r.user, r.what, r.patient_count, r.patient_codes) for r in rows] == [
        ("coord@cpts.fr", "Patients en attente", 2, "P-000001, P-000002"),
        ("coord@cpts.fr", "export", 0, None),
    ]
    assert all(r.at is not None for r in rows)
