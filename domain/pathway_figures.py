"""Figures of the Parcours page (board): patients enrolled, step states and share up to date, per pathway."""

from __future__ import annotations

import pandas as pd

from domain.cells import identifier
from domain.pathways import DONE, OVERDUE, UP_TO_DATE, UPCOMING
from domain.privacy import MASK_BELOW, Protected, mask_small, protect_counts
from schema.models import EnrolmentStatus

SUMMARY_COLUMNS = (
    "pathway",
    "name",
    "category",
    "enrolled",
    "up_to_date",
    "upcoming",
    "overdue",
    "concerned",
    "covered",
)
CURRENT = (UP_TO_DATE, DONE, OVERDUE)  # a step due or done now: the enrolment is concerned


def pathway_summary(pathways: pd.DataFrame, enrolments: pd.DataFrame, schedule: pd.DataFrame) -> pd.DataFrame:
    """Per active pathway, by name (SUMMARY_COLUMNS): active enrolments; steps up to date (or done once and for all),
    upcoming and overdue; enrolments concerned now (a step due or done) and, of those, up to date (none overdue)."""
    active = pathways[pathways["active"].fillna(True).astype(bool)]
    active = active.sort_values("name", key=lambda names: names.str.casefold(), kind="stable")
    enrolled = enrolments[enrolments["status"] == EnrolmentStatus.ACTIVE].groupby("pathway")["patient"].nunique()
    status = schedule["status"]
    steps = pd.DataFrame(
        {
            "pathway": schedule["pathway"],
            "up_to_date": status.isin((UP_TO_DATE, DONE)),
            "upcoming": status == UPCOMING,
            "overdue": status == OVERDUE,
            "current": status.isin(CURRENT),
        }
    )
    per_enrolment = steps.assign(enrolment=schedule["enrolment"]).groupby(["pathway", "enrolment"])
    states = per_enrolment[["current", "overdue"]].any().reset_index()
    concerned = states[states["current"]].groupby("pathway").size()
    covered = states[states["current"] & ~states["overdue"]].groupby("pathway").size()
    counts = steps.groupby("pathway")[["up_to_date", "upcoming", "overdue"]].sum()
    rows = []
    for pathway in active.itertuples():
        pathway_id = identifier(pathway.id)
        rows.append(
            (
                pathway_id,
                pathway.name,
                pathway.category,
                int(enrolled.get(pathway.id, 0)),
                *(int(counts[c].get(pathway_id, 0)) for c in ("up_to_date", "upcoming", "overdue")),
                int(concerned.get(pathway.id, 0)),
                int(covered.get(pathway.id, 0)),
            )
        )
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def share_text(part: int, whole: int) -> str:
    """ "62 %" when the whole is at least 5 patients, "—" otherwise (a share of fewer would show individuals)."""
    if whole < MASK_BELOW:
        return "—"
    return f"{round(100 * part / whole)} %"


TOTALLED = ("enrolled", "overdue")  # the columns whose total the board page shows beside the table


def protected_totals(summary: pd.DataFrame) -> dict[str, Protected]:
    """Per totalled column, its cells and total masked so that no masked count can be worked out from the total."""
    return {column: protect_counts([int(n) for n in summary[column]]) for column in TOTALLED}


def board_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary as the board sees it: French headers, every count below 5 masked, and the counts that
    the totals would give away masked too."""
    protected = protected_totals(summary)
    return pd.DataFrame(
        {
            "Parcours": summary["name"],
            "Catégorie": summary["category"],
            "Patients inscrits": list(protected["enrolled"].cells),
            "Étapes à jour": summary["up_to_date"].map(mask_small),
            "Étapes à venir": summary["upcoming"].map(mask_small),
            "Étapes en retard": list(protected["overdue"].cells),
            "Patients à jour": summary["covered"].map(mask_small),
            "Part à jour": [share_text(c, n) for c, n in zip(summary["covered"], summary["concerned"], strict=True)],
        }
    )
