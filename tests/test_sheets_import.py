"""`./cpts import members|patients` on the real test NocoDB, with the messy files of tests/data/sheets: rows
added or updated (only the fields the file gives), every refusal reported and nothing written, a second run
changing nothing, a patient objecting to sharing left as it is, a run stopped half-way finished without
duplicates, the journal written."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from cli_run import run_cli
from test_sheets import CPAM_MAPPING, DATA

from domain.communes import commune, territory_row
from domain.sheets import SheetRefused
from schema.models import ACCESS_LOG, MEMBERS, PATIENTS, TERRITORY, Member, Patient, PatientStatus
from services import sheets, writes
from services.sheets import SheetImport, import_rows, journal_import, prepare, proposed_mapping, read_file, read_mapping
from store import records
from store.base import Base

LIMIT = 1_000_000


class Stop(Exception):
    pass


def planned(base: Base, name: str, spec=PATIENTS, mapping_file: Path | None = None, data_dir: Path = Path("/none")):
    sheet = read_file((DATA / name).read_bytes(), name, spec, LIMIT)
    mapping = proposed_mapping(spec, sheet, data_dir, read_mapping(mapping_file) if mapping_file else None)
    return prepare(base, spec, sheet, mapping, date.today())


def patients(base: Base) -> dict[str, Patient]:
    return {f"{p.last_name} {p.first_name}": p for p in records.load(base, PATIENTS).records}


def journal_rows(base: Base) -> list:
    return records.load(base, ACCESS_LOG).records


@pytest.fixture(scope="module")
def territory(base: Base) -> Base:
    writes.insert(base, TERRITORY, [territory_row(commune("92040")), territory_row(commune("92075"))])
    writes.insert(
        base,
        MEMBERS,
        [
            Member(rpps="10000000001", last_name="Martin", first_name="Hélène", address="5 rue Gardée"),
            Member(last_name="PETIT", first_name="claire", insee_code="92012", email="c.petit@exemple.fr"),
        ],
    )
    return base


@pytest.fixture(scope="module")
def members_done(territory: Base) -> SheetImport:
    plan = planned(territory, "membres.xlsx", MEMBERS)
    import_rows(territory, plan)
    return plan


@pytest.fixture(scope="module")
def waiting_done(territory: Base) -> SheetImport:
    """The waiting list imported, after a first run stopped (Ctrl-C) once its first row was written."""

    def interrupt(done: int, total: int) -> None:
        raise Stop

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sheets, "BATCH", 1)
        with pytest.raises(Stop):
            import_rows(territory, planned(territory, "liste_attente.csv"), interrupt)
    assert territory.count(PATIENTS) == 1
    plan = planned(territory, "liste_attente.csv")
    import_rows(territory, plan)
    journal_import(territory, "coordination@cpts.fr", "Importer", plan)
    return plan


def test_members_added_or_updated_only_in_the_fields_the_file_gives(territory: Base, members_done: SheetImport) -> None:
    changes = members_done.changes
    assert len(changes.added) == 1 and len(changes.updated) == 2
    stored = {m.last_name: m for m in records.load(territory, MEMBERS).records}
    assert set(stored) == {"Martin", "PETIT", "DURAND"}  # Petit matched by name + commune, its name kept
    martin = stored["Martin"]
    assert martin.address == "5 rue Gardée" and martin.phone == "06 12 34 56 78"  # not in the file: kept
    assert (martin.profession, martin.insee_code, martin.dues_paid_year) == ("Médecin", "92040", 2026)
    assert stored["PETIT"].email == "c.petit@exemple.fr" and stored["PETIT"].profession == "Masseur-kinésithérapeute"
    assert stored["DURAND"].rpps == "10000000006" and stored["DURAND"].insee_code == "92075"


def test_a_second_members_run_changes_nothing(territory: Base, members_done: SheetImport) -> None:
    again = planned(territory, "membres.xlsx", MEMBERS)
    assert again.changes.nothing and again.changes.unchanged == 3


def test_patients_added_with_codes_without_duplicates_after_an_interruption(
    territory: Base, waiting_done: SheetImport
) -> None:
    stored = patients(territory)
    assert territory.count(PATIENTS) == 3 and len(waiting_done.changes.added) == 2  # the first row was written
    assert sorted(p.code for p in stored.values()) == ["P-000001", "P-000002", "P-000003"]
    eloise = stored["Lefèvre Éloïse"]
    assert eloise.fragilities == ["ALD", "70 ans et plus"] and eloise.reduced_mobility
    assert eloise.status == PatientStatus.WAITING and eloise.request_date == date.today()
    assert stored["Gérard André"].insee_code == "05132" and stored["Gérard André"].phone == "07 11 22 33 44"


def test_the_import_is_journaled_with_the_file_counts_and_codes(territory: Base, waiting_done: SheetImport) -> None:
    (row,) = [r for r in journal_rows(territory) if r.what and "liste_attente.csv" in r.what]
    assert row.user == "coordination@cpts.fr" and row.patient_count == 2
    assert row.what == "Importer · liste_attente.csv : 2 ajouté(s), 0 mis à jour, 1 inchangé(s)"
    assert set((row.patient_codes or "").split(", ")) == {p.code for p in waiting_done.changes.added}


def test_a_second_patients_run_changes_nothing_and_says_so(territory: Base, waiting_done: SheetImport) -> None:
    again = planned(territory, "liste_attente.csv")
    assert again.changes.nothing and again.changes.unchanged == 3
    assert sheets.summary(again) == "liste_attente.csv : 0 ajouté(s), 0 mis à jour, 3 inchangé(s)"


def test_every_refusal_reported_and_nothing_written(territory: Base, waiting_done: SheetImport) -> None:
    before = patients(territory)
    plan = planned(territory, "liste_attente_refus.xlsx")
    assert plan.refused and len(plan.problems) == 8 and plan.changes.nothing
    with pytest.raises(SheetRefused, match="8 valeur\\(s\\) refusée\\(s\\) : rien n'a été écrit"):
        import_rows(territory, plan)
    assert patients(territory) == before


def test_the_cpam_list_with_its_mapping_keeps_an_objecting_patient(
    nocodb, territory: Base, waiting_done: SheetImport
) -> None:
    eloise = patients(territory)["Lefèvre Éloïse"]
    records.patch(territory, PATIENTS, [eloise.model_copy(update={"objection": True})], ["objection"])
    args = ("import", "patients", str(DATA / "cpam_sans_mt.xlsx"), "--mapping", str(CPAM_MAPPING))
    dry = run_cli(nocodb, territory, *args, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "« TYPE_LISTE » → Fragilités" in dry.stdout and "Source = « CPAM » pour chaque ligne" in dry.stdout
    assert "2 ajouté(s), 0 mis à jour, 0 inchangé(s), 1 laissé(s) tel(s) quel(s)" in dry.stdout
    assert "--dry-run : rien n'a été écrit." in dry.stdout and territory.count(PATIENTS) == 3
    done = run_cli(nocodb, territory, *args)
    assert done.returncode == 0, done.stderr
    stored = patients(territory)
    assert stored["BERNARD JEANNE"].source == "CPAM" and stored["BERNARD JEANNE"].fragilities == ["70 ans et plus"]
    assert stored["Lefèvre Éloïse"] == eloise.model_copy(update={"objection": True})  # not overwritten
    assert any(
        r.what and r.what.startswith("./cpts import patients · cpam_sans_mt.xlsx") for r in journal_rows(territory)
    )
    again = run_cli(nocodb, territory, *args)
    assert "Aucun changement : la base est déjà à jour avec ce fichier." in again.stdout


def test_the_command_refuses_in_french_and_writes_nothing(nocodb, territory: Base, waiting_done: SheetImport) -> None:
    count = territory.count(PATIENTS)
    refused = run_cli(nocodb, territory, "import", "patients", str(DATA / "liste_attente_refus.xlsx"))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert (
        "Patients — Ligne 6, champ « Code postal » : le code postal 05500 dessert plusieurs communes" in refused.stderr
    )
    assert "8 valeur(s) refusée(s) : rien n'a été écrit." in refused.stderr
    missing = run_cli(nocodb, territory, "import", "members", str(DATA / "membres.xlsx"), "--sheet", "Tarifs")
    assert missing.returncode == 1 and "n'a pas de feuille « Tarifs »" in missing.stderr
    assert territory.count(PATIENTS) == count


def test_a_row_seeking_another_profession_adds_a_request_for_the_same_person(
    territory: Base, waiting_done: SheetImport
) -> None:
    """A Patients row is one request: Nguyen Thi (liste_attente.csv) is matched by name, birth date and profession
    sought. Her request made without a profession (a médecin traitant) is the one a « Médecin traitant » row
    updates; a row seeking a kiné adds a second request instead of turning the first into it."""
    [first] = [p for p in records.load(territory, PATIENTS).records if p.last_name == "Nguyen"]
    records.patch(territory, PATIENTS, [first.model_copy(update={"profession_sought": None})], ["profession_sought"])
    text = (
        "Nom;Prénom;Date de naissance;Code postal;Profession recherchée\r\n"
        "Nguyen;Thi;03/11/1985;92170;Kiné\r\n"
        "NGUYEN;Thi;03/11/1985;92170;Médecin traitant\r\n"
    )
    sheet = read_file(text.encode("utf-8"), "demandes.csv", PATIENTS, LIMIT)
    plan = prepare(territory, PATIENTS, sheet, proposed_mapping(PATIENTS, sheet, Path("/none")), date.today())
    assert plan.problems == []
    [(updated, attrs)] = plan.changes.updated
    assert (updated.id, attrs, [p.profession_sought for p in plan.changes.added]) == (
        first.id,
        ("profession_sought",),
        ["Masseur-kinésithérapeute"],
    )
    import_rows(territory, plan)
    stored = {p.profession_sought: p for p in records.load(territory, PATIENTS).records if p.last_name == "Nguyen"}
    assert set(stored) == {"Médecin généraliste (médecin traitant)", "Masseur-kinésithérapeute"}
    assert stored["Médecin généraliste (médecin traitant)"].code == first.code
    assert stored["Masseur-kinésithérapeute"].code not in {first.code, None}
