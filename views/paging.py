"""Long lists a page at a time, the one component of every page listing many rows (rules in `domain.listing`):

    listed = paged(frame, WAITING)             search box, sort, page size and number: the page's rows
    journal(listed.codes())                    a patient page journals the codes of the page shown, no more
    table(listed, columns, column_config)      the page's rows and "lignes 1–50 sur 9 000"
    ticked(listed, columns, column_config)     the same, each row with a box to tick: the rows ticked
    export(listed, columns, lambda codes: journal(codes, EXPORT))   coordinators: the whole filtered set (XLSX)

The page applies its own filters to `frame` first; the search and the sort then run over the whole set, and
only one page of it reaches the browser. Going to another page, or changing the search, the sort or the
filters, starts from the first page again; `listed.moved` tells a page with an editor to start it over.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from domain.listing import DEFAULT_PAGE_SIZE, PAGE_SIZES, Paging, page_count, page_rows, rows_text, searched
from domain.listing import sorted_rows as sort_rows
from domain.permissions import Action
from reports.table import table_bytes
from views import tables
from views.access import allowed
from views.common import plain

EXPORT = "export"  # the journal detail of an export: « Patients en attente · export »
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_ORDER = "Ordre de la page"


@dataclass(frozen=True)
class Listing:
    """What a page lists: its widget keys' prefix (unique on the page), its title (the export's sheet and file
    name), the columns the search box looks in and those offered to sort on, and the column of patient codes
    (the codes it journals) if it lists patients."""

    key: str
    title: str
    searched: tuple[str, ...]
    sortable: tuple[str, ...] = ()
    code: str | None = None
    noun: str = "lignes"


@dataclass(frozen=True)
class Listed:
    """A list as shown: the whole set kept by the filters and the search, in order, and the page shown."""

    listing: Listing
    rows: pd.DataFrame
    page: pd.DataFrame
    paging: Paging
    moved: bool  # the set, its order or the page changed since this session's last run

    def codes(self, rows: pd.DataFrame | None = None) -> list[str]:
        """The patient codes of `rows` (the page shown by default), each once, in order."""
        frame = self.page if rows is None else rows
        column = self.listing.code
        if column is None or frame.empty:
            return []
        return list(dict.fromkeys(str(code) for code in frame[column].dropna()))


def paged(frame: pd.DataFrame, listing: Listing) -> Listed:
    """The search, sort and page controls above the list; the page they choose from `frame` (already filtered
    by the page)."""
    key = listing.key
    search, sort, descending, size, number = st.columns([3.5, 2, 1.5, 1, 1], vertical_alignment="bottom")
    query = search.text_input(
        "Rechercher",
        key=f"{key}_search",
        placeholder="Tapez un ou plusieurs mots",
        help=f"Dans : {plain(', '.join(listing.searched))} · majuscules et accents ignorés",
    )
    column, down = None, False
    if listing.sortable:
        chosen = sort.selectbox("Trier par", [PAGE_ORDER, *listing.sortable], key=f"{key}_sort")
        column = None if chosen == PAGE_ORDER else chosen
        down = descending.toggle("Décroissant", key=f"{key}_descending", disabled=column is None)
    rows = sort_rows(searched(frame, query, listing.searched), column, down)
    rows_per_page = int(
        size.selectbox("Par page", PAGE_SIZES, index=PAGE_SIZES.index(DEFAULT_PAGE_SIZE), key=f"{key}_size")
    )
    pages = page_count(len(rows), rows_per_page)
    shape = (order_of(rows), rows_per_page)
    moved_set = _changed(f"{key}_shape", shape)
    if moved_set:
        st.session_state[f"{key}_page"] = 1
    page = int(number.number_input(f"Page (sur {pages:d})", min_value=1, step=1, key=f"{key}_page"))
    paging = Paging(page, rows_per_page).within(len(rows))
    moved_page = _changed(f"{key}_shown", paging)
    return Listed(listing, rows, tables.blank_text(page_rows(rows, paging)), paging, moved_set or moved_page)


def order_of(rows: pd.DataFrame) -> str:
    """A fingerprint of which rows are listed, in which order."""
    return hashlib.sha1(
        pd.util.hash_pandas_object(rows.index, index=False).to_numpy().tobytes(), usedforsecurity=False
    ).hexdigest()


def _changed(key: str, value: Any) -> bool:
    """True when `value` differs from the one this session last stored at `key` (False the first time)."""
    state_key = f"_paging_{key}"
    before = st.session_state.get(state_key)
    st.session_state[state_key] = value
    return before is not None and before != value


def table(listed: Listed, columns: Sequence[str], column_config: Mapping[str, Any] | None = None) -> None:
    """The page's rows (`columns` of them) and which rows of how many they are."""
    if listed.rows.empty:
        nothing_found()
        return
    tables.show(listed.page[list(columns)], hide_index=True, width="stretch", column_config=dict(column_config or {}))
    caption(listed)


def ticked(listed: Listed, columns: Sequence[str], column_config: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """`table`, with a box to tick at each row's start: the page's rows ticked. Ticks belong to the rows shown:
    another page, search or sort, or a change of what the rows say, shows the list with none ticked."""
    if listed.rows.empty:
        nothing_found()
        return listed.page.iloc[:0]
    shown = listed.page[list(columns)]
    event = tables.show(
        shown,
        hide_index=True,
        width="stretch",
        column_config=dict(column_config or {}),
        on_select="rerun",
        selection_mode="multi-row",
        key=f"{listed.listing.key}_ticked_{content_of(shown)}",
    )
    caption(listed)
    return listed.page.iloc[sorted(event.selection.rows)]


def content_of(rows: pd.DataFrame) -> str:
    """A fingerprint of which rows are listed and what they say."""
    hashed = pd.util.hash_pandas_object(rows.astype(str), index=True).to_numpy().tobytes()
    return hashlib.sha1(hashed, usedforsecurity=False).hexdigest()[:16]


def nothing_found() -> None:
    st.info("Aucune ligne ne correspond à cette recherche ou à ces filtres.", icon=":material/search_off:")


def caption(listed: Listed) -> None:
    st.caption(rows_text(listed.paging, len(listed.rows), listed.listing.noun))


def export(listed: Listed, columns: Sequence[str], trace: Callable[[list[str]], None] | None = None) -> None:
    """For a coordinator: « Exporter (XLSX) » the whole set kept by the filters and the search (`columns` of
    it); `trace` is given its patient codes before the file is offered (the page journals them)."""
    if not allowed(Action.EXPORT_LISTS):
        return
    clicked = st.button(
        "Exporter (XLSX)",
        key=f"{listed.listing.key}_export",
        icon=":material/download:",
        disabled=listed.rows.empty,
        help="Toutes les lignes retenues par la recherche et les filtres, pas seulement cette page",
    )
    if not clicked:
        return
    if trace is not None:
        trace(listed.codes(listed.rows))
    content = table_bytes(listed.rows[list(columns)], listed.listing.title)
    st.download_button(
        f"Télécharger {len(listed.rows)} ligne(s) (XLSX)",
        content,
        file_name=f"{listed.listing.title} {date.today():%Y-%m-%d}.xlsx",
        mime=XLSX,
        on_click="ignore",
        icon=":material/file_save:",
        type="primary",
        key=f"{listed.listing.key}_download",
    )
