"""Pages of long answers: `Page` (rows, total, offset, limit) and the checks of `limit` and `offset`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from queries.errors import QueryError


@dataclass
class Page:
    """Rows `offset` to `offset + len(rows)` of an answer of `total` rows (`limit` None: every row from `offset`)."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    total: int = 0
    offset: int = 0
    limit: Optional[int] = None

    @property
    def next_offset(self) -> Optional[int]:
        """The offset of the next page, None when this one reaches the end."""
        end = self.offset + len(self.rows)
        return end if end < self.total else None


def check(limit: Any, offset: Any) -> tuple[Optional[int], int]:
    """(`limit`, `offset`) when usable: limit None (all) or a whole number ≥ 1, offset a whole number ≥ 0."""
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise QueryError(f"limit must be a whole number of rows, 1 or more (or None for all), got {limit!r}")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise QueryError(f"offset must be a whole number of rows, 0 or more, got {offset!r}")
    return limit, offset


def window(rows: list[dict[str, Any]], limit: Optional[int], offset: int) -> Page:
    """A page of rows already in hand (every one read: for the short answers)."""
    limit, offset = check(limit, offset)
    return Page(rows[offset:] if limit is None else rows[offset:offset + limit], len(rows), offset, limit)
