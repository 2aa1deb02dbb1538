"""What the desk pages (Patients en attente, Professionnels disponibles, Orientation) share: the desk data as
NocoDB holds it (made once per version of its tables, shared by every session), checked again after a write
or on "Rafraîchir", French messages."""

from __future__ import annotations

from datetime import date
from typing import Any, NoReturn

import pandas as pd
import streamlit as st

from domain.ages import age_on
from domain.desk import DeskRecords, figures_by_profession, for_profession, patient_label, sought, without_code
from domain.desk_plan import patient_priority
from domain.french import number
from domain.priority import Weights, waiting_days
from errors import CptsError
from schema.models import SOUGHT_PROFESSIONS, Patient
from services.desk import DESK_TABLES, DeskData, desk_state
from views import tables
from views.common import current_base, forget_tables, per_version, plain, show_error, show_problems


def desk_data() -> DeskData:
    """Patients, members, proposals and priority weights as NocoDB holds them."""
    return per_version("desk", DESK_TABLES, lambda: desk_state(current_base()))


def waiting_rows(data: DeskData, today: date) -> pd.DataFrame:
    """One row per patient of the desk data, with its priority and the detail of it, most urgent first: made
    once per version of the desk tables and day, shared by every session (never change it)."""
    return per_version("waiting rows", DESK_TABLES, lambda: patient_rows(data, today), today)


def patient_rows(data: DeskData, today: date) -> pd.DataFrame:
    """One row per patient, with its priority and the detail of it (a patient whose record, weights and day
    are those of the last time keeps the row made then: after an edit, only edited patients are scored)."""
    rows = []
    for patient in data.records.patients:
        made = _ROWS.get(patient.id)
        if made is None or made[0] is not patient or made[1] != (data.weights, today):
            made = (patient, (data.weights, today), patient_row(patient, data, today))
            _ROWS[patient.id] = made
        rows.append(made[2])
    if len(_ROWS) > len(data.records.patients):  # patients deleted (or purged) since: forget their rows
        current = {patient.id for patient in data.records.patients}
        for patient_id in list(_ROWS):
            if patient_id not in current:
                _ROWS.pop(patient_id, None)
    frame = pd.DataFrame(rows, columns=[*ROW_COLUMNS, "_fragilities"])
    return frame.sort_values(["Priorité", "Attente (jours)", "Code"], ascending=[False, False, True], kind="stable")


_ROWS: dict[int | None, tuple[Patient, tuple[Weights, date], dict[str, Any]]] = {}  # by patient Id


def patient_row(patient: Patient, data: DeskData, today: date) -> dict[str, Any]:
    score = patient_priority(patient, data.weights, today)
    place = data.places.get(patient.insee_code or "")
    return {
        "Code": patient_label(patient),
        "Profession": sought(patient),
        "Nom": patient.last_name,
        "Prénom": patient.first_name,
        "Âge": age_on(patient.birth_date, patient.age_band, today),
        "Commune": place.commune_name if place else patient.insee_code,
        "Fragilités": ", ".join(patient.fragilities),
        "Mobilité réduite": patient.reduced_mobility,
        "Demande": patient.request_date,
        "Attente (jours)": waiting_days(patient.request_date, today),
        "Priorité": score.score,
        "Détail de la priorité": score.explanation,
        "Statut": patient.status,
        "Téléphone": patient.phone,
        "_fragilities": patient.fragilities,
    }


ROW_COLUMNS = (
    "Code",
    "Profession",
    "Priorité",
    "Détail de la priorité",
    "Nom",
    "Prénom",
    "Âge",
    "Commune",
    "Fragilités",
    "Mobilité réduite",
    "Demande",
    "Attente (jours)",
    "Statut",
    "Téléphone",
)


EVERY_PROFESSION = "Toutes"


def profession_filter(key: str, on_change: Any = None) -> str | None:
    """A select of the profession sought (« Toutes » by default): the one chosen, None for all."""
    chosen = st.selectbox(
        "Profession recherchée", [EVERY_PROFESSION, *SOUGHT_PROFESSIONS], key=key, on_change=on_change
    )
    return None if chosen == EVERY_PROFESSION else str(chosen)


def of_profession(records: DeskRecords, profession: str | None) -> DeskRecords:
    """The desk records of this profession sought (None: all)."""
    return records if profession is None else for_profession(records, profession)


def professions_table(records: DeskRecords, today: date) -> None:
    """Waiting, found this year and median delay, one row per profession some request seeks (`records`: the
    whole desk data's, whose figures are made once per version of the desk tables and day)."""
    rows = per_version("desk professions", DESK_TABLES, lambda: profession_rows(records, today), today)
    if len(rows) > 1:  # médecin traitant only: the figures above say it all
        tables.show(pd.DataFrame(rows), hide_index=True, width="stretch")


def profession_rows(records: DeskRecords, today: date) -> list[dict[str, Any]]:
    return [
        {
            "Profession recherchée": profession,
            "En attente": item.waiting,
            "Dont fragiles": item.waiting_fragile,
            f"Trouvé en {today.year:d}": item.found_this_year,
            "Délai médian (jours)": "—" if item.median_days_to_found is None else number(item.median_days_to_found, 1),
        }
        for profession, item in figures_by_profession(records, today).items()
    ]


def forget_data() -> None:
    """After a write, or on "Rafraîchir": the next read checks NocoDB again."""
    forget_tables()


def read_desk() -> DeskData:
    """The desk data, or a French error and the page stops."""
    try:
        data = desk_data()
    except CptsError as error:
        show_error(error)
    show_problems(data.problems, "Elles sont laissées de côté")
    flag_without_code(data)
    return data


def flag_without_code(data: DeskData, shown: int = 20) -> None:
    """Patients typed in NocoDB without a code: listed and journaled under their Id until they get one."""
    ids = per_version("desk without code", DESK_TABLES, lambda: without_code(data.records.patients))
    if not ids:
        return
    listed = ", ".join(str(i) for i in ids[:shown]) + (f" … (+{len(ids) - shown})" if len(ids) > shown else "")
    st.warning(
        f"**{len(ids)} patient(s) sans code** dans NocoDB (Id {plain(listed)}) : ils sont listés et tracés dans le "
        "journal sous « Id … ». Donnez-leur un code (ex. P-000123) dans la colonne « Code » de la table Patients.",
        icon=":material/badge:",
    )


def write_error(error: Exception) -> None:
    """A failed write, in French (nothing was kept)."""
    st.error(
        f"**L'enregistrement a échoué, rien n'a été modifié.** Réessayez ; si cela persiste, vérifiez que NocoDB "
        f"répond (./cpts status).\n\nDétail : {plain(str(error))}",
        icon=":material/error:",
    )


FLASH_KEY = "desk_flash"


def flash(message: str) -> NoReturn:
    """Show `message` as a success at the top of the page once it has been run again on fresh data."""
    st.session_state[FLASH_KEY] = message
    st.rerun()


def show_flash() -> None:
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message, icon=":material/check_circle:")
