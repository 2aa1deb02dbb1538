"""The life of the association, shared by the page Vie de la CPTS: read the meetings and who was invited, plan a
meeting (the meeting and one Participations row « Invité » per member invited), make its attendance sheet (PDF,
offline), tick presence afterwards and record satisfaction. Everything is checked before anything is written
(`domain.meetings`): a refusal is French, names the row and the field, and leaves NocoDB as it was."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from domain.french import long_day
from domain.meetings import (
    meeting_errors,
    meeting_row,
    presence_errors,
    score_error,
    sheet_lines,
)
from domain.parameters import cpts_name
from domain.permissions import Action, require
from domain.problems import Problem
from errors import Refused
from reports.attendance import SheetHeading, attendance_pptx
from reports.pdf import pdf_from_pptx
from schema.fields import TableSpec, french_reason
from schema.forms import SATISFACTION_FORM
from schema.meetings import MEETINGS, PARTICIPATIONS, Meeting, Participation, Presence
from schema.models import ACTIONS, MEMBERS, PARAMETERS, Member
from schema.models import Action as ProjectAction
from services import writes
from services.tables import load_records
from store import forms, records
from store.base import Base

MEETING_TABLES: tuple[TableSpec[Any], ...] = (MEETINGS, PARTICIPATIONS, MEMBERS, ACTIONS)
ONLINE = "En ligne"


@dataclass(frozen=True)
class MeetingsRead:
    meetings: list[Meeting]
    participations: list[Participation]
    members: list[Member]
    actions: list[ProjectAction]
    problems: list[Problem]  # values NocoDB holds that the spec refuses (left empty)
    cpts_name: str

    def meeting(self, meeting_id: int) -> Meeting:
        found = [m for m in self.meetings if m.id == meeting_id]
        if not found:
            raise Refused(f"{MEETINGS.title} n° {meeting_id} : introuvable (supprimée entre-temps ?)")
        return found[0]


def read_meetings(base: Base, *, refresh: bool = False) -> MeetingsRead:
    """The meetings, their participations, the members and actions they link to, from the base's shared copy."""
    loaded = load_records(base, (*MEETING_TABLES, PARAMETERS), refresh=refresh)
    return MeetingsRead(
        list(loaded[MEETINGS.key].records),
        list(loaded[PARTICIPATIONS.key].records),
        list(loaded[MEMBERS.key].records),
        list(loaded[ACTIONS.key].records),
        [problem for spec in MEETING_TABLES for problem in loaded[spec.key].problems],
        cpts_name(loaded[PARAMETERS.key].frame, base.title),
    )


def made(spec: TableSpec[Any], values: Mapping[str, Any], row: str) -> Any:
    """The record of these values, or Refused in French naming the row and the field."""
    try:
        return spec.model(**values)
    except ValidationError as error:
        titles = {f.attr: f.title for f in spec.fields}
        reasons = [f"« {titles.get(str(e['loc'][0]), e['loc'][0])} » : {french_reason(e)}" for e in error.errors()]
        raise Refused(f"{row} : " + " ; ".join(reasons)) from None


def plan_meeting(base: Base, role: str | None, values: Mapping[str, Any], member_ids: Sequence[int]) -> int:
    """Write a meeting and invite these members (one « Invité » row each); its Id. Refused, nothing written, for a
    role that may not, a meeting that does not hold (a missing title, an end before the start…)."""
    require(role, Action.ORGANISE_MEETINGS)
    row = f"{MEETINGS.title} « {values.get('title') or 'sans titre'} »"
    meeting: Meeting = made(MEETINGS, values, row)
    errors = meeting_errors(meeting)
    if errors:
        raise Refused(" ; ".join(errors))
    [meeting_id] = writes.insert(base, MEETINGS, [meeting])
    invitations = [Participation(meeting=meeting_id, member=member, presence=Presence.INVITED) for member in member_ids]
    try:
        if invitations:
            writes.insert(base, PARTICIPATIONS, invitations)
    except Exception:
        base.client.delete(base.handle(MEETINGS).id, [meeting_id])  # all or nothing
        raise
    return meeting_id


def invite(base: Base, role: str | None, meeting_id: int, member_ids: Sequence[int]) -> list[int]:
    """Invite more members to a meeting (those already invited are left as they are)."""
    require(role, Action.ORGANISE_MEETINGS)
    read = read_meetings(base, refresh=True)
    read.meeting(meeting_id)
    already = {p.member for p in read.participations if p.meeting == meeting_id}
    new = [
        Participation(meeting=meeting_id, member=m, presence=Presence.INVITED) for m in member_ids if m not in already
    ]
    return writes.insert(base, PARTICIPATIONS, new) if new else []


def _of_meeting(base: Base, meeting_id: int, ids: Sequence[int]) -> list[Participation]:
    """The meeting's participations, read now; Refused when one of `ids` is not among them."""
    read = read_meetings(base, refresh=True)
    read.meeting(meeting_id)
    rows = [p for p in read.participations if p.meeting == meeting_id and p.id is not None]
    strangers = sorted(set(ids) - {p.id for p in rows})
    if strangers:
        listed = ", ".join(f"n° {pid}" for pid in strangers)
        raise Refused(f"{PARTICIPATIONS.title} {listed} : pas une participation de {MEETINGS.title} n° {meeting_id}")
    return rows


def record_presence(
    base: Base, role: str | None, meeting_id: int, present: Sequence[int], excused: Sequence[int]
) -> None:
    """Tick who came (`present`) and who excused themselves (`excused`), by Participations Id; the meeting's other
    invited persons go back to « Invité ». Refused, nothing written, when a row is in both lists."""
    require(role, Action.ORGANISE_MEETINGS)
    errors = presence_errors(present, excused)
    if errors:
        raise Refused(" ; ".join(errors))
    rows = _of_meeting(base, meeting_id, [*present, *excused])
    presence = {**{pid: Presence.PRESENT for pid in present}, **{pid: Presence.EXCUSED for pid in excused}}
    changed = [
        Participation(id=p.id, presence=presence.get(p.id or 0, Presence.INVITED))
        for p in rows
        if presence.get(p.id or 0, Presence.INVITED) != (p.presence or Presence.INVITED)
    ]
    if changed:
        records.patch(base, PARTICIPATIONS, changed, ["presence"])


def record_satisfaction(
    base: Base, role: str | None, meeting_id: int, answers: Mapping[int, tuple[object, str | None]]
) -> None:
    """Write the score (1–5) and comment of each participation (Id → (score, comment)); all are checked first: one
    bad score refuses them all and nothing is written."""
    require(role, Action.ORGANISE_MEETINGS)
    errors = [error for pid, (score, _) in answers.items() if (error := score_error(pid, score)) is not None]
    if errors:
        raise Refused(" ; ".join(errors))
    _of_meeting(base, meeting_id, list(answers))
    rows = [
        made(PARTICIPATIONS, {"id": pid, "satisfaction": score, "comment": comment or None}, f"n° {pid}")
        for pid, (score, comment) in answers.items()
    ]
    if rows:
        records.patch(base, PARTICIPATIONS, rows, ["satisfaction", "comment"])


def sheet_heading(meeting: Meeting, name: str) -> SheetHeading:
    when = f"{long_day(meeting.on)}, {meeting.start or '?'}–{meeting.end or '?'}" if meeting.on else "date à fixer"
    place = ", ".join(part for part in (meeting.place, ONLINE if meeting.online else None) if part) or "lieu à fixer"
    return SheetHeading(name, meeting.title or meeting_row(meeting), meeting.kind or "", when, place)


def attendance_sheet(base: Base, role: str | None, meeting_id: int) -> bytes:
    """The attendance sheet (PDF) of a meeting: one line per invited person, read now from NocoDB."""
    require(role, Action.ORGANISE_MEETINGS)
    read = read_meetings(base, refresh=True)
    meeting = read.meeting(meeting_id)
    lines = sheet_lines(meeting_id, read.participations, read.members)
    return pdf_from_pptx(attendance_pptx(sheet_heading(meeting, read.cpts_name), lines))


def sheet_name(meeting: Meeting) -> str:
    return f"emargement-{meeting.on or 'sans-date'}-rencontre-{meeting.id}.pdf"


def satisfaction_link(base: Base, public_url: str | None) -> str | None:
    """The address of the satisfaction form (`schema.forms.SATISFACTION_FORM`, made by `./cpts migrate`), under
    `public_url` (the reverse proxy's) when given; None when it is missing or no longer shared."""
    return forms.shared_link(base, SATISFACTION_FORM, public_url)
