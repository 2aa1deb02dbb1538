"""Importer: members or patients from a spreadsheet (xlsx, csv), with the engine of `./cpts import members|patients`
(`services.sheets`). The file is read in memory (never written to disk); its columns are mapped to the table's
fields (guessed, corrected here, kept for next time); every refused value is listed with its row and column
before anything is written; a preview shows the first rows as they will be stored; one button imports them.
Coordinators only: the file names patients. Each preview and each import is traced in Journal d'accès."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from domain.sheet_mapping import ColumnMapping, checked, targets
from domain.sheets import Sheet
from errors import CptsError, Refused
from schema.fields import TableSpec
from schema.models import MEMBERS, PATIENTS
from services import sheets
from settings import Settings
from views import tables
from views.access import journal, require_page
from views.common import current_base, forget_tables, header, plain, show_error

TITLE = "Importer"
TABLES: dict[str, TableSpec[Any]] = {"Patients (liste d'attente, liste CPAM)": PATIENTS, "Membres": MEMBERS}
LEFT_ASIDE = "(laisser de côté)"
FIXED = {PATIENTS.key: ("Source", "Fragilités"), MEMBERS.key: ("Profession",)}  # a value for every row
PREVIEW_ROWS = 20
JOURNALED = "importer_journaled"  # session key: the previews already traced
PROBLEM_COLUMNS = {
    "line": st.column_config.NumberColumn("Ligne", format="%d"),
    "field": st.column_config.TextColumn("Colonne"),
    "reason": st.column_config.TextColumn("Raison", width="large"),
}


def chosen_sheet(upload: Any, spec: TableSpec[Any], limit: int) -> Sheet:
    """The file read (the worksheet chosen when the workbook has several)."""
    data, name = upload.getvalue(), upload.name
    sheet = sheets.read_file(data, name, spec, limit)
    if len(sheet.sheets) > 1:
        picked = st.selectbox("Feuille", sheet.sheets, key=f"sheet_{name}")
        if picked != sheet.sheet:
            sheet = sheets.read_file(data, name, spec, limit, picked)
    return sheet


def mapping_form(spec: TableSpec[Any], sheet: Sheet, proposed: ColumnMapping) -> ColumnMapping:
    """A select per column of the file (its field, or left aside), then the values given to every row."""
    st.subheader("Colonnes", anchor=False)
    choices = [LEFT_ASIDE, *targets(spec)]
    columns: dict[str, str | None] = {}
    grid = st.columns(3)
    for index, column in enumerate(sheet.headers):
        current = proposed.columns.get(column) or LEFT_ASIDE
        picked = grid[index % 3].selectbox(
            plain(column), choices, index=choices.index(current), key=f"map_{spec.key}_{index}_{column}"
        )
        columns[column] = None if picked == LEFT_ASIDE else picked
    values: dict[str, str] = {}
    fields = targets(spec)
    with st.expander("Valeur donnée à chaque ligne (ex. Source « CPAM » pour une liste CPAM)"):
        for title in FIXED[spec.key]:
            target = fields[title]
            options = target.options if target else ()
            picked = st.selectbox(plain(title), ["", *options], key=f"fixed_{spec.key}_{title}")
            if picked:
                values[title] = picked
    return ColumnMapping(columns, values)


def show_refusals(plan: sheets.SheetImport) -> None:
    count = len(plan.problems)
    st.error(
        f"**{count} valeur(s) refusée(s) : rien ne sera écrit.** Corrigez le fichier (ou les colonnes ci-dessus) "
        "puis déposez-le à nouveau.",
        icon=":material/block:",
    )
    rows = [{"line": p.line, "field": p.field, "reason": p.reason} for p in plan.problems]
    tables.show(pd.DataFrame(rows, columns=list(PROBLEM_COLUMNS)), column_config=PROBLEM_COLUMNS, hide_index=True)


def preview(plan: sheets.SheetImport) -> None:
    """The first rows as they will be stored (the fields the file gives), and what the import will do."""
    spec, changes = plan.spec, plan.changes
    st.subheader("Aperçu", anchor=False)
    titles = {f.attr: f.title for f in spec.fields}
    rows = [{"Ligne": row.line, **{titles[a]: _shown(getattr(row.record, a)) for a in row.given}} for row in plan.rows]
    tables.show(pd.DataFrame(rows[:PREVIEW_ROWS]), hide_index=True)
    if len(rows) > PREVIEW_ROWS:
        st.caption(f"Les {PREVIEW_ROWS} premières lignes sur {len(rows)}.")
    kept = f" ; {len(changes.kept)} laissée(s) telle(s) quelle(s) (opposition au partage)" if changes.kept else ""
    st.markdown(
        f"**{len(changes.added)}** à ajouter, **{len(changes.updated)}** à mettre à jour (seulement les champs "
        f"du fichier), **{int(changes.unchanged)}** inchangée(s){plain(kept)}."
    )


def _shown(value: Any) -> Any:
    if isinstance(value, list):
        return ", ".join(value)
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return value


def trace_preview(plan: sheets.SheetImport, digest: str) -> None:
    """Trace once per file and mapping that the coordinator was shown the patients the file names."""
    if plan.spec is not PATIENTS:
        return
    traced: set[str] = st.session_state.setdefault(JOURNALED, set())
    if digest not in traced:
        journal(plan.changes.codes(plan.changes.matched), f"aperçu · {plan.sheet.name}")
        traced.add(digest)


def import_button(plan: sheets.SheetImport, config: Settings) -> None:
    changes = plan.changes
    if changes.nothing:
        st.success("Aucun changement : la base est déjà à jour avec ce fichier.", icon=":material/check:")
        return
    if not st.button(f"Importer dans {plain(plan.spec.title)}", type="primary", icon=":material/upload:"):
        return
    try:
        sheets.import_rows(current_base(), plan)
        sheets.save_mapping(config.data_dir, plan.spec, plan.mapping)
    except Refused as error:
        st.error(plain(str(error)))
        return
    except CptsError as error:
        show_error(error)
    forget_tables()
    journal(changes.patient_codes(), sheets.summary(plan))
    st.success(f"Import terminé : {plain(sheets.summary(plan))}.", icon=":material/check:")


def main() -> None:
    require_page()
    header(TITLE, "Membres ou patients depuis un tableur (xlsx, csv)")
    config = Settings.from_env()
    spec = TABLES[st.radio("Importer dans", list(TABLES), horizontal=True)]
    upload = st.file_uploader(
        "Fichier",
        type=["xlsx", "csv"],
        help=f"Au plus {int(config.import_max_bytes // 1_000_000)} Mo ; jamais enregistré.",
    )
    if upload is None:
        st.info("Déposez un classeur .xlsx ou un fichier .csv (; , ou tabulation).", icon=":material/info:")
        return
    try:
        sheet = chosen_sheet(upload, spec, config.import_max_bytes)
        st.caption(plain(f"En-têtes lus ligne {sheet.header_line} ; {len(sheet.rows)} ligne(s) de données."))
        proposed = sheets.proposed_mapping(spec, sheet, config.data_dir)
        mapping = checked(spec, mapping_form(spec, sheet, proposed), sheet.headers)
        plan = sheets.prepare(current_base(), spec, sheet, mapping, date.today())
    except Refused as error:
        st.error(plain(str(error)), icon=":material/block:")
        return
    except CptsError as error:
        show_error(error)
    if plan.refused:
        show_refusals(plan)
        return
    digest = hashlib.sha256(upload.getvalue() + repr(mapping).encode()).hexdigest()
    trace_preview(plan, digest)
    preview(plan)
    import_button(plan, config)


main()
