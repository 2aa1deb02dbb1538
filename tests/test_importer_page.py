"""The page Importer on the real test NocoDB (AppTest, the file given through the file_uploader's test API):
columns mapped and corrected, every refusal listed and nothing written, a preview, one click to import, a
second upload changing nothing, the journal written, the mapping kept, a file over the limit refused."""

from __future__ import annotations

import pytest
from apptest import click, open_page, rerun, visible_text
from streamlit.testing.v1 import AppTest
from test_sheets import DATA

from domain.communes import commune, territory_row
from schema.models import ACCESS_LOG, PATIENTS, TERRITORY
from services import writes
from services.sheets import mapping_path, saved_mapping
from settings import Settings
from store import records
from store.base import Base

PAGE = "views/importer.py"
IMPORT = "Importer dans Patients"


@pytest.fixture(scope="module")
def territory(base: Base) -> Base:
    writes.insert(base, TERRITORY, [territory_row(commune("92040")), territory_row(commune("92075"))])
    return base


def uploaded(app: AppTest, name: str, data: bytes | None = None) -> AppTest:
    app.file_uploader[0].set_value((name, data if data is not None else (DATA / name).read_bytes(), "text/csv"))
    return rerun(app)


def texts(app: AppTest) -> str:
    shown = " ".join(e.value for e in [*app.markdown, *app.caption, *app.error, *app.success, *app.info])
    return visible_text(shown.replace("**", ""))


def test_refusals_listed_nothing_written(app_env: Base, territory: Base) -> None:
    app = uploaded(open_page(PAGE), "liste_attente_refus.xlsx")
    assert "8 valeur(s) refusée(s) : rien ne sera écrit." in texts(app)
    refused = app.dataframe[0].value
    assert list(refused.columns) == ["line", "field", "reason"] and len(refused) == 8
    assert (6, "Code postal") in set(zip(refused["line"], refused["field"], strict=True))
    assert not [b for b in app.button if b.label == IMPORT] and territory.count(PATIENTS) == 0


def test_upload_preview_import_then_nothing_to_change(app_env: Base, territory: Base) -> None:
    app = uploaded(open_page(PAGE), "liste_attente.csv")
    assert app.selectbox(key="map_patients_0_NOM DE NAISSANCE").value == "Nom"
    assert app.selectbox(key="map_patients_2_Date naiss.").value == "Date de naissance"
    preview = app.dataframe[0].value
    assert list(preview["Ligne"]) == [4, 6, 7] and preview["Date de naissance"].iloc[0] == "12/03/1948"
    assert "3 à ajouter, 0 à mettre à jour" in texts(app) and territory.count(PATIENTS) == 0
    app.selectbox(key="map_patients_8_Commentaire").set_value("(laisser de côté)")  # the coordinator corrects
    app = rerun(app)
    assert "Notes" not in app.dataframe[0].value.columns
    app = click(app, IMPORT)
    assert "Import terminé : liste_attente.csv : 3 ajouté(s), 0 mis à jour, 0 inchangé(s)." in texts(app)
    stored = records.load(territory, PATIENTS).records
    assert sorted(p.code for p in stored) == ["P-000001", "P-000002", "P-000003"]
    assert all(p.notes is None for p in stored) and {p.insee_code for p in stored} == {"92040", "05132", "92075"}
    journal = [r.what for r in records.load(territory, ACCESS_LOG).records]
    assert "Importer · liste_attente.csv : 3 ajouté(s), 0 mis à jour, 0 inchangé(s)" in journal
    assert "Importer · aperçu · liste_attente.csv" in journal
    kept = saved_mapping(Settings.from_env().data_dir, PATIENTS).columns
    assert kept["NOM DE NAISSANCE"] == "Nom" and kept["Commentaire"] is None
    assert mapping_path(Settings.from_env().data_dir, PATIENTS).stat().st_mode & 0o777 == 0o600
    again = uploaded(open_page(PAGE), "liste_attente.csv")
    assert "Aucun changement : la base est déjà à jour avec ce fichier." in texts(again)
    assert not [b for b in again.button if b.label == IMPORT] and territory.count(PATIENTS) == 3


def test_a_workbook_of_two_sheets_and_a_file_over_the_limit(
    app_env: Base, territory: Base, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_page(PAGE)
    app.radio[0].set_value("Membres")
    app = uploaded(rerun(app), "membres.xlsx")
    assert app.selectbox(key="sheet_membres.xlsx").options == ["Adhérents 2026", "Bureau"]
    assert "3 à ajouter" in texts(app) and "En-têtes lus ligne 3 ; 3 ligne(s) de données." in texts(app)
    app.selectbox(key="sheet_membres.xlsx").set_value("Bureau")
    app = rerun(app)
    assert "En-têtes lus ligne 1 ; 1 ligne(s) de données." in texts(app) and "1 à ajouter" in texts(app)
    monkeypatch.setenv("CPTS_IMPORT_MAX_MO", "1")
    big = b"Nom;Prenom\n" + b"Martin;Helene\n" * 80_000
    refused = uploaded(open_page(PAGE), "gros.csv", big)
    assert "Le fichier fait 1.1 Mo : 1 Mo au plus" in texts(refused)
