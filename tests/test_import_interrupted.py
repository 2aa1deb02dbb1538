"""An import of a 20 000-patient waiting list interrupted by NocoDB killed (SIGKILL) in the middle, NocoDB
started again on the same data folder, the import run again: it finishes without duplicates and without loss
— NocoDB then holds exactly the file's people (count, name + birth date once each, every value as in the
file) with the codes P-000001 … P-020000, each once. A NocoDB of its own for this module (it kills it).
The full size of the issue, 20 000 rows: 42 s on 2 cores, NocoDB's two starts included (longer when others
share the cores)."""

from __future__ import annotations

import signal
import threading
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from test_faults import restart, server, signal_group  # noqa: F401  (server: this module's own NocoDB)

from demo.waiting_list import Person, as_csv, waiting_list
from domain.communes import commune, territory_row
from errors import NocoDBError
from schema.models import PATIENTS, TERRITORY, Patient, PatientStatus
from services import sheets, writes
from services.sheets import SheetImport, import_rows, prepare, proposed_mapping, read_file
from store import records
from store.base import Base
from store.migrate import migrate
from tests.conftest import Server

pytestmark = pytest.mark.nocodb
COUNT = 20_000
COMMUNES = {"92130": "92040", "92170": "92075"}  # postcode -> INSEE code: the territory
KILLED_AFTER = 2  # batches written before NocoDB is killed


@pytest.fixture(scope="module")
def base(server: Server) -> Base:  # noqa: F811
    client = server.client()
    created = client.create_base("Import interrompu")
    migrate(client, created["id"])
    base = Base(client, created["id"], "Import interrompu")
    writes.insert(base, TERRITORY, [territory_row(commune(code)) for code in COMMUNES.values()])
    return base


def planned(base: Base, data: bytes) -> SheetImport:
    sheet = read_file(data, "liste_attente.csv", PATIENTS, len(data))
    return prepare(base, PATIENTS, sheet, proposed_mapping(PATIENTS, sheet, Path("/none")), date.today())


def killed_during(server: Server, base: Base, plan: SheetImport) -> BaseException | None:  # noqa: F811
    """The import run in a thread; NocoDB killed from here once `KILLED_AFTER` batches are written, while
    the next one is under way. What the import raised."""
    written, raised = threading.Event(), list[BaseException]()

    def run() -> None:
        try:
            import_rows(base, plan, lambda done, _: written.set() if done >= KILLED_AFTER * sheets.BATCH else None)
        except BaseException as error:  # what the import raised is what the test looks at
            raised.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    assert written.wait(timeout=120), "no batch written"
    signal_group(server, signal.SIGKILL)
    thread.join(timeout=120)
    assert not thread.is_alive()
    return raised[0] if raised else None


def key(last: str | None, first: str | None, born: date | None) -> tuple[str, str, date | None]:
    return ((last or "").casefold(), (first or "").casefold(), born)


def as_in_file(patient: Patient) -> Person:
    return Person(
        patient.last_name or "",
        patient.first_name or "",
        patient.birth_date or date.min,
        patient.phone or "",
        next(postcode for postcode, code in COMMUNES.items() if code == patient.insee_code),
        patient.insee_code or "",
        tuple(patient.fragilities),
        patient.reduced_mobility,
    )


def test_an_import_killed_half_way_then_run_again_has_every_row_once(server: Server, base: Base) -> None:  # noqa: F811
    people = waiting_list(COUNT, COMMUNES)
    data = as_csv(people)
    first = planned(base, data)
    assert not first.refused and len(first.changes.added) == COUNT

    raised = killed_during(server, base, first)
    assert isinstance(raised, NocoDBError), raised  # the import stopped: NocoDB was killed under it
    restart(server)
    written = base.count(PATIENTS)
    assert KILLED_AFTER * sheets.BATCH <= written < COUNT  # part of the file in NocoDB, not all

    again = planned(base, data)
    assert len(again.changes.added) == COUNT - written and again.changes.unchanged == written
    import_rows(base, again)

    stored = records.load(base, PATIENTS).records
    assert base.count(PATIENTS) == len(stored) == COUNT
    twice = [k for k, n in Counter(key(p.last_name, p.first_name, p.birth_date) for p in stored).items() if n > 1]
    assert not twice, twice[:5]
    assert sorted(p.code or "" for p in stored) == [f"P-{n:06d}" for n in range(1, COUNT + 1)]
    assert {as_in_file(p) for p in stored} == set(people)  # every value as in the file: nothing lost
    assert {(p.status, p.request_date) for p in stored} == {(PatientStatus.WAITING, date.today())}
    assert planned(base, data).changes.nothing  # a third run: nothing left to do
