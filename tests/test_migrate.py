"""The migration on a real NocoDB: creates the base, is idempotent, adds what is missing, reports drift."""

from __future__ import annotations

from schema.models import MEMBERS, PATIENTS, TABLES
from store.base import Base
from store.migrate import migrate


def columns(base: Base, title: str) -> dict[str, dict]:
    table_id = {t["title"]: t["id"] for t in base.client.tables(base.id)}[title]
    return {c["title"]: c for c in base.client.table(table_id)["columns"]}


def test_fresh_base_has_every_table_and_field(base: Base) -> None:
    titles = {t["title"] for t in base.client.tables(base.id)}
    assert {spec.title for spec in TABLES} <= titles
    for spec in TABLES:
        present = columns(base, spec.title)
        for field in spec.fields:
            assert field.title in present, f"{spec.title}.{field.title}"
    link = columns(base, PATIENTS.title)["Médecin traitant"]
    assert link["colOptions"]["type"] == "bt"


def test_second_run_changes_nothing(base: Base) -> None:
    report = migrate(base.client, base.id)
    assert not report.changed
    assert report.drift == []
    assert report.lines() == ["Schéma à jour : aucun changement."]


def test_missing_field_and_option_are_added_and_data_kept(base: Base) -> None:
    table_id = base.handle(MEMBERS).id
    member = base.client.insert(table_id, [{"Nom": "Durand", "Profession": "Infirmier"}])[0]
    profession = columns(base, MEMBERS.title)["Profession"]
    kept = [o for o in profession["colOptions"]["options"] if o["title"] != "Orthoptiste"]
    body = {"title": "Profession", "column_name": profession["column_name"], "uidt": "SingleSelect"}
    base.client.update_column(profession["id"], {**body, "colOptions": {"options": kept}})
    base.client.request("DELETE", f"/api/v2/meta/columns/{columns(base, MEMBERS.title)['Langues']['id']}")

    report = migrate(base.client, base.id)

    assert report.added_fields == ["Membres.Langues"]
    assert report.added_options == ["Membres.Profession (Orthoptiste)"]
    options = [o["title"] for o in columns(base, MEMBERS.title)["Profession"]["colOptions"]["options"]]
    assert "Orthoptiste" in options and "Infirmier" in options
    rows = base.client.records(base.id, table_id, where=f"(Id,eq,{member})")
    assert rows[0]["Profession"] == "Infirmier"
    assert not migrate(base.client, base.id).changed


def test_retyped_and_unknown_fields_are_reported_not_touched(base: Base) -> None:
    table_id = base.handle(PATIENTS).id
    notes = columns(base, PATIENTS.title)["Notes"]
    base.client.update_column(
        notes["id"], {"title": "Notes", "column_name": notes["column_name"], "uidt": "SingleLineText"}
    )
    base.client.add_column(table_id, {"title": "Mon champ à moi", "column_name": "mine", "uidt": "SingleLineText"})
    base.client.insert(table_id, [{"Code": "P-000042", "Notes": "à garder", "Mon champ à moi": "aussi"}])

    dry = migrate(base.client, base.id, apply=False)
    report = migrate(base.client, base.id)

    assert [str(d) for d in dry.drift] == [str(d) for d in report.drift]
    problems = {(d.table, d.field): d.problem for d in report.drift}
    assert problems[("Patients", "Notes")] == "type SingleLineText au lieu de LongText"
    assert "hors schéma" in problems[("Patients", "Mon champ à moi")]
    assert not (report.created_tables or report.added_fields or report.added_options)
    # NocoDB shows a new field in the public form: the migration hides it (schema.forms)
    assert (
        dry.forms
        == report.forms
        == ["Formulaire Demande de médecin traitant : champ masqué au public : Mon champ à moi"]
    )
    assert not migrate(base.client, base.id).changed
    after = columns(base, PATIENTS.title)
    assert after["Notes"]["uidt"] == "SingleLineText"
    assert "Mon champ à moi" in after
    row = base.client.records(base.id, table_id, where='(Code,eq,"P-000042")')[0]
    assert (row["Notes"], row["Mon champ à moi"]) == ("à garder", "aussi")


def test_missing_table_is_created_in_a_partial_base(nocodb) -> None:
    client = nocodb.client()
    base_id = client.create_base("Test base partielle")["id"]
    try:
        client.create_table(base_id, {"title": "Membres", "table_name": "members", "columns": [
            {"title": "Nom", "column_name": "last_name", "uidt": "SingleLineText"}]})  # fmt: skip
        planned = migrate(client, base_id, apply=False)
        assert "Membres" not in planned.created_tables and "Patients" in planned.created_tables
        assert {t["title"] for t in client.tables(base_id)} == {"Membres"}
        report = migrate(client, base_id)
        assert set(report.created_tables) == {spec.title for spec in TABLES} - {"Membres"}
        assert "Membres.RPPS" in report.added_fields
        assert not migrate(client, base_id).changed
    finally:
        client.delete_base(base_id)
