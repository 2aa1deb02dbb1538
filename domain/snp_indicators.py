"""The SNP figures (`domain.snp.figures`) as calculated indicators of Indicateurs: one key per figure, counted
over a calendar year from the frames of Créneaux SNP and Demandes SNP; shares in whole percents, the median
delay in whole hours, 0 when the tables were not read or a share has no denominator."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

import pandas as pd

from domain.snp import SHARES, figures
from schema.fields import Record
from schema.snp import Slot, SnpRequest

R = TypeVar("R", bound=Record)

SNP_KEYS: dict[str, tuple[str, str]] = {  # indicator key → (figure of domain.snp.figures, what is counted)
    "snp_places_offertes_annee": ("snp_slots_offered", "places de soins non programmés offertes dans l'année"),
    "snp_demandes_annee": ("snp_requests", "demandes de soins non programmés reçues dans l'année"),
    "snp_orientees_24h_annee": ("snp_oriented_24h", "part des demandes SNP orientées vers un créneau sous 24 h (%)"),
    "snp_orientees_48h_annee": ("snp_oriented_48h", "part des demandes SNP orientées vers un créneau sous 48 h (%)"),
    "snp_honores_annee": ("snp_honoured", "part des rendez-vous SNP honorés (%)"),
    "snp_delai_median_heures_annee": ("snp_median_delay_hours", "délai médian demande → rendez-vous SNP (heures)"),
    "snp_samu_sas_annee": ("snp_regulated_share", "part des demandes SNP venues du SAMU / centre 15 ou du SAS (%)"),
}


def _value(value: Any) -> Any:
    return None if not isinstance(value, list | tuple) and pd.isna(value) else value


def records_of(frame: pd.DataFrame, model: type[R]) -> list[R]:
    """The records of a frame of `store.records.to_frame`."""
    return [model.model_validate({k: _value(v) for k, v in row.items()}) for row in frame.to_dict("records")]


def yearly_figure(slots: pd.DataFrame | None, requests: pd.DataFrame | None, year: int, figure: str) -> int:
    if slots is None or requests is None:
        return 0
    found = figures(records_of(slots, Slot), records_of(requests, SnpRequest), date(year, 1, 1), date(year, 12, 31))
    value = found[figure]
    if value is None:
        return 0
    return round(value * 100) if figure in SHARES else round(value)
