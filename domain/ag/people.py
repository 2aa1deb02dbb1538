"""The AG slides on the territory, the members and the access to a médecin traitant (mission ACI 1a)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from domain.ag.slides import NO_FIGURE, Chart, Hidden, KeyFigure, Series, Slide, Table, category, masking
from domain.board import BoardFigures
from domain.cells import integer, text
from domain.desk import DeskRecords, for_profession, found_this_year, median_days_to_found, waiting_patients
from domain.figures import medecin_traitant_requests, members_by_profession
from domain.french import SHORT_MONTHS, day, number, percent
from domain.funding import tier_text
from domain.indicators import (
    LiveData,
    found_in_year,
    fragile_patients_found_in_year,
    new_members_in_year,
    patients_found_in_year,
)
from domain.privacy import is_small, mask_small, protect_counts
from schema.models import GP_SOUGHT

FOUND, FRAGILE_FOUND = "patients_mt_trouve_annee", "patients_mt_trouve_annee_fragiles"
MAX_COMMUNES = 10


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
            NO_FIGURE if (population := integer(row.population)) is None else number(population),
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
        f"habitants : {tier_text(funding.tier, board.funding_parameters.thresholds)} au sens de l'ACI."
    )
    return Slide("Le territoire", "Communes couvertes par la CPTS", figures, table=table, notes=notes)


def _tier_range(tier: int, board: BoardFigures) -> str:
    """ "de 40 000 à moins de 80 000 habitants": the range in `domain.funding.tier_text`'s brackets."""
    return tier_text(tier, board.funding_parameters.thresholds).split(" (", 1)[1].rstrip(")")


def members_slide(data: LiveData, year: int, hidden: Hidden) -> Slide:
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
            category(p, cell, h)
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
        footnote=masking(protected.hidden),
        notes=notes,
    )


def access_slide(data: LiveData, desk: DeskRecords, year: int, today: date, hidden: Hidden) -> Slide:
    patients = medecin_traitant_requests(data.patients)
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
    median_days, waiting = desk_now(for_profession(desk, GP_SOUGHT), as_of)
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
            NO_FIGURE if median_days is None or is_small(found) else f"{number(median_days)} jours",
            "de la demande au médecin trouvé",
        ),
        KeyFigure("En attente aujourd'hui", mask_small(waiting), f"au {day(today)}"),
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
        f"médecin traitant, dont {split.cells[0]} patients fragiles. {mask_small(waiting)} patients "
        f"attendent aujourd'hui."
    )
    return Slide(
        "L'accès à un médecin traitant",
        "La cellule d'orientation vers un médecin traitant (mission ACI 1a)",
        figures,
        chart=chart,
        footnote=masking(asked.hidden + got.hidden + split.hidden),
        notes=notes,
    )


def desk_now(records: DeskRecords, as_of: date) -> tuple[float | None, int]:
    """The two desk figures the slide shows, as `domain.desk.desk_figures` counts them (without its fragile
    counts, the costly part): the median days to a médecin traitant found in `as_of`'s year, patients waiting."""
    return median_days_to_found(found_this_year(records, as_of)), len(waiting_patients(records))


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
