"""Department and Person mention finding."""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass
from typing import Iterable, Optional

from graph.gazetteer import get_gazetteer
from .literals import words_regex
from .registry import mention_rule
from .resources import get_resources
from .structure import Table

_VAGUE_DEPT = ("有关", "相关", "党政", "职能", "各级", "政府", "主管", "责任", "成员", "业务", "各", "工作", "其他", "多", "等")


mention_rule("D-lexicon", produces=("Department",), needs=("departments.tsv", "coordinates_triggers"),
             doc="Known offices (组织联络部, 权益部…) and partner bodies (民政部门, 公检法司…); a partner only in a coordination sentence.")
mention_rule("D-government-office", produces=("Department",), needs=("government_office_prefix_re",),
             doc="An office name after a government prefix is the government's: 国务院妇儿工委办, 区妇儿工委办.")
mention_rule("D-partner-body", produces=("Department",), needs=("partner_dept_prefixes", "partner_dept_suffixes", "partner_dept_reject"),
             doc="A level-prefixed body in a coordination clause: 联合区农业农村局、市中级人民法院.")
mention_rule("D-partner-list", produces=("Department",), needs=("partner_body_re", "partner_body_reject", "joint_host_words", "list_separators"),
             doc="Each whole body name in a list of joint actors: 全国妇联与司法部、教育部…联合印发 / 主办方为…指挥部和….")
mention_rule("D-lead-table", produces=("Department",), needs=("lead_table_headers", "table_content_headers"),
             doc="Offices in the lead column of a work table (牵头部门).")


@dataclass
class DeptMention:
    start: int
    end: int
    name: str
    own: bool
    aliases: tuple = ()
    lead_row: Optional[int] = None  # table row index when found in a lead column
    rule: str = ""


def find_departments(text: str, fed_spans: list[tuple[int, int, str]]) -> list[DeptMention]:
    """Lexicon departments plus X部门/X机关 partner patterns (with shared-suffix enumerations)."""
    res = get_resources()
    deps = res.departments
    out: list[DeptMention] = []
    taken: list[tuple[int, int]] = []
    own_unambiguous = {n for n, k in deps.kind.items() if k == "own" and len(n) >= 4 and n not in ("办公室", "机关党委")}
    for m in deps.regex.finditer(text):
        name = m.group()
        kind = deps.kind[name]
        a, b = m.start(), m.end()
        prev = text[max(0, a - 2): a]
        if kind == "own":
            right_after_fed = any(fe == a for _, fe, _ in fed_spans)
            gov = re.search(res.patterns["government_office_prefix_re"], text[max(0, a - 5):a])
            if gov and not right_after_fed:
                # 国务院妇儿工委办 / 省政府妇儿工委办 / 区妇儿工委办: the government's office, a partner
                b2 = b + (1 if text[b:b + 1] == "办" and not name.endswith("办") else 0)
                out.append(DeptMention(a - len(gov.group()), b2, text[a - len(gov.group()):b2], False,
                                       (text[a:b2],)))
                taken.append((a - len(gov.group()), b2))
                continue
            if not (name in own_unambiguous or right_after_fed):
                continue
            if prev.endswith(("委", "党")) and not right_after_fed:
                continue
        elif not _in_coordination(text, a, res.patterns):
            continue  # 市总工会主席… / awardees such as 县人民法院: named, but not as a partner
        out.append(DeptMention(a, b, name, kind == "own"))
        taken.append((a, b))
        if kind == "partner" and name.endswith(("部门", "机关")):
            _enumerated(text, a, name[-2:], deps, out)
    # level-prefixed partner bodies in a coordination clause: 联合区农业农村局、市中级人民法院…
    for a, b, name, alias in _partner_bodies(text, res.patterns):
        inner = [i for i, d in enumerate(out) if a <= d.start and d.end <= b and not d.own]
        if any(ta < b and a < tb for ta, tb in taken if not any(out[i].start == ta and out[i].end == tb for i in inner)):
            continue
        for i in sorted(inner, reverse=True):
            taken.remove((out[i].start, out[i].end))
            del out[i]
        out.append(DeptMention(a, b, name, False, (alias,) if alias else ()))
        taken.append((a, b))
    # lists of partners in a joint action: 全国妇联与司法部、教育部…联合印发 / 主办方为江西省援疆工作前方指挥部和…
    for a, b, name in _partner_lists(text, res.patterns, fed_spans):
        inner = [d for d in out if a <= d.start and d.end <= b and not d.own]
        if any(ta < b and a < tb for ta, tb in taken if not any((d.start, d.end) == (ta, tb) for d in inner)):
            continue
        for d in inner:  # 永康市检察院 holds the lexicon's 检察院: the longer name wins
            out.remove(d)
            taken.remove((d.start, d.end))
        out.append(DeptMention(a, b, name, False, rule="partner-list"))
        taken.append((a, b))
    # X部门 / X机关 with shared suffix enumerations: 统战、民宗部门
    for m in re.finditer(r"([\u4e00-\u9fff]{2,4})(部门|机关)", text):
        a, b = m.start(), m.end()
        if any(ta <= a < tb for ta, tb in taken):
            continue
        stem = m.group(1)
        full = stem + m.group(2)
        # the stem may include a verb before it; keep the last 2 chars unless a known stem matches
        known = [s for s in deps.surface if full.endswith(s) and deps.kind.get(deps.surface[s]) == "partner"]
        if known:
            best = max(known, key=len)
            name = deps.surface[best]
            a = b - len(best)
        else:
            stem2 = stem[-2:]
            if stem2.startswith(_VAGUE_DEPT) or stem2 in _VAGUE_DEPT or any(v in stem2 for v in ("有关", "相关", "党政", "职能")):
                continue
            if stem.endswith(("有关", "相关", "党政", "职能", "主管", "成员", "各级", "工作", "政府")):
                continue
            continue
        out.append(DeptMention(a, b, name, False))
        taken.append((a, b))
        _enumerated(text, a, m.group(2), deps, out)
    out.sort(key=lambda d: (d.start, d.end))
    return out


_PARTNER_RE_CACHE: dict = {}


def _partner_bodies(text: str, p: dict) -> list[tuple[int, int, str, str]]:
    """Government bodies named with a level prefix (区人社局, 县卫健委, 街道综治中心, 省委宣传部) inside a clause
    that says the federation works with them (coordination trigger)."""
    key = "re"
    rx = _PARTNER_RE_CACHE.get(key)
    if rx is None:
        pre = "|".join(re.escape(x) for x in sorted(p.get("partner_dept_prefixes", []), key=len, reverse=True))
        suf = "|".join(re.escape(x) for x in sorted(p.get("partner_dept_suffixes", []), key=len, reverse=True))
        rx = re.compile(r"(?:%s)([\u4e00-\u9fff]{0,8}?)(?:%s)(?![\u4e00-\u9fff]{0,1}(?:妇联|妇女))" % (pre, suf)) if pre and suf else None
        _PARTNER_RE_CACHE[key] = rx
    if rx is None:
        return []
    trig = p.get("coordinates_triggers", [])
    reject = p.get("partner_dept_reject", [])
    out = []
    for cl in _joint_clauses(text, trig):
        clause = cl.group()
        pos = 0
        while True:
            m = rx.search(clause, pos)
            if not m:
                break
            # a rejected candidate may swallow a real one (县妇联将联合县民政局): retry one character on
            pos = m.start() + 1
            stem = m.group(1)
            surface = m.group()
            if any(r in stem for r in reject) or (surface[:2] in ("省委", "市委", "区委", "县委") and not surface.endswith("部") and len(stem) < 2):
                continue
            # the prefix must start a word: preceded by punctuation, a trigger or an enumeration mark
            before = clause[:m.start()]
            if before and not (before.endswith(tuple(p["list_separators"] + p["coordinates_triggers"] + ["同", "合"]))
                               or not re.match(r"[\u4e00-\u9fff]", before[-1])):
                continue
            pos = m.end()
            a = cl.start() + m.start()
            lead = next((x for x in sorted(p.get("partner_dept_prefixes", []), key=len, reverse=True) if surface.startswith(x)), "")
            alias = surface[len(lead):] if lead and not lead.endswith("委") else ""
            out.append((a, a + len(surface), surface, alias))
    return out


_LIST_SEP_RE = re.compile(r"、|以及|和|与|及|同")


_BODY_END = "部厅局委办院心所站会"


def _joint_clauses(text: str, words) -> "Iterable[re.Match]":
    """The clauses of text that hold one of `words`; document titles are no partners and 妇女联合会
    holds no 联合, so both are blanked out first (offsets kept)."""
    masked = re.sub(r"《[^《》\n]*》|联合会", lambda m: "　" * len(m.group()), text)
    rx = _words_re(tuple(words))
    for cl in re.finditer(r"[^，。；：！？\n]+", masked):
        if rx.search(cl.group()):
            yield cl


@lru_cache(maxsize=8)
def _words_re(words: tuple) -> re.Pattern:
    return words_regex(words)


def _body_prefix(s: str, body: re.Pattern) -> int:
    """Length of the leading part of s that is a body name: to the first body word's end, and on over
    the body characters right after it (市人社局|举办…, 县妇幼保健院|开通…, 省政府妇儿工委办)."""
    k = next((k for k in range(3, len(s) + 1) if s[k - 1] in _BODY_END and body.match(s[:k])), 0)
    while k and k < len(s) and s[k] in _BODY_END and body.match(s[:k + 1]):
        k += 1
    return k


def joint_words(p: dict) -> list[str]:
    """Words that say bodies act together: coordination words and co-hosting phrases (主办方为…)."""
    return p["coordinates_triggers"] + p["joint_host_words"]


def _in_coordination(text: str, pos: int, p: dict) -> bool:
    """The sentence around pos says the federation works with someone (coordination words)."""
    a = max(text.rfind(c, 0, pos) for c in "。；\n") + 1
    ends = [i for i in (text.find(c, pos) for c in "。；\n") if i >= 0]
    sent = text[a:min(ends) if ends else len(text)]
    return any(t in sent for t in joint_words(p))


def _partner_lists(text: str, p: dict, fed_spans) -> list[tuple[int, int, str]]:
    """Named bodies listed as partners in a clause with a joint-action word: each list item that is
    a whole body name (…部, …厅, …局, …委, …办, …院, 团省委, 共青团中央…) and no federation."""
    trig = joint_words(p)
    alt = "|".join(re.escape(w) for w in sorted(trig, key=len, reverse=True))
    lead_re = re.compile(r"^(?:.*(?:" + alt + r"|由|还|并))")
    tail_re = re.compile(r"(?:等\s*[\d一二三四五六七八九十]*\s*(?:个|家)?(?:部门|单位)|" + alt + r"|密切|一起|等).*$")
    body = re.compile(p["partner_body_re"])
    prefix = re.compile(p["partner_body_prefix_re"])
    reject = p["partner_body_reject"]
    fed_ranges = [(a, b) for a, b, _ in fed_spans]
    gaz = get_gazetteer()
    out = []
    for cl in _joint_clauses(text, trig):
        clause = cl.group()
        pos = 0
        pieces = []
        for m in _LIST_SEP_RE.finditer(clause):
            pieces.append((pos, m.start()))
            pos = m.end()
        pieces.append((pos, len(clause)))
        found = []
        for x, y in pieces:
            item = clause[x:y]
            # strip a leading trigger / preposition and a trailing joint-action phrase
            lead = lead_re.match(item)
            if lead and lead.end() < len(item) and _body_prefix(item[lead.end():], body):
                x += lead.end()
            tail = tail_re.search(clause[x:y])
            if tail and tail.start() >= 2:
                y = x + tail.start()
            elif not body.match(clause[x:y].strip()):
                # 县妇幼保健院开通绿色通道: the body is the longest leading part that is a body name
                y = x + (_body_prefix(clause[x:y], body) or y - x)
            name = clause[x:y].strip()
            if not (2 <= len(name) <= 16) or not body.match(name) or any(r in name for r in reject):
                continue
            a = cl.start() + x
            b = a + len(name)
            if any(fa < b and a < fb for fa, fb in fed_ranges):
                continue
            # a body is named as such: a level or place before it (县妇幼保健院, 永康市检察院), a joint verb
            # or 等…部门 after it (民政局联合…, 新农村办等部门), or another body beside it in the list
            placed = bool(prefix.match(name)) or any(gaz.lookup(name[:n], short=False) for n in range(2, min(8, len(name))))
            joined = bool(tail and tail.start() >= 2)
            found.append((a, b, name, placed or joined))
        if len(found) >= 2 or any(ok for *_x, ok in found):
            out.extend((a, b, name) for a, b, name, ok in found if ok or len(found) >= 2)
    return out


def _enumerated(text, a, suffix, deps, out) -> None:
    """Shared-suffix enumerations before a department: 统战、民宗部门 → 统战部门."""
    if True:
        k = a
        while k > 0 and text[k - 1] == "、":
            j = k - 1
            i = j
            while i > 0 and "\u4e00" <= text[i - 1] <= "\u9fff" and j - i < 4:
                i -= 1
            stem_prev = text[i:j]
            cand = None
            for length in range(len(stem_prev), 1, -1):
                s = stem_prev[-length:]
                if s in deps.surface and deps.kind.get(deps.surface[s]) == "partner":
                    cand = (j - length, j, deps.surface[s], s)
                    break
                if s + suffix in deps.surface:
                    cand = (j - length, j, deps.surface[s + suffix], s)
                    break
            if not cand:
                break
            out.append(DeptMention(cand[0], cand[1], cand[2], False, (cand[3],)))
            k = cand[0]


def lead_table_departments(text: str, tables: list[Table]) -> list[tuple[int, DeptMention, tuple[int, int]]]:
    """(row index, department, content cell span) for tables with a lead-office column."""
    res = get_resources()
    deps = res.departments
    heads = res.patterns["lead_table_headers"]
    out = []
    for t in tables:
        lead_col = next((i for i, h in enumerate(t.header) if any(x in h for x in heads)), None)
        if lead_col is None:
            continue
        content_col = next((i for i, h in enumerate(t.header)
                            if i != lead_col and any(w in h for w in res.patterns["table_content_headers"])), None)
        if content_col is None:
            content_col = 1 if lead_col != 1 and len(t.header) > 1 else 0
        for ri, row in enumerate(t.rows):
            if lead_col >= len(row) or content_col >= len(row):
                continue
            a, b = row[lead_col]
            cell = text[a:b]
            squeezed = cell.replace(" ", "")
            # map squeezed positions back to text offsets
            pos_map = [a + i for i, ch in enumerate(cell) if ch != " "]
            for m in deps.regex.finditer(squeezed):
                s, e = pos_map[m.start()], pos_map[m.end() - 1] + 1
                out.append((ri, DeptMention(s, e, deps.surface[m.group()], True), row[content_col]))
            if not deps.regex.search(squeezed):
                for part in re.split(r"[、，\s]+", cell):
                    if re.fullmatch(r"[\u4e00-\u9fff]{2,10}(部|办|室|委|中心)", part) and not part.startswith("各"):
                        s = a + cell.find(part)
                        out.append((ri, DeptMention(s, s + len(part), part, True), row[content_col]))
    return out
