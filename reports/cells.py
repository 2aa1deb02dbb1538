"""Spreadsheet cells written safely: a text that a spreadsheet would read as a formula (it starts with =, +, -,
@, a tab or a carriage return) is written as text, never evaluated by Excel or LibreOffice. Every workbook
the project writes appends its rows through `append`.

    append(sheet, ["=HYPERLINK(\"http://…\")", 12])     the title stays text (data type "s", quote prefix)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Sheet = Worksheet | WriteOnlyWorksheet


def formula_like(value: object) -> bool:
    """True for a text a spreadsheet could take for a formula (or a DDE command) if it were typed."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def text_cell(sheet: Sheet, text: str) -> Cell:
    """A cell of `sheet` holding `text` as text (string type and quote prefix, as Excel marks "'=…" typed in a
    cell), whatever it starts with. Its place is set when it is appended (row 1, column 1 until then)."""
    made = Cell(sheet, row=1, column=1, value=text)  # type: ignore[arg-type]  # a write-only sheet's cells too
    made.data_type = "s"  # openpyxl types a text starting with "=" as a formula
    made.quotePrefix = True
    return made


def safe(sheet: Sheet, value: Any) -> Any:
    """`value` as `append` writes it: a formula-like text as a `text_cell`, anything else as it is."""
    return text_cell(sheet, value) if formula_like(value) else value


def append(sheet: Sheet, values: Iterable[Any]) -> None:
    """One row of `values` at the end of `sheet`, formula-like texts written as text."""
    sheet.append([safe(sheet, value) for value in values])
