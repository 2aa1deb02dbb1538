"""Validation of the rows read from NocoDB, a column at a time.

Reading a table validated every row through pydantic (`records.validate_row`); on a large base that cost
nearly as much as reading it. Here each field's whole column is checked at once, with conservative checks
run over its distinct values: a column passes when its values all have the exact type NocoDB gives (text,
integer, yes/no, ISO date...) and certainly pass the field's constraints (pattern, bounds, options). A column
that does not pass is checked value by value, and the rows holding a value in doubt go through
`validate_row`, so their records and problems are exactly pydantic's. The other rows are built without
validation, from the very values pydantic would have produced. What people type is still validated by
pydantic alone (`validate_row`, `domain.validation`).
"""

from __future__ import annotations

import math
import re
import types
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from itertools import chain
from operator import itemgetter
from typing import Any, Union, get_args, get_origin

from annotated_types import Ge, Le
from pydantic import TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from domain.collector import no_cycle_collection
from domain.problems import Problem
from schema.fields import R, Record, TableSpec
from store import records as store_records  # records.load uses this module: imported whole

# A column check: the column's values as pydantic gives them, and the positions of the values in doubt.
Check = Callable[[Sequence[Any]], tuple[list[Any], set[int]]]
Convert = Callable[[Any], Any]  # one value as pydantic gives it, or REFUSED when in doubt

REFUSED = object()
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Whitespace that both Python's `str.strip` and pydantic's `str_strip_whitespace` remove.
SHARED_WHITESPACE = " \t\n\r\x0b\x0c"
# The validators and settings of `Record` that the checks reproduce; a model with others is validated row by row.
KNOWN_VALIDATORS = {"_known_options"}
KNOWN_CONFIG = {"extra": "ignore", "validate_assignment": True, "str_strip_whitespace": True}


def validate_read(spec: TableSpec[R], rows: list[dict[str, Any]]) -> tuple[list[R], list[Problem]]:
    """The records of rows read from NocoDB (as `records.row_reader` gives them) and the problems found in them:
    exactly what `validate_row` gives row by row, a column at a time. (What people type — forms, imports — is
    checked by `domain.validation.validate_rows`, with the stricter input rules.)"""
    plan = _plan(spec.model)
    if plan is None or not rows:
        return _row_by_row(spec, rows, range(len(rows)))
    with no_cycle_collection():
        attrs = list(plan)
        table, doubtful = _columns(rows, attrs)
        columns = []
        for check, column in zip(plan.values(), table, strict=True):
            coerced, bad = check(column)
            columns.append(coerced)
            doubtful |= bad
        build = builder(spec.model, attrs)
        records = [build(values) for values in zip(*columns, strict=True)]
        positions = sorted(doubtful)
        checked, problems = _row_by_row(spec, rows, positions)
        for i, record in zip(positions, checked, strict=True):
            records[i] = record
    return records, problems


def _row_by_row(
    spec: TableSpec[R], rows: list[dict[str, Any]], positions: Sequence[int]
) -> tuple[list[R], list[Problem]]:
    """These rows validated by pydantic, one by one."""
    records: list[R] = []
    problems: list[Problem] = []
    for i in positions:
        record, found = store_records.validate_row(spec, rows[i])
        records.append(record)
        problems.extend(found)
    return records, problems


def _columns(rows: list[dict[str, Any]], attrs: list[str]) -> tuple[list[Sequence[Any]], set[int]]:
    """The rows' values, a column per attribute, and the rows lacking an attribute (whose default pydantic
    gives: they are left to it)."""
    try:
        get = itemgetter(*attrs) if len(attrs) > 1 else lambda row: (row[attrs[0]],)
        return list(zip(*map(get, rows), strict=True)), set()
    except KeyError:
        lacking = {i for i, row in enumerate(rows) if not all(attr in row for attr in attrs)}
        return list(zip(*([row.get(attr) for attr in attrs] for row in rows), strict=True)), lacking


def builder(model: type[R], attrs: list[str]) -> Callable[[tuple[Any, ...]], R]:
    """A record from checked values, as `model.model_construct(**values)` builds it (no aliases, no extra,
    no private attributes, no post-init: `_plan` makes sure), without its per-call bookkeeping. The records
    share one set of the fields set: it holds every field, so pydantic only ever adds to it names it holds
    (copying it cost a third of building a record)."""
    new, assign, every = model.__new__, object.__setattr__, set(attrs)

    def build(values: tuple[Any, ...]) -> R:
        record = new(model)
        assign(record, "__dict__", dict(zip(attrs, values, strict=True)))
        assign(record, "__pydantic_fields_set__", every)
        assign(record, "__pydantic_extra__", None)
        assign(record, "__pydantic_private__", None)
        return record

    return build


# -- the plan of a model: one check per field ----------------------------------------------------


@cache
def _plan(model: type[Record]) -> dict[str, Check] | None:
    """One check per field of the model, or None when the model validates in ways the checks do not know."""
    decorators = model.__pydantic_decorators__
    validators = (decorators.validators, decorators.field_validators, decorators.root_validators)
    names = chain.from_iterable((*validators, decorators.model_validators))
    others = [name for name in names if name not in KNOWN_VALIDATORS]
    special = model.__pydantic_post_init__ or model.__private_attributes__ or model.__pydantic_root_model__
    if others or special or dict(model.model_config) != KNOWN_CONFIG:
        return None
    options = model.options()
    return {attr: _check(info, frozenset(options.get(attr, ()))) for attr, info in model.model_fields.items()}


def _check(info: FieldInfo, options: frozenset[str]) -> Check:
    """The check of one field, from its annotation (`X` or `X | None`), options and constraints; a field of
    another kind or with other constraints has all its values in doubt."""
    base, nullable = _unwrap(info.annotation)
    low = [m.ge for m in info.metadata if isinstance(m, Ge)]
    high = [m.le for m in info.metadata if isinstance(m, Le)]
    others = [getattr(m, "__dict__", {}) for m in info.metadata if not isinstance(m, Ge | Le)]
    patterns = [p["pattern"] for p in others if p.keys() == {"pattern"} and isinstance(p["pattern"], str)]
    if len(patterns) != len(others) or len(patterns) > 1 or info.alias or info.validation_alias:
        return _in_doubt
    pattern = re.compile(patterns[0]) if patterns else None
    if base is str and not low and not high:
        return _column(nullable, {str}, _text(pattern, options), _unchanged_texts(pattern, options))
    if base == list[str] and not (nullable or low or high or pattern):
        return _multi(_text(None, options), _unchanged_texts(None, options))
    if pattern is not None or options:
        return _in_doubt
    if base is int:
        return _column(nullable, {int}, _number(int, low, high), _within(low, high))
    if base is Decimal:
        return _column(nullable, {int}, _number(Decimal, low, high))  # floats one by one: -0.0 == 0.0
    if low or high:
        return _in_doubt
    if base is bool:
        return _column(nullable, {bool}, _yes_no, lambda values: True)
    if base is date:
        return _column(nullable, {str, date}, _date)
    if base is datetime:
        return _column(nullable, {str}, _adapted(TypeAdapter(base)))
    return _in_doubt


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """`X | None` -> (X, True); `X` -> (X, False)."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _in_doubt(column: Sequence[Any]) -> tuple[list[Any], set[int]]:
    return list(column), set(range(len(column)))


# -- column checks --------------------------------------------------------------------------------


def _column(
    nullable: bool, kinds: set[type], convert: Convert, unchanged: Callable[[set[Any]], bool] | None = None
) -> Check:
    """The check of a column of `kinds` values (one kind per column, so that equal values of different kinds,
    such as 1 and 1.0, never meet), `convert`ed once per distinct value; `unchanged` tells distinct values
    that pydantic keeps as they are, faster than converting them. None is accepted when `nullable`."""

    def check(column: Sequence[Any]) -> tuple[list[Any], set[int]]:
        found = set(map(type, column))
        if nullable:
            found.discard(type(None))
        if not found:
            return list(column), set()
        if len(found) == 1 and found <= kinds:
            distinct = set(column)
            distinct.discard(None)
            if unchanged is not None and unchanged(distinct):
                return list(column), set()
            converted = {value: convert(value) for value in distinct}
            if not any(result is REFUSED for result in converted.values()):
                converted[None] = None
                return list(map(converted.__getitem__, column)), set()
        return _value_by_value(column, nullable, convert)

    return check


def _value_by_value(column: Sequence[Any], nullable: bool, convert: Convert) -> tuple[list[Any], set[int]]:
    """A column holding a value in doubt: the values converted one by one (each distinct text once)."""
    memo: dict[str, Any] = {}
    coerced: list[Any] = []
    bad = set()
    for i, value in enumerate(column):
        if value is None and nullable:
            result = None
        elif type(value) is str:
            result = memo[value] if value in memo else memo.setdefault(value, convert(value))
        else:
            result = convert(value)
        if result is REFUSED:
            bad.add(i)
            result = None
        coerced.append(result)
    return coerced, bad


def _multi(item: Convert, unchanged: Callable[[set[Any]], bool]) -> Check:
    """The check of a multi-select column: lists of options, copied (pydantic gives a new list)."""

    def convert(value: Any) -> Any:
        items = [item(v) for v in value] if type(value) is list else [REFUSED]
        return REFUSED if any(v is REFUSED for v in items) else items

    def check(column: Sequence[Any]) -> tuple[list[Any], set[int]]:
        lists = set(map(type, column)) <= {list} and set(map(type, chain.from_iterable(column))) <= {str}
        if lists and unchanged(set(chain.from_iterable(column))):
            return list(map(list, column)), set()
        return _value_by_value(column, False, convert)

    return check


def _unchanged_texts(pattern: re.Pattern[str] | None, options: frozenset[str]) -> Callable[[set[Any]], bool]:
    """Whether these distinct texts are all valid and kept as they are by pydantic (nothing to strip)."""

    def unchanged(values: set[Any]) -> bool:
        # Stripping maps the set onto itself only if it changes no text: a stripped text is shorter.
        if set(map(str.strip, values)) != values:
            return False
        if pattern is not None and not (all(map(str.isascii, values)) and all(map(pattern.fullmatch, values))):
            return False
        return not options or values <= options

    return unchanged


def _within(low: list[Any], high: list[Any]) -> Callable[[set[Any]], bool]:
    def unchanged(values: set[Any]) -> bool:
        return not values or (all(min(values) >= b for b in low) and all(max(values) <= b for b in high))

    return unchanged


# -- conversions of one value: what pydantic gives, or REFUSED when in doubt ---------------------


def _text(pattern: re.Pattern[str] | None, options: frozenset[str]) -> Convert:
    def convert(value: Any) -> Any:
        if type(value) is not str:
            return REFUSED
        text = value.strip()
        if text is not value and text != value.strip(SHARED_WHITESPACE):
            return REFUSED  # Python and pydantic might strip it differently
        if pattern is not None and not (text.isascii() and pattern.fullmatch(text)):
            return REFUSED
        if options and text not in options:
            return REFUSED
        return text

    return convert


def _number(kind: type, low: list[Any], high: list[Any]) -> Convert:
    """Integers (for int fields), integers and finite floats (for Decimal fields), within the bounds."""

    def convert(value: Any) -> Any:
        if type(value) is int:
            number: Any = value if kind is int else Decimal(value)
        elif kind is Decimal and type(value) is float and math.isfinite(value):
            number = Decimal(str(value))  # as pydantic turns a float into a Decimal
        else:
            return REFUSED
        if any(number < b for b in low) or any(number > b for b in high):
            return REFUSED
        return number

    return convert


def _yes_no(value: Any) -> Any:
    return value if type(value) is bool else REFUSED


def _date(value: Any) -> Any:
    if type(value) is date:
        return value
    if type(value) is str and len(value) == 10 and value.isascii() and ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return REFUSED
    return REFUSED


def _adapted(adapter: TypeAdapter[Any]) -> Convert:
    """Pydantic's own conversion, for the rare fields whose parsing is not worth repeating (DateTime)."""

    def convert(value: Any) -> Any:
        try:
            return adapter.validate_python(value)
        except ValidationError:
            return REFUSED

    return convert
