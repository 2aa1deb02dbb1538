"""Reading the public RPPS extract (domain.rpps) and what it changes (domain.rpps_changes), on the sample in
tests/data/rpps (written by its make.py): no NocoDB."""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from domain.rpps import ExtractRefused, ReadStats, extract_day, professionals, read_activities
from domain.rpps_changes import by_profession, checked_professionals, rpps_changes
from schema.models import Member, TerritoryProfessional
from services.rpps import checked_communes, open_extract

SAMPLE = Path(__file__).resolve().parent / "data/rpps"
NAME = "PS_LibreAcces_Personne_activite_202611010800.txt"
TERRITORY = {"92040", "92075"}
TODAY = date(2026, 11, 28)
# « Libellé profession » of the sample -> the option written, typed here apart from domain/data/rpps.toml.
OPTIONS = {
    "Médecin": "Médecin",
    "Pharmacien": "Pharmacien",
    "Chirurgien-Dentiste": "Chirurgien-dentiste",
    "Sage-Femme": "Sage-femme",
    "Infirmier": "Infirmier",
    "Masseur-Kinésithérapeute": "Masseur-kinésithérapeute",
    "Pédicure-Podologue": "Pédicure-podologue",
    "Orthophoniste": "Orthophoniste",
    "Audioprothésiste": "Autre",
}


def read(path: Path, communes: set[str] = TERRITORY) -> tuple[list[TerritoryProfessional], ReadStats]:
    stats = ReadStats()
    with open_extract(path) as (stream, _, _):
        found = professionals(read_activities(stream, communes, stats))
    rows, _ = checked_professionals(found, TODAY)
    return rows, stats


def independent_count() -> Counter[str]:
    """People with an RPPS (type 8) and an activity in the territory, by profession: counted with `csv`."""
    with (SAMPLE / NAME).open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file, delimiter="|"))
    people: dict[str, str] = {}
    for row in rows:
        if row["Code commune (coord. structure)"] in TERRITORY and row["Type d'identifiant PP"] == "8":
            people[row["Identifiant PP"]] = OPTIONS[row["Libellé profession"]]
    return Counter(people.values())


def test_counts_by_profession_equal_an_independent_count() -> None:
    rows, stats = read(SAMPLE / NAME)
    assert by_profession(rows) == dict(independent_count())
    assert sum(independent_count().values()) == len(rows) == len({r.rpps for r in rows})
    assert stats.lines == 30 and stats.malformed == 0 and stats.latin1 == 0


@pytest.mark.parametrize("variant", ["latin1/" + NAME, "crlf/" + NAME, "PS_LibreAcces_202611010800.zip"])
def test_latin1_windows_line_ends_and_zip_read_the_same(variant: str) -> None:
    rows, stats = read(SAMPLE / variant)
    expected, _ = read(SAMPLE / NAME)
    assert [r.model_dump() for r in rows] == [r.model_dump() for r in expected]
    assert (stats.latin1 > 0) == variant.startswith("latin1")
    assert any(r.first_name == "Hélène" and r.address == "12 Rue de l'Église" for r in rows)


def test_one_person_of_several_activities_is_one_row() -> None:
    rows, _ = read(SAMPLE / NAME)
    by_rpps = {r.rpps: r for r in rows}
    martin = by_rpps["10000000001"]  # libéral in Issy and salaried at the hospital: mixed, the cabinet's place
    assert (martin.practice_mode, martin.structure_name, martin.specialty) == (
        "Mixte",
        "CABINET MEDICAL DU CENTRE",
        "Médecine générale",
    )
    assert martin.phone == "01 46 42 00 01"
    petit = by_rpps["10000000003"]  # one activity in Vanves, one in Paris (outside): Vanves only
    assert (petit.insee_code, petit.address) == ("92075", "20 Rue Jean Bleuzen")
    assert by_rpps["10000000014"].practice_mode == "Libéral"  # libéral and bénévole
    assert by_rpps["10000000002"].address == "3 B Avenue Victor Cresson"
    assert "10000000004" not in by_rpps and "10000000021" not in by_rpps  # Meudon, Paris: outside
    assert by_rpps["10000000022"].practice_mode is None and by_rpps["10000000022"].address is None  # empty fields


def test_refused_values_are_left_empty_and_named_with_their_line() -> None:
    with (SAMPLE / NAME).open("rb") as file:
        found = professionals(read_activities(file, TERRITORY, ReadStats()))
    rows, problems = checked_professionals(found, TODAY)
    assert [str(p) for p in problems] == [
        "Extrait RPPS — Ligne 12, champ « Téléphone » : « 01 45 » n'est pas un numéro de téléphone français (ex. 06 12 34 56 78)",
        "Extrait RPPS — Ligne 12, champ « Email » : « lea.moreau@ » n'est pas une adresse e-mail (ex. prenom.nom@exemple.fr)",
    ]
    moreau = next(r for r in rows if r.last_name == "MOREAU")
    assert (moreau.phone, moreau.email, moreau.insee_code) == (None, None, "92040")
    adeli = [p for p in found if p.rpps is None]
    assert [p.values["last_name"] for p in adeli] == ["BONNET"]  # known by ADELI only: left out of the rows
    assert all(r.last_name != "BONNET" for r in rows)


def test_malformed_lines_are_counted_never_read_shifted() -> None:
    lines = (SAMPLE / NAME).read_bytes().splitlines(keepends=True)
    shifted = lines[3].replace(b"|MAISON DE SANTE", b"|X|MAISON DE SANTE")  # a `|` inside a field
    stats = ReadStats()
    found = professionals(read_activities([*lines[:3], shifted, *lines[4:], b"\n"], TERRITORY, stats))
    assert (stats.malformed, stats.malformed_lines, stats.lines) == (1, [4], 30)
    assert "10000000002" not in {p.rpps for p in found}


def test_another_file_is_refused_by_its_header() -> None:
    with pytest.raises(ExtractRefused, match="colonne\\(s\\) absente\\(s\\)"):
        list(read_activities(io.BytesIO(b"Type d'identifiant PP|Identifiant PP|\n8|1|\n"), TERRITORY, ReadStats()))


def test_the_extract_day_is_read_from_the_file_name() -> None:
    assert extract_day(NAME) == date(2026, 11, 1)
    assert extract_day("PS_LibreAcces_202611010800.zip") == date(2026, 11, 1)
    assert extract_day("extrait.txt") is None
    assert extract_day("PS_LibreAcces_Personne_activite_202613010800.txt") is None


# -- what an extract changes ----------------------------------------------------------------------------


def professional(rpps: str, **values: object) -> TerritoryProfessional:
    return TerritoryProfessional.model_validate(
        {"rpps": rpps, "last_name": "NOM", "profession": "Infirmier", "insee_code": "92040", **values}
    )


def test_members_are_filled_where_empty_and_differences_reported() -> None:
    row = professional("10000000005", first_name="Jeanne", address="8 Rue Ernest Renan", phone="06 12 34 56 05")
    member = Member(id=7, rpps="10000000005", last_name="Nom", address="3 rue Diderot", phone=None, first_name="jeanne")
    changes = rpps_changes([row], [], [member], {"92040"}, date(2026, 11, 1))
    [(filled, attrs)] = changes.members
    assert attrs == ("profession", "insee_code", "phone")  # names equal but for case: neither filled nor reported
    assert (filled.phone, filled.address, filled.id) == ("06 12 34 56 05", "3 rue Diderot", 7)
    assert [str(d) for d in changes.differences] == [
        "Nom jeanne (RPPS 10000000005) — Adresse : NocoDB dit « 3 rue Diderot », RPPS dit « 8 Rue Ernest Renan »"
    ]
    assert changes.arrivals[0].member == 7 and changes.arrivals[0].arrival == date(2026, 11, 1)


def test_same_extract_again_changes_nothing_and_a_later_one_dates_and_flags() -> None:
    first = date(2026, 11, 1)
    stays, leaves = professional("10000000001"), professional("10000000002")
    outside = professional("10000000003", insee_code="92048")  # not in the communes imported: left alone
    existing = [
        p.model_copy(update={"id": i, "seen_on": first, "arrival": first})
        for i, p in enumerate((stays, leaves, outside), 1)
    ]
    again = rpps_changes([stays, leaves], existing[:2], [], {"92040"}, first)
    assert again.nothing and again.unchanged == 2
    later = rpps_changes([stays], existing, [], {"92040"}, date(2026, 11, 15))
    assert [(r.id, r.departure) for r in later.departures] == [(2, date(2026, 11, 15))]
    assert [(r.id, r.seen_on, r.arrival) for r in later.seen] == [(1, date(2026, 11, 15), first)]
    assert not later.updates and not later.arrivals
    departed = [existing[0], later.departures[0]]
    back = rpps_changes([stays, leaves], departed, [], {"92040"}, date(2026, 11, 20))
    assert [(r.id, r.departure, r.arrival) for r in back.returns] == [(2, None, date(2026, 11, 20))]
    assert back.updates == back.returns


def test_a_zip_without_the_extract_and_a_postcode_are_refused(tmp_path: Path) -> None:
    archive = tmp_path / "PS_LibreAcces_202611010800.zip"
    with zipfile.ZipFile(archive, "w") as written:
        written.writestr("PS_LibreAcces_SavoirFaire_202611010800.txt", "Identifiant PP|\n")
    with pytest.raises(ExtractRefused, match="ne contient aucun fichier PS_LibreAcces_Personne_activite"):
        read(archive)
    with pytest.raises(ExtractRefused, match="« 92130 » est un code postal, pas un code INSEE"):
        checked_communes(["92040", " 92130"])
    assert checked_communes([" 92075", "92040", "92040"]) == ["92040", "92075"]
