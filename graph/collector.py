"""Python's cycle collector paused around bulk work on graph rows.

Rows, records and links hold no reference cycles, so the collector finds nothing in them; but every
few hundred thousand new objects it walks every object the process holds, the whole graph included.
At 10,000 documents that was 28 s of a 100 s build and 6.7 s of a 15 s graph-file read.
"""

from __future__ import annotations

import contextlib
import gc
from typing import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The cycle collector off inside (nested uses are fine), back as it was after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def set_aside() -> None:
    """Move every object the process holds now out of the collector's sight (gc.freeze), for after a
    read of graph rows: they hold no cycles, and a later collection then walks only newer objects. At
    100,000 documents a question's pauses in the collector doubled its p95 (1.1 s against 0.4 s).
    Reference counting still frees them; `gc.unfreeze()` gives them back."""
    gc.freeze()
