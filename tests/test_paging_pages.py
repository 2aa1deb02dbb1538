"""Long lists on the real pages (AppTest, real NocoDB), 60 patients waiting: Patients en attente shows one
page, its search and filters cover the whole set, each display journals only the codes shown, an export of
the filtered set is journaled as such; the Journal d'accès lists its rows a page at a time too."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from apptest import charts, click, open_page, rerun
from streamlit.testing.v1 import AppTest

from domain.access_log import local_day
from schema.models import ACCESS_LOG, MEMBERS, PATIENTS, PROPOSALS, TERRITORY, Commune, Member, Patient, PatientStatus
from store import records
from store.base import Base

TODAY = date.today()
WAITING = "Patients en attente"
VANVES = (2, 3, 5)


def code(number: int) -> str:
    return f"P-{number:06d}"


@pytest.fixture(scope="module")
def patients(base: Base) -> list[str]:
    """P-000001 … P-000060, waiting 10 × n days (P-000060 the most urgent); P-000003 is Éloïse Lefèvre; P-000002,
    P-000003 and P-000005 live in Vanves, the others in Issy-les-Moulineaux."""

    def patient(number: int) -> Patient:
        first, last = ("Éloïse", "Lefèvre") if number == 3 else (f"Prénom{number}", f"Nom{number}")
        return Patient(
            code=code(number),
            last_name=last,
            first_name=first,
            birth_date=date(1980, 5, 5),
            insee_code="92075" if number in VANVES else "92040",
            consent=True,
            request_date=TODAY - timedelta(days=10 * number),
            status=PatientStatus.WAITING,
        )

    records.insert(base, PATIENTS, [patient(n) for n in range(1, 61)])
    return [code(n) for n in range(60, 0, -1)]  # the page's order: the longest wait first


def journal(base: Base, what: str) -> list[list[str]]:
    """The codes of each journal row named `what`, oldest first."""
    rows = [e for e in records.load(base, ACCESS_LOG).records if e.what == what]
    return [(e.patient_codes or "").split(", ") for e in sorted(rows, key=lambda e: e.id or 0)]


def shown(app: AppTest) -> list[str]:
    return list(app.dataframe[0].value["Code"])


def test_the_waiting_list_shows_and_journals_one_page(patients: list[str], app_env: Base) -> None:
    app = open_page("views/waiting_list.py")
    assert shown(app) == patients[:50]
    assert "patients 1–50 sur 60" in [c.value for c in app.caption]
    assert journal(app_env, WAITING)[-1] == patients[:50]  # not the 60 of the list
    rerun(app.number_input(key="waiting_page").set_value(2))
    assert shown(app) == patients[50:]
    assert journal(app_env, WAITING)[-1] == patients[50:]


def test_search_filters_and_sort_cover_the_whole_list(patients: list[str], app_env: Base) -> None:
    app = open_page("views/waiting_list.py")
    rerun(app.text_input(key="waiting_search").input("eloise LEFEVRE"))  # on the second page unsearched
    assert shown(app) == [code(3)]
    assert journal(app_env, WAITING)[-1] == [code(3)]
    app.text_input(key="waiting_search").input("")
    communes = next(m for m in app.multiselect if m.label == "Commune")
    [vanves] = [option for option in communes.options if "Vanves" in option or "92075" in option]
    rerun(communes.select(vanves))
    assert shown(app) == [code(5), code(3), code(2)]
    assert journal(app_env, WAITING)[-1] == [code(5), code(3), code(2)]
    next(m for m in app.multiselect if m.label == "Commune").unselect(vanves)
    rerun(app.selectbox(key="waiting_sort").select("Attente (jours)"))
    assert shown(app)[:3] == [code(1), code(2), code(3)]  # the shortest waits of all 60, ascending


def test_an_export_is_journaled_with_the_codes_exported(patients: list[str], app_env: Base) -> None:
    app = open_page("views/waiting_list.py")
    before = len(journal(app_env, f"{WAITING} · export"))
    app = click(app, "Exporter (XLSX)")
    exports = journal(app_env, f"{WAITING} · export")
    assert len(exports) == before + 1 and exports[-1] == patients  # all 60, not only the page shown
    assert app.get("download_button")


def day_labels(app: AppTest) -> list[str]:
    """The days (« 29/11 ») written on the page's one chart, the journal's accesses per day."""
    [texts] = charts(app)
    return [text for text in texts if re.fullmatch(r"\d\d/\d\d", text)]


def test_the_journal_lists_its_rows_a_page_at_a_time(patients: list[str], app_env: Base) -> None:
    for _ in range(3):  # at least 3 journal rows of the waiting list (and those of the tests above)
        open_page("views/waiting_list.py")
    app = open_page("views/journal.py")
    today = local_day(datetime.now(UTC))  # the page's day: Paris's
    days = day_labels(app)  # « Accès par jour »: the whole period chosen, its first day to today
    assert f"{today - timedelta(days=30):%d/%m}" in days and f"{today:%d/%m}" in days
    app = rerun(app.date_input[0].set_value((today - timedelta(days=364), today)))  # a year: a tick a month
    assert 10 <= len(day_labels(app)) <= 14
    app = rerun(app.date_input[0].set_value((today, today)))  # one day: its own label
    assert day_labels(app) == [f"{today:%d/%m}"]
    app = rerun(app.date_input[0].set_value((today - timedelta(days=30), today)))
    total = len(records.load(app_env, ACCESS_LOG).records)
    table = app.dataframe[0].value
    assert len(table) == min(total, 50) and f"accès 1–{min(total, 50)} sur {total}" in [c.value for c in app.caption]
    rerun(app.selectbox(key="journal_size").select(25))
    assert len(app.dataframe[0].value) == min(total, 25)
    rerun(app.text_input(key="journal_search").input("export"))
    assert set(app.dataframe[0].value["Page ou commande"]) == {f"{WAITING} · export"}


# --- Orientation: the plan a page at a time (last: it writes proposals) ----------------------------------


def untick_first_row(app: AppTest) -> str:
    """Untick the first row of the plan's page shown; its patient code."""
    first = str(app.data_editor[0].value.iloc[0]["Patient"])
    app.session_state["orientation_plan_editor"] = {
        "edited_rows": {0: {"Proposer": False}},
        "added_rows": [],
        "deleted_rows": [],
    }
    rerun(app)
    return first


def test_rows_unticked_on_any_page_of_the_plan_are_not_proposed(patients: list[str], app_env: Base) -> None:
    records.insert(app_env, TERRITORY, [Commune(name="Issy-les-Moulineaux", insee_code="92040", department="92")])
    records.insert(
        app_env,
        MEMBERS,
        [
            Member(
                last_name="Alpha",
                first_name="Anne",
                profession="Médecin",
                rpps="10000000001",
                insee_code="92040",
                accepts_new_patients=True,
                monthly_capacity=100,
                populations_accepted=["Tous"],
            )
        ],
    )
    app = click(open_page("views/orientation.py"), "Lancer l'orientation")
    rerun(app.selectbox(key="plan_size").select(25))
    assert len(app.data_editor[0].value) == 25  # one page of a longer plan
    total = next(int(c.value.rsplit(" ", 1)[1]) for c in app.caption if c.value.startswith("lignes 1–25 sur"))
    unticked = [untick_first_row(app)]
    rerun(app.number_input(key="plan_page").set_value(2))
    assert str(app.data_editor[0].value.iloc[0]["Patient"]) != unticked[0]
    unticked.append(untick_first_row(app))
    rerun(app.number_input(key="plan_page").set_value(1))
    assert not app.data_editor[0].value.iloc[0]["Proposer"]  # still unticked when coming back
    app = click(app, "Confirmer les propositions")
    assert "proposition(s) enregistrée(s)" in app.success[0].value
    proposed = {p.patient for p in records.load(app_env, PROPOSALS).records}
    ids = {p.code: p.id for p in records.load(app_env, PATIENTS).records}
    assert not proposed & {ids[code] for code in unticked}
    assert len(proposed) == total - 2  # every other row, of every page (one GP: one row per patient)
