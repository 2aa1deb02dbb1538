"""Soins non programmés (ACI mission 1b), for coordinators: the free slots of today and the coming week by
commune and kind, a request registered and booked on the nearest free slot (`services.snp`: never beyond a
slot's places), the outcome of the appointments, and the figures. Requests are patient data: the requests
shown are journaled (as « SNP-<Id> »)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import streamlit as st

from domain.communes import place
from domain.french import number, percent
from domain.snp import FIGURE_LABELS, SHARES, OpenSlot, awaiting_outcome, figures, upcoming
from errors import CptsError
from schema.snp import AGE_BANDS, REASONS, SOURCES, Attendance, Outcome, SnpRequest
from services.snp import SnpData, communes, propose, read_snp, record_attendance, register
from views import tables
from views.access import journal, require_page
from views.common import current_base, error_message, forget_tables, header, plain, show_error

TITLE = "Soins non programmés"
PROPOSED = "snp_proposed"  # session key: the request being registered and the slot proposed for it
WEEK = 7
NOT_BOOKED = [o.value for o in Outcome if o != Outcome.ORIENTED]


def commune_name(code: str) -> str:
    found = place(code)
    return found.commune_name if found else code


def slots_table(slots: list[OpenSlot], data: SnpData) -> pd.DataFrame:
    rows = [
        {
            "Commune": commune_name(s.insee_code),
            "Type": s.kind,
            "Date": s.starts.date(),
            "Début": f"{s.starts:%H:%M}",
            "Fin": f"{s.ends:%H:%M}",
            "Membre": data.member_names.get(s.member or -1, ""),
            "Places libres": s.free,
            "Créneau": s.id,
        }
        for s in slots
    ]
    frame = pd.DataFrame(
        rows, columns=["Commune", "Type", "Date", "Début", "Fin", "Membre", "Places libres", "Créneau"]
    )
    return frame.sort_values(["Commune", "Type", "Date", "Début"], kind="stable")


def free_slots(data: SnpData, now: datetime) -> None:
    slots = data.open_slots()
    today, week = upcoming(slots, now, 1), upcoming(slots, now, WEEK)
    left, right = st.columns(2)
    left.metric("Places libres aujourd'hui", sum(s.free for s in today))
    right.metric("Places libres sur 7 jours", sum(s.free for s in week))
    for label, chosen in (("Aujourd'hui", today), ("Cette semaine", week)):
        st.subheader(f"Créneaux libres : {plain(label.lower())}", anchor=False)
        if not chosen:
            st.caption("Aucun créneau libre : les membres les ajoutent dans la table Créneaux SNP de NocoDB.")
            continue
        tables.show(
            slots_table(chosen, data),
            hide_index=True,
            width="stretch",
            column_config={"Date": st.column_config.DateColumn("Date", format="DD/MM/YYYY")},
        )


def request_form(allowed: dict[str, str]) -> SnpRequest | None:
    st.subheader("Nouvelle demande", anchor=False)
    codes = sorted(allowed, key=lambda code: allowed[code])
    left, right = st.columns(2)
    source = left.selectbox("Source", SOURCES, key="snp_source")
    reason = right.selectbox("Motif", REASONS, key="snp_reason")
    code = left.selectbox("Commune", codes, format_func=lambda c: f"{allowed[c]} ({c})", key="snp_commune")
    band = right.selectbox("Tranche d'âge", AGE_BANDS, index=6, key="snp_age")
    phone = left.text_input("Téléphone (effacé une fois le rendez-vous passé)", key="snp_phone")
    if code is None:
        st.warning("Aucune commune : renseignez le territoire (table Territoire de NocoDB).")
        return None
    return SnpRequest(
        received_at=datetime.now().replace(second=0, microsecond=0),
        source=source,
        reason=reason,
        insee_code=code,
        age_band=band,
        phone=phone.strip() or None,
    )


def propose_and_book(request: SnpRequest, data: SnpData) -> None:
    now = datetime.now()
    if st.button("Proposer le créneau le plus proche", type="primary", icon=":material/near_me:"):
        try:
            st.session_state[PROPOSED] = propose(current_base(), str(request.insee_code), now)
        except CptsError as error:
            st.error(error_message(error), icon=":material/block:")
            return
    proposed = st.session_state.get(PROPOSED)
    if isinstance(proposed, OpenSlot):
        who = plain(data.member_names.get(proposed.member or -1, ""))
        when = f"{proposed.starts:%d/%m/%Y %H:%M}–{proposed.ends:%H:%M}"
        st.info(
            f"**Créneau proposé** : {plain(commune_name(proposed.insee_code))}, {plain(when)}, {who} "
            f"({plain(str(proposed.kind or ''))}), {plain(str(proposed.free))} place(s) libre(s)",
            icon=":material/event_available:",
        )
        if st.button("Réserver ce créneau", icon=":material/event:"):
            write(request.model_copy(update={"slot": proposed.id, "outcome": Outcome.ORIENTED}), now)
    elif PROPOSED in st.session_state:
        st.warning("Aucun créneau libre dans la commune, l'EPT/EPCI ou le département.", icon=":material/event_busy:")
    outcome = st.selectbox("Sans créneau : issue", NOT_BOOKED, key="snp_outcome")
    if st.button("Enregistrer sans créneau", icon=":material/save:"):
        write(request.model_copy(update={"outcome": outcome}), now)


def write(request: SnpRequest, now: datetime) -> None:
    try:
        request_id = register(current_base(), request, now)
    except CptsError as error:
        st.error(error_message(error), icon=":material/block:")
        return
    forget_tables()
    st.session_state.pop(PROPOSED, None)
    st.success(f"Demande {plain(f'SNP-{request_id}')} enregistrée.", icon=":material/check_circle:")


def outcomes(data: SnpData) -> None:
    st.subheader("Rendez-vous à suivre", anchor=False)
    waiting = awaiting_outcome(data.requests)
    if not waiting:
        st.caption("Aucun rendez-vous en attente de son issue.")
        return
    slots = {s.id: s for s in data.slots}
    rows = [
        {
            "Demande": f"SNP-{r.id}",
            "Reçue le": r.received_at,
            "Commune": commune_name(r.insee_code or ""),
            "Motif": r.reason,
            "Créneau": f"{slot.on:%d/%m/%Y} {slot.start}" if (slot := slots.get(r.slot)) and slot.on else "",
            "Membre": data.member_names.get(slot.member or -1, "") if slot else "",
            "Téléphone": r.phone,
        }
        for r in waiting
    ]
    journal([f"SNP-{r.id}" for r in waiting])
    tables.show(pd.DataFrame(rows), hide_index=True, width="stretch")
    ids = [r.id for r in waiting if r.id is not None]
    left, right = st.columns(2)
    chosen = left.selectbox("Demande", ids, format_func=lambda i: f"SNP-{i}", key="snp_request")
    attendance = right.selectbox("Issue du rendez-vous", [a.value for a in Attendance], key="snp_attendance")
    if st.button("Enregistrer l'issue", icon=":material/task_alt:") and chosen is not None:
        try:
            record_attendance(current_base(), int(chosen), str(attendance))
        except CptsError as error:
            st.error(error_message(error), icon=":material/block:")
            return
        forget_tables()
        st.rerun()


def figures_block(data: SnpData, today: date) -> None:
    st.subheader("Indicateurs des 12 derniers mois", anchor=False)
    found = figures(data.slots, data.requests, today - timedelta(days=365), today)
    columns = st.columns(4)
    for index, (key, label) in enumerate(FIGURE_LABELS.items()):
        value = found[key]
        shown = percent(value) if key in SHARES else "—" if value is None else number(value, 0)
        columns[index % 4].metric(plain(label), f"{shown} h" if key == "snp_median_delay_hours" and value else shown)


def main() -> None:
    require_page()
    header(TITLE, "mission ACI 1b : créneaux libres, demandes orientées vers le créneau le plus proche")
    try:
        data, allowed = read_snp(current_base()), communes(current_base())
    except CptsError as error:
        show_error(error)
    free_slots(data, datetime.now())
    request = request_form(allowed)
    if request is not None:
        propose_and_book(request, data)
    outcomes(data)
    figures_block(data, date.today())


main()
