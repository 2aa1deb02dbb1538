"""The À relancer worklist: the overdue steps of the active enrolments, whose they are, and who to refer to;
and the active enrolments outside their pathway's public."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd

from domain.access_log import patient_reference
from domain.pathway_tables import rows_of
from domain.pathways import OVERDUE, PathwayFacts, Person, Step, eligibility_warnings
from domain.referral import CLOSENESS_LABELS, CommuneCloseness, TeamMember, matching, nearest_first
from schema.models import ENROLMENTS, PATHWAYS, PATIENTS, EnrolmentStatus

WORKLIST_COLUMNS = (
    "enrolment",
    "step",
    "patient",
    "code",
    "last_name",
    "first_name",
    "phone",
    "pathway",
    "pathway_name",
    "step_title",
    "due_on",
    "days_overdue",
    "referral_name",
    "referral_job",
    "referral_insee",
    "referral_closeness",
    "referral_phone",
)


PATIENT_COLUMNS = ("id", "code", "last_name", "first_name", "phone", "insee_code", "gp")  # what a row shows


def overdue_worklist(
    schedule: pd.DataFrame,
    steps: Sequence[Step],
    patients: pd.DataFrame,
    pathways: pd.DataFrame,
    teams: Mapping[int, Sequence[TeamMember]],
    closeness: CommuneCloseness,
    today: date,
) -> pd.DataFrame:
    """One row per overdue step (WORKLIST_COLUMNS), longest overdue first.

    The professional to refer to is the nearest member of the pathway's team who fits the step (level,
    profession, specialty), the patient's médecin traitant first when they fit."""
    overdue = schedule[schedule["status"] == OVERDUE]
    concerned = patients[patients["id"].isin(overdue["patient"])]
    people = {row["id"]: row for row in rows_of(concerned, PATIENT_COLUMNS)}
    step_of = {step.id: step for step in steps}
    names = dict(zip(pathways["id"], pathways["name"], strict=True))
    referrals: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    rows = []
    for item in rows_of(overdue):
        person = people.get(item["patient"], {})
        step = step_of[item["step"]]
        key = (step.id, person.get("insee_code"), person.get("gp"))
        if key not in referrals:
            referrals[key] = _referral(teams.get(step.pathway, ()), step, key[1], key[2], closeness)
        rows.append(
            (
                item["enrolment"],
                step.id,
                item["patient"],
                patient_reference(person.get("code"), item["patient"]),
                person.get("last_name"),
                person.get("first_name"),
                person.get("phone"),
                step.pathway,
                names.get(step.pathway),
                step.title,
                item["due_on"],
                (today - item["due_on"]).days,
                *referrals[key],
            )
        )
    frame = pd.DataFrame(rows, columns=list(WORKLIST_COLUMNS))
    return frame.sort_values(["due_on", "code", "step"], kind="stable").reset_index(drop=True)


def _referral(
    team: Sequence[TeamMember], step: Step, origin: str | None, gp: int | None, closeness: CommuneCloseness
) -> tuple[Any, ...]:
    """(name, profession or specialty, INSEE code, closeness label, phone) of the first member to refer to."""
    fitting = matching(team, level=step.level, profession=step.profession, specialty=step.specialty)
    ranked = nearest_first(fitting, origin, closeness, preferred=gp)
    if not ranked:
        return (None, None, None, None, None)
    rank, member = ranked[0]
    return (member.name, member.specialty or member.profession, member.insee_code, CLOSENESS_LABELS[rank], member.phone)


def outside_public(frames: Mapping[str, pd.DataFrame], today: date) -> list[tuple[str, str]]:
    """(patient, French message) for each active enrolment outside its pathway's sex or age range, its age taken
    on the day of the enrolment (today when it has none); the patient named by `patient_reference`. `frames`:
    the tables Parcours, Inscriptions and Patients by key."""
    pathways = {row["id"]: row for row in rows_of(frames[PATHWAYS.key])}
    enrolments = frames[ENROLMENTS.key]
    active = enrolments[enrolments["status"] == EnrolmentStatus.ACTIVE]
    patients = frames[PATIENTS.key]
    concerned = patients[patients["id"].isin(active["patient"])]
    people = {row["id"]: row for row in rows_of(concerned, ("id", "code", "birth_date", "sex", "age_band"))}
    found = []
    for enrolment in rows_of(active, ("id", "patient", "pathway", "enrolled_on")):
        pathway, person = pathways.get(enrolment["pathway"]), people.get(enrolment["patient"])
        if pathway is None or person is None or pathway["active"] is False:
            continue
        facts = PathwayFacts(pathway["name"], pathway["sex"], pathway["min_age"], pathway["max_age"])
        on = enrolment["enrolled_on"] or today
        for warning in eligibility_warnings(facts, Person(person["birth_date"], person["sex"], person["age_band"]), on):
            reference = patient_reference(person["code"], person["id"])
            found.append((reference, f"inscription Id {enrolment['id']} : {warning}"))
    return found
