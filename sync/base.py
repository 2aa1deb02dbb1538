"""One CPTS base in NocoDB: its id, and where each spec table and link field lives in it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from schema.fields import Kind, TableSpec
from sync.client import NocoClient


class BaseNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Link:
    """Where a many-to-one link lives: its foreign-key column, and the reverse (has-many) field of the
    table pointed to, through which many records can be linked to one parent in a single request."""

    fk_title: str
    parent_table_id: str
    parent_field_id: str


@dataclass(frozen=True)
class TableHandle:
    """A spec table as found in NocoDB: its id and, per link field, where the link lives."""

    spec: TableSpec
    id: str
    links: dict[str, Link]  # link field title -> Link

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def fk_titles(self) -> dict[str, str]:
        return {title: link.fk_title for title, link in self.links.items()}


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
            self._handles[spec.title] = TableHandle(spec, table_id, self._links(spec, columns))
        return self._handles[spec.title]

    def forget(self) -> None:
        """Drop cached meta (after a migration)."""
        self._handles.clear()
        self._table_ids = None

    def count(self, spec: TableSpec, where: str | None = None) -> int:
        return self.client.count(self.id, self.handle(spec).id, where=where)

    def _links(self, spec: TableSpec, columns: list[dict[str, Any]]) -> dict[str, Link]:
        titles = {c["id"]: c["title"] for c in columns}
        links = {}
        for field in spec.fields:
            column = next((c for c in columns if c["title"] == field.title), None)
            options = (column or {}).get("colOptions") or {}
            if field.kind is not Kind.LINK or options.get("fk_child_column_id") not in titles:
                continue
            parent_id = options["fk_related_model_id"]
            reverse = next(
                (
                    c["id"]
                    for c in self.client.table(parent_id)["columns"]
                    if (c.get("colOptions") or {}).get("type") == "hm"
                    and c["colOptions"].get("fk_child_column_id") == options["fk_child_column_id"]
                ),
                None,
            )
            if reverse is None:  # e.g. read while a migration is creating the link
                raise BaseNotFound(
                    f"Le lien « {field.title} » de la table « {spec.title} » est incomplet dans NocoDB "
                    "(champ inverse introuvable) : lancez ./cpts migrate."
                )
            links[field.title] = Link(titles[options["fk_child_column_id"]], parent_id, reverse)
        return links
