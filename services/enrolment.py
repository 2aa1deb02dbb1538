"""Enrolling a patient in a care pathway (page À relancer). Written through `services.writes`, so the rules
of Inscriptions apply: no patient who objected (`services.objection`), never twice in the same active
pathway (`services.enrolled_twice`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from domain.pathways import PathwayFacts, Person, eligibility_warnings
from domain.validation import validate_form
from errors import Refused
from schema.models import ENROLMENTS, PATHWAYS, PATIENTS, Enrolment, EnrolmentStatus, Pathway, Patient
from services import writes
from store import records
from store.base import Base
from store.client import clause

CODE_LABEL = "Code patient"  # the field of the form that names the patient


@dataclass(frozen=True)
class EnrolmentForm:
    code: str  # the patient's code (P- and 6 digits)
    pathway: int  # its Id
    enrolled_on: date
    foot_grade: int | None = None
    low_risk: bool = False


@dataclass(frozen=True)
class Candidate:
    """An enrolment ready to write: its patient found, and why they are outside the pathway's public."""

    enrolment: Enrolment
    code: str
    pathway_name: str
    warnings: list[str]  # French; empty when the patient is inside the public


def candidate(base: Base, form: EnrolmentForm, today: date) -> Candidate:
    """The enrolment the form asks for, its patient found by code in Patients (nothing is written).
    Raises Refused, in French, for a value the input rules refuse or a code no patient has."""
    pathway = _pathway(base, form.pathway)
    _, code_errors = validate_form(PATIENTS, {"code": form.code}, today, required=("code",))
    values = {
        "reference": f"{form.code} – {pathway.name}",
        "pathway": form.pathway,
        "enrolled_on": form.enrolled_on,
        "status": EnrolmentStatus.ACTIVE,
        "foot_grade": form.foot_grade,
        "low_risk": form.low_risk,
    }
    checked, errors = validate_form(ENROLMENTS, values, today, required=("enrolled_on",))
    errors = [replace(e, field=CODE_LABEL) for e in code_errors] + errors
    if checked is None or errors:
        raise Refused("Rien n'a été enregistré :\n\n" + "\n".join(f"- {e}" for e in errors))
    found = records.load(base, PATIENTS, where=clause(PATIENTS.field("code").title, "eq", form.code)).records
    if not found:
        raise Refused(f"Aucun patient n'a le code « {form.code} » dans la table Patients.")
    patient: Patient = found[0]
    facts = PathwayFacts(pathway.name or "", pathway.sex, pathway.min_age, pathway.max_age)
    person = Person(patient.birth_date, patient.sex, patient.age_band)
    enrolment: Enrolment = checked.model_copy(update={"patient": patient.id})
    return Candidate(enrolment, form.code, pathway.name or "", eligibility_warnings(facts, person, form.enrolled_on))


def enrol(base: Base, chosen: Candidate) -> int:
    """Write the enrolment (through the write rules of Inscriptions: objection, not twice); its new Id."""
    [enrolment_id] = writes.insert(base, ENROLMENTS, [chosen.enrolment])
    return enrolment_id


def _pathway(base: Base, pathway_id: int) -> Pathway:
    found = records.load(base, PATHWAYS, where=clause("Id", "eq", pathway_id)).records
    if not found:
        raise Refused(f"Aucun parcours n'a l'Id {pathway_id} dans la table Parcours.")
    return found[0]
