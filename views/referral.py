"""Orienter: for a pathway, a level and a commune, the members to refer a patient to, nearest first.

Members and their roles only (no patient data)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from domain.communes import commune_closeness, load_communes
from domain.referral import CLOSENESS_LABELS, TeamMember, matching, nearest_first, teams
from schema.models import MEMBERS, PATHWAY_MEMBERS, PATHWAYS, TERRITORY
from views import tables
from views.common import header, load_tables, plain, show_problems
from views.pathway_data import LEFT_ASIDE, active_pathways, commune_name

ALL_LEVELS = "Tous les niveaux"


def commune_choices(frames: dict[str, pd.DataFrame]) -> tuple[list[str], str | None]:
    """INSEE codes of the communes of the territory's and the members' départements (by name), and the
    territory's first commune as the default."""
    known = [
        c for c in (*frames[TERRITORY.key]["insee_code"], *frames[MEMBERS.key]["insee_code"]) if isinstance(c, str)
    ]
    communes = load_communes()
    departments = {communes[c].department for c in known if c in communes}
    codes = sorted(
        (code for code, info in communes.items() if info.department in departments),
        key=lambda code: (communes[code].name.casefold(), code),
    )
    territory = [c for c in frames[TERRITORY.key]["insee_code"] if isinstance(c, str) and c in communes]
    return codes, territory[0] if territory else (known[0] if known else None)


def commune_label(code: str) -> str:
    return f"{commune_name(code)} ({code})"


def choose(
    frames: dict[str, pd.DataFrame], team_of: dict[int, list[TeamMember]]
) -> tuple[int, int | None, str | None, list[str]]:
    """The pathway, level, commune and professions chosen by the user."""
    pathways = active_pathways(frames[PATHWAYS.key])
    names = dict(zip(pathways["id"], pathways["name"], strict=True))
    first, second, third = st.columns([3, 2, 3])
    pathway = first.selectbox("Parcours", list(names), format_func=names.__getitem__)
    team = team_of.get(pathway, [])
    levels = sorted({level for member in team for level in member.levels})
    level = second.selectbox(
        "Niveau",
        [ALL_LEVELS, *levels],
        format_func=lambda v: v if v == ALL_LEVELS else f"Niveau {v}",
        disabled=not levels,
        help="Endométriose : 1 premier recours, 2 centre de référence, 3 centre expert",
    )
    codes, default = commune_choices(frames)
    origin = third.selectbox(
        "Commune du patient",
        codes,
        index=codes.index(default) if default in codes else None,
        format_func=commune_label,
        placeholder="Choisissez une commune",
    )
    professions = sorted({m.profession for m in team if m.profession})
    chosen = st.multiselect("Professions", professions, placeholder="Toutes les professions")
    return pathway, level if isinstance(level, int) else None, origin, chosen


def referral_table(ranked: list[tuple[int, TeamMember]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Proximité": [CLOSENESS_LABELS[rank] for rank, _ in ranked],
            "Nom": [m.name for _, m in ranked],
            "Profession": [m.profession or "" for _, m in ranked],
            "Spécialité": [m.specialty or "" for _, m in ranked],
            "Commune": [commune_name(m.insee_code) for _, m in ranked],
            "Téléphone": [m.phone or "" for _, m in ranked],
            "Rôle dans le parcours": [" ; ".join(m.roles) for _, m in ranked],
            "Niveau": [", ".join(map(str, m.levels)) or "Tous" for _, m in ranked],
            "Structure": [m.structure_name or "" for _, m in ranked],
            "Adresse": [m.address or "" for _, m in ranked],
            "Email": [m.email or "" for _, m in ranked],
        }
    )


def main() -> None:
    header("Orienter", "Les intervenants d'un parcours, du plus proche au plus éloigné du patient")
    frames, problems = load_tables((PATHWAYS, PATHWAY_MEMBERS, MEMBERS, TERRITORY))
    show_problems(problems, LEFT_ASIDE)
    if active_pathways(frames[PATHWAYS.key]).empty:
        st.info("Aucun parcours actif : ajoutez-les dans la table Parcours de NocoDB.")
        return
    team_of = teams(frames[PATHWAY_MEMBERS.key], frames[MEMBERS.key])
    pathway, level, origin, professions = choose(frames, team_of)
    fitting = [
        m for m in matching(team_of.get(pathway, []), level=level) if not professions or m.profession in professions
    ]
    ranked = nearest_first(fitting, origin, commune_closeness)
    if not ranked:
        st.info(
            "Aucun intervenant actif pour ce choix. Ajoutez des membres au parcours dans la table "
            "Intervenants de parcours de NocoDB."
        )
        return
    counts = pd.Series([rank for rank, _ in ranked]).value_counts()
    for column, (rank, label) in zip(st.columns(len(CLOSENESS_LABELS)), enumerate(CLOSENESS_LABELS), strict=True):
        column.metric(plain(label), int(counts.get(rank, 0)))
    tables.show(referral_table(ranked), hide_index=True, width="stretch")


main()
