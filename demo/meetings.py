"""The demo's life of the association: a few meetings of the year (Rencontres), each with its invited members,
those who came or excused themselves and some satisfaction scores (Participations), from
demo/data/rencontres.toml; members drawn among the demo's active ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from demo.data_files import entries, load
from demo.world import World
from schema.meetings import Meeting, Participation, Presence
from schema.models import Action, Member

_WHERE = "demo/data/rencontres.toml"


@dataclass(frozen=True)
class MeetingPlan:
    title: str
    kind: str
    mission: str
    action: int
    days: int  # before today; negative: still to come
    start: str
    end: str
    place: str
    theme: str
    invited: int
    present: int
    excused: int
    scored: int
    online: bool = False


MEETINGS = entries(MeetingPlan, load("rencontres")["meeting"], f"{_WHERE} [[meeting]]")


def meetings(world: World, actions: list[Action]) -> list[Meeting]:
    """The meetings of the data file, dated from today; `action` n links to the n-th action of the project."""
    return [
        Meeting(
            id=number,
            title=plan.title,
            kind=plan.kind,
            on=world.today - timedelta(days=plan.days),
            start=plan.start,
            end=plan.end,
            place=plan.place or None,
            online=plan.online,
            theme=plan.theme,
            mission=plan.mission or None,
            action=actions[plan.action - 1].id if plan.action else None,
        )
        for number, plan in enumerate(MEETINGS, start=1)
    ]


def participations(world: World, members: list[Member]) -> list[Participation]:
    """For each meeting, `invited` active members drawn at random: the first `present` came, the next `excused`
    excused themselves; the first `scored` of those who came gave a score."""
    rng = world.rng("meetings")
    active = [m.id for m in members if m.active and m.id is not None]
    rows: list[Participation] = []
    for number, plan in enumerate(MEETINGS, start=1):
        for rank, member in enumerate(rng.sample(active, min(plan.invited, len(active)))):
            presence = (
                Presence.PRESENT
                if rank < plan.present
                else Presence.EXCUSED
                if rank < plan.present + plan.excused
                else Presence.INVITED
            )
            score = rng.choice((3, 4, 4, 5, 5)) if rank < min(plan.scored, plan.present) else None
            rows.append(
                Participation(
                    id=len(rows) + 1,
                    meeting=number,
                    member=member,
                    presence=presence,
                    role="Participant",
                    satisfaction=score,
                )
            )
    return rows
