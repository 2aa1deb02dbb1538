"""The app as `./cpts up` serves it: Streamlit running app.py and, while its server starts, the tables read
and the first figures made (`views.warm`), so the first page shown is as quick as the next ones.

Usage: python serve.py [options of `streamlit run`]
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path


def main() -> None:
    from streamlit.web import cli

    from views.warm import warm_up

    threading.Thread(target=warm_up, name="warm-up", daemon=True).start()
    sys.argv = ["streamlit", "run", str(Path(__file__).with_name("app.py")), *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
