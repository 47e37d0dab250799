"""What coverage is measured against: the statistical divisions of graph.gazetteer (divisions.csv).

Only what coverage needs: a division's children one level down (municipalities' 市辖区/县
placeholder rows are looked through), and the canonical federation name of a division
(湖南省妇联, 长沙市妇联, 长沙市望城区妇联, 全国妇联).
"""

from __future__ import annotations

import csv
from functools import lru_cache
from typing import Optional

from graph.gazetteer import GAZ_DIR, get_gazetteer

DIVISIONS = GAZ_DIR / "divisions.csv"
NATIONAL = "000000"  # the code coverage uses for the whole country (全国妇联)
# prefecture-level rows that are no place of their own: their children belong to the province
PLACEHOLDERS = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")


@lru_cache(maxsize=None)
def divisions() -> dict[str, dict[str, str]]:
    """code → {code, name, level, parent_code}."""
    with open(DIVISIONS, encoding="utf-8", newline="") as fh:
        return {row["code"].strip(): {k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)}


def is_development_zone(code: str) -> bool:
    """Codes whose 5th digit is 7: development zones and similar (not regular counties)."""
    return len(code) == 6 and code[4] == "7"


@lru_cache(maxsize=None)
def _children_index() -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}
    for code, row in divisions().items():
        index.setdefault(row["parent_code"] or NATIONAL, []).append(code)
    return index


def children(code: Optional[str], include_zones: bool = False) -> list[str]:
    """Division codes one level below `code` (None or NATIONAL: the provinces), sorted."""
    out: list[str] = []
    for c in _children_index().get(code or NATIONAL, []):
        if divisions()[c]["name"] in PLACEHOLDERS:
            out.extend(children(c, include_zones))
        elif include_zones or not is_development_zone(c):
            out.append(c)
    return sorted(out)


def level_of(code: Optional[str]) -> Optional[str]:
    if not code or code == NATIONAL:
        return "national"
    row = divisions().get(code)
    return row["level"] if row else None


def federation_name(code: Optional[str]) -> Optional[str]:
    """Canonical federation name of a division: prefecture and county names carry their parents'."""
    if not code or code == NATIONAL:
        return "全国妇联"
    if code not in divisions():
        return None
    return get_gazetteer().federation_name(code)  # the build's rule, so names agree with extracted ones
