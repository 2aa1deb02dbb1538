"""Tables (`views.tables`): Streamlit writes a missing value as « None », so every page shows its rows through
`tables.show`, which writes missing text blank; numbers keep their type (alignment, sort)."""

from __future__ import annotations

import re

import pandas as pd

from settings import ROOT
from views import tables


def test_missing_text_is_written_blank_and_numbers_keep_theirs() -> None:
    frame = pd.DataFrame(
        {
            "Mission ACI": ["3. Prévention", None],
            "Cible": [12.0, None],
            "Téléphone": pd.Series([None, "06 11 22 33 44"], dtype="string"),
            "Vide": [None, None],
        }
    )
    shown = tables.blank_text(frame)
    assert list(shown["Mission ACI"]) == ["3. Prévention", ""]
    assert list(shown["Téléphone"]) == ["", "06 11 22 33 44"]
    assert list(shown["Vide"]) == ["", ""]  # a column left empty in NocoDB
    assert shown["Cible"].dtype == float and shown["Cible"].isna().tolist() == [False, True]
    assert frame["Mission ACI"].isna().any()  # the frame given is left as it was
    assert tables.blank_text(shown) is shown  # nothing missing: the same frame


def test_pages_show_rows_only_through_tables_show() -> None:
    calls = {
        path.relative_to(ROOT).as_posix()
        for path in [ROOT / "app.py", *sorted((ROOT / "views").glob("*.py"))]
        if re.search(r"\bst\.dataframe\(", path.read_text(encoding="utf-8"))
    }
    assert calls == {"views/tables.py"}
