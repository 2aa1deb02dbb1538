"""The regional view: the figures of several CPTS side by side and the region's total, aggregates only.

Each CPTS's figures come from the functions its own pages use (`domain.board`, `domain.desk`, `domain.figures`,
`domain.indicators`); the region's table masks them as the bureau's documents do. In each column of counts
(members, patients waiting, médecin traitant found, patients enrolled in a pathway) a count below 5 is shown
« < 5 », and the column goes through `domain.privacy.protect_counts` with the region's total, so that the total
and the other CPTS never give a masked count away (« masqué »). The members by profession are shown for the
region only (never CPTS by profession): with the same total as the members column, two breakdowns of one hidden
table give nothing more away than each alone (any two breakdowns with the same total fit some table); if either
must hide that total, the breakdown by profession is left out. A CPTS's median delay is shown only with its
count of médecins traitants found; the region's is the median over every CPTS's patients. Population is public
(Etalab) and the ACI funding is the bureau's estimate (a range where a masked indicator value would follow).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import median

import pandas as pd

from domain.board import board_figures, live_data
from domain.desk import DeskRecords, desk_figures, for_profession, found_delays, found_this_year
from domain.figures import members_by_profession
from domain.french import euros_between, number
from domain.funding import Span
from domain.indicators import enrolled_patients
from domain.privacy import HIDDEN, Protected, is_small, protect_counts
from schema.models import GP_SOUGHT

REGION = "Région"  # the name of the total row
NO_FIGURE = "—"


@dataclass(frozen=True)
class CptsFigures:
    """One CPTS's figures for the regional view (aggregates: no patient, no name of a professional)."""

    name: str
    population: int  # of the communes of its Territoire
    members: Mapping[str, int]  # active members by profession
    waiting: int  # patients waiting for a médecin traitant today
    found: int  # patients who found one this year
    delays: tuple[int, ...]  # days from the request to the médecin traitant, for those found this year
    enrolled: int  # distinct patients with an active enrolment in a pathway
    funding: Span  # ACI estimate of the year as the bureau knows it (lowest, highest)

    @property
    def member_count(self) -> int:
        return sum(self.members.values())


def cpts_figures(
    name: str, frames: Mapping[str, pd.DataFrame], desk: DeskRecords, year: int, today: date
) -> CptsFigures:
    """The figures of one CPTS for `year` (frames keyed like `domain.board.BOARD_TABLES`; its desk's patients)."""
    board = board_figures(frames, year, today)
    data = live_data(frames)
    as_of = today if year == today.year else min(today, date(year, 12, 31))
    doctors = for_profession(desk, GP_SOUGHT)
    found = found_this_year(doctors, as_of)
    professions = members_by_profession(data.members)
    return CptsFigures(
        name=name,
        population=board.funding.population,
        members=dict(zip(professions["profession"], (int(n) for n in professions["count"]), strict=True)),
        waiting=desk_figures(doctors, as_of).waiting,
        found=len(found),
        delays=tuple(found_delays(found)),
        enrolled=enrolled_patients(data),
        funding=board.funding.total_span,
    )


# -- the regional table ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of the regional table: a cell per CPTS then the region's, and the values a chart may show
    (None: masked)."""

    title: str
    cells: tuple[str, ...]  # per CPTS, then the region's total
    values: tuple[float | None, ...]  # per CPTS
    masked: bool = False  # some cell masked


@dataclass(frozen=True)
class RegionTable:
    year: int
    names: tuple[str, ...]  # the CPTS, in the order given; the region's row follows them
    columns: tuple[Column, ...]
    professions: tuple[tuple[str, str], ...]  # the region's active members by profession, masked
    professions_left_out: bool = False  # the breakdown would have given a masked total away

    @property
    def rows(self) -> tuple[tuple[str, ...], ...]:
        """One row per CPTS then the region's: its name and each column's cell."""
        names = (*self.names, REGION)
        return tuple((name, *(column.cells[i] for column in self.columns)) for i, name in enumerate(names))

    @property
    def headers(self) -> tuple[str, ...]:
        return ("CPTS", *(column.title for column in self.columns))

    @property
    def masked(self) -> bool:
        return any(column.masked for column in self.columns) or self.professions_left_out

    def column(self, title: str) -> Column:
        return next(column for column in self.columns if column.title == title)


POPULATION, MEMBERS, WAITING, FOUND, DELAY, ENROLLED, FUNDING = (
    "Population couverte",
    "Membres actifs",
    "Patients en attente d'un médecin traitant",
    "Médecin traitant trouvé",
    "Délai médian (jours)",
    "Patients inscrits en parcours",
    "Financement ACI estimé",
)
COUNTS: dict[str, Callable[[CptsFigures], int]] = {
    MEMBERS: lambda cpts: cpts.member_count,
    WAITING: lambda cpts: cpts.waiting,
    FOUND: lambda cpts: cpts.found,
    ENROLLED: lambda cpts: cpts.enrolled,
}


def region_table(figures: Sequence[CptsFigures], year: int) -> RegionTable:
    """The CPTS side by side and the region's total, masked (see the module's docstring)."""
    counts = {title: protected_column(title, [int(of(cpts)) for cpts in figures]) for title, of in COUNTS.items()}
    found = counts[FOUND][1]
    members_total_hidden = counts[MEMBERS][1].total_hidden
    professions, left_out = profession_rows(figures, members_total_hidden)
    columns = (
        population_column(figures),
        counts[MEMBERS][0],
        counts[WAITING][0],
        counts[FOUND][0],
        delay_column(figures, found),
        counts[ENROLLED][0],
        funding_column(figures),
    )
    return RegionTable(year, tuple(cpts.name for cpts in figures), columns, professions, left_out)


def protected_column(title: str, counts: list[int]) -> tuple[Column, Protected]:
    protected = protect_counts(counts)
    values = tuple(None if hidden else float(n) for n, hidden in zip(counts, protected.hidden, strict=True))
    masked = any(protected.hidden) or protected.total_hidden
    return Column(title, (*protected.cells, protected.total), values, masked), protected


def population_column(figures: Sequence[CptsFigures]) -> Column:
    populations = [cpts.population for cpts in figures]
    cells = (*(number(n) for n in populations), number(sum(populations)))
    return Column(POPULATION, cells, tuple(float(n) for n in populations))


def delay_column(figures: Sequence[CptsFigures], found: Protected) -> Column:
    """Each CPTS's median delay where its count of patients found is shown, else « masqué »; the region's
    over all of them unless that total is masked or small."""
    medians = [median(cpts.delays) if cpts.delays else None for cpts in figures]
    values = tuple(None if hidden else value for value, hidden in zip(medians, found.hidden, strict=True))
    everyone = [delay for cpts in figures for delay in cpts.delays]
    total_shown = not found.total_hidden and not is_small(len(everyone)) and everyone
    cells = (*(_days(value, hidden) for value, hidden in zip(medians, found.hidden, strict=True)),)
    region = number(median(everyone)) if total_shown else (HIDDEN if everyone else NO_FIGURE)
    masked = any(found.hidden) or not total_shown
    return Column(DELAY, (*cells, region), tuple(None if v is None else float(v) for v in values), masked)


def _days(value: float | None, hidden: bool) -> str:
    if value is None:
        return NO_FIGURE
    return HIDDEN if hidden else number(value)


def funding_column(figures: Sequence[CptsFigures]) -> Column:
    spans = [cpts.funding for cpts in figures]
    total = (sum(low for low, _ in spans), sum(high for _, high in spans))
    cells = (*(euros_between(*span) for span in spans), euros_between(*total))
    return Column(FUNDING, cells, tuple(low for low, _ in spans))


def profession_rows(
    figures: Sequence[CptsFigures], members_total_hidden: bool
) -> tuple[tuple[tuple[str, str], ...], bool]:
    """The region's active members by profession (most numerous first), masked with the members' total; left
    out (empty, True) when either breakdown of the members must hide that total."""
    counts: Counter[str] = Counter()
    for cpts in figures:
        counts.update(cpts.members)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    protected = protect_counts([n for _, n in ordered])
    if members_total_hidden or protected.total_hidden:
        return (), bool(ordered)
    return tuple((name, cell) for (name, _), cell in zip(ordered, protected.cells, strict=True)), False
