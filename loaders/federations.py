"""Find women's-federation mentions and resolve them to canonical nodes of the gazetteer hierarchy."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from graph.gazetteer import Gazetteer, get_gazetteer
from .literals import words_regex
from .registry import mention_rule
from .resources import get_resources

mention_rule("F-place", produces=("Federation",), needs=("federation_suffixes", "gazetteer"),
             doc="A place chain before 妇联 / 妇女联合会 / 妇工委, resolved in the gazetteer (canonical: full chain below province).")
mention_rule("F-contextual", produces=("Federation",), needs=("contextual_levels", "generic_federation_prefix_chars"),
             doc="省妇联 / 市妇联 / 区妇联 / 州妇联 / 街道妇联 / 镇妇联 resolved from the document's region (a county-level "
                 "city's own 市妇联 is the city); generic sets (各级妇联) are skipped.")
mention_rule("F-organ", produces=("Federation",), needs=("organ_body_re",),
             doc="Organ committees: 市直机关妇工委, 县委组织部妇工委, 县财政局妇工委 (level organ).")
mention_rule("F-zone", produces=("Federation",), needs=("zone_words",), doc="Development zones: 经开区妇联, 望城经开区妇联.")
mention_rule("F-unit", produces=("Federation",), needs=("unit_federation_suffixes", "unit_name_cut_chars", "unit_reject_words"),
             doc="Workplace, village and association federations (天虹纺织妇联, 后坪乡文凤村妇联), under the issuing township.")

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")  # with CJK extension A: 㮾梨街道
_TOWNSHIP_END = ("镇", "乡", "街道", "苏木", "办事处")


@dataclass
class Context:
    """Document region context used for short forms (省妇联 / 市妇联 / 区妇联 / 街道妇联)."""

    province: Optional[str] = None
    prefecture: Optional[str] = None
    county: Optional[str] = None
    township: Optional[str] = None  # only from a township code (manifest, or a township issuer)

    @property
    def deepest(self) -> Optional[str]:
        """The deepest place at county level or above (departments are scoped to it)."""
        return self.county or self.prefecture or self.province


@dataclass
class FedMention:
    start: int
    end: int
    surface: str
    name: str
    level: str
    region_code: Optional[str] = None
    parent: Optional[str] = None
    extra_aliases: list[str] = field(default_factory=list)
    explicit: bool = True  # place named in the mention (not resolved from context)
    unit: str = ""  # a workplace, village or association federation: its unit (天虹纺织, 八仙洞村)


@lru_cache(maxsize=1)
def _suffix_re() -> re.Pattern:
    sufs = sorted(get_resources().patterns["federation_suffixes"], key=len, reverse=True)
    return re.compile("|".join(re.escape(s) for s in sufs))


@lru_cache(maxsize=1)
def _organ_re() -> re.Pattern:
    return re.compile(r"(自治区|省|市|区|县)直(?:属)?(?:机关)?$")


def context_from_code(gaz: Gazetteer, code: Optional[str]) -> Context:
    """The context of a division code: its own level and every level above it."""
    ctx = Context()
    if code and code not in gaz.regions and len(code) > 6:
        gaz._load_townships()  # township codes live in the township table, read on first use
    if not code or code not in gaz.regions:
        return ctx
    for r in gaz.chain(code):
        if r.level in ("province", "prefecture", "county", "township"):
            setattr(ctx, r.level, r.code)
    return ctx


# a short form names the federation of the document's own place: 市妇联, 街道妇联, 自治区妇联
_MULTI_CHAR_MARKERS = ("自治区", "街道")
_TOWNSHIP_MARKERS = ("街道", "镇", "乡")
# which place names a marker can stand for (the marker is how the place's name ends)
_MARKER_LEVELS = {"自治区": ("province",), "省": ("province",), "市": ("county", "prefecture", "province"),
                  "州": ("prefecture",), "盟": ("prefecture",), "区": ("county",), "县": ("county",),
                  "旗": ("county",), "街道": ("township",), "镇": ("township",), "乡": ("township",)}


def short_form_marker(window: str, generic_chars: set, ctx_levels: dict) -> Optional[tuple[str, str]]:
    """(marker, level) when `window` (the text before 妇联) ends with a bare level word, as 市 in
    召开了市妇联; None for generic sets (各级妇联, 县区妇联, 乡镇妇联)."""
    for marker in _MULTI_CHAR_MARKERS + tuple(ctx_levels) + _TOWNSHIP_MARKERS:
        if not window.endswith(marker):
            continue
        before = window[-len(marker) - 1] if len(window) > len(marker) else ""
        if before and before in generic_chars:
            return None
        if marker in _TOWNSHIP_MARKERS:
            return marker, "township"
        return marker, "province" if marker == "自治区" else ctx_levels[marker]
    return None


def marker_fits(gaz: Gazetteer, marker: str, code: str) -> bool:
    """Whether the place `code` can be what the marker of a short form stands for (市 → 永州市, 义乌市)."""
    r = gaz.regions.get(code)
    return bool(r and r.level in _MARKER_LEVELS.get(marker, ()) and r.name.endswith(marker))


def context_code(gaz: Gazetteer, ctx: Context, marker: str, level: str) -> Optional[str]:
    """The place of the context a short form's marker names, if the context has one."""
    regions = gaz.regions
    if marker == "市":  # a county-level city's own documents call it 市; a municipality's too
        if ctx.county and regions[ctx.county].name.endswith("市"):
            return ctx.county
        if ctx.prefecture:
            return ctx.prefecture
        if ctx.province and regions[ctx.province].name.endswith("市"):
            return ctx.province
        return None
    code = getattr(ctx, level, None)
    if not code:
        return None
    name = regions[code].name
    if marker in ("自治区", "州", "盟", "旗") + _TOWNSHIP_MARKERS and not name.endswith(marker):
        return None
    if marker in ("区", "县") and not name.endswith(("区", "县", "旗", "市")):
        return None
    return code


def _in_context(gaz: Gazetteer, code: str, ctx: Context) -> int:
    """Affinity of a region to the document context (higher = closer)."""
    score = 0
    for level_code, w in ((ctx.province, 1), (ctx.prefecture, 2), (ctx.county, 3)):
        if level_code and (code == level_code or gaz.is_ancestor(level_code, code)):
            score = max(score, w)
    return score


def parse_place_chain(gaz: Gazetteer, window: str, ctx: Context) -> tuple[Optional[str], int]:
    """Parse place names right-to-left from the end of ``window``; returns (code, chars consumed)."""
    pos = len(window)
    surfaces: list[tuple[str, list[str], bool]] = []
    full_index, short_index = gaz.full_index, gaz.short_index
    while pos > 0:
        found = False
        for length in range(min(14, pos), 1, -1):
            sub = window[pos - length: pos]
            if sub not in full_index and sub not in short_index and not sub.endswith(_TOWNSHIP_END):
                continue  # no name of any kind: the lookups below would all come back empty
            codes = gaz.lookup(sub, short=False)
            full = True
            if not codes:
                codes = gaz.lookup(sub, short=True)
                full = False
            if not codes and sub.endswith(_TOWNSHIP_END):
                codes = gaz.lookup(sub, with_townships=True, short=False)
                full = True
            if codes:
                surfaces.insert(0, (sub, codes, full))
                pos -= length
                found = True
                break
        if not found:
            break
    if not surfaces:
        return None, 0
    # choose the most specific code consistent with the chain and the context
    cands = surfaces[-1][1]
    for sub, codes, _ in surfaces[:-1]:
        narrowed = [c for c in cands if any(gaz.is_ancestor(a, c) or a == c for a in codes)]
        if narrowed:
            cands = narrowed
    level_rank = {"province": 0, "prefecture": 1, "county": 2, "township": 3}
    best = sorted(
        cands,
        key=lambda c: (-_in_context(gaz, c, ctx), level_rank.get(gaz.regions[c].level, 9), c),
    )
    code = best[0]
    last_full = surfaces[-1][2]
    lvl = gaz.regions[code].level
    # a bare short county/township name needs document context to be trusted, unless it keeps its
    # level word and names one place only (城步县 for 城步苗族自治县)
    distinctive = len(cands) == 1 and surfaces[-1][0].endswith({"county": ("县", "旗"), "prefecture": ("州",)}.get(lvl, ("\0",)))
    if (not last_full and not distinctive and lvl in ("county", "township") and len(surfaces) == 1
            and _in_context(gaz, code, ctx) == 0):
        return None, 0
    if lvl == "township" and len(surfaces) == 1 and _in_context(gaz, code, ctx) < 2 and len(cands) > 1:
        return None, 0
    consumed = sum(len(s[0]) for s in surfaces)
    return code, consumed


def find_federations(text: str, ctx: Context, gaz: Optional[Gazetteer] = None) -> list[FedMention]:
    """All specific federation mentions (generic sets such as 各级妇联 are skipped)."""
    gaz = gaz or get_gazetteer()
    pats = get_resources().patterns
    generic_chars = set(pats["generic_federation_prefix_chars"])
    ctx_levels = pats["contextual_levels"]
    zone_words = sorted(pats["zone_words"], key=len, reverse=True)
    out: list[FedMention] = []
    for m in _suffix_re().finditer(text):
        s, e = m.start(), m.end()
        suffix = m.group()
        lo = s
        while lo > 0 and s - lo < 24 and _HAN.match(text[lo - 1]):
            lo -= 1
        window = text[lo:s]
        if not window:
            continue
        fm = _resolve_window(gaz, window, s, e, suffix, ctx, generic_chars, ctx_levels, zone_words)
        if fm:
            fm.surface = text[fm.start: fm.end]
            out.append(fm)
    return out


def _national(window: str) -> bool:
    return window.endswith("全国") or window.endswith("中华全国")


def _resolve_window(gaz, window, s, e, suffix, ctx, generic_chars, ctx_levels, zone_words) -> Optional[FedMention]:
    if _national(window):
        start = s - (4 if window.endswith("中华全国") else 2)
        return FedMention(start, e, "", "全国妇联", "national", None, None)
    organ = _organ_re().search(window)
    dept_organ = re.search(get_resources().patterns["organ_body_re"], window)
    if dept_organ and suffix in ("妇工委", "妇女工作委员会") and not organ:
        # 县委组织部妇工委 / 县财政局妇工委: the women's committee of one office of the county
        lvl_word = dept_organ.group(1)
        before = window[: dept_organ.start()]
        code, used = parse_place_chain(gaz, before, ctx)
        if code is None:
            code = {"省": ctx.province, "市": ctx.prefecture, "州": ctx.prefecture, "区": ctx.county,
                    "县": ctx.county, "旗": ctx.county}.get(lvl_word)
            used = 0
        if code:
            start = s - len(window) + dept_organ.start() - used
            name = gaz.region_display(code) + window[dept_organ.start() + 1:] + suffix.replace("妇女工作委员会", "妇工委")
            return FedMention(start, e, "", name, "organ", code, None, explicit=used > 0)
    if organ and suffix in ("妇工委", "妇女工作委员会", "妇联"):
        lvl_word = organ.group(1)
        before = window[: organ.start()]
        code, used = parse_place_chain(gaz, before, ctx)
        if code is None:
            code = {"省": ctx.province, "自治区": ctx.province, "市": ctx.prefecture, "区": ctx.county, "县": ctx.county}.get(lvl_word)
            used = 0
        if not code:
            return None
        region = gaz.regions[code]
        base = gaz.region_display(code)
        name = base + "直机关" + ("妇联" if suffix == "妇联" else "妇工委")
        return FedMention(s - len(window[organ.start():]) - used, e, "", name, "organ", code, gaz.federation_name(code), explicit=used > 0)
    # zones: 经开区妇联, 望城经开区妇联
    for zw in zone_words:
        if window.endswith(zw):
            before = window[: -len(zw)]
            code, used = parse_place_chain(gaz, before, ctx)
            stem = ""
            if code is None:
                # 望城经开区: short county name without 区
                for length in range(min(4, len(before)), 1, -1):
                    cands = [c for c in gaz.lookup(before[-length:]) if _in_context(gaz, c, ctx) > 0]
                    if cands:
                        code, used = cands[0], length
                        break
            if code is None:
                if before and before[-1] in generic_chars | {"各"}:
                    return None
                code = ctx.county or ctx.prefecture
                used = 0
            if not code:
                return None
            region = gaz.regions[code]
            short = before[len(before) - used:] if used else ""
            if region.level == "county":
                par = gaz.parent(code)
                cshort = gaz.regions[code].name
                for suf in ("区", "县", "市"):
                    if cshort.endswith(suf) and len(cshort) > 2:
                        cshort = cshort[:-1]
                        break
                place = (par.name if par else "") + cshort + zw
                level = "township"
                aliases = [cshort + zw + "妇联"]
            else:
                place = gaz.region_display(code) + zw
                level = "county"
                aliases = []
            return FedMention(s - len(zw) - used, e, "", place + "妇联", level, code, gaz.federation_name(code), aliases, explicit=used > 0)
    code, used = parse_place_chain(gaz, window, ctx)
    if code:
        prev = window[-used - 1] if used < len(window) else ""
        if prev in ("各",):
            return None
        region = gaz.regions[code]
        par = gaz.parent(code)
        return FedMention(s - used, e, "", gaz.federation_name(code), region.level, code,
                          gaz.federation_name(par.code) if par else "全国妇联")
    # contextual: 省妇联 / 市妇联 / 区妇联 / 自治区妇联 / 街道妇联 name the document's own place
    found = short_form_marker(window, generic_chars, ctx_levels)
    if found is None:
        return _unit_federation(gaz, window, s, e, ctx)
    marker, lvl = found
    code = context_code(gaz, ctx, marker, lvl)
    if not code:
        return None
    region = gaz.regions[code]
    par = gaz.parent(code)
    return FedMention(s - len(marker), e, "", gaz.federation_name(code), region.level, code,
                      gaz.federation_name(par.code) if par else "全国妇联", explicit=False)


def _unit_federation(gaz, window, s, e, ctx) -> Optional[FedMention]:
    """天虹纺织妇联 / 青洋幼儿园妇联 / 后坪乡文凤村妇联 / 福兴街道社会工作与志愿服务协会妇联: the federation
    of a workplace, village or association, under the place named before it (or the document's)."""
    p = get_resources().patterns
    if not window.endswith(tuple(p["unit_federation_suffixes"])):
        return None
    k = max(window.rfind("妇联"), window.rfind("妇女联合会"))
    if k >= 0:  # 鸭江镇妇联和后坪乡文凤村: the unit starts after the last federation named before it
        window = window[k + 2:]
    # a place chain that ends right before the unit: 后坪乡|文凤村, 兴宁市福兴街道|社会工作与志愿服务协会
    for i in range(len(window) - 2, 1, -1):
        head, unit = window[:i], window[i:]
        code, used = parse_place_chain(gaz, head, ctx)
        if code and used == len(head) or (code and used >= 2 and head[len(head) - used - 1] in p["unit_name_cut_chars"]):
            if gaz.regions[code].level in ("township", "county") and len(unit) >= 2:
                start = s - len(window) + (len(head) - used)
                return FedMention(start, e, "", gaz.region_display(code) + unit + "妇联", "township", code,
                                  gaz.federation_name(code), unit=unit)
    # no place before it: the unit name runs back to a function word (还新建了|天虹纺织)
    cut = max(window.rfind(c) for c in p["unit_name_cut_chars"])
    # or at the end of a doing word (推动|八仙洞村)
    cut = max([cut] + [window.rfind(w) + len(w) - 1 for w in p["boundary_words"] if len(w) > 1 and w in window])
    unit = window[cut + 1:]
    if not (2 <= len(unit) <= 12) or unit in p["unit_federation_suffixes"] or any(w in unit for w in p["unit_reject_words"]):
        return None
    code = ctx.county or ctx.prefecture
    base = gaz.region_display(code) if code else ""
    # the parent is not stated: the extractor puts the unit under the issuer when that is a township's
    return FedMention(s - len(unit), e, "", base + unit + "妇联", "township", code, None, explicit=False, unit=unit)


_DISTRIBUTIVE_TAIL = re.compile(r"(?:等\s*(?:[一二两三四五六七八九十\d]+\s*个)?(?:[县市区镇乡旗]|（[县市区、]+）|\([县市区、]+\))*)?$")
_LIST_SEP = re.compile(r"、|和|及|与|以及")


def distributive_federations(text: str, feds: list[FedMention], ctx: Context, gaz: Optional[Gazetteer] = None) -> list[FedMention]:
    """宁乡市、浏阳市、长沙县等三个县（市）妇联 / 岳阳县、平江县和湘阴县妇联: every place of a list before a
    shared 妇联 names its own federation (those find_federations did not already find)."""
    gaz = gaz or get_gazetteer()
    taken = [(f.start, f.end) for f in feds]
    out: list[FedMention] = []
    for m in re.finditer(r"妇联|妇女联合会", text):
        head = text[max(0, m.start() - 80):m.start()]
        base = m.start() - len(head)
        tail = _DISTRIBUTIVE_TAIL.search(head)
        body_end = tail.start() if tail else len(head)
        # the run of places: back to the clause start
        run_start = max(head.rfind(c, 0, body_end) for c in "，。；：！？\n（(“") + 1
        run = head[run_start:body_end]
        # items from the right: whole place names; the leftmost may end a longer phrase (指导|宁乡市)
        seps = list(_LIST_SEP.finditer(run))
        if not seps:
            continue
        bounds = [0] + [x.end() for x in seps]
        ends = [x.start() for x in seps] + [len(run)]
        found = []
        for a0, b0 in reversed(list(zip(bounds, ends))):
            item = run[a0:b0]
            code, used = parse_place_chain(gaz, item, ctx)
            whole = item[len(item) - used:]
            named = (gaz.lookup(whole, short=False) or gaz.lookup(whole, with_townships=True, short=False)
                     or (whole.endswith(("州", "县", "旗", "盟")) and gaz.lookup(whole)))  # 黔东南州
            if not code or used < 2 or not named:
                break
            a = base + run_start + b0 - used
            found.append((a, a + used, code))
            if used < len(item):
                break
        if len(found) < 2:
            continue
        for a, b, code in found:
            if any(x < b and a < y for x, y in taken):
                continue
            region = gaz.regions[code]
            par = gaz.parent(code)
            # the mention is the place; its surface form as a federation is the place + 妇联
            out.append(FedMention(a, b, text[a:b] + "妇联", gaz.federation_name(code), region.level, code,
                                  gaz.federation_name(par.code) if par else "全国妇联"))
            taken.append((a, b))
    return out


def vote_province(text: str, gaz: Optional[Gazetteer] = None) -> Optional[str]:
    """Most frequently named province (by province or prefecture full name) in the text."""
    gaz = gaz or get_gazetteer()
    rx = _place_regex(gaz)
    counts: dict[str, int] = {}
    for m in rx.finditer(text):
        for code in gaz.lookup(m.group(), short=False):
            prov = gaz.province_of(code)
            if prov:
                counts[prov.code] = counts.get(prov.code, 0) + 1
    if not counts:
        return None
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


@lru_cache(maxsize=1)
def _place_regex_cached() -> re.Pattern:
    gaz = get_gazetteer()
    names = {r.name for r in gaz.regions.values() if r.level in ("province", "prefecture") and not gaz.is_transparent(r.code)}
    return words_regex(names)


def _place_regex(gaz: Gazetteer) -> re.Pattern:
    return _place_regex_cached()
