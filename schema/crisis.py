"""The crisis plan's tables (ACI mission 4): their record models, declared here and listed in `schema.models.TABLES`.

The template's sections and the kinds of crisis are options read from schema/crisis.toml (a data file, not Python).
No table holds patients; the referents' phones are personal, shown as `domain.crisis.sees_phones` says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from schema.fields import Kind, Record, column
from schema.toml_files import read_toml

DATA_FILE = Path(__file__).with_name("crisis.toml")


@dataclass(frozen=True)
class CrisisKind:
    key: str  # what `./cpts crise activer --type` takes, e.g. "canicule"
    label: str  # the option in NocoDB, e.g. "Canicule (visites)"


def _read() -> tuple[tuple[str, ...], tuple[CrisisKind, ...]]:
    data = read_toml(DATA_FILE)
    kinds = tuple(CrisisKind(str(kind["key"]), str(kind["label"])) for kind in data["kinds"])
    return tuple(str(section) for section in data["sections"]), kinds


SECTIONS, CRISIS_KINDS = _read()
KIND_LABELS = tuple(kind.label for kind in CRISIS_KINDS)


class ExerciseKind(StrEnum):
    EXERCISE = "Exercice"
    REVIEW = "Révision"
    ACTIVATION = "Activation"


class PlanSection(Record):
    section: str | None = column("Section", Kind.SELECT, options=SECTIONS)
    content: str | None = column("Contenu", Kind.LONG_TEXT)
    crisis_kind: str | None = column(
        "Type de crise", Kind.SELECT, options=KIND_LABELS, description="Vide : vaut pour toute crise"
    )
    reviewed_on: date | None = column("Dernière révision", Kind.DATE)


class CellMember(Record):
    member: int | None = column("Membre", Kind.LINK, target="Membres")
    role: str | None = column("Rôle", Kind.TEXT, description="Ex. Référent, Coordination, Communication")
    deputy: int | None = column("Suppléant", Kind.LINK, target="Membres")
    phone: str | None = column("Téléphone 24h/24", Kind.PHONE, description="Numéro personnel : montré à la cellule")


class CrisisResource(Record):
    member: int | None = column("Membre", Kind.LINK, target="Membres")
    crisis_kind: str | None = column("Type de crise", Kind.SELECT, options=KIND_LABELS)
    offer: str | None = column("Ce qu'il propose", Kind.LONG_TEXT)


class CrisisExercise(Record):
    on: date | None = column("Date", Kind.DATE)
    kind: str | None = column("Type", Kind.SELECT, options=tuple(ExerciseKind))
    crisis_kind: str | None = column("Type de crise", Kind.SELECT, options=KIND_LABELS)
    lessons: str | None = column("Enseignements", Kind.LONG_TEXT)
