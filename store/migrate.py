"""Make a NocoDB base match the spec: add missing tables, fields and select options.

Never drops, renames or retypes anything: what differs from the spec is reported as drift and left
as it is, so a coordinator's own columns and data are safe. A second run changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from schema.fields import FieldSpec, Kind, TableSpec
from schema.forms import FORMS
from schema.models import PARAMETERS, TABLES, ParameterRow
from store.base import Base
from store.client import NocoClient
from store.forms import migrate_forms

LINK_TYPES = {"LinkToAnotherRecord", "Links"}
SYSTEM_TYPES = {"ID", "ForeignKey", "CreatedTime", "LastModifiedTime", "CreatedBy", "LastModifiedBy", "Order"}


@dataclass(frozen=True)
class Drift:
    table: str
    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.table} · {self.field} : {self.problem}"


@dataclass
class MigrationReport:
    created_tables: list[str] = field(default_factory=list)
    added_fields: list[str] = field(default_factory=list)
    added_options: list[str] = field(default_factory=list)
    drift: list[Drift] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)  # forms created or fields hidden (`store.forms`), in French
    parameters: list[str] = field(default_factory=list)  # keys added to Paramètres at their defaults

    @property
    def changed(self) -> bool:
        return bool(self.created_tables or self.added_fields or self.added_options or self.forms or self.parameters)

    def lines(self) -> list[str]:
        """The report in French, one line per change or drift."""
        out = [f"Table créée : {t}" for t in self.created_tables]
        out += [f"Champ ajouté : {f}" for f in self.added_fields]
        out += [f"Options ajoutées : {o}" for o in self.added_options]
        out += self.forms
        out += [f"Paramètre ajouté (valeur par défaut) : {key}" for key in self.parameters]
        if not self.changed:
            out.append("Schéma à jour : aucun changement.")
        out += [f"Écart (laissé tel quel) : {d}" for d in self.drift]
        return out


def column_body(spec: FieldSpec) -> dict[str, Any]:
    """The v2 meta body that creates this (non-link) field."""
    body: dict[str, Any] = {"title": spec.title, "column_name": spec.attr, "uidt": spec.kind.value}
    if spec.description:
        body["description"] = spec.description
    if spec.kind in (Kind.SELECT, Kind.MULTI_SELECT):
        body["colOptions"] = {"options": [{"title": o, "order": i + 1} for i, o in enumerate(spec.options)]}
    elif spec.kind is Kind.DATE:
        body["meta"] = {"date_format": "DD/MM/YYYY"}
    elif spec.kind is Kind.DATETIME:
        body["meta"] = {"date_format": "DD/MM/YYYY", "time_format": "HH:mm"}
    elif spec.kind is Kind.CURRENCY:
        body["meta"] = {"currency_locale": "fr-FR", "currency_code": "EUR"}
    elif spec.kind is Kind.DECIMAL:
        body["meta"] = {"precision": 2}
    return body


def link_body(spec: FieldSpec, table_id: str, target_id: str) -> dict[str, Any]:
    """The body of a many-to-one link: posted to the child table, it points to one `target` record."""
    return {"title": spec.title, "uidt": Kind.LINK.value, "parentId": target_id, "childId": table_id, "type": "bt"}


def migrate(
    client: NocoClient, base_id: str, tables: Sequence[TableSpec[Any]] = TABLES, *, apply: bool = True
) -> MigrationReport:
    """Bring the base up to the spec and report what changed and what drifts.

    With `apply=False` nothing is written: the report says what a migration would do."""
    report = MigrationReport()
    ids = {t["title"]: t["id"] for t in client.tables(base_id)}
    for spec in tables:
        if spec.title not in ids:
            report.created_tables.append(spec.title)
            if not apply:
                continue
            body = {
                "title": spec.title,
                "table_name": spec.key,
                "description": spec.description,
                "columns": [column_body(f) for f in spec.fields if f.kind is not Kind.LINK],
            }
            ids[spec.title] = client.create_table(base_id, body)["id"]
    for spec in tables:
        if spec.title in ids:
            _migrate_fields(client, spec, ids, tables, report, apply)
    base = Base(client, base_id)
    report.forms += migrate_forms(base, [form for form in FORMS if form.table in tables], apply=apply)
    if PARAMETERS in tables:
        report.parameters += add_missing_parameters(base, apply=apply)
    return report


def add_missing_parameters(base: Base, *, apply: bool = True) -> list[str]:
    """Add to Paramètres, at its default, each declared parameter it has no row of (`domain.declared_parameters`);
    the keys added. A row there is never changed. An empty Paramètres is a base not filled yet (the demo or an
    import fills it, and they need it empty): left empty."""
    from domain.declared_parameters import missing_rows  # the parameters' rules import pandas: loaded only here

    table_id = base.table_ids().get(PARAMETERS.title)
    if table_id is None:
        return []
    key = PARAMETERS.field("key").title
    existing = [row.get(key) for row in base.client.records(base.id, table_id, fields=[key])]
    if not existing:
        return []
    rows = missing_rows(existing)
    if apply and rows:
        base.client.insert(table_id, [parameter_payload(row) for row in rows])
    return [str(row.key) for row in rows]


def parameter_payload(row: ParameterRow) -> dict[str, Any]:
    """The Paramètres row as NocoDB takes it (by field title)."""
    return {PARAMETERS.field(attr).title: getattr(row, attr) for attr in ("key", "value", "description", "to_check")}


def _migrate_fields(
    client: NocoClient,
    spec: TableSpec[Any],
    ids: dict[str, str],
    tables: Sequence[TableSpec[Any]],
    report: MigrationReport,
    apply: bool,
) -> None:
    table_id = ids[spec.title]
    columns = {c["title"]: c for c in client.table(table_id)["columns"]}
    for wanted in spec.fields:
        existing = columns.get(wanted.title)
        name = f"{spec.title}.{wanted.title}"
        if existing is None:
            if apply and wanted.kind is Kind.LINK:
                client.add_column(table_id, link_body(wanted, table_id, ids[str(wanted.target)]))
            elif apply:
                client.add_column(table_id, column_body(wanted))
            report.added_fields.append(name)
            continue
        problem = _type_problem(wanted, existing, ids)
        if problem:
            report.drift.append(Drift(spec.title, wanted.title, problem))
        elif wanted.kind in (Kind.SELECT, Kind.MULTI_SELECT):
            added = _add_missing_options(client, wanted, existing, apply)
            if added:
                report.added_options.append(f"{name} ({', '.join(added)})")
    expected_reverse = {ids[t.title] for t in tables for f in t.fields if f.target == spec.title and t.title in ids}
    for title, column in columns.items():
        if title in {f.title for f in spec.fields} or _is_system(column, expected_reverse):
            continue
        report.drift.append(Drift(spec.title, title, f"champ hors schéma ({column['uidt']}), conservé"))


def _type_problem(wanted: FieldSpec, existing: dict[str, Any], ids: dict[str, str]) -> str | None:
    uidt = existing["uidt"]
    if wanted.kind is Kind.LINK:
        options = existing.get("colOptions") or {}
        if uidt not in LINK_TYPES or options.get("type") != "bt":
            return f"type {uidt} au lieu d'un lien vers {wanted.target}"
        if options.get("fk_related_model_id") != ids.get(str(wanted.target)):
            return f"lien vers une autre table que {wanted.target}"
        return None
    if uidt != wanted.kind.value:
        return f"type {uidt} au lieu de {wanted.kind.value}"
    return None


def _add_missing_options(client: NocoClient, wanted: FieldSpec, existing: dict[str, Any], apply: bool) -> list[str]:
    options = list((existing.get("colOptions") or {}).get("options") or [])
    have = {o["title"] for o in options}
    missing = [o for o in wanted.options if o not in have]
    if missing and apply:
        options += [{"title": o, "order": len(options) + i + 1} for i, o in enumerate(missing)]
        body = {"title": existing["title"], "column_name": existing["column_name"], "uidt": existing["uidt"]}
        client.update_column(existing["id"], {**body, "colOptions": {"options": options}})
    return missing


def _is_system(column: dict[str, Any], expected_reverse: set[str]) -> bool:
    if column.get("system") or column.get("pk") or column["uidt"] in SYSTEM_TYPES:
        return True
    options = column.get("colOptions") or {}
    return column["uidt"] in LINK_TYPES and options.get("fk_related_model_id") in expected_reverse
