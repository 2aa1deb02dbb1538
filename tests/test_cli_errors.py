"""A wrong invocation of ./cpts is told in French (commands/french.py), with a non-zero exit status, whatever
the mistake: a value of the wrong type, an unknown option or command, a missing argument or value."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from settings import ROOT

ENGLISH = (
    "Invalid value",
    "Usage",
    "Error",
    "Missing",
    "No such",
    "Try ",
    "Got unexpected",
    "Did you mean",
    "requires",
)

MISTAKES = [
    (["deck", "--year", "banana"], "Valeur refusée pour '--year' : « banana » n'est pas un nombre entier."),
    (["export", "dialogue", "--year", "2025.5"], "« 2025.5 » n'est pas un nombre entier"),
    (["deck", "--yaer", "2025"], "Option inconnue : --yaer (options possibles : --year)."),
    (["nope"], "Commande inconnue : nope."),
    (["stauts"], "Commande inconnue : stauts (vouliez-vous dire 'status' ?)."),
    (["user", "add"], "Il manque l'argument"),
    (["user", "add", "a@b.fr"], "Il manque l'option '--role'."),
    (["deck", "--year"], "L'option --year attend une valeur."),
    (["up", "--detach=oui"], "L'option --detach ne prend pas de valeur."),
    (["down", "en-trop"], "Argument(s) en trop : en-trop."),
    ([], "Précisez une commande :"),
    (["user"], "Précisez une commande :"),
    (["import"], "Précisez une commande :"),
    (["import", "rpps"], "Il manque l'argument 'FICHIER'."),
    (["import", "patients"], "Il manque l'argument 'FICHIER'."),
    (
        ["import", "rpps", "extrait.txt", "--territory", "--communes", "92040"],
        "avec --territory, choisissez le Territoire ou ces communes, pas les deux.",
    ),
]


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CPTS_DATA_DIR": str(tmp_path)}
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args], env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(("args", "said"), MISTAKES, ids=[" ".join(a) or "(rien)" for a, _ in MISTAKES])
def test_a_wrong_invocation_is_told_in_french(tmp_path: Path, args: list[str], said: str) -> None:
    result = run(tmp_path, *args)
    assert result.returncode == 2, result.stderr
    assert said in result.stderr
    assert "Aide : ./cpts" in result.stderr
    assert not [word for word in ENGLISH if word in result.stdout + result.stderr], result.stderr
    assert "Traceback" not in result.stderr


def test_the_usage_line_and_the_help_are_french(tmp_path: Path) -> None:
    result = run(tmp_path, "export", "dialogue", "--out")
    assert result.returncode == 2
    assert "Utilisation : ./cpts export dialogue [OPTIONS]" in result.stderr
    assert "L'option --out attend une valeur." in result.stderr
    groups = run(tmp_path, "export")
    assert "Utilisation : ./cpts export [OPTIONS] COMMANDE [ARGUMENTS]..." in groups.stderr
    assert "dialogue" in groups.stderr
    for args in (["--help"], ["deck", "--help"], ["user", "add", "--help"]):
        shown = run(tmp_path, *args)
        assert (
            shown.returncode == 0 and "Utilisation : ./cpts" in shown.stdout and "Affiche cette aide." in shown.stdout
        )
        assert not [word for word in ENGLISH if word in shown.stdout], shown.stdout
