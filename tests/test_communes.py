"""French communes read offline from @etalab/decoupage-administratif: here from the extract in
tests/data/communes (tests/conftest.py), which the last tests compare with the full data."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import COMMUNES_EXTRACT

from domain.communes import (
    CommuneInfo,
    commune,
    commune_closeness,
    communes_of_postcode,
    current_data_dir,
    find_communes,
    intercommunality,
    load_communes,
    neighbours,
    use_data_dir,
)
from domain.matching import Closeness
from settings import communes_dir


def test_issy_les_moulineaux() -> None:
    issy = commune("92040")
    assert isinstance(issy, CommuneInfo)
    assert (issy.name, issy.population, issy.department) == ("Issy-les-Moulineaux", 67669, "92")
    assert issy.postcodes == ("92130",)
    assert issy.epci_name == "Métropole du Grand Paris" and issy.epci_code


def test_corsican_code() -> None:
    ajaccio = commune("2A004")
    assert ajaccio.name == "Ajaccio"
    assert ajaccio.department == "2A"
    assert ajaccio.population > 0


def test_populations_from_the_domain_notes() -> None:
    assert commune("94081").population == 93963
    assert commune("86066").population == 31003
    assert commune("05132").population == 2086


def test_unknown_code_raises_a_french_key_error() -> None:
    with pytest.raises(KeyError, match="Commune inconnue"):
        commune("99999")


def test_only_current_communes() -> None:
    found = load_communes()
    assert "75056" in found  # Paris
    assert "75101" not in found  # an arrondissement municipal
    assert all(code == info.insee_code for code, info in found.items())


def test_a_postcode_names_its_communes() -> None:
    assert [c.name for c in communes_of_postcode("92130")] == ["Issy-les-Moulineaux"]
    assert communes_of_postcode("99999") == []


def test_missing_data_says_how_to_install_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"\./cpts"):
        load_communes(tmp_path)


def test_neighbours_of_issy_are_in_grand_paris_seine_ouest() -> None:
    found = neighbours("92040", 10)
    names = [c.name for c in found]
    assert names[0] == "Boulogne-Billancourt"
    assert {"Meudon", "Vanves", "Sèvres", "Chaville"} <= set(names)
    assert "Issy-les-Moulineaux" not in names
    assert len(found) == 7  # the eight communes of the EPT, but Issy
    populations = [c.population for c in found]
    assert populations == sorted(populations, reverse=True)


def test_neighbours_limit_and_determinism() -> None:
    assert len(neighbours("92040", 3)) == 3
    assert neighbours("92040", 0) == []
    assert neighbours("2A004", 5) == neighbours("2A004", 5)


def test_neighbours_in_an_epci() -> None:
    ajaccio_area = neighbours("2A004", 50)
    assert ajaccio_area and all(c.epci_name == commune("2A004").epci_name for c in ajaccio_area)


def test_neighbours_fall_back_to_the_department() -> None:
    sein = commune("29083")  # Île-de-Sein: in no EPCI
    assert sein.epci_code is None
    found = neighbours("29083", 3)
    assert [c.department for c in found] == ["29", "29", "29"]
    assert found[0].name == "Brest"


def test_intercommunality_is_the_ept_in_grand_paris_else_the_epci() -> None:
    code, label = intercommunality("92040")
    assert label == "EPT Grand Paris Seine Ouest"
    assert intercommunality("92012") == (code, label)  # Boulogne-Billancourt, same EPT
    assert intercommunality("74042")[1] == "EPCI CC Faucigny - Glières"  # Bonneville


def test_closeness_commune_then_ept_then_department() -> None:
    assert commune_closeness("92040", "92040") == Closeness.COMMUNE
    assert (
        commune_closeness("92040", "92075") == Closeness.INTERCOMMUNALITY
    )  # Vanves, same EPT (Grand Paris Seine Ouest)
    assert commune_closeness("92040", "92012") == Closeness.INTERCOMMUNALITY  # Boulogne-Billancourt
    assert (
        commune_closeness("92040", "92050") == Closeness.DEPARTMENT
    )  # Nanterre: same EPCI (Métropole) but another EPT
    there, back = commune_closeness("92040", "75056"), commune_closeness("75056", "92040")
    assert there == back == Closeness.FARTHER  # Paris: no EPT, Issy: GPSO
    assert commune_closeness("86066", "86194") == Closeness.DEPARTMENT  # Châtellerault, Poitiers
    assert (
        commune_closeness("92040", None)
        == commune_closeness("92040", "")
        == commune_closeness("92040", "99999")
        == Closeness.FARTHER
    )


def test_the_folder_is_the_one_given(tmp_path: Path) -> None:
    assert current_data_dir() == COMMUNES_EXTRACT
    use_data_dir(tmp_path)
    try:
        with pytest.raises(FileNotFoundError, match=r"\./cpts"):
            commune("92040")
    finally:
        use_data_dir(COMMUNES_EXTRACT)
    assert commune("92040").name == "Issy-les-Moulineaux"


def test_the_folder_comes_from_the_environment_else_the_node_side(tmp_path: Path) -> None:
    assert communes_dir({"CPTS_COMMUNES_DIR": str(tmp_path)}) == tmp_path.resolve()
    assert communes_dir({}).parts[-4:] == ("node_modules", "@etalab", "decoupage-administratif", "data")


@pytest.mark.nocodb  # the full data comes with the Node side
def test_the_full_data_has_every_current_commune() -> None:
    full = load_communes(communes_dir({}))
    assert len(full) > 34_000
    assert "75101" not in full


@pytest.mark.nocodb
def test_the_extract_answers_as_the_full_data() -> None:
    """tests/data/communes/make.py keeps whole intercommunalities: on every commune of the extract,
    neighbours, intercommunality and closeness give what the full data gives; so do the searches of
    the tests (a name search elsewhere may miss the homonyms left out)."""
    codes = list(load_communes())
    answers = {}
    for folder in (COMMUNES_EXTRACT, communes_dir({})):
        use_data_dir(folder)
        answers[folder] = [
            *((commune(code), neighbours(code, 8), intercommunality(code)) for code in codes),
            *(commune_closeness(code, other) for code in codes for other in ("92040", "75056", "2A004", "86066")),
            *(find_communes(query, limit=4) for query in ("Saint-Denis", "issy les moulineaux", "Chatellerault")),
            communes_of_postcode("92130"),
        ]
    use_data_dir(COMMUNES_EXTRACT)
    assert answers[COMMUNES_EXTRACT] == answers[communes_dir({})]


def test_a_commune_is_made_only_when_asked_for() -> None:
    """The desk needs a few hundred of the 35 000 communes: the others are not made (`domain.communes._Communes`)."""
    from domain.communes import _data

    use_data_dir(COMMUNES_EXTRACT)
    communes = _data(COMMUNES_EXTRACT).communes
    communes._made.clear()
    assert commune("92040").name == "Issy-les-Moulineaux"
    assert list(communes._made) == ["92040"]
    assert len(communes) == len(load_communes()) > 1
