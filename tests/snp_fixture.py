"""Unscheduled-care rows for the indicator tests, and each SNP indicator counted from NocoDB's own filtered rows
(the delays, which NocoDB cannot compute, from the seeded times: 2 h and 74 h)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from statistics import median

from schema.models import SNP_REQUESTS, SNP_SLOTS
from schema.snp import Attendance, Outcome, Slot, SnpRequest
from store import records
from store.base import Base
from store.client import all_of, any_of, clause

SEEDED_DELAYS = [2, 74]  # hours from request to appointment of the two oriented requests of this year


def seed_snp(base: Base, year: int) -> None:
    """This year: slots of 3 and 2 places, 4 requests (2 oriented: after 2 h, honoured; after 74 h, missed);
    last year: a slot of 4 places and a request."""
    day = date(year, 3, 10)
    slots = [
        Slot(on=day, start="10:00", end="11:00", places=3),
        Slot(on=date(year, 3, 13), start="10:00", end="11:00", places=2),
        Slot(on=date(year - 1, 3, 10), start="10:00", end="11:00", places=4),
    ]
    first, second, _ = records.insert(base, SNP_SLOTS, slots)
    at = datetime.combine(day, time(8))
    requests = [
        SnpRequest(received_at=at, source="SAS", outcome=Outcome.ORIENTED, slot=first, attendance=Attendance.HONOURED),
        SnpRequest(
            received_at=at, source="SAMU / centre 15", outcome=Outcome.ORIENTED, slot=second, attendance="Non honoré"
        ),
        SnpRequest(received_at=at, source="Patient", outcome=Outcome.DROPPED),
        SnpRequest(received_at=at, source="Pharmacie", outcome=Outcome.EMERGENCY),
        SnpRequest(received_at=datetime(year - 1, 3, 10, 8), source="SAS", outcome=Outcome.DROPPED),
    ]
    records.insert(base, SNP_REQUESTS, requests)


def _in_year(field: str, year: int) -> str:
    return all_of(clause(field, "ge", "exactDate", f"{year}-01-01"), clause(field, "le", "exactDate", f"{year}-12-31"))


def snp_counts(base: Base, year: int) -> dict[str, int]:
    slots = base.client.records(base.id, base.handle(SNP_SLOTS).id, where=_in_year("Date", year), fields=["Places"])
    received = _in_year("Reçue le", year)
    requests = base.count(SNP_REQUESTS, received)
    honoured = base.count(SNP_REQUESTS, all_of(received, clause("Rendez-vous", "eq", "Honoré")))
    attended = base.count(SNP_REQUESTS, all_of(received, clause("Rendez-vous", "isnotblank")))
    regulated = any_of(clause("Source", "eq", "SAS"), clause("Source", "eq", "SAMU / centre 15"))
    oriented = base.count(SNP_REQUESTS, all_of(received, clause("Issue", "eq", Outcome.ORIENTED)))
    delays = SEEDED_DELAYS[:oriented]  # the oriented requests of this year; none the year before
    return {
        "snp_places_offertes_annee": sum(int(row["Places"]) for row in slots),
        "snp_demandes_annee": requests,
        "snp_orientees_24h_annee": _percent(sum(d <= 24 for d in delays), requests),
        "snp_orientees_48h_annee": _percent(sum(d <= 48 for d in delays), requests),
        "snp_honores_annee": _percent(honoured, attended),
        "snp_delai_median_heures_annee": round(median(delays)) if delays else 0,
        "snp_samu_sas_annee": _percent(base.count(SNP_REQUESTS, all_of(received, f"({regulated})")), requests),
    }


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def week_count(base: Base, first: date) -> int:
    """The SNP requests received in the 7 days from `first`, counted by NocoDB's own filter."""
    title = SNP_REQUESTS.field("received_at").title
    after = clause(title, "gte", "exactDate", first.isoformat())
    before = clause(title, "lt", "exactDate", (first + timedelta(days=7)).isoformat())
    return base.count(SNP_REQUESTS, where=f"{after}~and{before}")
