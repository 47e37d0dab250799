"""Campaign and Law mention finding: 《》 titles, quoted names, suffix phrases, lexicon hits.

Every rule reads its word lists from loaders/data (patterns.json, campaigns.tsv,
laws.tsv, slogans.txt, campaign_stop.txt).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Optional

from .literals import literal_alternation, words_regex
from .registry import mention_rule
from .resources import Resources, get_resources

_QUOTE_CHARS = "“”‘’\"'"
_PAREN_RE = re.compile(r"（[^（）]*）|\([^()]*\)")
_YEAR_RE = re.compile(r"^(?:\d{4}年度?|\d{4}-\d{4}年|第[一二三四五六七八九十\d]+届|首届|第[一二三四五六七八九十\d]+期)")
_CLAUSE_STOP = set("，。；：！？、\n\t（）()《》【】")


@dataclass
class Cand:
    """A candidate Campaign/Law mention."""

    type: str  # Campaign | Law
    start: int
    end: int
    name: str
    aliases: list[str] = field(default_factory=list)
    rule: str = ""
    strong: bool = True  # names its own entity (vs. weak: only when nothing else covers it)


def text_of(c: "Cand") -> str:
    """The surface a lexicon candidate matched (its first alias)."""
    return c.aliases[0] if c.aliases else c.name


def dequote(s: str) -> str:
    return "".join(c for c in s if c not in _QUOTE_CHARS and c not in "《》〈〉").strip()


def clean_space(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


@lru_cache(maxsize=1)
def _compiled():
    res = get_resources()
    p = res.patterns
    suf = sorted(set(p["campaign_suffixes"]), key=len, reverse=True)
    suffix_re = re.compile("(?:" + "|".join(re.escape(s) for s in suf) + ")(?=”?)")
    law_suf = sorted(set(p["law_pattern_suffixes"]), key=len, reverse=True)
    law_suffix_re = re.compile("|".join(re.escape(s) for s in law_suf))
    boundary = set(p["boundary_words"])
    return suffix_re, law_suffix_re, boundary


for _id, _types, _needs, _doc in (
    ("L-bracket", ("Law",), ("law_suffixes", "law_prefix_drop", "laws.tsv"), "A title in 《》 that ends like a law, regulation, plan or notice (short title canonical)."),
    ("L-bracket-inner", ("Law",), (), "A law quoted inside a title: 《关于学习〈家庭教育促进法〉的通知》."),
    ("L-bracket-standard", ("Law",), (), "《…》 followed by 地方标准 / 实施方案 / 办法."),
    ("C-bracket-campaign", ("Campaign",), ("book_markers",), "《…》 followed by 征集 / 评选 / 活动: a program named by a title."),
    ("L-pattern", ("Law",), ("law_pattern_suffixes", "law_modifiers", "five_year_periods"), "An unbracketed plan or regulation name (妇女儿童发展规划)."),
    ("C-suffix-plain", ("Campaign",), ("campaign_suffixes", "boundary_words", "generic_tails", "leading_modifiers", "suffix_verb_after"), "A phrase ending in a program word (行动, 工程, 计划, 之家, 家园…), cut at the doing word before it."),
    ("C-suffix-quoted", ("Campaign",), ("campaign_suffixes",), "A quoted name followed by a program word: “美丽庭院”创建."),
    ("C-quoted", ("Campaign",), ("quote_formula_patterns", "quote_metaphor_before", "quote_object_before", "quote_slogan_verbs", "campaign_reject_heads", "slogans.txt", "campaign_stop.txt"), "A quoted name, unless it is a formula (四个意识), a metaphor (“娘家人”), a thing handed over, a place, an organisation or a slogan."),
    ("C-enumeration", ("Campaign",), (), "Long items of a list followed by 等…活动."),
    ("C-list-member", ("Campaign",), ("list_collective_re", "list_activity_re", "list_item_cut", "list_item_lead"), "Members of a list of programs: before 这三大工程 / “五联工程”, before 等多种活动, or two thirds already programs."),
    ("C-list-collective", ("Campaign",), ("list_collective_re",), "A list named by its count: 创业就业、…、维权关爱五项巾帼行动 is one program."),
    ("X-lexicon", ("Campaign", "Law"), ("campaigns.tsv", "laws.tsv", "award_tails"), "Well-known national and provincial programs and laws (lexicon), with award tails (巾帼建功标兵)."),
    ("X-corpus", ("Campaign", "Law"), (), "A name another document of the build stated with confidence, found here as a plain mention (corpus pass)."),
    ("C-table-cell", ("Campaign",), ("table_content_headers", "table_key_headers"), "The content cell of a work table (序号/内容/牵头…) is a program as a whole."),
):
    mention_rule(_id, produces=_types, needs=_needs, doc=_doc)

# rules whose names are trusted corpus-wide (quoted, in 《》, from the lexicon, or a quoted list)
# (lexicon names are found in every document anyway)
CONFIDENT_RULES = ("C-quoted", "C-suffix-quoted", "L-bracket", "L-bracket-inner", "C-list-collective")
# shorter names are too often plain words elsewhere (a quoted “网上妇联” in one plan, 网上妇联建设 in the next)
MIN_KNOWN_LEN = 5


@dataclass
class KnownNames:
    """Campaign and law names stated with confidence elsewhere in the corpus: surface → (type, name)."""

    names: dict[str, tuple[str, str]]
    regex: "re.Pattern"

    @classmethod
    def build(cls, pairs) -> Optional["KnownNames"]:
        names: dict[str, tuple[str, str]] = {}
        for typ, name in sorted(set(pairs)):
            if (typ in ("Campaign", "Law") and len(name) >= MIN_KNOWN_LEN and not re.search(r"[“”《》\s]", name)
                    and not name.endswith(("妇联", "妇女联合会"))):
                names.setdefault(name, (typ, name))
        if not names:
            return None
        return cls(names, words_regex(names))  # a prefix tree: the names grow with the corpus


class CampaignFinder:
    """Stateless finder; call :meth:`find` per document."""

    def __init__(self, res: Optional[Resources] = None):
        self.res = res or get_resources()
        self.p = self.res.patterns
        self.suffix_re, self.law_suffix_re, self.boundary = _compiled()
        self.generic_tails = sorted(self.p["generic_tails"], key=len, reverse=True)
        self.modifiers = sorted(self.p["leading_modifiers"], key=len, reverse=True)
        self.vague = self.p["campaign_vague_words"]
        self.reject_heads = self.p["campaign_reject_heads"]
        self.reject_contains = self.p["campaign_reject_contains"]
        self.book_markers = self.p["book_markers"]
        self.law_suffixes = sorted(self.p["law_suffixes"], key=len, reverse=True)
        self.periods = self.p.get("five_year_periods", {})
        self.formulas = [re.compile(x) for x in self.p["quote_formula_patterns"]]
        self.metaphor_before = sorted(self.p["quote_metaphor_before"], key=len, reverse=True)
        self.rejected_quotes: list[tuple[int, int]] = []  # quoted spans that name no program
        self.quote_org_after = re.compile(self.p["quote_reject_after_re"])
        self.quote_location = re.compile(self.p["quote_location_re"])
        self.location_after = tuple(self.p["quote_location_after"])
        self.object_before = tuple(self.p["quote_object_before"])
        self.collective_re = re.compile(self.p["list_collective_re"])
        self.activity_re = re.compile(self.p["list_activity_re"])
        self.boundary_re = words_regex(w for w in self.boundary if len(w) > 1)
        self.slogan_verbs = tuple(self.p["quote_slogan_verbs"])
        # 发挥妇女群众“她力量” / 视为工作“生命线”: the verb, then at most a few words of its object
        self.metaphor_re = re.compile("(?:%s)[^，。；“”、]{0,6}$" % literal_alternation(self.p["quote_metaphor_before"]))
        self.award_tails = sorted(self.p["award_tails"], key=len, reverse=True)
        self.suffix_verb_after = {k: tuple(v) for k, v in self.p["suffix_verb_after"].items()}

    # ---- helpers -------------------------------------------------------------
    def is_slogan(self, s: str) -> bool:
        s = clean_space(s)
        return s in self.res.slogans or s.replace(" ", "") in self.res.slogans

    def is_stop(self, s: str) -> bool:
        return s in self.res.campaign_stop or self.is_slogan(s)

    def strip_modifiers(self, s: str, places: "PlaceStripper") -> str:
        """Drop leading modifiers, years and place names (全市, 2022年, 长沙市望城区…)."""
        changed = True
        while changed and s:
            changed = False
            m = _YEAR_RE.match(s)
            if m and len(s) > m.end() + 1:
                s = s[m.end():]
                changed = True
                continue
            for mod in self.modifiers:
                if s.startswith(mod) and len(s) > len(mod) + 1:
                    s = s[len(mod):]
                    changed = True
                    break
            if changed:
                continue
            ns = places.strip(s)
            if ns != s and len(ns) >= 2:
                s, changed = ns, True
        return s

    def strip_tail(self, s: str) -> str:
        for t in self.generic_tails:
            if s.endswith(t) and len(s) - len(t) >= 2:
                return s[: -len(t)]
        return s

    def lexicon_canonical(self, s: str) -> Optional[str]:
        """Lexicon canonical when ``s`` is a lexicon surface optionally followed by a generic tail."""
        lex = self.res.campaigns
        key = clean_space(s).replace(" ", "")
        if key in lex.surface:
            return lex.surface[key]
        if "·" in key and key.replace("·", "") in lex.surface:
            return lex.surface[key.replace("·", "")]  # 乡村振兴·巾帼行动
        for _ in range(3):
            t = self.strip_tail(key)
            if t == key:
                break
            key = t
            if key in lex.surface:
                return lex.surface[key]
        nop = _PAREN_RE.sub("", key)
        if nop != key and nop in lex.surface:
            return lex.surface[nop]
        return None

    def valid_core(self, s: str) -> bool:
        if len(s) < 2:
            return False
        if any(v in s for v in self.vague):
            return False
        if any(r in s for r in self.reject_contains):
            return False
        if self.is_stop(s):
            return False
        return True

    # ---- main ------------------------------------------------------------------
    def find(self, text: str, sentences, tokens_start: set[int], places: "PlaceStripper", year: Optional[int],
             known: Optional["KnownNames"] = None) -> list[Cand]:
        """Candidates of one document; `known` adds names other documents of the corpus stated with
        confidence, found here as plain mentions (the corpus-level second pass)."""
        cands: list[Cand] = []
        self.rejected_quotes = []
        book_spans: list[tuple[int, int]] = []
        seen, last_start = 0, -1  # candidates of earlier sentences, and the last position one starts at
        for sent in sentences:
            s0, s1 = sent.start, sent.end
            for c in cands[seen:]:
                last_start = max(last_start, c.start)
            seen = len(cands)
            sent_text = text[s0:s1]
            law_spans = self._bracket_laws(text, s0, s1, places, cands, book_spans)
            quote_spans = [(m.start() + s0, m.end() + s0) for m in re.finditer(r"“([^“”\n]{1,40})”", sent_text)]
            self._suffix_phrases(text, s0, s1, tokens_start, places, law_spans, cands)
            self._law_patterns(text, s0, s1, tokens_start, places, law_spans, cands, year)
            self._quoted(text, s0, s1, quote_spans, law_spans, cands, places)
            self._enumerations(text, s0, s1, cands, places)
            self._lexicon(text, s0, s1, law_spans, cands)
            self._list_members(text, s0, s1, cands, places, seen if last_start < s0 else 0)
            if known is not None:
                for m in known.regex.finditer(text, s0, s1):
                    typ, canon = known.names[m.group()]
                    cands.append(Cand(typ, m.start(), m.end(), canon, [m.group()], "X-corpus", strong=True))
        return self._resolve_overlaps(cands, book_spans)

    # 《…》 ---------------------------------------------------------------
    def _bracket_laws(self, text, s0, s1, places, cands, book_spans):
        spans = []
        for m in re.finditer(r"《([^《》\n]{2,80})》", text[s0:s1]):
            a, b = m.start() + s0, m.end() + s0
            inner = m.group(1)
            spans.append((a, b))
            raw = dequote(inner)
            if any(bm in raw for bm in self.book_markers) and not raw.endswith(tuple(self.law_suffixes)):
                # 《妇情日记》征集 is a campaign; books/speeches are nothing
                tail = self._following_suffix(text, b, s1)
                if tail:
                    cands.append(Cand("Campaign", a, b + len(tail), raw, [raw + tail], "C-bracket-campaign"))
                else:
                    book_spans.append((a, b))
                continue
            tail = self._following_suffix(text, b, s1)
            lawlike = raw.endswith(tuple(self.law_suffixes)) or _PAREN_RE.sub("", raw).endswith(tuple(self.law_suffixes))
            if not lawlike:
                m2 = re.match(r"(地方标准|标准|实施方案|办法)", text[b:s1])
                if m2:
                    cands.append(Cand("Law", a, b + m2.end(), raw, [raw + m2.group()], "L-bracket-standard"))
                    self._add_region_prefixed(text, a, raw, cands[-1], places)
                elif tail:
                    cands.append(Cand("Campaign", a, b + len(tail), raw, [raw + tail], "C-bracket-campaign"))
                else:
                    book_spans.append((a, b))
                continue
            for im in re.finditer(r"〈([^〈〉]{2,40})〉", inner):
                iname, ialiases = self.law_canonical(im.group(1))
                cands.append(Cand("Law", a + 1 + im.start(), a + 1 + im.end(), iname, ialiases, "L-bracket-inner"))
            name, aliases = self.law_canonical(raw)
            aliases.append(inner.replace("〈", "《").replace("〉", "》"))
            c = Cand("Law", a, b, name, aliases + [inner, raw], "L-bracket")
            self._add_region_prefixed(text, a, raw, c, places)
            cands.append(c)
        return spans

    def _add_region_prefixed(self, text, a, raw, cand, places):
        """岳阳市《妇女儿童发展规划》 / 湖南省《两型家庭》 → alias with the place."""
        lo = a
        while lo > 0 and "\u4e00" <= text[lo - 1] <= "\u9fff" and a - lo < 12:
            lo -= 1
        prefix = text[lo:a]
        place = places.trailing_place(prefix)
        if place:
            cand.aliases.append(place + raw)
            cand.aliases.append(place + _PAREN_RE.sub("", raw))
            if not places.strip(cand.name) != cand.name:
                cand.aliases.append(cand.name)
                cand.name = place + _PAREN_RE.sub("", cand.name)

    def law_canonical(self, raw: str) -> tuple[str, list[str]]:
        aliases = []
        name = raw
        for pre in self.p["law_prefix_drop"]:
            if name.startswith(pre) and len(name) > len(pre) + 1:
                aliases.append(name)
                name = name[len(pre):]
        lexname = self.res.laws.surface.get(name) or self.res.laws.surface.get(raw)
        if lexname:
            if lexname != name:
                aliases.append(name)
            name = lexname
        stripped = re.sub(r"（(征求意见稿|试行|草案|修订|修订版|送审稿)）$", "", name)
        if stripped != name:
            aliases.append(name)
            name = stripped
        nop = _PAREN_RE.sub("", name)
        if nop != name:
            aliases.append(name)
            if re.search(r"（\d{4}\s*[-—–至]+\s*\d{4}年?）", name):
                name = nop
            else:
                aliases.append(nop)
        name = name.replace("“", "").replace("”", "")
        return name, aliases

    def _following_suffix(self, text, b, s1) -> str:
        m = re.match(r"(征集活动|征集|评选|系列活动|主题活动|活动|行动|大赛|宣讲)", text[b:s1])
        return m.group() if m else ""

    # suffix phrases ------------------------------------------------------
    def _left_bound(self, text, s0, end, tokens_start, max_len=26) -> int:
        """Walk left from ``end`` over tokens until a boundary word / punctuation."""
        pos = end
        lo = max(s0, end - max_len)
        depth = 0
        while pos > lo:
            ch = text[pos - 1]
            if ch in "”）":
                depth += 1
                pos -= 1
                continue
            if ch in "“（":
                depth -= 1
                pos -= 1
                if depth < 0:
                    return pos + 1
                continue
            if ch in _CLAUSE_STOP and depth == 0:
                break
            if ch in _CLAUSE_STOP and ch in "。；\n\t":
                break
            if depth == 0 and pos in tokens_start:
                pass
            # find token start at or before pos-1
            t = pos - 1
            while t > lo and t not in tokens_start and text[t - 1] not in _CLAUSE_STOP:
                t -= 1  # a word never runs across punctuation, even where no token starts are known
            word = text[t:pos]
            if depth == 0 and word in self.boundary:
                break
            pos = t
        if depth > 0 and pos <= lo:
            q = text.rfind("“", max(s0, lo - 40), pos)
            if q >= 0 and "”" not in text[q:pos]:
                pos = q  # “巾帼铸魂、巾帼创业、…、巾帼赋能”五大行动: the quoted list is part of the name
        while pos < end and text[pos] in " ”":
            pos += 1
        return pos

    def _suffix_phrases(self, text, s0, s1, tokens_start, places, law_spans, cands):
        sent = text[s0:s1]
        for m in self.suffix_re.finditer(sent):
            e = m.end() + s0
            if e < s1 and text[e] == "”":
                # suffix inside quotes: the quoted span handles it unless a tail follows
                continue
            if any(a <= e - 1 < b for a, b in law_spans):
                continue
            if text.startswith(("一览表", "安排表", "表", "清单", "方案"), e):
                continue
            if text.startswith(self.suffix_verb_after.get(m.group(), ()), e):
                continue  # 梧州市计划举办…: the word is a verb here
            # do not cut inside a longer word: the suffix must end a token (or precede punctuation)
            if e < s1 and e not in tokens_start and text[e] not in _CLAUSE_STOP and text[e] not in " ”":
                continue
            st = self._left_bound(text, s0, m.start() + s0, tokens_start)
            st = self._extend_left_quotes(text, s0, st)
            if e - st < 3:
                continue
            if st > s0 and text[st - 1] == "等" and "“" not in text[st:e]:
                continue  # 半边天家园等妇女阵地工程: a category of the items listed before 等
            surface = text[st:e]
            self._make_campaign(text, st, e, surface, m.group(), places, cands, "C-suffix")

    def _extend_left_quotes(self, text, s0, st):
        return st

    def _make_campaign(self, text, st, e, surface, suffix, places, cands, rule):
        plain = clean_space(dequote(surface))
        if re.search(r"(?:妇联|妇女联合会|妇工委)\s*\d{4}\s*年(?:度)?(?:工作)?(?:计划|要点|安排|总结)", plain):
            return  # the document's own title (a work plan) is not a program of work
        if re.search(r"这[一二两三四五六七八九十]+(?:大|项|个)", plain):
            return  # 强基扩面促活这三大工程: the members of the list are the programs (see _list_members)
        core = self.strip_modifiers(plain, places)
        # quoted core: first valid quoted piece at the start of the phrase
        quotes = [(q.start(), q.group(1)) for q in re.finditer(r"“([^“”]{2,40})”", surface)]
        qname = None
        for qpos, q in quotes:
            qc = clean_space(q)
            if self.is_stop(qc) or len(qc) < 2:
                continue
            after = clean_space(dequote(surface[qpos + len(q) + 2:]))
            if core.startswith(qc) or not after or after in self.generic_tails or after == suffix:
                qname = qc
            break
        weak = suffix in self.p["weak_campaign_suffixes"]
        if qname is None:
            nop = _PAREN_RE.sub("", core)
            body = nop[: -len(suffix)] if nop.endswith(suffix) else nop
            if not self.valid_core(core):
                return
            lex = self.lexicon_canonical(core)
            if lex:
                name = lex
            else:
                if len(body) < 3 or body[0].isdigit():
                    return
                if weak and len(self.strip_tail(nop)) < 4:
                    return
                if suffix == "活动" and not quotes:
                    before = text[max(0, st - 4): st]
                    if not any(before.endswith(t) for t in self.p["implements_triggers"]):
                        return
                    if any(w in body for w in self.p.get("plain_activity_reject_words", [])):
                        return
                name = nop
                for t in self.p.get("duration_tails", []):
                    if name.endswith(t) and len(name) - len(t) >= 4:
                        name = name[: -len(t)]
                        break
            aliases = [plain, core, self.strip_tail(core), self.strip_tail(nop), nop]
            cands.append(Cand("Campaign", st, e, name, aliases, rule + "-plain", strong=not weak or len(nop) >= 6))
        else:
            lex = self.lexicon_canonical(qname)
            name = lex or qname
            aliases = [plain, core, self.strip_tail(core), qname]
            cands.append(Cand("Campaign", st, e, name, aliases, rule + "-quoted"))

    # unbracketed laws ------------------------------------------------------
    def _law_patterns(self, text, s0, s1, tokens_start, places, law_spans, cands, year):
        sent = text[s0:s1]
        for m in self.law_suffix_re.finditer(sent):
            e = m.end() + s0
            if any(a <= m.start() + s0 < b for a, b in law_spans):
                continue
            st = self._left_bound(text, s0, m.start() + s0, tokens_start)
            surface = text[st:e]
            plain = dequote(surface)
            core = plain
            for mod in ("妇联系统", "我省", "我市", "我区", "我县"):
                if core.startswith(mod):
                    core = core[len(mod):]
            core2 = core
            period = None
            for mod in sorted(self.p["law_modifiers"], key=len, reverse=True):
                md = dequote(mod)
                if core2.startswith(md):
                    if md in self.periods:
                        period = md
                    core2 = core2[len(md):]
            body = core2[: -len(m.group())]
            if len(core2) - len(m.group()) < 0 or (not body and m.group() in ("发展规划",)):
                continue
            if len(core2) < 4 or self.is_slogan(core2):
                continue
            if re.fullmatch(r"[省市州县区]?妇儿规划", core2) and not period:
                continue  # bare abbreviation referring back to the plan, not a named document
            aliases = [plain, core]
            name = core
            if period and year and self.periods.get(period):
                lo, hi = self.periods[period]
                if lo <= year <= hi:
                    name = core2  # the current-period plan is the plain plan
            elif core2 != core and not period:
                name = core2
            lexname = self.res.laws.surface.get(name)
            cands.append(Cand("Law", st, e, lexname or name, aliases, "L-pattern"))

    # quoted names ----------------------------------------------------------
    def _quoted(self, text, s0, s1, quote_spans, law_spans, cands, places):
        trig = self.p["implements_triggers"]
        anchors = self.p.get("quote_anchor_after", [])
        chain_ok: set[int] = set()
        for i, (a, b) in enumerate(quote_spans):
            if any(la <= a < lb for la, lb in law_spans):
                continue
            q = clean_space(text[a + 1: b - 1])
            after = text[b: min(s1, b + 12)]
            before6 = text[max(s0, a - 10): a]
            if (self.is_stop(q) or len(q.replace(" ", "")) < 2 or places.is_place(q)
                    or any(after.startswith(h) or after.startswith("的" + h) for h in self.reject_heads)
                    or (self._formula(q) and not self.lexicon_canonical(q)
                        and not self._lexicon_continuation(q, text[b:s1])[0])
                    or self.quote_org_after.match(text[b: min(s1, b + 40)])
                    or (self.quote_location.search(before6) and after.startswith(self.location_after))):
                if not re.search(r"[。！？!?‘’]", q):  # a quoted speech still mentions what it names
                    self.rejected_quotes.append((a, b))
                continue
            ok = False
            if self.lexicon_canonical(q) or self.suffix_re.search(q[-6:] if len(q) > 6 else q):
                ok = True
            before = text[max(s0, a - 14): a]
            if not ok and ((self.metaphor_re.search(before.rstrip("的")) and not self.suffix_re.match(after))
                           or self._slogan_shape(q, after)):
                self.rejected_quotes.append((a, b))
                continue  # 发挥妇女群众“她力量” / a quoted sentence: not a name, even after a trigger word
            if not ok:
                # a trigger right before (only modifiers / quantities between)
                for t in trig:
                    k = before.rfind(t)
                    if k >= 0:
                        between = before[k + len(t):]
                        if re.fullmatch(r"(?:一批|\d+[户个家名场项次]|\d{4}年度?|全[省市区县]|[省市区县]级|首届|示范|新一轮|各级|持续|深入|广泛|大力|系统|[“”、]|[\u4e00-\u9fff]{1,4}$)*", between):
                            ok = True
                            break
            if not ok and any(after.startswith(x) for x in anchors):
                ok = True
            if not ok and i > 0 and (i - 1) in chain_ok:
                gap = text[quote_spans[i - 1][1]: a]
                if gap in ("", "、", "，", "和", "及"):
                    ok = True
            if not ok:
                # chain followed by 等…活动
                j = i
                while j + 1 < len(quote_spans) and text[quote_spans[j][1]: quote_spans[j + 1][0]] in ("", "、", "和", "及"):
                    j += 1
                tail = text[quote_spans[j][1]: min(s1, quote_spans[j][1] + 14)]
                if re.match(r"[^，。；“]{0,8}等[^，。；]{0,14}(活动|行动|项目|品牌|创建|评选)", tail):
                    ok = True
            if not ok and not self._formula_or_metaphor(q, text[max(s0, a - 24): a], after) and not self._slogan_shape(q, after):
                ok = True  # a quoted name is a program unless it is a formula, a metaphor or a slogan
            if not ok:
                if not re.search(r"[。！？!?‘’]", q):
                    self.rejected_quotes.append((a, b))
                continue
            chain_ok.add(i)
            lex = self.lexicon_canonical(q)
            name = lex or q
            aliases = [q]
            end = b
            if not lex:
                lx, k = self._lexicon_continuation(q, text[b:s1])
                if lx:
                    name, end = lx, b + k
                    aliases.append(q + text[b:b + k])
            # “江苏省最美家庭” / “长沙市三八红旗手”: a full place name before the program is not part of it
            if name == q:
                core = places.strip(q)
                if core != q and len(core) >= 3 and q[: len(q) - len(core)].endswith(("省", "市", "区", "县", "州", "镇", "街道")):
                    name = self.lexicon_canonical(core) or core
            m = re.match(r"(创建工程|创建活动|创建|系列活动|系列行动|主题活动|活动|行动|工程|项目|建设|平台|品牌|工作)", text[b:s1])
            if m:
                aliases.append(q + m.group())
            cands.append(Cand("Campaign", a, end, name, aliases, "C-quoted", strong=True))

    def _lexicon_continuation(self, q: str, rest: str) -> tuple[Optional[str], int]:
        """“两癌”免费检查: the quoted word plus the words after it name a lexicon program."""
        cont = re.match(r"[\u4e00-\u9fff]{1,8}", rest)
        if cont:
            for k in range(len(cont.group()), 1, -1):
                lx = self.lexicon_canonical(q + cont.group()[:k])
                if lx:
                    return lx, k
        return None, 0

    def after_last_boundary(self, s: str) -> int:
        """Where s goes on after its last multi-character boundary word (0 when it holds none)."""
        ends = [m.end() for i in range(len(s)) for m in [self.boundary_re.match(s, i)] if m]
        return max(ends, default=0)

    def _formula(self, q: str) -> bool:
        """四个意识 / 四篇文章 / 四有 / 五级书记 (number formulas), 思想之美, 网格+妇联, 引领、服务、联系."""
        return any(rx.search(q) for rx in self.formulas)

    def _slogan_shape(self, q: str, after: str) -> bool:
        """美丽庭院，从热爱生活开始 / 打造运河文旅新标杆勇立三新经济新前沿: a sentence, not a name
        (unless a program word follows: “亲情牵手，温暖人心”服务项目)."""
        if (self.suffix_re.match(after) or self.suffix_re.match(after[2:6])
                or any(after.startswith(x) for x in self.p.get("quote_anchor_after", []))):
            return False  # “亲情牵手，温暖人心”服务项目
        if re.search(r"[，,]", q) and len(q) >= 8:
            return True
        return len(q) >= 10 and q.startswith(self.slogan_verbs)

    def _formula_or_metaphor(self, q: str, before: str, after: str) -> bool:
        """A formula, or a metaphor: 是…的“追星航标”, 当好“娘家人”, 视为“生命线”."""
        if self._formula(q):
            return True
        if self.suffix_re.match(after):
            return False  # “X”活动 / “X”行动: the name of a program, whatever comes before
        b = before.rstrip("的")
        if any(b.endswith(w) for w in self.object_before):
            return True  # 筹集的“防疫健康包” / 签下“连心卡”: a thing handed over
        return bool(self.metaphor_re.search(b)) or bool(re.search(r"是[^，。；“”]*的$", before))

    # 家庭教育宣传周、家庭教育精品课程下基层、家风家教宣传展示等主题活动 ----------
    def _enumerations(self, text, s0, s1, cands, places):
        sent = text[s0:s1]
        for m in re.finditer(r"((?:[^，。；：、“”（）]{3,20}、)+[^，。；：、“”（）]{3,20})等(?:主题|系列|群众性)?(?:活动|行动)", sent):
            items_text = m.group(1)
            pos = m.start(1) + s0
            items = items_text.split("、")
            # first item: cut at the last boundary word
            offs = []
            p = pos
            for it in items:
                offs.append((p, p + len(it)))
                p += len(it) + 1
            a0, b0 = offs[0]
            first = text[a0:b0]
            offs[0] = (a0 + self.after_last_boundary(first), b0)
            for a, b in offs:
                it = text[a:b].strip()
                if len(it) < 7 or any(x in it for x in ("和", "及", "与")) or not self.valid_core(it):
                    continue
                cands.append(Cand("Campaign", a, b, it, [], "C-enumeration", strong=True))

    # members of a list of programs -----------------------------------------------
    def _list_members(self, text, s0, s1, cands, places, first: int = 0):
        """Members of a 、-list of programs (see the cases in the body); rules read patterns.json list_*.
        `first`: no candidate before it lies in this sentence."""
        p = self.p
        if "、" not in text[s0:s1]:
            return
        local = [c for c in cands[first:] if c.type == "Campaign" and s0 <= c.start < s1]  # the sentence's programs
        for cm in re.finditer(r"[^，。；：！？\n]+", text[s0:s1]):
            a0 = s0 + cm.start()
            clause = cm.group()
            if "、" not in clause:
                continue
            spans, pos = [], a0
            for part in clause.split("、"):
                spans.append([pos, pos + len(part)])
                pos += len(part) + 1
            # the first member starts after the clause's last boundary word (or a leading preposition)
            first = text[spans[0][0]:spans[0][1]]
            spans[0][0] += self.after_last_boundary(first)
            lead = next((w for w in p["list_item_lead"] if text.startswith(w, spans[0][0])), "")
            spans[0][0] += len(lead)
            # the last member ends where a collective name, 等…活动 or a cut word begins
            last_a, last_b = spans[-1]
            last = text[last_a:last_b]
            kind, cut, coll = None, len(last), None
            for j in range(2, min(len(last), 16)):
                m = self.collective_re.match(last[j:])
                if m:
                    counted = m.group().startswith(tuple("一二两三四五六七八九十"))
                    kind, cut, coll = ("collective" if counted else "members"), j, m
                    break
                if self.activity_re.match(last[j:]):
                    kind, cut = "activities", j
                    break
            if kind is None:
                for w in p["list_item_cut"]:
                    j = last.find(w)
                    if 0 < j < cut:
                        cut = j
            spans[-1][1] = last_a + cut
            m_and = re.search(r"(?:以及|和|及)", text[last_a:last_a + cut])
            if m_and and m_and.start() >= 2:
                spans[-1][1] = last_a + m_and.start()
                spans.append([last_a + m_and.end(), last_a + cut])
            for sp in spans:  # 健康家庭211户 / 清廉家庭20户: a count after the name is not part of it
                mnum = re.search(r"\d", text[sp[0]:sp[1]])
                if mnum and mnum.start() >= 2:
                    sp[1] = sp[0] + mnum.start()
            # a program that ends the first member starts it: 会上宣读了自治区三八红旗手、…
            ending = [c for c in local if spans[0][0] < c.start and abs(c.end - spans[0][1]) <= 1]
            if ending:
                spans[0][0] = min(c.start for c in ending)
            items = [(x, y) for x, y in spans if y - x >= 2]
            if len(items) < 2:
                continue
            if kind == "collective":
                # 抓好创业就业、…、维权关爱五项巾帼行动 / “巾帼铸魂、…”五大行动: one program named by its count
                x0, y0 = items[0][0], last_a + cut + coll.end()
                full = clean_space(dequote(text[x0:y0]))
                cands.append(Cand("Campaign", x0, y0, full, [full, coll.group(), dequote(text[x0:last_a + cut])],
                                  "C-list-collective"))
                continue
            covered = [any(x - 1 <= c.start and c.end <= y + 1 and 2 * (c.end - c.start) >= y - x
                           or c.start <= x + 1 and c.end >= y - 1 for c in local) for x, y in items]
            if kind == "members":  # 深化家家幸福安康、北疆巾帼铸魂、强基扩面促活这三大工程 / …“五联工程”
                min_len = 4
            elif kind == "activities":  # 基层妇女学党史、妇女干部访妇情、妇联主席讲党课等多种活动
                min_len = 7
                if any(not cov and y - x < min_len for (x, y), cov in zip(items, covered)):
                    continue  # 家庭亲子阅读、家庭教育指导…等活动: kinds of work, not named programs
            elif sum(covered) * 3 >= 2 * len(items):  # 全国文明城市创建、美丽庭院、平安义乌建设
                min_len = 5
            else:
                continue
            for (x, y), cov in zip(items, covered):
                name = clean_space(text[x:y])
                if cov or not (min_len <= len(name) <= 20) or not self.valid_core(name) or places.is_place(name):
                    continue
                if any(q in name for q in "“”《》（）"):
                    continue
                lex = self.lexicon_canonical(name)
                cands.append(Cand("Campaign", x, y, lex or name, [name, self.strip_tail(name)], "C-list-member"))

    # lexicon ------------------------------------------------------------------
    def _lexicon(self, text, s0, s1, law_spans, cands):
        for lex, typ in ((self.res.campaigns, "Campaign"), (self.res.laws, "Law")):
            if lex.regex is None:
                continue
            for m in lex.regex.finditer(text, s0, s1):
                if typ == "Law" and any(a <= m.start() < b for a, b in law_spans):
                    continue
                canon = lex.surface[m.group()]
                end = m.end()
                if typ == "Campaign":
                    tail = next((t for t in self.award_tails if text.startswith(t, end)), "")
                    if tail and tail != "集体":
                        # 巾帼建功先进集体 / 巾帼建功标兵: the award given in the program's name
                        full = m.group() + tail
                        canon = lex.surface.get(full, full)
                        end += len(tail)
                cands.append(Cand(typ, m.start(), end, canon, [text[m.start():end]], "X-lexicon", strong=True))

    # overlaps -----------------------------------------------------------------
    def _resolve_overlaps(self, cands: list[Cand], book_spans) -> list[Cand]:
        """Keep the longest candidate per region of text; a shorter one inside a longer one of the same
        type donates nothing (the longer one already carries the canonical name). A lexicon name inside
        a quoted slogan (“帅乡巾帼心向党，团结奋进新征程”) is part of the slogan, not a mention."""
        cands = [c for c in cands if not any(a <= c.start < b for a, b in book_spans)]
        quoted_end = {c.end: c for c in cands if c.rule == "C-quoted"}
        for c in [c for c in cands if c.rule == "X-lexicon" and c.type == "Campaign" and c.start in quoted_end]:
            q = quoted_end[c.start]  # “乐福嫂”巾帼家政: the brand's service, named after the quote
            q.aliases.append(dequote(q.aliases[0]) + text_of(c))
            cands.remove(c)
        cands = [c for c in cands if not (c.rule == "X-lexicon" and any(
            a < c.start and c.end < b or (a <= c.start and c.end <= b and b - a > c.end - c.start + 2)
            for a, b in self.rejected_quotes))]
        camp = [c for c in cands if c.type == "Campaign" and c.rule != "X-lexicon"]
        cands = [c for c in cands if not (c.type == "Law" and c.rule == "X-lexicon"
                                          and any(k.start <= c.start and c.end <= k.end for k in camp))]
        order = sorted(cands, key=lambda c: (-(c.end - c.start), c.start, c.rule))
        kept: list[Cand] = []
        covered: dict[str, set[int]] = {}
        for c in order:
            cov = covered.setdefault(c.type, set())
            if any(k in cov for k in range(c.start, c.end)):
                continue
            kept.append(c)
            cov.update(range(c.start, c.end))
        kept.sort(key=lambda c: (c.start, c.end))
        return kept


class PlaceStripper:
    """Removes / detects place names at the start of a phrase using the gazetteer (context-aware)."""

    def __init__(self, gaz, ctx_codes: list[str]):
        self.gaz = gaz
        names: set[str] = set()
        for code in ctx_codes:
            for r in gaz.chain(code):
                names.add(r.name)
                from graph.gazetteer import short_forms

                names.update(short_forms(r.name, r.level))
                names.add(gaz.region_display(r.code))
        for r in gaz.province_names():
            names.add(r.name)
        self.names = sorted(names, key=len, reverse=True)

    def strip(self, s: str) -> str:
        for n in self.names:
            if s.startswith(n) and len(s) > len(n) + 1:
                return s[len(n):]
        return s

    def trailing_place(self, s: str) -> str:
        for n in self.names:
            if s.endswith(n):
                return n
        return ""

    def is_place(self, s: str) -> bool:
        return bool(self.gaz.lookup(s, short=False))
