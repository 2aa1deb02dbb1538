"""The hostile demo: the demo CPTS with every free-text field of every table given the values of
demo/data/hostile.toml (Markdown, HTML, formula prefixes, right-to-left marks, a 10 000-character value,
emoji, empty strings), so that anyone can see that each page shows them as typed (`./cpts seed --demo
--hostile`) and tests/test_hostile_pages.py can check it.

Only free text changes: codes, keys, links, options, dates, numbers and the fields listed under `kept` in
the data file (the software reads a meaning into them) stay as the demo wrote them, so every row stays valid
and every page still shows it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from demo.data_files import load
from domain.validation import LONG_TEXT_MAX, TEXT_MAX
from schema.fields import FieldSpec, Kind, Record, TableSpec
from schema.models import INDICATORS, PATHWAY_STEPS, PATHWAYS, TABLES, Indicator, Pathway, PathwayStep

FREE_TEXT = (Kind.TEXT, Kind.LONG_TEXT)


def hostile_fields(spec: TableSpec[Any]) -> list[FieldSpec]:
    """The fields of `spec` that take hostile values: free text with no pattern, not kept by the data file."""
    kept = set(load("hostile")["kept"].get(spec.key, []))
    return [
        field
        for field in spec.fields
        if field.kind in FREE_TEXT and field.attr not in kept and not has_pattern(spec, field)
    ]


def has_pattern(spec: TableSpec[Any], field: FieldSpec) -> bool:
    """A field whose format is checked (a code, an INSEE code, an RPPS number): kept valid."""
    return any(getattr(m, "pattern", None) for m in spec.model.model_fields[field.attr].metadata)


def hostile_value(row: int, column: int, field: FieldSpec) -> str:
    """The value of the `column`-th hostile field of the `row`-th row: the data file's values in turn, and
    every `long_every` rows the long value, as long as the field takes (`domain.validation`); never empty
    in a unique field."""
    data = load("hostile")
    if row % data["long_every"] == data["long_every"] - 1:
        length = min(data["long_length"], LONG_TEXT_MAX if field.kind is Kind.LONG_TEXT else TEXT_MAX)
        long: str = data["long_value"]
        return (long * (length // len(long) + 1))[: length - len(str(row))] + str(row)
    unique = field.unique
    values: list[str] = [v for v in data["values"] if v or not unique]
    return values[(row + column) % len(values)].replace("{n}", str(row))


def made_hostile(spec: TableSpec[Any], records: Sequence[Record]) -> list[Record]:
    fields = hostile_fields(spec)
    return [
        record.model_copy(update={field.attr: hostile_value(row, column, field) for column, field in enumerate(fields)})
        for row, record in enumerate(records)
    ]


def hostile(data: Mapping[str, Sequence[Record]]) -> dict[str, list[Record]]:
    """The records of every table (`schema.models.TABLES` keys), their free text made hostile; a computed
    indicator's pathway (« inscrits_parcours:Diabète de type 2 ») follows its pathway's new name."""
    made = {spec.key: made_hostile(spec, data.get(spec.key, [])) for spec in TABLES}
    renamed = {
        str(before.name): str(after.name)
        for before, after in zip(data.get(PATHWAYS.key, []), made[PATHWAYS.key], strict=True)
        if isinstance(before, Pathway) and isinstance(after, Pathway)
    }
    made[INDICATORS.key] = [renamed_pathway(record, renamed) for record in made[INDICATORS.key]]
    made[PATHWAY_STEPS.key] = steps_renamed(list(data.get(PATHWAY_STEPS.key, [])), made[PATHWAY_STEPS.key])
    return made


def steps_renamed(before: list[Record], after: list[Record]) -> list[Record]:
    """The hostile steps, each « après <étape> » of a condition naming the step's new title (a step that
    another's condition names keeps a title: the empty value is left for the others)."""
    steps = [(b, a) for b, a in zip(before, after, strict=True) if isinstance(b, PathwayStep)]
    titles = {(b.pathway, str(b.title).casefold()): getattr(a, "title", None) or b.title for b, a in steps}
    named = {after_title(b.condition) for b, _ in steps} - {None}
    return [step_renamed(b, a, titles, named) for b, a in steps]


def step_renamed(before: PathwayStep, after: Record, titles: Mapping[tuple[Any, str], Any], named: set[Any]) -> Record:
    title = str(before.title).casefold()
    return after.model_copy(
        update={
            "title": titles[(before.pathway, title)] if title in named else getattr(after, "title", None),
            "condition": renamed_after(before.condition, lambda old: titles.get((before.pathway, old.casefold()))),
        }
    )


AFTER = re.compile(r"(?i)^((?:\d+ mois )?après )(.+)$")  # domain.step_conditions' « après <étape> » clause


def after_title(condition: str | None) -> str | None:
    found = [AFTER.match(part.strip()) for part in (condition or "").split(";")]
    return next((m.group(2).strip().casefold() for m in found if m), None)


def renamed_after(condition: str | None, new_title: Callable[[str], str | None]) -> str | None:
    if not condition:
        return condition
    parts = []
    for part in condition.split(";"):
        match = AFTER.match(part.strip())
        title = new_title(match.group(2).strip()) if match else None
        parts.append(f"{match.group(1)}{title}" if match and title else part.strip())
    return " ; ".join(parts)


def renamed_pathway(record: Record, renamed: Mapping[str, str]) -> Record:
    if not isinstance(record, Indicator) or not record.computation:
        return record
    key, colon, pathway = record.computation.partition(":")
    if not colon or pathway.strip() not in renamed:
        return record
    return record.model_copy(update={"computation": f"{key}:{renamed[pathway.strip()]}"})
