"""Formula injection in the workbooks the project writes: a text starting with =, +, -, @, a tab or a carriage
return is written as text (reports.cells), in the "dialogue de gestion" workbook (an action title typed as
=HYPERLINK(…) in NocoDB) and in a list exported from a page (reports.table). Read back with openpyxl. No server."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO
from typing import Any

import openpyxl
import pandas as pd
import pytest
from openpyxl import Workbook

from demo.generate import generate
from domain.board import board_figures
from reports.cells import FORMULA_STARTS, append, formula_like
from reports.dialogue import dialogue_bytes
from reports.table import table_bytes
from schema.models import table
from store.records import to_frame

TODAY = date(2026, 11, 23)
HOSTILE = '=HYPERLINK("http://example.com/x","Cliquez ici")'
STARTS = ["=1+1", "+33 6 12", "-2+3", "@SUM(A1:A2)", "\tTab", "\rRetour"]


def cells(content: bytes) -> list[Any]:
    workbook = openpyxl.load_workbook(BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def test_formula_like_texts() -> None:
    assert all(formula_like(text) for text in STARTS) and len(STARTS) == len(FORMULA_STARTS)
    assert not any(formula_like(value) for value in ("Martin", "P-000001", " =1", "", 12, -3, None))


def test_append_writes_formula_like_texts_as_text_in_both_kinds_of_sheet() -> None:
    for write_only in (False, True):
        workbook = Workbook(write_only=write_only)
        sheet = workbook.create_sheet("Feuille")
        append(sheet, [*STARTS, "Martin", 12, None])
        buffer = BytesIO()
        workbook.save(buffer)
        written = openpyxl.load_workbook(BytesIO(buffer.getvalue()))["Feuille"]
        row = next(written.iter_rows())
        assert [c.value for c in row[:8]] == [*STARTS, "Martin", 12]  # the texts as typed, nothing added
        assert [c.data_type for c in row[:6]] == ["s"] * 6 and all(c.quotePrefix for c in row[:6])
    plain = Workbook()  # proof that the test can fail: openpyxl alone writes a formula
    assert plain.active is not None
    plain.active.append([HOSTILE])
    assert plain.active["A1"].data_type == "f"


@pytest.fixture(scope="module")
def hostile_figures() -> Any:
    tables = generate("small", today=TODAY)
    first, *others = tables["actions"]
    tables["actions"] = [first.model_copy(update={"title": HOSTILE}), *others]
    frames = {key: to_frame(table(key), rows) for key, rows in tables.items()}
    return board_figures(frames, TODAY.year, TODAY)


def test_dialogue_workbook_keeps_a_hyperlink_title_as_text(hostile_figures: Any) -> None:
    written = cells(dialogue_bytes(hostile_figures, "=CPTS"))
    titles = [c for c in written if c.value == HOSTILE]
    assert titles and all(c.data_type == "s" for c in titles)
    assert not [c.coordinate for c in written if c.data_type == "f"]


def test_an_exported_list_keeps_formulas_as_text_and_its_types() -> None:
    frame = pd.DataFrame(
        {
            "Code": ["P-000001", "P-000002"],
            "Nom": [HOSTILE, "-Martin"],
            "Demande": [date(2026, 1, 2), None],
            "Priorité": [58, None],
            "Fragilités": [["ALD", "C2S"], []],
            "Date": pd.to_datetime(["2026-11-23 10:30", None]),
        }
    )
    workbook = openpyxl.load_workbook(BytesIO(table_bytes(frame, "Patients en attente")))
    sheet = workbook["Patients en attente"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == list(frame.columns) and all(c.font.b for c in sheet[1])
    assert rows[1] == ["P-000001", HOSTILE, datetime(2026, 1, 2), 58, "ALD, C2S", datetime(2026, 11, 23, 10, 30)]
    assert rows[2] == ["P-000002", "-Martin", None, None, None, None]
    assert sheet["B2"].data_type == "s" and sheet["B3"].data_type == "s"
    assert (sheet["C2"].number_format, sheet["F2"].number_format) == ("DD/MM/YYYY", "DD/MM/YYYY HH:MM")
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
