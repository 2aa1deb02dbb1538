"""The AG deck's data on the generated demo (no server): masking across slides, settings (AG date, CPTS name, logo),
layout limits, and the converters' French errors."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from io import BytesIO
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image
from pptx import Presentation

from demo.generate import generate
from domain.ag.deck import AgInputs, deck_data
from domain.ag.people import desk_now
from domain.ag.slides import DeckData, Slide
from domain.desk import DeskRecords, desk_figures, for_profession
from domain.parameters import AG_DATE, CPTS_NAME, LOGO, Parameters, parse_day, read_parameters
from domain.privacy import HIDDEN, MASKED
from reports import pdf
from reports.deck import deck_bytes
from schema.models import GP_SOUGHT, ParameterRow, table
from services.deck import read_logo
from store.records import to_frame

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo() -> dict[str, list]:
    return generate("small", today=TODAY)


def inputs_of(tables: dict[str, list], **changes: object) -> AgInputs:
    frames = {key: to_frame(table(key), rows) for key, rows in tables.items()}
    inputs = AgInputs(frames, DeskRecords(tables["patients"], tables["members"], []))
    return replace(inputs, **changes) if changes else inputs


def logo_at(path: str | None) -> Parameters:
    """Paramètres with the logo at `path` on row 9 (none when None)."""
    return read_parameters([] if path is None else [ParameterRow(id=9, key=LOGO.key, value=path)], (LOGO,))[0]


def page(deck: DeckData, title: str) -> Slide:
    return next(s for s in deck.slides if s.title.startswith(title))


def test_one_small_profession_hides_the_smallest_other_and_its_indicator(demo: dict[str, list]) -> None:
    """Only "Autre" (3 members) below 5: the total would give it away, so the smallest other profession is hidden,
    and so is an indicator counting that profession's members."""
    counts = pd.Series([m.profession for m in demo["members"] if m.active]).value_counts()
    members = [m for m in demo["members"] if counts.get(m.profession, 0) >= 5]
    members += [members[0].model_copy(update={"profession": "Autre", "rpps": None, "id": 90_000 + i}) for i in range(3)]
    tables = {**demo, "members": members}
    chart = page(deck_data(inputs_of(tables), TODAY.year, TODAY), "Les membres").chart
    assert chart is not None
    values = dict(zip(chart.categories, chart.series[0].values, strict=True))
    assert values["Autre : < 5"] is None
    hidden = [category for category in values if category.endswith(f" : {HIDDEN}")]
    assert len(hidden) == 1 and values[hidden[0]] is None
    profession = hidden[0].split(" : ")[0]
    assert counts[profession] == min(n for n in counts if n >= 5)  # the smallest one
    indicator = demo["indicators"][0].model_copy(
        update={
            "id": 9999,
            "title": "Membres de la profession masquée",
            "source": "Calculé",
            "computation": f"membres_par_profession:{profession}",
        }
    )
    deck = deck_data(inputs_of({**tables, "indicators": [*demo["indicators"], indicator]}), TODAY.year, TODAY)
    active = sum(1 for m in members if m.active)
    assert page(deck, "Les membres").figures[0].value == str(active)  # the total stays (shown elsewhere)
    rows = [row for s in deck.slides if s.title.startswith("Les indicateurs") and s.table for row in s.table.rows]
    assert next(r for r in rows if r[0] == "Membres de la profession masquée")[4:6] == (HIDDEN, "—")


def test_every_patient_count_below_five_is_masked_in_the_deck(demo: dict[str, list]) -> None:
    few = [p for p in demo["patients"] if p.request_date is None or p.request_date.month != 3][:40]
    deck = deck_data(inputs_of({**demo, "patients": few}), TODAY.year, TODAY)
    access = page(deck, "L'accès")
    shown = {f.label: f.value for f in access.figures}
    for label, value in shown.items():
        assert value in (MASKED, HIDDEN, "—") or not value.isdigit() or int(value) >= 5, label
    assert access.chart is not None
    for series in access.chart.series:
        assert all(v is None or v >= 5 for v in series.values)


def test_settings_name_date_and_warnings(demo: dict[str, list]) -> None:
    settings = [
        *demo["settings"],
        ParameterRow(id=500, key=AG_DATE.key, value="12/06/2027"),
    ]
    deck = deck_data(inputs_of({**demo, "settings": settings}), 2026, TODAY, base_title="Base")
    assert deck.cpts_name == "CPTS Issy-les-Moulineaux"  # « Nom de la CPTS » rather than the base title
    assert deck.title == "Assemblée générale du 12 juin 2027"
    assert parse_day("2026-11-23") == TODAY
    with pytest.raises(ValueError):
        parse_day("le 23 novembre")
    soon = [*demo["settings"], ParameterRow(id=501, key=AG_DATE.key, value="bientôt")]
    deck = deck_data(inputs_of({**demo, "settings": soon}), 2026, TODAY)
    assert deck.ag_date == TODAY
    assert [str(p) for p in deck.problems] == [
        "Paramètres, ligne Id 501, champ « Valeur » : « bientôt » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA) "
        "(paramètre « Date de l'AG ») : date du jour utilisée"
    ]
    unnamed = [s for s in demo["settings"] if s.key != CPTS_NAME.key]
    assert deck_data(inputs_of({**demo, "settings": unnamed}), 2026, TODAY, "Base CPTS").cpts_name == "Base CPTS"


def test_an_empty_cpts_says_what_to_enter(demo: dict[str, list]) -> None:
    empty = {key: [] for key in demo}
    deck = deck_data(inputs_of(empty), 2026, TODAY)
    messages = [s.message for s in deck.slides if s.message]
    assert "Aucune commune dans la table Territoire de NocoDB." in messages
    assert "Aucun membre actif dans la table Membres de NocoDB." in messages
    assert "Aucun parcours actif dans la table Parcours de NocoDB." in messages
    assert "Aucune action dans la table Actions de NocoDB." in messages
    assert deck_bytes(deck)  # and the deck is still made


def test_the_logo_is_read_or_refused_in_french(tmp_path: Path, demo: dict[str, list]) -> None:
    assert read_logo(logo_at(None)) == (None, [])
    missing, why = read_logo(logo_at(str(tmp_path / "absent.png")))
    assert missing is None and [(p.table, p.id, p.field) for p in why] == [("Paramètres", 9, "Valeur")]
    assert "fichier introuvable" in why[0].reason and LOGO.key in why[0].reason
    (tmp_path / "notes.txt").write_text("pas une image")
    assert "n'est pas une image" in read_logo(logo_at(str(tmp_path / "notes.txt")))[1][0].reason
    buffer = BytesIO()
    Image.new("RGB", (300, 120), "#1c7ed6").save(buffer, "PNG")
    (tmp_path / "logo.png").write_bytes(buffer.getvalue())
    logo, problems = read_logo(logo_at(str(tmp_path / "logo.png")))
    assert logo == buffer.getvalue() and not problems
    deck = deck_data(inputs_of(demo, logo=logo), 2026, TODAY)
    title = Presentation(BytesIO(deck_bytes(deck))).slides[0]
    assert [shape.shape_type for shape in title.shapes].count(13) == 1  # MSO_SHAPE_TYPE.PICTURE


def test_charts_are_native_and_tables_fit(demo: dict[str, list]) -> None:
    deck = deck_data(inputs_of(demo), 2026, TODAY)
    prs = Presentation(BytesIO(deck_bytes(deck)))
    assert len(prs.slides) == len(deck.slides) + 1
    charts = [shape for s in prs.slides for shape in s.shapes if shape.has_chart]
    assert len(charts) == sum(1 for s in deck.slides if s.chart) >= 4
    for s in deck.slides:
        if s.table is not None:
            assert len(s.table.rows) <= 14 and all(len(row) == len(s.table.headers) for row in s.table.rows)
    notes = [s.notes_slide.notes_text_frame.text for s in prs.slides]
    assert all("NocoDB" in text for text in notes)


def test_converters_fail_in_french(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(pdf.PdfError, match="n'a pas fini en 1 secondes"):
        pdf.run(["sleep", "30"], 1, "LibreOffice")
    with pytest.raises(pdf.PdfError, match="a échoué"):
        pdf.run(["false"], 10, "pdftoppm")
    monkeypatch.setattr(pdf.shutil, "which", lambda _: None)
    with pytest.raises(pdf.PdfError, match=r"LibreOffice \(commande soffice\) est introuvable"):
        pdf.pdf_from_pptx(b"")
    with pytest.raises(pdf.PdfError, match="pdftoppm est introuvable"):
        pdf.png_pages(b"")


def test_the_access_slide_counts_the_desk_as_the_desk_does(demo: dict[str, list]) -> None:
    """The slide's median delay and waiting patients (`desk_now`, without the costly fragile counts) are those of
    `domain.desk.desk_figures`, this year and at the end of last year."""
    requests = for_profession(inputs_of(demo).desk, GP_SOUGHT)
    for as_of in (TODAY, date(TODAY.year - 1, 12, 31)):
        figures = desk_figures(requests, as_of)
        assert desk_now(requests, as_of) == (figures.median_days_to_found, figures.waiting)
    assert figures.waiting and figures.median_days_to_found  # the demo has both: the comparison counts
