"""`./cpts export dialogue` through `services.board`, on a real NocoDB: the values NocoDB holds that the spec
refuses are printed (as the board pages show them), and a file that cannot be written is told in French."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cli_run import run_cli
from openpyxl import load_workbook

from domain.parameters import CPTS_NAME
from schema.models import MEMBERS, PARAMETERS, ParameterRow
from services.board import board_figures, board_inputs, dialogue
from services.tables import reader
from store import records
from store.base import Base


def export(nocodb: Any, base: Base, out: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(nocodb, base, "export", "dialogue", "--out", str(out))


@pytest.fixture(scope="module")
def bad_rpps(base: Base) -> int:
    """A member whose RPPS, typed in NocoDB, is not 11 digits."""
    [member] = base.client.insert(base.handle(MEMBERS).id, [{"Nom": "Durand", "RPPS": "123"}])
    return member


def test_the_board_figures_list_the_values_nocodb_holds_that_the_spec_refuses(base: Base, bad_rpps: int) -> None:
    report = board_figures(board_inputs(reader(base)), date.today().year, date.today())
    assert [(p.table, p.id, p.field) for p in report.problems if p.table == MEMBERS.title] == [
        (MEMBERS.title, bad_rpps, "RPPS")
    ]


def test_export_dialogue_prints_the_refused_values(nocodb: Any, base: Base, bad_rpps: int, tmp_path: Path) -> None:
    out = tmp_path / "dialogue.xlsx"
    result = export(nocodb, base, out)
    assert result.returncode == 0, result.stderr
    assert f"Attention : Membres, ligne Id {bad_rpps}, champ « RPPS »" in result.stderr
    assert "  Lecture des données…" in result.stdout and out.is_file()


def test_an_output_that_cannot_be_written_is_told_in_french(nocodb: Any, base: Base, tmp_path: Path) -> None:
    out = tmp_path / "dialogue.xlsx"
    out.mkdir()  # a folder where the workbook should go: the system refuses to put a file there
    result = export(nocodb, base, out)
    assert result.returncode == 1
    assert f"Impossible d'écrire {out} : " in result.stderr
    assert "Traceback" not in result.stderr


def test_the_workbook_is_named_after_the_cpts_of_parametres(base: Base, tmp_path: Path) -> None:
    # Paramètres « Nom de la CPTS » wins over the base title, as on the pages and in the AG deck.
    [row_id] = records.insert(base, PARAMETERS, [ParameterRow(key=CPTS_NAME.key, value="CPTS du Test")])
    try:
        out = tmp_path / "dialogue.xlsx"
        dialogue(base, date.today().year, date.today(), out)
        summary = load_workbook(out).worksheets[0]
        cells = {str(cell.value) for row in summary.iter_rows() for cell in row if cell.value}
        assert any("CPTS du Test" in cell for cell in cells)
        assert not any(base.title in cell for cell in cells)
    finally:
        base.client.delete(base.handle(PARAMETERS).id, [row_id])
