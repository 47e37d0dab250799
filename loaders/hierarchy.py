"""The administrative hierarchy above a region or federation, from the gazetteer."""

from __future__ import annotations

from typing import Optional

from graph.gazetteer import get_gazetteer

NATIONAL = "全国妇联"


def _region(code: str):
    gaz = get_gazetteer()
    if code not in gaz.regions and len(code) > 6:
        gaz._load_townships()
    return gaz.regions.get(code)


def region_chain(code: str) -> list[tuple[str, str, str]]:
    """(code, name, level) of the region and its ancestors, nearest first; [] if unknown."""
    r = _region(code)
    if r is None:
        return []
    gaz = get_gazetteer()
    return [(x.code, x.name, x.level) for x in [r] + gaz.ancestors(code)]


def federation_ancestors(name: str, region_code: Optional[str], level: Optional[str]) -> list[dict]:
    """Parent federations, nearest first, up to 全国妇联: [{name, level, region_code}]."""
    if level == "national" or name == NATIONAL:
        return []
    out: list[dict] = []
    if region_code and _region(region_code) is not None:
        gaz = get_gazetteer()
        if level == "organ":  # an organ committee answers to the federation of its own region
            out.append({"name": gaz.federation_name(region_code), "level": gaz.level_of(region_code),
                        "region_code": region_code})
        for anc in gaz.ancestors(region_code):
            out.append({"name": gaz.federation_name(anc.code), "level": anc.level, "region_code": anc.code})
    out.append({"name": NATIONAL, "level": "national"})
    return out
