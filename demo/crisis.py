"""The demo's crisis plan: its sections, three referents with deputies, volunteers for three kinds of crisis and
one exercise last year, from demo/data/plan_de_crise.toml; members drawn among the demo's active ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from demo.data_files import entries, load
from demo.members import practising
from demo.world import World, phone
from schema.crisis import CellMember, CrisisExercise, CrisisResource, PlanSection
from schema.models import Member

_DATA = load("plan_de_crise")
_WHERE = "demo/data/plan_de_crise.toml"


@dataclass(frozen=True)
class SectionPlan:
    section: str
    content: str
    kind: str | None = None


@dataclass(frozen=True)
class ReferentPlan:
    role: str
    profession: str


@dataclass(frozen=True)
class VolunteerPlan:
    kind: str
    profession: str
    count: int
    offer: str


@dataclass(frozen=True)
class ExercisePlan:
    kind: str
    crisis_kind: str
    years_ago: int
    month: int
    day: int
    lessons: str


SECTIONS = entries(SectionPlan, _DATA["section"], f"{_WHERE} [[section]]")
REFERENTS = entries(ReferentPlan, _DATA["referent"], f"{_WHERE} [[referent]]")
VOLUNTEERS = entries(VolunteerPlan, _DATA["volunteers"], f"{_WHERE} [[volunteers]]")
EXERCISES = entries(ExercisePlan, _DATA["exercise"], f"{_WHERE} [[exercise]]")


def plan_sections(world: World) -> list[PlanSection]:
    reviewed = world.today - timedelta(days=int(_DATA["reviewed_days_ago"]))
    return [
        PlanSection(id=number, section=row.section, content=row.content, crisis_kind=row.kind, reviewed_on=reviewed)
        for number, row in enumerate(SECTIONS, start=1)
    ]


def cell(world: World, members: list[Member]) -> list[CellMember]:
    """A referent and a deputy of each role's profession (the first two active ones of that profession)."""
    rng = world.rng("crisis cell")
    rows = []
    for number, row in enumerate(REFERENTS, start=1):
        referent, deputy = practising(members, row.profession, None)[:2]
        number_24h = phone(rng, world.home.department, mobile=True)
        rows.append(CellMember(id=number, member=referent.id, role=row.role, deputy=deputy.id, phone=number_24h))
    return rows


def resources(members: list[Member]) -> list[CrisisResource]:
    """Volunteers of each kind: the last active members of its profession (not the cell's, who come first)."""
    rows: list[CrisisResource] = []
    for plan in VOLUNTEERS:
        for member in practising(members, plan.profession, None)[-plan.count :]:
            rows.append(CrisisResource(id=len(rows) + 1, member=member.id, crisis_kind=plan.kind, offer=plan.offer))
    return rows


def exercises(world: World) -> list[CrisisExercise]:
    return [
        CrisisExercise(
            id=number,
            on=date(world.today.year - row.years_ago, row.month, row.day),
            kind=row.kind,
            crisis_kind=row.crisis_kind,
            lessons=row.lessons,
        )
        for number, row in enumerate(EXERCISES, start=1)
    ]
