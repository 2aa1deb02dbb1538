"""The crisis plan (ACI mission 4): its completeness against the national template, the cell and the members
volunteering for a kind of crisis, who may see the referents' phones, the activation's « fiche réflexe » and
contact list, and the plan's indicator values. Pure: records and frames in, French texts out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from domain.access import COORDINATOR
from domain.cells import day as cell_day
from domain.cells import text as cell_text
from domain.french import day
from domain.listing import folded
from errors import Refused
from schema.crisis import (
    CRISIS_KINDS,
    SECTIONS,
    CellMember,
    CrisisExercise,
    CrisisKind,
    CrisisResource,
    ExerciseKind,
    PlanSection,
)
from schema.models import CRISIS_CELL, CRISIS_PLAN, Member

REVIEW_MONTHS = 12
REVIEW_DAYS = 365  # « révisé depuis moins de 12 mois »
CELL_MEMBER = CRISIS_CELL.field("member").title
CELL_DEPUTY = CRISIS_CELL.field("deputy").title
CELL_GROUP, VOLUNTEER_GROUP = "Cellule de crise", "Volontaire"
CONTACT_COLUMNS = ("Groupe", "Nom", "Profession", "Rôle ou ressource", "Téléphone", "Email", "Suppléant")
EXERCISES = (ExerciseKind.EXERCISE, ExerciseKind.ACTIVATION)  # what counts as « plan exercé »


@dataclass(frozen=True)
class CrisisPlan:
    """The four tables of the plan, and the members they link to (by Id)."""

    sections: Sequence[PlanSection]
    cell: Sequence[CellMember]
    resources: Sequence[CrisisResource]
    exercises: Sequence[CrisisExercise]
    members: Mapping[int, Member]

    def member(self, member_id: int | None) -> Member | None:
        """The linked member, None when the link is empty or points nowhere."""
        return None if member_id is None else self.members.get(member_id)

    def name(self, member_id: int | None) -> str | None:
        """« Prénom Nom » of a linked member, None when the link is empty or points nowhere."""
        member = self.member(member_id)
        return None if member is None else member_name(member)


def member_name(member: Member) -> str:
    return " ".join(part for part in (member.first_name, member.last_name) if part) or f"Membre Id {member.id}"


# -- completeness ---------------------------------------------------------------------------------------


def missing_sections(written: Iterable[tuple[str | None, str | None]]) -> list[str]:
    """The template's sections with no row holding some content, from (section, content) pairs."""
    filled = {section for section, content in written if section and content and content.strip()}
    return [section for section in SECTIONS if section not in filled]


def last_review(reviews: Iterable[date | None]) -> date | None:
    return max((on for on in reviews if on is not None), default=None)


def review_dates(plan: CrisisPlan) -> list[date | None]:
    """When the plan was reviewed: each section's « Dernière révision » and each « Révision » row."""
    exercised = [row.on for row in plan.exercises if row.kind == ExerciseKind.REVIEW]
    return [row.reviewed_on for row in plan.sections] + exercised


def unwritten(plan: CrisisPlan) -> list[str]:
    """The template's sections the plan has not written yet."""
    return missing_sections((row.section, row.content) for row in plan.sections)


def gaps(plan: CrisisPlan, today: date) -> list[str]:
    """What the plan lacks against the template, each gap named in French (empty: the plan is complete)."""
    found = [f"Section « {section} » non rédigée (table {CRISIS_PLAN.title})" for section in unwritten(plan)]
    found += cell_gaps(plan)
    reviewed = last_review(review_dates(plan))
    if reviewed is None:
        found.append(
            f"Plan jamais révisé : aucune date de révision (table {CRISIS_PLAN.title} ou Exercices et révisions)"
        )
    elif today - reviewed > timedelta(days=REVIEW_DAYS):
        found.append(f"Dernière révision le {day(reviewed)} : plus de {REVIEW_MONTHS} mois")
    return found


def cell_gaps(plan: CrisisPlan) -> list[str]:
    """Referents missing, or named without a deputy."""
    if not any(plan.name(row.member) for row in plan.cell):
        return [f"Aucun référent nommé (table {CRISIS_CELL.title}, champ « {CELL_MEMBER} »)"]
    found = []
    for row in plan.cell:
        who = plan.name(row.member)
        if who is None:
            found.append(f"{CRISIS_CELL.title}, ligne Id {row.id} : champ « {CELL_MEMBER} » vide")
        elif plan.name(row.deputy) is None:
            found.append(f"Référent {who} sans suppléant (table {CRISIS_CELL.title}, champ « {CELL_DEPUTY} »)")
    return found


# -- kinds, volunteers, who sees the phones -----------------------------------------------------------------


def crisis_kind(asked: str) -> CrisisKind:
    """The kind of crisis named by its key (« canicule ») or its label (« Canicule (visites) »), accents and
    case aside; Refused in French, naming the field, for an unknown one."""
    for kind in CRISIS_KINDS:
        if folded(asked.strip()) in (folded(kind.key), folded(kind.label)):
            return kind
    known = ", ".join(f"{kind.key} ({kind.label})" for kind in CRISIS_KINDS)
    raise Refused(f"Type de crise « {asked} » inconnu : rien n'a été fait. Types possibles : {known}.")


def volunteers(plan: CrisisPlan, kind: CrisisKind) -> list[tuple[Member, str | None]]:
    """The active members volunteering for `kind` in Ressources mobilisables, with what they offer, by name."""
    found = [
        (member, row.offer)
        for row in plan.resources
        if row.crisis_kind == kind.label and (member := plan.member(row.member)) is not None and member.active
    ]
    return sorted(found, key=lambda pair: member_name(pair[0]))


def cell_emails(plan: CrisisPlan) -> set[str]:
    """The e-mails (Membres « Email ») of the cell's referents and deputies, case aside."""
    ids = {row.member for row in plan.cell} | {row.deputy for row in plan.cell}
    return {member.email.strip().casefold() for key in ids if (member := plan.member(key)) and member.email}


def sees_phones(role: str | None, email: str | None, plan: CrisisPlan) -> bool:
    """The one rule of the referents' phones (personal numbers): coordinators see them, and the members of the
    crisis cell (referent or deputy) whose Membres e-mail is the signed-in user's e-mail; nobody else."""
    if role == COORDINATOR:
        return True
    return bool(role and email) and str(email).strip().casefold() in cell_emails(plan)


# -- activation ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReflexSheet:
    """The one-page « fiche réflexe » of an activation."""

    cpts_name: str
    kind: CrisisKind
    on: date
    cell: list[tuple[str, str, str, str]]  # (role, referent, deputy, phone 24/7)
    steps: list[tuple[str, str]]  # (section, content) the kind's own first, then the general ones
    volunteer_count: int


def check_activation(plan: CrisisPlan, asked: str) -> CrisisKind:
    """The kind of crisis to activate; Refused (nothing written) for an unknown kind or a plan without a referent."""
    kind = crisis_kind(asked)
    if not any(plan.name(row.member) for row in plan.cell):
        raise Refused(
            f"Activation du plan refusée : aucun référent nommé (table {CRISIS_CELL.title}, champ « {CELL_MEMBER} »)."
            " Rien n'a été écrit : nommez au moins un référent, puis réessayez."
        )
    return kind


def reflex_sheet(plan: CrisisPlan, kind: CrisisKind, on: date, cpts_name: str) -> ReflexSheet:
    cell = [
        (row.role or "Référent", plan.name(row.member) or "", plan.name(row.deputy) or "—", row.phone or "—")
        for row in plan.cell
        if plan.name(row.member)
    ]
    order = {section: rank for rank, section in enumerate(SECTIONS)}
    own = [row for row in plan.sections if row.crisis_kind == kind.label]
    general = [row for row in plan.sections if row.crisis_kind is None]
    steps = [
        (str(row.section), str(row.content).strip())
        for rows in (own, general)
        for row in sorted(rows, key=lambda row: order.get(str(row.section), len(order)))
        if row.section and row.content and row.content.strip()
    ]
    return ReflexSheet(cpts_name, kind, on, cell, steps, len(volunteers(plan, kind)))


def contacts(plan: CrisisPlan, kind: CrisisKind) -> pd.DataFrame:
    """The contact list of an activation: the cell (referents, then their deputies), then the volunteers of `kind`."""
    rows: list[tuple[str | None, ...]] = []
    for row in plan.cell:
        member = plan.member(row.member)
        if member is not None:
            deputy = plan.name(row.deputy)
            rows.append(_contact(CELL_GROUP, member, row.role or "Référent", row.phone or member.phone, deputy))
    for member, offer in volunteers(plan, kind):
        rows.append(_contact(VOLUNTEER_GROUP, member, offer or kind.label, member.phone, None))
    return pd.DataFrame(rows, columns=list(CONTACT_COLUMNS))


def _contact(group: str, member: Member, role: str, phone: str | None, deputy: str | None) -> tuple[str | None, ...]:
    return (group, member_name(member), member.profession, role, phone, member.email, deputy)


def activation_entry(kind: CrisisKind, on: date, user: str) -> CrisisExercise:
    """The row of Exercices et révisions that an activation writes."""
    return CrisisExercise(
        on=on, kind=ExerciseKind.ACTIVATION, crisis_kind=kind.label, lessons=f"Plan activé par {user}."
    )


def journal_what(kind: CrisisKind) -> str:
    """What the access journal says of an activation (no patient code)."""
    return f"Plan de crise · activation {kind.label}"


# -- indicator values (keys in domain.indicators) -----------------------------------------------------------


def plan_written(sections: pd.DataFrame) -> int:
    """1 when every section of the template has some content in Plan de crise, else 0."""
    rows = zip(sections["section"], sections["content"], strict=True)
    return int(not missing_sections([(cell_text(section), cell_text(content)) for section, content in rows]))


def reviewed_in_year(sections: pd.DataFrame, exercises: pd.DataFrame, year: int) -> int:
    """1 when the plan was reviewed during `year` (a section's « Dernière révision », a « Révision » row)."""
    reviews = exercises[(exercises["kind"] == ExerciseKind.REVIEW).fillna(False)]
    dates = [cell_day(on) for on in (*sections["reviewed_on"], *reviews["on"])]
    return int(any(on is not None and on.year == year for on in dates))


def exercises_in_year(exercises: pd.DataFrame, year: int) -> int:
    """Exercises of the plan held during `year`, real activations included."""
    held = exercises["kind"].isin(list(EXERCISES)).fillna(False)
    return sum(1 for on in exercises.loc[held, "on"] if (found := cell_day(on)) is not None and found.year == year)
