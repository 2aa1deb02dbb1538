"""Meetings and participations for the indicator tests, and each meeting indicator counted from NocoDB's own
filtered rows (the hours, which NocoDB cannot compute, from the times of the trainings it filters)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from schema.meetings import MEETINGS, PARTICIPATIONS, Meeting, MeetingKind, Participation, Presence
from schema.missions import AciMission
from schema.models import MEMBERS
from store import records
from store.base import Base
from store.client import all_of, clause

QUALITY = AciMission.QUALITY
SEEDED_THIS_YEAR = {  # what `meeting_counts` finds for the year of `seed_meetings`: each count distinctive
    "rencontres_annee": 3,
    "rencontres_annee:Formation": 2,
    "rencontres_annee:5. Qualité et pertinence des soins": 2,
    "participants_rencontres_annee": 2,
    "heures_formation_annee": 5.5,
    "satisfaction_moyenne_annee": 4.0,
}


def seed_meetings(base: Base, year: int) -> None:
    """This year: a training of 3 h 30, a meeting and a training of 2 h (both mission 5); last year: a meeting.
    Two members come this year (one twice), one is excused, an external speaker comes; scores 5, 4, 3 this year
    and 1 last year."""
    a, b, c, d = [m.id for m in records.load(base, MEMBERS).records[:4]]
    held = [
        Meeting(title="F1", kind=MeetingKind.TRAINING, mission=AciMission.PREVENTION, on=date(year, 2, 3),
                start="09:00", end="12:30"),
        Meeting(title="R1", kind=MeetingKind.MEETING, mission=QUALITY, on=date(year, 4, 7), start="19:00", end="21:00"),
        Meeting(title="F2", kind=MeetingKind.TRAINING, mission=QUALITY, on=date(year, 9, 1), start="14:00", end="16:00"),
        Meeting(title="R0", kind=MeetingKind.MEETING, mission=QUALITY, on=date(year - 1, 5, 2), start="19:00",
                end="20:00"),
    ]  # fmt: skip
    f1, r1, f2, r0 = records.insert(base, MEETINGS, held)
    present, excused, invited = Presence.PRESENT, Presence.EXCUSED, Presence.INVITED
    rows = [
        Participation(meeting=f1, member=a, presence=present, satisfaction=5),
        Participation(meeting=f1, member=b, presence=present, satisfaction=4),
        Participation(meeting=f1, member=c, presence=excused),
        Participation(meeting=r1, member=a, presence=present, satisfaction=3),
        Participation(meeting=r1, member=d, presence=invited),
        Participation(meeting=f2, member=b, presence=present),
        Participation(meeting=f2, person="Intervenante extérieure", presence=present),
        Participation(meeting=r0, member=c, presence=present, satisfaction=1),
    ]
    records.insert(base, PARTICIPATIONS, rows)


def _in_year(field: str, year: int) -> str:
    return all_of(clause(field, "ge", "exactDate", f"{year}-01-01"), clause(field, "le", "exactDate", f"{year}-12-31"))


def _linked(value: Any) -> Any:
    return value.get("id", value.get("Id")) if isinstance(value, dict) else value


def _rows(base: Base, spec: Any, where: str, fields: list[str]) -> list[dict[str, Any]]:
    return base.client.records(base.id, base.handle(spec).id, where=where, fields=fields)


def meeting_counts(base: Base, year: int) -> dict[str, float]:
    """Each meeting indicator of `year`, counted by NocoDB's own filters."""
    held = {row["Id"] for row in _rows(base, MEETINGS, _in_year("Date", year), ["Id"])}
    link = base.handle(PARTICIPATIONS).fk_titles
    meeting_key, member_key = link["Rencontre"], link["Membre"]
    present = _rows(base, PARTICIPATIONS, clause("Présence", "eq", Presence.PRESENT), [meeting_key, member_key])
    scored = _rows(
        base, PARTICIPATIONS, clause("Satisfaction (1-5)", "isnotblank"), [meeting_key, "Satisfaction (1-5)"]
    )
    scores = [row["Satisfaction (1-5)"] for row in scored if _linked(row[meeting_key]) in held]
    trainings = all_of(clause("Type", "eq", MeetingKind.TRAINING), _in_year("Date", year))
    hours = sum(
        (datetime.strptime(row["Fin"], "%H:%M") - datetime.strptime(row["Début"], "%H:%M")).seconds / 3600
        for row in _rows(base, MEETINGS, trainings, ["Début", "Fin"])
    )
    return {
        "rencontres_annee": base.count(MEETINGS, _in_year("Date", year)),
        f"rencontres_annee:{MeetingKind.TRAINING}": base.count(MEETINGS, trainings),
        f"rencontres_annee:{QUALITY}": base.count(
            MEETINGS, all_of(clause("Mission ACI", "eq", QUALITY), _in_year("Date", year))
        ),
        "participants_rencontres_annee": len(
            {_linked(r[member_key]) for r in present if _linked(r[meeting_key]) in held and r[member_key] is not None}
        ),
        "heures_formation_annee": round(hours, 1),
        "satisfaction_moyenne_annee": round(sum(scores) / len(scores), 1) if scores else 0,
    }
