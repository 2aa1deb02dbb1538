"""The option sets code compares against are StrEnums (schema/models.py): each member is its French text
wherever a string was used — the NocoDB options, equality and `isin` in pandas, JSON, f-strings, sorting,
Arrow tables (what st.dataframe sends)."""

from __future__ import annotations

import json
from enum import StrEnum

import pandas as pd
import pyarrow as pa
import pytest

import schema.models
from schema.models import TABLES

ENUMS: tuple[type[StrEnum], ...] = tuple(
    value
    for value in vars(schema.models).values()
    if isinstance(value, type)
    and issubclass(value, StrEnum)
    and value.__module__ in ("schema.models", "schema.missions")
)


def test_every_enum_is_the_options_of_a_select_field() -> None:
    assert len(ENUMS) == 11
    options = {field.options for spec in TABLES for field in spec.fields if field.options}
    for enum in ENUMS:
        assert tuple(enum) in options, enum.__name__
        assert all(type(value) is not str for value in enum)  # members, compared as their text


@pytest.mark.parametrize("enum", ENUMS)
def test_a_member_is_its_french_text(enum: type[StrEnum]) -> None:
    member = next(iter(enum))
    text = str(member.value)
    assert member == text and f"{member}" == text and json.dumps([member]) == json.dumps([text])
    frame = pd.DataFrame({"status": [member, text, None]})
    assert list(frame["status"] == text) == [True, True, False]
    assert list(frame["status"].isin([member])) == [True, True, False]
    assert pa.Table.from_pandas(frame).column("status").to_pylist() == [text, text, None]
    assert sorted(enum) == sorted(str(m.value) for m in enum)


def test_a_record_keeps_an_option_as_its_plain_text() -> None:
    # A record built with members holds what NocoDB gives back: exact strings (fast in sets and comparisons).
    patient = schema.models.Patient(
        status=schema.models.PatientStatus.WAITING, fragilities=[schema.models.Fragility.ALD, "Isolement"]
    )
    assert type(patient.status) is str and patient.status == "En attente"
    assert [type(item) for item in patient.fragilities] == [str, str]
