"""Errors the query layer raises: one line, saying what was wrong and what to try."""

from __future__ import annotations


class QueryError(Exception):
    """A question the graph cannot answer as asked (unknown name, ambiguous name, bad option)."""

    def __init__(self, message: str, suggestions: list[str] | None = None):
        self.suggestions = list(suggestions or [])
        if self.suggestions:
            message = f"{message}; closest: {', '.join(self.suggestions)}"
        super().__init__(message)
