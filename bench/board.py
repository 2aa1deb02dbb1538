"""Board figures on the large demo CPTS (50 000 patients, 2 000 members): time to compute every figure of
the board pages (project, indicators counted live, funding estimate) and to build the "dialogue de gestion"
workbook, from the tables already read (reading is measured by bench/sync.py).

Baseline in the same run: the calculated indicators counted naively, one pass over the validated records
per indicator row (what a row-by-row implementation would do). Target: board figures < 1 s.
Last line of output: one JSON object with the figures.

Usage: .venv/bin/python bench/board.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

sys.path[0] = str(Path(__file__).resolve().parents[1])  # the repo root, not bench/

from bench.harness import best_of
from demo.generate import generate
from domain.board import board_figures, live_data
from domain.indicators import indicator_board
from domain.priority import is_aci_fragile
from reports.dialogue import dialogue_bytes
from schema.models import IndicatorSource, PatientStatus, table
from store.records import to_frame


def naive_indicators(tables: dict, year: int) -> list[int]:
    """Each calculated indicator row counted by its own loop over the records."""
    values = []
    for indicator in tables["indicators"]:
        if indicator.source != IndicatorSource.CALCULATED or indicator.period != str(year):
            continue
        key, _, argument = (indicator.computation or "").partition(":")
        if key.startswith("patients_mt_trouve_annee"):
            fragile_only = key.endswith("fragiles")
            values.append(
                sum(
                    1
                    for p in tables["patients"]
                    if p.status == PatientStatus.FOUND
                    and p.found_date
                    and p.found_date.year == year
                    and (not fragile_only or is_aci_fragile(p.fragilities, p.birth_date, p.age_band, p.found_date))
                )
            )
        elif key == "ald_en_attente":
            values.append(
                sum(
                    1
                    for p in tables["patients"]
                    if p.status in (PatientStatus.WAITING, PatientStatus.PROPOSED) and "ALD" in p.fragilities
                )
            )
        elif key == "membres_par_profession":
            values.append(sum(1 for m in tables["members"] if m.active and (not argument or m.profession == argument)))
        elif key == "membres_nouveaux_annee":
            values.append(sum(1 for m in tables["members"] if m.member_since and m.member_since.year == year))
        elif key == "inscrits_parcours":
            ids = {p.id for p in tables["pathways"] if not argument or p.name == argument}
            values.append(len({e.patient for e in tables["enrolments"] if e.pathway in ids and e.status == "Active"}))
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    today = date.today()
    print("Génération de la grande démo…", flush=True)
    tables = generate("large", today=today)
    frames = {key: to_frame(table(key), rows) for key, rows in tables.items()}
    figures = board_figures(frames, today.year, today)
    _, board_s = best_of(args.repeat, lambda: board_figures(frames, today.year, today))
    _, workbook_s = best_of(args.repeat, lambda: dialogue_bytes(figures, "CPTS démo"))
    _, naive_s = best_of(args.repeat, lambda: naive_indicators(tables, today.year))
    data = live_data(frames)
    _, indicators_s = best_of(
        args.repeat, lambda: indicator_board(frames["indicators"], frames["actions"], data, today.year, today)
    )
    calculated = int((figures.indicators["source"] == IndicatorSource.CALCULATED).sum())
    print(
        f"Patients : {len(tables['patients'])}, membres : {len(tables['members'])}, indicateurs calculés : {calculated}"
    )
    print(f"Chiffres du tableau de bord (projet, indicateurs, financement) : {board_s * 1000:.0f} ms")
    print(f"Classeur « dialogue de gestion » : {workbook_s * 1000:.0f} ms")
    print(f"Indicateurs (dont calculés, avec l'année précédente) : {indicators_s * 1000:.0f} ms")
    print(f"Référence naïve (indicateurs calculés seuls, boucle par ligne) : {naive_s * 1000:.0f} ms")
    print(
        json.dumps(
            {
                "patients": len(tables["patients"]),
                "calculated_indicators": calculated,
                "board_figures_ms": round(board_s * 1000, 1),
                "workbook_ms": round(workbook_s * 1000, 1),
                "indicators_ms": round(indicators_s * 1000, 1),
                "naive_calculated_indicators_ms": round(naive_s * 1000, 1),
                "board_target_ms": 1000,
                "board_within_target": board_s < 1.0,
            }
        )
    )


if __name__ == "__main__":
    main()
