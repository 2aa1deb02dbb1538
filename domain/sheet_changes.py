"""What a spreadsheet changes in Membres or Patients, worked out whole before anything is written.

Rows are matched to existing ones: members by RPPS, else by name + commune (a member with another RPPS is
another person); patients by name + birth date + profession sought (a row is one request; empty: a médecin
traitant; accents, case and spaces ignored). A matched row updates only the fields the file gives, and only where they differ (a name spelt with other capitals or accents is the
same name; a multiple choice gains the options the file adds, it loses none); an unmatched row is added (a patient with the next free code, « En attente », asked today, seeking a
médecin traitant when the file does not say). A patient marked « Opposition au partage » in NocoDB is left as it is by a row that
does not say so too. Matching before adding is what makes a run stopped half-way, started again, finish
without duplicates, and a second run of the same file change nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from domain.communes import plain_name
from domain.patient_request import next_code
from domain.sheet_values import Key, SheetRow, keys
from schema.fields import Kind, Record, TableSpec
from schema.models import GP_SOUGHT, PATIENTS, PatientStatus

NAMES = ("last_name", "first_name")


@dataclass
class SheetChanges:
    added: list[Record] = field(default_factory=list)
    updated: list[tuple[Record, tuple[str, ...]]] = field(default_factory=list)  # (record with its Id, attrs)
    unchanged: int = 0
    kept: list[Record] = field(default_factory=list)  # patients objecting to sharing, left as they are
    matched: list[Record] = field(default_factory=list)  # the existing rows the file names (as NocoDB has them)

    @property
    def nothing(self) -> bool:
        return not self.added and not self.updated

    def patient_codes(self) -> list[str]:
        """The codes of the patients written (added or updated)."""
        return self.codes([*self.added, *(r for r, _ in self.updated)])

    @staticmethod
    def codes(rows: Sequence[Record]) -> list[str]:
        """The patient codes of these rows (none for members)."""
        return [str(code) for code in (getattr(r, "code", None) for r in rows) if code]


def sheet_changes(
    spec: TableSpec[Any], rows: Sequence[SheetRow], existing: Sequence[Record], today: date
) -> SheetChanges:
    """Every row matched (or added), every change found."""
    index: dict[Key, Record] = {}
    for record in existing:
        for found in keys(spec, record.__dict__.get):
            index.setdefault(found, record)
    changes, code = SheetChanges(), next_code([getattr(r, "code", None) for r in existing])
    for row in rows:
        match = _match(keys(spec, row.record.__dict__.get), index)
        if match is None:
            new = _new(spec, row, code, today)
            code = next_code([getattr(new, "code", None)]) if spec is PATIENTS else code
            changes.added.append(new)
        else:
            changes.matched.append(match)
            _update(spec, row, match, changes)
    return changes


def _match(mine: list[Key], index: dict[Key, Record]) -> Record | None:
    """The existing row matched by the strongest key; by name + commune only when it has no other RPPS."""
    for found in mine:
        match = index.get(found)
        if match is not None and not (found[0] == "place" and mine[0][0] == "rpps" and getattr(match, "rpps", None)):
            return match
    return None


def _new(spec: TableSpec[Any], row: SheetRow, code: str, today: date) -> Record:
    if spec is not PATIENTS:
        return row.record
    defaults = {"status": PatientStatus.WAITING.value, "request_date": today, "profession_sought": GP_SOUGHT}
    return row.record.model_copy(
        update={"code": code, **{attr: value for attr, value in defaults.items() if attr not in row.given}}
    )


def _update(spec: TableSpec[Any], row: SheetRow, match: Record, changes: SheetChanges) -> None:
    values: dict[str, Any] = {}
    for attr in row.given:
        new, old = getattr(row.record, attr), getattr(match, attr)
        if attr in NAMES and plain_name(new or "") == plain_name(old or ""):
            continue  # the name it was matched by: "PETIT" stays as typed in NocoDB for "Petit"
        if spec.field(attr).kind is Kind.MULTI_SELECT:
            options = spec.field(attr).options
            new = [o for o in options if o in old or o in new]
        if new != old:
            values[attr] = new
    if not values:
        changes.unchanged += 1
    elif spec is PATIENTS and getattr(match, "objection", False) and not getattr(row.record, "objection", False):
        changes.kept.append(match)
    else:
        changes.updated.append((match.model_copy(update=values), tuple(values)))
