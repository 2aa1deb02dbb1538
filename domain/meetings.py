"""The life of the association (Rencontres, Participations): the checks a meeting or a participation passes before
it is written, the attendance sheet's lines, and the year's figures — meetings per mission and kind, members who
took part, hours of training, mean satisfaction — that the page and the calculated indicators share.

Pure: records in, figures and French messages out. A message names the table, the row and the field."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.crisis import member_name
from schema.meetings import (
    MEETINGS,
    PARTICIPATIONS,
    SCORE_HIGH,
    SCORE_LOW,
    Meeting,
    MeetingKind,
    Participation,
    Presence,
)
from schema.missions import AciMission
from schema.models import Member

EXTERNAL = "Extérieur"  # the profession column of an external person on the attendance sheet


def meeting_row(meeting: Meeting) -> str:
    """How a message names a meeting: its Id once written, its title before."""
    if meeting.id is not None:
        return f"{MEETINGS.title} n° {meeting.id}"
    return f"{MEETINGS.title} « {meeting.title or 'sans titre'} »"


def meeting_errors(meeting: Meeting) -> list[str]:
    """What keeps a meeting from being written (empty: none): a title, a kind and a day are needed, and it may not
    end before it starts."""
    row = meeting_row(meeting)
    needed = [attr for attr in ("title", "kind", "on", "start", "end") if getattr(meeting, attr) in (None, "")]
    errors = [f"{row} : « {MEETINGS.field(attr).title} » manque" for attr in needed]
    if meeting.start and meeting.end and meeting.end <= meeting.start:
        start, end = MEETINGS.field("start").title, MEETINGS.field("end").title
        errors.append(f"{row} : « {end} » {meeting.end} n'est pas après « {start} » {meeting.start}")
    return errors


def participation_row(participation_id: int | None) -> str:
    return f"{PARTICIPATIONS.title} n° {participation_id}" if participation_id is not None else PARTICIPATIONS.title


def score_error(participation_id: int | None, score: object) -> str | None:
    """A satisfaction score is a whole number from 1 to 5 (None: no score yet)."""
    if score is None:
        return None
    if isinstance(score, bool) or not isinstance(score, int | float) or score != int(score):
        valid = False
    else:
        valid = SCORE_LOW <= int(score) <= SCORE_HIGH
    if valid:
        return None
    field = PARTICIPATIONS.field("satisfaction").title
    return (
        f"{participation_row(participation_id)} : « {field} » « {score} » doit être un nombre entier "
        f"de {SCORE_LOW} à {SCORE_HIGH}"
    )


def presence_errors(present: Iterable[int], excused: Iterable[int]) -> list[str]:
    """A participation cannot be both present and excused."""
    field = PARTICIPATIONS.field("presence").title
    both = sorted(set(present) & set(excused))
    return [f"{participation_row(pid)} : « {field} » à la fois présent et excusé" for pid in both]


# -- the attendance sheet -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SheetLine:
    name: str
    profession: str


def form_answer(participation: Participation) -> bool:
    """A row the satisfaction form added (`schema.forms.SATISFACTION_FORM`): no member, no name, no presence — an
    anonymous score or comment, not an invitation."""
    return participation.member is None and not participation.person and participation.presence is None


def invited(meeting_id: int, participations: Iterable[Participation]) -> list[Participation]:
    """The persons invited to the meeting (the form's anonymous answers left out)."""
    return [p for p in participations if p.meeting == meeting_id and not form_answer(p)]


def form_answers(meeting_id: int, participations: Iterable[Participation]) -> list[Participation]:
    return [p for p in participations if p.meeting == meeting_id and form_answer(p)]


def sheet_lines(meeting_id: int, participations: Iterable[Participation], members: Iterable[Member]) -> list[SheetLine]:
    """One line per person invited to the meeting, members by last name first, then the external persons."""
    by_id = {m.id: m for m in members if m.id is not None}
    rows = invited(meeting_id, participations)
    people = sorted(
        (by_id[p.member] for p in rows if p.member in by_id),
        key=lambda m: ((m.last_name or "").casefold(), (m.first_name or "").casefold(), m.id or 0),
    )
    lines = [SheetLine(member_name(m), m.profession or "") for m in people]
    return lines + [SheetLine(p.person, EXTERNAL) for p in rows if p.member not in by_id and p.person]


# -- the year's figures -------------------------------------------------------------------------------------


def in_year(meetings: Iterable[Meeting], year: int) -> list[Meeting]:
    return [m for m in meetings if m.on is not None and m.on.year == year]


def hours(meeting: Meeting) -> float:
    """The meeting's length in hours (0 when its times are missing or the wrong way round)."""
    if not meeting.start or not meeting.end:
        return 0.0
    start, end = (datetime.strptime(value, "%H:%M") for value in (meeting.start, meeting.end))
    return max((end - start).total_seconds() / 3600, 0.0)


def argument_error(argument: str) -> str | None:
    """A count of meetings may be restricted to a kind or a mission; anything else is named."""
    if argument in tuple(MeetingKind) or argument in tuple(AciMission):
        return None
    known = ", ".join([*MeetingKind, *AciMission])
    return f"« {argument} » n'est ni un type de rencontre ni une mission ACI ({known})"


def meeting_count(meetings: Iterable[Meeting], year: int, kind_or_mission: str | None = None) -> int:
    """Meetings of the year, of one kind or one mission, or all of them."""
    held = in_year(meetings, year)
    return sum(1 for m in held if kind_or_mission is None or kind_or_mission in (m.kind, m.mission))


def counts_by_mission_and_kind(meetings: Iterable[Meeting], year: int) -> Counter[tuple[str, str]]:
    """(mission, kind) → meetings of the year; « — » for a meeting without one."""
    return Counter((m.mission or "—", m.kind or "—") for m in in_year(meetings, year))


def _held(meetings: Iterable[Meeting], year: int) -> set[int]:
    return {m.id for m in in_year(meetings, year) if m.id is not None}


def members_who_took_part(meetings: Iterable[Meeting], participations: Iterable[Participation], year: int) -> int:
    """Distinct members present at a meeting of the year."""
    held = _held(meetings, year)
    return len({p.member for p in participations if p.meeting in held and p.presence == Presence.PRESENT and p.member})


def training_hours(meetings: Iterable[Meeting], year: int) -> float:
    """Hours of the year's trainings (their length, not multiplied by the trainees)."""
    return sum(hours(m) for m in in_year(meetings, year) if m.kind == MeetingKind.TRAINING)


def scores(meetings: Iterable[Meeting], participations: Iterable[Participation], year: int) -> list[int]:
    held = _held(meetings, year)
    return [p.satisfaction for p in participations if p.meeting in held and p.satisfaction is not None]


def mean_satisfaction(meetings: Iterable[Meeting], participations: Iterable[Participation], year: int) -> float | None:
    """The mean of the scores given for the year's meetings, to one decimal (None: no score)."""
    found = scores(meetings, participations, year)
    return round(sum(found) / len(found), 1) if found else None


def presence_counts(meeting_id: int, participations: Sequence[Participation]) -> Counter[str]:
    """Presence → persons, for one meeting (« Invité » for a row with no presence yet)."""
    return Counter(p.presence or Presence.INVITED for p in invited(meeting_id, participations))


def minute_files(value: object) -> list[str]:
    """The file names of a « Compte rendu » cell: NocoDB's list of files (from the API, or as JSON text)."""
    files = value
    if isinstance(value, str):
        try:
            files = json.loads(value)
        except ValueError:
            return [value] if value.strip() else []
    if not isinstance(files, list):
        return []
    return [str(item.get("title") or item.get("path") or "fichier") for item in files if isinstance(item, dict)]
