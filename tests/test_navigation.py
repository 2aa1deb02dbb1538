"""Pages are reached only through app.py's navigation, never run on their own by URL; every page module is
declared there (with what it needs and whether it shows patients: see test_page_access)."""

from __future__ import annotations

import ast

from app import SECTIONS
from settings import ROOT


def runs_as_a_page(path: str) -> bool:
    """True when the module ends its top level by calling main(), as a page script does."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.Expr) and isinstance(node.value, ast.Call) and ast.unparse(node.value) == "main()"
        for node in tree.body
    )


def test_no_streamlit_pages_folder() -> None:
    # A `pages/` folder beside app.py makes Streamlit run /<file name> on its own, outside app.py's
    # navigation (and so outside its sign-in and roles): the page modules live in `views/`.
    assert not (ROOT / "pages").exists()


def test_every_page_module_is_declared_in_app_once() -> None:
    declared = [page.path for pages in SECTIONS.values() for page in pages]
    modules = sorted(f"views/{p.name}" for p in (ROOT / "views").glob("*.py") if runs_as_a_page(f"views/{p.name}"))
    assert len(declared) == len(set(declared))
    assert sorted(declared) == modules
