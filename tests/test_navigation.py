"""Pages are reached only through app.py's navigation, never run on their own by URL."""

from __future__ import annotations

from settings import ROOT


def test_no_streamlit_pages_folder() -> None:
    # A `pages/` folder beside app.py makes Streamlit run /<file name> on its own, outside app.py's
    # navigation (and so outside its sign-in and roles): the page modules live in `views/`.
    assert not (ROOT / "pages").exists()
