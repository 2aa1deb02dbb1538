"""The health project of the demo CPTS: its actions (Actions), their milestones (Jalons) and indicators
(Indicateurs), this year's and last year's for the actions started before this year, so that trends show.

The actions, milestones and indicators are in demo/data/projet_de_sante.toml."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from demo.association import ASSOCIATION_TARGETS
from demo.data_files import entries, load
from demo.members import practising
from demo.world import World, add_months
from schema.models import (
    GP_SPECIALTY,
    Action,
    ActionStatus,
    Enrolment,
    Indicator,
    Member,
    Milestone,
    Pathway,
    Patient,
    PatientStatus,
)

_WHERE = "demo/data/projet_de_sante.toml"


@dataclass(frozen=True)
class ActionPlan:
    title: str
    mission: str
    description: str
    status: str
    start_months: int  # after the ACI signature
    due_months: int  # after today for actions in progress, after the start otherwise
    budget: int
    progress: int
    milestones: list[str]
    pilot_profession: str | None = None  # a member of this profession (and specialty) pilots the action
    pilot_specialty: str | None = None
    late: bool = False


@dataclass(frozen=True)
class IndicatorPlan:
    action: int  # number of the action: its position in the file
    title: str
    kind: str
    unit: str
    target: float | None = None
    value: float | None = None
    computation: str | None = None
    comment: str | None = None


_ROWS = load("projet_de_sante")["action"]
ACTIONS = entries(ActionPlan, _ROWS, f"{_WHERE} [[action]]", nested=("indicator",))
INDICATORS = tuple(
    plan
    for number, row in enumerate(_ROWS, start=1)
    for plan in entries(
        IndicatorPlan,
        [{**item, "action": number} for item in row.get("indicator", [])],
        f"{_WHERE} [[action.indicator]]",
    )
)


def signature_date(today: date) -> date:
    """When the demo CPTS signed its ACI contract: about 25 months ago."""
    return (today - timedelta(days=750)).replace(day=1)


def actions(world: World, members: list[Member]) -> list[Action]:
    rng = world.rng("actions")
    signature = signature_date(world.today)
    rows = []
    for number, plan in enumerate(ACTIONS, start=1):
        start, due = _action_dates(world.today, signature, plan)
        rows.append(
            Action(
                id=number,
                number=number,
                title=plan.title,
                mission=plan.mission,
                pilot=_pilot(rng, members, plan),
                status=plan.status,
                start_date=start,
                due_date=due,
                budget=Decimal(plan.budget),
                progress=plan.progress,
                description=plan.description,
            )
        )
    return rows


def _action_dates(today: date, signature: date, plan: ActionPlan) -> tuple[date, date]:
    if plan.status == ActionStatus.NOT_STARTED:
        start = add_months(today, 2)
        return start, add_months(start, plan.due_months)
    start = add_months(signature, plan.start_months)
    if plan.late:
        return start, today - timedelta(days=45)
    if plan.status == ActionStatus.DONE:
        return start, add_months(start, plan.due_months)
    return start, add_months(today, plan.due_months)


def _pilot(rng: random.Random, members: list[Member], plan: ActionPlan) -> int | None:
    if plan.pilot_profession is None:
        return None
    pool = practising(members, plan.pilot_profession, plan.pilot_specialty)
    return rng.choice(pool).id if pool else None


def milestones(world: World, actions: list[Action]) -> list[Milestone]:
    rng = world.rng("milestones")
    rows: list[Milestone] = []
    for action, plan in zip(actions, ACTIONS, strict=True):
        assert action.start_date and action.due_date
        span = (action.due_date - action.start_date).days
        count = len(plan.milestones)
        for index, title in enumerate(plan.milestones, start=1):
            due = action.start_date + timedelta(days=span * index // count)
            done = action.status == ActionStatus.DONE or (due <= world.today and not (plan.late and index == count))
            done_on = (
                min(world.today, max(action.start_date, due + timedelta(days=rng.randint(-15, 10)))) if done else None
            )
            rows.append(
                Milestone(id=len(rows) + 1, title=title, action=action.id, due_date=due, done=done, done_on=done_on)
            )
    return rows


def indicators(
    world: World,
    actions: list[Action],
    members: list[Member],
    patients: list[Patient],
    enrolments: list[Enrolment],
    pathways: list[Pathway],
) -> list[Indicator]:
    """The indicators of this year, and of last year for the actions started before this year (so that
    trends show). Calculated indicators carry no typed value, except last year's snapshot counts, frozen."""
    rng = world.rng("indicators")
    year = world.today.year
    targets = _targets(members, patients, enrolments, pathways)
    snapshots = _snapshots(members, patients, enrolments, pathways)
    rows: list[Indicator] = []
    for plan in INDICATORS:
        action = actions[plan.action - 1]
        target, value = plan.target, plan.value
        typed_requests = plan.computation is None and target is None  # typed by the coordinator from the desk
        if typed_requests:
            target, value = targets["demandes"], _requests(patients, year)
        elif plan.computation:
            target = targets.get(plan.computation)
        computed = plan.computation is not None
        comment = plan.comment or rng.choice((None, None, "Saisie trimestrielle."))
        current = _indicator(len(rows) + 1, plan, action, year, target, None if computed else value, comment)
        rows.append(current)
        if action.start_date and action.start_date.year < year:
            if typed_requests:
                before = _requests(patients, year - 1)
            elif plan.computation in snapshots:  # not countable again for a past year: frozen at year end
                before = round(snapshots[plan.computation] * rng.uniform(0.8, 1.2))
            elif computed or value is None:
                before = None
            else:
                before = round(value * rng.uniform(0.6, 0.95))
            rows.append(_indicator(len(rows) + 1, plan, action, year - 1, target, before, None))
    return rows


def _indicator(
    position: int,
    plan: IndicatorPlan,
    action: Action,
    year: int,
    target: float | None,
    value: float | None,
    comment: str | None,
) -> Indicator:
    computed = plan.computation is not None
    return Indicator(
        id=position,
        title=plan.title,
        action=action.id,
        kind=plan.kind,
        target=None if target is None else Decimal(str(target)),
        value=None if value is None else Decimal(str(value)),
        unit=plan.unit,
        period=str(year),
        source="Calculé" if computed else "Manuel",
        computation=plan.computation,
        comment=comment,
    )


def _requests(patients: list[Patient], year: int) -> int:
    return sum(1 for p in patients if p.request_date and p.request_date.year == year)


def _targets(
    members: list[Member],
    patients: list[Patient],
    enrolments: list[Enrolment],
    pathways: list[Pathway],
) -> dict[str, int]:
    """Contract-like targets of the calculated indicators (and of the requests typed by the coordinator)."""
    gps = sum(1 for m in members if m.active and m.specialty == GP_SPECIALTY)
    targets = {
        "patients_mt_trouve_annee_fragiles": round(2.3 * gps),
        "patients_mt_trouve_annee": round(5 * gps),
        "membres_par_profession": round(len(members) * 1.1),
        "membres_nouveaux_annee": max(5, round(len(members) * 0.1)),
        "demandes": round(len(patients) * 12 / 18),
        **ASSOCIATION_TARGETS,
    }
    for pathway in pathways:
        enrolled = sum(1 for e in enrolments if e.pathway == pathway.id)
        targets[f"inscrits_parcours:{pathway.name}"] = round(enrolled * 1.2) + 5
    return targets


def _snapshots(
    members: list[Member],
    patients: list[Patient],
    enrolments: list[Enrolment],
    pathways: list[Pathway],
) -> dict[str, int]:
    """Today's counts of the calculated indicators that are not yearly (a base for last year's frozen values)."""
    counts = {
        "membres_par_profession": sum(1 for m in members if m.active),
        "ald_en_attente": sum(
            1
            for p in patients
            if p.status in (PatientStatus.WAITING, PatientStatus.PROPOSED) and "ALD" in p.fragilities
        ),
    }
    for pathway in pathways:
        active = {e.patient for e in enrolments if e.pathway == pathway.id and e.status == "Active"}
        counts[f"inscrits_parcours:{pathway.name}"] = len(active)
    return counts
