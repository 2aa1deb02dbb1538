"""Care-pathway rules: when each step of an enrolled patient's pathway is next due, and whether it is overdue.

The steps are data from NocoDB (table Étapes de parcours): a coordinator who edits an interval, an age
range or a condition changes the result. A step applies to a patient when the sex (« Public ») fits and
the patient's age at the date the step would be done (its due date, or today when that date is past) is
within « Âge minimum »–« Âge maximum » (both included). A recurring step (an interval, or « N par an »)
is next due one interval after it was last done; a step never done is due at enrolment, or when the
patient reaches the minimum age. A one-off step (no interval) is due when the one-off step before it
(by « Ordre ») was done, the first one at enrolment. Past the maximum age a step is over (end of screening).

What the columns cannot say goes in « Condition », parsed by `domain.step_conditions`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from domain.ages import age_on
from domain.step_conditions import Rule
from schema.models import PathwaySex, Sex

SEX_OF_PUBLIC: dict[str, str] = dict(
    zip(tuple(PathwaySex)[1:], tuple(Sex), strict=True)
)  # "Femmes" -> "Femme", "Hommes" -> "Homme"

UP_TO_DATE = "À jour"
UPCOMING = "À venir"
OVERDUE = "En retard"
DONE = "Faite"
WAITING = "En attente de l'étape précédente"
ON_INDICATION = "Sur indication"
ENDED = "Hors tranche d'âge"


# --- dates ---------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the last day of the month when that month is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    next_month = date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    return date(year, month + 1, min(day.day, (next_month - timedelta(days=1)).day))


def birthday(birth: date, age: int) -> date:
    """The day someone born on `birth` turns `age` (28 February for a 29 February birth)."""
    return add_months(birth, 12 * age)


# --- steps, patients, enrolments -----------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One row of Étapes de parcours, with its condition parsed and « M mois après <étape> » resolved."""

    id: int
    pathway: int
    title: str
    order: int = 0
    level: int | None = None
    profession: str | None = None
    specialty: str | None = None
    interval_months: int | None = None
    min_age: int | None = None
    max_age: int | None = None
    sex: str | None = None  # « Public »: Tous, Femmes, Hommes
    rule: Rule = Rule()  # noqa: RUF009 (Rule is a frozen dataclass, its default shared safely)
    after_step: int | None = None  # id of the step named by « après <étape> »

    @property
    def recurring(self) -> bool:
        return bool(self.interval_months) or self.rule.per_year is not None


@dataclass(frozen=True)
class Person:
    birth_date: date | None
    sex: str | None  # Femme, Homme
    age_band: str | None = None  # « Tranche d'âge », what a purge keeps of the birth date

    def age(self, on: date) -> int | None:
        return age_on(self.birth_date, self.age_band, on)


@dataclass(frozen=True)
class EnrolmentFacts:
    enrolled_on: date | None
    foot_grade: int | None = None
    low_risk: bool = False


@dataclass(frozen=True)
class StepState:
    """Where one step stands for one enrolment on a given day."""

    step: Step
    status: str  # UP_TO_DATE, UPCOMING, OVERDUE, DONE, WAITING, ON_INDICATION or ENDED
    due_on: date | None  # next due date (None: done once and for all, waiting, on indication, ended)
    last_done: date | None


def schedule(
    steps: Sequence[Step],
    person: Person,
    enrolment: EnrolmentFacts,
    done: Mapping[int, Sequence[date]],
    today: date,
) -> list[StepState]:
    """Each step of one pathway that applies to this patient (sex, foot grade), in order, with its state.

    `done` maps a step id to the dates it was done (any order)."""
    states: list[StepState] = []
    previous: StepState | None = None  # the last one-off step met, in order
    for step in sorted(steps, key=lambda s: (s.order, s.id)):
        if not _concerns(step, person, enrolment):
            continue
        dates = sorted(done.get(step.id, ()))
        if step.recurring:
            state = _recurring(step, person, enrolment, dates, done, today)
        else:
            state = _one_off(step, person, enrolment, dates, done, previous, today)
            previous = state
        states.append(state)
    return states


def _concerns(step: Step, person: Person, enrolment: EnrolmentFacts) -> bool:
    wanted_sex = SEX_OF_PUBLIC.get(step.sex or PathwaySex.BOTH)
    if wanted_sex and person.sex and person.sex != wanted_sex:
        return False
    return step.rule.foot_grade is None or step.rule.foot_grade == enrolment.foot_grade


def _recurring(
    step: Step,
    person: Person,
    enrolment: EnrolmentFacts,
    dates: list[date],
    done: Mapping[int, Sequence[date]],
    today: date,
) -> StepState:
    last = dates[-1] if dates else None
    if last is not None:
        due = _after_interval(step, enrolment, last, len(dates))
    else:
        due = _first_due(step, enrolment, done, today)
    return _dated(step, person, due, last, today)


def _after_interval(step: Step, enrolment: EnrolmentFacts, last: date, count: int) -> date:
    rule = step.rule
    if rule.per_year:
        return last + timedelta(days=round(365.25 / rule.per_year))
    if count < rule.first_count:
        return add_months(last, rule.first_months)
    if enrolment.low_risk and rule.low_risk_months:
        return add_months(last, rule.low_risk_months)
    return add_months(last, step.interval_months or 0)


def _first_due(step: Step, enrolment: EnrolmentFacts, done: Mapping[int, Sequence[date]], today: date) -> date:
    """When a step never done is due: after the step it follows, else at enrolment."""
    before = sorted(done.get(step.after_step, ())) if step.after_step is not None else []
    if before:
        return add_months(before[-1], step.rule.after_months)
    return enrolment.enrolled_on or today


def _one_off(
    step: Step,
    person: Person,
    enrolment: EnrolmentFacts,
    dates: list[date],
    done: Mapping[int, Sequence[date]],
    previous: StepState | None,
    today: date,
) -> StepState:
    if dates:
        return StepState(step, DONE, None, dates[-1])
    if _too_old(step, person, today):
        return StepState(step, ENDED, None, None)
    if step.rule.on_indication:
        return StepState(step, ON_INDICATION, None, None)
    if previous is not None and previous.status != DONE:
        return StepState(step, WAITING, None, None)
    if step.after_step is not None:
        before = sorted(done.get(step.after_step, ()))
        if not before:
            return StepState(step, WAITING, None, None)
        due = add_months(before[-1], step.rule.after_months)
    else:
        due = previous.last_done if previous and previous.last_done else enrolment.enrolled_on or today
    return _dated(step, person, due, None, today)


def _dated(step: Step, person: Person, due: date, last: date | None, today: date) -> StepState:
    """The state of a step due on `due`, once the age range is applied."""
    age = person.age(due)
    if age is not None and step.min_age is not None and age < step.min_age and person.birth_date is not None:
        due = birthday(person.birth_date, step.min_age)  # with a band only, the birthday is unknown
    if _too_old(step, person, max(due, today)):
        return StepState(step, ENDED, None, last)
    if due < today:
        return StepState(step, OVERDUE, due, last)
    return StepState(step, UP_TO_DATE if last else UPCOMING, due, last)


def _too_old(step: Step, person: Person, on: date) -> bool:
    age = person.age(on)
    return age is not None and step.max_age is not None and age > step.max_age


# --- enrolment checks ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PathwayFacts:
    name: str
    sex: str | None  # « Public »
    min_age: int | None
    max_age: int | None


def eligibility_warnings(pathway: PathwayFacts, person: Person, on: date) -> list[str]:
    """Why this patient is outside the pathway's public on `on` (empty when they are inside), in French."""
    warnings = []
    wanted_sex = SEX_OF_PUBLIC.get(pathway.sex or PathwaySex.BOTH)
    if wanted_sex and person.sex and person.sex != wanted_sex:
        warnings.append(f"le parcours « {pathway.name} » concerne les {(pathway.sex or '').lower()}")
    age = person.age(on)
    if age is None:
        if pathway.min_age is not None or pathway.max_age is not None:
            warnings.append("date de naissance manquante : l'âge ne peut pas être vérifié")
        return warnings
    too_young = pathway.min_age is not None and age < pathway.min_age
    too_old = pathway.max_age is not None and age > pathway.max_age
    if too_young or too_old:
        shown = f"{age} ans le {on:%d/%m/%Y}" if person.birth_date else f"tranche d'âge {person.age_band}"
        warnings.append(f"{shown} ; le parcours « {pathway.name} » concerne {_ages(pathway)}")
    return warnings


def _ages(pathway: PathwayFacts) -> str:
    if pathway.min_age is not None and pathway.max_age is not None:
        return f"les {pathway.min_age}–{pathway.max_age} ans"
    if pathway.min_age is not None:
        return f"les {pathway.min_age} ans et plus"
    return f"les moins de {(pathway.max_age or 0) + 1} ans"
