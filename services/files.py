"""Writing the files a use case produces (workbook, presentation): a failure is told in French."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from errors import CannotWrite


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """Turn an OSError raised while writing `path` into CannotWrite (« Impossible d'écrire … : … »)."""
    try:
        yield
    except OSError as error:
        raise CannotWrite(f"Impossible d'écrire {path} : {error.strerror or error}.") from error
