"""The AG deck as plain data: `DeckData`, its `Slide`s and what a slide shows (key figures, a table, a chart),
and the layout helpers every slide builder uses (masking note, pages of long tables)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from domain.french import CELL_INTEGER, long_day
from domain.problems import Problem

NO_FIGURE = "—"
MASKING_NOTE = (
    "Effectifs inférieurs à 5 affichés « < 5 » ; « masqué » : effectif d'au moins 5 caché pour qu'aucun effectif "
    "inférieur à 5 ne se déduise d'un total."
)


# -- the deck as plain data --------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    detail: str = ""


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]  # None: masked, left blank in the chart data
    labelled: bool = True  # its values written on the bars


@dataclass(frozen=True)
class Chart:
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    horizontal: bool = True
    stacked: bool = False
    number_format: str = CELL_INTEGER  # format of the values and their labels
    maximum: float | None = None  # of the value axis (e.g. 1 for shares), automatic if None
    note: str = ""  # what the chart leaves out (masked points)


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # relative column widths
    numeric: tuple[int, ...] = ()  # right-aligned columns


@dataclass(frozen=True)
class Slide:
    title: str
    subtitle: str = ""
    figures: tuple[KeyFigure, ...] = ()
    table: Table | None = None
    chart: Chart | None = None
    message: str = ""  # shown instead of figures that cannot be given (e.g. nothing entered yet)
    footnote: str = ""
    notes: str = ""  # speaker notes


@dataclass(frozen=True)
class DeckData:
    cpts_name: str
    ag_date: date
    year: int
    today: date
    logo: bytes | None
    slides: tuple[Slide, ...]  # after the title slide
    problems: tuple[Problem, ...] = ()  # values left aside, parameters not understood

    @property
    def title(self) -> str:
        return f"Assemblée générale du {long_day(self.ag_date)}"


@dataclass
class Hidden:
    """Calculated indicator keys ("key" or "key:argument") whose value a slide had to mask."""

    keys: set[str] = field(default_factory=set)

    def add(self, key: str, hidden: bool) -> None:
        if hidden:
            self.keys.add(key)


# -- helpers ------------------------------------------------------------------------------------------------


def category(label: object, cell: str, hidden: bool) -> str:
    """A chart category; a masked one carries its mask, since its bar is left blank."""
    return f"{label} : {cell}" if hidden else str(label)


def masking(hidden: Sequence[bool]) -> str:
    return MASKING_NOTE if any(hidden) else ""


def table_pages(rows: Sequence[tuple[str, ...]], size: int) -> list[list[tuple[str, ...]]]:
    return [list(rows[start : start + size]) for start in range(0, len(rows), size)] or [[]]


def page_mark(index: int, count: int) -> str:
    return f" ({index + 1}/{count})" if count > 1 else ""
