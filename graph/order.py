"""The orders answers and the build share: years (unknown ones last) and levels (from the top down)."""

from __future__ import annotations

from typing import Any, Optional

from graph.schema import LEVELS

LEVEL_RANK = {level: i for i, level in enumerate(LEVELS)}
NO_YEAR = 10 ** 6  # the key of an unknown year: after every known one


def known_year(year: Any) -> Optional[int]:
    """The year when it is one (a positive int), else None (0, None, text)."""
    return year if isinstance(year, int) and year > 0 else None


def year_key(year: Any) -> int:
    """Sort key of a year: the year itself, unknown ones last."""
    return year if isinstance(year, int) and year > 0 else NO_YEAR


def level_key(level: Optional[str]) -> int:
    """Sort key of a level: national first, unknown levels last."""
    return LEVEL_RANK.get(level or "", len(LEVELS))
