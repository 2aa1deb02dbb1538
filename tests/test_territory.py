"""Territory and funding settings written to the real NocoDB: a commune found by code or name is added
with its population, never twice; the missing funding settings are added with their defaults, once."""

from __future__ import annotations

from datetime import date

import pytest

from domain.access import COORDINATOR
from domain.communes import find_communes
from domain.funding import read_funding
from domain.funding_parameters import FUNDING_PARAMETERS, OPERATING, tier_key
from schema.models import PARAMETERS, TERRITORY, ParameterRow
from services.funding_parameters import add_missing_funding_parameters
from services.territory import AlreadyInTerritory, TerritoryError, add_commune, communes_matching
from store import records
from store.base import Base

TODAY = date(2026, 5, 10)


def test_find_communes_by_code_or_name() -> None:
    assert [c.insee_code for c in find_communes("92040")] == ["92040"]
    assert [c.insee_code for c in find_communes(" 2a004 ")] == ["2A004"]
    assert [c.name for c in find_communes("issy les moulineaux")] == ["Issy-les-Moulineaux"]
    homonyms = find_communes("Saint-Denis", limit=4)
    assert [c.insee_code for c in homonyms[:2]] == ["97411", "93066"]  # exact names first, most populated first
    assert all(c.name == "Saint-Denis" for c in homonyms)
    assert find_communes("Chatellerault")[0].insee_code == "86066"  # accents ignored
    assert find_communes("zzzz") == [] and find_communes("  ") == []


def test_a_typed_code_is_checked_by_the_shared_rules() -> None:
    assert [c.insee_code for c in communes_matching(" 2a004 ", TODAY)] == ["2A004"]
    assert [c.insee_code for c in communes_matching("Issy-les-Moulineaux", TODAY)] == ["92040"]
    with pytest.raises(TerritoryError) as postcode:
        communes_matching("92130", TODAY)
    assert str(postcode.value) == (
        "Champ « Code INSEE » : « 92130 » est un code postal, pas un code INSEE (Issy-les-Moulineaux : 92040)"
    )
    with pytest.raises(TerritoryError, match=r"« 99999 » n'est le code INSEE d'aucune commune \(5 caractères"):
        communes_matching("99999", TODAY)
    with pytest.raises(TerritoryError, match="Aucune commune ne correspond à « zzzz »"):
        communes_matching("zzzz", TODAY)


def test_add_commune_with_its_population_once(base: Base) -> None:
    added = add_commune(base, "94081", TODAY, COORDINATOR)
    assert added.id is not None
    [row] = records.load(base, TERRITORY).records
    assert (row.name, row.insee_code, row.population, row.department) == ("Vitry-sur-Seine", "94081", 93963, "94")
    with pytest.raises(AlreadyInTerritory, match="fait déjà partie du territoire"):
        add_commune(base, "94081", TODAY, COORDINATOR)
    assert base.count(TERRITORY) == 1


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("99999", "Champ « Code INSEE » : « 99999 » n'est le code INSEE d'aucune commune"),
        (
            "92130",
            "Champ « Code INSEE » : « 92130 » est un code postal, pas un code INSEE (Issy-les-Moulineaux : 92040)",
        ),
        (" ", "Champ « Code INSEE » : obligatoire"),
    ],
)
def test_a_bad_code_adds_nothing(base: Base, code: str, message: str) -> None:
    count = base.count(TERRITORY)
    with pytest.raises(TerritoryError) as refused:
        add_commune(base, code, TODAY, COORDINATOR)
    assert str(refused.value).startswith(message)
    assert base.count(TERRITORY) == count


def test_missing_funding_parameters_are_added_with_their_defaults(base: Base) -> None:
    key = tier_key(OPERATING, 2)
    records.insert(
        base, PARAMETERS, [ParameterRow(key=key, value="99 000"), ParameterRow(key="Nom de la CPTS", value="CPTS X")]
    )
    added = add_missing_funding_parameters(base, COORDINATOR)
    assert key not in added and len(added) == len(FUNDING_PARAMETERS) - 1
    assert add_missing_funding_parameters(base, COORDINATOR) == []  # nothing left to add
    frame = records.load(base, PARAMETERS).frame
    settings, issues = read_funding(frame)
    assert issues == [] and settings.missing == ()
    assert settings.by_tier(OPERATING, 2) == 99_000  # the typed row is kept
    rows = {r.key: r for r in records.load(base, PARAMETERS).records}
    assert rows["Part fixe mission 1a T1"].to_check and rows["Part fixe mission 1a T1"].description
