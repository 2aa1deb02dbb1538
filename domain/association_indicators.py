"""The life of the association as calculated indicators of Indicateurs (keys of `domain.indicators`): trainees,
maîtres de stage, installations and dues, counted from the frames of their tables (0 when not read).
Trainee counts are counts of people: masked below 5 on board pages."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from domain.association import approved_mentors, helped, hosts_in, installations_in, trainees_in
from domain.calculated_keys import CalculatedKey, records_read
from schema.association import Due, Installation, Mentor, Trainee


@dataclass(frozen=True)
class AssociationRecords:
    mentors: list[Mentor] = field(default_factory=list)
    trainees: list[Trainee] = field(default_factory=list)
    installations: list[Installation] = field(default_factory=list)
    dues: list[Due] = field(default_factory=list)


def association_records(
    mentors: pd.DataFrame | None,
    trainees: pd.DataFrame | None,
    installations: pd.DataFrame | None,
    dues: pd.DataFrame | None,
) -> AssociationRecords:
    """The records of the frames read (an absent table: no row)."""
    return AssociationRecords(
        records_read(mentors, Mentor),
        records_read(trainees, Trainee),
        records_read(installations, Installation),
        records_read(dues, Due),
    )


def paid_dues(dues: list[Due], year: int) -> int:
    """Distinct members whose dues for `year` are paid."""
    return len({row.member for row in dues if row.year == year and row.paid and row.member is not None})


ASSOCIATION_KEYS: dict[str, CalculatedKey] = {
    "stagiaires_annee": CalculatedKey(
        "stagiaires accueillis dans l'année (toutes professions, ou celle indiquée après « : »)",
        lambda data, year, profession: len(trainees_in(records_read(data.trainees, Trainee), year, profession)),
        yearly=True,
        persons=True,
        argument="profession",
    ),
    "maitres_de_stage_accueil_annee": CalculatedKey(
        "membres ayant accueilli un stagiaire dans l'année",
        lambda data, year, _: hosts_in(records_read(data.trainees, Trainee), year),
        yearly=True,
        persons=False,
    ),
    "maitres_de_stage_agrees": CalculatedKey(
        "membres agréés maîtres de stage",
        lambda data, _, __: approved_mentors(records_read(data.mentors, Mentor)),
        yearly=False,
        persons=False,
    ),
    "installations_annee": CalculatedKey(
        "professionnels installés sur le territoire dans l'année (toutes professions, ou celle indiquée après « : »)",
        lambda data, year, profession: len(
            installations_in(records_read(data.installations, Installation), year, profession)
        ),
        yearly=True,
        persons=False,
        argument="profession",
    ),
    "installations_accompagnees_annee": CalculatedKey(
        "installations de l'année accompagnées par la CPTS (au moins une aide apportée)",
        lambda data, year, _: len(helped(installations_in(records_read(data.installations, Installation), year))),
        yearly=True,
        persons=False,
    ),
    "cotisations_payees_annee": CalculatedKey(
        "membres à jour de leur cotisation de l'année",
        lambda data, year, _: paid_dues(records_read(data.dues, Due), year),
        yearly=True,
        persons=False,
    ),
}
