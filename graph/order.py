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


def adoption_key(year: Any, level: Optional[str], federation: Any, doc_id: Any, target: Any, rel_id: Any,
                 target_id: Any) -> tuple:
    """The total order of a lineage (one IMPLEMENTS each): year, level from the top down, federation
    name, document, target name, relationship id, target id (queries.cypher's adoption_page sorts so)."""
    return (year_key(year), level_key(level), federation or "", doc_id or "", target or "", rel_id or "",
            target_id or "")


def adopter_key(level: Optional[str], region_code: Any, name: Any, fid: Any) -> tuple:
    """The order of a coverage's adopters: level from the top down, region code, name, id
    (queries.cypher's adopter_page sorts so)."""
    return (level_key(level), region_code or "", name or "", fid or "")


PAGE_KEY_SEP = " "  # between a target's id and the year in a page key: node ids hold no white space


def page_key(target_id: str, year: Any) -> str:
    """An IMPLEMENTS's key in Neo4j's `rel_implements_page` index: its target's id, then its year key
    zero-padded, so that one target's adoptions sort by year in the index (queries.cypher's
    adoption_page reads a lineage page from it). It depends on the relationship alone: never stale."""
    return f"{target_id}{PAGE_KEY_SEP}{year_key(year):07d}"
