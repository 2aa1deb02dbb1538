"""À relancer (coordinators): the overdue steps of the enrolled patients, since when, and the professional
to refer to; steps marked done here are written to NocoDB (Étapes réalisées). Also: enrolments outside
their pathway's public, and a form to enrol a patient (warned in French when outside that public).

Patient-level data: every display is traced in Journal d'accès."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import streamlit as st

from domain.communes import proximity
from domain.french import day
from domain.pathways import ACTIVE, PathwayFacts, Person, eligibility_warnings, rows_of
from domain.problems import Problem
from domain.referral import teams
from domain.validation import validate_form
from domain.worklist import overdue_worklist
from errors import CptsError
from schema.fields import Record
from schema.models import (
    ENROLMENTS,
    MEMBERS,
    PATHWAY_MEMBERS,
    PATHWAYS,
    PATIENTS,
    STEPS_DONE,
    StepDone,
)
from services import writes
from views.access import require_coordinator
from views.common import current_base, header, load_frame, log_patient_access, show_error, show_problems
from views.pathway_data import (
    LEFT_ASIDE,
    active_pathways,
    commune_name,
    pathway_state,
)

PAGE = "À relancer"
CODE_LABEL = "Code patient"
FLASH = "follow_ups_flash"


def flash() -> None:
    """The message left by the last write, shown once."""
    message = st.session_state.pop(FLASH, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def written(message: str) -> None:
    """After a write: read NocoDB again and say what was written."""
    load_frame.clear()
    st.session_state[FLASH] = message
    st.rerun()


def worklist_table(worklist: pd.DataFrame) -> pd.DataFrame:
    names = zip(worklist["first_name"], worklist["last_name"], strict=True)
    return pd.DataFrame(
        {
            "Code": worklist["code"],
            "Patient": [_name(first, last) for first, last in names],
            "Téléphone": worklist["phone"],
            "Étape": worklist["step_title"],
            "En retard depuis le": worklist["due_on"].map(day),
            "Jours": worklist["days_overdue"],
            "Professionnel à solliciter": [_professional(row) for _, row in worklist.iterrows()],
            "Son téléphone": worklist["referral_phone"],
            "Parcours": worklist["pathway_name"],
        }
    )


WORKLIST_WIDTHS = {
    "Code": st.column_config.TextColumn(width="small"),
    "Jours": st.column_config.NumberColumn(width="small", help="Jours de retard"),
    "Étape": st.column_config.TextColumn(width="medium"),
    "Professionnel à solliciter": st.column_config.TextColumn(width="large"),
}


def _name(first: object, last: object) -> str:
    return " ".join(part for part in (first, last) if isinstance(part, str))


def _professional(row: pd.Series) -> str:
    if not isinstance(row["referral_name"], str):
        return "Aucun intervenant du parcours"
    place = commune_name(row["referral_insee"])
    return ", ".join(
        part for part in (row["referral_name"], row["referral_job"], place) if isinstance(part, str) and part
    )


def item_label(row: pd.Series) -> str:
    name = _name(row["first_name"], row["last_name"])
    return f"{row['code']} {name} — {row['step_title']} ({row['pathway_name']}), depuis le {day(row['due_on'])}"


def mark_done_form(shown: pd.DataFrame) -> None:
    """Choose overdue steps and the date they were done; written to Étapes réalisées in one go."""
    with st.form("mark_done", clear_on_submit=True, border=True):
        st.subheader("Marquer des étapes comme faites", anchor=False)
        chosen = st.multiselect(
            "Étapes faites",
            list(shown.index),
            format_func=lambda i: item_label(shown.loc[i]),
            placeholder="Choisissez une ou plusieurs étapes de la liste",
        )
        done_on = st.date_input("Date de réalisation", value=date.today(), max_value=date.today(), format="DD/MM/YYYY")
        if not st.form_submit_button("Enregistrer dans NocoDB", icon=":material/task_alt:", type="primary"):
            return
    if not chosen:
        st.warning("Choisissez au moins une étape à marquer comme faite.")
        return
    rows = [
        StepDone(
            reference=f"{shown.loc[i, 'code']} – {shown.loc[i, 'step_title']} – {done_on.isoformat()}",
            enrolment=int(shown.loc[i, "enrolment"]),
            step=int(shown.loc[i, "step"]),
            done_on=done_on,
        )
        for i in chosen
    ]
    try:
        writes.insert(current_base(), STEPS_DONE, rows)
    except CptsError as error:
        show_error(error)
    count = len(rows)
    what = "1 étape enregistrée" if count == 1 else f"{count} étapes enregistrées"
    written(f"{what} dans NocoDB (Étapes réalisées), faite(s) le {done_on:%d/%m/%Y}.")


def outside_public(frames: dict[str, pd.DataFrame]) -> list[tuple[str, str]]:
    """(patient code, French message) for each active enrolment outside its pathway's sex or age range."""
    pathways = {row["id"]: row for row in rows_of(frames[PATHWAYS.key])}
    enrolments = frames[ENROLMENTS.key]
    active = enrolments[enrolments["status"] == ACTIVE]
    patients = frames[PATIENTS.key]
    people = {row["id"]: row for row in rows_of(patients[patients["id"].isin(active["patient"])])}
    found = []
    for enrolment in rows_of(active):
        pathway, person = pathways.get(enrolment["pathway"]), people.get(enrolment["patient"])
        if pathway is None or person is None or pathway["active"] is False:
            continue
        facts = PathwayFacts(pathway["name"], pathway["sex"], pathway["min_age"], pathway["max_age"])
        on = enrolment["enrolled_on"] or date.today()
        for warning in eligibility_warnings(facts, Person(person["birth_date"], person["sex"], person["age_band"]), on):
            found.append((person["code"] or f"Id {person['id']}", f"inscription Id {enrolment['id']} : {warning}"))
    return found


def outside_public_block(found: list[tuple[str, str]]) -> None:
    if not found:
        return
    lines = "\n".join(f"- **{code}**, {message}" for code, message in found)
    st.warning(
        f"**{len(found)} inscription(s) hors du public du parcours** : vérifiez-les dans la table Inscriptions.\n\n{lines}",
        icon=":material/person_alert:",
    )


def enrol_form(frames: dict[str, pd.DataFrame]) -> None:
    """Enrol a patient (by code) in a pathway; outside the pathway's public, a French warning asks to confirm."""
    pathways = active_pathways(frames[PATHWAYS.key])
    names = dict(zip(pathways["id"], pathways["name"], strict=True))
    with (
        st.expander("Inscrire un patient dans un parcours", icon=":material/person_add:"),
        st.form("enrol", border=False),
    ):
        first, second, third = st.columns([2, 3, 2])
        code = first.text_input(CODE_LABEL, placeholder="P-000123").strip().upper()
        pathway = second.selectbox("Parcours", list(names), format_func=names.__getitem__)
        enrolled_on = third.date_input("Date d'inscription", value=date.today(), format="DD/MM/YYYY")
        fourth, fifth, sixth = st.columns([2, 3, 2])
        grade = fourth.selectbox(
            "Grade podologique (diabète)", [None, 0, 1, 2, 3], format_func=lambda g: "—" if g is None else str(g)
        )
        low_risk = fifth.checkbox("Risque faible (fond d'œil tous les 2 ans)")
        confirmed = sixth.checkbox("Inscrire malgré l'avertissement")
        if not st.form_submit_button("Inscrire", icon=":material/person_add:"):
            return
    enrol(frames, code, int(pathway), enrolled_on, grade, low_risk, confirmed, names)


def enrolment_values(
    code: str, pathway: int, enrolled_on: date, grade: int | None, low_risk: bool, names: dict[int, str]
) -> tuple[Record | None, list[Problem]]:
    """The enrolment typed (its patient still to find by code), checked by the shared input rules with the
    patient code (a Patients code: P- and 6 digits): the record, or None and every error in French."""
    today = date.today()
    _, code_errors = validate_form(PATIENTS, {"code": code}, today, required=("code",))
    values = {
        "reference": f"{code} – {names[pathway]}",
        "pathway": pathway,
        "enrolled_on": enrolled_on,
        "status": ACTIVE,
        "foot_grade": grade,
        "low_risk": low_risk,
    }
    checked, errors = validate_form(ENROLMENTS, values, today, required=("enrolled_on",))
    errors = [replace(e, field=CODE_LABEL) for e in code_errors] + errors
    return (None if errors else checked), errors


def enrol(
    frames: dict[str, pd.DataFrame],
    code: str,
    pathway: int,
    enrolled_on: date,
    grade: int | None,
    low_risk: bool,
    confirmed: bool,
    names: dict[int, str],
) -> None:
    checked, errors = enrolment_values(code, pathway, enrolled_on, grade, low_risk, names)
    if checked is None:
        st.error("**Rien n'a été enregistré :**\n\n" + "\n".join(f"- {e}" for e in errors))
        return
    patients = frames[PATIENTS.key]
    match = rows_of(patients[patients["code"] == code])
    if not match:
        st.error(f"Aucun patient n'a le code « {code} » dans la table Patients.")
        return
    patient = match[0]
    log_patient_access(f"{PAGE} · inscription", [code])
    enrolments = frames[ENROLMENTS.key]
    twice = enrolments[
        (enrolments["patient"] == patient["id"]) & (enrolments["pathway"] == pathway) & (enrolments["status"] == ACTIVE)
    ]
    if len(twice):
        st.error(
            f"{code} est déjà inscrit(e) dans le parcours « {names[pathway]} » (inscription Id {int(twice['id'].iloc[0])})."
        )
        return
    row = rows_of(frames[PATHWAYS.key][frames[PATHWAYS.key]["id"] == pathway])[0]
    facts = PathwayFacts(row["name"], row["sex"], row["min_age"], row["max_age"])
    warnings = eligibility_warnings(
        facts, Person(patient["birth_date"], patient["sex"], patient["age_band"]), enrolled_on
    )
    if warnings and not confirmed:
        listed = "\n".join(f"- {w}" for w in warnings)
        st.warning(
            f"**{code} est hors du public de ce parcours :**\n\n{listed}\n\n"
            "Rien n'a été enregistré. Cochez « Inscrire malgré l'avertissement » pour l'inscrire quand même.",
            icon=":material/person_alert:",
        )
        return
    enrolment = checked.model_copy(update={"patient": patient["id"]})
    try:
        writes.insert(current_base(), ENROLMENTS, [enrolment])
    except CptsError as error:
        show_error(error)
    written(f"{code} inscrit(e) dans le parcours « {names[pathway]} » le {enrolled_on:%d/%m/%Y}.")


def main() -> None:
    require_coordinator()  # patient-level data: coordinators only, even reached by URL
    header(PAGE, "Étapes de parcours en retard, patient par patient, et le professionnel à solliciter")
    flash()
    state = pathway_state(extra=(PATHWAY_MEMBERS, MEMBERS))
    show_problems(state.problems, LEFT_ASIDE)
    frames = state.frames
    worklist = overdue_worklist(
        state.schedule,
        state.steps,
        frames[PATIENTS.key],
        frames[PATHWAYS.key],
        teams(frames[PATHWAY_MEMBERS.key], frames[MEMBERS.key]),
        proximity,
        date.today(),
    )
    pathway_names = sorted(worklist["pathway_name"].dropna().unique())
    chosen = st.multiselect("Parcours", pathway_names, placeholder="Tous les parcours")
    shown = worklist[worklist["pathway_name"].isin(chosen)] if chosen else worklist
    found = outside_public(frames)
    codes = list(dict.fromkeys([*shown["code"].dropna(), *(code for code, _ in found)]))
    try:
        log_patient_access(PAGE, codes)
    except CptsError as error:
        show_error(error)
    first, second = st.columns(2)
    first.metric("Étapes en retard", len(shown))
    second.metric("Patients à relancer", shown["patient"].nunique())
    if shown.empty:
        st.success("Aucune étape en retard : tous les patients inscrits sont à jour.", icon=":material/check_circle:")
    else:
        st.dataframe(worklist_table(shown), hide_index=True, width="stretch", column_config=WORKLIST_WIDTHS)
        mark_done_form(shown)
    outside_public_block(found)
    enrol_form(frames)


main()
