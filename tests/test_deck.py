"""The AG presentation end to end on the demo CPTS in a real NocoDB: `./cpts deck --pdf` writes a PPTX whose every
figure (cards, tables, chart data) equals the same figure counted by NocoDB itself (or, for what NocoDB cannot count,
by the board's and pathways' functions on the rows read back); no patient's name, phone or birth date appears in
the PPTX's XML (embedded chart workbooks included) nor in the PDF's text; a profession of 3 members shows "< 5";
the PDF renders to pages that are not blank. The page Présentation AG previews and offers both downloads."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import zipfile
from collections import Counter
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from apptest import APP_ENV, SVG_URL, charts, click, open_page, rerun, visible_text
from PIL import Image
from pptx import Presentation
from pptx.presentation import Presentation as PptxPresentation
from pptx.slide import Slide

from demo.generate import generate
from domain.ag.deck import DECK_TABLES, deck_data
from domain.ag.life import LIFE_TABLES
from domain.ag.pathways import pathway_figures
from domain.ag.slides import MASKING_NOTE
from domain.board import board_figures
from domain.french import SHORT_MONTHS, day, euros, number, percent
from domain.project import progress_by_mission
from reports.pdf import png_pages
from schema.models import (
    ACCESS_LOG,
    ACTIONS,
    ENROLMENTS,
    INDICATORS,
    MEMBERS,
    PATHWAYS,
    PATIENTS,
    PROFESSIONS,
    TERRITORY,
    ActionStatus,
    Enrolment,
    Member,
    Patient,
    PatientStatus,
)
from services.deck import LIFE, load_deck_inputs, shared_deck
from services.seed import seed
from settings import ROOT
from store import records
from store.base import Base
from store.client import all_of, any_of, clause
from store.copies import ApiSource, SharedTables

TODAY = date.today()
YEAR = TODAY.year
SMALL_PROFESSION = "Autre"  # absent from the demo: 3 members added
SECRETS = (  # distinctive patients: none of these may reach the deck
    ("Zéphyrine", "Quintabolle", "0698765432", date(1931, 2, 17)),
    ("Barnabé", "Vaillancourt-Trémoussel", "+33 7 11 22 33 44", date(1944, 9, 23)),
    ("Ophélise", "Grandpierrot", "01 45 67 89 12", date(1958, 12, 3)),
)


@pytest.fixture(scope="module")
def demo(base: Base) -> Base:
    seed(base, generate("small"))
    records.insert(base, MEMBERS, [Member(last_name=f"Autre {i}", profession=SMALL_PROFESSION) for i in range(3)])
    found_on = date(YEAR, 1, 10)
    records.insert(
        base,
        PATIENTS,
        [
            Patient(
                code=f"P-99000{i}",
                first_name=first,
                last_name=last,
                phone=phone,
                birth_date=born,
                request_date=date(YEAR, 1, 2),
                status=PatientStatus.FOUND,
                found_date=found_on,
                fragilities=["ALD"],
                notes=f"Appeler {first} {last} au {phone}",
            )
            for i, (first, last, phone, born) in enumerate(SECRETS)
        ],
    )
    secret_ids = [p.id for p in records.load(base, PATIENTS, where=clause("Code", "like", "P-99000%")).records]
    pathway = records.load(base, PATHWAYS).records[0].id
    records.insert(base, ENROLMENTS, [Enrolment(patient=i, pathway=pathway, status="Active") for i in secret_ids])
    return base


@pytest.fixture(scope="module")
def deck(demo: Base, nocodb: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`./cpts deck --pdf` run once on the demo (LibreOffice takes a few seconds)."""
    out = tmp_path_factory.mktemp("deck") / "ag.pptx"
    env = {name: value for name, value in os.environ.items() if name not in APP_ENV}
    env |= {
        "CPTS_DATA_DIR": str(nocodb.settings.data_dir),
        "CPTS_NOCODB_PORT": str(nocodb.settings.nocodb_port),
        "CPTS_BASE_ID": demo.id,
    }
    journal = demo.count(ACCESS_LOG)
    result = subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), "deck", "--year", str(YEAR), "--out", str(out), "--pdf"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return {
        "stdout": result.stdout,
        "journal_unchanged": demo.count(ACCESS_LOG) == journal,
        "pptx": out.read_bytes(),
        "pdf": out.with_suffix(".pdf").read_bytes(),
        "presentation": Presentation(str(out)),
    }


# -- reading the PPTX back -----------------------------------------------------------------------------------


def slide(prs: PptxPresentation, title: str) -> Slide:
    found = [
        s for s in prs.slides if any(sh.has_text_frame and sh.text_frame.text.startswith(title) for sh in s.shapes)
    ]
    assert found, f"pas de diapositive « {title} »"
    return found[0]


def slides(prs: PptxPresentation, title: str) -> list[Slide]:
    return [s for s in prs.slides if any(sh.has_text_frame and sh.text_frame.text.startswith(title) for sh in s.shapes)]


def cards(page: Slide) -> dict[str, str]:
    """Key figure cards: label -> value (value, label and detail are the card's paragraphs)."""
    found = {}
    for shape in page.shapes:
        if shape.has_text_frame and len(shape.text_frame.paragraphs) >= 2:
            paragraphs = [p.text for p in shape.text_frame.paragraphs]
            found[paragraphs[1]] = paragraphs[0]
    return found


def table_rows(page: Slide) -> list[list[str]]:
    grid = next(shape.table for shape in page.shapes if shape.has_table)
    return [[cell.text for cell in row.cells] for row in grid.rows][1:]


def chart_data(page: Slide) -> dict[str, dict[str, float | None]]:
    """Series name -> category -> value, as stored in the chart (the data PowerPoint edits)."""
    chart = next(shape.chart for shape in page.shapes if shape.has_chart)
    plot = chart.plots[0]
    categories = list(plot.categories)
    return {series.name: dict(zip(categories, series.values, strict=True)) for series in plot.series}


# -- counts made by NocoDB itself ----------------------------------------------------------------------------


def between(field: str, start: date, end: date) -> str:
    return all_of(
        clause(field, "ge", "exactDate", start.isoformat()), clause(field, "le", "exactDate", end.isoformat())
    )


def month_range(month: int) -> tuple[date, date]:
    following = date(YEAR + month // 12, month % 12 + 1, 1)
    return date(YEAR, month, 1), date.fromordinal(following.toordinal() - 1)


def active(profession: str | None = None) -> str:
    checked = clause("Actif", "checked")
    return checked if profession is None else all_of(checked, clause("Profession", "eq", profession))


def found_between(start: date, end: date) -> str:
    return all_of(clause("Statut", "eq", PatientStatus.FOUND), between("Date MT trouvé", start, end))


def linked(value: object) -> object:
    return value.get("id") if isinstance(value, dict) else value


# -- the tests -------------------------------------------------------------------------------------------------


def test_members_slide_equals_nocodbs_counts(deck: dict[str, Any], demo: Base) -> None:
    page = slide(deck["presentation"], "Les membres")
    expected = {p: demo.count(MEMBERS, active(p)) for p in PROFESSIONS}
    assert expected[SMALL_PROFESSION] == 3
    values = chart_data(page)["Membres actifs"]
    shown = {}
    for category, value in values.items():
        profession, _, mask = category.partition(" : ")
        if value is None:
            assert mask in ("< 5", "masqué") and (mask == "masqué") == (expected[profession] >= 5)
        else:
            assert value == expected[profession] >= 5, category
        shown[profession] = value
    assert {p for p, n in expected.items() if n} == set(shown)
    assert values[f"{SMALL_PROFESSION} : < 5"] is None  # the profession of 3 members
    figures = cards(page)
    assert figures["Membres actifs"] == number(demo.count(MEMBERS, active()))
    new = demo.count(MEMBERS, between("Membre depuis", date(YEAR, 1, 1), date(YEAR, 12, 31)))
    assert figures[f"Nouveaux membres en {YEAR}"] == number(new)
    assert figures["Professions représentées"] == str(len(shown))


def test_access_slide_equals_nocodbs_counts(deck: dict[str, Any], demo: Base) -> None:
    page = slide(deck["presentation"], "L'accès à un médecin traitant")
    data = chart_data(page)
    months = list(data["Demandes reçues"])
    assert months == list(SHORT_MONTHS[: len(months)]) and len(months) >= TODAY.month
    for index, name in enumerate(months, start=1):
        start, end = month_range(index)
        requests = demo.count(PATIENTS, between("Date de la demande", start, end))
        found = demo.count(PATIENTS, found_between(start, end))
        assert data["Demandes reçues"][name] == (requests if requests >= 5 else None), name
        assert data["Médecin traitant trouvé"][name] == (found if found >= 5 else None), name
    year_start, year_end = date(YEAR, 1, 1), date(YEAR, 12, 31)
    found_in_year = found_between(year_start, year_end)
    fragile = any_of(*(clause("Fragilités", "anyof", f) for f in ("ALD", "70 ans et plus", "C2S/AME")))
    found, fragiles = demo.count(PATIENTS, found_in_year), demo.count(PATIENTS, all_of(found_in_year, f"({fragile})"))
    rows = demo.client.records(
        demo.id, demo.handle(PATIENTS).id, where=found_in_year, fields=["Date de la demande", "Date MT trouvé"]
    )
    delays = [
        (date.fromisoformat(r["Date MT trouvé"]) - date.fromisoformat(r["Date de la demande"])).days
        for r in rows
        if r.get("Date de la demande")
    ]
    figures = cards(page)
    assert figures[f"Demandes reçues en {YEAR}"] == number(
        demo.count(PATIENTS, between("Date de la demande", year_start, year_end))
    )
    assert figures["Médecin traitant trouvé"] == number(found)
    assert figures["Dont patients fragiles"] == percent(fragiles / found)
    assert figures["Délai médian"] == f"{number(statistics.median(delays))} jours"
    assert figures["En attente aujourd'hui"] == number(
        demo.count(PATIENTS, clause("Statut", "eq", PatientStatus.WAITING))
    )


def test_pathways_slide_equals_nocodbs_rows(deck: dict[str, Any], demo: Base) -> None:
    page = slide(deck["presentation"], "Les parcours")
    enrolments = demo.client.records(
        demo.id, demo.handle(ENROLMENTS).id, where=clause("Statut", "eq", "Active"), fields=["Patient", "Parcours"]
    )
    names = {p.id: p.name for p in records.load(demo, PATHWAYS).records}
    per_pathway = Counter(
        names[linked(row["Parcours"])]
        for row in {(linked(r["Patient"]), linked(r["Parcours"])): r for r in enrolments}.values()
    )
    frames = {spec.key: records.load(demo, spec).frame for spec in DECK_TABLES}
    summary, _ = pathway_figures(frames, TODAY)
    by_name = {row.name: row for row in summary.itertuples()}
    for name, enrolled, up_to_date, overdue, _share in table_rows(page):
        assert enrolled == number(per_pathway[name]), name  # every demo pathway has 5 patients or more
        assert up_to_date == number(by_name[name].up_to_date) and overdue == number(by_name[name].overdue)
    assert cards(page)["Patients inscrits"] == number(len({linked(r["Patient"]) for r in enrolments}))


def test_project_slides_equal_nocodbs_rows(deck: dict[str, Any], demo: Base) -> None:
    prs = deck["presentation"]
    actions = {a.number: a for a in records.load(demo, ACTIONS).records}
    rows = [row for page in slides(prs, "Le projet de santé : les") for row in table_rows(page)]
    assert len(rows) == demo.count(ACTIONS) == 14
    for number_text, title, _mission, _pilot, status, _progress, due in rows:
        action = actions[int(number_text)]
        assert title == action.title and status.split(",")[0] == action.status and due == day(action.due_date)
    page = slide(prs, "Le projet de santé : avancement")
    figures = cards(page)
    for status in (ActionStatus.NOT_STARTED, ActionStatus.DONE):
        assert figures[status] == number(demo.count(ACTIONS, clause("Statut", "eq", status)))
    late = all_of(clause("Échéance", "lt", "exactDate", TODAY.isoformat()), clause("Statut", "neq", ActionStatus.DONE))
    assert figures["En retard"] == number(demo.count(ACTIONS, late))
    frames = {spec.key: records.load(demo, spec).frame for spec in DECK_TABLES}
    board = board_figures(frames, YEAR, TODAY)
    expected = {mission: progress for mission, progress, _ in progress_by_mission(board.project)}
    assert chart_data(page)["Avancement moyen"] == pytest.approx(expected)
    page = slide(prs, f"Les priorités pour {YEAR + 1}")
    wanted = demo.count(ACTIONS, any_of(clause("Statut", "eq", ActionStatus.NOT_STARTED), f"({late})"))
    assert len(table_rows(page)) == wanted and wanted > 0
    figures = cards(page)
    assert figures["Actions non démarrées"] == number(
        demo.count(ACTIONS, clause("Statut", "eq", ActionStatus.NOT_STARTED))
    )
    assert figures["Actions en retard"] == number(demo.count(ACTIONS, late))


def test_indicator_territory_and_funding_slides(deck: dict[str, Any], demo: Base) -> None:
    prs = deck["presentation"]
    typed = {
        i.title: i
        for i in records.load(demo, INDICATORS, where=clause("Période", "eq", str(YEAR))).records
        if i.source != "Calculé"
    }
    rows = [row for page in slides(prs, f"Les indicateurs {YEAR}") for row in table_rows(page)]
    assert len(rows) == demo.count(INDICATORS, clause("Période", "eq", str(YEAR)))
    checked = 0
    for title, _mission, _unit, target, value, _achievement, _trend in rows:
        if title in typed and typed[title].value is not None:
            assert value == number(float(typed[title].value), decimals=1) and target == number(
                float(typed[title].target), decimals=1
            )
            checked += 1
        if title == "Adhérents de la CPTS":
            assert value == number(demo.count(MEMBERS, active()))
    assert checked > 10
    territory = cards(slide(prs, "Le territoire"))
    communes = records.load(demo, TERRITORY).records
    assert territory["Communes"] == number(demo.count(TERRITORY))
    assert territory["Population couverte"] == number(sum(c.population or 0 for c in communes))
    frames = {spec.key: records.load(demo, spec).frame for spec in DECK_TABLES}
    funding = board_figures(frames, YEAR, TODAY).funding
    page = slide(prs, "Le financement ACI")
    assert cards(page)[f"Financement estimé {YEAR}"] == euros(funding.total)
    fixed = chart_data(page)["Part fixe (mission démarrée)"]
    assert fixed == {m.mission: pytest.approx(m.fixed_due) for m in funding.missions}


def every_text_part(pptx: bytes) -> str:
    """Every file of the PPTX as text, the chart workbooks embedded in it unzipped too."""
    texts = []
    with zipfile.ZipFile(BytesIO(pptx)) as archive:
        for name in archive.namelist():
            content = archive.read(name)
            if name.endswith(".xlsx"):
                texts.append(every_text_part(content))
            else:
                texts.append(content.decode("utf-8", errors="ignore"))
    return "\n".join(texts)


def test_no_patient_data_in_the_pptx_nor_the_pdf(deck: dict[str, Any], demo: Base, tmp_path: Path) -> None:
    xml = every_text_part(deck["pptx"])
    pdf_path = tmp_path / "ag.pdf"
    pdf_path.write_bytes(deck["pdf"])
    pdf_text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    assert "Assemblée générale" in pdf_text and "< 5" in pdf_text  # the text layer is there to search
    for first, last, phone, born in SECRETS:
        for secret in (first, last, phone, phone.replace(" ", ""), born.isoformat(), day(born), f"{born:%d/%m/%y}"):
            assert secret not in xml and secret not in pdf_text, secret
    assert not re.search(r"P-\d{6}", xml + pdf_text)  # no patient code either


def test_the_pdf_pages_are_not_blank(deck: dict[str, Any]) -> None:
    pages = png_pages(deck["pdf"], dpi=30)
    assert len(pages) == len(deck["presentation"].slides) >= 10
    for page in pages:
        image = Image.open(BytesIO(page)).convert("L")
        low, high = image.getextrema()
        assert high - low > 100  # ink on paper, not a blank page
        assert sum(1 for value in image.get_flattened_data() if value < 200) > image.width * image.height // 50


def test_the_command_tells_what_it_wrote(deck: dict[str, Any]) -> None:
    out = deck["stdout"]
    assert "Lecture des données" in out and "Conversion en PDF" in out
    assert f"Présentation d'AG {YEAR} ({len(deck['presentation'].slides)} diapositives)" in out
    assert deck["journal_unchanged"]  # aggregates only: nothing to trace


def test_the_page_previews_every_slide_and_offers_both_files(app_env: Base, demo: Base) -> None:
    app = open_page("views/ag.py")
    assert app.title[0].value == "Présentation AG"
    picker = app.selectbox(key="ag_slide")
    assert not charts(app) and not app.dataframe  # one slide drawn at a time: the title slide
    picker.set_value(-1)  # « Toutes les diapositives »
    app = rerun(app)
    markdown = visible_text("\n".join(str(m.value) for m in app.markdown))
    drawn = charts(app)
    assert any("2. Parcours pluriprofessionnels" in texts for texts in drawn)  # the slides' charts, drawn
    [shares] = [texts for texts in drawn if "Avancement moyen" in texts]
    assert "100\u202f%" in shares and "1,00" not in shares  # written as the deck writes them: in %
    [euros] = [texts for texts in drawn if any(text.endswith("\u00a0€") for text in texts)]  # parts per mission
    assert "0\u00a0€" in euros
    for title in (
        "Le territoire",
        "Les membres",
        "L'accès à un médecin traitant",
        "Les parcours",
        "Le financement ACI",
    ):
        assert title in markdown
        assert any(title in visible_text(str(option)) for option in picker.options)
    assert MASKING_NOTE in [
        visible_text(caption.value) for caption in app.caption
    ]  # the members slide masks a profession of 3
    assert [b.proto.label for b in app.get("download_button")] == ["Télécharger le PowerPoint (.pptx)"]
    click(app, "Créer le PDF et l'aperçu des diapositives")
    labels = [b.proto.label for b in app.get("download_button")]
    assert labels == ["Télécharger le PowerPoint (.pptx)", "Télécharger le PDF"]
    previews = [i for e in app.get("image") for i in e.proto.imgs if not i.url.startswith(SVG_URL)]
    assert len(previews) >= 10  # the PDF's pages


def test_the_deck_kept_per_version_equals_the_deck_made_now(demo: Base) -> None:
    """Through a shared copy the deck is made from figures each kept once per version of its own tables; it
    equals the deck made from the tables read now, before and after a patient changes in NocoDB, and that change
    leaves the association's year as it was (its tables did not change)."""
    base = Base(demo.client, demo.id, demo.title)
    shared = base.shared = SharedTables(base, ApiSource(base))
    made = shared_deck(base, YEAR, TODAY, demo.title)
    assert made == deck_data(load_deck_inputs(demo), YEAR, TODAY, demo.title)
    life = shared.computed(LIFE, LIFE_TABLES, (YEAR,), lambda _: pytest.fail("the association's year not kept"))
    status = PATIENTS.field("status").title
    waiting = records.load(demo, PATIENTS, where=clause(status, "eq", PatientStatus.WAITING.value)).records[0]
    demo.client.update(demo.handle(PATIENTS).id, [{"Id": waiting.id, status: PatientStatus.DROPPED.value}])
    try:
        again = shared_deck(base, YEAR, TODAY, demo.title)
        assert again is not made and again == deck_data(load_deck_inputs(demo), YEAR, TODAY, demo.title)
        assert shared.computed(LIFE, LIFE_TABLES, (YEAR,), lambda _: pytest.fail("made again")) is life
    finally:
        demo.client.update(demo.handle(PATIENTS).id, [{"Id": waiting.id, status: PatientStatus.WAITING.value}])
