"""Where a short form (市妇联, 县妇联, 街道妇联) is, when the document's context does not say.

Each cue reads the text for candidate divisions that the short form's marker (市 → a city, 街道 →
a street) can stand for, in the document's province when it is known: the title's places;
datelines, source lines and media names (宁乡讯, 来源:桑植县融媒体中心, 永州日报); the short form's
chair named elsewhere with a place; the one federation of its kind the text names; 全市 / 我县 /
本区 and the places of that kind named; the places above the child federations it names. The
first cue that singles out one division wins.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Optional

from .federations import Context, FedMention, marker_fits, short_form_marker
from graph.gazetteer import Gazetteer
from .literals import literal_alternation
from .resources import get_resources

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_SHORT_SUFFIX_RE = re.compile(r"妇联|妇女联合会")
_DATELINE_RE = re.compile(r"^[【\[]?([^\s，,。：:()（）【】\[\]]{2,20}?)(?:\d{1,2}月\d{1,2}日)?电?讯", re.M)
_SOURCE_RE = re.compile(r"来源[:：]\s*([^\s，,。；;]{2,30})")
_OWN_AREA_MARKER = {"自治区": "区"}  # 全区 in a region's text
CUE_CHARS = 20_000  # how much text the whole-text place cues read


@dataclass
class ShortForm:
    """A short form the context does not resolve: 市妇联 with no known city."""

    start: int
    end: int
    surface: str
    marker: str  # 市, 区, 街道 …
    level: str  # the level it names: prefecture for 市, township for 街道 …


@lru_cache(maxsize=1)
def _media_re() -> re.Pattern:
    """A paper or media centre named with its place: 永州日报, 桑植县融媒体中心."""
    words = get_resources().patterns["issuer_media_words"]
    return re.compile(r"([\u4e00-\u9fff]{2,10}?)(?:" + literal_alternation(words) + ")")


@lru_cache(maxsize=1)
def _chair_after_re() -> re.Pattern:
    """A federation's chair named after it: 市妇联党组书记、主席黄玉芳 (roles ending in a leading one)."""
    p = get_resources().patterns
    run, leading = literal_alternation(p["person_roles"]), literal_alternation(p["person_roles_leading"])
    return re.compile(f"(?:{run}|、|，|,|\\s)*(?:{leading})(?:、|，|,|\\s)*([\u4e00-\u9fff]{{2,3}})")


def find_short_forms(text: str, feds: list[FedMention]) -> list[ShortForm]:
    """Short forms (省妇联 / 市妇联 / 街道妇联 …) that no resolved mention covers."""
    pats = get_resources().patterns
    generic = set(pats["generic_federation_prefix_chars"])
    levels = pats["contextual_levels"]
    zones = pats["zone_words"]
    resolved_ends = {f.end for f in feds}
    out = []
    for m in _SHORT_SUFFIX_RE.finditer(text):
        s, e = m.start(), m.end()
        if e in resolved_ends:
            continue
        lo = s
        while lo > 0 and s - lo < 6 and _HAN.match(text[lo - 1]):
            lo -= 1
        window = text[lo:s]
        if not window or any(window.endswith(z) for z in zones) or re.search(r"[直属]$|机关$", window):
            continue
        found = short_form_marker(window, generic, levels)
        if found:
            marker, level = found
            a = s - len(marker)
            out.append(ShortForm(a, e, text[a:e], marker, level))
    return out


def places_in(gaz: Gazetteer, s: str, townships: bool = False) -> list[tuple[int, int, list[str]]]:
    """Place names in `s` (full or short division names, longest first): (start, end, codes)."""
    if townships:
        gaz._load_townships()
    indexes = [gaz.full_index, gaz.short_index] + ([gaz.township_index] if townships else [])
    out = []
    i, n = 0, len(s)
    while i < n - 1:
        for length in range(min(12, n - i), 1, -1):
            sub = s[i:i + length]
            codes = [c for idx in indexes for c in idx.get(sub, ())]
            if codes:
                out.append((i, i + length, list(dict.fromkeys(codes))))
                i += length
                break
        else:
            i += 1
    return out


def in_context(gaz: Gazetteer, ctx: Context, code: str) -> bool:
    for anc in (ctx.prefecture, ctx.province):
        if anc:
            return code == anc or gaz.is_ancestor(anc, code)
    return True


def _fitting(gaz: Gazetteer, ctx: Context, marker: str, places: Iterable[tuple[int, int, list[str]]]) -> list[str]:
    """For each place name, the one division it can be for this marker and context (others skipped)."""
    out = []
    for _a, _b, codes in places:
        fit = [c for c in codes if marker_fits(gaz, marker, c) and in_context(gaz, ctx, c)]
        if len(fit) == 1:
            out.append(fit[0])
    return out


def _decide(codes: list[str]) -> Optional[str]:
    """The most frequent code, when it is strictly the most frequent."""
    ranked = Counter(codes).most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    return ranked[0][0]


# -- place cues for a short form: each returns candidate codes, in text order -----------------
@dataclass
class _CueInput:
    text: str
    title: str
    short: ShortForm
    shorts: list[ShortForm]
    feds: list[FedMention]
    ctx: Context
    gaz: Gazetteer


def _cue_title(ci: _CueInput) -> list[str]:
    """A place the title names: 永州召开推进会 → 永州市."""
    return _fitting(ci.gaz, ci.ctx, ci.short.marker, places_in(ci.gaz, ci.title, ci.short.level == "township"))


def _cue_masthead(ci: _CueInput) -> list[str]:
    """Datelines, source lines and the names of papers: 宁乡讯, 来源:桑植县融媒体中心, 永州日报."""
    strings = [m.group(1) for m in _DATELINE_RE.finditer(ci.text[:CUE_CHARS])]
    strings += [m.group(1) for m in _SOURCE_RE.finditer(ci.text[:CUE_CHARS])]
    strings += [m.group(1) for m in _media_re().finditer(ci.text[:CUE_CHARS])]
    codes: list[str] = []
    for s in strings:
        codes += _fitting(ci.gaz, ci.ctx, ci.short.marker, places_in(ci.gaz, s, ci.short.level == "township"))
    return codes


def _chair_names(text: str, start: int, end: int) -> set[str]:
    """Two- and three-character name candidates of whoever a federation mention names as chair:
    市妇联主席、党组书记黄玉芳 / 胡矞(市妇联主席)."""
    out = set()
    m = _chair_after_re().match(text, end)
    if m:
        out.update({m.group(1)[:2], m.group(1)})
    if start > 0 and text[start - 1] in "(（":
        han = re.search(r"[\u4e00-\u9fff]{2,3}$", text[max(0, start - 4):start - 1])
        if han:
            out.update({han.group()[-2:], han.group()})
    return out


def _cue_chair(ci: _CueInput) -> list[str]:
    """The short form's chair is named elsewhere as chair of a federation with its place."""
    names: set[str] = set()
    for sf in ci.shorts:
        if sf.marker == ci.short.marker:
            names |= _chair_names(ci.text, sf.start, sf.end)
    codes = []
    for f in ci.feds:
        if f.explicit and f.region_code and marker_fits(ci.gaz, ci.short.marker, f.region_code):
            if names & _chair_names(ci.text, f.start, f.end):
                codes.append(f.region_code)
    return codes


def _cue_named(ci: _CueInput) -> list[str]:
    """The text names one federation of the short form's kind with its place (株洲市妇联 … 市妇联);
    for 市妇联 not a county-level city (醴陵市妇联), more often its child than itself."""
    skip_county = ci.short.level != "county"
    codes = {f.region_code for f in ci.feds if f.explicit and f.region_code
             and not (skip_county and f.level == "county") and marker_fits(ci.gaz, ci.short.marker, f.region_code)}
    return list(codes) if len(codes) == 1 else []


def _cue_own_area(ci: _CueInput) -> list[str]:
    """全市 / 我县 / 本区 and a place of that kind named in the text."""
    marker = ci.short.marker
    prefixes = get_resources().patterns["issuer_own_area_prefixes"]
    head = ci.text[:CUE_CHARS]
    if not any(p + _OWN_AREA_MARKER.get(marker, marker) in head for p in prefixes):
        return []
    return _fitting(ci.gaz, ci.ctx, marker, places_in(ci.gaz, head, ci.short.level == "township"))


def _cue_children(ci: _CueInput) -> list[str]:
    """The places of named child federations: 宁乡市妇联、浏阳市妇联 under a 市妇联 document."""
    codes = []
    for f in ci.feds:
        if not (f.explicit and f.region_code) or f.level == "organ":
            continue
        for anc in ci.gaz.ancestors(f.region_code):
            if marker_fits(ci.gaz, ci.short.marker, anc.code):
                if in_context(ci.gaz, ci.ctx, anc.code):
                    codes.append(anc.code)
                break
    return codes


PLACE_CUES: tuple[Callable[[_CueInput], list[str]], ...] = (
    _cue_title, _cue_masthead, _cue_chair, _cue_named, _cue_own_area, _cue_children)


def place_of_short_form(text: str, title: str, short: ShortForm, shorts: list[ShortForm],
                        feds: list[FedMention], ctx: Context, gaz: Gazetteer) -> Optional[str]:
    """The division a short form stands for, from the first cue that singles one out."""
    ci = _CueInput(text, title, short, shorts, feds, ctx, gaz)
    for cue in PLACE_CUES:
        code = _decide(cue(ci))
        if code:
            return code
    return None
