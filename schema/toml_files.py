"""The one reader of the project's TOML data files (schema/*.toml, domain/data/*.toml, demo/data/*.toml): the
options of the tables, the layouts of imported files, the demo's data. Every layer may read it."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any


def read_toml(path: Path) -> dict[str, Any]:
    """The content of the TOML file at `path`."""
    with path.open("rb") as file:
        return tomllib.load(file)


def option_lists(path: Path) -> dict[str, tuple[str, ...]]:
    """A data file of option lists (`key = ["option", …]`): each list as a tuple of texts, by key."""
    return {key: tuple(str(item) for item in value) for key, value in read_toml(path).items()}
