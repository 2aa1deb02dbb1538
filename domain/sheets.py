"""A spreadsheet (xlsx or csv) read in memory into a header and numbered rows, for `./cpts import members|patients`
and the page Importer.

    sheet = read_sheet(data, "membres.xlsx", limit=20_000_000, sheet="Membres")
    sheet.headers        # ["Nom", "Prénom", "Tél."]
    sheet.rows           # [Row(line=4, cells=["Martin", "Hélène", "06 12 34 56 78"]), …]: line as in the file

xlsx: openpyxl read-only with `data_only` (a formula cell gives the value Excel saved, never evaluated);
csv: UTF-8 (with or without BOM), else Windows-1252, else latin-1; separator `;`, `,` or tab, sniffed. The
header is the row, among the first ones, that names the most known fields (`domain.sheet_mapping`): merged
title rows and empty lines above it are skipped; empty lines below it are skipped too, their numbers kept.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from errors import Refused

HEADER_SEARCH = 20  # rows looked at for the header
SEPARATORS = ";,\t"
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
MEGABYTE = 1_000_000


class SheetRefused(Refused):
    """The file cannot be read as a table (too big, not xlsx/csv, no header, unknown sheet)."""


@dataclass(frozen=True)
class Row:
    line: int  # its row number in the file (as Excel or a text editor shows it)
    cells: tuple[Any, ...]


@dataclass(frozen=True)
class Sheet:
    name: str  # the file's name
    sheet: str | None  # the worksheet read (xlsx)
    sheets: tuple[str, ...]  # every worksheet of the file (xlsx)
    header_line: int
    headers: tuple[str, ...]
    rows: tuple[Row, ...]


def size_problem(size: int, limit: int) -> str | None:
    """Why a file of `size` bytes is refused (None if it is within `limit`)."""
    if size <= limit:
        return None
    return f"Le fichier fait {size / MEGABYTE:.1f} Mo : {limit / MEGABYTE:.0f} Mo au plus (réglage CPTS_IMPORT_MAX_MO)."


def read_sheet(
    data: bytes, name: str, limit: int, sheet: str | None = None, score: Callable[[Sequence[str]], int] = len
) -> Sheet:
    """The file's header and rows. `score`: how many known fields a row of headers names (the best is the header)."""
    problem = size_problem(len(data), limit)
    if problem:
        raise SheetRefused(problem)
    if zipfile.is_zipfile(io.BytesIO(data)):
        title, titles, grid = _xlsx_rows(data, name, sheet)
    elif name.lower().endswith((".xlsx", ".xlsm")):
        raise SheetRefused(f"{name} n'est pas un classeur Excel lisible (enregistrez-le en .xlsx).")
    else:
        if sheet:
            raise SheetRefused(f"{name} est un fichier CSV : il n'a pas de feuille « {sheet} ».")
        title, titles, grid = None, (), _csv_rows(data, name)
    return _table(name, title, titles, grid, score)


def _xlsx_rows(data: bytes, name: str, wanted: str | None) -> tuple[str, tuple[str, ...], list[tuple[Any, ...]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise SheetRefused(f"{name} n'est pas un classeur Excel lisible ({error}).") from error
    try:
        titles = tuple(book.sheetnames)
        if wanted is not None and wanted not in titles:
            raise SheetRefused(f"{name} n'a pas de feuille « {wanted} » (feuilles : {', '.join(titles)}).")
        title = wanted or titles[0]
        sheet = book[title]
        sheet.reset_dimensions()  # some writers record a wrong size: read every row there is
        return title, titles, [tuple(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def decode(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (BOM or not), else Windows-1252 (Excel's « CSV »), else latin-1."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes any bytes")


def separator(text: str) -> str:
    """`;`, `,` or tab: the one the first lines use most consistently."""
    sample = "\n".join(text.splitlines()[:HEADER_SEARCH])
    try:
        return csv.Sniffer().sniff(sample, delimiters=SEPARATORS).delimiter
    except csv.Error:
        return max(SEPARATORS, key=sample.count)


def _csv_rows(data: bytes, name: str) -> list[tuple[Any, ...]]:
    text = decode(data)
    if "\x00" in text:
        raise SheetRefused(f"{name} n'est ni un classeur .xlsx ni un fichier CSV.")
    return [tuple(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=separator(text))]


def _filled(cells: Iterable[Any]) -> list[str]:
    return [str(c).strip() for c in cells if c is not None and str(c).strip()]


def _table(
    name: str,
    title: str | None,
    titles: tuple[str, ...],
    grid: list[tuple[Any, ...]],
    score: Callable[[Sequence[str]], int],
) -> Sheet:
    candidates = [(i, _filled(row)) for i, row in enumerate(grid[:HEADER_SEARCH]) if len(_filled(row)) >= 2]
    if not candidates:
        where = f" (feuille « {title} »)" if title else ""
        raise SheetRefused(
            f"{name}{where} : aucune ligne d'en-têtes (au moins deux colonnes nommées) en haut du fichier."
        )
    at = max(candidates, key=lambda c: (score(c[1]), -c[0]))[0]
    width = max(i + 1 for i, c in enumerate(grid[at]) if c is not None and str(c).strip())
    headers = _unique([_header(grid[at][i], i) for i in range(width)])
    rows = tuple(
        Row(line, _padded(cells, width)) for line, cells in enumerate(grid[at + 1 :], start=at + 2) if _filled(cells)
    )
    return Sheet(name, title, titles, at + 1, headers, rows)


def _header(cell: Any, index: int) -> str:
    text = " ".join(str(cell).split()) if cell is not None else ""
    return text or f"Colonne {index + 1}"


def _unique(headers: list[str]) -> tuple[str, ...]:
    """Headers made unique: a second "Nom" becomes "Nom (2)" (a mapping names columns by header)."""
    seen: dict[str, int] = {}
    unique = []
    for header in headers:
        seen[header] = seen.get(header, 0) + 1
        unique.append(header if seen[header] == 1 else f"{header} ({seen[header]})")
    return tuple(unique)


def _padded(cells: tuple[Any, ...], width: int) -> tuple[Any, ...]:
    return tuple(cells[:width]) + (None,) * max(0, width - len(cells))
