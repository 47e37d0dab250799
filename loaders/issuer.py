"""Which federation wrote a document, and the place its short forms (市妇联, 区妇女联合会) stand for.

The issuer is, in this order: the caller's hint (a manifest row's issuer); the federation of the
hinted region; a signature line (落款); the first federation of the title; the federation of the
title's place; the first federation of the opening. When that is a short form whose place the
context does not give, the place comes from cues in the text (loaders.place_cues); if none is
found the issuer is kept as an explicitly unresolved federation of the right level, named for its
document, so that it never merges with another document's or with a real federation.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Optional

from .federations import Context, FedMention, context_from_code, find_federations, marker_fits, vote_province
from graph.gazetteer import Gazetteer, get_gazetteer
from .place_cues import ShortForm, find_short_forms, in_context, place_of_short_form, places_in
from .registry import mention_rule
from .types import DocHints, PassageRecord

mention_rule("F-issuer", produces=("Federation",),
             needs=("gazetteer", "contextual_levels", "generic_federation_prefix_chars", "zone_words",
                    "issuer_media_words", "issuer_own_area_prefixes", "person_roles", "person_roles_leading"),
             doc="The issuer: the manifest's issuer, the federation of its region, a signature line, the title's "
                 "federation or place, the opening's first; a short form (市妇联) takes its place from the title, "
                 "datelines and media names, its chair, the one federation of its kind named, 全市 + a named place "
                 "or its child federations, else stays an unresolved federation of its level, one per document.")

_TITLE_MARKS_RE = re.compile(r"《[^《》\n]{0,120}》")
_PARENS_RE = re.compile(r"[(（][^()（）\n]{0,80}[)）]")
_DATE_LINE_RE = re.compile(r"\d{4}\s*[年\-./]\s*\d{1,2}\s*[月\-./]\s*\d{1,2}\s*日?")
HEAD_CHARS = 400  # the opening searched for the issuer when the title names none
UNRESOLVED_MARK = "未定位"


@dataclass
class IssuerResolution:
    issuer: Optional[FedMention]
    ctx: Context  # the region context for the rest of the extraction
    feds: list[FedMention] = field(default_factory=list)  # every federation mention, in text order
    unresolved: Optional[str] = None  # the short form (市妇联) when the issuer's place is unknown


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
    return pos in _SpanSet(spans) if not isinstance(spans, _SpanSet) else pos in spans


class _SpanSet:
    """Positions strictly inside any of some spans, found by bisection (a long document has thousands)."""

    def __init__(self, spans: list[tuple[int, int]]):
        merged: list[list[int]] = []
        for a, b in sorted(spans):
            if merged and a < merged[-1][1]:  # overlapping open intervals: one
                merged[-1][1] = max(merged[-1][1], b)
            elif a < b:
                merged.append([a, b])
        self.starts = [a for a, _ in merged]
        self.ends = [b for _, b in merged]

    def __contains__(self, pos: int) -> bool:
        i = bisect.bisect_left(self.starts, pos) - 1  # the last span starting before pos
        return i >= 0 and pos < self.ends[i]


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


def _first(cands: list, lo: int, hi: int, skip):
    skip = skip if isinstance(skip, _SpanSet) else _SpanSet(skip)
    return next((c for c in cands if lo <= c.start < hi and not _inside(skip, c.start)), None)


def _choose(text: str, title_p: Optional[PassageRecord], feds: list[FedMention], shorts: list[ShortForm],
            ctx: Context, gaz: Gazetteer, region: Optional[str]) -> tuple[object, Optional[str]]:
    """The issuer candidate (a resolved mention or a short form) and, for a short form, its place
    when the way it was chosen already gives one."""
    t0, t1 = (title_p.start, title_p.end) if title_p else (0, 0)
    # a federation inside 《…》 is an author of what is cited (《中华全国妇女联合会章程》), except
    # in the title, which cites the document itself (关于印发《长沙市妇联2022年工作要点》的通知)
    book_spans = [(a, b) for a, b in _spans(_TITLE_MARKS_RE, text) if not t0 <= a < t1]
    books = _SpanSet(book_spans)
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
        codes = [c for c in codes if in_context(gaz, ctx, c)]
        hit = next((f for f in resolved if f.region_code in codes), None)
        if hit:
            return hit, None
        for short in (c for c in cands if isinstance(c, ShortForm)):
            fit = [c for c in codes if marker_fits(gaz, short.marker, c)]
            if len(fit) == 1:
                return short, fit[0]
    asides = _SpanSet(book_spans + _spans(_PARENS_RE, text))
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
