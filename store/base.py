"""One CPTS base in NocoDB: its id, and where each spec table and link field lives in it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from errors import BaseNotFound
from schema.fields import Kind, TableSpec
from store.client import NocoClient

if TYPE_CHECKING:
    from store.copies import SharedTables


@dataclass(frozen=True)
class TableHandle:
    """A spec table as found in NocoDB: its id and, per link field, the foreign-key column that holds it."""

    spec: TableSpec[Any]
    id: str
    fk_titles: dict[str, str]  # link field title -> title of its foreign-key column

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
        self.shared: SharedTables | None = None  # the copy of its tables whole reads go through, if any

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

    def handle(self, spec: TableSpec[Any]) -> TableHandle:
        if spec.title not in self._handles:
            table_id = self.table_ids().get(spec.title)
            if table_id is None:
                raise BaseNotFound(f"La table « {spec.title} » manque dans la base : lancez ./cpts migrate.")
            columns = self.client.table(table_id)["columns"]
            self._handles[spec.title] = TableHandle(spec, table_id, fk_titles(spec, columns))
        return self._handles[spec.title]

    def forget(self) -> None:
        """Drop cached meta (after a migration)."""
        self._handles.clear()
        self._table_ids = None

    def count(self, spec: TableSpec[Any], where: str | None = None) -> int:
        return self.client.count(self.id, self.handle(spec).id, where=where)


def fk_titles(spec: TableSpec[Any], columns: list[dict[str, Any]]) -> dict[str, str]:
    """Per link field of `spec` found in NocoDB's `columns`, the title of the foreign-key column holding it."""
    titles = {c["id"]: c["title"] for c in columns}
    links = {}
    for field in spec.fields:
        column = next((c for c in columns if c["title"] == field.title), None)
        options = (column or {}).get("colOptions") or {}
        if field.kind is Kind.LINK and options.get("fk_child_column_id") in titles:
            links[field.title] = titles[options["fk_child_column_id"]]
    return links
