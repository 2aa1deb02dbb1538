"""The shared copy of the tables (`store.copies`) against a real NocoDB: after any sequence of edits made
through NocoDB's API (as the grid makes them: fields, new rows, deleted rows, links changed from a link cell,
linked rows deleted), the next read gives exactly what a full read of NocoDB gives; a schema change is
picked up; a failed refresh keeps the last good copy whole and says since when."""

from __future__ import annotations

import contextlib
import gc
import random
import threading
import time
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

from errors import CptsError, HTTPStatusError, NotSetUp
from schema.fields import TableSpec
from schema.models import MEMBERS, PATIENTS, PROPOSALS
from services.seed import seed_demo
from settings import Settings
from store import records
from store.base import Base
from store.client import NocoClient
from store.copies import ApiSource, SharedTables, Source
from store.migrate import migrate
from store.records import Loaded
from store.sqlite import SqliteSource

SPECS: tuple[TableSpec[Any], ...] = (PATIENTS, MEMBERS, PROPOSALS)


@pytest.fixture(scope="module")
def demo(base: Base) -> Base:
    seed_demo(base, "small")
    return base


@pytest.fixture
def nocodb_file(nocodb: Any) -> Any:
    path = nocodb.settings.nocodb_file
    assert path is not None and path.is_file()
    return path


@pytest.fixture(params=["sqlite", "api"])
def shared(request: pytest.FixtureRequest, demo: Base, nocodb: Any) -> Iterator[SharedTables]:
    source: Source
    source = SqliteSource(demo, nocodb.settings.nocodb_file) if request.param == "sqlite" else ApiSource(demo)
    yield SharedTables(demo, source)
    if isinstance(source, SqliteSource):
        source.close()


def as_read_now(base: Base, spec: TableSpec[Any]) -> tuple[list[dict[str, Any]], list[Any]]:
    loaded = records.load(base, spec)
    return [r.model_dump() for r in loaded.records], loaded.problems


def assert_same_as_nocodb(shared: SharedTables) -> None:
    copies = shared.loaded(SPECS)
    for spec in SPECS:
        dumped, problems = as_read_now(shared.base, spec)
        mine = [r.model_dump() for r in copies[spec.key].records]
        first = next(((a, b) for a, b in zip(mine, dumped, strict=False) if a != b), None)
        assert mine == dumped, (spec.title, len(mine), len(dumped), first)
        assert copies[spec.key].problems == problems, spec.title
        pd_frame = copies[spec.key].frame
        assert list(pd_frame["id"]) == [row["id"] for row in dumped]


class Editor:
    """Edits through NocoDB's API, as a coordinator's grid makes them."""

    def __init__(self, base: Base, rng: random.Random) -> None:
        self.base, self.rng, self.client = base, rng, base.client
        self.patients = base.handle(PATIENTS)
        self.members = base.handle(MEMBERS)
        self.proposals = base.handle(PROPOSALS)
        columns = self.client.table(self.proposals.id)["columns"]
        self.doctor_link = next(c["id"] for c in columns if c["title"] == "Médecin")

    def ids(self, table_id: str) -> list[int]:
        return [int(row["Id"]) for row in self.client.records(self.base.id, table_id, fields=["Id"])]

    def edit_patient(self) -> None:
        patient = self.rng.choice(self.ids(self.patients.id))
        value = self.rng.choice(["Rappeler lundi", "**gras**", "", "Martin Jean", "P-123", "  espaces  "])
        field = self.rng.choice(["Notes", "Code", "Téléphone"])
        self.client.update(self.patients.id, [{"Id": patient, field: value or None}])

    def add_patient(self) -> None:
        code = f"P-{self.rng.randrange(900000, 999999)}"
        self.client.insert(self.patients.id, [{"Code": code, "Nom": "Nouveau", "Statut": "En attente"}])

    def delete_proposal(self) -> None:
        self.client.delete(self.proposals.id, [self.rng.choice(self.ids(self.proposals.id))])

    def relink_proposal(self) -> None:
        """A proposal's doctor changed from its link cell: only the foreign key changes (no UpdatedAt)."""
        proposal = self.rng.choice(self.ids(self.proposals.id))
        doctor = self.rng.choice(self.ids(self.members.id))
        path = f"/api/v2/tables/{self.proposals.id}/links/{self.doctor_link}/records/{proposal}"
        self.client.request("POST", path, json=[{"Id": doctor}])

    def delete_member(self) -> None:
        """A doctor deleted: NocoDB empties the links of their proposals without touching the proposals
        (a member still named in another table is refused by NocoDB: nothing changes then)."""
        with contextlib.suppress(HTTPStatusError):
            self.client.delete(self.members.id, [self.rng.choice(self.ids(self.members.id))])

    def step(self) -> str:
        action = self.rng.choice(
            [
                self.edit_patient,
                self.edit_patient,
                self.add_patient,
                self.delete_proposal,
                self.relink_proposal,
                self.relink_proposal,
                self.delete_member,
            ]
        )
        action()
        return action.__name__


@pytest.mark.parametrize("seed", [1, 2])
def test_any_sequence_of_edits_reads_as_nocodb_holds_it(shared: SharedTables, seed: int) -> None:
    editor = Editor(shared.base, random.Random(seed))
    assert_same_as_nocodb(shared)
    done = []
    for _ in range(12):
        done.append(editor.step())
        if len(done) % 2 == 0:
            assert_same_as_nocodb(shared)
    assert_same_as_nocodb(shared)


def test_an_unchanged_table_keeps_its_version(demo: Base, nocodb_file: Any) -> None:
    shared = SharedTables(demo, SqliteSource(demo, nocodb_file))
    first = shared.loaded(SPECS)
    versions = shared.versions(SPECS)
    patient = first[PATIENTS.key].records[0]
    demo.client.update(demo.handle(PATIENTS).id, [{"Id": patient.id, "Notes": "Vu ce matin"}])
    again = shared.loaded(SPECS)
    assert shared.versions(SPECS)[1:] == versions[1:]  # members and proposals: the same copies
    assert shared.versions(SPECS)[0] > versions[0]
    assert again[MEMBERS.key] is first[MEMBERS.key]
    changed = next(r for r in again[PATIENTS.key].records if r.id == patient.id)
    assert changed.notes == "Vu ce matin"
    unchanged = [r for r in again[PATIENTS.key].records if r.id != patient.id]
    assert all(
        a is b for a, b in zip(unchanged, [r for r in first[PATIENTS.key].records if r.id != patient.id], strict=False)
    )


def test_a_table_read_before_a_write_elsewhere_is_checked_again(demo: Base, nocodb_file: Any) -> None:
    """SQLite's write counter is for the whole file: reading one table after a write must not vouch for
    the others."""
    shared = SharedTables(demo, SqliteSource(demo, nocodb_file))
    shared.loaded(SPECS)
    member = shared.loaded([MEMBERS])[MEMBERS.key].records[0]
    demo.client.update(demo.handle(MEMBERS).id, [{"Id": member.id, "Adresse": "Nouveau cabinet"}])
    shared.loaded([PATIENTS])  # reads the new write counter, for Patients only
    again = shared.loaded([MEMBERS])[MEMBERS.key].records
    assert next(r for r in again if r.id == member.id).address == "Nouveau cabinet"


def test_a_schema_change_is_picked_up_and_a_failed_refresh_keeps_the_last_copy(demo: Base, nocodb_file: Any) -> None:
    shared = SharedTables(demo, SqliteSource(demo, nocodb_file))
    before = shared.loaded(SPECS)
    assert shared.freshness().failing_since is None
    # A coordinator adds a column of their own: nothing the spec reads changes.
    demo.client.add_column(demo.handle(MEMBERS).id, {"title": "Remarque du bureau", "uidt": "SingleLineText"})
    assert shared.loaded(SPECS)[MEMBERS.key].records == before[MEMBERS.key].records
    # A field the spec reads disappears (an older base): the refresh fails as a whole, even for the tables
    # read before the failing one, and the last good copy is served with the time it was read.
    patient = before[PATIENTS.key].records[0]
    demo.client.update(demo.handle(PATIENTS).id, [{"Id": patient.id, "Notes": "changé entre-temps"}])
    columns = demo.client.table(demo.handle(PROPOSALS).id)["columns"]
    motive = next(c for c in columns if c["title"] == "Motif de refus")
    demo.client.request("DELETE", f"/api/v2/meta/columns/{motive['id']}")
    served = shared.loaded(SPECS, refresh=True)
    assert served[PATIENTS.key] is before[PATIENTS.key]
    assert served[PROPOSALS.key] is before[PROPOSALS.key]
    freshness = shared.freshness()
    assert freshness.failing_since is not None and isinstance(freshness.error, NotSetUp)
    assert "Motif de refus" in str(freshness.error)
    # The field is added back (./cpts migrate): the next refresh reads it, and the banner goes.
    migrate(demo.client, demo.id)
    recovered = shared.loaded(SPECS, refresh=True)
    assert shared.freshness().failing_since is None
    assert next(r for r in recovered[PATIENTS.key].records if r.id == patient.id).notes == "changé entre-temps"
    assert_same_as_nocodb(shared)


def test_nocodb_out_of_reach_keeps_the_copy_then_recovers(demo: Base, nocodb: Any) -> None:
    """Through the API: NocoDB stops answering between two refreshes, then answers again."""
    shared = SharedTables(demo, ApiSource(demo))
    before = shared.loaded(SPECS)
    answering = demo.client
    settings: Settings = nocodb.settings
    demo.client = NocoClient(f"http://{settings.host}:{_closed_port()}", token="x", retries=0)
    try:
        served = shared.loaded(SPECS, refresh=True)
        assert all(served[s.key] is before[s.key] for s in SPECS)
        assert isinstance(shared.freshness().error, CptsError)
        assert shared.freshness().failing_since is not None
    finally:
        demo.client.close()
        demo.client = answering
    shared.loaded(SPECS, refresh=True)
    assert shared.freshness().failing_since is None


def test_nothing_to_serve_raises_the_error(demo: Base) -> None:
    answering = demo.client
    demo.client = NocoClient(f"http://127.0.0.1:{_closed_port()}", token="x", retries=0)
    try:
        with pytest.raises(CptsError):
            SharedTables(demo, ApiSource(demo)).loaded(SPECS)
    finally:
        demo.client.close()
        demo.client = answering


def _closed_port() -> int:
    from server.process import free_port

    return free_port()


class Made:
    """A result of `SharedTables.computed`, watched for being dropped."""


def test_a_result_is_computed_once_per_version_of_its_tables(demo: Base, nocodb_file: Any) -> None:
    """Two callers at once: computed once, the second takes the first's; computed again after a table
    changed, and the results of the older versions are no longer held."""
    shared = SharedTables(demo, SqliteSource(demo, nocodb_file))
    specs = (PATIENTS, MEMBERS)
    computing, go_on = threading.Event(), threading.Event()
    made: list[Made] = []

    def compute(tables: dict[str, Loaded[Any]]) -> Made:
        assert set(tables) == {PATIENTS.key, MEMBERS.key}
        made.append(Made())
        computing.set()
        assert go_on.wait(60)
        return made[-1]

    got: list[Made] = []
    callers = [threading.Thread(target=lambda: got.append(shared.computed("test", specs, 1, compute))) for _ in "ab"]
    callers[0].start()
    assert computing.wait(60)
    callers[1].start()
    time.sleep(1)  # the second caller arrives while the first computes
    assert callers[1].is_alive() and len(made) == 1  # it waits, computing nothing
    go_on.set()
    for caller in callers:
        caller.join(60)
    assert len(made) == 1 and got[0] is got[1] is made[0]
    assert shared.computed("test", specs, 1, compute) is made[0]
    other = shared.computed("test", specs, 2, compute)  # another key: its own result
    assert len(made) == 2 and other is made[1]
    older = [weakref.ref(result) for result in made]
    patient = shared.loaded([PATIENTS])[PATIENTS.key].records[0]
    demo.client.update(demo.handle(PATIENTS).id, [{"Id": patient.id, "Notes": "Rappeler lundi"}])
    newer = shared.computed("test", specs, 1, compute)
    assert len(made) == 3 and newer is made[2]
    assert shared.computed("test", specs, 1, compute) is newer
    alone = shared.computed("test", (MEMBERS,), 1, lambda tables: Made())  # the same name on other tables
    assert shared.computed("test", (MEMBERS,), 1, compute) is alone
    assert shared.computed("test", specs, 1, compute) is newer and len(made) == 3  # neither drops the other
    del made[:2], got[:], other
    gc.collect()
    assert [ref() for ref in older] == [None, None]  # both keys of the older versions: dropped
