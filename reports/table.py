"""A list exported as a workbook: one sheet, a bold header row, then one row per line of the list, every cell
through `reports.cells` (a text that looks like a formula stays text). Dates in the French format."""

from __future__ import annotations

from datetime import date, datetime
from io import BytesIO
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font

from reports.cells import Sheet, append, safe

DATE = "DD/MM/YYYY"
DATE_TIME = "DD/MM/YYYY HH:MM"


def table_bytes(frame: pd.DataFrame, title: str) -> bytes:
    """The workbook (XLSX) of `frame`'s columns and rows, its one sheet named after `title`."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    header = [safe(sheet, str(column)) for column in frame.columns]
    sheet.append([_bold(sheet, cell) for cell in header])
    for row in frame.itertuples(index=False):
        append(sheet, [_dated(sheet, export_value(value)) for value in row])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_value(value: Any) -> Any:
    """A cell of a page's frame as a workbook takes it: lists joined with ", ", empty cells empty, numpy
    numbers as Python numbers, timestamps as datetimes."""
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value) or None
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _dated(sheet: Sheet, value: Any) -> Any:
    if not isinstance(value, date):
        return value
    cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]  # write-only sheets are meant
    has_time = isinstance(value, datetime) and (value.hour, value.minute, value.second) != (0, 0, 0)
    cell.number_format = DATE_TIME if has_time else DATE
    return cell


def _bold(sheet: Sheet, value: Any) -> Any:
    cell = value if isinstance(value, Cell) else WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
    cell.font = Font(bold=True)
    return cell
