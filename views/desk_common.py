"""What the desk pages (Patients en attente, Médecins disponibles, Orientation) share: the desk data as
NocoDB holds it (made once per version of its tables, shared by every session), checked again after a write
or on "Rafraîchir", French messages."""

from __future__ import annotations

from typing import NoReturn

import streamlit as st

from errors import CptsError
from services.desk import DESK_TABLES, DeskData, desk_state
from views.common import current_base, forget_tables, per_version, show_error, show_problems


def desk_data() -> DeskData:
    """Patients, members, proposals and priority weights as NocoDB holds them."""
    return per_version("desk", DESK_TABLES, lambda: desk_state(current_base()))


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
    return data


def write_error(error: Exception) -> None:
    """A failed write, in French (nothing was kept)."""
    st.error(
        f"**L'enregistrement a échoué, rien n'a été modifié.** Réessayez ; si cela persiste, vérifiez que NocoDB "
        f"répond (./cpts status).\n\nDétail : {error}",
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
