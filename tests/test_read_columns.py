"""`store.records.read_columns` (a table's rows read a column at a time, for the shared copy) gives exactly
what `row_reader` gives row by row, for every table and any raw value NocoDB may hand back."""

from __future__ import annotations

import random
from typing import Any

import pytest

from schema.fields import Kind
from schema.models import TABLES
from store.base import TableHandle
from store.records import read_columns, read_fields, row_reader

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
