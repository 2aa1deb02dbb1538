"""À relancer (coordinators): the overdue steps of the enrolled patients, since when, and the professional
to refer to; steps marked done here are written to NocoDB (Étapes réalisées). Also: enrolments outside
their pathway's public, and a form to enrol a patient (warned in French when outside that public).

Patient-level data: every display is traced in Journal d'accès."""

from __future__ import annotations

from datetime import date
from typing import NoReturn

import pandas as pd
import streamlit as st

from domain.french import day
from errors import CptsError, Refused
from schema.models import PATHWAYS
from services.enrolment import CODE_LABEL, EnrolmentForm, candidate, enrol
from services.pathways import mark_done
from views import paging
from views.access import journal, require_page
from views.common import current_base, forget_tables, header, plain, show_error, show_problems
from views.desk_common import flash, show_flash
from views.follow_up_data import EXTRA, overdue, person_name
from views.pathway_data import (
    LEFT_ASIDE,
    active_pathways,
    pathway_state,
)

PAGE = "À relancer"
ENROL_KEY = "enrol_form"  # session key: the toggle that draws the enrolment form


def written(message: str) -> NoReturn:
    """After a write: read NocoDB again and say what was written (Markdown, values escaped)."""
    forget_tables()
    flash(message)


OVERDUE = paging.Listing(
    "overdue",
    PAGE,
    searched=("Code", "Patient", "Étape", "Professionnel à solliciter", "Parcours"),
    sortable=("Jours", "Patient", "Étape", "Parcours"),
    code="Code",
    noun="étapes",
)
WORKLIST_WIDTHS = {
    "Code": st.column_config.TextColumn(width="small"),
    "Jours": st.column_config.NumberColumn(width="small", help="Jours de retard"),
    "Étape": st.column_config.TextColumn(width="medium"),
    "Professionnel à solliciter": st.column_config.TextColumn(width="large"),
}


def item_label(row: pd.Series) -> str:
    name = person_name(row["first_name"], row["last_name"])
    return f"{row['code']} {name} — {row['step_title']} ({row['pathway_name']}), depuis le {day(row['due_on'])}"


@st.fragment
def worklist_block(listed: paging.Listed, shown: pd.DataFrame) -> None:
    """The page of overdue steps, a box to tick on each, and the form marking the ticked ones done: ticking a
    box runs this block again, not the whole page."""
    ticked = paging.ticked(listed, list(listed.rows.columns), WORKLIST_WIDTHS)
    mark_done_form(shown.loc[ticked.index])


def mark_done_form(chosen: pd.DataFrame) -> None:
    """The date the ticked steps were done; written to Étapes réalisées in one go."""
    if chosen.empty:
        st.caption("Cochez des étapes dans le tableau pour les marquer comme faites.")
        return
    with st.form("mark_done", border=True):
        st.subheader(f"Marquer {len(chosen):d} étape(s) comme faite(s)", anchor=False)
        st.markdown("\n".join(f"- {plain(item_label(row))}" for _, row in chosen.iterrows()))
        done_on = st.date_input("Date de réalisation", value=date.today(), max_value=date.today(), format="DD/MM/YYYY")
        if not st.form_submit_button("Enregistrer dans NocoDB", icon=":material/task_alt:", type="primary"):
            return
    try:
        count = mark_done(current_base(), chosen, done_on)
    except CptsError as error:
        show_error(error)
    what = "1 étape enregistrée" if count == 1 else f"{count:d} étapes enregistrées"
    written(f"{what} dans NocoDB (Étapes réalisées), faite(s) le {done_on:%d/%m/%Y}.")


def outside_public_block(found: list[tuple[str, str]]) -> None:
    if not found:
        return
    lines = "\n".join(f"- **{plain(code)}**, {plain(message)}" for code, message in found)
    st.warning(
        f"**{len(found)} inscription(s) hors du public du parcours** : vérifiez-les dans la table Inscriptions.\n\n{lines}",
        icon=":material/person_alert:",
    )


def enrol_form(frames: dict[str, pd.DataFrame]) -> None:
    """Enrol a patient (by code) in a pathway; outside the pathway's public, a French warning asks to confirm."""
    # Drawn only when asked: a toggle, not an expander, which draws its content even closed.
    if not st.toggle("Inscrire un patient dans un parcours", key=ENROL_KEY):
        return
    pathways = active_pathways(frames[PATHWAYS.key])
    names = dict(zip(pathways["id"], pathways["name"], strict=True))
    with st.form("enrol", border=True):
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
    enrol_patient(EnrolmentForm(code, int(pathway), enrolled_on, grade, low_risk), confirmed)


def enrol_patient(form: EnrolmentForm, confirmed: bool) -> None:
    """Enrol through `services.enrolment`; outside the pathway's public, nothing is written unless `confirmed`.
    A refusal (input, unknown code, objection, already enrolled) is shown in French."""
    base = current_base()
    try:
        chosen = candidate(base, form, date.today())
    except CptsError as error:
        show_refusal(error)
        return
    journal([chosen.code], "inscription")
    if chosen.warnings and not confirmed:
        listed = "\n".join(f"- {plain(w)}" for w in chosen.warnings)
        st.warning(
            f"**{plain(chosen.code)} est hors du public de ce parcours :**\n\n{listed}\n\n"
            "Rien n'a été enregistré. Cochez « Inscrire malgré l'avertissement » pour l'inscrire quand même.",
            icon=":material/person_alert:",
        )
        return
    try:
        enrol(base, chosen)
    except CptsError as error:
        show_refusal(error)
        return
    written(
        f"{plain(chosen.code)} inscrit(e) dans le parcours « {plain(chosen.pathway_name)} » le {form.enrolled_on:%d/%m/%Y}."
    )


def show_refusal(error: CptsError) -> None:
    """A refusal (nothing was written) in French; any other error stops the page (`show_error`)."""
    if not isinstance(error, Refused):
        show_error(error)
    st.error(plain(str(error)), icon=":material/block:")


def main() -> None:
    require_page()  # what app.py declares this page needs
    header(PAGE, "Étapes de parcours en retard, patient par patient, et le professionnel à solliciter")
    show_flash()
    today = date.today()
    state = pathway_state(extra=EXTRA, today=today)
    show_problems(state.problems, LEFT_ASIDE)
    frames = state.frames
    worklist, table, found = overdue(state, today)
    pathway_names = sorted(worklist["pathway_name"].dropna().unique())
    chosen = st.multiselect("Parcours", pathway_names, placeholder="Tous les parcours")
    kept = worklist["pathway_name"].isin(chosen) if chosen else None
    shown = worklist if kept is None else worklist[kept]
    first, second = st.columns(2)
    first.metric("Étapes en retard", len(shown))
    second.metric("Patients à relancer", shown["patient"].nunique())
    if shown.empty:
        journal(list(dict.fromkeys(code for code, _ in found)))
        st.success("Aucune étape en retard : tous les patients inscrits sont à jour.", icon=":material/check_circle:")
    else:
        listed = paging.paged(table if kept is None else table[kept.to_numpy()], OVERDUE)
        journal(list(dict.fromkeys([*listed.codes(), *(code for code, _ in found)])))  # the page, not the list
        worklist_block(listed, shown)
        paging.export(listed, list(listed.rows.columns), lambda codes: journal(codes, paging.EXPORT))
    outside_public_block(found)
    enrol_form(frames)


main()
