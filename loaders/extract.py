"""Extraction core: original document text → ExtractionResult (see docs/ANNOTATION.md).

Pipeline: normalize → passages/sentences/tables → metadata + region context →
federations → campaigns/laws → departments → persons → relations.
"""

from __future__ import annotations

import re
from typing import Optional

from .campaigns import CONFIDENT_RULES, Cand, CampaignFinder, KnownNames, PlaceStripper, clean_space
from .federations import FedMention, distributive_federations
from graph.gazetteer import get_gazetteer
from .issuer import resolve_issuer
from .meta import find_date, find_doc_number, find_kind, find_title, find_year
from .normalize import normalize
from .people_depts import find_departments, lead_table_departments
from .persons import find_persons
from .relations import RelationContext, extract_relations
from .resources import get_resources, get_tokenizer
from .structure import Sentence, find_tables, split_passages, split_sentences
from .types import (
    DocHints,
    DocumentMeta,
    ExtractedEntity,
    ExtractedRelation,
    ExtractionResult,
    Mention,
)

_QUOTES_RE = re.compile(r"[“”‘’\"'\s]")
MAX_CHARS = 2_000_000


def _key(s: str) -> str:
    return _QUOTES_RE.sub("", s)


class _EntityTable:
    """Collects entities by (type, canonical key), merging aliases and mentions; stable order."""

    def __init__(self, text: str):
        self.text = text
        self.by_key: dict[tuple[str, str], ExtractedEntity] = {}
        # each entity's mention spans, to find a repeated one at once (rebuilt when mentions were merged)
        self.spans: dict[tuple[str, str], tuple[ExtractedEntity, list, set]] = {}

    def add(self, type_: str, name: str, start: int, end: int, aliases=(), **attrs) -> ExtractedEntity:
        name = clean_space(name)
        k = (type_, _key(name))
        ent = self.by_key.get(k)
        if ent is None:
            ent = ExtractedEntity(type=type_, name=name, **attrs)
            self.by_key[k] = ent
        else:
            for f, v in attrs.items():
                if v is not None and getattr(ent, f) in (None, False, ""):
                    setattr(ent, f, v)
        for a in aliases:
            a = clean_space(a or "")
            if a and _key(a) != _key(ent.name) and a not in ent.aliases and len(a) <= 80:
                ent.aliases.append(a)
        if 0 <= start < end <= len(self.text):
            spans = self.spans.get(k)
            if spans is None or len(spans[1]) != len(ent.mentions) or spans[0] is not ent:  # merged since
                spans = self.spans[k] = (ent, [(m.start, m.end) for m in ent.mentions],
                                         {(m.start, m.end) for m in ent.mentions})
            if (start, end) not in spans[2]:
                spans[2].add((start, end))
                spans[1].append((start, end))
                ent.mentions.append(Mention(start=start, end=end, text=self.text[start:end]))
        return ent

    def get(self, type_: str, name: str) -> Optional[ExtractedEntity]:
        return self.by_key.get((type_, _key(name)))

    def entities(self) -> list[ExtractedEntity]:
        ents = list(self.by_key.values())
        for e in ents:
            e.mentions.sort(key=lambda m: (m.start, m.end))
            e.aliases = sorted(set(e.aliases))
        ents.sort(key=lambda e: (e.type, e.mentions[0].start if e.mentions else 10**9, e.name))
        return ents


_CLAUSE_SPLIT = re.compile(r"[，。；：！？\n\t]")


def _token_starts(text: str, finder: CampaignFinder) -> set[int]:
    """Token start offsets (jieba, HMM off) for the clauses that contain a campaign/law suffix."""
    tk = get_tokenizer()
    starts = {len(text)}
    pos = 0
    for m in _CLAUSE_SPLIT.finditer(text + "\n"):
        a, b = pos, m.start()
        pos = m.end()
        starts.add(a)
        starts.add(b)
        if b - a < 3:
            continue
        clause = text[a:b]
        m1 = finder.suffix_re.search(clause)
        m2 = finder.law_suffix_re.search(clause)
        if not (m1 or m2):
            continue
        first = min(m.start() for m in (m1, m2) if m)
        lo = max(0, first - 28)
        for _w, s, _e in tk.tokenize(clause[lo:], HMM=False):
            starts.add(a + lo + s)
    return starts


def _sentence_index(sentences: list[Sentence], n: int) -> list[int]:
    idx = [-1] * (n + 1)
    for i, s in enumerate(sentences):
        for k in range(s.start, s.end):
            idx[k] = i
    return idx


def extract_text(text: str, source: str = "", hints: Optional[DocHints] = None, *,
                 known: Optional[KnownNames] = None) -> ExtractionResult:
    """Extract entities and relations from one decoded document; `hints` (a manifest row) give
    the region for short forms (市妇联), and override the issuer and year the text implies."""
    if not isinstance(text, str):
        text = str(text or "")
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
    norm, to_orig = normalize(text)
    return _extract_normalized(norm, to_orig, source, known, hints if hints and not hints.is_empty() else None)


def corpus_matches(text: str, known: Optional[KnownNames]) -> list[tuple[str, str]]:
    """(type, name) of the `known` names `extract_text(text, known=known)` finds, sorted: the same
    normalized text, sentences and scan, without the rest of the extraction."""
    if known is None or not isinstance(text, str):
        return []
    norm, _ = normalize(text[:MAX_CHARS])
    found = set()
    for sent in split_sentences(norm, split_passages(norm)):
        for m in known.regex.finditer(norm, sent.start, sent.end):
            found.add(known.names[m.group()])
    return sorted(found)


def _extract_normalized(norm: str, to_orig: list[int], source: str, known: Optional[KnownNames] = None,
                        hints: Optional[DocHints] = None) -> ExtractionResult:
    res = get_resources()
    pats = res.patterns
    gaz = get_gazetteer()
    passages = split_passages(norm)
    sentences = split_sentences(norm, passages)
    tables = find_tables(norm, passages)
    sent_of = _sentence_index(sentences, len(norm))

    # -- metadata and region context ------------------------------------------------
    title, title_p = find_title(passages)
    date = (hints.date if hints else None) or find_date(norm)
    year = hints.year if hints and hints.year else find_year(title, norm, date)
    kind = find_kind(title, norm)
    found = resolve_issuer(norm, title_p, hints, source, gaz)
    issuer, ctx, feds = found.issuer, found.ctx, found.feds
    issuer_name = issuer.name if issuer else None
    _units_under_issuer(feds, issuer)
    feds = sorted(feds + distributive_federations(norm, feds, ctx, gaz), key=lambda f: (f.start, f.end))

    table = _EntityTable(norm)
    for f in feds:
        table.add("Federation", f.name, f.start, f.end, [f.surface] + f.extra_aliases,
                  level=f.level, region_code=f.region_code, parent=f.parent)
    if issuer:  # also when only a hint names it
        table.add("Federation", issuer.name, issuer.start, issuer.end, level=issuer.level,
                  region_code=issuer.region_code, parent=issuer.parent, unresolved=bool(found.unresolved))
    fed_spans = [(f.start, f.end, f.name) for f in feds]

    # -- campaigns and laws -------------------------------------------------------------
    ctx_codes = [c for c in (ctx.county, ctx.prefecture, ctx.province) if c]
    places = PlaceStripper(gaz, ctx_codes)
    finder = CampaignFinder(res)
    tokens = _token_starts(norm, finder) if norm else {0}
    cands = finder.find(norm, sentences, tokens, places, year, known)
    # table cells of lead tables: whole content cell is a campaign
    lead_rows = lead_table_departments(norm, tables)
    cell_cands = _table_cell_campaigns(norm, tables, finder, places)
    cands = _merge_cell_cands(cands, cell_cands)
    cand_ents: list[tuple[Cand, ExtractedEntity]] = []
    for c in cands:
        ent = _add_cand(table, c, finder)
        cand_ents.append((c, ent))
    _merge_law_families(table)
    _merge_alias_named(table, "Campaign")
    _merge_same_core(table, finder)

    # -- departments --------------------------------------------------------------------
    region_code = ctx.deepest
    region_name = gaz.region_display(region_code) if region_code else None
    dept_ments = find_departments(norm, fed_spans)
    for d in dept_ments:
        owner = _fed_right_before(fed_spans, d.start) or issuer_name
        if d.own:
            table.add("Department", d.name, d.start, d.end, list(d.aliases), own_office=True, scope=owner,
                      region_code=region_code)
        else:
            table.add("Department", d.name, d.start, d.end, list(d.aliases), scope=region_name, region_code=region_code)
    for _ri, d, _cell in lead_rows:
        table.add("Department", d.name, d.start, d.end, own_office=True, scope=issuer_name, region_code=region_code)

    # -- persons --------------------------------------------------------------------------
    persons = find_persons(norm, tables, fed_spans)
    for pm in persons:
        table.add("Person", pm.name, pm.start, pm.end, role=pm.role)
    # (find_persons already returns every other mention of a name it found: rule P-known)

    entities = table.entities()
    surviving = {(e.type, e.name) for e in entities}
    confident = sorted({(e.type, e.name) for c, e in cand_ents if c.rule in CONFIDENT_RULES and (e.type, e.name) in surviving})
    relations = extract_relations(RelationContext(norm, sentences, sent_of, passages, table, feds, issuer, cand_ents,
                                                  dept_ments, lead_rows, persons, kind, pats))
    relations = _consistent_relations(relations, entities)

    meta = DocumentMeta(
        title=title,
        issuer=issuer_name,
        issuer_level=issuer.level if issuer else None,
        issuer_region_code=issuer.region_code if issuer else None,
        issuer_unresolved=found.unresolved,
        year=year,
        date=date,
        url=hints.url if hints else None,
        doc_number=find_doc_number(norm),
        kind=kind,
    )
    return ExtractionResult(
        source=source,
        hints=hints,
        normalized_text=norm,
        to_original=to_orig,
        meta=meta,
        passages=passages,
        entities=entities,
        relations=relations,
        confident_names=[list(x) for x in confident],
    )


# ---------------------------------------------------------------------------------------------
def _units_under_issuer(feds: list[FedMention], issuer: Optional[FedMention]) -> None:
    """A workplace or village federation named without its place (天虹纺织妇联) in a township
    federation's document belongs to that township: named under it, led by it."""
    if issuer is None or issuer.level != "township" or not issuer.name.endswith("妇联"):
        return
    base = issuer.name[:-2]
    for f in feds:
        if f.unit and not f.explicit and f is not issuer:
            f.name, f.parent, f.region_code = base + f.unit + "妇联", issuer.name, issuer.region_code
            if f.surface not in f.extra_aliases:
                f.extra_aliases.append(f.surface)


def _add_cand(table: _EntityTable, c: Cand, finder: CampaignFinder) -> ExtractedEntity:
    return table.add(c.type, c.name, c.start, c.end, c.aliases)


def _table_cell_campaigns(text, tables, finder: CampaignFinder, places) -> list[Cand]:
    """Content cells of work tables (序号/内容/牵头…) are campaign names as a whole."""
    out = []
    for t in tables:
        heads = finder.p["table_content_headers"]
        content_col = next((i for i, h in enumerate(t.header) if any(w in h for w in heads if w != "工作")), None)
        if content_col is None or not any(any(w in h for w in finder.p["table_key_headers"]) for h in t.header):
            continue
        for row in t.rows:
            if content_col >= len(row):
                continue
            a, b = row[content_col]
            cell = text[a:b]
            cell_main = re.split(r"[，,；]", cell)[0]
            parts = re.split(r"及(?=“)", cell_main)
            pos = a
            for part in parts:
                pa, pb = pos, pos + len(part)
                pos = pb + 1
                plain = clean_space(re.sub(r"[“”《》]", "", part))
                plain_c = re.sub(r"^\d{4}年度?", "", plain)
                if len(plain_c) < 3:
                    continue
                quotes = [q for q in re.findall(r"“([^“”]{2,30})”", part) if not finder.is_stop(q)]
                lex = finder.lexicon_canonical(plain_c)
                if lex:
                    name = lex
                elif quotes and (part.strip().startswith("“") or (len(quotes) == 1 and not part.startswith("《"))):
                    name = finder.lexicon_canonical(quotes[0]) or quotes[0]
                else:
                    name = plain_c
                    # enumerations with quotes: keep punctuation between quoted items
                    name = re.sub(r"”“", "、", re.sub(r"》、“|》“", "、", part))
                    name = clean_space(re.sub(r"[“”《》]", "", name))
                    name = re.sub(r"^\d{4}年度?", "", name)
                aliases = [plain, plain_c, finder.strip_tail(plain_c), finder.strip_modifiers(plain_c, places)]
                out.append(Cand("Campaign", pa, pb, name, aliases, "C-table-cell"))
    return out


def _merge_cell_cands(cands: list[Cand], cells: list[Cand]) -> list[Cand]:
    """Table cells win over campaign candidates inside them (laws inside are kept)."""
    if not cells:
        return cands
    out = [c for c in cands if not (c.type == "Campaign" and any(x.start <= c.start and c.end <= x.end for x in cells))]
    out.extend(cells)
    out.sort(key=lambda c: (c.start, c.end))
    return out


def _merge_law_families(table: _EntityTable) -> None:
    """妇女儿童发展规划 / 新周期… / 岳阳市… → one Law named by the most specific variant."""
    laws = [e for e in table.by_key.values() if e.type == "Law"]
    for e in laws:
        k = _key(e.name)
        for other in laws:
            if other is e or (other.type, _key(other.name)) not in table.by_key:
                continue
            ok = _key(other.name)
            # other is region-prefixed version of e (长沙市望城区妇女儿童发展规划 ⊃ 妇女儿童发展规划)
            if len(ok) > len(k) and ok.endswith(k) and len(k) >= 6 and re.match(r"^[\u4e00-\u9fff]{2,12}[省市区县州]", ok[: len(ok) - len(k)] or "x"):
                if (e.type, k) in table.by_key:
                    other.aliases = sorted(set(other.aliases + [e.name] + e.aliases))
                    other.mentions.extend(e.mentions)
                    del table.by_key[(e.type, k)]
                break


def _consistent_relations(relations, entities) -> list[ExtractedRelation]:
    """Redirect relation ends to the surviving (merged) entity; drop ends that name nothing."""
    names = {(e.type, e.name) for e in entities}
    redirect: dict[tuple[str, str], str] = {}
    for e in entities:
        for a in e.aliases:
            redirect.setdefault((e.type, _key(a)), e.name)
    out, seen = [], set()
    for r in relations:
        ends = []
        for t, n in ((r.head_type, r.head), (r.tail_type, r.tail)):
            if (t, n) not in names:
                n = redirect.get((t, _key(n)))
            ends.append(n)
        if ends[0] is None or ends[1] is None or (ends[0] == ends[1] and r.head_type == r.tail_type):
            continue
        key = (ends[0], r.type, ends[1])
        if key in seen:
            continue
        seen.add(key)
        out.append(r.model_copy(update={"head": ends[0], "tail": ends[1]}))
    return out


def _merge_same_core(table: _EntityTable, finder: CampaignFinder) -> None:
    """普法强基补短板专项活动 / …专项行动: campaigns that differ only by a generic tail are one."""
    first: dict[str, ExtractedEntity] = {}
    for e in [e for e in table.by_key.values() if e.type == "Campaign"]:
        core = _key(finder.strip_tail(e.name))
        owner = first.setdefault(core, e)
        if owner is e or len(core) < 4:
            continue
        owner.aliases = sorted(set(owner.aliases + [e.name] + e.aliases) - {owner.name})
        owner.mentions.extend(e.mentions)
        del table.by_key[("Campaign", _key(e.name))]


def _merge_alias_named(table: _EntityTable, type_: str) -> None:
    """Merge an entity whose name is an alias of another entity of the same type."""
    ents = [e for e in table.by_key.values() if e.type == type_]
    alias_owner: dict[str, ExtractedEntity] = {}
    for e in ents:
        for a in e.aliases:
            alias_owner.setdefault(_key(a), e)
    for e in ents:
        owner = alias_owner.get(_key(e.name))
        if owner is None or owner is e or (type_, _key(owner.name)) not in table.by_key:
            continue
        if (type_, _key(e.name)) not in table.by_key:
            continue
        owner.aliases = sorted(set(owner.aliases + [e.name] + e.aliases) - {owner.name})
        owner.mentions.extend(e.mentions)
        del table.by_key[(type_, _key(e.name))]


def _fed_right_before(fed_spans, pos: int) -> Optional[str]:
    for a, b, name in fed_spans:
        if b == pos:
            return name
    return None
