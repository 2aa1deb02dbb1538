"""The AG slides on the health project: its actions, their progress by ACI mission, and next year's priorities."""

from __future__ import annotations

from typing import Any

from domain.ag.slides import NO_FIGURE, Chart, KeyFigure, Series, Slide, Table, page_mark, table_pages
from domain.board import BoardFigures
from domain.cells import day as cell_date
from domain.cells import integer, real
from domain.figures import actions_by_status
from domain.french import CELL_PERCENT, day, number, percent
from domain.project import progress_by_mission
from schema.models import ActionStatus

ACTIONS_PER_SLIDE, PRIORITIES_PER_SLIDE = 14, 9  # longer tables continue on the next slide


def _action_cells(row: Any) -> tuple[str, str, str, str]:
    """An action's number, title, ACI mission and pilot, as the project tables of the deck show them."""
    numbered = "" if integer(row.number) is None else str(int(row.number))
    return numbered, str(row.title), str(row.mission), str(row.pilot)


def project_slides(board: BoardFigures) -> list[Slide]:
    project = board.project
    if project.empty:
        return [Slide("Le projet de santé", message="Aucune action dans la table Actions de NocoDB.")]
    rows = [
        (
            *_action_cells(row),
            (str(row.status) or NO_FIGURE) + (", en retard" if row.late else ""),
            percent(real(row.progress)),
            day(cell_date(row.due)),
        )
        for row in project.itertuples()
    ]
    headers = ("N°", "Action", "Mission ACI", "Pilote", "Statut", "Avancement", "Échéance")
    widths = (0.4, 3.9, 2.75, 2.75, 1.55, 1.2, 1.0)
    pages = table_pages(rows, ACTIONS_PER_SLIDE)
    slides = [
        Slide(
            f"Le projet de santé : les {len(project)} actions" + page_mark(index, len(pages)),
            "Avancement : part des jalons faits, sinon la valeur saisie",
            table=Table(headers, tuple(page), widths, (5,)),
            notes=f"{len(project)} actions au projet de santé, au {day(board.today)}.",
        )
        for index, page in enumerate(pages)
    ]
    by_status = actions_by_status(project)
    late = int(project["late"].sum())
    figures = (
        *(
            KeyFigure(str(status), number(int(count)), "actions")
            for status, count in zip(by_status["status"], by_status["count"], strict=True)
        ),
        KeyFigure("En retard", number(late), "échéance dépassée"),
    )
    missions = progress_by_mission(project)
    chart = Chart(
        "Avancement moyen des actions par mission ACI",
        tuple(mission for mission, _, _ in missions),
        (Series("Avancement moyen", tuple(progress for _, progress, _ in missions)),),
        number_format=CELL_PERCENT,
        maximum=1.0,
    )
    slides.append(
        Slide(
            "Le projet de santé : avancement par mission",
            f"Actions par statut au {day(board.today)}",
            figures,
            chart=chart,
            notes="; ".join(f"{mission} : {percent(progress)}" for mission, progress, _ in missions) + ".",
        )
    )
    return slides


def priorities_slide(board: BoardFigures) -> Slide:
    project = board.project
    title = f"Les priorités pour {board.year + 1}"
    not_started = project["status"] == ActionStatus.NOT_STARTED
    chosen = project[not_started | project["late"]]
    figures = (
        KeyFigure("Actions non démarrées", number(int(not_started.sum()))),
        KeyFigure("Actions en retard", number(int(project["late"].sum())), "échéance dépassée"),
        KeyFigure("Actions sans pilote", number(int(project["no_pilot"].sum()))),
    )
    if chosen.empty:
        message = "Toutes les actions du projet de santé sont engagées, aucune n'est en retard."
        return Slide(title, figures=figures, message=message)
    rows = [
        (
            *_action_cells(row),
            "En retard" if row.late else str(row.status),
            day(cell_date(row.due)),
        )
        for row in chosen.itertuples()
    ]
    headers = ("N°", "Action", "Mission ACI", "Pilote", "Pourquoi", "Échéance")
    table = Table(headers, tuple(rows[:PRIORITIES_PER_SLIDE]), (0.5, 3.8, 2.8, 2.6, 1.4, 1.2))
    more = len(rows) - PRIORITIES_PER_SLIDE
    return Slide(
        title,
        "Actions du projet de santé non démarrées ou en retard",
        figures,
        table=table,
        footnote=f"… et {more} autre(s) action(s)." if more > 0 else "",
        notes=f"{len(rows)} action(s) à lancer ou à rattraper en {board.year + 1}.",
    )
