"""Orientation: the desk's figures, the optimal matching of waiting patients with the members taking new
patients (reviewed patient by patient, then confirmed), and the follow-up of pending proposals (accepted or
refused); a profession filter (all by default: each profession sought matched on its own)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pandas as pd
import streamlit as st

from domain.desk import STALE_DAYS, DeskError, DeskRecords, desk_figures, doctor_name, patient_label, sought
from domain.desk_plan import Plan
from domain.french import number
from domain.proposals import Answer
from errors import CptsError
from schema.models import PatientStatus, ProposalStatus
from services.desk import DESK_TABLES, DeskData, make_plan, write_answers, write_confirmation
from views import paging, tables
from views.access import journal, require_page
from views.common import current_base, header, per_version, plain, show_problems
from views.desk_common import (
    flash,
    forget_data,
    of_profession,
    profession_filter,
    professions_table,
    read_desk,
    show_flash,
    write_error,
)
from views.metrics import grid

TITLE = "Orientation"
PLAN_KEY, PLAN_EDITOR, ANSWERS_EDITOR = "orientation_plan", "orientation_plan_editor", "orientation_answers_editor"
UNTICKED = "orientation_unticked"  # the (patient Id, member Id) pairs unticked in the review, on any of its pages
UNMATCHED_KEY = "orientation_unmatched"  # session key: the toggle that lists the patients left without a proposal
KEEP, ANSWER, REASON = "Proposer", "Réponse", "Motif de refus"
NO_ANSWER = "—"  # a select column shows an empty value as « None »: this one reads as empty
PLAN = paging.Listing(
    "plan",
    "Orientation proposée",
    searched=("Patient", "Profession", "Nom", "Médecin", "Raisons"),
    sortable=("Priorité", "Patient", "Profession", "Nom", "Médecin", "Rang"),
    code="Patient",
)
UNMATCHED = paging.Listing(
    "unmatched", "Patients sans proposition", searched=("Patient", "Nom", "Raison"), code="Patient"
)
PENDING = paging.Listing(
    "pending",
    "Propositions en attente",
    searched=("Patient", "Nom", "Téléphone", "Médecin"),
    sortable=("Depuis (jours)", "Proposée le", "Patient", "Nom", "Médecin"),
    code="Patient",
    noun="propositions",
)


def figures_block(records: DeskRecords, today: date, profession: str | None) -> None:
    """The desk's figures for `records` (those of `profession`, None: all): made once per version of the desk
    tables, day and profession, shared by every session."""
    figures = per_version("desk figures", DESK_TABLES, lambda: desk_figures(records, today), today, profession)
    columns = grid(6, per_row=3)
    columns[0].metric("En attente", figures.waiting, help="Patients au statut « En attente »")
    columns[1].metric("Dont fragiles", figures.waiting_fragile, help="ALD, 70 ans et plus ou C2S/AME")
    columns[2].metric(f"Trouvé en {today.year:d}", figures.found_this_year, help="MT (ou professionnel) trouvé")
    columns[3].metric("Dont fragiles ", figures.found_fragile_this_year, help="ALD, 70 ans et plus ou C2S/AME")
    columns[4].metric(
        "Délai médian (jours)",
        "—" if figures.median_days_to_found is None else number(figures.median_days_to_found, 1),
        help=f"De la demande au professionnel trouvé, patients de {today.year:d}",
    )
    columns[5].metric(
        f"Propositions > {STALE_DAYS} jours",
        figures.stale_proposals,
        help=f"Propositions sans réponse depuis plus de {STALE_DAYS} jours : à relancer",
    )


def names(records: DeskRecords) -> tuple[dict[int | None, str], dict[int | None, str]]:
    """Patient Id → "Prénom Nom", member Id → "Dr Prénom Nom"."""
    patients = {p.id: " ".join(part for part in (p.first_name, p.last_name) if part) for p in records.patients}
    return patients, {m.id: doctor_name(m) for m in records.members}


def plan_frame(planned: Plan, data: DeskData) -> pd.DataFrame:
    patients, doctors = names(data.records)
    rows = [
        {
            KEEP: True,
            "Patient": item.code,
            "Profession": item.profession,
            "Nom": patients.get(item.patient_id),
            "Priorité": item.priority.score,
            "Détail de la priorité": item.priority.explanation,
            "Rang": choice.rank,
            "Médecin": doctors.get(choice.member_id),
            "Raisons": " ; ".join(choice.reasons),
            "_patient": item.patient_id,
            "_member": choice.member_id,
        }
        for item in planned.patients
        for choice in item.choices
    ]
    return pd.DataFrame(rows)


def run_button(profession: str | None) -> None:
    if st.button("Lancer l'orientation", type="primary", icon=":material/play_arrow:"):
        try:
            with st.spinner("Calcul de la meilleure orientation…"):
                st.session_state[PLAN_KEY] = make_plan(current_base(), date.today(), profession)
        except CptsError as error:
            write_error(error)
        forget_plan_edits()


def forget_plan() -> None:
    """Another profession chosen: the plan computed for the previous one is dropped."""
    st.session_state.pop(PLAN_KEY, None)
    forget_plan_edits()


def forget_plan_edits() -> None:
    st.session_state.pop(PLAN_EDITOR, None)
    st.session_state.pop(UNTICKED, None)


def plan_block(shown: list[str], profession: str | None) -> None:
    """The plan, its codes added to `shown` (the codes this run displays)."""
    st.subheader("Proposer des professionnels", anchor=False)
    st.caption(
        "L'orientation propose à chaque patient en attente jusqu'à 3 professionnels de la profession qu'il "
        "recherche (le premier lui réserve une place), en maximisant la priorité totale des patients orientés sous "
        "les contraintes de capacité, de public, de visites à domicile et de proximité ; chaque profession est "
        "orientée à part. Décochez ce que vous ne voulez pas proposer (sur toutes les pages), puis confirmez : tout "
        "le reste du calcul est proposé."
    )
    run_button(profession)
    if PLAN_KEY not in st.session_state:
        return
    planned, data = st.session_state[PLAN_KEY]
    show_problems(list(planned.problems), "Ces médecins ne sont pas proposés")
    st.markdown(f"**{len(planned.patients)} patient(s) à proposer**, {len(planned.unmatched)} sans proposition.")
    if planned.patients:
        review(planned, data, shown)
    unmatched_block(planned, data, shown)


def pairs(frame: pd.DataFrame) -> list[tuple[int, int]]:
    """(patient Id, member Id) of each row of a plan frame."""
    return [(int(p), int(m)) for p, m in zip(frame["_patient"], frame["_member"], strict=True)]


def review(planned: Plan, data: DeskData, shown: list[str]) -> None:
    """The plan a page at a time; what is unticked on a page is remembered when going to another one."""
    frame = plan_frame(planned, data)
    listed = paging.paged(frame, PLAN)
    if listed.moved:
        st.session_state.pop(PLAN_EDITOR, None)
    shown.extend(listed.codes())
    unticked: set[tuple[int, int]] = st.session_state.setdefault(UNTICKED, set())
    page = listed.page.assign(**{KEEP: [pair not in unticked for pair in pairs(listed.page)]})
    edited = st.data_editor(
        page,
        key=PLAN_EDITOR,
        hide_index=True,
        width="stretch",
        num_rows="fixed",
        disabled=[c for c in frame.columns if c != KEEP],
        column_order=[c for c in frame.columns if not c.startswith("_")],
        column_config={
            KEEP: st.column_config.CheckboxColumn(help="Décochez pour ne pas proposer ce médecin"),
            "Raisons": st.column_config.TextColumn(width="large"),
            "Détail de la priorité": st.column_config.TextColumn(width="medium"),
        },
    )
    for pair, keep in zip(pairs(edited), edited[KEEP], strict=True):
        (unticked.discard if keep else unticked.add)(pair)
    paging.caption(listed)
    confirm, drop, _ = st.columns([1, 1, 2])
    if drop.button("Abandonner ce calcul"):
        st.session_state.pop(PLAN_KEY, None)
        forget_plan_edits()
        st.rerun()
    if not confirm.button("Confirmer les propositions", type="primary", icon=":material/check:"):
        return
    kept = set(pairs(frame)) - unticked  # every page of the plan
    try:
        result = write_confirmation(current_base(), planned, kept, date.today())
    except CptsError as error:
        write_error(error)
        return
    forget_data()
    st.session_state.pop(PLAN_KEY, None)
    forget_plan_edits()
    patients = len({p.patient for p in result.proposals})
    message = f"{len(result.proposals)} proposition(s) enregistrée(s) pour {patients} patient(s), passés au statut « Proposé »."
    if result.skipped:
        message += "\n\nNon proposés :\n" + "\n".join(f"- {plain(line)}" for line in result.skipped)
    flash(message)


def unmatched_block(planned: Plan, data: DeskData, shown: list[str]) -> None:
    if not planned.unmatched:
        return
    # Drawn only when asked (a toggle, not an expander, which draws its content even closed): its patients are
    # then sent to the browser, and journaled, only when the coordinator looks at them.
    if not st.toggle(f"Patients sans proposition ({len(planned.unmatched)})", key=UNMATCHED_KEY):
        return
    patients, _ = names(data.records)
    counts = Counter(item.reason for item in planned.unmatched)
    tables.show(pd.DataFrame(counts.most_common(), columns=["Raison", "Patients"]), hide_index=True, width="stretch")
    rows = [{"Patient": u.code, "Nom": patients.get(u.patient_id), "Raison": u.reason} for u in planned.unmatched]
    listed = paging.paged(pd.DataFrame(rows), UNMATCHED)
    shown.extend(listed.codes())
    paging.table(listed, ["Patient", "Nom", "Raison"])


def pending_frame(records: DeskRecords, today: date) -> pd.DataFrame:
    patients, doctors = names(records)
    by_id = {p.id: p for p in records.patients}
    rows = []
    for proposal in records.proposals:
        if proposal.status != ProposalStatus.PENDING or proposal.patient not in by_id:
            continue
        patient = by_id[proposal.patient]
        days = (today - proposal.proposed_on).days if proposal.proposed_on else None
        rows.append(
            {
                ANSWER: NO_ANSWER,
                REASON: "",
                "Patient": patient_label(patient),
                "Profession": sought(patient),
                "Nom": patients.get(patient.id),
                "Téléphone": patient.phone,
                "Médecin": doctors.get(proposal.gp),
                "Rang": proposal.rank,
                "Proposée le": proposal.proposed_on,
                "Depuis (jours)": days,
                "À relancer": days is not None and days > STALE_DAYS,
                "_proposal": proposal.id,
            }
        )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    return frame.sort_values(["Depuis (jours)", "Patient", "Rang"], ascending=[False, True, True], kind="stable")


def follow_up_block(records: DeskRecords, today: date, profession: str | None, shown: list[str]) -> None:
    """The pending proposals of `records` (those of `profession`), their answers written to NocoDB; the frame
    made once per version of the desk tables, day and profession, shared by every session (never changed)."""
    st.subheader("Suivi des propositions", anchor=False)
    frame = per_version("pending proposals", DESK_TABLES, lambda: pending_frame(records, today), today, profession)
    if frame.empty:
        st.info("Aucune proposition en attente de réponse.")
        return
    st.caption(
        f"{len(frame)} proposition(s) en attente de réponse. Indiquez « Acceptée » (le patient a trouvé son médecin "
        "traitant) ou « Refusée » avec le motif (ce médecin ne lui sera plus proposé), puis enregistrez les "
        "réponses de la page avant d'en changer."
    )
    listed = paging.paged(frame, PENDING)
    if listed.moved:
        st.session_state.pop(ANSWERS_EDITOR, None)
    shown.extend(listed.codes())
    if listed.rows.empty:
        st.info("Aucune proposition ne correspond à cette recherche.", icon=":material/search_off:")
        return
    edited = st.data_editor(
        listed.page,
        key=ANSWERS_EDITOR,
        hide_index=True,
        width="stretch",
        num_rows="fixed",
        disabled=[c for c in frame.columns if c not in (ANSWER, REASON)],
        column_order=[c for c in frame.columns if not c.startswith("_")],
        column_config={
            ANSWER: st.column_config.SelectboxColumn(
                options=[NO_ANSWER, ProposalStatus.ACCEPTED, ProposalStatus.REFUSED], required=True
            ),
            REASON: st.column_config.TextColumn(width="medium"),
            "Proposée le": st.column_config.DateColumn(format="DD/MM/YYYY"),
            "À relancer": st.column_config.CheckboxColumn(help=f"Sans réponse depuis plus de {STALE_DAYS} jours"),
        },
    )
    paging.caption(listed)
    listed_columns = [c for c in frame.columns if c not in (ANSWER, REASON) and not c.startswith("_")]
    paging.export(listed, listed_columns, lambda codes: journal(codes, paging.EXPORT))
    if not st.button("Enregistrer les réponses", type="primary", icon=":material/save:"):
        return
    answers = [
        Answer(int(row["_proposal"]), str(row[ANSWER]), str(row[REASON] or ""))
        for _, row in edited.iterrows()
        if isinstance(row[ANSWER], str) and row[ANSWER] not in ("", NO_ANSWER)
    ]
    if not answers:
        st.info("Aucune réponse à enregistrer : choisissez « Acceptée » ou « Refusée » dans la colonne Réponse.")
        return
    try:
        changes = write_answers(current_base(), answers, today)
    except DeskError as error:
        st.error(
            "**Rien n'a été enregistré :**\n\n" + "\n".join(f"- {plain(line)}" for line in str(error).splitlines())
        )
        return
    except CptsError as error:
        write_error(error)
        return
    forget_data()
    st.session_state.pop(ANSWERS_EDITOR, None)
    found = sum(1 for p in changes.patients if p.status == PatientStatus.FOUND)
    flash(f"{len(answers)} réponse(s) enregistrée(s) ; {found:d} patient(s) ont trouvé leur médecin traitant.")


def main() -> None:
    require_page()  # what app.py declares this page needs
    today = date.today()
    header(
        TITLE,
        "Orienter les patients en attente vers les professionnels qui prennent de nouveaux patients",
        forget_data,
    )
    show_flash()
    data = read_desk()
    profession = profession_filter("orientation_profession", on_change=forget_plan)
    records = of_profession(data.records, profession)
    figures_block(records, today, profession)
    if profession is None:
        professions_table(data.records, today)
    shown: list[str] = []  # the codes of the patients this run displays
    try:
        st.divider()
        plan_block(shown, profession)
        st.divider()
        follow_up_block(records, today, profession, shown)
    finally:  # one journal row per display, whatever the blocks showed
        if shown:
            journal(sorted(set(shown)))


main()
