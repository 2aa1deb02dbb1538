"""Professionnels disponibles: the members (GPs, dentists, physiotherapists…) taking new patients, their places
this month, editable in place and written back to NocoDB (only the fields edited, after checking them); a
profession filter (all by default)."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import pandas as pd
import streamlit as st

from domain.cells import identifier
from domain.desk import DeskRecords, Slots, answers, doctor_name, is_open, slots_this_month
from domain.validation import validate_form
from errors import CptsError
from schema.models import GP_SOUGHT, GP_SPECIALTY, MEMBERS, SOUGHT_PROFESSIONS, Member, Population
from services.desk import DESK_TABLES, DeskData, save_doctors
from views import paging
from views.access import require_page
from views.common import current_base, header, per_version, plain
from views.desk_common import flash, forget_data, read_desk, show_flash, write_error

TITLE = "Professionnels disponibles"
EVERY_PROFESSION = "Toutes"
EDITOR_KEY = "doctors_editor"
EDITABLE = (
    "accepts_new_patients",
    "available_from",
    "monthly_capacity",
    "populations_accepted",
    "home_visits",
    "cpts_referrals_only",
    "insee_code",
)
NAME, PROFESSION = "Professionnel", "Profession"
USED, FREE, COMMUNE = "Places utilisées ce mois", "Places libres", "Commune"
DOCTORS = paging.Listing(
    "doctors",
    TITLE,
    searched=(NAME, PROFESSION, COMMUNE, MEMBERS.field("rpps").title, MEMBERS.field("insee_code").title),
    sortable=(NAME, PROFESSION, COMMUNE, FREE, USED),
    noun="professionnels",
)


def title(attr: str) -> str:
    return MEMBERS.field(attr).title


def may_open(member: Member, profession: str) -> bool:
    """An active member who could take new patients of this profession sought (a GP: Médecine générale)."""
    if not member.active or not answers(member, profession):
        return False
    return profession != GP_SOUGHT or member.specialty == GP_SPECIALTY


def shown_members(records: DeskRecords, everyone: bool, profession: str | None = None) -> list[Member]:
    """The members taking new patients (of this profession sought, None: of any); with `everyone`, also the
    other active members of that profession (to open them)."""
    professions = [profession] if profession else list(SOUGHT_PROFESSIONS)

    def shown(member: Member) -> bool:
        if member.accepts_new_patients and any(answers(member, p) for p in professions):
            return True
        return everyone and any(may_open(member, p) for p in professions)

    return [m for m in records.members if shown(m)]


def places_this_month(data: DeskData, today: date) -> dict[int, Slots]:
    """Every member's places this month (`domain.desk.slots_this_month`): made once per version of the desk
    tables and day, shared by every session (never change it)."""
    return per_version("desk places", DESK_TABLES, lambda: slots_this_month(data.records, today), today)


def doctor_frame(
    members: list[Member], places: dict[int, Slots], communes: dict[str, str], today: date
) -> pd.DataFrame:
    """One row per member: name, profession, places this month, then the editable fields (under their NocoDB
    titles)."""
    rows = []
    for member in members:
        used = places[member.id]  # type: ignore[index]  # members read from NocoDB all have an Id
        rows.append(
            {
                "Id": member.id,
                NAME: doctor_name(member),
                PROFESSION: member.profession,
                COMMUNE: communes.get(member.insee_code or "", member.insee_code),
                USED: used.used,
                FREE: used.free if is_open(member, today) else 0,
                **{title(attr): getattr(member, attr) for attr in EDITABLE},
                title("rpps"): member.rpps,
            }
        )
    columns = ["Id", NAME, PROFESSION, COMMUNE, USED, FREE, *map(title, EDITABLE), title("rpps")]
    frame = pd.DataFrame(rows, columns=columns).set_index("Id")
    frame[title("available_from")] = pd.to_datetime(frame[title("available_from")])
    return frame


def _plain(value: Any) -> Any:
    """A cell as the record model takes it: no NaN/NaT, whole numbers as int, dates as dates."""
    if isinstance(value, list):
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip() or None
    return value


def changes(
    before: pd.DataFrame, after: pd.DataFrame, members: dict[int, Member], today: date
) -> tuple[list[Member], list[str], list[str]]:
    """The members edited (the cells edited checked by the shared input rules), the attributes edited, and
    the French errors naming the member and the field."""
    edited: list[Member] = []
    attrs: set[str] = set()
    errors: list[str] = []
    for member_id, row in after.iterrows():
        member = members[identifier(member_id)]
        update = {}
        for attr in EDITABLE:
            old, new = _plain(before.at[member_id, title(attr)]), _plain(row[title(attr)])
            if (old or None) != (new or None):
                update[attr] = new
        if not update:
            continue
        checked, found = validate_form(MEMBERS, update, today)
        errors += [f"{doctor_name(member)} (Id {member.id}), champ « {e.field} » : {e.reason}" for e in found]
        if checked is not None:
            edited.append(member.model_copy(update={attr: getattr(checked, attr) for attr in update}))
            attrs.update(update)
    return edited, sorted(attrs), errors


def figures(members: list[Member], places: dict[int, Slots], today: date) -> None:
    open_now = [m for m in members if is_open(m, today)]
    slots = [places[m.id] for m in open_now if m.id is not None]  # members read from NocoDB all have an Id
    capacity = sum(s.capacity for s in slots)
    used = sum(s.used for s in slots)
    free = sum(s.free for s in slots)
    columns = st.columns(4)
    columns[0].metric(
        "Acceptent",
        len(open_now),
        help="Professionnels qui prennent de nouveaux patients : cochés « accepte », disponibles dès ce jour",
    )
    columns[1].metric("Places ce mois-ci", capacity, help="Somme des capacités mensuelles de ces professionnels")
    columns[2].metric("Places utilisées", used, help="MT trouvés ce mois-ci + patients en attente de réponse")
    columns[3].metric("Places libres", free)


def main() -> None:
    require_page()  # what app.py declares this page needs
    today = date.today()
    header(
        TITLE,
        "Médecins généralistes, chirurgiens-dentistes, kinés… qui prennent de nouveaux patients : modifiez les "
        "cellules puis enregistrez (avant de changer de page)",
        forget_data,
    )
    show_flash()
    data = read_desk()
    chosen = st.selectbox(
        "Profession", [EVERY_PROFESSION, *SOUGHT_PROFESSIONS], key="doctors_profession", help="Profession recherchée"
    )
    profession = None if chosen == EVERY_PROFESSION else chosen
    everyone = st.toggle(
        "Afficher aussi les autres membres actifs de cette profession",
        help="Pour ouvrir un professionnel à l'orientation (médecins : ceux de médecine générale)",
    )
    members = shown_members(data.records, everyone, profession)
    places = places_this_month(data, today)
    figures(members, places, today)
    if not members:
        st.info(
            "Aucun professionnel ne prend de nouveaux patients : cochez « Accepte de nouveaux patients MT » "
            "(affichez les autres membres actifs ci-dessus)."
        )
        return
    communes = {code: place.commune_name for code, place in data.places.items()}
    listed = paging.paged(doctor_frame(members, places, communes, today), DOCTORS)
    if listed.moved:  # another page, search or order: the editor starts over on the rows now shown
        st.session_state.pop(EDITOR_KEY, None)
    if listed.rows.empty:
        st.info("Aucun professionnel ne correspond à cette recherche.", icon=":material/search_off:")
        return
    before = listed.page
    after = st.data_editor(
        before,
        key=EDITOR_KEY,
        hide_index=True,
        width="stretch",
        num_rows="fixed",
        disabled=[NAME, PROFESSION, title("rpps"), COMMUNE, USED, FREE],
        column_config={
            USED: st.column_config.NumberColumn(
                "Utilisées", help="Places utilisées ce mois-ci : MT trouvés + réponses attendues"
            ),
            FREE: st.column_config.NumberColumn("Libres", help="Places libres ce mois-ci (0 si pas encore disponible)"),
            title("accepts_new_patients"): st.column_config.CheckboxColumn(
                "Accepte", help=title("accepts_new_patients")
            ),
            title("available_from"): st.column_config.DateColumn("Disponible le", format="DD/MM/YYYY"),
            title("monthly_capacity"): st.column_config.NumberColumn(
                "Capacité / mois", help=title("monthly_capacity"), min_value=0, step=1, format="%d"
            ),
            title("populations_accepted"): st.column_config.MultiselectColumn(
                "Populations", help=title("populations_accepted"), options=list(Population), width="medium"
            ),
            title("home_visits"): st.column_config.CheckboxColumn("Visites à domicile"),
            title("cpts_referrals_only"): st.column_config.CheckboxColumn(
                "Orientés CPTS seulement", help=title("cpts_referrals_only")
            ),
            title("insee_code"): st.column_config.TextColumn(
                "Code INSEE", help="Code INSEE de la commune, 5 caractères (pas le code postal)"
            ),
        },
    )
    paging.caption(listed)
    paging.export(listed, list(before.columns))
    if not st.button("Enregistrer les modifications", type="primary", icon=":material/save:"):
        return
    edited, attrs, errors = changes(before, after, {m.id: m for m in members if m.id is not None}, today)
    if errors:
        st.error("**Rien n'a été enregistré :**\n\n" + "\n".join(f"- {plain(e)}" for e in errors))
        return
    if not edited:
        st.info("Aucune modification à enregistrer.")
        return
    try:
        save_doctors(current_base(), edited, attrs)
    except CptsError as error:
        write_error(error)
        return
    forget_data()
    st.session_state.pop(EDITOR_KEY, None)
    flash(f"{len(edited)} professionnel(s) mis à jour dans NocoDB.")


main()
