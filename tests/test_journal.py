"""The access journal on a real NocoDB."""

from __future__ import annotations

from schema.models import ACCESS_LOG
from services.journal import record_access
from store import records
from store.base import Base


def test_each_access_appends_one_row(base: Base) -> None:
    record_access(base, "coord@cpts.fr", "Patients en attente", ["P-000001", "P-000002"])
    record_access(base, "coord@cpts.fr", "export", [])
    rows = records.load(base, ACCESS_LOG).records
    assert [(r.user, r.what, r.patient_count, r.patient_codes) for r in rows] == [
        ("coord@cpts.fr", "Patients en attente", 2, "P-000001, P-000002"),
        ("coord@cpts.fr", "export", 0, None),
    ]
    assert all(r.at is not None for r in rows)


def test_a_large_access_is_written_over_several_rows(base: Base) -> None:
    codes = [f"P-{n:06d}" for n in range(20_000)]  # 200 000 characters: over NocoDB's limit for one cell
    record_access(base, "coord@cpts.fr", "./cpts purge", codes)
    rows = [r for r in records.load(base, ACCESS_LOG).records if r.what and r.what.startswith("./cpts purge")]
    assert [(r.what, r.patient_count) for r in rows] == [
        ("./cpts purge", 9000),
        ("./cpts purge (suite 2/3)", 9000),
        ("./cpts purge (suite 3/3)", 2000),
    ]
    assert [c for r in rows for c in (r.patient_codes or "").split(", ")] == codes
    assert len({r.at for r in rows}) == 1
