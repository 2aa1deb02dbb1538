"""The AG slide on the pathways (mission ACI 2), and the figures it is made from."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd

from domain.ag.slides import Hidden, KeyFigure, Slide, Table, masking
from domain.cells import integer
from domain.french import number
from domain.indicators import LiveData, enrolled_patients
from domain.pathway_figures import pathway_summary, share_text
from domain.pathway_schedule import pathway_schedule
from domain.privacy import mask_small, protect_counts
from domain.problems import Problem
from schema.models import ENROLMENTS, PATHWAYS

ENROLLED = "inscrits_parcours"


def pathway_figures(frames: Mapping[str, pd.DataFrame], today: date) -> tuple[pd.DataFrame, list[Problem]]:
    """`domain.pathway_figures.pathway_summary` of the active pathways, and the step conditions left aside."""
    found = pathway_schedule(frames, today)
    return pathway_summary(frames[PATHWAYS.key], frames[ENROLMENTS.key], found.schedule), found.problems


def pathways_slide(summary: pd.DataFrame, data: LiveData, hidden: Hidden) -> Slide:
    enrolled = enrolled_patients(data)
    protected = protect_counts([int(n) for n in summary["enrolled"]], total=enrolled)
    hidden.add(ENROLLED, protected.total_hidden)
    for index, name in enumerate(summary["name"]):
        hidden.add(f"{ENROLLED}:{name}", protected.hidden[index])
    covered, concerned = int(summary["covered"].sum()), int(summary["concerned"].sum())
    figures = (
        KeyFigure("Patients inscrits", protected.total, "inscriptions actives"),
        KeyFigure("Parcours actifs", number(len(summary))),
        KeyFigure("Patients à jour", share_text(covered, concerned), "aucune étape en retard"),
    )
    if summary.empty:
        return Slide("Les parcours", figures=figures, message="Aucun parcours actif dans la table Parcours de NocoDB.")
    rows = tuple(
        (
            str(row.name),
            protected.cells[index],
            mask_small(integer(row.up_to_date)),
            mask_small(integer(row.overdue)),
            share_text(integer(row.covered) or 0, integer(row.concerned) or 0),
        )
        for index, row in enumerate(summary.itertuples())
    )
    table = Table(
        ("Parcours", "Patients inscrits", "Étapes à jour", "Étapes en retard", "Patients à jour"),
        rows,
        (3.2, 1.3, 1.3, 1.3, 1.3),
        (1, 2, 3, 4),
    )
    notes = (
        f"{protected.total} patients sont inscrits dans {len(summary)} parcours ; "
        f"{share_text(covered, concerned)} des patients concernés n'ont aucune étape en retard."
    )
    return Slide(
        "Les parcours",
        "Parcours pluriprofessionnels et dépistages (mission ACI 2)",
        figures,
        table=table,
        footnote=masking(protected.hidden) or "« Patients à jour » : part masquée sous 5 patients concernés.",
        notes=notes,
    )
