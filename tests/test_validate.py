"""The columnar validation of rows read from NocoDB gives exactly what pydantic gives row by row: same records
(values and their types), same problems in the same order, over random valid and hostile rows of every table."""

from __future__ import annotations

import math
import pickle
import random
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError, model_validator

from domain.problems import Problem
from schema.fields import FieldSpec, Kind, Record, TableSpec, column
from schema.models import PATIENTS, TABLES, Patient, Sex
from store import records as store_records
from store.records import validate_row
from store.validate import validate_read

ROWS = 200  # per table and per level of hostility
HOSTILE = [
    None,
    "",
    "   ",
    " Homme ",
    "\x1cP-000001",
    "P-000001\x1f",
    "\u3000Tous\u3000",
    "ALD\n",
    "\u200bx",
    "12",
    "12.5",
    "oui",
    "true",
    12,
    0,
    -1,
    3.0,
    2.5,
    -0.0,
    float("nan"),
    float("inf"),
    10**20,
    True,
    False,
    Decimal("1.5"),
    [],
    ["ALD"],
    ["ALD", 3],
    ["Inconnue"],
    [" ALD "],
    [None],
    ("ALD",),
    {"id": 3},
    "2026-02-30",
    "2026-1-5",
    "0000-01-01",
    "2026-01-05T00:00:00",
    "2026-01-05 10:00:00+02:00",
    "2026-01-05T10:00:00Z",
    "2026-01-05 10:00:00",
    "pas une date",
    date(2026, 1, 5),
    datetime(2026, 1, 5),
    datetime(2026, 1, 5, 10, tzinfo=UTC),
    Sex.FEMALE,
    "P-٠٠٠٠٠١",
    "P-123456\n",
    "2A004",
    "2C004",
    "92040 ",
    "1234567890",
    "123456789012",
]


def valid_value(rng: random.Random, field: FieldSpec) -> Any:
    """A value NocoDB would give for this field, after `row_reader`, that the spec accepts (mostly)."""
    if field.kind not in (Kind.CHECKBOX, Kind.MULTI_SELECT) and rng.random() < 0.2:
        return None  # an empty field
    options = [str(option) for option in field.options]  # plain texts, as NocoDB gives them (not StrEnums)
    if field.kind is Kind.MULTI_SELECT:
        return rng.sample(options, rng.randint(0, min(3, len(options))))
    if options:
        return rng.choice(options)
    if field.kind is Kind.CHECKBOX:
        return rng.random() < 0.5
    if field.kind in (Kind.NUMBER, Kind.LINK):
        return rng.choice([0, 1, 2, 3, 4, 7, 12, 99, 100, 101, 1999, 2000, 2026, 2100, 2101, -3])
    if field.kind in (Kind.DECIMAL, Kind.CURRENCY):
        return rng.choice([0, 1, 250, 0.1, 1.5, 2.675, 12000.0, 123456.789, -2, -0.5])
    if field.kind is Kind.DATE:
        return (date(1930, 1, 1) + timedelta(days=rng.randint(0, 40_000))).isoformat()
    if field.kind is Kind.DATETIME:
        moment = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randint(0, 10**7))
        return rng.choice([str(moment), moment.isoformat(), moment.isoformat().replace("+00:00", "Z")])
    return text_value(rng, field)


def text_value(rng: random.Random, field: FieldSpec) -> str:
    digits = "".join(rng.choice("0123456789") for _ in range(11))
    if field.attr == "rpps":
        return digits
    if field.attr == "insee_code":
        return rng.choice([digits[:5], "2A" + digits[:3], "2B" + digits[:3]])
    if field.attr == "code":
        return f"P-{digits[:6]}"
    return rng.choice(["Martin", "Dupont", "Léa", "06 12 34 56 78", "x", "Médecine générale", f"n° {digits}"])


def random_rows(spec: TableSpec[Any], seed: int, hostility: float) -> list[dict[str, Any]]:
    """Rows as `row_reader` gives them; each value hostile with probability `hostility`, some keys missing or
    unknown when hostile."""
    rng = random.Random(seed)
    rows = []
    for number in range(1, ROWS + 1):
        row: dict[str, Any] = {"id": number if rng.random() >= hostility else rng.choice(HOSTILE)}
        for field in spec.fields:
            if rng.random() < hostility / 10:
                continue  # missing: pydantic gives the default
            row[field.attr] = rng.choice(HOSTILE) if rng.random() < hostility else valid_value(rng, field)
        if rng.random() < hostility:
            row["Inconnu"] = rng.choice(HOSTILE)
        rows.append(row)
    return rows


def assert_same(spec: TableSpec[Any], rows: list[dict[str, Any]]) -> list[Problem]:
    """validate_read gives what validate_row gives row by row; returns the problems found."""
    expected = [validate_row(spec, row) for row in rows]
    got, problems = validate_read(spec, rows)
    assert len(got) == len(rows)
    for row, (want, _), record in zip(rows, expected, got, strict=True):
        assert type(record) is type(want)
        assert record == want, row
        assert shape(record.__dict__) == shape(want.__dict__), row
        assert record.model_dump() == want.model_dump(), row
        assert record.model_fields_set == want.model_fields_set, row
    assert problems == [p for _, found in expected for p in found]
    return problems


def shape(value: Any) -> Any:
    """A value with the type of every part of it (NaN compared as a text)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value]
    if isinstance(value, datetime):
        return (type(value), value, type(value.tzinfo), value.utcoffset())
    if isinstance(value, float | Decimal) and not math.isfinite(value):
        return (type(value), str(value))
    return (type(value), str(value) if isinstance(value, Decimal) else value)


@pytest.mark.parametrize("spec", TABLES, ids=[spec.key for spec in TABLES])
@pytest.mark.parametrize("hostility", [0.0, 0.01, 0.1, 0.4])
def test_same_as_pydantic_row_by_row(spec: TableSpec[Any], hostility: float) -> None:
    problems = assert_same(
        spec, random_rows(spec, seed=TABLES.index(spec) * 100 + int(hostility * 100), hostility=hostility)
    )
    if hostility >= 0.1:
        assert problems, "hostile rows must have been refused somewhere"


def test_valid_rows_are_not_validated_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """The point of it: rows whose values are all valid never reach pydantic; a row in doubt does."""
    rows = [r for r in random_rows(PATIENTS, seed=7, hostility=0.0) if validate_row(PATIENTS, r)[1] == []]
    rows[3] = {**rows[3], "sex": "Inconnu"}
    checked: list[dict[str, Any]] = []

    def spy(spec: TableSpec[Any], values: dict[str, Any]) -> Any:
        checked.append(values)
        return validate_row(spec, values)

    monkeypatch.setattr(store_records, "validate_row", spy)
    records, problems = validate_read(PATIENTS, rows)
    assert checked == [rows[3]]
    assert [(p.id, p.field) for p in problems] == [(rows[3]["id"], "Sexe")]
    assert records[3].sex is None and records[2].sex == rows[2]["sex"]


def test_built_records_behave_like_validated_ones() -> None:
    row = {
        **Patient().model_dump(),  # every field: a row lacking one is left to pydantic
        "id": 5,
        "code": "P-000005",
        "birth_date": "1950-03-04",
        "sex": "Femme",
        "fragilities": ["ALD"],
        "consent": True,
        "gp": 12,
    }
    [built], _ = validate_read(PATIENTS, [row])
    validated = Patient.model_validate(row)
    assert built == validated
    assert pickle.loads(pickle.dumps(built)) == validated  # what st.cache_data does
    assert built.model_copy(update={"gp": None}) == validated.model_copy(update={"gp": None})
    assert built.fragilities is not row["fragilities"]  # a list of its own, as pydantic gives
    built.status = "En attente"  # assignment still validated
    assert built.status == "En attente"
    with pytest.raises(ValidationError):
        built.sex = "Inconnu"
    assert built.model_fields_set == validated.model_fields_set | {"status"} == set(Patient.model_fields)


class Checked(Record):
    """A model with a rule the columnar checks do not know: its rows are validated by pydantic."""

    name: str | None = column("Nom", Kind.TEXT)
    age: int | None = column("Âge", Kind.NUMBER, ge=0)

    @model_validator(mode="after")
    def _named_if_aged(self) -> Checked:
        if self.age is not None and not self.name:
            raise ValueError("un âge sans nom")
        return self


def test_a_model_with_other_validators_is_validated_by_pydantic() -> None:
    spec = TableSpec("checked", "Vérifiés", Checked)
    rows = [
        {"id": 1, "name": "Léa", "age": 3},
        {"id": 2, "name": "B", "age": None},
        {"id": 3, "name": " A ", "age": -1},
    ]
    problems = assert_same(spec, rows)
    assert [p.id for p in problems] == [3]


def test_odd_values_of_one_column() -> None:
    """Values that look valid to Python but not to pydantic (or the reverse) stay pydantic's call."""
    codes = ["P-000001", "\x1cP-000002", "P-000003\n", "P-٠٠٠٠٠٤", " P-000005 "]
    assert_same(PATIENTS, full_rows(PATIENTS, "code", codes))
    assert_same(PATIENTS, full_rows(PATIENTS, "birth_date", ["2024-02-29", "2023-02-29", "2024-13-01", None]))
    indicators = next(spec for spec in TABLES if spec.key == "indicators")
    assert_same(indicators, full_rows(indicators, "target", [0.0, -0.0, 1.5, None]))  # -0.0 == 0.0, not the same
    assert_same(indicators, full_rows(indicators, "target", [0, 1.0, 2, None]))
    aware = datetime(2026, 1, 5, 10, tzinfo=timezone(timedelta(hours=2)))
    journal = next(spec for spec in TABLES if spec.key == "access_log")  # not TABLES[-1]: tables are added at the end
    assert_same(journal, full_rows(journal, "at", ["2026-01-05 10:00:00+02:00", aware, "2026-01-05", None]))
    assert_same(journal, full_rows(journal, "at", ["2026-01-05 10:00:00+02:00", "2026-01-05T08:00:00Z"]))


def full_rows(spec: TableSpec[Any], attr: str, values: list[Any]) -> list[dict[str, Any]]:
    """Rows with every field (a row lacking one is left to pydantic), differing by one attribute."""
    empty = spec.model().model_dump()
    return [{**empty, "id": i, attr: value} for i, value in enumerate(values, start=1)]
