"""The contract's side of an indicator, set from the page Financement ACI (coordinators): its tiers and ceiling,
and a proof (Justificatifs) by link. Written by `services.funding_indicators`, which checks first: bad tiers or a
negative ceiling are refused in French naming the row and the field, and nothing is written. A proof's file is
attached in NocoDB (table Justificatifs, field « Fichier »)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from domain.tiers import TIERS_EXAMPLE
from errors import CptsError
from schema.proofs import Proof, ProofKind
from services.funding_indicators import add_proof, set_tiers
from views.access import current_role
from views.common import current_base, error_message, forget_tables, plain

DONE = "funding_contract_done"  # session key: the last write's confirmation


def indicator_choices(indicators: pd.DataFrame) -> dict[int, str]:
    """Indicator Id → its title, for the year's indicators."""
    ids, titles = indicators["id"].tolist(), indicators["title"].tolist()
    return {int(i): str(title or f"Indicateur n° {i}") for i, title in zip(ids, titles, strict=True)}


def contract_section(indicators: pd.DataFrame) -> None:
    """The two forms, after the indicators' tables; the confirmation of the last write above them."""
    st.subheader("Paliers et justificatifs d'un indicateur", anchor=False)
    message = st.session_state.pop(DONE, None)
    if isinstance(message, str):
        st.success(plain(message), icon=":material/check_circle:")
    choices = indicator_choices(indicators)
    if not choices:
        st.caption("Aucun indicateur cette année : ajoutez-en dans la table Indicateurs de NocoDB.")
        return
    tiers_form(indicators, choices)
    proof_form(choices)


def current_tiers(indicators: pd.DataFrame, indicator_id: int) -> tuple[str, float | None]:
    row = indicators[indicators["id"] == indicator_id].iloc[0]
    tiers, ceiling = row.get("tiers"), row.get("ceiling")
    return (tiers.text if tiers is not None else ""), (None if ceiling is None or pd.isna(ceiling) else float(ceiling))


def tiers_form(indicators: pd.DataFrame, choices: dict[int, str]) -> None:
    chosen = st.selectbox("Indicateur", list(choices), format_func=choices.__getitem__, key="contract_indicator")
    typed, ceiling = current_tiers(indicators, chosen)
    with st.form("contract_tiers"):
        tiers = st.text_input(
            "Paliers", typed, key=f"contract_tiers_{chosen}", help=f"Un palier par « ; », par exemple {TIERS_EXAMPLE}"
        )
        limit = st.number_input("Plafond (€)", value=ceiling, step=500.0, key=f"contract_ceiling_{chosen}")
        submitted = st.form_submit_button("Enregistrer les paliers")
    if not submitted:
        return
    try:
        set_tiers(current_base(), chosen, tiers.strip() or None, limit, current_role())
    except CptsError as error:
        st.error(error_message(error), icon=":material/block:")
        return
    done(f"Paliers enregistrés : {choices[chosen]}.")


def proof_form(choices: dict[int, str]) -> None:
    with st.form("contract_proof", clear_on_submit=True):
        indicator = st.selectbox("Indicateur justifié", list(choices), format_func=choices.__getitem__, key="proof_for")
        title = st.text_input("Titre de la pièce", key="proof_title")
        kind = st.selectbox("Type de pièce", list(ProofKind), key="proof_kind")
        link = st.text_input("Lien du document", key="proof_link", help="Un fichier se joint dans NocoDB")
        source = st.text_input("Provenance", key="proof_source", help="Ex. rencontre du 12/03, liste CPAM de mars")
        submitted = st.form_submit_button("Ajouter le justificatif")
    if not submitted:
        return
    proof = Proof(
        title=title.strip() or None,
        indicator=indicator,
        kind=kind,
        link=link.strip() or None,
        source=source.strip() or None,
        added_on=date.today(),
    )
    try:
        add_proof(current_base(), proof, current_role())
    except CptsError as error:
        st.error(error_message(error), icon=":material/block:")
        return
    done(f"Justificatif ajouté : {choices[indicator]}.")


def done(message: str) -> None:
    forget_tables()
    st.session_state[DONE] = message
    st.rerun()
