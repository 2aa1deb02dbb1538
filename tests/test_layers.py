"""Data flows one way: app/views/cli → services → domain, services → store. These tests read every import of
the project's code (as written, `if TYPE_CHECKING:` blocks included) and fail on an arrow that runs back up."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Each layer of the project, and the layers it may import (itself always allowed).
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "settings": {"errors"},
    "schema": set(),
    "domain": {"schema", "errors"},
    "reports": {"domain", "schema", "errors"},
    "store": {"schema", "domain", "errors", "settings"},
    "demo": {"domain", "schema", "errors"},
    "services": {"store", "domain", "schema", "reports", "demo", "errors", "settings"},
    "server": {"store", "domain", "schema", "errors", "settings"},
    "views": {"services", "domain", "schema", "reports", "errors", "settings"},
    "app": {"views", "domain", "settings"},
    "serve": {"views", "services", "domain"},  # the cookie route: services.sessions, domain.sessions
    "cli": {"commands", "services", "server", "domain", "schema", "reports", "errors", "settings"},
    "commands": {"services", "server", "domain", "schema", "reports", "errors", "settings"},  # the CLI layer
    # bench/pages.py drives the app's pages: it reads their declaration (app.py, views.access.Page).
    "bench": {
        "app",
        "views",
        "services",
        "store",
        "server",
        "domain",
        "schema",
        "reports",
        "demo",
        "errors",
        "settings",
    },
}


def layer_of(path: Path) -> str:
    relative = path.relative_to(ROOT)
    return relative.parts[0].removesuffix(".py")


def project_imports(path: Path) -> set[tuple[str, int]]:
    """(top-level project module, line) of every import of `path` that names a project layer."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        found.update((name.split(".")[0], node.lineno) for name in names if name.split(".")[0] in ALLOWED)
    return found


def source_files() -> list[Path]:
    files = [ROOT / "app.py", ROOT / "serve.py", ROOT / "cli.py", ROOT / "errors.py", ROOT / "settings.py"]
    for folder in ALLOWED:
        if (ROOT / folder).is_dir():
            files.extend(sorted((ROOT / folder).rglob("*.py")))
    return files


def test_every_import_runs_down() -> None:
    wrong = []
    for path in source_files():
        layer = layer_of(path)
        for imported, line in sorted(project_imports(path)):
            if imported != layer and imported not in ALLOWED[layer]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} imports {imported}")
    assert not wrong, "Imports running back up:\n" + "\n".join(wrong)


def test_the_rule_sees_a_wrong_arrow(tmp_path: Path) -> None:
    # The parser itself: an import of services from domain is found, with its line.
    module = tmp_path / "rule.py"
    module.write_text("import os\nfrom services.desk import desk_state\nif True:\n    import views.common\n")
    assert project_imports(module) == {("services", 2), ("views", 4)}


def test_every_layer_is_known() -> None:
    # A new top-level package must be given its place in ALLOWED, or its imports would go unchecked.
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").is_file() and p.name != "tests"}
    assert packages <= set(ALLOWED), packages - set(ALLOWED)


def test_new_rows_go_through_the_write_rules() -> None:
    # Only services.writes (and the benchmarks, which time the raw writer) call store.records.insert.
    callers = []
    for path in source_files():
        if path.relative_to(ROOT).as_posix() in {"services/writes.py", "store/records.py"} or layer_of(path) == "bench":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "insert"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "records"
            ):
                callers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not callers, "records.insert called outside services.writes:\n" + "\n".join(callers)
