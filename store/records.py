"""Records between NocoDB and Python: read a table into validated records and a typed DataFrame,
write records back. Invalid rows are reported (table, Id, field, reason), never dropped, never a crash.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic

from pydantic import ValidationError

from domain.problems import Problem
from schema.fields import FieldSpec, Kind, R, Record, TableSpec, french_reason
from store import validate
from store.base import Base, TableHandle

if TYPE_CHECKING:
    import pandas as pd  # imported by the functions making frames: `./cpts match` needs none

DTYPES = {
    Kind.NUMBER: "Int64",
    Kind.LINK: "Int64",
    Kind.CHECKBOX: "boolean",
    Kind.DECIMAL: "Float64",
    Kind.CURRENCY: "Float64",
    Kind.DATE: "datetime64[ns]",
    Kind.DATETIME: "datetime64[ns, UTC]",
    Kind.MULTI_SELECT: "object",
    Kind.ATTACHMENT: "object",
}


@dataclass
class Loaded(Generic[R]):
    """A table read from NocoDB: its records (of the spec's model) and the problems found in them."""

    spec: TableSpec[R]
    records: list[R]
    problems: list[Problem] = field(default_factory=list)
    built: pd.DataFrame | None = field(default=None, repr=False)  # the frame, when already made

    @property
    def frame(self) -> pd.DataFrame:
        """The records as a typed DataFrame, built once: callers that change it take a `.copy()` first
        (cheap with pandas' copy-on-write)."""
        if self.built is None:
            self.built = to_frame(self.spec, self.records)
        return self.built


# -- NocoDB -> Python --------------------------------------------------------------------------


def row_reader(handle: TableHandle) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A function giving the attributes of one NocoDB row (as the client returns it), before validation.
    What to read for each field is worked out once per table, not once per row."""
    fk_titles = handle.fk_titles
    plan = [
        (spec.attr, fk_titles.get(spec.title, spec.title), spec, spec.kind is Kind.LINK and spec.title not in fk_titles)
        for spec in handle.spec.fields
    ]

    def read(row: dict[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {"id": row.get("Id")}
        for attr, key, spec, nested in plan:
            raw = row.get(key)
            values[attr] = _from_value(spec, _linked_id(raw) if nested else raw)
        return values

    return read


def read_columns(handle: TableHandle, keys: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """What `row_reader` gives for each of these rows (tuples of the values under `keys`, "Id" first), worked
    out a column at a time: one comprehension per field instead of a function call per value."""
    position = {key: index for index, key in enumerate(keys)}
    fk_titles = handle.fk_titles
    transposed = list(zip(*rows, strict=True)) or [() for _ in keys]
    names, columns = ["id"], [list(transposed[0])]
    for spec in handle.spec.fields:
        key = fk_titles.get(spec.title, spec.title)
        index = position.get(key)
        column = [None] * len(rows) if index is None else list(transposed[index])
        if spec.kind is Kind.LINK and spec.title not in fk_titles:
            column = [_linked_id(value) for value in column]
        names.append(spec.attr)
        columns.append(_from_column(spec, column))
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def _from_column(spec: FieldSpec, column: list[Any]) -> list[Any]:
    """`_from_value` over a whole column."""
    if spec.kind is Kind.MULTI_SELECT:
        return [
            [] if v is None or v == "" else [p for p in v.split(",") if p] if isinstance(v, str) else v for v in column
        ]
    if spec.kind is Kind.CHECKBOX:
        return [
            None if v is None or v == "" else v in (1, "1", "true", True) if isinstance(v, int | str) else v
            for v in column
        ]
    if spec.kind is Kind.DATE:
        return [None if v is None or v == "" else v[:10] if isinstance(v, str) else v for v in column]
    if spec.kind is Kind.ATTACHMENT:
        return [_from_value(spec, v) for v in column]
    return [None if v is None or v == "" else v for v in column]


def _linked_id(value: Any) -> Any:
    if isinstance(value, dict):
        return value.get("id", value.get("Id"))
    return value


def _from_value(spec: FieldSpec, raw: Any) -> Any:
    if raw is None or raw == "":
        return [] if spec.kind is Kind.MULTI_SELECT else None
    if spec.kind is Kind.MULTI_SELECT and isinstance(raw, str):
        return [part for part in raw.split(",") if part]
    if spec.kind is Kind.CHECKBOX and isinstance(raw, int | str):
        return raw in (1, "1", "true", True)
    if spec.kind is Kind.DATE and isinstance(raw, str):
        return raw[:10]
    if spec.kind is Kind.ATTACHMENT and isinstance(raw, str):
        try:
            return json.loads(raw)  # the SQLite copy keeps the JSON text
        except ValueError:
            return raw  # refused by the model, reported like any bad value
    return raw


def validate_row(spec: TableSpec[R], values: dict[str, Any]) -> tuple[R, list[Problem]]:
    """Validate one row; fields that fail are emptied and reported, the row itself is kept."""
    try:
        return spec.model.model_validate(values), []
    except ValidationError as error:
        fields = {f.attr: f for f in spec.fields}
        problems, bad = [], set()
        for item in error.errors():
            attr = str(item["loc"][0]) if item["loc"] else ""
            bad.add(attr)
            field = fields.get(attr)
            reason = french_reason(item)
            if field and field.description and item["type"] == "string_pattern_mismatch":
                reason += f" ({field.description})"
            problems.append(Problem(spec.title, values.get("id"), field.title if field else attr, reason))
        cleaned = {k: v for k, v in values.items() if k not in bad}  # emptied fields take their default
        return spec.model.model_validate(cleaned), problems


def duplicates(spec: TableSpec[R], records: Sequence[R]) -> list[Problem]:
    """Values of unique fields found on more than one row."""
    problems = []
    for unique in (f for f in spec.fields if f.unique):
        seen: dict[Any, int | None] = {}
        for record in records:
            value = getattr(record, unique.attr)
            if value is None:
                continue
            if value in seen:
                reason = f"« {value} » est déjà utilisé (ligne Id {seen[value]})"
                problems.append(Problem(spec.title, record.id, unique.title, reason))
            else:
                seen[value] = record.id
    return problems


def read_fields(handle: TableHandle) -> list[str]:
    """The NocoDB fields `load` asks for: the spec's, with links read from their foreign-key column
    (cheaper than NocoDB's nested link objects; reverse-link counts are not asked for at all)."""
    return [handle.fk_titles.get(f.title, f.title) for f in handle.spec.fields]


def row_keys(handle: TableHandle) -> list[str]:
    """The keys of a row of the table as the copy reads it (`read_fields`), "Id" first."""
    return ["Id", *(key for key in read_fields(handle) if key != "Id")]


def load(base: Base, spec: TableSpec[R], where: str | None = None) -> Loaded[R]:
    """Read a table (every page) into validated records (a column at a time: `store.validate`); problems are
    collected, not raised."""
    handle = base.handle(spec)
    read = row_reader(handle)
    records: list[R] = []
    problems: list[Problem] = []
    for page in base.client.pages(base.id, handle.id, where=where, fields=read_fields(handle)):
        page_records, page_problems = validate.validate_read(spec, [read(row) for row in page])
        records.extend(page_records)
        problems.extend(page_problems)
    problems.extend(duplicates(spec, records))
    return Loaded(spec, records, problems)


def to_frame(spec: TableSpec[R], records: Sequence[R]) -> pd.DataFrame:
    """Records as a DataFrame with one column per attribute and proper dtypes."""
    import pandas as pd
    from pandas.api.types import pandas_dtype

    columns = ["id", *(f.attr for f in spec.fields)]
    frame = pd.DataFrame({attr: [getattr(r, attr) for r in records] for attr in columns}, columns=columns)
    frame["id"] = frame["id"].astype("Int64")
    for f in spec.fields:
        dtype = DTYPES.get(f.kind, "string")
        if dtype.startswith("datetime64"):
            utc = "UTC" in dtype
            frame[f.attr] = pd.to_datetime(frame[f.attr], utc=utc).astype(pandas_dtype(dtype))
        elif dtype != "object":
            frame[f.attr] = frame[f.attr].astype(pandas_dtype(dtype))
    return frame


def patched_frame(frame: pd.DataFrame, spec: TableSpec[R], changed: Sequence[R]) -> pd.DataFrame | None:
    """`frame` (of `to_frame`) with the rows of these records, already in it, replaced: what `to_frame` would
    give for the whole table, without building it again. None when a record is not in the frame."""
    import pandas as pd

    update = to_frame(spec, changed)
    positions = pd.Index(frame["id"]).get_indexer(update["id"])
    if (positions < 0).any():
        return None
    patched = frame.copy()
    for column in frame.columns:
        values = frame[column].array.copy()
        values[positions] = update[column].array
        patched[column] = values
    return patched


# -- Python -> NocoDB --------------------------------------------------------------------------


def to_payload(handle: TableHandle, record: Record, *, skip_empty: bool = False) -> dict[str, Any]:
    """One record as the v2 data API takes it: field titles, ISO dates, "a,b" multi-selects, FK ids."""
    payload: dict[str, Any] = {}
    if record.id is not None:
        payload["Id"] = record.id
    for spec in handle.spec.fields:
        value = getattr(record, spec.attr)
        if skip_empty and (value is None or value == []):
            continue
        key = handle.fk_titles[spec.title] if spec.kind is Kind.LINK else spec.title
        payload[key] = _to_value(value)
    return payload


def _to_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list) and any(isinstance(item, dict) for item in value):
        return value  # attachments
    if isinstance(value, list):
        return ",".join(value) or None
    return value


def insert(base: Base, spec: TableSpec[R], records: Sequence[R]) -> list[int]:
    """Insert new records (their `id` is ignored), links as foreign keys; all or nothing: a failure removes
    what was written. Use cases go through `services.writes.insert`, which checks the table's rules first."""
    handle = base.handle(spec)
    rows = [to_payload(handle, record, skip_empty=True) for record in records]
    for row in rows:
        row.pop("Id", None)  # new records: NocoDB gives the Id
    return base.client.insert(handle.id, rows)


def update(base: Base, spec: TableSpec[R], records: Sequence[R]) -> None:
    """Write every field of existing records (each with its `id`)."""
    handle = base.handle(spec)
    missing = [r for r in records if r.id is None]
    if missing:
        raise ValueError(f"{spec.title} : mise à jour d'un enregistrement sans Id.")
    base.client.update(handle.id, [to_payload(handle, r) for r in records])


def patch(base: Base, spec: TableSpec[R], records: Sequence[R], attrs: Sequence[str]) -> None:
    """Write only these attributes of existing records (each with its `id`): the other fields, which a
    coordinator may be editing in the grid at the same time, are left as they are in NocoDB."""
    handle = base.handle(spec)
    if any(r.id is None for r in records):
        raise ValueError(f"{spec.title} : mise à jour d'un enregistrement sans Id.")
    fields = {f.attr: f for f in spec.fields}
    keys = {"Id", *(handle.fk_titles.get(fields[a].title, fields[a].title) for a in attrs)}
    rows = [{k: v for k, v in to_payload(handle, r).items() if k in keys} for r in records]
    base.client.update(handle.id, rows)
