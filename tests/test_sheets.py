"""Spreadsheets read, mapped and normalised (pure: no NocoDB), on the messy files of tests/data/sheets."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from domain.problems import Problem
from domain.sheet_changes import sheet_changes
from domain.sheet_mapping import ColumnMapping, MappingRefused, checked, dump, guess, parse
from domain.sheet_values import Refusal, sheet_rows, value_of
from domain.sheets import SheetRefused, decode, separator
from schema.models import DENTIST, GP_SOUGHT, MEMBERS, PATIENTS, Fragility, Member, Patient, PatientStatus
from services.sheets import proposed_mapping, read_file, read_mapping, save_mapping, saved_mapping

DATA = Path(__file__).parent / "data" / "sheets"
CPAM_MAPPING = Path(__file__).parents[1] / "demo" / "data" / "cpam_mapping.toml"
TODAY = date(2026, 11, 28)
TERRITORY = {"92040", "92075"}
LIMIT = 1_000_000


def rows_of(name: str, spec=PATIENTS, mapping: ColumnMapping | None = None, tmp: Path | None = None):
    sheet = read_file((DATA / name).read_bytes(), name, spec, LIMIT)
    chosen = proposed_mapping(spec, sheet, tmp or Path("/nonexistent"), mapping)
    return sheet_rows(spec, sheet, chosen, TERRITORY, TODAY)


def given(row) -> dict:
    return {attr: getattr(row.record, attr) for attr in row.given}


# -- reading -------------------------------------------------------------------------------------------


def test_xlsx_header_found_below_a_merged_title_and_an_empty_line_formula_read_as_its_value() -> None:
    sheet = read_file((DATA / "membres.xlsx").read_bytes(), "membres.xlsx", MEMBERS, LIMIT)
    assert sheet.sheets == ("Adhérents 2026", "Bureau") and sheet.sheet == "Adhérents 2026"
    assert sheet.header_line == 3 and sheet.headers[:2] == ("NOM", "Prénom")
    assert [row.line for row in sheet.rows] == [4, 6, 7]  # the empty line 5 skipped, numbers kept
    assert sheet.rows[0].cells[-1] == 2026  # « =2025+1 »: the value Excel saved, not the formula


def test_the_sheet_chosen_and_an_unknown_sheet_refused() -> None:
    data = (DATA / "membres.xlsx").read_bytes()
    assert read_file(data, "membres.xlsx", MEMBERS, LIMIT, "Bureau").headers == ("Fonction", "Nom")
    with pytest.raises(SheetRefused, match="pas de feuille « Tarifs » \\(feuilles : Adhérents 2026, Bureau\\)"):
        read_file(data, "membres.xlsx", MEMBERS, LIMIT, "Tarifs")


def test_a_latin1_csv_with_semicolons_and_windows_line_ends() -> None:
    sheet = read_file((DATA / "liste_attente.csv").read_bytes(), "liste_attente.csv", PATIENTS, LIMIT)
    assert sheet.header_line == 3 and sheet.headers[0] == "NOM DE NAISSANCE"
    assert sheet.rows[0].cells[:2] == ("Lefèvre ", "Éloïse") and [r.line for r in sheet.rows] == [4, 6, 7]


def test_encodings_and_separators_detected() -> None:
    assert decode("Prénom".encode()) == "Prénom" and decode("\ufeffPrénom".encode()) == "Prénom"
    assert decode("Prénom".encode("latin-1")) == "Prénom"
    assert separator("Nom,Prénom,Tél.\nA,B,C\n") == ","
    assert separator("Nom\tPrénom\tTél.\nA\tB\tC\n") == "\t"
    assert separator("Nom;Prénom;Tél.\nMartin, Jr;B;C\n") == ";"


def test_a_file_over_the_limit_refused_in_french() -> None:
    with pytest.raises(SheetRefused, match=r"Le fichier fait 0\.0 Mo : 0 Mo au plus"):
        read_file(b"Nom;Prenom\nA;B\n", "x.csv", PATIENTS, 10)


def test_a_file_that_is_no_table_refused() -> None:
    with pytest.raises(SheetRefused, match="aucune ligne d'en-têtes"):
        read_file(b"une seule colonne\n", "x.csv", PATIENTS, LIMIT)
    with pytest.raises(SheetRefused, match="pas un classeur Excel lisible"):
        read_file(b"not a zip", "x.xlsx", PATIENTS, LIMIT)


# -- mapping -------------------------------------------------------------------------------------------


def test_headers_guessed_from_their_french_words() -> None:
    headers = ["NOM DE NAISSANCE", "Prénom", "Tél.", "Date naiss.", "Code postal", "Ville", "Nom", "Bizarre"]
    columns = guess(PATIENTS, headers).columns
    assert columns == {
        "NOM DE NAISSANCE": "Nom",
        "Prénom": "Prénom",
        "Tél.": "Téléphone",
        "Date naiss.": "Date de naissance",
        "Code postal": "Code postal",
        "Ville": "Commune (nom)",
        "Nom": None,  # the first column naming a field takes it
        "Bizarre": None,
    }
    assert guess(MEMBERS, ["N° RPPS", "Profession"]).columns == {"N° RPPS": "RPPS", "Profession": "Profession"}


def test_a_mapping_refused_when_a_field_is_unknown_or_given_twice() -> None:
    with pytest.raises(MappingRefused, match="« Âge » \\(colonne « A »\\) n'est pas un champ de Patients"):
        checked(PATIENTS, ColumnMapping({"A": "Âge"}), ["A"])
    with pytest.raises(MappingRefused, match="Les colonnes « A », « B » vont toutes dans « Nom »"):
        checked(PATIENTS, ColumnMapping({"A": "Nom", "B": "Nom"}), ["A", "B"])


def test_a_mapping_kept_for_next_time_privately(tmp_path: Path) -> None:
    mapping = ColumnMapping({"Bizarre": "Notes", "Nom": "Nom"}, {"Source": "CPAM"})
    assert parse(dump(mapping, "essai"), "x") == mapping
    save_mapping(tmp_path, PATIENTS, mapping)
    path = tmp_path / "imports" / "patients.toml"
    assert path.stat().st_mode & 0o777 == 0o600
    assert saved_mapping(tmp_path, PATIENTS).columns == {"Bizarre": "Notes", "Nom": "Nom"}
    assert saved_mapping(tmp_path, PATIENTS).values == {}  # values are per file, never kept
    sheet = read_file(b"Bizarre;Nom;Prenom\nx;A;B\n", "x.csv", PATIENTS, LIMIT)
    assert proposed_mapping(PATIENTS, sheet, tmp_path).columns["Bizarre"] == "Notes"


# -- values --------------------------------------------------------------------------------------------


def test_dates_typed_three_ways_and_excel_dates() -> None:
    birth = PATIENTS.field("birth_date")
    for cell in (
        "12/03/1948",
        "1948-03-12",
        "12.03.1948",
        " 12/3/1948 ",
        "12/03/1948 00:00:00",
        datetime(1948, 3, 12),
        17604,
    ):
        assert value_of(birth, cell) == date(1948, 3, 12), cell
    with pytest.raises(Refusal, match="« 12/03/48 » n'est pas une date \\(JJ/MM/AAAA"):
        value_of(birth, "12/03/48")


def test_checkboxes_options_and_fragilities_from_their_words() -> None:
    mobility, sex, fragilities = (PATIENTS.field(a) for a in ("reduced_mobility", "sex", "fragilities"))
    assert [value_of(mobility, w) for w in ("oui", "X", "Non", "0")] == [True, True, False, False]
    assert value_of(sex, "Mme") == "Femme" and value_of(sex, "homme") == "Homme"
    assert value_of(fragilities, "ALD, >70 ans") == [Fragility.ALD, Fragility.ELDERLY]
    assert value_of(fragilities, "CMU / ald ; isolée") == [Fragility.ALD, Fragility.C2S_AME, Fragility.ISOLATION]
    assert value_of(fragilities, "C2S/AME") == [Fragility.C2S_AME]
    with pytest.raises(Refusal, match="« diabète » : aucune option ne correspond"):
        value_of(fragilities, "ALD, diabète")


def test_the_members_file_normalised() -> None:
    rows, problems = rows_of("membres.xlsx", MEMBERS)
    assert problems == []
    martin, durand, petit = (given(row) for row in rows)
    assert martin["last_name"] == "Martin" and martin["phone"] == "06 12 34 56 78"
    assert martin["profession"] == "Médecin" and martin["insee_code"] == "92040"
    assert martin["member_since"] == date(2024, 1, 15) and martin["dues_paid_year"] == 2026
    assert durand["rpps"] == "10000000006" and durand["phone"] == "06 11 22 33 44"  # a number, and +33
    assert durand["insee_code"] == "92075" and durand["member_since"] == date(2023, 3, 12)
    assert durand["profession"] == "Infirmier" and durand["accepts_new_patients"] is True
    assert petit["phone"] == "01 45 67 89 01" and "rpps" not in petit and petit["accepts_new_patients"] is False


def test_the_waiting_list_normalised_postcodes_turned_into_communes() -> None:
    rows, problems = rows_of("liste_attente.csv")
    assert problems == []
    first, second, third = (given(row) for row in rows)
    assert first["fragilities"] == ["ALD", "70 ans et plus"] and first["reduced_mobility"] is True
    assert first["insee_code"] == "92040" and first["first_name"] == "Éloïse" and first["last_name"] == "Lefèvre"
    assert second["insee_code"] == "05132"  # 05500 serves ten communes: the « Commune » column chose
    assert third["birth_date"] == date(1985, 11, 3) and third["fragilities"] == ["C2S/AME"]


def test_every_refused_value_named_by_row_and_column() -> None:
    rows, problems = rows_of("liste_attente_refus.xlsx")
    assert rows == []
    found = {(p.line, p.field): p.reason for p in problems}
    assert set(found) == {
        (4, "Date naiss."),
        (5, "Tél."),
        (6, "Code postal"),
        (7, "Mobilité réduite"),
        (8, "Fragilités"),
        (9, "Date naiss."),
        (10, "Date naiss."),
        (12, "NOM DE NAISSANCE"),
    }
    assert "31/02/1950" in found[4, "Date naiss."] and "12345" in found[5, "Tél."]
    assert "Saint-Bonnet-en-Champsaur : 05132" not in found[6, "Code postal"]  # six shown, then a count
    assert "Buissard : 05025" in found[6, "Code postal"] and "plusieurs communes" in found[6, "Code postal"]
    assert found[9, "Date naiss."] == "obligatoire" and "futur" in found[10, "Date naiss."]
    assert found[12, "NOM DE NAISSANCE"] == "même personne que la ligne 11"
    assert [p.line for p in problems] == sorted(p.line for p in problems)
    assert str(problems[0]).startswith("Patients — Ligne 4, champ « Date naiss. » :")


def test_a_postcode_of_several_communes_decided_by_the_territory() -> None:
    sheet = read_file(b"Nom;Prenom;Date naiss.;CP\nA;B;01/01/1950;05500\n", "x.csv", PATIENTS, LIMIT)
    mapping = proposed_mapping(PATIENTS, sheet, Path("/nonexistent"))
    rows, problems = sheet_rows(PATIENTS, sheet, mapping, {"05132"}, TODAY)
    assert problems == [] and rows[0].record.insee_code == "05132"


def test_the_cpam_example_mapping_on_a_cpam_like_list() -> None:
    rows, problems = rows_of("cpam_sans_mt.xlsx", mapping=read_mapping(CPAM_MAPPING))
    assert problems == []
    assert [given(r)["source"] for r in rows] == ["CPAM"] * 3
    assert [r.record.fragilities for r in rows] == [["70 ans et plus"], ["ALD"], ["ALD"]]
    assert rows[0].record.birth_date == date(1941, 5, 2) and rows[0].record.insee_code == "92040"


# -- changes -------------------------------------------------------------------------------------------


def test_rows_matched_updated_only_where_the_file_differs_and_a_second_run_changes_nothing() -> None:
    rows, _ = rows_of("liste_attente.csv")
    existing = [
        Patient(
            id=1,
            code="P-000007",
            last_name="LEFEVRE",
            first_name="eloise",
            birth_date=date(1948, 3, 12),
            fragilities=["Isolement"],
            notes="Gardée",
            phone="06 01 02 03 04",
        ),
    ]
    changes = sheet_changes(PATIENTS, rows, existing, TODAY)
    assert [p.code for p in changes.added] == ["P-000008", "P-000009"]
    assert all(p.status == PatientStatus.WAITING and p.request_date == TODAY for p in changes.added)
    assert all(p.profession_sought == GP_SOUGHT for p in changes.added)  # the file names no profession
    ((updated, attrs),) = changes.updated
    assert updated.id == 1 and set(attrs) == {
        "fragilities",
        "reduced_mobility",
        "notes",
        "insee_code",
    }
    assert updated.fragilities == ["ALD", "70 ans et plus", "Isolement"]  # options added, none lost
    assert (updated.last_name, updated.first_name) == ("LEFEVRE", "eloise")  # the name matched by: as typed
    after = [updated, *(p.model_copy(update={"id": 2 + i}) for i, p in enumerate(changes.added))]
    again = sheet_changes(PATIENTS, rows, after, TODAY)
    assert again.nothing and again.unchanged == 3


def test_the_profession_sought_read_from_its_words_a_médecin_traitant_when_empty() -> None:
    text = "Nom;Prénom;Date de naissance;Code INSEE;Professionnel recherché\n"
    text += "Roux;Léa;01/02/1980;92040;Dentiste\nMas;Jean;03/04/1950;92040;kiné\nBlanc;Ana;05/06/1990;92040;\n"
    sheet = read_file(text.encode(), "demandes.csv", PATIENTS, LIMIT)
    chosen = proposed_mapping(PATIENTS, sheet, Path("/nonexistent"), None)
    assert chosen.columns["Professionnel recherché"] == "Profession recherchée"
    rows, problems = sheet_rows(PATIENTS, sheet, chosen, TERRITORY, TODAY)
    assert problems == []
    added = sheet_changes(PATIENTS, rows, [], TODAY).added
    assert [p.profession_sought for p in added] == [DENTIST, "Masseur-kinésithérapeute", GP_SOUGHT]


def test_a_patient_objecting_to_sharing_is_left_as_it_is() -> None:
    rows, _ = rows_of("cpam_sans_mt.xlsx", mapping=read_mapping(CPAM_MAPPING))
    objecting = Patient(
        id=5, code="P-000001", last_name="Lefèvre", first_name="Éloïse", birth_date=date(1948, 3, 12), objection=True
    )
    changes = sheet_changes(PATIENTS, rows, [objecting], TODAY)
    assert changes.kept == [objecting] and all(r.id != 5 for r, _ in changes.updated)
    assert len(changes.added) == 2


def test_members_matched_by_rpps_then_by_name_and_commune() -> None:
    rows, _ = rows_of("membres.xlsx", MEMBERS)
    existing = [
        Member(id=1, rpps="10000000001", last_name="Martin-Autre", insee_code="92012"),  # RPPS wins over the name
        Member(id=2, last_name="petit", first_name="CLAIRE", insee_code="92012"),  # no RPPS: name + commune
        Member(id=3, rpps="10000000099", last_name="Durand", first_name="Marc", insee_code="92075"),  # another RPPS
    ]
    changes = sheet_changes(MEMBERS, rows, existing, TODAY)
    assert sorted(r.id for r, _ in changes.updated) == [1, 2]
    assert [m.last_name for m in changes.added] == ["DURAND"]


def test_problems_are_the_shared_type() -> None:
    _, problems = rows_of("liste_attente_refus.xlsx")
    assert all(isinstance(p, Problem) and p.table == "Patients" and p.id is None for p in problems)
