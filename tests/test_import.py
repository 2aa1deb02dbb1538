"""The one import there is (the demo seed): a malformed value anywhere refuses it whole, naming table, row
and field, with nothing written."""

from __future__ import annotations

from typing import Any

import pytest

from demo.generate import generate
from schema.models import MEMBERS, PATIENTS, TERRITORY
from services.seed import SeedRefused, row_counts, seed
from store.base import Base

MALFORMED = [
    (MEMBERS.key, 3, "rpps", "1234", "Membres — Ligne 3, champ « RPPS » : « 1234 » n'est pas un numéro RPPS"),
    (PATIENTS.key, 7, "insee_code", "92130", "Patients — Ligne 7, champ « Commune (INSEE) » : « 92130 » est un code postal"),
    (PATIENTS.key, 2, "phone", "12 34", "Patients — Ligne 2, champ « Téléphone » : « 12 34 » n'est pas un numéro"),
    (PATIENTS.key, 5, "birth_date", "05/06/1950", "Patients — Ligne 5, champ « Date de naissance » : « 05/06/1950 »"),
    (PATIENTS.key, 9, "request_date", "2999-01-01", "Patients — Ligne 9, champ « Date de la demande » : 01/01/2999 est dans le futur"),
    (TERRITORY.key, 1, "insee_code", "00000", "Territoire — Ligne 1, champ « Code INSEE » : « 00000 » n'est le code INSEE"),
]  # fmt: skip


@pytest.mark.parametrize(("table", "row", "attr", "value", "message"), MALFORMED)
def test_a_malformed_value_refuses_the_whole_import(
    base: Base, table: str, row: int, attr: str, value: Any, message: str
) -> None:
    data = generate("small")
    rows = list(data[table])
    rows[row - 1] = rows[row - 1].model_copy(update={attr: value})
    with pytest.raises(SeedRefused) as refused:
        seed(base, {**data, table: rows})
    assert str(refused.value).startswith("Import refusé, rien n'a été écrit :")
    assert message in str(refused.value)
    assert not any(row_counts(base).values())
