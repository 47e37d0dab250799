"""Which federation wrote a document, and the place its short forms (市妇联, 区妇女联合会) stand for.

The issuer is, in this order: the caller's hint (a manifest row's issuer); the federation of the
hinted region; a signature line (落款); the first federation of the title; the federation of the
title's place; the first federation of the opening. When that is a short form whose place the
context does not give, the place comes from cues in the text (`place_of_short_form`); if none is
found the issuer is kept as an explicitly unresolved federation of the right level, named for its
document, so that it never merges with another document's or with a real federation.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePath
from typing import Callable, Iterable, Optional

from .federations import (Context, FedMention, context_from_code, find_federations, marker_fits,
                          short_form_marker, vote_province)
from .gazetteer import Gazetteer, get_gazetteer
from .registry import mention_rule
from .resources import get_resources
from .types import DocHints, PassageRecord

mention_rule("F-issuer", produces=("Federation",),
             needs=("gazetteer", "contextual_levels", "generic_federation_prefix_chars", "zone_words",
                    "issuer_media_words", "issuer_own_area_prefixes", "person_roles", "person_roles_leading"),
             doc="The issuer: the manifest's issuer, the federation of its region, a signature line, the title's "
                 "federation or place, the opening's first; a short form (市妇联) takes its place from the title, "
                 "datelines and media names, its chair, the one federation of its kind named, 全市 + a named place "
                 "or its child federations, else stays an unresolved federation of its level, one per document.")

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_SHORT_SUFFIX_RE = re.compile(r"妇联|妇女联合会")
_TITLE_MARKS_RE = re.compile(r"《[^《》\n]{0,120}》")
_PARENS_RE = re.compile(r"[(（][^()（）\n]{0,80}[)）]")
_DATE_LINE_RE = re.compile(r"\d{4}\s*[年\-./]\s*\d{1,2}\s*[月\-./]\s*\d{1,2}\s*日?")
_DATELINE_RE = re.compile(r"^[【\[]?([^\s，,。：:()（）【】\[\]]{2,20}?)(?:\d{1,2}月\d{1,2}日)?电?讯", re.M)
_SOURCE_RE = re.compile(r"来源[:：]\s*([^\s，,。；;]{2,30})")
_OWN_AREA_MARKER = {"自治区": "区"}  # 全区 in a region's text
HEAD_CHARS = 400  # the opening searched for the issuer when the title names none
CUE_CHARS = 20_000  # how much text the whole-text place cues read
UNRESOLVED_MARK = "未定位"


@dataclass
class ShortForm:
    """A short form the context does not resolve: 市妇联 with no known city."""

    start: int
    end: int
    surface: str
    marker: str  # 市, 区, 街道 …
    level: str  # the level it names: prefecture for 市, township for 街道 …


@dataclass
class IssuerResolution:
    issuer: Optional[FedMention]
    ctx: Context  # the region context for the rest of the extraction
    feds: list[FedMention] = field(default_factory=list)  # every federation mention, in text order
    unresolved: Optional[str] = None  # the short form (市妇联) when the issuer's place is unknown


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _media_re() -> re.Pattern:
    """A paper or media centre named with its place: 永州日报, 桑植县融媒体中心."""
    words = get_resources().patterns["issuer_media_words"]
    return re.compile(r"([\u4e00-\u9fff]{2,10}?)(?:" + _alternation(words) + ")")


@lru_cache(maxsize=1)
def _chair_after_re() -> re.Pattern:
    """A federation's chair named after it: 市妇联党组书记、主席黄玉芳 (roles ending in a leading one)."""
    p = get_resources().patterns
    run, leading = _alternation(p["person_roles"]), _alternation(p["person_roles_leading"])
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


def _in_context(gaz: Gazetteer, ctx: Context, code: str) -> bool:
    for anc in (ctx.prefecture, ctx.province):
        if anc:
            return code == anc or gaz.is_ancestor(anc, code)
    return True


def _fitting(gaz: Gazetteer, ctx: Context, marker: str, places: Iterable[tuple[int, int, list[str]]]) -> list[str]:
    """For each place name, the one division it can be for this marker and context (others skipped)."""
    out = []
    for _a, _b, codes in places:
        fit = [c for c in codes if marker_fits(gaz, marker, c) and _in_context(gaz, ctx, c)]
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
                if _in_context(ci.gaz, ci.ctx, anc.code):
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


# -- choosing the issuer ----------------------------------------------------------------------
def outside_charters(text: str, feds: list[FedMention]) -> list[FedMention]:
    """《中华全国妇女联合会章程》 names the charter, not the federation acting: drop mentions inside it
    (a federation's own plan or notice, 《长沙市望城区妇联2022年工作要点》, still names its author)."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"《[^《》\n]{1,80}章程》", text)]
    if not spans:
        return feds
    return [f for f in feds if not any(a < f.start and f.end < b for a, b in spans)]


def _mentions(text: str, ctx: Context, gaz: Gazetteer) -> list[FedMention]:
    return outside_charters(text, find_federations(text, ctx, gaz))


def _spans(rx: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in rx.finditer(text)]


def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
    return any(a < pos < b for a, b in spans)


def _signature(text: str, cands: list) -> Optional[object]:
    """The federation a document is signed with (落款): its last line before an optional date line."""
    lines = [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]
    if len(lines) < 3:
        return None
    tail = lines[-2:]
    a, b = tail[-1]
    if _DATE_LINE_RE.fullmatch(text[a:b].strip()):
        a, b = tail[0]
    line = text[a:b].strip()
    a = text.index(line, a)
    for c in cands:
        if c.start == a and c.end >= a + len(line.rstrip("：:，,。")):
            return c
    return None


def _first(cands: list, lo: int, hi: int, skip: list[tuple[int, int]]):
    return next((c for c in cands if lo <= c.start < hi and not _inside(skip, c.start)), None)


def _choose(text: str, title_p: Optional[PassageRecord], feds: list[FedMention], shorts: list[ShortForm],
            ctx: Context, gaz: Gazetteer, region: Optional[str]) -> tuple[object, Optional[str]]:
    """The issuer candidate (a resolved mention or a short form) and, for a short form, its place
    when the way it was chosen already gives one."""
    t0, t1 = (title_p.start, title_p.end) if title_p else (0, 0)
    # a federation inside 《…》 is an author of what is cited (《中华全国妇女联合会章程》), except
    # in the title, which cites the document itself (关于印发《长沙市妇联2022年工作要点》的通知)
    books = [(a, b) for a, b in _spans(_TITLE_MARKS_RE, text) if not t0 <= a < t1]
    # organ committees and workplace or village federations (天虹纺织妇联) never issue
    resolved = [f for f in feds if f.level != "organ" and not f.unit and not _inside(books, f.start)]
    cands = sorted(resolved + [s for s in shorts if not _inside(books, s.start)], key=lambda c: c.start)
    if not cands:
        cands = sorted([f for f in feds if f.level != "organ" and not f.unit] + shorts, key=lambda c: c.start)
        if not cands:
            return None, None
    if region:
        hit = next((f for f in resolved if f.region_code == region), None)
        if hit:
            return hit, None
    signed = _signature(text, cands)
    if signed:
        return signed, None
    titled = _first(cands, t0, t1, [])
    if titled:
        return titled, None
    title = text[t0:t1]
    for _a, _b, codes in places_in(gaz, title, townships=True):  # 永州召开推进会: 永州's federation
        codes = [c for c in codes if _in_context(gaz, ctx, c)]
        hit = next((f for f in resolved if f.region_code in codes), None)
        if hit:
            return hit, None
        for short in (c for c in cands if isinstance(c, ShortForm)):
            fit = [c for c in codes if marker_fits(gaz, short.marker, c)]
            if len(fit) == 1:
                return short, fit[0]
    asides = books + _spans(_PARENS_RE, text)
    head = max(t1, HEAD_CHARS)
    return (_first(cands, 0, head, asides) or _first(cands, 0, head, books) or cands[0]), None


def _same_mention(feds: list[FedMention], start: int, end: int) -> Optional[FedMention]:
    return next((f for f in feds if f.start == start and f.end == end), None)


def _hinted(text: str, issuer: str, region: Optional[str], hint_ctx: Optional[Context], ctx0: Context,
            gaz: Gazetteer) -> IssuerResolution:
    """The issuer the caller named: its canonical name when it parses as a federation, else as given."""
    name = issuer.strip()
    parsed = [f for f in find_federations(name, ctx0, gaz) if f.start == 0 and f.end == len(name)]
    if parsed:
        ident = parsed[0]
    else:
        level = gaz.regions[region].level if region else None
        ident = FedMention(-1, -1, name, name, level, region, None, explicit=False)
    res = _with_context(text, ident, hint_ctx, ctx0, gaz)
    res.issuer = next((f for f in res.feds if f.name == ident.name), ident)
    return res


def unresolved_name(marker: str, source: str) -> str:
    """Name of an unresolved issuer: its short form and its document (市妇联（未定位：a05_…）)."""
    stem = PurePath(source).stem if source else ""
    return f"{marker}妇联（{UNRESOLVED_MARK}：{stem}）" if stem else f"{marker}妇联（{UNRESOLVED_MARK}）"


def resolve_issuer(text: str, title_p: Optional[PassageRecord], hints: Optional[DocHints] = None,
                   source: str = "", gaz: Optional[Gazetteer] = None) -> IssuerResolution:
    """The issuer of a normalized text, the region context, and every federation mention."""
    gaz = gaz or get_gazetteer()
    region = hints.region_code if hints else None
    hint_ctx = context_from_code(gaz, region) if region else None
    ctx0 = hint_ctx or Context(province=vote_province(text, gaz))
    if hints and hints.issuer:
        return _hinted(text, hints.issuer, region, hint_ctx, ctx0, gaz)
    feds0 = _mentions(text, ctx0, gaz)
    shorts = find_short_forms(text, feds0)
    choice, place = _choose(text, title_p, feds0, shorts, ctx0, gaz, region)
    if isinstance(choice, ShortForm):
        title = text[title_p.start:title_p.end] if title_p else ""
        place = place or place_of_short_form(text, title, choice, shorts, feds0, ctx0, gaz)
        if place and region and not (place == region or gaz.is_ancestor(region, place)):
            place = None  # the text points elsewhere than the hinted region: keep the hint's context
        if place:
            ctx = context_from_code(gaz, place)
            feds = _mentions(text, ctx, gaz)
            issuer = _same_mention(feds, choice.start, choice.end)
            if issuer:
                return IssuerResolution(issuer, ctx, feds)
        named = [f for f in feds0 if f.explicit and f.level != "organ" and not f.unit
                 and f.start < max(HEAD_CHARS, choice.end)]
        if not named:
            return _unresolved(text, choice, shorts, feds0, ctx0, source)
        choice = named[0]  # a federation the opening names with its place, rather than none
    if choice is None:
        return IssuerResolution(None, ctx0, feds0)
    res = _with_context(text, choice, hint_ctx, ctx0, gaz)
    # a signature line the first context could not read (华亭镇妇联 once 嘉定区 is known)
    signed = _signature(text, [f for f in res.feds if f.level != "organ" and not f.unit])
    if signed is not None and signed.name != res.issuer.name and (not region or signed.region_code == region):
        res = _with_context(text, signed, hint_ctx, ctx0, gaz)
    return res


def _with_context(text: str, choice: FedMention, hint_ctx: Optional[Context], ctx0: Context,
                  gaz: Gazetteer) -> IssuerResolution:
    """The issuer's own context (or the hinted one) and the mentions read with it."""
    if hint_ctx is not None:
        ctx = hint_ctx
    elif choice.level == "national":
        ctx = Context()
    else:
        ctx = context_from_code(gaz, choice.region_code) if choice.region_code else ctx0
    feds = _mentions(text, ctx, gaz)
    return IssuerResolution(_same_mention(feds, choice.start, choice.end) or choice, ctx, feds)


def _unresolved(text: str, short: ShortForm, shorts: list[ShortForm], feds: list[FedMention], ctx: Context,
                source: str) -> IssuerResolution:
    """Keep the issuer as a federation of the short form's level whose place is unknown; every
    mention of the same short form is a mention of it."""
    name = unresolved_name(short.marker, source)
    own = [FedMention(s.start, s.end, s.surface, name, short.level, None, None, explicit=False)
           for s in shorts if s.marker == short.marker]
    issuer = next(f for f in own if f.start == short.start)
    return IssuerResolution(issuer, ctx, sorted(feds + own, key=lambda f: (f.start, f.end)),
                            unresolved=f"{short.marker}妇联")
