"""The life of the association: the CPTS's meetings, trainings, prevention events and general assemblies
(Rencontres) and who was invited or came (Participations), declared here and listed in `schema.models.TABLES`.

A meeting takes place on one day, from « Début » to « Fin » (HH:MM, like the SNP slots). Its minutes are a NocoDB
attachment field, filled in the grid and only read by the app. A participation is a member or an external person
(a name, no more personal data), with their presence, their role and, afterwards, a satisfaction score (1–5).
The roles are options read from schema/meetings.toml (a data file, not Python).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

from schema.fields import Kind, Record, TableSpec, column
from schema.missions import AciMission
from schema.snp import TIME_HELP, TIME_PATTERN
from schema.toml_files import option_lists

DATA_FILE = Path(__file__).with_name("meetings.toml")
URL_PATTERN = r"^https?://\S+$"
SCORE_LOW, SCORE_HIGH = 1, 5


ROLES = option_lists(DATA_FILE)["roles"]


class MeetingKind(StrEnum):
    MEETING = "Réunion pluriprofessionnelle"
    TRAINING = "Formation"
    PREVENTION = "Action de prévention"
    ASSEMBLY = "Assemblée générale"


class Presence(StrEnum):
    INVITED = "Invité"
    PRESENT = "Présent"
    EXCUSED = "Excusé"
    ABSENT = "Absent"


class Meeting(Record):
    title: str | None = column("Titre", Kind.TEXT)
    kind: str | None = column("Type", Kind.SELECT, options=tuple(MeetingKind))
    on: date | None = column("Date", Kind.DATE)
    start: str | None = column("Début", Kind.TEXT, pattern=TIME_PATTERN, description=TIME_HELP)
    end: str | None = column("Fin", Kind.TEXT, pattern=TIME_PATTERN, description=TIME_HELP)
    place: str | None = column("Lieu", Kind.TEXT, description="Adresse ou salle ; vide pour une rencontre en ligne")
    online: bool = column("En ligne", Kind.CHECKBOX, default=False)
    theme: str | None = column("Thème", Kind.LONG_TEXT)
    action: int | None = column("Action", Kind.LINK, target="Actions", description="Action du projet de santé")
    mission: str | None = column("Mission ACI", Kind.SELECT, options=tuple(AciMission))
    organiser: int | None = column("Organisateur", Kind.LINK, target="Membres")
    minutes: Any = column("Compte rendu", Kind.ATTACHMENT, description="Le compte rendu (fichier), preuve pour l'ACI")
    form_link: str | None = column(
        "Formulaire de satisfaction",
        Kind.TEXT,
        pattern=URL_PATTERN,
        description="Lien du formulaire NocoDB (vue formulaire partagée) où les participants notent la rencontre",
    )


class Participation(Record):
    meeting: int | None = column("Rencontre", Kind.LINK, target="Rencontres")
    member: int | None = column("Membre", Kind.LINK, target="Membres")
    person: str | None = column("Personne extérieure", Kind.TEXT, description="Nom, pour qui n'est pas membre")
    presence: str | None = column("Présence", Kind.SELECT, options=tuple(Presence))
    role: str | None = column("Rôle", Kind.SELECT, options=ROLES)
    satisfaction: int | None = column("Satisfaction (1-5)", Kind.NUMBER, ge=SCORE_LOW, le=SCORE_HIGH)
    comment: str | None = column("Commentaire", Kind.LONG_TEXT)


MEETINGS = TableSpec(
    "meetings", "Rencontres", Meeting, "Réunions, formations, actions de prévention et assemblées de la CPTS"
)
PARTICIPATIONS = TableSpec(
    "participations", "Participations", Participation, "Invités et présents des rencontres, satisfaction"
)
