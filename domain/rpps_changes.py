"""What an RPPS extract changes in the base: rows of Professionnels du territoire to add, update or mark as
departed, members whose empty fields it fills, and the differences it reports instead of overwriting.

    records, problems = checked_professionals(found, today)
    changes = rpps_changes(records, existing, members, communes, extract_day)

Nothing is ever deleted. A member field the coordinator typed is never overwritten: when the extract says
something else, a `Difference` is reported. A second run of the same extract changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from domain.communes import plain_name
from domain.problems import Problem
from domain.rpps import Found
from domain.validation import validate_form
from schema.models import MEMBERS, PRACTICE_MODES, PROFESSIONALS, Member, TerritoryProfessional

SOURCE = "Extrait RPPS"  # the « table » named by a value of the extract refused
# Member attributes an extract fills when empty (same attribute in both tables).
MEMBER_FIELDS = (
    "last_name",
    "first_name",
    "profession",
    "specialty",
    "practice_mode",
    "structure_name",
    "insee_code",
    "address",
    "phone",
    "email",
)
DATES = ("seen_on", "arrival", "departure")  # what the import itself writes, compared apart


@dataclass(frozen=True)
class Difference:
    """A member field typed in NocoDB that the extract gives otherwise: reported, left as typed."""

    member: str  # « DUPONT Jean (RPPS 10001234567) »
    field: str  # French title of the field
    nocodb: str
    rpps: str

    def __str__(self) -> str:
        return f"{self.member} — {self.field} : NocoDB dit « {self.nocodb} », RPPS dit « {self.rpps} »"


@dataclass
class RppsChanges:
    arrivals: list[TerritoryProfessional] = field(default_factory=list)  # new rows
    updates: list[TerritoryProfessional] = field(default_factory=list)  # rows whose values changed
    returns: list[TerritoryProfessional] = field(default_factory=list)  # departed, back (also in `updates`)
    seen: list[TerritoryProfessional] = field(default_factory=list)  # unchanged but for the extract's date
    departures: list[TerritoryProfessional] = field(default_factory=list)  # rows given their « Départ »
    members: list[tuple[Member, tuple[str, ...]]] = field(default_factory=list)  # member filled, its attributes
    differences: list[Difference] = field(default_factory=list)
    unchanged: int = 0
    absent_members: list[Member] = field(default_factory=list)  # members with an RPPS not in the extract

    @property
    def rows_to_write(self) -> list[TerritoryProfessional]:
        """Existing rows of Professionnels du territoire to write again."""
        return [*self.updates, *self.seen, *self.departures]

    @property
    def nothing(self) -> bool:
        return not (self.arrivals or self.rows_to_write or self.members)


def checked_professionals(found: Sequence[Found], today: date) -> tuple[list[TerritoryProfessional], list[Problem]]:
    """The people found as rows of Professionnels du territoire, checked by the input rules
    (`domain.validation`): a value refused is left empty and reported with its line in the extract; the
    person is kept. People without an RPPS (ADELI only) are left out."""
    rows: list[TerritoryProfessional] = []
    problems: list[Problem] = []
    for person in found:
        if person.rpps is None:
            continue
        record, errors = validate_form(PROFESSIONALS, person.values, today)
        if record is None:
            refused = {spec.attr for spec in PROFESSIONALS.fields if spec.title in {e.field for e in errors}}
            kept = {attr: value for attr, value in person.values.items() if attr not in refused}
            record, _ = validate_form(PROFESSIONALS, kept, today)
            problems += [replace(error, table=SOURCE, line=person.line) for error in errors]
        if record is not None:
            rows.append(record)
    return rows, problems


def rpps_changes(
    found: Sequence[TerritoryProfessional],
    existing: Sequence[TerritoryProfessional],
    members: Sequence[Member],
    communes: Collection[str],
    day: date,
) -> RppsChanges:
    """What the extract of `day` (its professionals of `communes`, `found`) changes, given the rows already in
    Professionnels du territoire and the members."""
    changes = RppsChanges()
    by_rpps = {m.rpps: m for m in members if m.rpps}
    before = {p.rpps: p for p in existing if p.rpps}
    for row in found:
        member = by_rpps.get(row.rpps or "")
        _compare(changes, row.model_copy(update={"member": member.id if member else None, "seen_on": day}), before)
        if member is not None:
            _fill(changes, member, row)
    present = {row.rpps for row in found}
    changes.departures = [
        old.model_copy(update={"departure": day})
        for old in existing
        if old.rpps not in present and old.departure is None and old.insee_code in communes
    ]
    changes.absent_members = [m for m in members if m.rpps and m.rpps not in present]
    return changes


def member_name(member: Member | TerritoryProfessional) -> str:
    return person_name(member.last_name, member.first_name, member.rpps)


def person_name(last_name: str | None, first_name: str | None, rpps: str | None) -> str:
    """« DUPONT Jean (RPPS 10001234567) »."""
    name = " ".join(part for part in (last_name, first_name) if part) or "?"
    return f"{name} (RPPS {rpps})"


def _compare(changes: RppsChanges, row: TerritoryProfessional, before: dict[Any, TerritoryProfessional]) -> None:
    old = before.get(row.rpps)
    if old is None:
        changes.arrivals.append(row.model_copy(update={"arrival": row.seen_on}))
        return
    back = old.departure is not None
    row = row.model_copy(update={"id": old.id, "departure": None, "arrival": row.seen_on if back else old.arrival})
    if back:
        changes.returns.append(row)
    if _values(row) != _values(old):
        changes.updates.append(row)
    elif row.seen_on != old.seen_on or row.arrival != old.arrival:
        changes.seen.append(row)
    else:
        changes.unchanged += 1


def _values(row: TerritoryProfessional) -> dict[str, Any]:
    return row.model_dump(exclude={"seen_on", "arrival"})


def _fill(changes: RppsChanges, member: Member, row: TerritoryProfessional) -> None:
    filled: dict[str, Any] = {}
    for attr in MEMBER_FIELDS:
        theirs, ours = getattr(row, attr), getattr(member, attr)
        if theirs is None or (attr == "practice_mode" and theirs not in PRACTICE_MODES):
            continue
        if ours is None:
            filled[attr] = theirs
        elif _plain(ours) != _plain(theirs):
            title = MEMBERS.field(attr).title
            changes.differences.append(Difference(member_name(member), title, str(ours), str(theirs)))
    if filled:
        changes.members.append((member.model_copy(update=filled), tuple(filled)))


def _plain(value: Any) -> str:
    return plain_name(str(value))


def by_profession(rows: Iterable[TerritoryProfessional]) -> dict[str, int]:
    """Count of rows per profession, largest first."""
    counts: dict[str, int] = {}
    for row in rows:
        key = row.profession or "?"
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
