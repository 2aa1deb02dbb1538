"""What the store counts on NocoDB for, whatever NocoDB's database: rows by Id page after page (PostgreSQL
gives an edited row back last when nothing orders it), text kept byte for byte (accents,
case), exact text filters, dates and times as written and filtered by day, link columns read back. In
the `postgres` subset of tests/conftest.py: run on SQLite, then on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from schema.models import ACCESS_LOG, MEMBERS, PATIENTS, AccessEntry, Member, Patient
from services.journal import journal_since
from store import records
from store.base import Base
from store.client import clause
from store.copies import ApiSource

NAMES = ["Zoé", "éloïse", "Eloise", "ÉLOÏSE", "Émile", "zoe", "Ève"]


@pytest.fixture(scope="module")
def members(base: Base) -> list[int]:
    made = [Member(last_name=name, first_name="A", profession="Médecin") for name in NAMES]
    return records.insert(base, MEMBERS, made)


def test_rows_come_back_by_id_after_edits(base: Base, members: list[int]) -> None:
    handle = base.handle(MEMBERS)
    last_name = MEMBERS.field("last_name").title
    base.client.update(handle.id, [{"Id": members[0], last_name: "Zoé"}, {"Id": members[2], last_name: "Eloise"}])
    paged = [row["Id"] for page in base.client.pages(base.id, handle.id, page_size=2) for row in page]
    assert paged == sorted(members)
    _, rows = ApiSource(base).read([handle], frozenset())
    read = rows[MEMBERS.key]
    assert read is not None
    assert [row[0] for row in read.values] == sorted(members)


def test_text_is_kept_byte_for_byte_and_filtered_exactly(base: Base, members: list[int]) -> None:
    loaded = records.load(base, MEMBERS).records
    assert sorted(m.last_name or "" for m in loaded) == sorted(NAMES)
    title = MEMBERS.field("last_name").title
    exact = records.load(base, MEMBERS, where=clause(title, "eq", "éloïse")).records
    assert [m.last_name for m in exact] == ["éloïse"]


def test_dates_and_times_as_written_and_filtered_by_day(base: Base) -> None:
    times = [datetime(2026, 3, 1, 23, 30, tzinfo=UTC), datetime(2026, 3, 3, 0, 15, tzinfo=UTC)]
    records.insert(base, ACCESS_LOG, [AccessEntry(user="test", at=at, what="Parité", patient_count=0) for at in times])
    read = sorted(e.at for e in records.load(base, ACCESS_LOG).records if e.at is not None)
    assert [at.astimezone(UTC) for at in read] == times
    frame, problems = journal_since(base, date(2026, 3, 3))  # from 2 March (UTC), a day of margin
    assert problems == []
    assert len(frame) == 1


def test_links_and_dates_of_a_patient_read_back(base: Base, members: list[int]) -> None:
    patient = Patient(code="P-909090", birth_date=date(1950, 2, 28), status="MT trouvé", gp=members[1])
    (patient_id,) = records.insert(base, PATIENTS, [patient])
    found = records.load(base, PATIENTS, where=clause("Id", "eq", patient_id)).records
    assert [(p.gp, p.birth_date) for p in found] == [(members[1], date(1950, 2, 28))]
    handle = base.handle(PATIENTS)
    _, rows = ApiSource(base).read([handle], frozenset())
    read = rows[PATIENTS.key]
    assert read is not None
    gp_key = handle.fk_titles[PATIENTS.field("gp").title]
    (row,) = [row for row in read.values if row[0] == patient_id]
    assert row[read.keys.index(gp_key)] == members[1]
