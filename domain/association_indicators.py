"""The life of the association as calculated indicators of Indicateurs (keys of `domain.indicators`): trainees,
maîtres de stage, installations and dues, counted from the frames of their tables (0 when not read).
Trainee counts are counts of people: masked below 5 on board pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from domain.association import approved_mentors, helped, hosts_in, installations_in, trainees_in
from domain.snp_indicators import records_of
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
        [] if mentors is None else records_of(mentors, Mentor),
        [] if trainees is None else records_of(trainees, Trainee),
        [] if installations is None else records_of(installations, Installation),
        [] if dues is None else records_of(dues, Due),
    )


def paid_dues(dues: list[Due], year: int) -> int:
    """Distinct members whose dues for `year` are paid."""
    return len({row.member for row in dues if row.year == year and row.paid and row.member is not None})


Count = Callable[[AssociationRecords, int, str | None], int]


@dataclass(frozen=True)
class AssociationKey:
    label: str  # French: what is counted
    count: Count  # (records, year, argument)
    yearly: bool
    persons: bool  # a count of people who are not members: masked below 5 on board pages
    argument: str | None = None  # "profession" when the key takes one after ":"


ASSOCIATION_KEYS: dict[str, AssociationKey] = {
    "stagiaires_annee": AssociationKey(
        "stagiaires accueillis dans l'année (toutes professions, ou celle indiquée après « : »)",
        lambda data, year, profession: len(trainees_in(data.trainees, year, profession)),
        yearly=True,
        persons=True,
        argument="profession",
    ),
    "maitres_de_stage_accueil_annee": AssociationKey(
        "membres ayant accueilli un stagiaire dans l'année",
        lambda data, year, _: hosts_in(data.trainees, year),
        yearly=True,
        persons=False,
    ),
    "maitres_de_stage_agrees": AssociationKey(
        "membres agréés maîtres de stage",
        lambda data, _, __: approved_mentors(data.mentors),
        yearly=False,
        persons=False,
    ),
    "installations_annee": AssociationKey(
        "professionnels installés sur le territoire dans l'année (toutes professions, ou celle indiquée après « : »)",
        lambda data, year, profession: len(installations_in(data.installations, year, profession)),
        yearly=True,
        persons=False,
        argument="profession",
    ),
    "installations_accompagnees_annee": AssociationKey(
        "installations de l'année accompagnées par la CPTS (au moins une aide apportée)",
        lambda data, year, _: len(helped(installations_in(data.installations, year))),
        yearly=True,
        persons=False,
    ),
    "cotisations_payees_annee": AssociationKey(
        "membres à jour de leur cotisation de l'année",
        lambda data, year, _: paid_dues(data.dues, year),
        yearly=True,
        persons=False,
    ),
}
