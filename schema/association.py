"""The life of the association: trainees and their maîtres de stage, professionals settling in the territory
(ACI mission 6, accompagnement des professionnels) and the members' yearly dues; declared here and listed in
`schema.models.TABLES`.

The trainee levels and the kinds of help are options read from schema/association.toml (a data file, not
Python). No table holds patients; a trainee is named only (no other personal data), and members are not
patients: their dues are coordinators' data, the bureau sees counts.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from schema.fields import INSEE_PATTERN, PROFESSIONS, Kind, Record, TableSpec, column
from schema.toml_files import option_lists

DATA_FILE = Path(__file__).with_name("association.toml")
MEMBERS_TITLE = "Membres"  # the links' target (schema.models.MEMBERS, which imports this module)


_OPTIONS = option_lists(DATA_FILE)
TRAINEE_LEVELS = _OPTIONS["trainee_levels"]
HELP_GIVEN = _OPTIONS["help_given"]


class Mentor(Record):
    """A member approved to host trainees (maître de stage agréé)."""

    member: int | None = column("Membre", Kind.LINK, target=MEMBERS_TITLE)
    approved_for: list[str] = column("Agréé pour", Kind.MULTI_SELECT, options=TRAINEE_LEVELS)
    approved_on: date | None = column("Agréé depuis", Kind.DATE)


class Trainee(Record):
    name: str | None = column("Nom", Kind.TEXT, description="Nom seulement : aucune autre donnée personnelle")
    profession: str | None = column("Profession", Kind.SELECT, options=PROFESSIONS, description="Profession préparée")
    level: str | None = column("Niveau", Kind.SELECT, options=TRAINEE_LEVELS)
    host: int | None = column("Maître de stage", Kind.LINK, target=MEMBERS_TITLE)
    start: date | None = column("Début", Kind.DATE)
    end: date | None = column("Fin", Kind.DATE)


class Installation(Record):
    """A professional who settled in the territory, and the help the CPTS gave."""

    name: str | None = column("Nom", Kind.TEXT)
    on: date | None = column("Date d'installation", Kind.DATE)
    profession: str | None = column("Profession", Kind.SELECT, options=PROFESSIONS)
    insee_code: str | None = column(
        "Commune (INSEE)", Kind.TEXT, pattern=INSEE_PATTERN, description="code INSEE de la commune, ex. 92040"
    )
    help_given: list[str] = column("Aide apportée", Kind.MULTI_SELECT, options=HELP_GIVEN)


class Due(Record):
    """A member's dues for one year: the amount called, whether and when it was paid."""

    member: int | None = column("Membre", Kind.LINK, target=MEMBERS_TITLE)
    year: int | None = column("Année", Kind.NUMBER, ge=2000, le=2100)
    amount: Decimal | None = column(
        "Montant", Kind.CURRENCY, ge=0, description="En euros (Paramètres « Cotisation … »)"
    )
    paid: bool = column("Payée", Kind.CHECKBOX, default=False)
    paid_on: date | None = column("Payée le", Kind.DATE)


MENTORS = TableSpec("mentors", "Maîtres de stage", Mentor, "Membres agréés pour accueillir des stagiaires")
TRAINEES = TableSpec("trainees", "Stagiaires", Trainee, "Stagiaires accueillis par les membres (nom seulement)")
INSTALLATIONS = TableSpec(
    "installations", "Installations", Installation, "Professionnels installés sur le territoire, aide de la CPTS"
)
DUES = TableSpec("dues", "Cotisations", Due, "Cotisations des membres, par année")
