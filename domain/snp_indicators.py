"""The SNP figures (`domain.snp.figures`) as calculated indicators of Indicateurs: one key per figure, counted
over a calendar year from the frames of Créneaux SNP and Demandes SNP; shares in whole percents, the median
delay in whole hours, 0 when the tables were not read or a share has no denominator."""

from __future__ import annotations

from datetime import date

import pandas as pd

from domain.calculated_keys import CalculatedKey, Count, records_of
from domain.snp import SHARES, figures
from schema.snp import Slot, SnpRequest


def yearly_figure(slots: pd.DataFrame | None, requests: pd.DataFrame | None, year: int, figure: str) -> int:
    if slots is None or requests is None:
        return 0
    found = figures(records_of(slots, Slot), records_of(requests, SnpRequest), date(year, 1, 1), date(year, 12, 31))
    value = found[figure]
    if value is None:
        return 0
    return round(value * 100) if figure in SHARES else round(value)


def _figure(figure: str) -> Count:
    """The count of one figure of `domain.snp.figures`."""
    return lambda data, year, _: yearly_figure(data.snp_slots, data.snp_requests, year, figure)


def _key(figure: str, label: str, persons: bool = False) -> CalculatedKey:
    return CalculatedKey(label, _figure(figure), yearly=True, persons=persons)


SNP_KEYS: dict[str, CalculatedKey] = {
    "snp_places_offertes_annee": _key("snp_slots_offered", "places de soins non programmés offertes dans l'année"),
    "snp_demandes_annee": _key("snp_requests", "demandes de soins non programmés reçues dans l'année", persons=True),
    "snp_orientees_24h_annee": _key(
        "snp_oriented_24h", "part des demandes SNP orientées vers un créneau sous 24 h (%)"
    ),
    "snp_orientees_48h_annee": _key(
        "snp_oriented_48h", "part des demandes SNP orientées vers un créneau sous 48 h (%)"
    ),
    "snp_honores_annee": _key("snp_honoured", "part des rendez-vous SNP honorés (%)"),
    "snp_delai_median_heures_annee": _key("snp_median_delay_hours", "délai médian demande → rendez-vous SNP (heures)"),
    "snp_samu_sas_annee": _key("snp_regulated_share", "part des demandes SNP venues du SAMU / centre 15 ou du SAS (%)"),
}
