"""Unscheduled care (soins non programmés, ACI mission 1b): the slots members offer and the requests the CPTS
receives, declared here and listed in `schema.models.TABLES`.

The sources, reasons and age bands are options read from schema/snp.toml (a data file, not Python).
A request holds patient data (a phone while it is open), so its table is declared with `patients=True`;
a request linked to a slot is a booking of one of its places.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from pathlib import Path

from schema.fields import INSEE_PATTERN, Kind, Record, column
from schema.toml_files import option_lists

DATA_FILE = Path(__file__).with_name("snp.toml")
TIME_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"
TIME_HELP = "heure HH:MM, ex. 08:30"


_OPTIONS = option_lists(DATA_FILE)
SOURCES = _OPTIONS["sources"]
REGULATED = _OPTIONS["regulated"]
REASONS = _OPTIONS["reasons"]
AGE_BANDS = _OPTIONS["age_bands"]


class SlotKind(StrEnum):
    PRACTICE = "Cabinet"
    REMOTE = "Téléconsultation"
    VISIT = "Visite"


class SlotSource(StrEnum):
    CPTS = "CPTS"
    SAS = "SAS"


class Outcome(StrEnum):
    ORIENTED = "Orienté vers un créneau"
    EMERGENCY = "Réorienté vers les urgences"
    ELSEWHERE = "Réorienté ailleurs"
    DROPPED = "Sans suite"


class Attendance(StrEnum):
    HONOURED = "Honoré"
    MISSED = "Non honoré"
    CANCELLED = "Annulé"


class Slot(Record):
    member: int | None = column("Membre", Kind.LINK, target="Membres")
    on: date | None = column("Date", Kind.DATE)
    start: str | None = column("Début", Kind.TEXT, pattern=TIME_PATTERN, description=TIME_HELP)
    end: str | None = column("Fin", Kind.TEXT, pattern=TIME_PATTERN, description=TIME_HELP)
    places: int | None = column("Places", Kind.NUMBER, ge=1)
    kind: str | None = column("Type", Kind.SELECT, options=tuple(SlotKind))
    source: str | None = column("Origine", Kind.SELECT, options=tuple(SlotSource))


class SnpRequest(Record):
    received_at: datetime | None = column("Reçue le", Kind.DATETIME)
    source: str | None = column("Source", Kind.SELECT, options=SOURCES)
    reason: str | None = column("Motif", Kind.SELECT, options=REASONS)
    insee_code: str | None = column("Commune (INSEE)", Kind.TEXT, pattern=INSEE_PATTERN)
    age_band: str | None = column("Tranche d'âge", Kind.SELECT, options=AGE_BANDS)
    phone: str | None = column("Téléphone", Kind.PHONE, description="Effacé une fois la demande close")
    outcome: str | None = column("Issue", Kind.SELECT, options=tuple(Outcome))
    slot: int | None = column("Créneau", Kind.LINK, target="Créneaux SNP")
    attendance: str | None = column("Rendez-vous", Kind.SELECT, options=tuple(Attendance))
