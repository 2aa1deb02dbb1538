"""The registry of Paramètres and its one reader: one policy for an unreadable value (default used, a Problem on
its row), the stop policy of the retention period, duplicates, the CPTS name; and the one sentence of a Problem."""

from __future__ import annotations

import pytest

from domain.funding_parameters import FUNDING_PARAMETERS, THRESHOLDS, mission_key
from domain.parameters import (
    AG_DATE,
    IDLE,
    PRIORITY_WEIGHTS,
    RETENTION,
    cpts_name,
    read_parameters,
)
from domain.problems import Problem, warning_line
from errors import Refused
from schema.models import PARAMETERS, AciMission, ParameterRow
from store.records import to_frame


def row(row_id: int, key: str, value: str | None, to_check: bool = False) -> ParameterRow:
    return ParameterRow(id=row_id, key=key, value=value, to_check=to_check)


def test_the_sentence_of_a_problem_says_where_for_each_kind_of_row() -> None:
    assert str(Problem("Membres", 12, "RPPS", "« 1 » n'a pas le format attendu")) == (
        "Membres, ligne Id 12, champ « RPPS » : « 1 » n'a pas le format attendu"
    )
    assert str(Problem(None, None, "Nom", "obligatoire")) == "Champ « Nom » : obligatoire"
    assert str(Problem("Territoire", None, "Population", "vide", line=3)) == (
        "Territoire — Ligne 3, champ « Population » : vide"
    )
    assert warning_line(Problem(None, None, "Nom", "obligatoire")) == "Attention : Champ « Nom » : obligatoire"


def test_an_unreadable_value_takes_its_default_and_is_reported_on_its_row() -> None:
    rows = [row(4, IDLE.key, "trente"), row(5, "Inconnu", "x")]
    parameters, problems = read_parameters(rows, (IDLE, AG_DATE))
    assert parameters.value(IDLE) == 30 and parameters.get(AG_DATE) is None
    assert problems == [
        Problem(
            "Paramètres",
            4,
            "Valeur",
            "« trente » n'est pas un nombre de minutes entre 5 et 1440 "
            "(paramètre « Déconnexion après inactivité (minutes) ») : valeur par défaut 30 utilisée",
        )
    ]
    assert parameters.defaulted == {IDLE.key, AG_DATE.key}


def test_absent_or_empty_values_take_their_default_silently_and_limits_are_kept() -> None:
    parameters, problems = read_parameters([row(1, IDLE.key, "  ")], (IDLE,))
    assert (parameters.value(IDLE), problems) == (30, [])
    parameters, problems = read_parameters([row(1, IDLE.key, "2")], (IDLE,))  # under 5 minutes
    assert parameters.value(IDLE) == 30 and len(problems) == 1
    parameters, problems = read_parameters([row(1, IDLE.key, " 45 ")], (IDLE,))
    assert (parameters.value(IDLE), problems, parameters.defaulted) == (45, [], frozenset())


def test_a_key_given_twice_counts_once_and_the_other_row_is_reported() -> None:
    frame = to_frame(PARAMETERS, [row(9, IDLE.key, "20"), row(3, IDLE.key, "10")])
    parameters, [problem] = read_parameters(frame, (IDLE,))
    assert parameters.value(IDLE) == 20  # the latest row added (highest Id)
    assert (problem.id, problem.reason) == (
        3,
        f"paramètre « {IDLE.key} » donné à nouveau ligne Id 9 : cette ligne-ci est ignorée",
    )


def test_an_unreadable_retention_stops_rather_than_guess() -> None:
    with pytest.raises(Refused, match=r"Paramètres, ligne Id 7, champ « Valeur » : « 2 ans » n'est pas un nombre de"):
        read_parameters([row(7, RETENTION.key, "2 ans")], (RETENTION,))
    parameters, problems = read_parameters([], (RETENTION,))
    assert (parameters.value(RETENTION), problems) == (24, [])


def test_only_the_parameters_asked_for_are_read() -> None:
    rows = [row(1, RETENTION.key, "illisible"), row(2, PRIORITY_WEIGHTS[0].key, "50")]
    parameters, problems = read_parameters(rows, PRIORITY_WEIGHTS)  # the retention is not looked at
    assert parameters.value(PRIORITY_WEIGHTS[0]) == 50 and problems == []


def test_funding_parameters_are_declared_by_family() -> None:
    keys = [p.key for p in FUNDING_PARAMETERS]
    assert len(keys) == len(set(keys)) == 3 * 4 + len(AciMission) * 2 * 4 + 5
    assert mission_key("Part fixe", AciMission.PATHWAYS, 3) == "Part fixe mission 2 T3" and THRESHOLDS[0] in keys
    parameters, _ = read_parameters([row(1, "Part fixe mission 2 T3", "1 000 €", to_check=True)], FUNDING_PARAMETERS)
    assert parameters.values["Part fixe mission 2 T3"] == 1000 and parameters.checked_off == {"Part fixe mission 2 T3"}


def test_the_cpts_name_is_the_parameter_else_the_base_title() -> None:
    assert cpts_name([row(1, "Nom de la CPTS", "CPTS du Val")], "Base") == "CPTS du Val"
    assert cpts_name([row(1, "Nom de la CPTS", " ")], "Base") == "Base"
    assert cpts_name([], "") == "CPTS"


def test_a_retention_given_twice_stops_too() -> None:
    with pytest.raises(
        Refused, match=r"ligne Id 2, champ « Valeur » : paramètre « Durée de conservation \(mois\) » donné"
    ):
        read_parameters([row(2, RETENTION.key, "24"), row(8, RETENTION.key, "36")], (RETENTION,))


def test_the_demo_writes_exactly_the_parameters_a_migration_adds() -> None:
    """The demo's Paramètres rows are the CPTS name then `domain.declared_parameters.DECLARED` (what the migration
    adds to an existing base), in order, with the demo's own values from demo/data: the dues of association.toml,
    the mission parts of financement.toml; the others at their default."""
    from demo.association import DUES_BY_PROFESSION
    from demo.parameters import parameter_rows
    from domain.association_dues import dues_key
    from domain.declared_parameters import DECLARED
    from domain.funding_parameters import FIXED, mission_key
    from domain.parameters import CPTS_NAME, RETENTION
    from schema.models import AciMission

    rows = parameter_rows("CPTS du Val")
    assert [row.key for row in rows] == [CPTS_NAME.key, *(p.key for p in DECLARED)]
    assert [row.id for row in rows] == list(range(1, len(rows) + 1))
    assert len({p.key for p in DECLARED}) == len(DECLARED)
    value = {row.key: row.value for row in rows}
    assert value[CPTS_NAME.key] == "CPTS du Val" and value[RETENTION.key] == RETENTION.default
    for profession, amount in DUES_BY_PROFESSION.items():
        assert value[dues_key(profession)] == str(amount)
    assert value[mission_key(FIXED, AciMission.GP_ACCESS, 4)] == "45000"  # financement.toml, mission 1a, size 4
