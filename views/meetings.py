"""Vie de la CPTS (all roles): the year's meetings, trainings, prevention events and assemblies — how many per ACI
mission and kind, the members who took part, the hours of training, the mean satisfaction. The bureau sees counts
only, counts of persons under 5 masked (« < 5 »). Coordinators also see who was invited and came, plan a meeting
(inviting members), print its attendance sheet (PDF), tick presence afterwards, type satisfaction, and find the
link of the NocoDB satisfaction form. No patient data."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from domain.crisis import member_name
from domain.french import number
from domain.meetings import (
    counts_by_mission_and_kind,
    form_answers,
    in_year,
    invited,
    mean_satisfaction,
    meeting_count,
    members_who_took_part,
    minute_files,
    presence_counts,
    training_hours,
)
from domain.permissions import Action
from domain.privacy import mask_small
from errors import CptsError
from schema.meetings import MeetingKind, Participation, Presence
from schema.missions import AciMission
from services.meetings import (
    MeetingsRead,
    attendance_sheet,
    plan_meeting,
    read_meetings,
    record_presence,
    record_satisfaction,
    satisfaction_link,
    sheet_name,
)
from settings import Settings
from views import tables
from views.access import allowed, current_role
from views.common import (
    base_of,
    current_base,
    error_message,
    forget_tables,
    header,
    plain,
    show_error,
    show_problems,
)

TITLE = "Vie de la CPTS"
SHEET = "meetings_sheet"  # session key: (meeting Id, PDF) of the last attendance sheet made
DONE = "meetings_done"  # session key: the last write's confirmation
# Session keys of the toggles: the forms a coordinator uses now and then are drawn only when on.
PLAN_KEY, ENTRY_KEY = "meetings_plan", "meetings_entry"
NONE = "—"
LINK_SECONDS = 300  # the link changes only when the form is shared again in NocoDB
FORM_HELP = (
    "Les participants notent eux-mêmes une rencontre avec ce formulaire NocoDB (vue « Satisfaction » de la table "
    "Participations) : ils choisissent la rencontre, donnent une note de 1 à 5 et un commentaire, sans leur nom. "
    "Chaque réponse compte dans la satisfaction moyenne ; elle n'apparaît pas parmi les invités."
)
NO_FORM = (
    "Le formulaire de satisfaction (vue « Satisfaction » de la table Participations) est introuvable ou n'est plus "
    "partagé : lancez ./cpts migrate, ou partagez de nouveau la vue dans NocoDB."
)


def figures(read: MeetingsRead, year: int, exact: bool) -> None:
    members = members_who_took_part(read.meetings, read.participations, year)
    mean = mean_satisfaction(read.meetings, read.participations, year)
    columns = st.columns(4)
    columns[0].metric("Rencontres", meeting_count(read.meetings, year))
    columns[1].metric("Membres présents (distincts)", number(members) if exact else mask_small(members))
    columns[2].metric("Heures de formation", number(training_hours(read.meetings, year), 1))
    columns[3].metric("Satisfaction moyenne", NONE if mean is None else f"{number(mean, 1)} / 5")


def by_mission_and_kind(read: MeetingsRead, year: int) -> pd.DataFrame:
    counts = counts_by_mission_and_kind(read.meetings, year)
    kinds = [kind for kind in (*MeetingKind, NONE) if any(k == kind for _, k in counts)]
    missions = [mission for mission in (*AciMission, NONE) if any(m == mission for m, _ in counts)]
    rows = [{"Mission ACI": mission, **{kind: counts[(mission, kind)] for kind in kinds}} for mission in missions]
    return pd.DataFrame(rows, columns=["Mission ACI", *kinds])


def meetings_table(read: MeetingsRead, year: int, exact: bool) -> pd.DataFrame:
    """One row per meeting of the year; for the bureau, the counts of persons under 5 masked."""

    def shown(count: int) -> Any:
        return count if exact else mask_small(count)

    rows = []
    for meeting in sorted(in_year(read.meetings, year), key=lambda m: (m.on or date.min, m.start or "")):
        counts = presence_counts(meeting.id or 0, read.participations)
        rows.append(
            {
                "Date": meeting.on,
                "Rencontre": meeting.title,
                "Type": meeting.kind,
                "Mission ACI": meeting.mission,
                "Invités": shown(sum(counts.values())),
                "Présents": shown(counts[Presence.PRESENT]),
                "Compte rendu": "oui" if minute_files(meeting.minutes) else "non",
            }
        )
    columns = ["Date", "Rencontre", "Type", "Mission ACI", "Invités", "Présents", "Compte rendu"]
    return pd.DataFrame(rows, columns=columns)


def person(participation: Participation, names: dict[int, str]) -> str:
    return names.get(participation.member or 0) or participation.person or f"n° {participation.id}"


def done(message: str) -> None:
    forget_tables()
    st.session_state[DONE] = message
    st.rerun()


def refused(error: CptsError) -> None:
    st.error(error_message(error), icon=":material/block:")


def plan_form(read: MeetingsRead) -> None:
    if not st.toggle("Planifier une rencontre", key=PLAN_KEY):
        return
    active = sorted((m for m in read.members if m.active and m.id is not None), key=lambda m: m.last_name or "")
    names = {m.id or 0: member_name(m) for m in active}
    actions = {a.id or 0: f"{a.number or '?'}. {a.title or ''}" for a in read.actions}
    with st.form("meeting_plan"):
        left, right = st.columns(2)
        title = left.text_input("Titre", key="meeting_title")
        kind = right.selectbox("Type", list(MeetingKind), key="meeting_kind")
        on = left.date_input("Date", format="DD/MM/YYYY", key="meeting_on")
        start = right.text_input("Début (HH:MM)", value="19:00", key="meeting_start")
        end = right.text_input("Fin (HH:MM)", value="21:00", key="meeting_end")
        place = left.text_input("Lieu", key="meeting_place")
        online = left.checkbox("En ligne", key="meeting_online")
        mission = st.selectbox("Mission ACI", [NONE, *AciMission], key="meeting_mission")
        action = st.selectbox("Action du projet de santé", [0, *actions], format_func=lambda a: actions.get(a, NONE))
        organiser = st.selectbox("Organisateur", [0, *names], format_func=lambda m: names.get(m, NONE))
        theme = st.text_area("Thème", key="meeting_theme")
        everyone = st.checkbox("Inviter tous les membres actifs", key="meeting_everyone")
        chosen = st.multiselect("Membres invités", list(names), format_func=names.__getitem__, key="meeting_members")
        link = st.text_input("Lien du formulaire de satisfaction (facultatif)", key="meeting_form")
        submitted = st.form_submit_button("Planifier la rencontre", type="primary")
    if not submitted:
        return
    values = {
        "title": title.strip() or None,
        "kind": kind,
        "on": on,
        "start": start.strip() or None,
        "end": end.strip() or None,
        "place": place.strip() or None,
        "online": online,
        "theme": theme.strip() or None,
        "mission": None if mission == NONE else mission,
        "action": action or None,
        "organiser": organiser or None,
        "form_link": link.strip() or None,
    }
    try:
        plan_meeting(current_base(), current_role(), values, list(names) if everyone else chosen)
    except CptsError as error:
        refused(error)
        return
    done("Rencontre planifiée : les membres choisis sont invités.")


def meeting_tools(read: MeetingsRead) -> None:
    st.subheader("Une rencontre", anchor=False)
    ordered = sorted(read.meetings, key=lambda m: (m.on or date.min, m.id or 0), reverse=True)
    labels = {m.id or 0: f"{m.on:%d/%m/%Y} · {m.title}" if m.on else str(m.title) for m in ordered}
    if not labels:
        st.caption("Aucune rencontre : planifiez-en une ci-dessus, ou ajoutez-la dans la table Rencontres de NocoDB.")
        return
    meeting_id = st.selectbox("Rencontre", list(labels), format_func=labels.__getitem__, key="meeting_chosen")
    meeting = read.meeting(meeting_id)
    rows = invited(meeting_id, read.participations)
    names = {m.id or 0: member_name(m) for m in read.members}
    who = {p.id or 0: person(p, names) for p in rows}
    action = next((a for a in read.actions if a.id == meeting.action), None)
    about = [meeting.kind, meeting.mission, action and f"action {action.number or '?'} : {action.title or ''}"]
    about += [meeting.place, "en ligne" if meeting.online else None, meeting.theme]
    st.caption(plain(" · ".join(part for part in about if part)))
    files = minute_files(meeting.minutes)
    minutes = plain(", ".join(files)) if files else "aucun (à joindre dans NocoDB, champ « Compte rendu »)"
    st.caption(f"Compte rendu : {minutes}")
    answers = form_answers(meeting_id, read.participations)
    st.caption(f"Réponses au formulaire de satisfaction : {len(answers)}")
    if meeting.form_link:
        st.link_button("Formulaire propre à cette rencontre", meeting.form_link, icon=":material/open_in_new:")
    sheet(meeting_id, sheet_name(meeting))
    tables.show(participants_table(rows, who, read), hide_index=True, width="stretch")
    if st.toggle("Saisir les présences et la satisfaction", key=ENTRY_KEY):
        presence_form(meeting_id, rows, who)
        satisfaction_form(meeting_id, rows, who)


@st.cache_data(ttl=LINK_SECONDS, show_spinner=False)
def form_link(base_id: str) -> str | None:
    """The satisfaction form's link, kept per CPTS base."""
    return satisfaction_link(base_of(base_id), Settings.from_env().form_url)


def satisfaction_section() -> None:
    st.subheader("Formulaire de satisfaction", anchor=False)
    try:
        link = form_link(current_base().id)
    except CptsError as error:
        st.error(error_message(error))
        return
    if link:
        st.code(link, language=None)
        st.caption(FORM_HELP)
    else:
        st.warning(NO_FORM)


def sheet(meeting_id: int, name: str) -> None:
    if st.button("Préparer la feuille d'émargement", icon=":material/print:"):
        try:
            st.session_state[SHEET] = (meeting_id, attendance_sheet(current_base(), current_role(), meeting_id))
        except CptsError as error:
            refused(error)
    made = st.session_state.get(SHEET)
    if isinstance(made, tuple) and made[0] == meeting_id:
        st.download_button(
            "Feuille d'émargement (PDF)",
            made[1],
            name,
            "application/pdf",
            icon=":material/download:",
            on_click="ignore",
        )


def participants_table(rows: list[Participation], who: dict[int, str], read: MeetingsRead) -> pd.DataFrame:
    professions = {m.id: m.profession for m in read.members}
    table = [
        {
            "Nom": who[p.id or 0],
            "Profession": professions.get(p.member) if p.member else "Extérieur",
            "Présence": p.presence or Presence.INVITED,
            "Rôle": p.role,
            "Satisfaction": p.satisfaction,
            "Commentaire": p.comment,
        }
        for p in rows
    ]
    return pd.DataFrame(table, columns=["Nom", "Profession", "Présence", "Rôle", "Satisfaction", "Commentaire"])


def ticked(label: str, presence: Presence, key: str, rows: list[Participation], who: dict[int, str]) -> list[int]:
    """The participations ticked in a list of the invited (those at `presence` ticked at first)."""
    default = [p.id for p in rows if p.presence == presence]
    return st.multiselect(plain(label), list(who), default=default, format_func=who.__getitem__, key=key)


def presence_form(meeting_id: int, rows: list[Participation], who: dict[int, str]) -> None:
    with st.form("meeting_presence"):
        present = ticked("Présents", Presence.PRESENT, f"present_{meeting_id}", rows, who)
        excused = ticked("Excusés", Presence.EXCUSED, f"excused_{meeting_id}", rows, who)
        submitted = st.form_submit_button("Enregistrer les présences")
    if submitted:
        try:
            record_presence(current_base(), current_role(), meeting_id, present, excused)
        except CptsError as error:
            refused(error)
            return
        done("Présences enregistrées.")


def satisfaction_form(meeting_id: int, rows: list[Participation], who: dict[int, str]) -> None:
    if not who:
        return
    with st.form("meeting_satisfaction"):
        chosen = st.selectbox("Participant", list(who), format_func=who.__getitem__, key=f"scored_{meeting_id}")
        score = st.number_input("Satisfaction (1 à 5)", min_value=1, max_value=5, value=4, step=1)
        comment = st.text_input("Commentaire")
        submitted = st.form_submit_button("Enregistrer la satisfaction")
    if submitted:
        try:
            record_satisfaction(current_base(), current_role(), meeting_id, {chosen: (int(score), comment.strip())})
        except CptsError as error:
            refused(error)
            return
        done("Satisfaction enregistrée.")


def main() -> None:
    header(TITLE, "rencontres, formations, actions de prévention et assemblées générales")
    try:
        read = read_meetings(current_base())
    except CptsError as error:
        show_error(error)
    show_problems(read.problems)
    message = st.session_state.pop(DONE, None)
    if isinstance(message, str):
        st.success(plain(message), icon=":material/check_circle:")
    organiser = allowed(Action.ORGANISE_MEETINGS)
    years = sorted({date.today().year, *(m.on.year for m in read.meetings if m.on)}, reverse=True)
    year = st.selectbox("Année", years, key="meetings_year")
    figures(read, year, exact=organiser)
    st.subheader("Rencontres par mission et par type", anchor=False)
    tables.show(by_mission_and_kind(read, year), hide_index=True, width="stretch")
    st.subheader("Les rencontres de l'année", anchor=False)
    tables.show(
        meetings_table(read, year, exact=organiser),
        hide_index=True,
        width="stretch",
        column_config={"Date": st.column_config.DateColumn("Date", format="DD/MM/YYYY")},
    )
    if organiser:
        plan_form(read)
        satisfaction_section()
        meeting_tools(read)


main()
