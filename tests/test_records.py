"""Reading and writing records on a real NocoDB: normalisation, dtypes, invalid rows reported."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from pydantic import ValidationError

from schema.models import ACTIONS, MEMBERS, PATIENTS, Action, Member, Patient
from store import records
from store.base import Base


@pytest.fixture(scope="module")
def doctor(base: Base) -> int:
    member = Member(
        last_name="Martin",
        first_name="Claire",
        profession="Médecin",
        specialty="Médecine générale",
        rpps="10101010101",
        member_since=date(2024, 1, 15),
        populations_accepted=["ALD", "70 ans et plus"],
        accepts_new_patients=True,
        monthly_capacity=4,
    )
    return records.insert(base, MEMBERS, [member])[0]


def test_round_trip_normalises_values(base: Base, doctor: int) -> None:
    patient = Patient(
        code="P-000001",
        birth_date=date(1948, 5, 2),
        fragilities=["ALD", "70 ans et plus"],
        reduced_mobility=True,
        status="MT trouvé",
        gp=doctor,
        found_date=date(2026, 3, 1),
    )
    records.insert(base, PATIENTS, [patient])
    loaded = records.load(base, PATIENTS)
    assert loaded.problems == []
    (back,) = loaded.records
    assert back.model_dump(exclude={"id"}) == patient.model_dump(exclude={"id"})
    member = records.load(base, MEMBERS).records[0]
    assert member.populations_accepted == ["ALD", "70 ans et plus"]
    assert member.accepts_new_patients is True and member.home_visits is False


def test_frame_has_proper_dtypes(base: Base, doctor: int) -> None:
    records.insert(base, ACTIONS, [Action(number=1, title="Numéro unique MT", budget=Decimal("1500.50"), pilot=doctor)])
    frame = records.load(base, ACTIONS).frame
    assert str(frame["number"].dtype) == "Int64"
    assert str(frame["pilot"].dtype) == "Int64" and frame["pilot"].iloc[0] == doctor
    assert str(frame["budget"].dtype) == "Float64" and frame["budget"].iloc[0] == 1500.5
    members = records.load(base, MEMBERS).frame
    assert str(members["member_since"].dtype) == "datetime64[ns]"
    assert members["member_since"].iloc[0] == pd.Timestamp("2024-01-15")
    assert str(members["active"].dtype) == "boolean"
    assert members["populations_accepted"].iloc[0] == ["ALD", "70 ans et plus"]


def test_invalid_rows_typed_in_the_grid_are_reported_not_dropped(base: Base) -> None:
    table_id = base.handle(MEMBERS).id
    bad_id = base.client.insert(table_id, [{"Nom": "Saisie", "RPPS": "12345", "Capacité mensuelle": -3}])[0]
    twin_id = base.client.insert(table_id, [{"Nom": "Doublon", "RPPS": "10101010101"}])[0]
    loaded = records.load(base, MEMBERS)
    assert bad_id in {r.id for r in loaded.records}  # the row is kept
    found = {(p.table, p.id, p.field) for p in loaded.problems}
    assert ("Membres", bad_id, "RPPS") in found
    assert ("Membres", bad_id, "Capacité mensuelle") in found
    assert ("Membres", twin_id, "RPPS") in found
    message = next(str(p) for p in loaded.problems if p.id == bad_id and p.field == "RPPS")
    assert message == f"Membres, ligne Id {bad_id}, champ « RPPS » : « 12345 » n'a pas le format attendu (11 chiffres)"
    kept = next(r for r in loaded.records if r.id == bad_id)
    assert kept.rpps is None and kept.last_name == "Saisie"
    base.client.delete(table_id, [bad_id, twin_id])


def test_models_refuse_bad_input_before_any_write() -> None:
    with pytest.raises(ValidationError, match="rpps"):
        Member(last_name="X", rpps="123")
    with pytest.raises(ValidationError, match="n'est pas une option"):
        Patient(code="P-000009", fragilities=["ALD", "Inconnue"])
    with pytest.raises(ValidationError):
        Patient(code="123")


def test_update_writes_back(base: Base) -> None:
    loaded = records.load(base, PATIENTS)
    patient = loaded.records[0].model_copy(
        update={"status": "Clos", "closed_date": date(2026, 11, 1), "fragilities": []}
    )
    records.update(base, PATIENTS, [patient])
    again = records.load(base, PATIENTS).records[0]
    assert (again.status, again.closed_date, again.fragilities) == ("Clos", date(2026, 11, 1), [])


def test_rows_linked_to_different_records_in_one_request_keep_their_own_link(base: Base, doctor: int) -> None:
    """NocoDB resolves the links of many rows at once (nocodb/batch_row_links.js): each row still gets its own
    linked record, when written and when NocoDB itself shows the link (its nested value on a v2 read)."""
    others = records.insert(base, MEMBERS, [Member(last_name=f"Autre {i}", profession="Médecin") for i in range(3)])
    doctors = [doctor, *others, None]
    patients = [Patient(code=f"P-1000{i:02d}", gp=doctors[i % len(doctors)]) for i in range(40)]
    ids = records.insert(base, PATIENTS, patients)
    by_id = {p.id: p for p in records.load(base, PATIENTS).records}
    assert [by_id[i].gp for i in ids] == [p.gp for p in patients]
    assert [by_id[i].code for i in ids] == [p.code for p in patients]
    names = {m.id: m.last_name for m in records.load(base, MEMBERS).records}
    table_id = base.handle(PATIENTS).id
    params = {"limit": 1000}
    shown = {
        row["Id"]: row["Médecin traitant"]
        for row in base.client.request("GET", f"/api/v2/tables/{table_id}/records", params=params)["list"]
    }
    for row_id, patient in zip(ids, patients, strict=True):
        linked = shown[row_id]
        assert (linked or {}).get("Id") == patient.gp, (row_id, linked)
        assert patient.gp is None or names[patient.gp] in linked.values()
    members = base.client.request("GET", f"/api/v2/tables/{base.handle(MEMBERS).id}/records", params=params)["list"]
    counts = {row["Id"]: row["Patients"] for row in members}  # the reverse field: how many patients link to each
    expected = {d: sum(p.gp == d for p in by_id.values()) for d in doctors if d is not None}
    assert {d: counts[d] for d in expected} == expected


def test_patch_writes_only_the_given_fields(base: Base) -> None:
    [member_id] = records.insert(base, MEMBERS, [Member(last_name="Avant", first_name="Anne", monthly_capacity=3)])
    stale = Member(id=member_id, last_name="Périmé", first_name="Anne", monthly_capacity=5)
    base.client.update(base.handle(MEMBERS).id, [{"Id": member_id, "Nom": "Modifié dans la grille"}])
    records.patch(base, MEMBERS, [stale], ["monthly_capacity"])
    [row] = [m for m in records.load(base, MEMBERS).records if m.id == member_id]
    assert (row.last_name, row.monthly_capacity) == ("Modifié dans la grille", 5)
