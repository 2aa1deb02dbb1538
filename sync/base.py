"""One CPTS base in NocoDB: its id, and where each spec table and link field lives in it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from schema.fields import Kind, TableSpec
from sync.client import NocoClient


class BaseNotFound(LookupError):
    pass


@dataclass(frozen=True)
class TableHandle:
    """A spec table as found in NocoDB: its id and, per link field, the foreign-key column behind it."""

    spec: TableSpec
    id: str
    fk_titles: dict[str, str]  # link title -> foreign-key column title

    @property
    def title(self) -> str:
        return self.spec.title


class Base:
    """A NocoDB base, read through an API client; table meta is fetched once and cached."""

    def __init__(self, client: NocoClient, base_id: str, title: str = "") -> None:
        self.client = client
        self.id = base_id
        self.title = title
        self._handles: dict[str, TableHandle] = {}
        self._table_ids: dict[str, str] | None = None

    @classmethod
    def find(cls, client: NocoClient, *, base_id: str | None = None, title: str | None = None) -> Base:
        for base in client.bases():
            if base["id"] == base_id or (base_id is None and base["title"] == title):
                return cls(client, base["id"], base["title"])
        raise BaseNotFound(f"Base NocoDB introuvable ({base_id or title}).")

    def table_ids(self) -> dict[str, str]:
        if self._table_ids is None:
            self._table_ids = {t["title"]: t["id"] for t in self.client.tables(self.id)}
        return self._table_ids

    def handle(self, spec: TableSpec) -> TableHandle:
        if spec.title not in self._handles:
            table_id = self.table_ids().get(spec.title)
            if table_id is None:
                raise BaseNotFound(f"La table « {spec.title} » manque dans la base : lancez ./cpts migrate.")
            columns = self.client.table(table_id)["columns"]
            self._handles[spec.title] = TableHandle(spec, table_id, _fk_titles(spec, columns))
        return self._handles[spec.title]

    def forget(self) -> None:
        """Drop cached meta (after a migration)."""
        self._handles.clear()
        self._table_ids = None

    def count(self, spec: TableSpec, where: str | None = None) -> int:
        return self.client.count(self.id, self.handle(spec).id, where=where)


def _fk_titles(spec: TableSpec, columns: list[dict[str, Any]]) -> dict[str, str]:
    by_id = {c["id"]: c["title"] for c in columns}
    links = {}
    for field in spec.fields:
        if field.kind is not Kind.LINK:
            continue
        for column in columns:
            options = column.get("colOptions") or {}
            if column["title"] == field.title and options.get("fk_child_column_id") in by_id:
                links[field.title] = by_id[options["fk_child_column_id"]]
    return links
