"""Relation rules (docs/ANNOTATION.md, "Relation types"): one registered function per rule.

Each rule reads a `RelationContext` — the document's text, sentences, entity table and the
mentions the finders produced — and adds relations through `ctx.add`, which keeps the evidence
sentence and the rule id. Word lists come from loaders/data/patterns.json (each rule declares
the keys it needs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Optional

from graph.gazetteer import get_gazetteer
from .literals import literal_alternation
from .registry import relation_part, relation_rule, relation_rules
from .structure import Sentence
from .types import ExtractedRelation, PassageRecord


def clause_bounds(text: str, s0: int, s1: int, pos: int) -> tuple[int, int]:
    """The clause (between ，；。： marks) of the sentence [s0, s1) that holds pos."""
    a = pos
    while a > s0 and text[a - 1] not in "，；。：\n":
        a -= 1
    b = pos
    while b < s1 and text[b] not in "，；。\n":
        b += 1
    return a, b


_TARGET_RE_CACHE: dict = {}


def targets_in(text: str, a: int, b: int, units: str) -> list[str]:
    """Quantitative targets in text[a:b]: pieces with a number and a unit (创评10000户)."""
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


@dataclass
class RelationContext:
    """One document as the relation rules see it; `add` records a relation once, with evidence."""

    text: str
    sentences: list[Sentence]
    sent_of: list[int]
    passages: list[PassageRecord]
    table: Any  # extract._EntityTable
    feds: list  # FedMention
    issuer: Any  # FedMention or None
    cand_ents: list  # (Cand, ExtractedEntity)
    dept_ments: list  # DeptMention
    lead_rows: list  # (row, DeptMention, content cell span)
    persons: list  # PersonMention
    kind: str  # plan | report | notice
    pats: dict
    rels: dict = field(default_factory=dict)

    @property
    def issuer_name(self) -> Optional[str]:
        return self.issuer.name if self.issuer else None

    # ---- recording -------------------------------------------------------------------------
    def sent_span(self, pos: int) -> tuple[int, int]:
        if 0 <= pos < len(self.sent_of) and self.sent_of[pos] >= 0:
            s = self.sentences[self.sent_of[pos]]
            return s.start, s.end
        return max(0, pos), min(len(self.text), pos + 1)

    def add(self, head, htype, rtype, tail, ttype, pos, rule, targets=()) -> None:
        if head is None or tail is None or (head == tail and htype == ttype):
            return
        key = (head, rtype, tail)
        if key in self.rels:
            for t in targets:
                if t not in self.rels[key].targets:
                    self.rels[key].targets.append(t)
            return
        a, b = self.sent_span(pos)
        self.rels[key] = ExtractedRelation(head=head, head_type=htype, type=rtype, tail=tail, tail_type=ttype,
                                           evidence=self.text[a:b], start=a, end=b, rule=rule, targets=list(targets))

    # ---- who does what -----------------------------------------------------------------------
    @cached_property
    def feds_by_sent(self) -> dict[int, list]:
        out: dict[int, list] = {}
        for f in self.feds:
            if 0 <= f.start < len(self.sent_of):
                out.setdefault(self.sent_of[f.start], []).append(f)
        return out

    @cached_property
    def section_actor(self) -> dict[int, Optional[str]]:
        """A passage that is only a federation name opens a section done by it (news round-ups)."""
        out: dict[int, Optional[str]] = {}
        current = None
        by_start: dict[int, list] = {}
        for f in self.feds:
            by_start.setdefault(f.start, []).append(f)
        for p in self.passages:
            t = p.text.strip().rstrip("：:")
            f = next((f for f in by_start.get(p.start, ()) if f.end - p.start >= len(t) - 1), None)
            if f is not None and len(t) <= len(f.surface) + 1:
                current = f.name
            out[p.index] = current
        return out

    @cached_property
    def _join_re(self) -> re.Pattern:
        return re.compile(r"\s*(?:" + literal_alternation(self.pats["list_separators"]) + r")\s*")

    @cached_property
    def _authored_re(self) -> re.Pattern:
        return re.compile("(?:" + literal_alternation(self.pats["authoring_words"]) + ")?的?《")

    @cached_property
    def _partner_gap_re(self) -> re.Pattern:
        words = literal_alternation(self.pats["list_separators"] + self.pats["coordinates_triggers"])
        return re.compile(r"[^，。；]{0,12}?(?:" + words + r")[^，。；]*")

    @cached_property
    def _coord_before_re(self) -> re.Pattern:
        return re.compile("(?:" + literal_alternation(self.pats["coordinates_triggers"]) + r")\s*$")

    def doer_chain(self, pos: int) -> list:
        """Federations named as doers of what follows pos: the nearest one before a doing word plus
        any federations joined to it by 、/和/与/及/以及 (准格尔旗妇联、伊金霍洛旗妇联要打造…)."""
        text, pats = self.text, self.pats
        si = self.sent_of[pos] if 0 <= pos < len(self.sent_of) else -1
        if si < 0:
            return []
        s = self.sentences[si]
        doer_triggers = tuple(pats["doer_triggers"])
        best = None
        cands = [f for f in self.feds_by_sent.get(si, []) if s.start <= f.start and f.level != "organ"]
        for f in cands:
            if f.end > pos:
                continue
            between = text[f.end:pos]
            if "；" in between or (f.unit and not between.startswith(doer_triggers)):
                continue  # another clause of the sentence; a unit's federation only with its own verb
            # 根据全国妇联《…》要求 / 全国妇联印发的《…》: the federation authors a document, not the doer
            if self._authored_re.match(between):
                continue
            if text[max(s.start, f.start - 4):f.start].endswith(tuple(pats["basis_words"])):
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
                         and self._join_re.fullmatch(text[f.end:head.start])), None)
            if prev is None:
                break
            chain.append(prev)
        return chain[::-1]

    def coordinated(self, chain) -> bool:
        """联合/会同/配合 X、Y开展…: the listed federations are partners of the actor, not the doers."""
        first = chain[0]
        s0, _ = self.sent_span(first.start)
        return bool(self._coord_before_re.search(self.text[max(s0, first.start - 4):first.start]))

    def fallback_actor(self, pos: int) -> Optional[str]:
        si = self.sent_of[pos] if 0 <= pos < len(self.sent_of) else -1
        if si >= 0:
            pa = self.section_actor.get(self.sentences[si].passage)
            if pa:
                return pa
        return self.issuer_name

    def actors_for(self, pos: int) -> list[Optional[str]]:
        chain = self.doer_chain(pos)
        if chain and not self.coordinated(chain):
            return [f.name for f in chain]
        return [self.fallback_actor(pos)]

    def actor_for(self, pos: int) -> Optional[str]:
        chain = self.doer_chain(pos)
        return chain[-1].name if chain else self.fallback_actor(pos)

    def clause_start(self, pos: int) -> int:
        s0, _ = self.sent_span(pos)
        return max([s0] + [self.text.rfind(ch, s0, pos) + 1 for ch in "；;"])

    def entrusting(self, pos: int) -> Optional[str]:
        """会议还受全国妇联委托，为…颁发证书: the federation that entrusted the doing."""
        a = self.clause_start(pos)
        si = self.sent_of[pos] if 0 <= pos < len(self.sent_of) else -1
        for f in self.feds_by_sent.get(si, []):
            if a <= f.start and f.end <= pos and self.text.startswith("委托", f.end) and self.text[f.start - 1:f.start] == "受":
                return f.name
        return None

    def place_subject(self, pos: int) -> bool:
        """The clause opens with a bare place name as its subject (梧州市计划举办… / 防城港市则通过…)."""
        head = self.text[self.clause_start(pos):pos]
        markers = tuple(self.pats["place_subject_markers"])
        gaz = get_gazetteer()
        for n in range(min(8, len(head)), 1, -1):
            if gaz.lookup(head[:n], short=False) and head[n:].startswith(markers):
                return True
        return False

    def partner_of(self, pos: int, end: Optional[int] = None) -> Optional[str]:
        """全国妇联与司法部、教育部…联合印发: the federation that opens the sentence's list of partners;
        or one listed right after the body (主办方为江西省援疆工作前方指挥部和江西省妇女联合会)."""
        si = self.sent_of[pos] if 0 <= pos < len(self.sent_of) else -1
        in_sent = [f for f in self.feds_by_sent.get(si, []) if f.level != "organ"]
        before = [f for f in in_sent if f.end <= pos]
        if before:
            f = before[-1]
            gap = self.text[f.end:pos]
            if len(gap) <= 40 and self._partner_gap_re.fullmatch(gap):
                return f.name
        if end is not None:
            seps = tuple(self.pats["list_separators"])
            after = next((f for f in in_sent if f.start >= end and self.text[end:f.start] in seps), None)
            if after is not None:
                return after.name
        return None

    def implementable(self, c) -> Optional[tuple[int, int]]:
        """The clause of a campaign/law mention when the document says someone does it there."""
        s0, s1 = self.sent_span(c.start)
        ca, cb = clause_bounds(self.text, s0, s1, c.start)
        if any(bl in self.text[ca:cb] for bl in self.pats["non_implements_markers"]):
            return None
        if self.kind != "plan" and not any(t in self.text[s0:s1] for t in self.pats["implements_triggers"]):
            return None
        return ca, cb

    def targets(self, ca: int, cb: int) -> list[str]:
        return targets_in(self.text, ca, cb, self.pats["quant_units"]) if re.search(r"\d", self.text[ca:cb]) else []


# ---------------------------------------------------------------------------------------------
@relation_rule("R-implements", produces=("IMPLEMENTS", "COORDINATES"),
               needs=("implements_triggers", "non_implements_markers", "doer_triggers", "coordinates_triggers",
                      "list_separators", "place_subject_markers", "quant_units"))
def implements(ctx: RelationContext) -> None:
    """A federation carries out a campaign or law: the doer named before the doing word, else the section's or the issuer (R-coordinates-fed: federations listed after 联合 are partners)."""
    for c, ent in ctx.cand_ents:
        clause = ctx.implementable(c)
        if clause is None:
            continue
        targets = ctx.targets(*clause)
        chain = ctx.doer_chain(c.start)
        if not chain and ctx.place_subject(c.start):
            continue  # 梧州市计划举办…: a place, not a federation, does it
        if chain and ctx.coordinated(chain):
            # 联合长沙市妇联、株洲市妇联开展…: the issuer (or section actor) does it, with the listed partners
            actor = ctx.fallback_actor(c.start)
            ctx.add(actor, "Federation", "IMPLEMENTS", ent.name, ent.type, c.start, "R-implements", targets)
            for f in chain:
                ctx.add(actor, "Federation", "COORDINATES", f.name, "Federation", f.start, "R-coordinates-fed")
            continue
        for actor in ctx.actors_for(c.start):
            ctx.add(actor, "Federation", "IMPLEMENTS", ent.name, ent.type, c.start, "R-implements", targets)


relation_part("R-coordinates-fed", produces=("COORDINATES",),
              doc="Part of R-implements: 联合长沙市妇联、株洲市妇联开展… — the listed federations are the doer's partners.")


@relation_rule("R-implements-entrusted", produces=("IMPLEMENTS",), needs=("implements_triggers",))
def implements_entrusted(ctx: RelationContext) -> None:
    """受全国妇联委托，为巾帼文明岗…颁发证书: the entrusting federation carries the program out too."""
    for c, ent in ctx.cand_ents:
        clause = ctx.implementable(c)
        entrusting = ctx.entrusting(c.start) if clause else None
        if entrusting:
            ctx.add(entrusting, "Federation", "IMPLEMENTS", ent.name, ent.type, c.start, "R-implements-entrusted",
                    ctx.targets(*clause))


@relation_rule("R-implements-passive", produces=("IMPLEMENTS",), needs=("passive_doer_verbs",))
def implements_passive(ctx: RelationContext) -> None:
    """《关于开展…的通知》近日由全国妇联与司法部…联合印发: the federation after 由, before its verb, does it."""
    verbs = tuple(ctx.pats["passive_doer_verbs"])
    for c, ent in ctx.cand_ents:
        s0, s1 = ctx.sent_span(c.start)
        si = ctx.sent_of[c.start] if 0 <= c.start < len(ctx.sent_of) else -1
        for f in ctx.feds_by_sent.get(si, []):
            if f.start <= c.end or ctx.text[f.start - 1:f.start] != "由" or "，" in ctx.text[c.end:f.start]:
                continue
            rest = ctx.text[f.end:min(s1, f.end + 60)]
            if any(v in re.split(r"[，。；]", rest, maxsplit=1)[0] for v in verbs):
                ctx.add(f.name, "Federation", "IMPLEMENTS", ent.name, ent.type, c.start, "R-implements-passive")
            break


@relation_rule("R-notice-recipient", produces=("IMPLEMENTS",), needs=("notice_markers", "recipient_line_prefixes"))
def notice_recipients(ctx: RelationContext) -> None:
    """The federations a notice is addressed to (各街镇妇联…：现将《…》印发给你们) implement the document it transmits."""
    text = ctx.text
    m = re.search(literal_alternation(ctx.pats["notice_markers"]), text[:3000])
    if not m:
        return
    doc_laws = [(c, e) for c, e in ctx.cand_ents if e.type == "Law" and c.start < m.start() + 200]
    if not doc_laws:
        return
    law_ent = doc_laws[0][1]
    prefixes = tuple(ctx.pats["recipient_line_prefixes"])
    for f in ctx.feds:
        if f.name == ctx.issuer_name:
            continue
        line_a = text.rfind("\n", 0, f.start) + 1
        line_b = text.find("\n", f.start)
        line = text[line_a: line_b if line_b >= 0 else len(text)]
        if re.search(r"[：:]\s*$", line) or line.lstrip().startswith(prefixes):
            ctx.add(f.name, "Federation", "IMPLEMENTS", law_ent.name, "Law", f.start, "R-notice-recipient")


@relation_rule("R-fed-hierarchy", produces=("LEADS",))
def federation_hierarchy(ctx: RelationContext) -> None:
    """The direct administrative parent of a federation named in the same document leads it (湖南省妇联 → 岳阳市妇联)."""
    fed_ents = {e.name: e for e in ctx.table.by_key.values() if e.type == "Federation"}
    for e in fed_ents.values():
        if e.parent and e.parent in fed_ents:
            pos = e.mentions[0].start if e.mentions else 0
            ctx.add(e.parent, "Federation", "LEADS", e.name, "Federation", pos, "R-fed-hierarchy")


@relation_rule("R-person-leads", produces=("LEADS",), needs=("person_roles_leading", "title_run_words"))
def person_leads(ctx: RelationContext) -> None:
    """A person named as a federation's chair leads it (省妇联党组书记、主席黄芳 / 钱昀（省妇联党组书记、主席） / 陈卫琳主席 / 当选…主席)."""
    for pm, fed, role in chairs(ctx.text, ctx.persons, ctx.feds, ctx.pats):
        ctx.add(pm.name, "Person", "LEADS", fed.name, "Federation", pm.start, "R-person-leads")
        ent = ctx.table.get("Person", pm.name)
        if ent and not ent.role:
            ent.role = role


@relation_rule("R-own-office", produces=("PART_OF",), needs=("lead_table_headers",))
def own_offices(ctx: RelationContext) -> None:
    """A federation's own office (组织联络部, 权益部…, or a lead-table office) is PART_OF it."""
    for d in ctx.dept_ments:
        ent = ctx.table.get("Department", d.name)
        if ent is not None and ent.own_office and ent.scope:
            ctx.add(ent.name, "Department", "PART_OF", ent.scope, "Federation", d.start, "R-own-office")
    for _ri, d, _cell in ctx.lead_rows:
        ent = ctx.table.get("Department", d.name)
        if ent is not None:
            ctx.add(ent.name, "Department", "PART_OF", ent.scope or ctx.issuer_name, "Federation", d.start,
                    "R-own-office")


@relation_rule("R-coordinates", produces=("COORDINATES",), needs=("coordinates_triggers", "list_separators"))
def coordinates(ctx: RelationContext) -> None:
    """A federation works with a partner body named in a joint-action clause (联合, 会同, 与…联合印发, 主办方为…)."""
    for d in ctx.dept_ments:
        ent = ctx.table.get("Department", d.name)
        if ent is None or (ent.own_office and ent.scope):
            continue
        s0, s1 = ctx.sent_span(d.start)
        ca, cb = clause_bounds(ctx.text, s0, s1, d.start)
        if any(t in ctx.text[ca:cb] for t in ctx.pats["coordinates_triggers"]) or d.rule == "partner-list":
            ctx.add(ctx.partner_of(d.start, d.end) or ctx.actor_for(d.start), "Federation", "COORDINATES", ent.name,
                    "Department", d.start, "R-coordinates")


@relation_rule("R-lead-table", produces=("LEADS",), needs=("lead_table_headers", "table_content_headers"))
def lead_table(ctx: RelationContext) -> None:
    """The office in a work table's lead column (牵头部门) leads the campaign in the row's content cell."""
    for _ri, d, cell in ctx.lead_rows:
        ent = ctx.table.get("Department", d.name)
        if ent is None:
            continue
        for c, ce in ctx.cand_ents:
            if ce.type == "Campaign" and cell[0] <= c.start and c.end <= cell[1] + 1:
                ctx.add(ent.name, "Department", "LEADS", ce.name, "Campaign", d.start, "R-lead-table")


@relation_rule("R-lead-sentence", produces=("LEADS",), needs=("lead_words",))
def lead_sentence(ctx: RelationContext) -> None:
    """由X牵头 / X牵头: the office leads the campaigns of its sentence (or, in a plan item such as
    一、开展“巾帼大宣讲”进基层活动。由市妇联宣传部牵头…, those of its passage before it)."""
    words = tuple(ctx.pats["lead_words"])
    for d in ctx.dept_ments:
        ent = ctx.table.get("Department", d.name)
        if not ent or not any(w in ctx.text[d.end: d.end + 4] for w in words):
            continue
        s0, s1 = ctx.sent_span(d.start)
        led = [(c, ce) for c, ce in ctx.cand_ents if s0 <= c.start < s1 and ce.type == "Campaign"]
        if not led:
            p = next((p for p in ctx.passages if p.start <= d.start < p.end), None)
            led = [(c, ce) for c, ce in ctx.cand_ents if p and p.start <= c.start < s0 and ce.type == "Campaign"]
        for _c, ce in led:
            ctx.add(ent.name, "Department", "LEADS", ce.name, "Campaign", d.start, "R-lead-sentence")


def extract_relations(ctx: RelationContext) -> list[ExtractedRelation]:
    """Run every registered relation rule, in registration order; relations sorted by position."""
    for rule in relation_rules():
        rule.fn(ctx)
    return sorted(ctx.rels.values(), key=lambda r: (r.start, r.type, r.head, r.tail))


# ---- chairs ---------------------------------------------------------------------------------
def _leading_role(roles: str, pats: dict) -> Optional[str]:
    """The chair's title in a run of titles (主席、党组书记 → 主席); 副主席 alone leads nothing."""
    for m in re.finditer(literal_alternation(pats["title_run_words"]), roles):
        if m.group() in pats["person_roles_leading"]:
            return m.group()
    return None


def chairs(text: str, persons, feds, pats: dict) -> list:
    """(person mention, federation mention, role) for persons the text names as a federation's chair."""
    run = re.compile(r"(?:" + literal_alternation(pats["title_run_words"]) + r"|[、，,：: ])*")
    leading = literal_alternation(pats["person_roles_leading"])
    out = []
    by_end = {f.end: f for f in feds}
    for pm in persons:
        # 省妇联党组书记、主席黄芳: the federation, then only titles, then the name
        for f in feds:
            if f.end <= pm.start and pm.start - f.end <= 12:
                between = text[f.end:pm.start]
                if run.fullmatch(between) and _leading_role(between, pats):
                    out.append((pm, f, _leading_role(between, pats)))
                    break
        else:
            after = text[pm.end:pm.end + 40]
            # 钱昀（省妇联党组书记、主席）/ 段爽同志以县妇联主席身份
            m = re.match(r"(?:同志)?[（(]([^（）()]{2,36})[）)]", after) or re.match(r"(?:同志)?以([^，。；]{2,20}?)身份", after)
            if m:
                inner_a = pm.end + m.start(1)
                for f in feds:
                    if inner_a <= f.start and f.end <= pm.end + m.end(1):
                        roles = re.split(r"[，,；]", text[f.end:pm.end + m.end(1)])[0]
                        role = _leading_role(roles, pats)
                        if role and run.fullmatch(roles):
                            out.append((pm, f, role))
                        break
                continue
            # 溧城街道妇联陈卫琳主席: the federation, the name, then the title
            f = by_end.get(pm.start)
            m = re.match(leading, after)
            if f is not None and m:
                out.append((pm, f, m.group()))
                continue
            # 向其红当选州妇联主席 / 当选为新一届州妇联主席
            m = re.match(r"(?:[^，。；]{0,12}?)当选(?:为)?(?:新一届|新任)?", after)
            if m:
                for f in feds:
                    if pm.end + m.end() <= f.start <= pm.end + m.end() + 2:
                        role = re.match(leading, text[f.end:f.end + 4])
                        if role:
                            out.append((pm, f, role.group()))
                        break
    return out
