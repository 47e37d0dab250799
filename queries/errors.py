"""Errors the query layer raises: one line, saying what was wrong and what to try."""

from __future__ import annotations

from typing import Any

from graph.errors import FulianError


def short(text: Any, limit: int = 60) -> str:
    """`text` on one line, cut to `limit` characters (for names and sentences inside messages)."""
    s = " ".join(str(text).split())
    return s if len(s) <= limit else s[:limit] + "…"


class QueryError(FulianError):
    """A question the graph cannot answer as asked (unknown name, ambiguous name, bad option)."""

    def __init__(self, message: str, suggestions: list[str] | None = None):
        self.suggestions = list(suggestions or [])
        if self.suggestions:
            message = f"{message}; closest: {', '.join(self.suggestions)}"
        super().__init__(message)
