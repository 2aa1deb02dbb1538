"""The "dialogue de gestion" workbook: a summary sheet with the funding estimate, then one sheet per ACI
mission with its actions and indicators (targets, values, achievement, comments, tiers, amounts, proofs). French number and
date formats; small patient counts stay masked as on the board pages. Every row goes through
`reports.cells.append`: a title typed as "=HYPERLINK(…)" stays text, never a formula."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from domain.board import BoardFigures
from domain.cells import day, identifier, integer, real, text
from domain.french import day as french_day
from domain.french import euros, euros_between
from domain.funding import MASKED_NOTE, MissionFunding, Span, tier_text
from domain.funding_lines import IndicatorLine, indicator_lines
from domain.funding_parameters import mission_code
from domain.privacy import is_small
from domain.project import NO_MISSION
from reports.cells import append
from schema.models import AciMission

SUMMARY_SHEET = "Synthèse"
SHEET_NAMES = {  # Excel sheet names: 31 characters at most
    "1a": "1a Médecin traitant",
    "1b": "1b Soins non programmés",
    "2": "2 Parcours",
    "3": "3 Prévention",
    "4": "4 Crises sanitaires",
    "5": "5 Qualité et pertinence",
    "6": "6 Accompagnement des PS",
}
EUROS = '#,##0" €"'
INTEGER = "#,##0"
DECIMAL = "#,##0.##"
PERCENT = "0 %"
DATE = "DD/MM/YYYY"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
WRAP = Alignment(wrap_text=True, vertical="top")

FUNDING_HEADERS = (
    "Mission",
    "Démarrée",
    "Part fixe (€)",
    "Part variable (€)",
    "Atteinte des indicateurs",
    "Indicateurs mesurés",
    "Part fixe retenue (€)",
    "Part variable retenue (€)",
    "Total (€)",
    "Montants à vérifier",
)
ACTION_HEADERS = ("N°", "Action", "Pilote", "Statut", "Début", "Échéance", "Avancement", "Alerte")
INDICATOR_HEADERS = (
    "Indicateur",
    "Action n°",
    "Type",
    "Unité",
    "Cible",
    "Valeur",
    "Atteinte",
    "Année précédente",
    "Tendance",
    "Source",
    "Commentaire",
    "Part du financement",
    "Paliers",
    "Palier atteint",
    "Montant (€)",
    "Justificatifs attendus",
    "Justificatifs manquants",
    "Pièces (fichiers ou liens)",
)


def sheet_name(mission: str) -> str:
    return SHEET_NAMES.get(mission_code(mission), mission[:31])


def dialogue_workbook(figures: BoardFigures, cpts_name: str) -> Workbook:
    """The whole workbook for `figures.year`."""
    workbook = Workbook()
    summary = workbook.active
    assert summary is not None
    summary.title = SUMMARY_SHEET
    write_summary(summary, figures, cpts_name)
    for mission in sheet_missions(figures):
        write_mission(workbook.create_sheet(sheet_name(mission)), figures, mission, cpts_name)
    return workbook


def dialogue_bytes(figures: BoardFigures, cpts_name: str) -> bytes:
    buffer = BytesIO()
    dialogue_workbook(figures, cpts_name).save(buffer)
    return buffer.getvalue()


def save_dialogue(figures: BoardFigures, cpts_name: str, path: Path) -> None:
    """Write the workbook to `path`, through a temporary file so that a failure leaves no half-written file."""
    temporary = path.with_name(f".{path.name}.tmp")
    dialogue_workbook(figures, cpts_name).save(temporary)
    temporary.replace(path)


def sheet_missions(figures: BoardFigures) -> list[str]:
    """Every ACI mission, then "Sans mission ACI" if some action or indicator has no mission."""
    orphans = (figures.project["mission"] == NO_MISSION).any() or figures.indicators["mission"].isna().any()
    return [*AciMission, *([NO_MISSION] if orphans else [])]


# -- summary -----------------------------------------------------------------------------------------


def write_summary(sheet: Worksheet, figures: BoardFigures, cpts_name: str) -> None:
    funding = figures.funding
    append(sheet, [f"Dialogue de gestion {figures.year} — {cpts_name}"])
    sheet["A1"].font = TITLE
    append(sheet, [f"Édité le {french_day(figures.today)}. Estimation : montants du contrat ACI à vérifier."])
    append(sheet, [])
    facts: list[tuple[str, Any, str | None]] = [
        ("Population couverte", funding.population, INTEGER),
        ("Taille ACI", tier_text(funding.tier, figures.funding_parameters.thresholds), None),
        ("Dotation de fonctionnement (€)", funding.operating, EUROS),
        ("Maximum annuel (€)", funding.maximum, EUROS),
    ]
    for label, value, number_format in facts:
        append(sheet, [label, value])
        sheet.cell(sheet.max_row, 1).font = BOLD
        if number_format:
            sheet.cell(sheet.max_row, 2).number_format = number_format
    append(sheet, [])
    header(sheet, FUNDING_HEADERS)
    for mission in funding.missions:
        append(sheet, mission_cells(mission))
        formats(sheet, {3: EUROS, 4: EUROS, 5: PERCENT, 7: EUROS, 8: EUROS, 9: EUROS})
    totals = [
        ("Total des missions (€)", funding.missions_span),
        ("Dotation de fonctionnement (€)", (funding.operating, funding.operating)),
        ("Financement estimé de l'année (€)", funding.total_span),
    ]
    for label, span in totals:
        append(sheet, [label, *([None] * 7), amount_cell(span)])
        sheet.cell(sheet.max_row, 1).font = BOLD
        sheet.cell(sheet.max_row, 9).font = BOLD
        sheet.cell(sheet.max_row, 9).number_format = EUROS
    if funding.may_be_capped:
        capped = "Plafonné" if funding.uncapped_span[0] > funding.maximum else "Peut être plafonné"
        append(
            sheet,
            [f"{capped} au maximum annuel de la taille {funding.tier} (avant plafond : {funding.uncapped_text})."],
        )
    if funding.masked:
        masked = ", ".join(f"« {m.mission} »" for m in funding.missions if m.masked)
        append(sheet, [f"{MASKED_NOTE} Missions concernées : {masked}."])
    widths(sheet, [40, 12, 14, 16, 14, 12, 16, 18, 14, 12])


def mission_cells(mission: MissionFunding) -> list[Any]:
    """One mission of the estimate; where a masked indicator value leaves it a range, its achievement is written
    "masqué (< 5 patients)" and its variable part and total "entre … € et … €", never a figure."""
    return [
        mission.mission,
        "oui" if mission.started else "non",
        mission.fixed,
        mission.variable,
        mission.achievement_text if mission.masked else mission.achievement,
        mission.measured,
        amount_cell(mission.fixed_span),
        amount_cell(mission.variable_span),
        amount_cell(mission.total_span),
        "oui" if mission.to_check else "",
    ]


def amount_cell(span: Span) -> float | str:
    """An amount as a number, or its French range when it is not one figure."""
    text = euros_between(*span)
    return span[0] if text == euros(span[0]) else text


# -- one mission ---------------------------------------------------------------------------------------


def write_mission(sheet: Worksheet, figures: BoardFigures, mission: str, cpts_name: str) -> None:
    append(sheet, [mission])
    sheet["A1"].font = TITLE
    append(sheet, [f"{cpts_name} · dialogue de gestion {figures.year}"])
    append(sheet, [])
    append(sheet, ["Actions"])
    sheet.cell(sheet.max_row, 1).font = BOLD
    actions = figures.project[figures.project["mission"] == mission]
    header(sheet, ACTION_HEADERS)
    for row in actions.itertuples():
        append(sheet, action_cells(row))
        formats(sheet, {5: DATE, 6: DATE, 7: PERCENT})
    if actions.empty:
        append(sheet, ["Aucune action pour cette mission."])
    append(sheet, [])
    append(sheet, ["Indicateurs"])
    sheet.cell(sheet.max_row, 1).font = BOLD
    header(sheet, INDICATOR_HEADERS)
    if mission == NO_MISSION:
        indicators = figures.indicators[figures.indicators["mission"].isna()]
    else:
        indicators = figures.indicators[figures.indicators["mission"] == mission]
    lines = {line.id: line for line in indicator_lines(figures)}
    for row in indicators.itertuples():
        append(sheet, indicator_cells(row) + contract_cells(lines[identifier(row.id)]))
        formats(sheet, {5: DECIMAL, 6: DECIMAL, 7: PERCENT, 8: DECIMAL, 15: EUROS})
        for column in (1, 11, 13, 16, 17, 18):
            sheet.cell(sheet.max_row, column).alignment = WRAP
    if indicators.empty:
        append(sheet, [f"Aucun indicateur pour {figures.year}."])
    widths(sheet, [48, 10, 28, 14, 12, 12, 12, 16, 10, 10, 48, 12, 30, 20, 16, 24, 24, 40])


def action_cells(row: Any) -> list[Any]:
    return [
        integer(row.number),
        row.title,
        row.pilot,
        row.status,
        day(row.start),
        day(row.due),
        real(row.progress),
        row.alert,
    ]


def indicator_cells(row: Any) -> list[Any]:
    """One indicator; a masked patient count is written "< 5", without achievement."""
    return [
        row.title,
        integer(row.action_number),
        text(row.kind),
        text(row.unit),
        real(row.target),
        row.shown_value if row.masked else real(row.value),
        real(row.shown_achievement),
        row.shown_previous if row.patients and is_small(real(row.previous)) else real(row.previous),
        row.trend,
        row.source,
        text(row.comment),
    ]


def contract_cells(line: IndicatorLine) -> list[Any]:
    """The tiers, tier reached, amount (a number, or its French range or "selon l'atteinte") and proofs of one
    indicator, as the Financement ACI page shows them to the bureau."""
    proofs = line.proofs
    return [
        line.part,
        line.tiers,
        line.tier,
        line.amount_text if line.amount is None else line.amount,
        ", ".join(proofs.needed),
        ", ".join(proofs.missing),
        proofs.documents_text,
    ]


# -- cells -------------------------------------------------------------------------------------------


def header(sheet: Worksheet, titles: tuple[str, ...]) -> None:
    append(sheet, list(titles))
    for column in range(1, len(titles) + 1):
        cell = sheet.cell(sheet.max_row, column)
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, WRAP


def formats(sheet: Worksheet, by_column: dict[int, str]) -> None:
    for column, number_format in by_column.items():
        sheet.cell(sheet.max_row, column).number_format = number_format


def widths(sheet: Worksheet, columns: list[int]) -> None:
    for index, width in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
