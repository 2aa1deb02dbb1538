"""Retention: patients whose request closed longer ago than the retention period are anonymised.

A request is closed when its status is "MT trouvé" (closed on « Date MT trouvé »), "Sans suite" or "Clos"
(closed on « Date de clôture »): the desk has nothing left to do for the patient. Anonymising removes
what identifies the person — names, phone, exact birth date, notes — and keeps what the figures use:
code, age band (age on the request date, in 5-year bands that match the screening ages 25, 30, 50, 65,
70, 75), sex, commune, fragilities, status, dates, links. Every count, rate and indicator is unchanged,
except that an age is then the youngest of its band (`domain.ages.age_on`): a patient of 69 on the request
date who turned 70 before finding a médecin traitant no longer counts as "70 ans et plus".

The phone of an unscheduled-care request (Demandes SNP) is kept only while the request is open
(`domain.snp.is_open`): it is erased once the request is closed, or when it was received before the same
cutoff, open or not. The rest of the request (no name) stays for the figures.

A patient still followed in a pathway (an active enrolment) is kept: the pathway needs their age and
their phone. A closed status without its date is reported, never guessed.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date

from domain.access_log import patient_reference
from domain.ages import age_band
from domain.parameters import RETENTION_LIMITS
from domain.snp import is_open
from errors import Refused
from schema.models import PATIENTS, Patient, PatientStatus
from schema.snp import SnpRequest

# What anonymising empties (the identifying fields), in the Patient model.
IDENTIFYING = ("last_name", "first_name", "phone", "birth_date", "notes")
CLOSING_DATE: dict[str, str] = {
    PatientStatus.FOUND: "found_date",
    PatientStatus.DROPPED: "closed_date",
    PatientStatus.CLOSED: "closed_date",
}


@dataclass(frozen=True)
class PurgeItem:
    """One patient to anonymise: the new record, and what it says about it."""

    record: Patient
    code: str
    status: str
    closed_on: date
    age_band: str | None
    emptied: tuple[str, ...]  # French titles of the fields emptied


@dataclass(frozen=True)
class PurgePlan:
    cutoff: date  # requests closed before this day are anonymised
    items: list[PurgeItem]
    kept_in_pathway: list[str]  # codes: closed long ago but still in an active enrolment
    missing_date: list[str]  # codes: a closed status without its closing date
    snp_phones: list[int] = field(default_factory=list)  # Ids of SNP requests whose phone is erased


def parse_months(text: str) -> int:
    """ "24m" or "24" -> 24 months; "2a" (années) or "2y" -> 24 months. Raises Refused in French."""
    match = re.fullmatch(r"\s*(\d+)\s*(m|mois|a|an|ans|y)?\s*", text.lower())
    if not match:
        raise Refused(f"Durée « {text} » illisible : écrivez par exemple 24m (mois) ou 2a (années).")
    months = int(match[1]) * (12 if match[2] in ("a", "an", "ans", "y") else 1)
    low, high = RETENTION_LIMITS
    if not low <= months <= high:
        raise Refused(f"Durée de {months} mois hors limites : entre {low} et {high} mois.")
    return months


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier (the last day of the month when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def closed_on(patient: Patient) -> date | None:
    attr = CLOSING_DATE.get(patient.status or "")
    return getattr(patient, attr) if attr else None


def is_anonymised(patient: Patient) -> bool:
    return all(getattr(patient, attr) in (None, "") for attr in IDENTIFYING)


def snp_phones_to_erase(requests: Sequence[SnpRequest], cutoff: date) -> list[int]:
    """The Ids of the SNP requests holding a phone that is no longer kept: closed, or received before `cutoff`."""
    return [
        r.id
        for r in requests
        if r.id is not None
        and r.phone
        and (not is_open(r) or (r.received_at is not None and r.received_at.date() < cutoff))
    ]


def plan_purge(
    patients: Sequence[Patient],
    in_active_pathway: Collection[int],
    today: date,
    months: int,
    snp_requests: Sequence[SnpRequest] = (),
) -> PurgePlan:
    """Which patients to anonymise today with a retention of `months`, and the new records; which SNP requests
    lose their phone."""
    cutoff = months_before(today, months)
    items, kept, missing = [], [], []
    for patient in patients:
        if patient.status not in CLOSING_DATE or is_anonymised(patient):
            continue
        code = patient_reference(patient.code, patient.id)
        closed = closed_on(patient)
        if closed is None:
            missing.append(code)
        elif closed < cutoff:
            if patient.id in in_active_pathway:
                kept.append(code)
            else:
                items.append(_item(patient, code, closed))
    return PurgePlan(cutoff, items, kept, missing, snp_phones_to_erase(snp_requests, cutoff))


def _item(patient: Patient, code: str, closed: date) -> PurgeItem:
    band = patient.age_band or age_band(patient.birth_date, patient.request_date or closed)
    emptied = tuple(PATIENTS.field(attr).title for attr in IDENTIFYING if getattr(patient, attr) not in (None, ""))
    record = patient.model_copy(update={**dict.fromkeys(IDENTIFYING), "age_band": band})
    return PurgeItem(record, code, str(patient.status), closed, band, emptied)
