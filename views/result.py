"""What a view gives back: a ViewResult, or a ViewError saying why it cannot be drawn."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from queries.errors import QueryError


class ViewError(QueryError):
    """A view that cannot be drawn; the message says why and what to do (printed as one line)."""

    def __init__(self, message: str):
        super().__init__(message)


@dataclass
class ViewResult:
    path: Optional[Path]  # the file written (None for a page kept in memory)
    kind: str
    node_count: int      # nodes drawn
    edge_count: int      # edges drawn (parallel statements of one fact merged)
    truncated: bool      # True when nodes were left out to keep the page usable
    total_nodes: int     # nodes the view had before truncation
    title: str = ""
    focus: list[str] = field(default_factory=list)  # ids of what the view was asked about (resolved names)
