"""`store.records.read_columns` (a table's rows read a column at a time, for the shared copy) gives exactly
what `row_reader` gives row by row, for every table and any raw value NocoDB may hand back."""

from __future__ import annotations

import random
from typing import Any

import pandas as pd
import pytest

from schema.fields import Kind
from schema.models import TABLES
from store.base import TableHandle
from store.records import patched_frame, read_columns, read_fields, row_reader, to_frame

RAW = [None, "", "a", "a,b", ",a,,b,", "Oui", 0, 1, 2, "1", "0", "true", True, False, 3.5, "2024-05-06",
       "2024-05-06 10:11:12+00:00", {"id": 4}, {"Id": 7}, [], ["x"], "  espaces  "]  # fmt: skip


@pytest.mark.parametrize("spec", TABLES, ids=lambda spec: spec.key)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_read_columns_is_row_reader_on_every_column(spec: Any, seed: int) -> None:
    rng = random.Random(seed)
    links = [f.title for f in spec.fields if f.kind is Kind.LINK]
    fk_titles = {title: f"nc_{index}_id" for index, title in enumerate(links) if rng.random() < 0.5}
    handle = TableHandle(spec, "t", fk_titles)
    keys = ["Id", *(key for key in read_fields(handle) if key != "Id")]
    keys = [key for key in keys if rng.random() < 0.9 or key == "Id"]  # a key missing reads as empty
    rows = [(index, *(rng.choice(RAW) for _ in keys[1:])) for index in range(1, 200)]
    read = row_reader(handle)
    assert read_columns(handle, keys, rows) == [read(dict(zip(keys, row, strict=True))) for row in rows]


def test_no_rows() -> None:
    assert read_columns(TableHandle(TABLES[0], "t", {}), ["Id"], []) == []


@pytest.fixture(scope="module")
def demo_records() -> dict[str, list[Any]]:
    from demo.generate import generate

    made = generate("small")
    return {key: [r.model_copy(update={"id": i}) for i, r in enumerate(rows, 1)] for key, rows in made.items()}


@pytest.mark.parametrize("spec", TABLES, ids=lambda spec: spec.key)
def test_a_patched_frame_is_the_frame_of_the_changed_records(spec: Any, demo_records: dict[str, list[Any]]) -> None:
    records = demo_records[spec.key]
    if not records:
        pytest.skip("table vide dans la démo")
    rng = random.Random(7)
    chosen = rng.sample(range(len(records)), min(5, len(records)))
    donors = [records[rng.randrange(len(records))] for _ in chosen]
    changed = [donor.model_copy(update={"id": records[i].id}) for i, donor in zip(chosen, donors, strict=True)]
    after = list(records)
    for i, record in zip(chosen, changed, strict=True):
        after[i] = record
    patched = patched_frame(to_frame(spec, records), spec, changed)
    assert patched is not None
    pd.testing.assert_frame_equal(patched, to_frame(spec, after))


def test_a_record_not_in_the_frame_is_not_patched(demo_records: dict[str, list[Any]]) -> None:
    spec = TABLES[0]
    records = demo_records[spec.key]
    stranger = records[0].model_copy(update={"id": 10_000_000})
    assert patched_frame(to_frame(spec, records), spec, [stranger]) is None
