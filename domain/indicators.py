"""ACI indicators: the ones whose source is "Calculé" are counted from live data, one small function each,
chosen by the text of `Indicateur.computation` ("key" or "key:argument"); then achievement and trend.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pandas as pd

from domain import crisis, meeting_indicators
from domain.association_indicators import ASSOCIATION_KEYS
from domain.calculated_keys import CalculatedKey
from domain.calculated_keys import LiveData as LiveData  # the frames counted from, named here for the callers
from domain.cells import day, identifier, integer, real, text
from domain.figures import medecin_traitant_requests
from domain.french import number
from domain.meeting_indicators import MEETING_KEYS
from domain.priority import aci_fragility_ticked, is_aci_fragile
from domain.privacy import is_small, mask_small
from domain.problems import Problem
from domain.snp_indicators import SNP_KEYS
from schema.models import (
    INDICATORS,
    PROFESSIONS,
    ActionStatus,
    EnrolmentStatus,
    Fragility,
    IndicatorSource,
    PatientStatus,
)

STILL_WAITING = (PatientStatus.WAITING, PatientStatus.PROPOSED)  # no médecin traitant yet
COMPUTATION_FIELD = INDICATORS.field("computation").title
UP, DOWN, FLAT, NO_TREND = "↗", "↘", "→", "—"


class ComputationError(ValueError):
    """The computation text of an indicator names no known computation (message in French)."""


# -- one function per calculated indicator ------------------------------------------------------------


def patients_found_in_year(data: LiveData, year: int) -> int:
    """Patients at "MT trouvé" whose médecin traitant was found during `year`."""
    return int(found_in_year(medecin_traitant_requests(data.patients), year).sum())


def fragile_patients_found_in_year(data: LiveData, year: int) -> int:
    """Of those, the fragile ones of the ACI indicator (ALD, 70 ans et plus, C2S/AME) when they found it."""
    patients = medecin_traitant_requests(data.patients)
    found = patients[found_in_year(patients, year)]
    ticked = found["fragilities"].map(aci_fragility_ticked).astype(bool)
    rest = found[~ticked]  # only the others need an age (`aci_fragility_ticked`)
    births, found_days = (pd.to_datetime(rest[column]).dt.date for column in ("birth_date", "found_date"))  # in bulk
    rows = zip(rest["fragilities"], births, rest["age_band"], found_days, strict=True)
    return int(ticked.sum()) + sum(
        is_aci_fragile(fragile, day(born), text(band), found_on)
        for fragile, born, band, on in rows
        if (found_on := day(on)) is not None  # never empty: found during `year`
    )


def ald_patients_waiting(data: LiveData) -> int:
    """ALD patients still without a médecin traitant (status "En attente" or "Proposé"), today."""
    patients = medecin_traitant_requests(data.patients)
    waiting = patients["status"].isin(STILL_WAITING)
    ald = patients["fragilities"].map(lambda found: Fragility.ALD in (found or ()))
    return int((waiting & ald).sum())


def active_members(data: LiveData, profession: str | None = None) -> int:
    """Active members, of one profession or all of them, today."""
    active = data.members["active"].fillna(False).astype(bool)
    if profession is not None:
        active &= (data.members["profession"] == profession).fillna(False)
    return int(active.sum())


def new_members_in_year(data: LiveData, year: int) -> int:
    """Members whose "Membre depuis" date falls in `year`."""
    return int((pd.to_datetime(data.members["member_since"]).dt.year == year).fillna(False).sum())


def enrolled_patients(data: LiveData, pathway: str | None = None) -> int:
    """Distinct patients with an active enrolment, in one pathway (by name) or in any, today."""
    enrolments = data.enrolments[(data.enrolments["status"] == EnrolmentStatus.ACTIVE).fillna(False)]
    if pathway is not None:
        ids = data.pathways.loc[(data.pathways["name"] == pathway).fillna(False), "id"]
        enrolments = enrolments[enrolments["pathway"].isin(list(ids))]
    return int(enrolments["patient"].dropna().nunique())


def actions_done(data: LiveData) -> int:
    """Actions of the health project at "Terminée", today."""
    return int((data.actions["status"] == ActionStatus.DONE).fillna(False).sum())


def crisis_figure(data: LiveData, count: Callable[[pd.DataFrame, pd.DataFrame], int]) -> int:
    """A figure of the crisis plan (`domain.crisis`), 0 when its tables were not read."""
    if data.crisis_plan is None or data.crisis_exercises is None:
        return 0
    return count(data.crisis_plan, data.crisis_exercises)


def found_in_year(patients: pd.DataFrame, year: int) -> pd.Series:
    """Row mask: at "MT trouvé" with a "Date MT trouvé" in `year`."""
    found = (patients["status"] == PatientStatus.FOUND).fillna(False)
    return found & (pd.to_datetime(patients["found_date"]).dt.year == year).fillna(False)


# -- the keys ---------------------------------------------------------------------------------------


INDICATOR_KEYS: dict[str, CalculatedKey] = {  # the keys counted from the tables of the base itself
    "patients_mt_trouve_annee": CalculatedKey(
        "patients ayant trouvé un médecin traitant dans l'année",
        lambda data, year, _: patients_found_in_year(data, year),
        yearly=True,
        persons=True,
    ),
    "patients_mt_trouve_annee_fragiles": CalculatedKey(
        "patients fragiles (ALD, 70 ans et plus, C2S/AME) ayant trouvé un médecin traitant dans l'année",
        lambda data, year, _: fragile_patients_found_in_year(data, year),
        yearly=True,
        persons=True,
    ),
    "ald_en_attente": CalculatedKey(
        "patients en ALD toujours sans médecin traitant (en attente ou proposés)",
        lambda data, _, __: ald_patients_waiting(data),
        yearly=False,
        persons=True,
    ),
    "membres_par_profession": CalculatedKey(
        "membres actifs (toutes professions, ou celle indiquée après « : »)",
        lambda data, _, profession: active_members(data, profession),
        yearly=False,
        persons=False,
        argument="profession",
    ),
    "membres_nouveaux_annee": CalculatedKey(
        "membres entrés dans l'année (date « Membre depuis »)",
        lambda data, year, _: new_members_in_year(data, year),
        yearly=True,
        persons=False,
    ),
    "inscrits_parcours": CalculatedKey(
        "patients inscrits (inscription active) dans un parcours, ou dans celui indiqué après « : »",
        lambda data, _, pathway: enrolled_patients(data, pathway),
        yearly=False,
        persons=True,
        argument="parcours",
    ),
    "actions_terminees": CalculatedKey(
        "actions du projet de santé terminées",
        lambda data, _, __: actions_done(data),
        yearly=False,
        persons=False,
    ),
    "plan_crise_redige": CalculatedKey(
        "plan de crise rédigé : 1 quand chaque section du modèle national a un contenu, sinon 0",
        lambda data, _, __: crisis_figure(data, lambda plan, _: crisis.plan_written(plan)),
        yearly=False,
        persons=False,
    ),
    "plan_crise_revise_annee": CalculatedKey(
        "plan de crise révisé dans l'année : 1 ou 0",
        lambda data, year, _: crisis_figure(data, lambda plan, held: crisis.reviewed_in_year(plan, held, year)),
        yearly=True,
        persons=False,
    ),
    "exercices_crise_annee": CalculatedKey(
        "exercices du plan de crise dans l'année (activations réelles comprises)",
        lambda data, year, _: crisis_figure(data, lambda _, held: crisis.exercises_in_year(held, year)),
        yearly=True,
        persons=False,
    ),
}
COMPUTATIONS: dict[str, CalculatedKey] = {**INDICATOR_KEYS, **SNP_KEYS, **MEETING_KEYS, **ASSOCIATION_KEYS}


def parse_key(key: str) -> tuple[CalculatedKey, str | None]:
    """The computation named by "key" or "key:argument", and its argument; ComputationError if unknown."""
    name, _, after = key.partition(":")
    computation = COMPUTATIONS.get(name.strip())
    if computation is None:
        known = ", ".join(COMPUTATIONS)
        raise ComputationError(f"« {key} » n'est pas un calcul connu (calculs possibles : {known})")
    argument = after.strip() or None
    if argument is not None and computation.argument is None:
        raise ComputationError(f"le calcul « {name.strip()} » ne prend pas de précision après « : »")
    return computation, argument


def compute(key: str, data: LiveData, year: int) -> float:
    """The value of the calculated indicator `key` for `year` (today's value for the non-yearly ones)."""
    computation, argument = parse_key(key)
    if argument is not None:
        _check_argument(computation, argument, data)
    return computation.count(data, year, argument)


def _check_argument(computation: CalculatedKey, argument: str, data: LiveData) -> None:
    if computation.argument == "profession" and argument not in PROFESSIONS:
        raise ComputationError(f"« {argument} » n'est pas une profession ({', '.join(PROFESSIONS)})")
    if computation.argument == "parcours":
        names = sorted(str(name) for name in data.pathways["name"].dropna())
        if argument not in names:
            raise ComputationError(f"« {argument} » n'est pas un parcours de la table Parcours ({', '.join(names)})")
    error = meeting_indicators.argument_error(computation.argument, argument)
    if error:
        raise ComputationError(error)


# -- achievement, trend, the board table ---------------------------------------------------------------


def achievement(value: float | None, target: float | None) -> float | None:
    """value / target between 0 and 1 (capped at 100 %); None without a value or a positive target."""
    if value is None or target is None or target <= 0:
        return None
    return min(max(value / target, 0.0), 1.0)


def trend(value: float | None, previous: float | None) -> str:
    """↗ ↘ → against the previous period's value, "—" without both values."""
    if value is None or previous is None:
        return NO_TREND
    return UP if value > previous else DOWN if value < previous else FLAT


def period_year(period: str | None, default: int) -> int:
    """The year a period text is about ("2026", "2026-T1", "Année 2025"); `default` when it names none."""
    found = re.search(r"(?<!\d)(19|20)\d{2}(?!\d)", period or "")
    return int(found.group()) if found else default


BOARD_COLUMNS = [
    "id",
    "title",
    "action_id",
    "action_number",
    "action_title",
    "mission",
    "kind",
    "unit",
    "period",
    "target",
    "value",
    "previous",
    "trend",
    "achievement",
    "shown_achievement",
    "source",
    "computation",
    "comment",
    "weight",
    "patients",
    "masked",
    "shown_value",
    "shown_previous",
]


def indicator_board(
    indicators: pd.DataFrame, actions: pd.DataFrame, data: LiveData, year: int, today: date
) -> tuple[pd.DataFrame, list[Problem]]:
    """The indicators of `year` (one row each, columns BOARD_COLUMNS), with their live or typed value,
    the previous year's value of the same title and action, achievement and trend; and the rows whose calculation
    failed. Patient counts below 5 are masked in `shown_value` / `shown_previous` and get no
    `shown_achievement` (`achievement` itself, for the funding estimate, is never shown)."""
    years = indicators["period"].map(lambda period: period_year(text(period), today.year))
    issues: list[Problem] = []
    previous_rows = {_same(row): row for row in indicators[years == year - 1].sort_values("id").itertuples()}
    action_of = {identifier(a.id): a for a in actions.itertuples()}
    rows = []
    for row in indicators[years == year].sort_values("id").itertuples():
        value, patients = _value(row, data, year, today, issues)
        before = previous_rows.get(_same(row))
        previous = None if before is None else _value(before, data, year - 1, today, [])[0]
        masked = patients and is_small(value)
        action = action_of.get(integer(row.action) or -1)
        rows.append(
            {
                "id": identifier(row.id),
                "title": text(row.title) or f"Indicateur Id {row.id}",
                "action_id": None if action is None else identifier(action.id),
                "action_number": None if action is None else integer(action.number),
                "action_title": None if action is None else text(action.title),
                "mission": None if action is None else text(action.mission),
                "kind": text(row.kind),
                "unit": text(row.unit),
                "period": text(row.period),
                "target": real(row.target),
                "value": value,
                "previous": previous,
                "trend": trend(value, previous),
                "achievement": achievement(value, real(row.target)),
                "shown_achievement": None if masked else achievement(value, real(row.target)),
                "source": text(row.source) or IndicatorSource.MANUAL,
                "computation": text(row.computation),
                "comment": text(row.comment),
                "weight": real(row.weight),
                "patients": patients,
                "masked": masked,
                "shown_value": shown(value, patients),
                "shown_previous": shown(previous, patients),
            }
        )
    return pd.DataFrame(rows, columns=BOARD_COLUMNS), issues


def shown(value: float | None, patients: bool) -> str:
    """A value as a board page writes it: masked below 5 for patient counts, French number otherwise."""
    if value is None:
        return "—"
    return mask_small(value) if patients else number(value, decimals=1)


def _same(row: Any) -> tuple[str | None, int | None]:
    """What makes rows of two periods the same indicator: its title and its action."""
    return text(row.title), integer(row.action)


def _value(row: Any, data: LiveData, year: int, today: date, issues: list[Problem]) -> tuple[float | None, bool]:
    """(value, counts patients) of one indicator row: counted for a calculated one, else as typed.

    A non-yearly calculation (e.g. members today) can only be counted for the current year; for a past
    year the value typed or frozen in the row is kept."""
    stored = real(row.value)
    key = text(row.computation)
    if text(row.source) != IndicatorSource.CALCULATED:
        return stored, False
    if key is None:
        issues.append(
            Problem(INDICATORS.title, identifier(row.id), COMPUTATION_FIELD, "source « Calculé » sans clé de calcul")
        )
        return None, False
    try:
        computation, _ = parse_key(key)
        if not computation.yearly and year != today.year:
            return stored, computation.persons
        return float(compute(key, data, year)), computation.persons
    except ComputationError as error:
        issues.append(Problem(INDICATORS.title, identifier(row.id), COMPUTATION_FIELD, str(error)))
        return None, False
