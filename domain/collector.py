"""Python's cycle collector paused while many objects are made that hold no cycles (records read, the
matching's network): its passes over the ever larger set of live objects would cost more than the work itself
(half of the matching's time on a large base)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """The collector paused inside the block (as it was after: a block inside another leaves it paused)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
