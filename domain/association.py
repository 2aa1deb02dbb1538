"""Trainees, maîtres de stage and installations (ACI mission 6): the rows' own checks and the year's counts
against the contract's targets (Paramètres). Pure: records in, figures out.

A trainee counts in a year when their period overlaps it (started on or before 31 December, not ended before
1 January; no end yet: still there). An installation counts in the year of its date. Trainees are people who
are not members: their counts are masked below 5 for the bureau (`domain.privacy`); installations are public
facts (the RPPS directory names every professional and their commune), members are members: not masked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.parameters import Parameter, Parameters, whole
from domain.problems import Problem
from schema.association import HELP_GIVEN, TRAINEES, Installation, Mentor, Trainee

NOT_GIVEN = "Non renseigné"  # the label of an empty profession or level in a count
END_FIELD = TRAINEES.field("end").title

# -- parameters: the contract's targets ----------------------------------------------------------------

TRAINEE_TARGET = Parameter(
    "Cible stagiaires accueillis par an",
    whole(0),
    "un nombre entier positif ou nul",
    "6",
    "Objectif du contrat ACI (mission 6) : stagiaires accueillis par les membres dans l'année.",
)
INSTALLATION_TARGET = Parameter(
    "Cible installations accompagnées par an",
    whole(0),
    "un nombre entier positif ou nul",
    "3",
    "Objectif du contrat ACI (mission 6) : professionnels accompagnés dans leur installation dans l'année.",
)
TARGETS: tuple[Parameter[Any], ...] = (TRAINEE_TARGET, INSTALLATION_TARGET)


# -- checks ----------------------------------------------------------------------------------------------


def period_problems(trainees: Sequence[Trainee]) -> list[Problem]:
    """The trainees whose period ends before it starts: one Problem each, on its row (its Id, else its
    position from 1) and the field « Fin »."""
    problems = []
    for position, trainee in enumerate(trainees, start=1):
        if trainee.start and trainee.end and trainee.end < trainee.start:
            reason = f"{trainee.end:%d/%m/%Y} précède le début du stage ({trainee.start:%d/%m/%Y})"
            line = None if trainee.id is not None else position
            problems.append(Problem(TRAINEES.title, trainee.id, END_FIELD, reason, line))
    return problems


# -- the year ---------------------------------------------------------------------------------------------


def hosted_in(trainee: Trainee, year: int) -> bool:
    """The trainee's period overlaps `year` (a trainee without a start date counts in no year)."""
    if trainee.start is None or trainee.start > date(year, 12, 31):
        return False
    return trainee.end is None or trainee.end >= date(year, 1, 1)


def trainees_in(trainees: Iterable[Trainee], year: int, profession: str | None = None) -> list[Trainee]:
    """The trainees hosted during `year` (of one profession, when given); a period ending before it starts
    is left out (reported by `period_problems`)."""
    return [
        trainee
        for trainee in trainees
        if hosted_in(trainee, year)
        and not (trainee.end and trainee.start and trainee.end < trainee.start)
        and (profession is None or trainee.profession == profession)
    ]


def hosts_in(trainees: Iterable[Trainee], year: int) -> int:
    """Distinct members who hosted a trainee during `year`."""
    return len({trainee.host for trainee in trainees_in(trainees, year) if trainee.host is not None})


def approved_mentors(mentors: Iterable[Mentor]) -> int:
    """Distinct members approved as maîtres de stage (for at least one level), today."""
    return len({mentor.member for mentor in mentors if mentor.member is not None and mentor.approved_for})


def installations_in(
    installations: Iterable[Installation], year: int, profession: str | None = None
) -> list[Installation]:
    """The installations dated in `year` (of one profession, when given)."""
    return [
        row
        for row in installations
        if row.on is not None and row.on.year == year and (profession is None or row.profession == profession)
    ]


def helped(installations: Iterable[Installation]) -> list[Installation]:
    """Those the CPTS helped (at least one kind of help ticked)."""
    return [row for row in installations if row.help_given]


def counted(values: Iterable[str | None]) -> list[tuple[str, int]]:
    """Each value (empty: « Non renseigné ») and how many times it comes, most frequent first, then by name."""
    counts = Counter(value or NOT_GIVEN for value in values)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def help_counts(installations: Iterable[Installation]) -> list[tuple[str, int]]:
    """Per kind of help (in the order of the options), how many installations received it."""
    rows = list(installations)
    return [(kind, sum(kind in row.help_given for row in rows)) for kind in HELP_GIVEN]


@dataclass(frozen=True)
class YearFigures:
    """The year's trainees and installations, with the contract's targets."""

    year: int
    trainees: int
    trainees_by_profession: list[tuple[str, int]]
    trainees_by_level: list[tuple[str, int]]
    hosts: int  # members who hosted a trainee in the year
    mentors: int  # members approved as maîtres de stage, today
    installations: int
    installations_by_profession: list[tuple[str, int]]
    helped: int  # installations the CPTS helped
    help_given: list[tuple[str, int]]
    trainee_target: int | None
    installation_target: int | None


def year_figures(
    mentors: Sequence[Mentor],
    trainees: Sequence[Trainee],
    installations: Sequence[Installation],
    year: int,
    parameters: Parameters,
) -> YearFigures:
    hosted = trainees_in(trainees, year)
    settled = installations_in(installations, year)
    return YearFigures(
        year=year,
        trainees=len(hosted),
        trainees_by_profession=counted(trainee.profession for trainee in hosted),
        trainees_by_level=counted(trainee.level for trainee in hosted),
        hosts=hosts_in(trainees, year),
        mentors=approved_mentors(mentors),
        installations=len(settled),
        installations_by_profession=counted(row.profession for row in settled),
        helped=len(helped(settled)),
        help_given=help_counts(settled),
        trainee_target=parameters.get(TRAINEE_TARGET),
        installation_target=parameters.get(INSTALLATION_TARGET),
    )


def against(value: int, target: int | None) -> str:
    """ "4 / 6" against a target, "4" without one."""
    return str(value) if target is None else f"{value} / {target}"
