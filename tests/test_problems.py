"""What a problem report shows to a reader who may not see patients (`domain.problems.as_seen_by`)."""

from __future__ import annotations

from domain.problems import WITHHELD, Problem, as_seen_by
from schema.models import TABLES

NAME = "Jeanne DUPONTEL"


def test_every_table_of_patients_is_withheld_and_the_others_are_not() -> None:
    problems = [Problem(spec.title, 7, "Code", f"« {NAME} » n'a pas le format attendu") for spec in TABLES]
    shown = as_seen_by(problems, sees_patients=False)
    withheld = {p.table for p in shown if p.reason == WITHHELD}
    assert withheld == {
        "Patients",
        "Propositions",
        "Inscriptions",
        "Étapes réalisées",
        "Journal d'accès",
        "Demandes SNP",
    }
    assert [(p.table, p.id, p.field) for p in shown] == [(p.table, p.id, p.field) for p in problems]


def test_a_form_an_import_or_an_unknown_table_is_withheld_too() -> None:
    problems = [
        Problem(None, None, "Nom", f"« {NAME} » trop long"),
        Problem("Import", None, "Nom", NAME, line=3),
        Problem("Membres", 2, "RPPS", "« 123 » n'a pas le format attendu"),
    ]
    assert [p.reason for p in as_seen_by(problems, sees_patients=False)] == [WITHHELD, WITHHELD, problems[2].reason]


def test_a_coordinator_sees_every_problem_whole() -> None:
    problems = [Problem("Patients", 1, "Code", f"« {NAME} »")]
    assert as_seen_by(problems, sees_patients=True) == problems
