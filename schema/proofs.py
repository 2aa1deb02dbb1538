"""The proofs of the ACI indicators (« Justificatifs ») for the dialogue de gestion, and the options the
Indicateurs table takes for them: the kinds of proof an indicator needs and the part of the funding it is in.
Declared here, the table listed in `schema.models.TABLES`. No row holds patients (aggregates, minutes, lists)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from schema.fields import Kind, Record, TableSpec, column


class ProofKind(StrEnum):
    MINUTES = "Compte rendu"
    ATTENDANCE = "Feuille d'émargement"
    LIST = "Liste"
    REPORT = "Rapport d'activité"
    SURVEY = "Enquête de satisfaction"
    AGREEMENT = "Convention ou protocole"
    OTHER = "Autre"


class FundingPart(StrEnum):
    """The part of the mission's ACI funding an indicator counts in (Indicateurs « Part du financement »)."""

    FIXED = "Fixe"
    VARIABLE = "Variable"


class Proof(Record):
    title: str | None = column("Titre", Kind.TEXT)
    indicator: int | None = column("Indicateur", Kind.LINK, target="Indicateurs")
    kind: str | None = column("Type", Kind.SELECT, options=tuple(ProofKind))
    files: list[dict[str, Any]] | None = column("Fichier", Kind.ATTACHMENT, description="Pièce jointe (PDF, tableur…)")
    link: str | None = column("Lien", Kind.TEXT, description="Adresse du document quand il n'est pas joint")
    source: str | None = column(
        "Provenance", Kind.TEXT, description="D'où vient la pièce : ex. rencontre du 12/03/2026, liste CPAM de mars"
    )
    added_on: date | None = column("Date", Kind.DATE)


PROOFS = TableSpec(
    "proofs", "Justificatifs", Proof, "Pièces justificatives des indicateurs ACI pour le dialogue de gestion"
)
