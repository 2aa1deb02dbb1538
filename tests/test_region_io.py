"""The regional view on the real NocoDB: three CPTS bases (the small demo and two small hand-made CPTS), a région
account made by `./cpts user add --role région`. Each CPTS's figure in the regional table equals what NocoDB
itself counts in that CPTS's base, and the region's total is their sum where nothing is masked; the page
Vue régionale shows the same table to the région account only; the région account opens no patient page;
`./cpts deck --region` writes the same table in a PPTX without any patient's name."""

from __future__ import annotations

import re
import shutil
import threading
import time
import zipfile
from collections.abc import Callable, Hashable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from apptest import APP_ENV, charts, open_page, point_app_at, signed_in_state, visible_text
from cli_run import run_cli
from streamlit.testing.v1 import AppTest

import services.region
from app import SECTIONS
from demo.generate import generate
from domain.access import BOARD, COORDINATOR, REGION
from domain.board import BOARD_TABLES
from domain.french import number
from domain.region import ENROLLED, FOUND, MEMBERS, POPULATION, WAITING, RegionTable
from domain.region import REGION as REGION_ROW
from schema.fields import Record
from schema.models import (
    ENROLMENTS,
    PATHWAYS,
    PATIENTS,
    TERRITORY,
    Commune,
    Enrolment,
    EnrolmentStatus,
    Member,
    Pathway,
    Patient,
    PatientStatus,
)
from schema.models import (
    MEMBERS as MEMBERS_TABLE,
)
from server.users import add_user, admin_client
from services.bases import base_roles
from services.connection import shared_tables
from services.region import add_regional_user, figures_of, region_of, regional_users
from services.seed import seed
from settings import ROOT, SECRETS_FILE
from store import records
from store.base import Base, TableHandle
from store.client import all_of, clause
from store.migrate import migrate
from tests.conftest import Server
from views.access import CURRENT_PAGE, SESSION_EMAIL, SESSION_ROLE, SESSION_SEEN
from views.common import SESSION_BASE, base_of
from views.warm import warm_up

TODAY = date.today()
YEAR = TODAY.year
REGION_USER = "region.test@ars.fr"
REGION_PAGE = next(page for pages in SECTIONS.values() for page in pages if page.path == "views/region.py")
SECRET_NAME = "Zébulonrégional"  # the last name of every hand-made patient: never in a regional document


def small_cpts(
    waiting: int, found: int, nurses: int, doctors: int, enrolled: int, population: int
) -> dict[str, Sequence[Record]]:
    """A small CPTS: its patients (waiting, found this year), active members, one pathway, one commune."""
    start = date(YEAR, 1, 1)
    patients = [
        Patient(
            id=n + 1,
            code=f"P-{n + 1:06d}",
            last_name=SECRET_NAME,
            first_name="Alix",
            request_date=start,
            status=PatientStatus.WAITING,
        )
        for n in range(waiting)
    ]
    patients += [
        Patient(
            id=waiting + n + 1,
            code=f"P-{waiting + n + 1:06d}",
            last_name=SECRET_NAME,
            first_name="Alix",
            request_date=start,
            found_date=min(TODAY, date(YEAR, 1, 1 + n)),
            status=PatientStatus.FOUND,
        )
        for n in range(found)
    ]
    members = [Member(id=n + 1, last_name=f"Membre{n}", profession="Infirmier", active=True) for n in range(nurses)]
    members += [
        Member(id=nurses + n + 1, last_name=f"Docteur{n}", profession="Médecin", active=True) for n in range(doctors)
    ]
    enrolments = [
        Enrolment(id=n + 1, patient=n + 1, pathway=1, enrolled_on=start, status=EnrolmentStatus.ACTIVE)
        for n in range(enrolled)
    ]
    return {
        PATIENTS.key: patients,
        MEMBERS_TABLE.key: members,
        PATHWAYS.key: [Pathway(id=1, name="Diabète", active=True)],
        ENROLMENTS.key: enrolments,
        TERRITORY.key: [Commune(id=1, name="Ancelle", insee_code="05004", population=population)],
    }


@pytest.fixture(scope="module")
def cpts(nocodb: Server) -> Iterator[list[Base]]:
    """Three CPTS bases of one region: the small demo and two small ones; the région account on all three."""
    client = nocodb.client()
    made = []
    data = (
        ("Région Démo", generate("small")),
        ("Région Alpha", small_cpts(6, 7, 8, 6, 6, 1200)),
        ("Région Bêta", small_cpts(9, 5, 10, 5, 7, 900)),
    )
    for title, rows in data:
        created = client.create_base(title)
        migrate(client, created["id"])
        cpts_base = Base(client, created["id"], title)
        seed(cpts_base, rows)
        made.append(cpts_base)
    with admin_client(nocodb.settings) as admin:
        for cpts_base in made:
            add_user(admin, cpts_base.id, REGION_USER, BOARD)  # what `./cpts user add --role région` does (below)
    add_regional_user(nocodb.settings, REGION_USER)
    yield made
    for cpts_base in made:
        client.delete_base(cpts_base.id)
    client.close()


@pytest.fixture(scope="module")
def table(nocodb: Server, cpts: list[Base]) -> RegionTable:
    return region_of(nocodb.settings, REGION_USER, YEAR, TODAY)


def own_counts(cpts_base: Base) -> dict[str, int]:
    """What NocoDB itself counts in one CPTS's base."""
    found = all_of(
        clause("Statut", "eq", PatientStatus.FOUND),
        clause("Date MT trouvé", "ge", "exactDate", date(YEAR, 1, 1).isoformat()),
        clause("Date MT trouvé", "le", "exactDate", TODAY.isoformat()),
    )
    enrolled = cpts_base.client.records(
        cpts_base.id, cpts_base.handle(ENROLMENTS).id, where=clause("Statut", "eq", "Active"), fields=["Patient"]
    )
    patients = {
        str(row["Patient"].get("id") if isinstance(row["Patient"], dict) else row["Patient"]) for row in enrolled
    }
    return {
        MEMBERS: cpts_base.count(MEMBERS_TABLE, clause("Actif", "checked")),
        WAITING: cpts_base.count(PATIENTS, clause("Statut", "eq", PatientStatus.WAITING)),
        FOUND: cpts_base.count(PATIENTS, found),
        ENROLLED: len(patients - {"None"}),
        POPULATION: sum(c.population or 0 for c in records.load(cpts_base, TERRITORY).records),
    }


def test_user_add_region(nocodb: Server, cpts: list[Base]) -> None:
    added = run_cli(nocodb, cpts[0], "user", "add", "region.cli@ars.fr", "--role", "région")
    assert added.returncode == 0, added.stderr
    assert "rôle région" in added.stdout and "Mot de passe" in added.stdout
    assert "region.cli@ars.fr" in regional_users(nocodb.settings)
    for cpts_base in cpts:  # on every CPTS base of the server; NocoDB shows the account no row of any
        assert base_roles(cpts_base.client, cpts_base.id)["region.cli@ars.fr"] == "no-access"


def test_user_add_region_on_chosen_bases(nocodb: Server, cpts: list[Base], table: RegionTable) -> None:
    """--base (one or several times) gives a région account the CPTS of its region only, taking it off the
    others; its regional table then has those CPTS only."""
    email = "region.departement@federation.fr"
    assert run_cli(nocodb, cpts[0], "user", "add", email, "--role", "région").returncode == 0  # every CPTS
    chosen = ("--base", "région alpha", "--base", cpts[2].id)  # a name (case ignored) and an id
    narrowed = run_cli(nocodb, cpts[0], "user", "add", email, "--role", "région", *chosen)
    assert narrowed.returncode == 0, narrowed.stderr
    assert "CPTS de sa région : Région Alpha, Région Bêta." in narrowed.stdout
    (removed,) = [line for line in narrowed.stdout.splitlines() if line.startswith("Retiré de : ")]
    assert "Région Démo" in removed and "Région Alpha" not in removed
    roles = {cpts_base.title: base_roles(cpts_base.client, cpts_base.id).get(email) for cpts_base in cpts}
    assert roles == {"Région Démo": None, "Région Alpha": "no-access", "Région Bêta": "no-access"}
    mine = region_of(nocodb.settings, email, YEAR, TODAY)
    assert mine.names == table.names[1:]
    assert mine.column(POPULATION).cells[-1] == number(1200 + 900)
    unknown = run_cli(nocodb, cpts[0], "user", "add", email, "--role", "région", "--base", "CPTS Inconnue")
    assert unknown.returncode == 1 and "Base CPTS « CPTS Inconnue » introuvable. Bases :" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    several = run_cli(nocodb, cpts[0], "user", "add", "bureau@cpts.fr", "--role", "bureau", *chosen)
    assert several.returncode == 1 and "Plusieurs --base : seulement pour un compte région" in several.stderr
    assert run_cli(nocodb, cpts[0], "status", *chosen).returncode == 1


def test_regional_figures_are_the_sum_of_each_cpts(cpts: list[Base], table: RegionTable) -> None:
    assert len(table.names) == 3, table.names
    own = {name: own_counts(cpts_base) for name, cpts_base in zip(table.names, cpts, strict=True)}
    assert len(own) == 3, table.names
    checked = []
    for title in (POPULATION, MEMBERS, WAITING, FOUND, ENROLLED):
        column = table.column(title)
        if column.masked:
            continue
        for index, name in enumerate(table.names):
            assert column.cells[index] == number(own[name][title]), (title, name)
        assert column.cells[-1] == number(sum(counts[title] for counts in own.values()))
        checked.append(title)
    assert checked == [POPULATION, MEMBERS, WAITING, FOUND, ENROLLED]  # nothing masked: every column compared
    assert table.rows[-1][0] == REGION_ROW


def region_state(cpts_base: Base) -> dict[str, object]:
    return {
        SESSION_EMAIL: REGION_USER,
        SESSION_ROLE: REGION,
        SESSION_SEEN: time.monotonic(),
        SESSION_BASE: cpts_base.id,
    }


def test_page_shows_the_table_to_the_region_only(
    nocodb: Server, cpts: list[Base], table: RegionTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_app_at(monkeypatch, nocodb, cpts[0].id)
    app = open_page("views/region.py", region_state(cpts[0]))
    shown = app.dataframe[0].value
    assert [tuple(str(v) for v in row) for row in shown.itertuples(index=False)] == list(table.rows)
    assert SECRET_NAME not in " ".join(visible_text(m.value) for m in app.markdown)
    ticks = [text for texts in charts(app) for text in texts if re.fullmatch(r"[\d\s,€]+", text)]
    assert any(tick.endswith("\u00a0€") for tick in ticks)  # the funding, in euros
    assert not [tick for tick in ticks if "," in tick]  # counts of persons: whole numbers only
    with admin_client(nocodb.settings) as admin:  # the coordinator of a CPTS of the region: not in their menu
        coordinator = add_user(admin, cpts[0].id, "coordinateur.region@cpts.fr", COORDINATOR).email
    state = {**signed_in_state(coordinator, COORDINATOR), SESSION_BASE: cpts[0].id}
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_page("views/region.py", state)
    alone = AppTest.from_file(str(ROOT / "views/region.py"), default_timeout=120)  # as its URL would run it
    for key, value in {**state, CURRENT_PAGE: REGION_PAGE}.items():
        alone.session_state[key] = value
    alone.run()
    assert "Page réservée au rôle région" in alone.error[0].value
    assert not alone.dataframe


def test_region_opens_no_patient_page(nocodb: Server, cpts: list[Base], monkeypatch: pytest.MonkeyPatch) -> None:
    point_app_at(monkeypatch, nocodb, cpts[1].id)
    patient_pages = [page.path for pages in SECTIONS.values() for page in pages if page.shows_patients]
    assert patient_pages
    home = open_page(None, region_state(cpts[1]))  # signed in as région: the home page opens
    assert not any("Page réservée" in e.value for e in home.error)
    for path in patient_pages:
        with pytest.raises(ValueError, match="Could not find a navigation page"):  # not in the région's menu
            open_page(path, region_state(cpts[1]))
        alone = AppTest.from_file(str(ROOT / path), default_timeout=120)  # and its file run on its own refuses
        for key, value in region_state(cpts[1]).items():
            alone.session_state[key] = value
        alone.run()
        assert "Page réservée" in alone.error[0].value, path
        assert not alone.dataframe and not alone.data_editor, path


def test_deck_region(nocodb: Server, cpts: list[Base], table: RegionTable, tmp_path: Path) -> None:
    target = tmp_path / "region.pptx"
    done = run_cli(nocodb, cpts[0], "deck", "--region", "--out", str(target))
    assert done.returncode == 0, done.stderr
    assert "Présentation régionale" in done.stdout
    with zipfile.ZipFile(target) as pptx:
        xml = " ".join(pptx.read(name).decode("utf-8", "ignore") for name in pptx.namelist() if name.endswith(".xml"))
    assert SECRET_NAME not in xml
    for name in table.names:
        assert name in xml


def test_figures_are_computed_once_per_version_of_the_tables(nocodb: Server, cpts: list[Base]) -> None:
    """Through a shared copy, a CPTS's figures are computed again only when a table they come from changed
    (« Rafraîchir » with nothing written: nothing computed); a write is seen at the next read."""
    hand_made = cpts[1]
    base = Base(hand_made.client, hand_made.id, hand_made.title)
    base.shared = shared_tables(base, nocodb.settings)
    first = figures_of(base, base.title, YEAR, TODAY)
    assert figures_of(base, base.title, YEAR, TODAY) is first
    assert figures_of(base, base.title, YEAR - 1, TODAY) is not first  # another year: its own figures
    patient = records.load(base, PATIENTS).records[0]
    assert patient.status == PatientStatus.WAITING
    table_id = base.handle(PATIENTS).id
    base.client.update(table_id, [{"Id": patient.id, "Statut": PatientStatus.CLOSED}])
    try:
        changed = figures_of(base, base.title, YEAR, TODAY)
        assert changed.waiting == first.waiting - 1
        assert figures_of(base, base.title, YEAR, TODAY) is changed
    finally:
        base.client.update(table_id, [{"Id": patient.id, "Statut": PatientStatus.WAITING}])


def serve_every_cpts(monkeypatch: pytest.MonkeyPatch, nocodb: Server, data_dir: Path) -> None:
    """The environment of an app serving every CPTS of the server (no base named), on the data folder `data_dir`."""
    for name in (*APP_ENV, "CPTS_BASE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CPTS_DATA_DIR", str(data_dir))
    monkeypatch.setenv("CPTS_NOCODB_PORT", str(nocodb.settings.nocodb_port))


def count_reads(monkeypatch: pytest.MonkeyPatch, cpts: list[Base]) -> tuple[list[str], list[str]]:
    """From now on: the board tables read from NocoDB through the app's copy of each base (a table the copy
    holds and found unchanged is not read), and the CPTS whose figures are computed."""
    read: list[str] = []
    computed: list[str] = []
    for cpts_base in cpts:
        shared = base_of(cpts_base.id).shared
        assert shared is not None
        source_read = shared.source.read

        def counted(
            handles: Sequence[TableHandle], have: frozenset[str], source_read: Callable[..., Any] = source_read
        ) -> tuple[Hashable, dict[str, Any]]:
            stamp, rows = source_read(handles, have)
            read.extend(key for key, got in rows.items() if got is not None and key in BOARD_KEYS)
            return stamp, rows

        monkeypatch.setattr(shared.source, "read", counted)
    compute = services.region.computed_figures

    def counted_figures(loaded: dict[str, Any], title: str, year: int, today: date) -> Any:
        computed.append(title)
        return compute(loaded, title, year, today)

    monkeypatch.setattr(services.region, "computed_figures", counted_figures)
    return read, computed


BOARD_KEYS = frozenset(spec.key for spec in BOARD_TABLES)


def test_an_app_of_every_cpts_reads_each_base_after_its_start(
    nocodb: Server, cpts: list[Base], table: RegionTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a server with a région account, the app serving every CPTS reads each base's board tables and this
    year's figures in the background after its start; the page Vue régionale then reads and computes nothing."""
    serve_every_cpts(monkeypatch, nocodb, nocodb.settings.data_dir)
    warming = warm_up()
    assert warming is not None and warming.daemon  # in the background: the port does not wait for it
    warming.join(300)
    assert not warming.is_alive()
    read, computed = count_reads(monkeypatch, cpts)
    app = open_page("views/region.py", region_state(cpts[0]))
    shown = app.dataframe[0].value
    assert [tuple(str(v) for v in row) for row in shown.itertuples(index=False)] == list(table.rows)
    assert read == [] and computed == []
    figures_of(base_of(cpts[1].id), cpts[1].title, YEAR - 1, TODAY)
    assert computed == [cpts[1].title] and read == []  # another year: computed now, from the tables held


def test_no_regional_warm_up_without_a_region_account(
    nocodb: Server, cpts: list[Base], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shutil.copy(nocodb.settings.data_dir / SECRETS_FILE, tmp_path / SECRETS_FILE)  # no region.txt there
    serve_every_cpts(monkeypatch, nocodb, tmp_path)
    assert warm_up() is None
    read, computed = count_reads(monkeypatch, cpts)
    figures_of(base_of(cpts[1].id), cpts[1].title, YEAR, TODAY)
    assert computed == [cpts[1].title] and set(read) == BOARD_KEYS  # nothing was held: read now


def test_two_callers_at_once_compute_a_base_once(
    nocodb: Server, cpts: list[Base], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A région session arriving while the warm-up computes a base's figures takes them, computing nothing."""
    hand_made = cpts[2]
    base = Base(hand_made.client, hand_made.id, hand_made.title)
    base.shared = shared_tables(base, nocodb.settings)
    compute = services.region.computed_figures
    computing = threading.Event()
    computed: list[str] = []

    def slow(loaded: dict[str, Any], title: str, year: int, today: date) -> Any:
        computed.append(title)
        computing.set()
        time.sleep(1)  # the second caller arrives meanwhile
        return compute(loaded, title, year, today)

    monkeypatch.setattr(services.region, "computed_figures", slow)
    made: list[Any] = []
    first = threading.Thread(target=lambda: made.append(figures_of(base, base.title, YEAR, TODAY)))
    first.start()
    assert computing.wait(60)
    second = figures_of(base, base.title, YEAR, TODAY)
    first.join(60)
    assert computed == [base.title] and made == [second] and made[0] is second
