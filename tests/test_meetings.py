"""The life of the association on a real NocoDB: the migration adds Rencontres and Participations to an existing
base; a planned meeting's attendance sheet (PDF, LibreOffice offline) lists exactly its invited members; presence
and satisfaction are written; the meeting indicators equal NocoDB's own filtered counts; bad input (an end before
the start, a score of 7, a person both present and excused, the bureau's role) is refused in French naming the row
and the field, nothing written."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import date

import pytest

from domain.access import BOARD, COORDINATOR
from domain.indicators import LiveData, compute
from domain.meeting_indicators import MEETING_KEYS
from errors import Refused
from schema.meetings import MEETINGS, PARTICIPATIONS, MeetingKind, Presence
from schema.models import MEMBERS, TABLES, Member
from services.meetings import attendance_sheet, plan_meeting, record_presence, record_satisfaction
from store import records
from store.base import Base
from store.migrate import migrate
from tests.conftest import Server
from tests.meetings_fixture import SEEDED_THIS_YEAR, meeting_counts, seed_meetings

YEAR = date.today().year
NAMES = [("Alice", "Arnaud", "Médecin"), ("Bruno", "Bernard", "Infirmier"), ("Chloé", "Charpentier", "Pharmacien"),
         ("Damien", "Dupuis", "Masseur-kinésithérapeute"), ("Élise", "Étienne", "Sage-femme")]  # fmt: skip
MEETING = {
    "title": "Revue de cas complexes",
    "kind": MeetingKind.MEETING,
    "on": date(YEAR, 6, 12),
    "start": "19:00",
    "end": "21:00",
    "place": "Maison de santé",
    "mission": "5. Qualité et pertinence des soins",
}


@pytest.fixture(scope="module")
def members(base: Base) -> list[int]:
    people = [Member(first_name=first, last_name=last, profession=job) for first, last, job in NAMES]
    return records.insert(base, MEMBERS, people)


def written(base: Base) -> tuple[int, int]:
    return base.count(MEETINGS), base.count(PARTICIPATIONS)


def pdf_text(pdf: bytes) -> str:
    assert shutil.which("pdftotext"), "poppler-utils manque"
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_the_migration_adds_the_tables_to_an_existing_base(nocodb: Server) -> None:
    client = nocodb.client()
    created = client.create_base("Test rencontres existante")
    try:
        before = [spec for spec in TABLES if spec not in (MEETINGS, PARTICIPATIONS)]
        migrate(client, created["id"], before)
        report = migrate(client, created["id"])
        assert report.created_tables == ["Rencontres", "Participations"]
        base = Base(client, created["id"])
        columns = {c["title"]: c for c in client.table(base.handle(MEETINGS).id)["columns"]}
        assert columns["Compte rendu"]["uidt"] == "Attachment"
        assert not migrate(client, created["id"]).changed
    finally:
        client.delete_base(created["id"])


def test_the_attendance_sheet_lists_exactly_the_invited_members(base: Base, members: list[int]) -> None:
    invited = members[:3]
    meeting_id = plan_meeting(base, COORDINATOR, MEETING, invited)
    rows = [p for p in records.load(base, PARTICIPATIONS).records if p.meeting == meeting_id]
    assert sorted(p.member for p in rows) == sorted(invited)
    assert {p.presence for p in rows} == {Presence.INVITED}

    text = pdf_text(attendance_sheet(base, COORDINATOR, meeting_id))
    assert "FEUILLE D'ÉMARGEMENT" in text and "Revue de cas complexes" in text
    for first, last, profession in NAMES[:3]:
        assert f"{first} {last}" in text and profession in text
    for _first, last, _ in NAMES[3:]:
        assert last not in text
    lines = [line for line in text.splitlines() if any(f"{f} {n}" in line for f, n, _ in NAMES)]
    assert len(lines) == 3


def test_presence_and_satisfaction_are_written(base: Base, members: list[int]) -> None:
    meeting_id = plan_meeting(base, COORDINATOR, {**MEETING, "title": "Formation"}, members[:3])
    rows = sorted(
        (p for p in records.load(base, PARTICIPATIONS).records if p.meeting == meeting_id), key=lambda p: p.id
    )
    first, second, third = (p.id for p in rows)
    record_presence(base, COORDINATOR, meeting_id, [first, second], [third])
    record_satisfaction(base, COORDINATOR, meeting_id, {first: (5, "Très utile"), second: (3, "")})
    after = {p.id: p for p in records.load(base, PARTICIPATIONS).records}
    assert [after[i].presence for i in (first, second, third)] == ["Présent", "Présent", "Excusé"]
    assert (after[first].satisfaction, after[first].comment) == (5, "Très utile")
    assert (after[second].satisfaction, after[second].comment) == (3, None)
    record_presence(base, COORDINATOR, meeting_id, [first], [])
    after = {p.id: p for p in records.load(base, PARTICIPATIONS).records}
    assert [after[i].presence for i in (first, second, third)] == ["Présent", "Invité", "Invité"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start": "21:00", "end": "19:00"}, "« Fin » 19:00 n'est pas après « Début » 21:00"),
        ({"end": "19:00"}, "« Fin » 19:00 n'est pas après « Début » 19:00"),
        ({"end": "25:00"}, "« Fin » : « 25:00 » n'a pas le format attendu"),
        ({"title": None}, "« Titre » manque"),
    ],
)
def test_a_meeting_that_does_not_hold_is_refused_nothing_written(
    base: Base, members: list[int], change: dict[str, object], message: str
) -> None:
    before = written(base)
    with pytest.raises(Refused) as refused:
        plan_meeting(base, COORDINATOR, {**MEETING, **change}, members)
    assert message in str(refused.value) and "Rencontres" in str(refused.value)
    assert written(base) == before


def test_bad_scores_and_presence_are_refused_nothing_written(base: Base, members: list[int]) -> None:
    meeting_id = plan_meeting(base, COORDINATOR, {**MEETING, "title": "Atelier"}, members[:2])
    first, second = sorted(p.id for p in records.load(base, PARTICIPATIONS).records if p.meeting == meeting_id)
    before = {p.id: p for p in records.load(base, PARTICIPATIONS).records}
    with pytest.raises(Refused) as refused:
        record_satisfaction(base, COORDINATOR, meeting_id, {first: (4, "bien"), second: (7, "")})
    assert f"Participations n° {second} : « Satisfaction (1-5) » « 7 » doit être un nombre entier de 1 à 5" == str(
        refused.value
    )
    with pytest.raises(Refused, match="à la fois présent et excusé"):
        record_presence(base, COORDINATOR, meeting_id, [first], [first])
    with pytest.raises(Refused, match="organiser les rencontres"):
        plan_meeting(base, BOARD, MEETING, members)
    with pytest.raises(Refused, match="pas une participation"):
        record_presence(base, COORDINATOR, meeting_id, [first, 999], [])
    assert {p.id: p for p in records.load(base, PARTICIPATIONS).records} == before


@pytest.fixture(scope="module")
def seeded(nocodb: Server) -> Iterator[Base]:
    client = nocodb.client()
    created = client.create_base("Test indicateurs des rencontres")
    migrate(client, created["id"])
    base = Base(client, created["id"])
    records.insert(base, MEMBERS, [Member(first_name=f, last_name=n, profession=j) for f, n, j in NAMES])
    seed_meetings(base, YEAR)
    yield base
    client.delete_base(created["id"])


def live(base: Base) -> LiveData:
    empty = records.load(base, MEMBERS).frame.iloc[0:0]
    return LiveData(
        empty,
        records.load(base, MEMBERS).frame,
        empty,
        empty,
        empty,
        meetings=records.load(base, MEETINGS).frame,
        participations=records.load(base, PARTICIPATIONS).frame,
    )


def test_the_indicators_equal_nocodbs_own_counts(seeded: Base) -> None:
    data = live(seeded)
    for year in (YEAR, YEAR - 1):
        expected = meeting_counts(seeded, year)
        assert {key: compute(key, data, year) for key in expected} == expected
    assert set(MEETING_KEYS) <= {key.split(":")[0] for key in expected}
    assert meeting_counts(seeded, YEAR) == SEEDED_THIS_YEAR


def test_a_meeting_row_changed_in_nocodb_moves_the_indicator(seeded: Base) -> None:
    [excused] = [p for p in records.load(seeded, PARTICIPATIONS).records if p.presence == Presence.EXCUSED]
    records.patch(seeded, PARTICIPATIONS, [excused.model_copy(update={"presence": Presence.PRESENT})], ["presence"])
    try:
        assert compute("participants_rencontres_annee", live(seeded), YEAR) == 3
        assert meeting_counts(seeded, YEAR)["participants_rencontres_annee"] == 3
    finally:
        records.patch(seeded, PARTICIPATIONS, [excused], ["presence"])
