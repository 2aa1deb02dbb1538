"""Priority score of a patient and its French explanation; weights read from Paramètres."""

from __future__ import annotations

from datetime import date, timedelta

from domain.parameters import PER_MONTH, PRIORITY_WEIGHTS, read_parameters, weight_key
from domain.priority import Weights, patient_groups, priority, weights_from
from schema.models import Fragility, ParameterRow, Population

TODAY = date(2026, 11, 23)


def test_constants_name_the_schema_options() -> None:
    assert (Population.EVERYONE, Population.CHILDREN, Fragility.ELDERLY) == ("Tous", "Enfants", "70 ans et plus")


def test_score_and_explanation() -> None:
    score = priority(["ALD"], date(1950, 1, 1), None, TODAY - timedelta(days=214), TODAY, Weights())
    assert score.score == 81
    assert score.explanation == "ALD +40, 70 ans et plus +20, attend depuis 214 jours +21"


def test_fragilities_in_canonical_order_and_waiting_time_alone() -> None:
    score = priority(["Isolement", "C2S/AME"], date(1990, 5, 5), None, TODAY - timedelta(days=1), TODAY, Weights())
    assert score.explanation == "C2S/AME +15, Isolement +10, attend depuis 1 jour +0"
    assert priority([], None, None, None, TODAY, Weights()).explanation == "aucun critère de priorité"


def test_nobody_waits_forever() -> None:
    fresh_ald = priority(["ALD"], date(1980, 1, 1), None, TODAY, TODAY, Weights()).score
    long_wait = priority([], date(1980, 1, 1), None, TODAY - timedelta(days=420), TODAY, Weights()).score
    assert long_wait > fresh_ald


def test_groups_from_birth_date() -> None:
    assert patient_groups([], date(2015, 1, 1), None, TODAY) == {Population.CHILDREN}
    assert patient_groups(["ALD"], date(1950, 1, 1), None, TODAY) == {"ALD", Fragility.ELDERLY}
    assert patient_groups([], date(1956, 11, 24), None, TODAY) == set()  # 70 tomorrow


def test_weights_from_settings_with_defaults_and_french_problems() -> None:
    rows = [ParameterRow(id=1, key=weight_key("ALD"), value="50"), ParameterRow(id=2, key=PER_MONTH.key, value="deux")]
    parameters, problems = read_parameters([*rows, ParameterRow(id=3, key="Autre", value="x")], PRIORITY_WEIGHTS)
    weights = weights_from(parameters)
    assert weights.points("ALD") == 50 and weights.points("Handicap") == 10
    assert weights.per_month == 3
    assert [str(p) for p in problems] == [
        "Paramètres, ligne Id 2, champ « Valeur » : « deux » n'est pas un nombre entier positif ou nul "
        "(paramètre « Poids par mois d'attente ») : valeur par défaut 3 utilisée"
    ]
    assert Weights().points("ALD") == 40
