"""The AG slides on the ACI indicators and the funding estimate, masked as the other slides require."""

from __future__ import annotations

from typing import Any

from domain.ag.slides import (
    MASKING_NOTE,
    NO_FIGURE,
    Chart,
    Hidden,
    KeyFigure,
    Series,
    Slide,
    Table,
    page_mark,
    table_pages,
)
from domain.board import BoardFigures, funding_hiding
from domain.cells import identifier, real, text
from domain.french import CELL_EUROS, day, euros, number, percent
from domain.funding import MissionFunding, Span
from domain.privacy import HIDDEN, HIDDEN_BOUNDS, MASKED, SMALL_BOUNDS, is_small

MEMBER_COUNTS = ("membres_par_profession", "membres_nouveaux_annee")  # calculated indicators counting people
INDICATORS_PER_SLIDE = 11  # longer tables continue on the next slide
RANGE_SERIES = "Fourchette (indicateur masqué)"  # the rest of a variable part known only as a range
RANGE_NOTE = (
    "Fourchette : une valeur d'indicateur de la mission est masquée ; sa part variable est donnée pour toutes les "
    "valeurs que l'indicateur peut avoir."
)


def indicator_slides(board: BoardFigures, hidden: Hidden) -> list[Slide]:
    indicators = board.indicators
    title = f"Les indicateurs {board.year} : valeurs et cibles"
    if indicators.empty:
        return [Slide(title, message=f"Aucun indicateur pour {board.year} dans la table Indicateurs de NocoDB.")]
    ordered = indicators.assign(_mission=indicators["mission"].fillna("~")).sort_values(
        ["_mission", "id"], kind="stable"
    )
    rows = [_indicator_row(row, hidden) for row in ordered.itertuples()]
    headers = ("Indicateur", "Mission ACI", "Unité", "Cible", "Valeur", "Atteinte", "Tendance")
    widths = (4.4, 2.6, 1.7, 0.9, 0.9, 1.0, 0.9)
    pages = table_pages(rows, INDICATORS_PER_SLIDE)
    return [
        Slide(
            title + page_mark(index, len(pages)),
            "Atteinte : valeur / cible, plafonnée à 100 % ; tendance par rapport à l'année précédente",
            table=Table(headers, tuple(page), widths, (3, 4, 5, 6)),
            footnote=MASKING_NOTE if any(row[4] in (MASKED, HIDDEN) for row in page) else "",
            notes=f"Indicateurs du contrat ACI pour {board.year}, lus dans NocoDB le {day(board.today)}.",
        )
        for index, page in enumerate(pages)
    ]


def _indicator_row(row: Any, hidden: Hidden) -> tuple[str, ...]:
    """One indicator as the deck shows it: masked as on the board, and also when it counts fewer than 5 members
    or repeats a figure another slide masked."""
    value, previous = real(row.value), real(row.previous)
    people = _counts_members(row)
    masked = _masked_in_deck(row, hidden)
    shown_value = HIDDEN if masked and not is_small(value) else (MASKED if masked else str(row.shown_value))
    target = real(row.target)
    return (
        str(row.title),
        text(row.mission) or "Sans mission ACI",
        text(row.unit) or "",
        NO_FIGURE if target is None else number(target, decimals=1),
        shown_value,
        NO_FIGURE if masked else percent(real(row.shown_achievement)),
        NO_FIGURE if masked or (people and is_small(previous)) else str(row.trend),
    )


def _counts_members(row: Any) -> bool:
    return (text(row.computation) or "").split(":")[0] in MEMBER_COUNTS


def _masked_in_deck(row: Any, hidden: Hidden) -> bool:
    """True for an indicator whose value the deck masks: as on the board, a count of fewer than 5 members, or a
    figure another slide masked."""
    key = text(row.computation) or ""
    return bool(row.masked) or key in hidden.keys or (_counts_members(row) and is_small(real(row.value)))


def hidden_values(board: BoardFigures, hidden: Hidden) -> dict[int, Span]:
    """Indicator id -> what a reader of the deck knows of each value it masks: 0 to 4 when shown "< 5", 5 or more
    when shown "masqué"."""
    return {
        identifier(row.id): SMALL_BOUNDS if is_small(real(row.value)) else HIDDEN_BOUNDS
        for row in board.indicators.itertuples()
        if _masked_in_deck(row, hidden)
    }


def fixed_range(mission: MissionFunding) -> str:
    """ ", part fixe entre … et …" when indicators paid by tiers leave the fixed part a range, else ""."""
    low, high = mission.fixed_span
    return f", part fixe {mission.fixed_text}" if low != high else ""


def funding_slide(board: BoardFigures, hidden: Hidden) -> Slide:
    """The estimate; a mission with an indicator value the deck masks shows its variable part as a range (its
    lowest as the bar, the rest of the range stacked on it), and so does the total: a shared document, never
    exact."""
    funding = funding_hiding(board, hidden_values(board, hidden))
    figures = (
        KeyFigure("Dotation de fonctionnement", euros(funding.operating), f"taille {funding.tier}"),
        KeyFigure(
            f"Financement estimé {board.year}",
            funding.total_text,
            "plafonné au maximum annuel" if funding.may_be_capped else "dotation + parts des missions",
        ),
        KeyFigure("Maximum annuel", euros(funding.maximum), f"taille {funding.tier}"),
    )
    series = [
        Series("Part fixe (mission démarrée)", tuple(m.fixed_span[0] for m in funding.missions)),
        Series("Part variable (× atteinte des indicateurs)", tuple(m.variable_span[0] for m in funding.missions)),
    ]
    masked = [m for m in funding.missions if m.masked]
    if masked:
        rest = tuple(m.total_span[1] - m.total_span[0] if m.masked else None for m in funding.missions)
        series.append(Series(RANGE_SERIES, rest, labelled=False))  # its width is no amount of its own
    note = "; ".join(f"{m.mission} : part variable {m.variable_text}{fixed_range(m)}" for m in masked)
    chart = Chart(
        "Parts retenues par mission (€)",
        tuple(m.mission for m in funding.missions),
        tuple(series),
        stacked=bool(masked),
        number_format=CELL_EUROS,
        note=f"{note}." if note else "",
    )
    to_check = funding.operating_to_check or any(m.to_check for m in funding.missions)
    footnote = "Estimation à partir de la table Paramètres" + (
        " : montants du contrat ACI à vérifier." if to_check else "."
    )
    if masked:
        footnote += " " + RANGE_NOTE
    notes = (
        f"Financement ACI estimé pour {board.year} : {funding.total_text}, dont {euros(funding.operating)} de "
        f"dotation de fonctionnement et {funding.missions_text} au titre des missions."
    )
    return Slide(
        "Le financement ACI",
        f"Estimation de l'année {board.year}",
        figures,
        chart=chart,
        footnote=footnote,
        notes=notes,
    )
