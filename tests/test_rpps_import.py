"""`./cpts import rpps` on the real test NocoDB, with the sample extract of tests/data/rpps: Professionnels du
territoire filled, members linked and completed but never overwritten, a second run writing nothing, a
departure flagged, a run stopped half-way finished without duplicates, --dry-run writing nothing."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from cli_run import run_cli
from test_rpps import NAME, SAMPLE, independent_count

from domain.communes import commune, territory_row
from domain.rpps import ExtractRefused
from schema.models import MEMBERS, PROFESSIONALS, TABLES, TERRITORY, Member, TerritoryProfessional
from services import rpps, writes
from services.rpps import RppsImport, import_rpps
from store import records
from store.base import Base
from store.migrate import migrate

LATER = "PS_LibreAcces_Personne_activite_202611150800.txt"
LEAVING = "10000000006"  # DURAND Marc, removed from the later extract


class Stop(Exception):
    pass


def rows(base: Base) -> dict[str, TerritoryProfessional]:
    loaded = records.load(base, PROFESSIONALS)
    return {str(r.rpps): r for r in loaded.records}


def members(base: Base) -> dict[str, Member]:
    return {str(m.rpps): m for m in records.load(base, MEMBERS).records}


@pytest.fixture(scope="module")
def territory(base: Base) -> Base:
    writes.insert(base, TERRITORY, [territory_row(commune("92040")), territory_row(commune("92075"))])
    writes.insert(
        base,
        MEMBERS,
        [
            Member(rpps="10000000001", last_name="Martin", first_name="Hélène", address="5 rue Différente"),
            Member(rpps="10000000005", last_name="RICHARD"),
            Member(rpps="99999999999", last_name="Absent", profession="Infirmier"),
        ],
    )
    return base


@pytest.fixture(scope="module")
def dry(territory: Base) -> RppsImport:
    return import_rpps(territory, SAMPLE / NAME, date.today(), dry_run=True)


@pytest.fixture(scope="module")
def first(territory: Base, dry: RppsImport) -> RppsImport:
    """The sample imported, after a first run stopped (Ctrl-C) once its first batch of 5 rows was written."""

    def interrupt(step: str, done: int, total: int) -> None:
        if step == rpps.WRITING:
            raise Stop

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rpps, "BATCH", 5)
        with pytest.raises(Stop):
            import_rpps(territory, SAMPLE / NAME, date.today(), progress=interrupt)
    assert territory.count(PROFESSIONALS) == 5
    return import_rpps(territory, SAMPLE / NAME, date.today())


def test_dry_run_writes_nothing_and_says_what_would_change(territory: Base, dry: RppsImport) -> None:
    assert not dry.written
    assert len(dry.changes.arrivals) == 20 and territory.count(PROFESSIONALS) == 0
    assert members(territory)["10000000005"].first_name is None


def test_import_fills_the_table_by_profession_without_duplicates(territory: Base, first: RppsImport) -> None:
    stored = records.load(territory, PROFESSIONALS).records
    assert len(stored) == len({r.rpps for r in stored}) == 20  # the interrupted run's 5 rows not written twice
    assert Counter(r.profession for r in stored) == independent_count()
    assert {r.arrival for r in stored} == {r.seen_on for r in stored} == {date(2026, 11, 1)}
    assert all(r.departure is None for r in stored)
    assert first.written and len(first.changes.arrivals) == 15


def test_members_are_linked_and_completed_never_overwritten(territory: Base, first: RppsImport) -> None:
    ours = members(territory)
    stored = rows(territory)
    assert stored["10000000001"].member == ours["10000000001"].id
    assert stored["10000000005"].member == ours["10000000005"].id
    assert stored["10000000002"].member is None  # not a member: listed, not made one
    martin = ours["10000000001"]
    assert martin.address == "5 rue Différente"  # typed by the coordinator: kept
    assert (martin.phone, martin.profession, martin.practice_mode) == ("01 46 42 00 01", "Médecin", "Mixte")
    richard = ours["10000000005"]
    assert (richard.first_name, richard.email, richard.insee_code) == ("Jeanne", "jeanne.richard@exemple.fr", "92040")
    assert [str(d) for d in first.changes.differences] == [
        "Martin Hélène (RPPS 10000000001) — Adresse : NocoDB dit « 5 rue Différente », RPPS dit « 12 Rue de l'Église »"
    ]
    assert [m.rpps for m in first.changes.absent_members] == ["99999999999"]
    assert territory.count(MEMBERS) == 3


def test_a_second_run_changes_nothing_and_says_so(territory: Base, first: RppsImport) -> None:
    before = rows(territory), members(territory)
    again = import_rpps(territory, SAMPLE / NAME, date.today())
    assert again.changes.nothing and not again.written
    assert again.changes.unchanged == 20 and len(again.changes.differences) == 1
    assert (rows(territory), members(territory)) == before


def test_the_command_tells_in_french(nocodb, territory: Base, first: RppsImport) -> None:
    zipped = str(SAMPLE / "PS_LibreAcces_202611010800.zip")
    done = run_cli(nocodb, territory, "import", "rpps", zipped, "--territory", "--dry-run")  # the default, said
    assert done.returncode == 0, done.stderr
    assert "Professionnels du territoire : 20, dont 2 adhérent(s)." in done.stdout
    assert "Infirmier" in done.stdout and "NocoDB dit « 5 rue Différente »" in done.stdout
    assert "Ligne 12, champ « Téléphone »" in done.stderr
    assert "Aucun changement" in done.stdout
    refused = run_cli(nocodb, territory, "import", "rpps", str(SAMPLE / NAME), "--communes", "92130")
    assert refused.returncode == 1
    assert "« 92130 » est un code postal" in refused.stderr and "Traceback" not in refused.stderr


def test_a_later_extract_flags_departures_and_an_older_one_is_refused(
    territory: Base, first: RppsImport, tmp_path: Path
) -> None:
    lines = (SAMPLE / NAME).read_text(encoding="utf-8").splitlines(keepends=True)
    (tmp_path / LATER).write_text("".join(line for line in lines if f"|{LEAVING}|" not in line), encoding="utf-8")
    later = import_rpps(territory, tmp_path / LATER, date.today())
    stored = rows(territory)
    assert [r.rpps for r in later.changes.departures] == [LEAVING]
    assert len(stored) == 20 and stored[LEAVING].departure == date(2026, 11, 15)  # flagged, never deleted
    assert stored[LEAVING].seen_on == date(2026, 11, 1)
    assert {r.seen_on for k, r in stored.items() if k != LEAVING} == {date(2026, 11, 15)}
    assert {r.arrival for r in stored.values()} == {date(2026, 11, 1)}
    with pytest.raises(ExtractRefused, match="plus ancien que le dernier importé"):
        import_rpps(territory, SAMPLE / NAME, date.today())


def test_migrating_an_existing_base_adds_the_table(nocodb) -> None:
    client = nocodb.client()
    base_id = client.create_base("Test base sans professionnels")["id"]
    try:
        migrate(client, base_id, [spec for spec in TABLES if spec is not PROFESSIONALS])
        existing = Base(client, base_id)
        [member] = writes.insert(existing, MEMBERS, [Member(rpps="10000000001", last_name="Martin")])
        report = migrate(client, base_id)
        assert report.created_tables == [PROFESSIONALS.title]
        assert f"{PROFESSIONALS.title}.Membre" in report.added_fields and report.drift == []
        assert [m.id for m in records.load(Base(client, base_id), MEMBERS).records] == [member]
        assert not migrate(client, base_id).changed
    finally:
        client.delete_base(base_id)
