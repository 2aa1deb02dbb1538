"""Reading the access journal (pure): continued rows, filters in local time, figures."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd

from domain.access_log import (
    CODES_PER_ROW,
    JournalFilter,
    accesses_by_day,
    codes_of,
    filter_journal,
    journal_figures,
    journal_parts,
)


def test_a_large_access_continues_on_further_rows() -> None:
    codes = [f"P-{n:06d}" for n in range(2 * CODES_PER_ROW + 5)]
    parts = journal_parts("Patients en attente", codes)
    assert [(what, len(part)) for what, part in parts] == [
        ("Patients en attente", CODES_PER_ROW),
        ("Patients en attente (suite 2/3)", CODES_PER_ROW),
        ("Patients en attente (suite 3/3)", 5),
    ]
    assert max(len(", ".join(part)) for _, part in parts) < 100_000  # NocoDB's limit for a text cell
    assert journal_parts("./cpts purge", []) == [("./cpts purge", [])]


def journal() -> pd.DataFrame:
    rows = [
        (
            "a@cpts.fr",
            datetime(2026, 3, 1, 23, 30, tzinfo=UTC),
            "Orientation",
            "P-000001, P-000002",
        ),  # 2 March in Paris
        ("a@cpts.fr", datetime(2026, 3, 1, 23, 30, tzinfo=UTC), "Orientation (suite 2/2)", "P-000003"),
        ("b@cpts.fr", datetime(2026, 3, 1, 9, 0, tzinfo=UTC), "./cpts purge", "P-000002"),
        ("b@cpts.fr", datetime(2026, 2, 1, 9, 0, tzinfo=UTC), "Patients en attente", None),
    ]
    return pd.DataFrame(rows, columns=["user", "at", "what", "patient_codes"])


def test_filters_work_on_local_days_users_and_codes() -> None:
    march = filter_journal(journal(), JournalFilter(date(2026, 3, 1), date(2026, 3, 31)))
    assert list(march["what"]) == ["Orientation", "Orientation (suite 2/2)", "./cpts purge"]  # newest first
    second = filter_journal(journal(), JournalFilter(date(2026, 3, 2), date(2026, 3, 2)))
    assert set(second["user"]) == {"a@cpts.fr"}  # 23:30 UTC on 1 March is 00:30 on 2 March in Paris
    coded = filter_journal(journal(), JournalFilter(date(2026, 1, 1), date(2026, 12, 31), patient_code="P-000002"))
    assert list(coded["user"]) == ["a@cpts.fr", "b@cpts.fr"]
    assert filter_journal(journal(), JournalFilter(date(2026, 1, 1), date(2026, 12, 31), user="b@cpts.fr"))[
        "what"
    ].tolist() == ["./cpts purge", "Patients en attente"]


def test_figures_count_an_access_once() -> None:
    rows = filter_journal(journal(), JournalFilter(date(2026, 1, 1), date(2026, 12, 31)))
    figures = journal_figures(rows)
    assert (figures.accesses, figures.users, figures.patients, figures.commands) == (3, 2, 3, 1)
    assert accesses_by_day(rows)["count"].tolist() == [1, 1, 1]
    assert codes_of("P-000001, P-000002") == ["P-000001", "P-000002"] and codes_of(None) == []


def test_the_journal_today_is_the_french_day() -> None:
    from domain.access_log import local_day

    assert local_day(datetime(2026, 11, 28, 22, 30, tzinfo=UTC)) == date(2026, 11, 28)
    assert local_day(datetime(2026, 11, 28, 23, 30, tzinfo=UTC)) == date(2026, 11, 29)  # winter: UTC+1
    assert local_day(datetime(2026, 7, 1, 22, 30, tzinfo=UTC)) == date(2026, 7, 2)  # summer: UTC+2
