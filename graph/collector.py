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
