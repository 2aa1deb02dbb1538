"""The AG presentation on the large demo CPTS (50 000 patients, 2 000 members): time to compute the deck's figures,
to build the PPTX (native charts) and to convert it to PDF with LibreOffice, from the tables already read (reading
is measured by bench/sync.py). Target: deck and PDF together under 15 s.

Baseline in the same run: the figures alone (`domain.board.board_figures`, what the board pages compute), so that
the deck's own cost shows. Last line of output: one JSON object with the figures.

Usage: .venv/bin/python bench/deck.py [--repeat 3]
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
from domain.ag.deck import DECK_TABLES, AgInputs, deck_data
from domain.board import board_figures
from domain.desk import DeskRecords
from reports.deck import deck_bytes
from reports.pdf import pdf_from_pptx
from store.records import to_frame

TARGET_S = 15.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    today = date.today()
    print("Génération de la grande démo…", flush=True)
    tables = generate("large", today=today)
    frames = {spec.key: to_frame(spec, tables[spec.key]) for spec in DECK_TABLES}
    inputs = AgInputs(frames, DeskRecords(tables["patients"], tables["members"], []))  # type: ignore[arg-type]
    _, board_s = best_of(args.repeat, lambda: board_figures(frames, today.year, today))
    deck, data_s = best_of(args.repeat, lambda: deck_data(inputs, today.year, today, "CPTS démo"))
    pptx, pptx_s = best_of(args.repeat, lambda: deck_bytes(deck))
    pdf, pdf_s = best_of(args.repeat, lambda: pdf_from_pptx(pptx))
    total_s = data_s + pptx_s + pdf_s
    print(
        f"Patients : {len(tables['patients'])}, membres : {len(tables['members'])}, diapositives : {len(deck.slides) + 1}"
    )
    print(f"Référence : chiffres du tableau de bord seuls : {board_s * 1000:.0f} ms")
    print(f"Chiffres de la présentation (tableau de bord, guichet, parcours, masquage) : {data_s * 1000:.0f} ms")
    print(f"PowerPoint (graphiques natifs) : {pptx_s * 1000:.0f} ms ({len(pptx) // 1024} Kio)")
    print(f"PDF (LibreOffice) : {pdf_s * 1000:.0f} ms ({len(pdf) // 1024} Kio)")
    print(f"Total : {total_s:.1f} s (cible : moins de {TARGET_S:.0f} s)")
    print(
        json.dumps(
            {
                "patients": len(tables["patients"]),
                "slides": len(deck.slides) + 1,
                "board_figures_ms": round(board_s * 1000, 1),
                "deck_data_ms": round(data_s * 1000, 1),
                "pptx_ms": round(pptx_s * 1000, 1),
                "pdf_ms": round(pdf_s * 1000, 1),
                "total_s": round(total_s, 2),
                "target_s": TARGET_S,
                "within_target": total_s < TARGET_S,
            }
        )
    )


if __name__ == "__main__":
    main()
