"""The regional deck (`./cpts deck --region`) as plain data: the AG deck's `DeckData` made of the regional table
(`domain.region.RegionTable`), already masked: the CPTS side by side, the region's key figures and one bar chart
per figure (masked CPTS left blank and named under the chart)."""

from __future__ import annotations

from datetime import date

from domain.ag.slides import (
    Chart,
    DeckData,
    KeyFigure,
    Series,
    Slide,
    Table,
    masking,
    page_mark,
    table_pages,
)
from domain.region import (
    DELAY,
    ENROLLED,
    FOUND,
    FUNDING,
    MEMBERS,
    POPULATION,
    REGION,
    WAITING,
    Column,
    RegionTable,
)

ROWS_PER_SLIDE = 12
SIDE_BY_SIDE = (POPULATION, MEMBERS, WAITING, FOUND, DELAY, ENROLLED)
CHARTS = (POPULATION, MEMBERS, WAITING, FOUND, ENROLLED)


def region_deck(table: RegionTable, today: date, name: str = REGION) -> DeckData:
    """The regional presentation of `table.year`."""
    title = f"{name} · {len(table.names)} CPTS"
    slides = [key_figures_slide(table), *side_by_side_slides(table), funding_slide(table)]
    slides += [chart_slide(table, table.column(column)) for column in CHARTS]
    if table.professions:
        slides.append(professions_slide(table))
    return DeckData(title, today, table.year, today, None, tuple(slides))


def key_figures_slide(table: RegionTable) -> Slide:
    total = {column.title: column.cells[-1] for column in table.columns}
    figures = (
        KeyFigure("CPTS", str(len(table.names))),
        KeyFigure(POPULATION, total[POPULATION], "habitants"),
        KeyFigure(MEMBERS, total[MEMBERS]),
        KeyFigure("En attente d'un médecin traitant", total[WAITING], "patients, aujourd'hui"),
        KeyFigure(FOUND, total[FOUND], f"patients, en {table.year}"),
        KeyFigure(DELAY, total[DELAY], "de la demande au médecin trouvé"),
    )
    notes = " ; ".join(f"{column.title} : {column.cells[-1]}" for column in table.columns) + "."
    return Slide("La région", f"Les CPTS de la région en {table.year}", figures, footnote=_note(table), notes=notes)


def side_by_side_slides(table: RegionTable) -> list[Slide]:
    columns = [table.column(title) for title in SIDE_BY_SIDE]
    rows = [(name, *(column.cells[i] for column in columns)) for i, name in enumerate((*table.names, REGION))]
    pages = table_pages(rows, ROWS_PER_SLIDE)
    headers = ("CPTS", *SIDE_BY_SIDE)
    return [
        Slide(
            f"Les CPTS côte à côte{page_mark(index, len(pages))}",
            "Chiffres agrégés de chaque CPTS et total de la région (dernière ligne)",
            table=Table(headers, tuple(page), (3, 1.4, 1.2, 1.5, 1.4, 1.2, 1.3), (1, 2, 3, 4, 5, 6)),
            footnote=_note(table),
        )
        for index, page in enumerate(pages)
    ]


def funding_slide(table: RegionTable) -> Slide:
    column = table.column(FUNDING)
    rows = tuple((name, cell) for name, cell in zip((*table.names, REGION), column.cells, strict=True))
    return Slide(
        "Le financement ACI estimé",
        f"Estimation {table.year} de chaque CPTS (une fourchette quand un indicateur est masqué) et total",
        (KeyFigure("Région", column.cells[-1]),),
        table=Table(("CPTS", FUNDING), rows[:ROWS_PER_SLIDE], (3, 2), (1,)),
        footnote="Au-delà des 12 premières CPTS : voir le tableau de la vue régionale."
        if len(rows) > ROWS_PER_SLIDE
        else "",
    )


def chart_slide(table: RegionTable, column: Column) -> Slide:
    categories = tuple(
        name if value is not None else f"{name} : {cell}"
        for name, cell, value in zip(table.names, column.cells, column.values, strict=False)
    )
    chart = Chart(column.title, categories, (Series(column.title, column.values),))
    hidden = [value is None for value in column.values]
    return Slide(
        column.title,
        "Par CPTS",
        (KeyFigure("Région", column.cells[-1]),),
        chart=chart,
        footnote=masking(hidden),
    )


def professions_slide(table: RegionTable) -> Slide:
    return Slide(
        "Les membres par profession",
        "Membres actifs des CPTS de la région",
        table=Table(("Profession", "Membres actifs"), table.professions[:ROWS_PER_SLIDE], (3, 1.5), (1,)),
        footnote=masking([cell in ("< 5", "masqué") for _, cell in table.professions]),
    )


def _note(table: RegionTable) -> str:
    return masking([table.masked])
