"""The care pathways of the demo (Parcours, Étapes de parcours, Acteurs de parcours), the patients enrolled
in them (Inscriptions) and the steps done for each enrolment (Étapes réalisées), some up to date, some overdue.

The pathways, their steps and roles, and the enrolment mix are in demo/data/parcours.toml."""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from demo.data_files import entries, load
from demo.members import practising
from demo.world import World, age, between, pick, years_before
from domain.step_conditions import parse_condition
from schema.models import Enrolment, Member, Pathway, PathwayMember, PathwayStep, Patient, StepDone

DIABETES = "Diabète de type 2"  # its name in parcours.toml: enrolled with a foot grade, ALD patients first
_DATA = load("parcours")
_WHERE = "demo/data/parcours.toml"
_ENROLMENT: dict[str, Any] = _DATA["enrolment"]


@dataclass(frozen=True)
class PathwayPlan:
    name: str
    category: str
    sex: str
    description: str
    min_age: int | None = None
    max_age: int | None = None


@dataclass(frozen=True)
class StepPlan:
    title: str
    profession: str | None = None  # None: any member taking part in the pathway (at the step's level)
    interval: int | None = None  # months between two occurrences; None for a one-off step
    level: int | None = None  # endometriosis: 1 primary care, 2 referral centre, 3 expert centre
    ages: tuple[int, int] | None = None  # when narrower than the pathway's
    condition: str | None = None  # in the vocabulary of domain.step_conditions
    note: str = ""
    specialty: str | None = None


@dataclass(frozen=True)
class Role:
    """Members of a profession (and specialty, None for any) taking part in a pathway: a `share` of them."""

    role: str
    profession: str
    share: float
    specialty: str | None = None
    level: int | None = None


_PATHWAYS = entries(PathwayPlan, _DATA["pathway"], f"{_WHERE} [[pathway]]", nested=("step", "role"))
_STEPS = {
    row["name"]: entries(StepPlan, row["step"], f"{_WHERE} [[pathway.step]] de « {row['name']} »")
    for row in _DATA["pathway"]
}
_ROLES = {
    row["name"]: entries(Role, row["role"], f"{_WHERE} [[pathway.role]] de « {row['name']} »")
    for row in _DATA["pathway"]
}


def pathways() -> list[Pathway]:
    return [Pathway(id=position, **asdict(plan)) for position, plan in enumerate(_PATHWAYS, start=1)]


def pathway_steps(pathways: list[Pathway]) -> list[PathwayStep]:
    steps: list[PathwayStep] = []
    for pathway in pathways:
        assert pathway.name
        for order, plan in enumerate(_STEPS[pathway.name], start=1):
            min_age, max_age = plan.ages or (pathway.min_age, pathway.max_age)
            steps.append(
                PathwayStep(
                    id=len(steps) + 1,
                    title=plan.title,
                    pathway=pathway.id,
                    order=order,
                    level=plan.level,
                    profession=plan.profession,
                    interval_months=plan.interval,
                    min_age=min_age,
                    max_age=max_age,
                    sex=pathway.sex,
                    condition=plan.condition,
                    description=plan.note,
                    specialty=plan.specialty,
                )
            )
    return steps


def pathway_members(world: World, members: list[Member], pathways: list[Pathway]) -> list[PathwayMember]:
    rng = world.rng("pathway_members")
    rows: list[PathwayMember] = []
    for pathway in pathways:
        assert pathway.name
        for role in _ROLES[pathway.name]:
            pool = practising(members, role.profession, role.specialty)
            chosen = rng.sample(pool, k=min(len(pool), max(1, round(role.share * len(pool)))))
            for member in sorted(chosen, key=lambda m: m.id or 0):
                rows.append(
                    PathwayMember(
                        id=len(rows) + 1, role=role.role, member=member.id, pathway=pathway.id, level=role.level
                    )
                )
    return rows


# --- enrolments and steps done -------------------------------------------------------------------


def _eligible(patient: Patient, pathway: Pathway, today: date) -> bool:
    """Within the pathway's sex and age range from the request date to today."""
    if patient.objection or patient.birth_date is None or patient.request_date is None:
        return False
    wanted_sex = {"Femmes": "Femme", "Hommes": "Homme"}.get(pathway.sex or "")
    if wanted_sex and patient.sex != wanted_sex:
        return False
    young_enough = pathway.max_age is None or age(patient.birth_date, today) <= pathway.max_age
    return young_enough and age(patient.birth_date, patient.request_date) >= (pathway.min_age or 0)


def enrolments(world: World, total: int, patients: list[Patient], pathways: list[Pathway]) -> list[Enrolment]:
    rng = world.rng("enrolments")
    by_name = {pathway.name: pathway for pathway in pathways}
    rows: list[dict[str, Any]] = []
    for name, share in _ENROLMENT["shares"].items():
        pathway = by_name[name]
        pool = [p for p in patients if _eligible(p, pathway, world.today)]
        if name == DIABETES:
            pool = [p for p in pool if "ALD" in p.fragilities] or pool
        for patient in rng.sample(pool, k=min(len(pool), round(total * share))):
            rows.append(_enrolment(world, rng, patient, pathway))
    rows.sort(key=lambda row: (row["enrolled_on"], row["pathway"], row["patient"]))
    code_of = {patient.id: patient.code for patient in patients}
    name_of = {pathway.id: pathway.name for pathway in pathways}
    return [
        Enrolment(id=position, reference=f"{code_of[row['patient']]} – {name_of[row['pathway']]}", **row)
        for position, row in enumerate(rows, start=1)
    ]


def _enrolment(world: World, rng: random.Random, patient: Patient, pathway: Pathway) -> dict[str, Any]:
    assert patient.request_date
    status = pick(rng, tuple(_ENROLMENT["statuses"].items()))
    diabetes = pathway.name == DIABETES
    return {
        "patient": patient.id,
        "pathway": pathway.id,
        "enrolled_on": between(rng, patient.request_date, world.today),
        "status": status,
        "foot_grade": pick(rng, tuple(enumerate(_ENROLMENT["foot_grade_shares"]))) if diabetes else None,
        "notes": rng.choice(_ENROLMENT["exit_notes"]) if status == "Sortie" else None,
        "low_risk": diabetes and rng.random() < 0.3,
    }


def steps_done(
    world: World,
    enrolments: list[Enrolment],
    patients: list[Patient],
    pathways: list[Pathway],
    steps: list[PathwayStep],
) -> list[StepDone]:
    rng = world.rng("steps_done")
    patient_of = {patient.id: patient for patient in patients}
    steps_of: dict[int | None, list[PathwayStep]] = {pathway.id: [] for pathway in pathways}
    for step in steps:
        steps_of[step.pathway].append(step)
    rows: list[StepDone] = []
    for enrolment in enrolments:
        patient = patient_of[enrolment.patient]
        for step, done_on in _history(world, rng, enrolment, patient, steps_of[enrolment.pathway]):
            reference = f"{patient.code} – {step.title} – {done_on.isoformat()}"
            rows.append(
                StepDone(
                    id=len(rows) + 1,
                    reference=reference,
                    enrolment=enrolment.id,
                    step=step.id,
                    done_on=done_on,
                )
            )
    return rows


def _history(
    world: World, rng: random.Random, enrolment: Enrolment, patient: Patient, steps: list[PathwayStep]
) -> list[tuple[PathwayStep, date]]:
    """The dates each step of the pathway was done for this enrolment, some up to date, some overdue."""
    assert enrolment.enrolled_on and patient.birth_date
    if all(_period_days(step, enrolment) is None for step in steps):
        return _graded_history(world, rng, enrolment.enrolled_on, steps)
    done: list[tuple[PathwayStep, date]] = []
    for step in steps:
        rule = parse_condition(step.condition)
        if rule.foot_grade is not None and rule.foot_grade != enrolment.foot_grade:
            continue
        period = _period_days(step, enrolment)
        if period is None:  # e.g. a colonoscopy after a positive test
            if rule.on_indication and rng.random() < 0.04:
                done.append((step, between(rng, enrolment.enrolled_on, world.today)))
            continue
        dates = _recurring_dates(world, rng, period)
        done += [(step, day) for day in dates if _within_ages(step, patient.birth_date, day)]
    return done


def _period_days(step: PathwayStep, enrolment: Enrolment) -> int | None:
    """Days between two occurrences of a recurring step for this enrolment; None for a one-off step."""
    rule = parse_condition(step.condition)
    if rule.per_year:
        return round(365 / rule.per_year)
    months = rule.low_risk_months if enrolment.low_risk and rule.low_risk_months else step.interval_months
    return round(months * 30.4) if months else None


def _within_ages(step: PathwayStep, birth: date, day: date) -> bool:
    years = age(birth, day)
    return (step.min_age is None or years >= step.min_age) and (step.max_age is None or years <= step.max_age)


def _recurring_dates(world: World, rng: random.Random, period: int) -> list[date]:
    """Up to 3 past dates `period` days apart, the last one within the period (up to date) or before it (overdue)."""
    roll = rng.random()
    if roll < 0.08:
        return []
    if roll < 0.82:
        last = world.days_ago(rng.randint(0, period - 1))
    else:
        last = world.days_ago(rng.randint(period + 15, 2 * period + 60))
    oldest = years_before(world.today, 3)
    dates = [last]
    jitter = max(1, min(10, period // 10))
    while len(dates) < 3 and dates[-1] - timedelta(days=period + jitter) >= oldest and rng.random() < 0.7:
        dates.append(dates[-1] - timedelta(days=period + rng.randint(-jitter, jitter)))
    return sorted(dates)


def _graded_history(
    world: World, rng: random.Random, enrolled_on: date, steps: list[PathwayStep]
) -> list[tuple[PathwayStep, date]]:
    """One-off steps done in order from enrolment; most patients stay at level 1."""
    reached = pick(rng, tuple(enumerate(_ENROLMENT["level_reached_shares"], start=1)))
    done: list[tuple[PathwayStep, date]] = []
    day = enrolled_on
    for step in steps:
        if (step.level or 1) > reached or (done and rng.random() < 0.15):
            break
        day = day + timedelta(days=0 if not done else rng.randint(10, 75))
        if day > world.today:
            break
        done.append((step, day))
    return done
