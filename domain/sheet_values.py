"""The cells of a spreadsheet turned into the values of a table's fields, each refusal naming its row (as in
the file), its column and why; then the shared input rules (`domain.validation.validate_rows`).

    rows, problems = sheet_rows(PATIENTS, sheet, mapping, territory, today)

Dates: 12/03/1948, 12.03.1948, 1948-03-12 or an Excel date; phones with spaces, dots or +33; « Code postal »
(with « Commune » when the postcode serves several communes, else the territory's one) -> « Commune (INSEE) »;
checkboxes oui/non/x; select options and free-text multiple choices ("ALD, >70 ans") by their words in
domain/data/sheets.toml; texts without their trailing spaces. An empty cell gives no value (the field is left
as it is in NocoDB). Only rows without any refusal are kept: an import is all or nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

from domain.communes import CommuneInfo, commune, communes_of_postcode, plain_name
from domain.problems import Problem
from domain.sheet_mapping import COMMUNE_NAME, POSTCODE, ColumnMapping, key, targets, words
from domain.sheets import Sheet
from domain.validation import validate_rows
from schema.fields import FieldSpec, Kind, Record, TableSpec
from schema.models import GP_SOUGHT

EXCEL_EPOCH = date(1899, 12, 30)
_FRENCH_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?: 00:00(?::00)?)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")
_PARTS = re.compile(r"[,;\n]")
REQUIRED: dict[str, tuple[str, ...]] = {
    "members": ("last_name",),
    "patients": ("last_name", "first_name", "birth_date"),
}
SHOWN_CHOICES = 6


@dataclass(frozen=True)
class SheetRow:
    line: int  # row number in the file
    record: Record  # the row as a record of the table (checked by `validate_rows`)
    given: tuple[str, ...]  # the attributes the row gives a value to (the others are left as they are)


Key = tuple[Any, ...]


class Refusal(Exception):
    """One cell refused: why, in French (the caller adds the row and the column)."""


def sheet_rows(
    spec: TableSpec[Any], sheet: Sheet, mapping: ColumnMapping, territory: Collection[str], today: date
) -> tuple[list[SheetRow], list[Problem]]:
    """The rows as the table takes them, or [] and every refusal (rows numbered as in the file)."""
    fields, columns = targets(spec), mapping.used()
    fixed, problems = _fixed_values(spec, mapping, fields)
    rows: list[tuple[int, dict[str, Any]]] = []
    for row in sheet.rows:
        cells = {columns[h]: (h, cell) for h, cell in zip(sheet.headers, row.cells, strict=True) if h in columns}
        values: dict[str, Any] = dict(fixed)
        for title, (header, cell) in cells.items():
            target = fields[title]
            if target is None or _blank(cell):
                continue
            try:
                values[target.attr] = value_of(target, cell)
            except Refusal as refusal:
                problems.append(Problem(spec.title, None, header, str(refusal), line=row.line))
        place = _place(cells, territory)
        if isinstance(place, Refusal):
            header = (cells.get(POSTCODE) or cells[COMMUNE_NAME])[0]
            problems.append(Problem(spec.title, None, header, str(place), line=row.line))
        elif place and "insee_code" not in values:
            values["insee_code"] = place
        rows.append((row.line, values))
    header_of = _headers_of(spec, mapping)
    problems += [replace(p, field=header_of.get(p.field, p.field)) for p in twins(spec, rows)]
    records, found = _checked(spec, rows, header_of, today)
    refused = {(p.line, p.field) for p in problems}
    problems += [p for p in found if (p.line, p.field) not in refused]
    if problems:
        return [], sorted(
            problems, key=lambda p: (p.line or 0, sheet.headers.index(p.field) if p.field in sheet.headers else 0)
        )
    return [SheetRow(line, record, tuple(values)) for (line, values), record in zip(rows, records, strict=True)], []


def keys(spec: TableSpec[Any], value: Callable[[str], Any]) -> list[Key]:
    """The keys a row (`value`: attribute -> its value) is matched by, strongest first: patients by name, birth
    date and profession sought (a row is one request: empty, a médecin traitant, as `domain.desk.sought`); members
    by RPPS, then by name and commune. Names compared without accents, case or spaces."""
    name = (plain_name(value("last_name") or ""), plain_name(value("first_name") or ""))
    if spec.key == "patients":
        return [("person", *name, value("birth_date"), value("profession_sought") or GP_SOUGHT)]
    rpps = value("rpps")
    return ([("rpps", rpps)] if rpps else []) + [("place", *name, value("insee_code"))]


def twins(spec: TableSpec[Any], rows: list[tuple[int, dict[str, Any]]]) -> list[Problem]:
    """A row naming the same person as an earlier one is refused (which one would be kept?)."""
    seen: dict[Key, int] = {}
    problems = []
    for line, values in rows:
        mine = keys(spec, values.get)
        twin = next((seen[k] for k in mine if k in seen), None)
        if twin is not None:
            title = spec.field("last_name").title
            problems.append(Problem(spec.title, None, title, f"même personne que la ligne {twin}", line=line))
        seen.update({k: line for k in mine if k not in seen})
    return problems


def _fixed_values(
    spec: TableSpec[Any], mapping: ColumnMapping, fields: Mapping[str, FieldSpec | None]
) -> tuple[dict[str, Any], list[Problem]]:
    values, problems = {}, []
    for title, text in mapping.values.items():
        target = fields.get(title)
        if target is None:
            continue
        try:
            values[target.attr] = value_of(target, text)
        except Refusal as refusal:
            problems.append(Problem(spec.title, None, title, f"valeur fixe : {refusal}"))
    return values, problems


def _headers_of(spec: TableSpec[Any], mapping: ColumnMapping) -> dict[str, str]:
    """Field title -> the file's column it comes from (« Commune (INSEE) »: the postcode's or the commune's)."""
    header_of = {title: header for header, title in mapping.used().items()}
    if "insee_code" in {f.attr for f in spec.fields}:
        insee = spec.field("insee_code").title
        header_of.setdefault(insee, header_of.get(POSTCODE) or header_of.get(COMMUNE_NAME) or insee)
    return header_of


def _checked(
    spec: TableSpec[Any], rows: list[tuple[int, dict[str, Any]]], header_of: Mapping[str, str], today: date
) -> tuple[list[Any], list[Problem]]:
    """The shared input rules (`validate_rows`), their problems placed at the file's row and column."""
    records, found = validate_rows(spec, [values for _, values in rows], today, REQUIRED.get(spec.key, ()))
    return records, [
        replace(p, field=header_of.get(p.field, p.field), line=rows[p.line - 1][0] if p.line else None) for p in found
    ]


# -- one cell --------------------------------------------------------------------------------------------


def value_of(target: FieldSpec, cell: Any) -> Any:
    """The cell as the field takes it; Refusal when it cannot be read."""
    if target.kind is Kind.DATE:
        return _date(cell)
    if target.kind is Kind.CHECKBOX:
        return _checkbox(cell)
    if target.kind is Kind.MULTI_SELECT:
        return _choices(target, cell)
    if target.kind is Kind.SELECT:
        return _option(target, _text(cell))
    if target.kind is Kind.NUMBER and isinstance(cell, int | float):
        return cell
    if target.kind is Kind.PHONE and isinstance(cell, int | float):
        digits = _text(cell)
        return "0" + digits if len(digits) == 9 else digits  # a number typed into Excel loses its leading 0
    text = _text(cell)
    return re.sub(r"\s", "", text) if target.attr == "rpps" else text


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _text(cell: Any) -> str:
    """The cell as text, spaces around it dropped (an Excel number 92130.0 as "92130")."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return " ".join(str(cell).split()) if "\n" not in str(cell) else str(cell).strip()


def _date(cell: Any) -> date:
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, int | float) and 1 <= cell < 100_000:
        return EXCEL_EPOCH + timedelta(days=int(cell))  # an Excel date stored as its serial number
    text = _text(cell)
    french, iso = _FRENCH_DATE.match(text), _ISO_DATE.match(text)
    parts = (french.group(3), french.group(2), french.group(1)) if french else iso.groups() if iso else None
    if parts is None:
        raise Refusal(f"« {text} » n'est pas une date (JJ/MM/AAAA ou AAAA-MM-JJ, ex. 12/03/1948)")
    try:
        return date(*map(int, parts))
    except ValueError as error:
        raise Refusal(f"« {text} » n'est pas une date du calendrier") from error


def _checkbox(cell: Any) -> bool:
    if isinstance(cell, bool):
        return cell
    word, listed = key(_text(cell)), words()["checkbox"]
    if word in map(key, listed["yes"]):
        return True
    if word in map(key, listed["no"]):
        return False
    raise Refusal(f"« {_text(cell)} » n'est pas oui ou non (oui, non, x, ou vide)")


@cache
def _option_words(title: str, options: tuple[str, ...]) -> dict[str, str]:
    listed: dict[str, list[str]] = words()["options"].get(title, {})
    found = {key(option): option for option in options}
    found.update({key(word): option for option, synonyms in listed.items() for word in synonyms if option in options})
    return found


def _option(target: FieldSpec, text: str) -> str:
    option = _option_words(target.title, target.options).get(key(text))
    if option is None:
        raise Refusal(f"« {text} » n'est pas une option ({', '.join(target.options)})")
    return option


def _choices(target: FieldSpec, cell: Any) -> list[str]:
    """The options a free text names ("ALD, >70 ans" -> ["ALD", "70 ans et plus"]), each once, in the spec's order."""
    named = _option_words(target.title, target.options)
    found, unknown = set(), []
    for part in filter(None, (p.strip() for p in _PARTS.split(_text(cell)))):
        pieces = [part] if key(part) in named else [p.strip() for p in part.split("/") if p.strip()]
        for piece in pieces:
            option = named.get(key(piece))
            found.add(option) if option else unknown.append(piece)
    if unknown:
        shown = ", ".join(f"« {u} »" for u in unknown)
        raise Refusal(f"{shown} : aucune option ne correspond ({', '.join(target.options)})")
    return [option for option in target.options if option in found]


# -- postcode and commune ---------------------------------------------------------------------------------


def _place(cells: Mapping[str, tuple[str, Any]], territory: Collection[str]) -> str | Refusal | None:
    """The INSEE code from « Code postal » and « Commune », or why it cannot be decided (None: neither given)."""
    postcode = _text(cells[POSTCODE][1]) if POSTCODE in cells and not _blank(cells[POSTCODE][1]) else ""
    name = _text(cells[COMMUNE_NAME][1]) if COMMUNE_NAME in cells and not _blank(cells[COMMUNE_NAME][1]) else ""
    if not postcode and not name:
        return None
    if postcode.isdigit() and len(postcode) == 4:
        postcode = "0" + postcode  # 5300 read as a number from 05300
    served = communes_of_postcode(postcode) if postcode else [commune(code) for code in sorted(territory)]
    if not served:
        return Refusal(f"« {postcode} » n'est le code postal d'aucune commune")
    if name:
        named = [info for info in served if plain_name(info.name) == plain_name(name)]
        if len(named) == 1:
            return named[0].insee_code
        if not postcode:
            return Refusal(f"« {name} » n'est pas une commune du territoire : donnez aussi le code postal")
        return Refusal(f"« {name} » n'est pas desservie par le code postal {postcode} ({_choices_of(served)})")
    if len(served) == 1:
        return served[0].insee_code
    ours = [info for info in served if info.insee_code in territory]
    if len(ours) == 1:
        return ours[0].insee_code
    return Refusal(
        f"le code postal {postcode} dessert plusieurs communes ({_choices_of(served)}) : ajoutez une colonne "
        "« Commune » ou donnez le code INSEE"
    )


def _choices_of(served: list[CommuneInfo]) -> str:
    shown = ", ".join(f"{info.name} : {info.insee_code}" for info in served[:SHOWN_CHOICES])
    return shown + (f", … {len(served) - SHOWN_CHOICES} autre(s)" if len(served) > SHOWN_CHOICES else "")
