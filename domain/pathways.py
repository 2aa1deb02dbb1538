"""Care-pathway rules: when each step of an enrolled patient's pathway is next due, and whether it is overdue.

The steps are data from NocoDB (table Étapes de parcours): a coordinator who edits an interval, an age
range or a condition changes the result. A step applies to a patient when the sex (« Public ») fits and
the patient's age at the date the step would be done (its due date, or today when that date is past) is
within « Âge minimum »–« Âge maximum » (both included). A recurring step (an interval, or « N par an »)
is next due one interval after it was last done; a step never done is due at enrolment, or when the
patient reaches the minimum age. A one-off step (no interval) is due when the one-off step before it
(by « Ordre ») was done, the first one at enrolment. Past the maximum age a step is over (end of screening).

What the columns cannot say goes in « Condition »: clauses separated by « ; », case ignored.

    grade podologique N        only for enrolments of foot grade N (0 to 3)
    N par an                   N times a year: the next one 12/N months after the last (replaces the interval)
    N premiers à M mois        the first N are M months apart, then the interval applies
    M mois si risque faible    the interval for enrolments marked « Risque faible »
    M mois après <étape>       first due M months after the last <étape> (a step title of the same pathway);
                               a one-off step also waits for <étape>. « après <étape> » alone: 0 months
    sur indication[ : texte]   decided by a clinician (e.g. colonoscopy after a positive test): never due by
                               itself; a one-off step after it waits until it is done

Examples: cervical cytology « 2 premiers à 12 mois » (interval 36); HPV test « 36 mois après Examen
cytologique » (interval 60); podiatry « grade podologique 3 ; 8 par an »; eye fundus « 24 mois si risque
faible » (interval 12).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import pandas as pd

from domain.ages import age_on
from domain.problems import Problem
from schema.models import ENROLMENT_STATUSES, PATHWAY_SEXES, PATHWAY_STEPS, SEXES

ACTIVE = ENROLMENT_STATUSES[0]
BOTH_SEXES = PATHWAY_SEXES[0]  # "Tous": a step or pathway for women and men
SEX_OF_PUBLIC = dict(zip(PATHWAY_SEXES[1:], SEXES, strict=True))  # "Femmes" -> "Femme", "Hommes" -> "Homme"

UP_TO_DATE = "À jour"
UPCOMING = "À venir"
OVERDUE = "En retard"
DONE = "Faite"
WAITING = "En attente de l'étape précédente"
ON_INDICATION = "Sur indication"
ENDED = "Hors tranche d'âge"

# The forms of « Condition » and what each does, in French (shown to coordinators).
VOCABULARY: tuple[tuple[str, str], ...] = (
    ("grade podologique N", "étape réservée aux inscriptions de grade podologique N (0 à 3)"),
    ("N par an", "N fois par an : la suivante 12/N mois après la dernière (remplace l'intervalle)"),
    ("N premiers à M mois", "les N premiers à M mois d'intervalle, puis l'intervalle de l'étape"),
    ("M mois si risque faible", "intervalle des inscriptions cochées « Risque faible »"),
    (
        "M mois après <étape>",
        "la première due M mois après la dernière <étape> (titre d'une étape du même parcours) ; "
        "une étape unique attend aussi <étape>",
    ),
    ("sur indication : texte", "décidée par un clinicien : jamais due d'office, la date se saisit une fois faite"),
)
_CLAUSES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("foot_grade", re.compile(r"grade podologique ([0-3])")),
    ("per_year", re.compile(r"(\d+) (?:fois |séances? )?par an")),
    ("first", re.compile(r"(\d+) premi(?:er|ère)s? à (\d+) mois")),
    ("low_risk", re.compile(r"(\d+) mois si risque faible")),
    ("after", re.compile(r"(?:(\d+) mois )?après (.+)")),
    ("on_indication", re.compile(r"sur indication\b.*")),
)


class ConditionError(ValueError):
    """A « Condition » the rules do not understand (message in French)."""


@dataclass(frozen=True)
class Rule:
    """What a step's « Condition » says, parsed."""

    foot_grade: int | None = None
    per_year: int | None = None
    first_count: int = 0
    first_months: int = 0
    low_risk_months: int | None = None
    after_title: str | None = None
    after_months: int = 0
    on_indication: bool = False


def parse_condition(text: str | None) -> Rule:
    """The rule written in a step's « Condition » (see the module docstring); raises ConditionError."""
    rule = Rule()
    for clause in (part for part in _normalise(text or "").split(";") if part.strip()):
        rule = _with_clause(rule, clause.strip())
    return rule


def _normalise(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).lower()


def _with_clause(rule: Rule, clause: str) -> Rule:
    for name, pattern in _CLAUSES:
        match = pattern.fullmatch(clause)
        if match is None:
            continue
        if name == "foot_grade":
            return replace(rule, foot_grade=int(match[1]))
        if name == "per_year":
            return replace(rule, per_year=_positive(match[1], clause))
        if name == "first":
            return replace(rule, first_count=_positive(match[1], clause), first_months=_positive(match[2], clause))
        if name == "low_risk":
            return replace(rule, low_risk_months=_positive(match[1], clause))
        if name == "after":
            return replace(rule, after_title=match[2].strip(" «»\"'"), after_months=int(match[1] or 0))
        return replace(rule, on_indication=True)
    raise ConditionError(
        f"« {clause} » n'est pas compris (formes possibles : {' ; '.join(form for form, _ in VOCABULARY)})"
    )


def _positive(digits: str, clause: str) -> int:
    if int(digits) == 0:
        raise ConditionError(f"« {clause} » : le nombre doit être au moins 1")
    return int(digits)


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
    rule: Rule = Rule()
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
    wanted_sex = SEX_OF_PUBLIC.get(step.sex or BOTH_SEXES)
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
    wanted_sex = SEX_OF_PUBLIC.get(pathway.sex or BOTH_SEXES)
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


# --- from the NocoDB tables (DataFrames of store.records) -----------------------------------------


CONDITION_FIELD = PATHWAY_STEPS.field("condition").title


def steps_from_frame(frame: pd.DataFrame) -> tuple[list[Step], list[Problem]]:
    """The steps of every pathway, and the conditions the rules do not understand (those clauses ignored)."""
    steps: list[Step] = []
    problems: list[Problem] = []
    for row in rows_of(frame):
        if row["pathway"] is None:
            continue
        try:
            rule = parse_condition(row["condition"])
        except ConditionError as error:
            problems.append(Problem(PATHWAY_STEPS.title, row["id"], CONDITION_FIELD, str(error)))
            rule = Rule()
        steps.append(
            Step(
                id=row["id"],
                pathway=row["pathway"],
                title=row["title"] or f"Étape {row['id']}",
                order=row["order"] or 0,
                level=row["level"],
                profession=row["profession"],
                specialty=row["specialty"],
                interval_months=row["interval_months"],
                min_age=row["min_age"],
                max_age=row["max_age"],
                sex=row["sex"],
                rule=rule,
            )
        )
    return _resolve_after(steps, problems)


def _resolve_after(steps: list[Step], problems: list[Problem]) -> tuple[list[Step], list[Problem]]:
    resolved = []
    for step in steps:
        wanted = step.rule.after_title
        if wanted is None:
            resolved.append(step)
            continue
        match = next(
            (s for s in steps if s.pathway == step.pathway and s.id != step.id and _normalise(s.title) == wanted),
            None,
        )
        if match is None:
            reason = f"« après {wanted} » : aucune étape de ce titre dans le même parcours"
            problems.append(Problem(PATHWAY_STEPS.title, step.id, CONDITION_FIELD, reason))
        resolved.append(replace(step, after_step=match.id if match else None))
    return resolved, problems


SCHEDULE_COLUMNS = (
    "enrolment",
    "patient",
    "pathway",
    "step",
    "step_title",
    "order",
    "status",
    "due_on",
    "last_done",
)


def schedules(
    steps: Sequence[Step],
    enrolments: pd.DataFrame,
    patients: pd.DataFrame,
    steps_done: pd.DataFrame,
    today: date,
) -> pd.DataFrame:
    """One row per active enrolment and step that concerns it (SCHEDULE_COLUMNS), from the tables' frames."""
    by_pathway: dict[int, list[Step]] = {}
    for step in steps:
        by_pathway.setdefault(step.pathway, []).append(step)
    enrolled = patients[patients["id"].isin(enrolments["patient"].dropna())]
    people = {
        row["id"]: Person(row["birth_date"], row["sex"], row["age_band"])
        for row in rows_of(enrolled[["id", "birth_date", "sex", "age_band"]])
    }
    done = _done_by_enrolment(steps_done)
    rows: list[tuple[Any, ...]] = []
    for enrolment in rows_of(enrolments):
        if enrolment["status"] != ACTIVE or enrolment["pathway"] not in by_pathway:
            continue
        person = people.get(enrolment["patient"], Person(None, None))
        facts = EnrolmentFacts(enrolment["enrolled_on"], enrolment["foot_grade"], bool(enrolment["low_risk"]))
        for state in schedule(by_pathway[enrolment["pathway"]], person, facts, done.get(enrolment["id"], {}), today):
            rows.append(
                (
                    enrolment["id"],
                    enrolment["patient"],
                    enrolment["pathway"],
                    state.step.id,
                    state.step.title,
                    state.step.order,
                    state.status,
                    state.due_on,
                    state.last_done,
                )
            )
    return pd.DataFrame(rows, columns=list(SCHEDULE_COLUMNS))


def _done_by_enrolment(steps_done: pd.DataFrame) -> dict[int, dict[int, list[date]]]:
    done: dict[int, dict[int, list[date]]] = {}
    for row in rows_of(steps_done):
        if row["enrolment"] is None or row["step"] is None or row["done_on"] is None:
            continue
        done.setdefault(row["enrolment"], {}).setdefault(row["step"], []).append(row["done_on"])
    return done


def rows_of(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a frame as plain Python values: None for empty cells, dates for timestamps, ints."""
    return [{key: _plain(value) for key, value in row.items()} for row in frame.to_dict("records")]


def _plain(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return value
    if value is None or pd.isna(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value
