"""Extraction core: original document text → ExtractionResult (see docs/ANNOTATION.md).

Pipeline: normalize → passages/sentences/tables → metadata + region context →
federations → campaigns/laws → departments → persons → relations.
"""

from __future__ import annotations

import re
from typing import Optional

from .campaigns import CONFIDENT_RULES, Cand, CampaignFinder, KnownNames, PlaceStripper, clean_space
from .federations import Context, FedMention, context_from_code, find_federations, vote_province
from .gazetteer import get_gazetteer
from .meta import find_date, find_doc_number, find_kind, find_title, find_year
from .normalize import normalize
from .people_depts import find_departments, lead_table_departments
from .persons import find_persons
from .resources import get_resources, get_tokenizer
from .structure import Sentence, find_tables, split_passages, split_sentences
from .types import (
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
            if not any(m.start == start and m.end == end for m in ent.mentions):
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


def extract_text(text: str, source: str = "", *, known: Optional[KnownNames] = None) -> ExtractionResult:
    """Extract entities and relations from one decoded document."""
    if not isinstance(text, str):
        text = str(text or "")
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS]
    norm, to_orig = normalize(text)
    return _extract_normalized(norm, to_orig, source, known)


def _extract_normalized(norm: str, to_orig: list[int], source: str, known: Optional[KnownNames] = None) -> ExtractionResult:
    res = get_resources()
    pats = res.patterns
    gaz = get_gazetteer()
    passages = split_passages(norm)
    sentences = split_sentences(norm, passages)
    tables = find_tables(norm, passages)
    sent_of = _sentence_index(sentences, len(norm))

    # -- metadata and region context ------------------------------------------------
    title, title_p = find_title(passages)
    date = find_date(norm)
    year = find_year(title, norm, date)
    kind = find_kind(title, norm)
    prov = vote_province(norm, gaz)
    ctx0 = Context(province=prov)
    feds0 = _outside_titles(norm, find_federations(norm, ctx0, gaz))
    issuer: Optional[FedMention] = None
    head_end = title_p.end if title_p else 0
    head_limit = max(head_end, 400)
    explicit_top = [f for f in feds0 if f.start < head_limit and f.level != "organ" and not f.unit]
    if explicit_top:
        issuer = explicit_top[0]
    elif feds0:
        issuer = next((f for f in feds0 if not f.unit), feds0[0])
    ctx = context_from_code(gaz, issuer.region_code) if issuer and issuer.region_code else ctx0
    if issuer and issuer.level == "national":
        ctx = Context()
    feds = _outside_titles(norm, find_federations(norm, ctx, gaz))
    # re-pick issuer with full context (resolves 省妇联 in titles)
    top = [f for f in feds if f.start < head_limit and f.level != "organ" and not f.unit]
    if top:
        issuer = top[0]
    elif feds:
        issuer = next((f for f in feds if not f.unit), feds[0])
    issuer_name = issuer.name if issuer else None
    _units_under_issuer(feds, issuer)

    table = _EntityTable(norm)
    for f in feds:
        table.add("Federation", f.name, f.start, f.end, [f.surface] + f.extra_aliases,
                  level=f.level, region_code=f.region_code, parent=f.parent)
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
    # further bare mentions of known persons
    for ent in list(table.by_key.values()):
        if ent.type == "Person":
            for m in re.finditer(re.escape(ent.name), norm):
                table.add("Person", ent.name, m.start(), m.end())

    entities = table.entities()
    surviving = {(e.type, e.name) for e in entities}
    confident = sorted({(e.type, e.name) for c, e in cand_ents if c.rule in CONFIDENT_RULES and (e.type, e.name) in surviving})
    relations = _relations(norm, sentences, sent_of, passages, table, feds, issuer, cand_ents, dept_ments,
                           lead_rows, persons, kind, pats)
    relations = _consistent_relations(relations, entities)

    meta = DocumentMeta(
        title=title,
        issuer=issuer_name,
        issuer_level=issuer.level if issuer else None,
        issuer_region_code=issuer.region_code if issuer else None,
        year=year,
        date=date,
        doc_number=find_doc_number(norm),
        kind=kind,
    )
    return ExtractionResult(
        source=source,
        normalized_text=norm,
        to_original=to_orig,
        meta=meta,
        passages=passages,
        entities=entities,
        relations=relations,
        confident_names=[list(x) for x in confident],
    )


# ---------------------------------------------------------------------------------------------
def _outside_titles(text: str, feds: list[FedMention]) -> list[FedMention]:
    """《中华全国妇女联合会章程》 names the charter, not the federation acting: drop mentions inside it
    (a federation's own plan or notice, 《长沙市望城区妇联2022年工作要点》, still names its author)."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"《[^《》\n]{1,80}章程》", text)]
    if not spans:
        return feds
    return [f for f in feds if not any(a < f.start and f.end < b for a, b in spans)]


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
        content_col = next((i for i, h in enumerate(t.header) if re.search(r"内容|活动|项目|任务|名称", h)), None)
        if content_col is None or not any(re.search(r"牵头|责任|序号", h) for h in t.header):
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


# separators of a list of joint doers: 准格尔旗妇联、伊金霍洛旗妇联 / 长沙市妇联和株洲市妇联
_FED_JOIN_RE = re.compile(r"\s*(?:、|和|与|及|以及)\s*")
# the list is the object of coordination: 联合/会同/配合 X、Y
_COORD_BEFORE_RE = re.compile(r"(?:联合|会同|配合|协同|协助)\s*$")


def _fed_right_before(fed_spans, pos: int) -> Optional[str]:
    for a, b, name in fed_spans:
        if b == pos:
            return name
    return None


def _clause_bounds(text: str, s0: int, s1: int, pos: int) -> tuple[int, int]:
    a = pos
    while a > s0 and text[a - 1] not in "，；。：\n":
        a -= 1
    b = pos
    while b < s1 and text[b] not in "，；。\n":
        b += 1
    return a, b


_TARGET_RE_CACHE: dict = {}


def _targets_in(text: str, a: int, b: int, units: str) -> list[str]:
    rx = _TARGET_RE_CACHE.get(units)
    if rx is None:
        rx = re.compile(r"\d[\d,\.]*\s*(?:" + units + r")")
        _TARGET_RE_CACHE[units] = rx
    out = []
    for piece in re.split(r"[，；。、]", text[a:b]):
        m = rx.search(piece)
        if m and not re.search(r"\d{4}年", m.group()):
            out.append(piece.strip())
    return out


_ROLE_WORDS_RE = re.compile(r"(?:党组书记|党组副书记|党组成员|书记|副主席|主席|副主任|主任|兼职|挂职|、|，|,|：|:| )*")
_LEADING_ROLE_RE = re.compile(r"(?<![副])(?:主席|主任)|党组书记")


def _leading_role(roles: str) -> Optional[str]:
    """The chair's title in a run of titles (主席、党组书记 → 主席); 副主席 alone leads nothing."""
    m = _LEADING_ROLE_RE.search(roles)
    return m.group() if m else None


def _person_leads(text: str, persons, feds) -> list:
    """(person mention, federation mention, role) for persons the text names as a federation's chair."""
    out = []
    by_end = {f.end: f for f in feds if f.level != "organ" or True}
    for pm in persons:
        # 省妇联党组书记、主席黄芳: the federation, then only titles, then the name
        for f in feds:
            if f.end <= pm.start and pm.start - f.end <= 12:
                between = text[f.end:pm.start]
                if _ROLE_WORDS_RE.fullmatch(between) and _leading_role(between):
                    out.append((pm, f, _leading_role(between)))
                    break
        else:
            after = text[pm.end:pm.end + 40]
            # 钱昀（省妇联党组书记、主席）/ 段爽同志以县妇联主席身份 / 陈卫琳主席 after 溧城街道妇联
            m = re.match(r"(?:同志)?[（(]([^（）()]{2,36})[）)]", after) or re.match(r"(?:同志)?以([^，。；]{2,20}?)身份", after)
            if m:
                inner_a = pm.end + m.start(1)
                for f in feds:
                    if inner_a <= f.start and f.end <= pm.end + m.end(1):
                        roles = text[f.end:pm.end + m.end(1)]
                        role = _leading_role(re.split(r"[，,；]", roles)[0])
                        if role and _ROLE_WORDS_RE.fullmatch(roles.split("，")[0].split(",")[0]):
                            out.append((pm, f, role))
                        break
                continue
            f = by_end.get(pm.start)
            m = re.match(r"(?:主席|党组书记|主任)", after)
            if f is not None and m:
                out.append((pm, f, m.group()))
                continue
            # 向其红当选州妇联主席 / 当选为新一届州妇联主席
            m = re.match(r"(?:[^，。；]{0,12}?)当选(?:为)?(?:新一届|新任)?", after)
            if m:
                for f in feds:
                    if pm.end + m.end() <= f.start <= pm.end + m.end() + 2:
                        role = re.match(r"(?:党组书记|主席|主任)", text[f.end:f.end + 4])
                        if role:
                            out.append((pm, f, role.group()))
                        break
    return out


def _relations(text, sentences, sent_of, passages, table: _EntityTable, feds, issuer, cand_ents, dept_ments,
               lead_rows, persons, kind, pats) -> list[ExtractedRelation]:
    rels: dict[tuple, ExtractedRelation] = {}
    issuer_name = issuer.name if issuer else None
    gaz = get_gazetteer()

    def sent_span(pos: int) -> tuple[int, int]:
        if 0 <= pos < len(sent_of) and sent_of[pos] >= 0:
            s = sentences[sent_of[pos]]
            return s.start, s.end
        return max(0, pos), min(len(text), pos + 1)

    def add(head, htype, rtype, tail, ttype, pos, rule, targets=()):
        if head is None or tail is None or (head == tail and htype == ttype):
            return
        key = (head, rtype, tail)
        if key in rels:
            for t in targets:
                if t not in rels[key].targets:
                    rels[key].targets.append(t)
            return
        a, b = sent_span(pos)
        rels[key] = ExtractedRelation(head=head, head_type=htype, type=rtype, tail=tail, tail_type=ttype,
                                      evidence=text[a:b], start=a, end=b, rule=rule, targets=list(targets))

    # section actors: a passage that is only a federation name (news reports summarizing several federations)
    fed_at = {f.start: f for f in feds}
    section_actor: dict[int, str] = {}
    current = None
    for p in passages:
        t = p.text.strip().rstrip("：:")
        f = next((f for f in feds if f.start == p.start and f.end - p.start >= len(t) - 1), None)
        if f is not None and len(t) <= len(f.surface) + 1:
            current = f.name
        section_actor[p.index] = current

    doer_triggers = tuple(pats["doer_triggers"])
    feds_by_sent: dict[int, list] = {}
    for f in feds:
        if 0 <= f.start < len(sent_of):
            feds_by_sent.setdefault(sent_of[f.start], []).append(f)

    def _doer_chain(pos: int) -> list:
        """Federations named as doers of what follows pos: the nearest one before the trigger plus any
        federations joined to it by 、/和/与/及/以及 (准格尔旗妇联、伊金霍洛旗妇联要打造…)."""
        si = sent_of[pos] if 0 <= pos < len(sent_of) else -1
        if si < 0:
            return []
        s = sentences[si]
        best = None
        cands = [f for f in feds_by_sent.get(si, []) if s.start <= f.start and f.level != "organ"]
        for f in cands:
            if f.end <= pos:
                between = text[f.end:pos]
                if "；" in between or (f.unit and not between.startswith(doer_triggers)):
                    continue  # another clause of the sentence; a unit's federation only with its own verb
                # 根据全国妇联《…》要求 / 全国妇联印发的《…》: the federation authors a document, not the doer
                if re.match(r"(?:印发|制定|出台)?的?《", between) or re.search(r"(?:根据|按照|依据|遵照)$", text[max(s.start, f.start - 4):f.start]):
                    continue
                head = re.split(r"[，,]", between, maxsplit=1)[0]  # the verb comes before the clause ends
                if any(t in head[:20] for t in doer_triggers) or len(between) < 3:
                    best = f
        if best is None:
            return []
        chain = [best]
        while True:
            head = chain[-1]
            prev = next((f for f in cands if f.end <= head.start and f not in chain
                         and _FED_JOIN_RE.fullmatch(text[f.end:head.start])), None)
            if prev is None:
                break
            chain.append(prev)
        return chain[::-1]

    def _coordinated(chain) -> bool:
        """联合/会同/配合 X、Y开展…: the listed federations are partners of the actor, not the doers."""
        first = chain[0]
        s0, _ = sent_span(first.start)
        return bool(_COORD_BEFORE_RE.search(text[max(s0, first.start - 4):first.start]))

    def _fallback_actor(pos: int) -> str:
        si = sent_of[pos] if 0 <= pos < len(sent_of) else -1
        if si >= 0:
            pa = section_actor.get(sentences[si].passage)
            if pa:
                return pa
        return issuer_name

    def actors_for(pos: int) -> list[str]:
        chain = _doer_chain(pos)
        if chain and not _coordinated(chain):
            return [f.name for f in chain]
        return [_fallback_actor(pos)]

    subject_markers = tuple(pats["place_subject_markers"])

    def _clause_start(pos: int) -> int:
        s0, _ = sent_span(pos)
        return max([s0] + [text.rfind(ch, s0, pos) + 1 for ch in "；;"])

    def _entrusting(pos: int) -> Optional[str]:
        a = _clause_start(pos)
        for f in feds_by_sent.get(sent_of[pos] if 0 <= pos < len(sent_of) else -1, []):
            if a <= f.start and f.end <= pos and text.startswith("委托", f.end) and text[f.start - 1:f.start] == "受":
                return f.name
        return None

    def _place_subject(pos: int) -> bool:
        """The clause opens with a bare place name as its subject (梧州市计划举办… / 防城港市则通过…)."""
        a = _clause_start(pos)
        head = text[a:pos]
        for n in range(min(8, len(head)), 1, -1):
            if gaz.lookup(head[:n], short=False) and head[n:].startswith(subject_markers):
                return True
        return False

    def _partner_of(pos: int) -> Optional[str]:
        """全国妇联与司法部、教育部…联合印发: the federation that opens the sentence's list of partners."""
        si = sent_of[pos] if 0 <= pos < len(sent_of) else -1
        before = [f for f in feds_by_sent.get(si, []) if f.end <= pos and f.level != "organ"]
        if not before:
            return None
        f = before[-1]
        gap = text[f.end:pos]
        if re.fullmatch(r"[^，。；]{0,12}?(?:与|和|同|联合|会同|携手|配合)[^，。；]*", gap) and len(gap) <= 40:
            return f.name
        return None

    def actor_for(pos: int) -> str:
        chain = _doer_chain(pos)
        return chain[-1].name if chain else _fallback_actor(pos)

    triggers = pats["implements_triggers"]
    blockers = pats["non_implements_markers"]
    units = pats["quant_units"]
    for c, ent in cand_ents:
        s0, s1 = sent_span(c.start)
        sent = text[s0:s1]
        clause_a, clause_b = _clause_bounds(text, s0, s1, c.start)
        clause = text[clause_a:clause_b]
        if any(bl in clause for bl in blockers):
            continue
        has_trigger = any(t in sent for t in triggers)
        if kind != "plan" and not has_trigger:
            continue
        targets = _targets_in(text, clause_a, clause_b, units) if re.search(r"\d", clause) else []
        entrusting = _entrusting(c.start)
        if entrusting:  # 会议还受全国妇联委托，为巾帼文明岗…颁发证书: the entrusting federation's program too
            add(entrusting, "Federation", "IMPLEMENTS", ent.name, ent.type, c.start, "R-implements-entrusted", targets)
        chain = _doer_chain(c.start)
        if not chain and _place_subject(c.start):
            continue  # 梧州市计划举办…: a place, not a federation, does it
        if chain and _coordinated(chain):
            # 联合长沙市妇联、株洲市妇联开展…: the issuer (or section actor) does it, with the listed partners
            actor = _fallback_actor(c.start)
            add(actor, "Federation", "IMPLEMENTS", ent.name, ent.type, c.start, "R-implements", targets)
            for f in chain:
                add(actor, "Federation", "COORDINATES", f.name, "Federation", f.start, "R-coordinates-fed")
            continue
        for actor in actors_for(c.start):
            add(actor, "Federation", "IMPLEMENTS", ent.name, ent.type, c.start, "R-implements", targets)

    # notice recipients implement the transmitted document: 各街镇妇联、经开区妇联…：现将《…》印发给你们
    m = re.search(r"印发给你们|现印发|印发给各", text[:3000])
    if m:
        doc_laws = [(c, e) for c, e in cand_ents if e.type == "Law" and c.start < m.start() + 200]
        if doc_laws:
            law_ent = doc_laws[0][1]
            for f in feds:
                if f.name == issuer_name:
                    continue
                line_a = text.rfind("\n", 0, f.start) + 1
                line_b = text.find("\n", f.start)
                line = text[line_a: line_b if line_b >= 0 else len(text)]
                if re.search(r"[：:]\s*$", line) or line.lstrip().startswith(("发：", "发送：", "抄送：", "主送：")):
                    add(f.name, "Federation", "IMPLEMENTS", law_ent.name, "Law", f.start, "R-notice-recipient")

    # federation hierarchy LEADS
    fed_ents = {e.name: e for e in table.by_key.values() if e.type == "Federation"}
    for e in fed_ents.values():
        if e.parent and e.parent in fed_ents:
            pos = e.mentions[0].start if e.mentions else 0
            add(e.parent, "Federation", "LEADS", e.name, "Federation", pos, "R-fed-hierarchy")

    # persons leading federations: 省妇联党组书记、主席黄芳 / 钱昀（省妇联党组书记、主席） / 溧城街道妇联陈卫琳主席
    for pm, fed, role in _person_leads(text, persons, feds):
        add(pm.name, "Person", "LEADS", fed.name, "Federation", pm.start, "R-person-leads")
        ent = table.get("Person", pm.name)
        if ent and not ent.role:
            ent.role = role

    # departments: COORDINATES and PART_OF
    coord = pats["coordinates_triggers"]
    for d in dept_ments:
        ent = table.get("Department", d.name)
        if ent is None:
            continue
        if ent.own_office and ent.scope:
            add(ent.name, "Department", "PART_OF", ent.scope, "Federation", d.start, "R-own-office")
            continue
        s0, s1 = sent_span(d.start)
        ca, cb = _clause_bounds(text, s0, s1, d.start)
        clause = text[ca:cb]
        if any(t in clause for t in coord) or d.rule == "partner-list":
            add(_partner_of(d.start) or actor_for(d.start), "Federation", "COORDINATES", ent.name, "Department",
                d.start, "R-coordinates")
    # lead tables: Department LEADS Campaign, PART_OF
    cand_by_span = [(c, e) for c, e in cand_ents]
    for _ri, d, cell in lead_rows:
        ent = table.get("Department", d.name)
        if ent is None:
            continue
        add(ent.name, "Department", "PART_OF", ent.scope or issuer_name, "Federation", d.start, "R-own-office")
        for c, ce in cand_by_span:
            if ce.type == "Campaign" and cell[0] <= c.start and c.end <= cell[1] + 1:
                add(ent.name, "Department", "LEADS", ce.name, "Campaign", d.start, "R-lead-table")
    # 由X牵头 / X牵头 in sentences
    for d in dept_ments:
        ent = table.get("Department", d.name)
        s0, s1 = sent_span(d.start)
        if ent and "牵头" in text[d.end: d.end + 4]:
            for c, ce in cand_ents:
                if s0 <= c.start < s1 and ce.type == "Campaign":
                    add(ent.name, "Department", "LEADS", ce.name, "Campaign", d.start, "R-lead-sentence")

    # attach sentence-level targets that have no campaign in their clause to the passage's first relation
    out = sorted(rels.values(), key=lambda r: (r.start, r.type, r.head, r.tail))
    return out
