"""The annual general meeting (AG) presentation as plain data: one `Slide` per subject, every figure taken from
the desk, the board and the pathways' own functions, already written the French way and masked.

Aggregates only: no patient is named; counts of people below 5 are shown "< 5", and every breakdown whose total
is shown goes through `domain.privacy.protect_counts`, so that no masked count can be worked out by difference.
A calculated indicator repeating a figure masked on another slide is masked too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

from domain.board import BOARD_TABLES, BoardFigures, board_figures, funding_hiding, live_data
from domain.cells import integer, real, text
from domain.desk import DeskRecords, desk_figures
from domain.figures import actions_by_status, members_by_profession
from domain.french import CELL_EUROS, CELL_INTEGER, CELL_PERCENT, SHORT_MONTHS, day, euros, long_day, number, percent
from domain.funding import Span, tier_text
from domain.indicators import (
    LiveData,
    enrolled_patients,
    found_in_year,
    fragile_patients_found_in_year,
    new_members_in_year,
    patients_found_in_year,
)
from domain.parameters import AG_DATE, Parameters, cpts_name, read_parameters
from domain.pathway_figures import pathway_summary, share_text
from domain.pathway_schedule import pathway_schedule
from domain.privacy import HIDDEN, HIDDEN_BOUNDS, MASKED, SMALL_BOUNDS, is_small, mask_small, protect_counts
from domain.problems import Problem
from domain.project import progress_by_mission
from schema.fields import TableSpec
from schema.models import (
    ACTION_NOT_STARTED,
    ENROLMENTS,
    PATHWAY_STEPS,
    PATHWAYS,
    SETTINGS,
    STEPS_DONE,
    TERRITORY,
)

DECK_TABLES: tuple[TableSpec[Any], ...] = (*BOARD_TABLES, PATHWAY_STEPS, STEPS_DONE)
MEMBER_COUNTS = ("membres_par_profession", "membres_nouveaux_annee")  # calculated indicators counting people
FOUND, FRAGILE_FOUND = "patients_mt_trouve_annee", "patients_mt_trouve_annee_fragiles"
ENROLLED = "inscrits_parcours"
ACTIONS_PER_SLIDE, INDICATORS_PER_SLIDE, PRIORITIES_PER_SLIDE = 14, 11, 9  # longer tables continue on the next slide
MAX_COMMUNES = 10
NO_FIGURE = "—"
RANGE_SERIES = "Fourchette (indicateur masqué)"  # the rest of a variable part known only as a range
RANGE_NOTE = (
    "Fourchette : une valeur d'indicateur de la mission est masquée ; sa part variable est donnée pour toutes les "
    "valeurs que l'indicateur peut avoir."
)
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


@dataclass(frozen=True)
class AgInputs:
    """What the deck is made from: the tables' frames (keyed like `DECK_TABLES`), the desk's patients (for its
    median delay; its proposals are not needed) and the logo image."""

    frames: Mapping[str, pd.DataFrame]
    desk: DeskRecords
    logo: bytes | None = None
    problems: tuple[Problem, ...] = ()  # found while reading them (refused values, logo not found)


@dataclass
class _Hidden:
    """Calculated indicator keys ("key" or "key:argument") whose value a slide had to mask."""

    keys: set[str] = field(default_factory=set)

    def add(self, key: str, hidden: bool) -> None:
        if hidden:
            self.keys.add(key)


# -- parameters ----------------------------------------------------------------------------------------


def ag_date(parameters: Parameters, today: date) -> date:
    """Paramètres « Date de l'AG », today if absent or unreadable (reported by `read_parameters`)."""
    return parameters.get(AG_DATE) or today


# -- the slides --------------------------------------------------------------------------------------------


def deck_data(inputs: AgInputs, year: int, today: date, base_title: str = "") -> DeckData:
    """The whole presentation of `year`'s activity, as of `today`."""
    frames = inputs.frames
    board = board_figures(frames, year, today)
    data = live_data(frames)
    hidden = _Hidden()
    parameters, parameter_problems = read_parameters(frames[SETTINGS.key], (AG_DATE,))
    summary, step_problems = pathway_figures(frames, today)
    slides = [
        territory_slide(frames[TERRITORY.key], board),
        members_slide(data, year, hidden),
        access_slide(data, inputs.desk, year, today, hidden),
        pathways_slide(summary, data, hidden),
        *project_slides(board),
        *indicator_slides(board, hidden),
        funding_slide(board, hidden),
        priorities_slide(board),
    ]
    problems = [*inputs.problems, *parameter_problems, *board.problems, *step_problems]
    name = cpts_name(frames[SETTINGS.key], base_title)
    return DeckData(name, ag_date(parameters, today), year, today, inputs.logo, tuple(slides), tuple(problems))


def territory_slide(territory: pd.DataFrame, board: BoardFigures) -> Slide:
    funding = board.funding
    figures = (
        KeyFigure("Communes", number(len(territory))),
        KeyFigure("Population couverte", number(funding.population), "habitants"),
        KeyFigure("Taille ACI", f"Taille {funding.tier}", _tier_range(funding.tier, board)),
    )
    if territory.empty:
        return Slide("Le territoire", figures=figures, message="Aucune commune dans la table Territoire de NocoDB.")
    ordered = territory.assign(_population=territory["population"].fillna(-1)).sort_values(
        ["_population", "name"], ascending=[False, True], kind="stable"
    )
    rows = [
        (
            text(row.name) or "",
            text(row.insee_code) or "",
            text(row.department) or "",
            text(row.epci) or "",
            NO_FIGURE if integer(row.population) is None else number(int(row.population)),
        )
        for row in ordered.head(MAX_COMMUNES).itertuples()
    ]
    if len(ordered) > MAX_COMMUNES:
        rest = ordered.iloc[MAX_COMMUNES:]
        others = f"… et {len(rest)} autres communes"
        rows.append((others, "", "", "", number(int(rest["population"].fillna(0).sum()))))
    table = Table(
        ("Commune", "Code INSEE", "Département", "EPCI", "Population"), tuple(rows), (3, 1.4, 1.4, 3.4, 1.5), (4,)
    )
    notes = (
        f"Le territoire de la CPTS compte {number(len(territory))} commune(s) et {number(funding.population)} "
        f"habitants : {tier_text(funding.tier, board.settings.thresholds)} au sens de l'ACI."
    )
    return Slide("Le territoire", "Communes couvertes par la CPTS", figures, table=table, notes=notes)


def _tier_range(tier: int, board: BoardFigures) -> str:
    """ "de 40 000 à moins de 80 000 habitants": the range in `domain.funding.tier_text`'s brackets."""
    return tier_text(tier, board.settings.thresholds).split(" (", 1)[1].rstrip(")")


def members_slide(data: LiveData, year: int, hidden: _Hidden) -> Slide:
    by_profession = members_by_profession(data.members)
    counts = [int(c) for c in by_profession["count"]]
    protected = protect_counts(counts)
    new = new_members_in_year(data, year)
    hidden.add("membres_par_profession", protected.total_hidden)
    hidden.add("membres_nouveaux_annee", is_small(new))
    for index, profession in enumerate(by_profession["profession"]):
        hidden.add(f"membres_par_profession:{profession}", protected.hidden[index])
    figures = (
        KeyFigure("Membres actifs", protected.total),
        KeyFigure(f"Nouveaux membres en {year}", mask_small(new), "date « Membre depuis »"),
        KeyFigure("Professions représentées", number(len(counts))),
    )
    if not counts:
        return Slide("Les membres", figures=figures, message="Aucun membre actif dans la table Membres de NocoDB.")
    chart = Chart(
        "Membres actifs par profession",
        tuple(
            _category(p, cell, h)
            for p, cell, h in zip(by_profession["profession"], protected.cells, protected.hidden, strict=True)
        ),
        (Series("Membres actifs", tuple(protected.value(i, c) for i, c in enumerate(counts))),),
    )
    notes = (
        f"La CPTS compte {protected.total} membres actifs, de {len(counts)} professions ; "
        f"{mask_small(new)} nouveaux membres en {year}."
    )
    return Slide(
        "Les membres",
        "Professionnels adhérents de la CPTS",
        figures,
        chart=chart,
        footnote=_masking(protected.hidden),
        notes=notes,
    )


def access_slide(data: LiveData, desk: DeskRecords, year: int, today: date, hidden: _Hidden) -> Slide:
    patients = data.patients
    months = _months(year, today, patients)
    requests = by_month(patients["request_date"], year, months)
    found_rows = patients[found_in_year(patients, year)]
    found_months = by_month(found_rows["found_date"], year, months)
    found = patients_found_in_year(data, year)
    fragile = fragile_patients_found_in_year(data, year)
    asked = protect_counts(requests)
    got = protect_counts(found_months, total=found)
    split = protect_counts([fragile, found - fragile], total=found)
    hidden.add(FOUND, got.total_hidden)
    hidden.add(FRAGILE_FOUND, split.hidden[0])
    as_of = today if year == today.year else min(today, date(year, 12, 31))
    desk_now = desk_figures(desk, as_of)
    median = desk_now.median_days_to_found
    figures = (
        KeyFigure(f"Demandes reçues en {year}", asked.total),
        KeyFigure("Médecin traitant trouvé", got.total, f"patients, en {year}"),
        KeyFigure(
            "Dont patients fragiles",
            NO_FIGURE if split.hidden[0] else percent(fragile / found),
            f"{split.cells[0]} patients (ALD, 70 ans et plus, C2S/AME)",
        ),
        KeyFigure(
            "Délai médian",
            NO_FIGURE if median is None or is_small(found) else f"{number(median)} jours",
            "de la demande au médecin trouvé",
        ),
        KeyFigure("En attente aujourd'hui", mask_small(desk_now.waiting), f"au {day(today)}"),
    )
    categories = tuple(SHORT_MONTHS[:months])
    series = (
        Series("Demandes reçues", tuple(asked.value(i, c) for i, c in enumerate(requests))),
        Series("Médecin traitant trouvé", tuple(got.value(i, c) for i, c in enumerate(found_months))),
    )
    masked = [
        f"{name} en {SHORT_MONTHS[i]} ({cell})"
        for name, protected in (("demandes", asked), ("médecin trouvé", got))
        for i, cell in enumerate(protected.cells)
        if protected.hidden[i]
    ]
    note = ("Mois masqués : " + ", ".join(masked) + ".") if masked else ""
    chart = Chart(
        f"Demandes et médecins traitants trouvés par mois, {year}", categories, series, horizontal=False, note=note
    )
    notes = (
        f"En {year}, la cellule d'orientation a reçu {asked.total} demandes ; {got.total} patients ont trouvé un "
        f"médecin traitant, dont {split.cells[0]} patients fragiles. {mask_small(desk_now.waiting)} patients "
        f"attendent aujourd'hui."
    )
    return Slide(
        "L'accès à un médecin traitant",
        "La cellule d'orientation vers un médecin traitant (mission ACI 1a)",
        figures,
        chart=chart,
        footnote=_masking(asked.hidden + got.hidden + split.hidden),
        notes=notes,
    )


def _months(year: int, today: date, patients: pd.DataFrame) -> int:
    """Months shown for `year`: all twelve for a past year; this year, up to this month (or a later dated row)."""
    if year != today.year:
        return 12
    latest = [pd.to_datetime(patients[column]) for column in ("request_date", "found_date")]
    months = [int(s[s.dt.year == year].dt.month.max()) for s in latest if (s.dt.year == year).any()]
    return max([today.month, *months])


def by_month(dates: pd.Series, year: int, months: int) -> list[int]:
    """How many of these dates fall in each of the first `months` months of `year`."""
    stamps = pd.to_datetime(dates).dropna()
    counts = stamps[stamps.dt.year == year].dt.month.value_counts()
    return [int(counts.get(month, 0)) for month in range(1, months + 1)]


def pathway_figures(frames: Mapping[str, pd.DataFrame], today: date) -> tuple[pd.DataFrame, list[Problem]]:
    """`domain.pathway_figures.pathway_summary` of the active pathways, and the step conditions left aside."""
    found = pathway_schedule(frames, today)
    return pathway_summary(frames[PATHWAYS.key], frames[ENROLMENTS.key], found.schedule), found.problems


def pathways_slide(summary: pd.DataFrame, data: LiveData, hidden: _Hidden) -> Slide:
    enrolled = enrolled_patients(data)
    protected = protect_counts([int(n) for n in summary["enrolled"]], total=enrolled)
    hidden.add(ENROLLED, protected.total_hidden)
    for index, name in enumerate(summary["name"]):
        hidden.add(f"{ENROLLED}:{name}", protected.hidden[index])
    covered, concerned = int(summary["covered"].sum()), int(summary["concerned"].sum())
    figures = (
        KeyFigure("Patients inscrits", protected.total, "inscriptions actives"),
        KeyFigure("Parcours actifs", number(len(summary))),
        KeyFigure("Patients à jour", share_text(covered, concerned), "aucune étape en retard"),
    )
    if summary.empty:
        return Slide("Les parcours", figures=figures, message="Aucun parcours actif dans la table Parcours de NocoDB.")
    rows = tuple(
        (
            str(row.name),
            protected.cells[index],
            mask_small(row.up_to_date),
            mask_small(row.overdue),
            share_text(row.covered, row.concerned),
        )
        for index, row in enumerate(summary.itertuples())
    )
    table = Table(
        ("Parcours", "Patients inscrits", "Étapes à jour", "Étapes en retard", "Patients à jour"),
        rows,
        (3.2, 1.3, 1.3, 1.3, 1.3),
        (1, 2, 3, 4),
    )
    notes = (
        f"{protected.total} patients sont inscrits dans {len(summary)} parcours ; "
        f"{share_text(covered, concerned)} des patients concernés n'ont aucune étape en retard."
    )
    return Slide(
        "Les parcours",
        "Parcours pluriprofessionnels et dépistages (mission ACI 2)",
        figures,
        table=table,
        footnote=_masking(protected.hidden) or "« Patients à jour » : part masquée sous 5 patients concernés.",
        notes=notes,
    )


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
            day(row.due),
        )
        for row in project.itertuples()
    ]
    headers = ("N°", "Action", "Mission ACI", "Pilote", "Statut", "Avancement", "Échéance")
    widths = (0.4, 3.9, 2.75, 2.75, 1.55, 1.2, 1.0)
    pages = _pages(rows, ACTIONS_PER_SLIDE)
    slides = [
        Slide(
            f"Le projet de santé : les {len(project)} actions" + _page_mark(index, len(pages)),
            "Avancement : part des jalons faits, sinon la valeur saisie",
            table=Table(headers, tuple(page), widths, (5,)),
            notes=f"{len(project)} actions au projet de santé, au {day(board.today)}.",
        )
        for index, page in enumerate(pages)
    ]
    by_status = actions_by_status(project)
    late = int(project["late"].sum())
    figures = (
        *(KeyFigure(str(row.status), number(int(row.count)), "actions") for row in by_status.itertuples()),
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


def indicator_slides(board: BoardFigures, hidden: _Hidden) -> list[Slide]:
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
    pages = _pages(rows, INDICATORS_PER_SLIDE)
    return [
        Slide(
            title + _page_mark(index, len(pages)),
            "Atteinte : valeur / cible, plafonnée à 100 % ; tendance par rapport à l'année précédente",
            table=Table(headers, tuple(page), widths, (3, 4, 5, 6)),
            footnote=MASKING_NOTE if any(row[4] in (MASKED, HIDDEN) for row in page) else "",
            notes=f"Indicateurs du contrat ACI pour {board.year}, lus dans NocoDB le {day(board.today)}.",
        )
        for index, page in enumerate(pages)
    ]


def _indicator_row(row: Any, hidden: _Hidden) -> tuple[str, ...]:
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


def _masked_in_deck(row: Any, hidden: _Hidden) -> bool:
    """True for an indicator whose value the deck masks: as on the board, a count of fewer than 5 members, or a
    figure another slide masked."""
    key = text(row.computation) or ""
    return bool(row.masked) or key in hidden.keys or (_counts_members(row) and is_small(real(row.value)))


def hidden_values(board: BoardFigures, hidden: _Hidden) -> dict[int, Span]:
    """Indicator id -> what a reader of the deck knows of each value it masks: 0 to 4 when shown "< 5", 5 or more
    when shown "masqué"."""
    return {
        int(row.id): SMALL_BOUNDS if is_small(real(row.value)) else HIDDEN_BOUNDS
        for row in board.indicators.itertuples()
        if _masked_in_deck(row, hidden)
    }


def funding_slide(board: BoardFigures, hidden: _Hidden) -> Slide:
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
        Series("Part fixe (mission démarrée)", tuple(m.fixed_due for m in funding.missions)),
        Series("Part variable (× atteinte des indicateurs)", tuple(m.variable_span[0] for m in funding.missions)),
    ]
    masked = [m for m in funding.missions if m.masked]
    if masked:
        rest = tuple(m.variable_span[1] - m.variable_span[0] if m.masked else None for m in funding.missions)
        series.append(Series(RANGE_SERIES, rest, labelled=False))  # its width is no amount of its own
    note = "; ".join(f"{m.mission} : part variable {m.variable_text}" for m in masked)
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


def priorities_slide(board: BoardFigures) -> Slide:
    project = board.project
    title = f"Les priorités pour {board.year + 1}"
    not_started = project["status"] == ACTION_NOT_STARTED
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
            day(row.due),
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


# -- helpers ------------------------------------------------------------------------------------------------


def _category(label: object, cell: str, hidden: bool) -> str:
    """A chart category; a masked one carries its mask, since its bar is left blank."""
    return f"{label} : {cell}" if hidden else str(label)


def _masking(hidden: Sequence[bool]) -> str:
    return MASKING_NOTE if any(hidden) else ""


def _pages(rows: Sequence[tuple[str, ...]], size: int) -> list[list[tuple[str, ...]]]:
    return [list(rows[start : start + size]) for start in range(0, len(rows), size)] or [[]]


def _page_mark(index: int, count: int) -> str:
    return f" ({index + 1}/{count})" if count > 1 else ""
