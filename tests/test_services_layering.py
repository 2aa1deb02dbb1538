"""Pages and the command line reach NocoDB only through services/: no view imports store/ or server/, and
cli.py imports no store/ (it may start servers and manage accounts through server/)."""

from __future__ import annotations

import ast
from pathlib import Path

from settings import ROOT

PENDING = {"views/access.py"}  # still imports server.users (sign-in): to move behind services/


def imported(path: Path) -> set[str]:
    """The top-level packages a file imports, at any depth of its code (TYPE_CHECKING blocks included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


def test_views_import_neither_store_nor_server() -> None:
    views = sorted(ROOT.glob("views/*.py"))
    assert len(views) > 10
    wrong = {
        str(path.relative_to(ROOT)): sorted(imported(path) & {"store", "server"})
        for path in views
        if str(path.relative_to(ROOT)) not in PENDING
    }
    assert {path: packages for path, packages in wrong.items() if packages} == {}


def test_the_command_line_does_not_import_store() -> None:
    packages = imported(ROOT / "cli.py")
    assert "services" in packages and "store" not in packages
