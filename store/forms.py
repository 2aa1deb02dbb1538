"""NocoDB form views through the v2 meta API: find, create and lay out a form declared in `schema.forms`, share
it publicly, and read its public link.

Routes (NocoDB 0.301.3): views of a table `GET /api/v2/meta/tables/{table}/views` (a form has type 1);
`POST /api/v2/meta/tables/{table}/forms` creates one; `GET|PATCH /api/v2/meta/forms/{view}` its heading, text
and columns; `PATCH /api/v2/meta/form-columns/{column}` one field's label, help, required, shown;
`POST|PATCH /api/v2/meta/views/{view}/share` shares it (a uuid) and sets the share's options;
`GET /api/v2/meta/tables/{table}/share` lists the table's shared views with their uuid.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.parameters import RETENTION
from schema.forms import FormSpec
from store.base import Base

FORM_TYPE = 1  # NocoDB's ViewTypes.FORM
PUBLIC_FORM_PATH = "/dashboard/#/nc/form/"  # the page NocoDB serves for a shared form: + uuid


def find_form(base: Base, form: FormSpec) -> dict[str, Any] | None:
    """The form view of this title on the form's table, if there is one."""
    table_id = base.handle(form.table).id
    views = base.client.request("GET", f"/api/v2/meta/tables/{table_id}/views")["list"]
    return next((v for v in views if v["type"] == FORM_TYPE and v["title"] == form.title), None)


def create_form(base: Base, form: FormSpec) -> str:
    """Create the form view, lay it out (only the declared fields shown), share it; returns its view id."""
    handle = base.handle(form.table)
    created = base.client.request("POST", f"/api/v2/meta/tables/{handle.id}/forms", json={"title": form.title})
    view_id = str(created["id"])
    base.client.request(
        "PATCH",
        f"/api/v2/meta/forms/{view_id}",
        json={
            "heading": form.heading,
            "subheading": form.subheading.format(retention_months=RETENTION.default),
            "success_msg": form.success,
            "submit_another_form": False,
            "show_blank_form": True,
        },
    )
    for column, title in columns_with_titles(base, form, view_id):
        body = declared_layout(form, title) or {"show": False, "required": False}
        base.client.request("PATCH", f"/api/v2/meta/form-columns/{column['id']}", json=body)
    share(base, view_id)
    return view_id


def declared_layout(form: FormSpec, title: str) -> dict[str, Any] | None:
    """How the form shows the table's field `title` (label, help, required, place), None if it does not."""
    order = {f.attr: i + 1 for i, f in enumerate(form.fields)}
    wanted = next((f for f in form.fields if form.table.field(f.attr).title == title), None)
    if wanted is None:
        return None
    return {
        "show": True,
        "required": wanted.required,
        "label": wanted.label,
        "description": wanted.help,
        "order": order[wanted.attr],
    }


def show_new_declared(base: Base, form: FormSpec, view_id: str, *, apply: bool = True) -> list[str]:
    """Lay out the declared fields the form has never laid out (no label yet: a field declared after the
    form was created, e.g. « Demandeur »); a field a coordinator hid after its layout stays hidden. Returns
    the titles shown."""
    shown = []
    for column, title in columns_with_titles(base, form, view_id):
        body = declared_layout(form, title)
        if body is not None and not column.get("label"):
            if apply:
                base.client.request("PATCH", f"/api/v2/meta/form-columns/{column['id']}", json=body)
            shown.append(title)
    return shown


def hide_undeclared(base: Base, form: FormSpec, view_id: str, *, apply: bool = True) -> list[str]:
    """Hide every shown field the form does not declare (a field added to the table later may appear in the
    form: NocoDB would then take it from the public). Returns the titles hidden."""
    declared = {form.table.field(f.attr).title for f in form.fields}
    hidden = []
    for column, title in columns_with_titles(base, form, view_id):
        if column.get("show") and title not in declared:
            if apply:
                base.client.request("PATCH", f"/api/v2/meta/form-columns/{column['id']}", json={"show": False})
            hidden.append(title)
    return hidden


def columns_with_titles(base: Base, form: FormSpec, view_id: str) -> list[tuple[dict[str, Any], str]]:
    """The form's columns, each with the title of the table field it shows."""
    titles = {c["id"]: c["title"] for c in base.client.table(base.handle(form.table).id)["columns"]}
    columns = base.client.request("GET", f"/api/v2/meta/forms/{view_id}")["columns"]
    return [(c, titles.get(c["fk_column_id"], "")) for c in columns]


def share(base: Base, view_id: str) -> str:
    """Share the view publicly (no password, no download); returns its public uuid."""
    shared = base.client.request("POST", f"/api/v2/meta/views/{view_id}/share")
    base.client.request("PATCH", f"/api/v2/meta/views/{view_id}/share", json={"meta": {"allowCSVDownload": False}})
    return str(shared["uuid"])


def shared_uuid(base: Base, form: FormSpec) -> str | None:
    """The public uuid of the form, None when it is missing or not shared."""
    table_id = base.handle(form.table).id
    shared = base.client.request("GET", f"/api/v2/meta/tables/{table_id}/share")["list"]
    found = next((v for v in shared if v["type"] == FORM_TYPE and v["title"] == form.title), None)
    return str(found["uuid"]) if found and found.get("uuid") else None


def public_link(root_url: str, uuid: str) -> str:
    """The address of the shared form's page, under NocoDB's address `root_url` (or the proxy's)."""
    return root_url.rstrip("/") + PUBLIC_FORM_PATH + uuid


def shared_link(base: Base, form: FormSpec, public_url: str | None) -> str | None:
    """The address of the shared form (under `public_url`, the reverse proxy's address, when given; else NocoDB's
    own), None when the form is missing or no longer shared."""
    uuid = shared_uuid(base, form)
    return public_link(public_url or base.client.url, uuid) if uuid else None


def migrate_forms(base: Base, forms: Sequence[FormSpec], *, apply: bool = True) -> list[str]:
    """Create each missing form (laid out and shared); in those present, hide the undeclared fields and lay out
    the declared ones never laid out; the changes, in French. A form present is otherwise left as the
    coordinators made it (texts, order, a field they hid)."""
    changes = []
    tables = base.table_ids()
    for form in forms:
        if form.table.title not in tables:
            continue
        found = find_form(base, form)
        if found is None:
            if apply:
                create_form(base, form)
            changes.append(f"Formulaire créé et partagé : {form.table.title} · {form.title}")
            continue
        hidden = hide_undeclared(base, form, str(found["id"]), apply=apply)
        changes += [f"Formulaire {form.title} : champ masqué au public : {title}" for title in hidden]
        shown = show_new_declared(base, form, str(found["id"]), apply=apply)
        changes += [f"Formulaire {form.title} : champ ajouté : {title}" for title in shown]
    return changes
