"""Key figures of the home page, computed from the DataFrames of `store.records.Loaded.frame`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from domain.cells import day, text
from domain.french import NARROW_SPACE, number
from domain.priority import is_aci_fragile
from domain.privacy import is_small, mask_small, protect_counts
from schema.models import GP_SOUGHT, ActionStatus, PatientStatus

NO_PROFESSION = "Non renseignée"  # label of active members whose profession is empty


@dataclass(frozen=True)
class WaitingFigures:
    """Patients looking for a médecin traitant."""

    waiting: int  # status "En attente"
    fragile_waiting: int  # of which fragile in the ACI's sense (ALD, 70 ans et plus, C2S/AME)
    proposed: int  # status "Proposé"
    median_wait_days: float | None  # median days since the request of the waiting ones (None if none)


def members_by_profession(members: pd.DataFrame) -> pd.DataFrame:
    """Active members counted by profession (columns profession, count), most numerous first, then by name."""
    active = members[members["active"].fillna(False).astype(bool)]
    professions = active["profession"].astype("string").fillna(NO_PROFESSION)
    counts = professions.value_counts().rename_axis("profession").reset_index(name="count")
    counts["count"] = counts["count"].astype(int)
    counts["profession"] = counts["profession"].astype(str)
    ordered = counts.sort_values(["count", "profession"], ascending=[False, True], kind="stable")
    return ordered.reset_index(drop=True)


def medecin_traitant_requests(patients: pd.DataFrame) -> pd.DataFrame:
    """The Patients rows that seek a médecin traitant (« Profession recherchée » empty, as every request made
    before the field, or médecin généraliste): the figures of ACI mission 1a count only these."""
    if "profession_sought" not in patients.columns:
        return patients
    sought = patients["profession_sought"].astype("string")
    return patients[(sought.isna() | (sought == GP_SOUGHT)).fillna(True).astype(bool)]


def waiting_patients(patients: pd.DataFrame, today: date) -> WaitingFigures:
    """How many patients wait for a médecin traitant, how many are fragile, proposed, and for how long."""
    patients = medecin_traitant_requests(patients)
    status = patients["status"].astype("string")
    waiting = patients[(status == PatientStatus.WAITING).fillna(False)]
    proposed = int((status == PatientStatus.PROPOSED).fillna(False).sum())
    rows = zip(waiting["fragilities"], waiting["birth_date"], waiting["age_band"], strict=True)
    fragile = sum(is_aci_fragile(found, day(born), text(band), today) for found, born, band in rows)
    return WaitingFigures(len(waiting), fragile, proposed, median_wait_days(waiting["request_date"], today))


@dataclass(frozen=True)
class ShownWaiting:
    """The waiting figures as the home page writes them."""

    waiting: str
    fragile_waiting: str
    proposed: str
    median_wait_days: str  # "25 j"; "—" when there is none or it is masked


def shown_waiting(figures: WaitingFigures, exact: bool) -> ShownWaiting:
    """Exact figures for a coordinator. For the bureau, counts below 5 are masked ("< 5"), the fragile ones so
    that they cannot be worked out from the waiting total, and the median wait is left out when fewer than 5
    patients wait (it would describe one or two people)."""
    median = figures.median_wait_days
    hidden = not exact and is_small(figures.waiting)
    median_text = "—" if median is None or hidden else f"{number(median, 1)}{NARROW_SPACE}j"
    if exact:
        counts = (number(figures.waiting), number(figures.fragile_waiting), number(figures.proposed))
        return ShownWaiting(*counts, median_text)
    split = protect_counts([figures.fragile_waiting, figures.waiting - figures.fragile_waiting], total=figures.waiting)
    return ShownWaiting(split.total, split.cells[0], mask_small(figures.proposed), median_text)


def shown_members(by_profession: pd.DataFrame, exact: bool) -> tuple[str, pd.DataFrame]:
    """The active members' total as the home page writes it, and the breakdown of `members_by_profession` with
    a `label` column (the count as written) and `count` empty where it is masked. Exact for a coordinator; for
    the bureau counts below 5 are masked, and others too if the total would give one away (as in the AG deck)."""
    counts = [int(c) for c in by_profession["count"]]
    if exact:
        labels, total = [number(c) for c in counts], number(sum(counts))
        return total, by_profession.assign(count=pd.array(counts, dtype="Int64"), label=labels)
    protected = protect_counts(counts)
    shown = pd.array([protected.value(i, c) for i, c in enumerate(counts)], dtype="Int64")
    return protected.total, by_profession.assign(count=shown, label=list(protected.cells))


def median_wait_days(request_dates: pd.Series, today: date) -> float | None:
    """Median number of days between each request date and `today`; empty dates are left out."""
    dates = pd.to_datetime(request_dates).dropna()
    if dates.empty:
        return None
    days = (pd.Timestamp(today) - dates).dt.days
    return float(days.median())


def actions_by_status(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions counted by status (columns status, count), every ActionStatus in its order."""
    counts = actions["status"].astype("string").value_counts()
    rows = [{"status": status, "count": int(counts.get(status, 0))} for status in ActionStatus]
    return pd.DataFrame(rows, columns=["status", "count"])
