"""Person mentions: named individuals in plans and news (docs/ANNOTATION.md, Person).

A name is 2–4 Han characters starting with a surname (loaders/data/surnames.txt). A bare
surname-initial string is never enough: it needs a cue on at least one side, strong enough
together — a title before it (主席黄芳, 县人大常委会副主任阙玉英), a role after it
(刘建军（市委常委…）, 高丽萍部长, 段爽同志), a count (王睿等5名同志, 潘翠兰九人), a byline
(记者 肖君, （李佳蔚 记者 戴雪燕）, 作者：欧名莉, □ 蒋予昕), or a verb of the kind news uses
after a name (向其红当选…). Enumerations (刘小红、吕晓涛、纪莉莉…) are expanded from one
accepted member. Rules and word lists are data in loaders/data/patterns.json (person_*).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from .registry import mention_rule
from .resources import get_resources, get_tokenizer
from .structure import Table

_HAN = re.compile(r"[\u3400-\u9fff]")
# characters that end a name on its right (punctuation, spaces, brackets, quotes)
_BOUNDARY = set("，。；：、,;:（）()“”\"《》！？!? \n\t·—…")
# a name may follow these directly (list openers): 发言的有陈曳媛 / 到场的有：
_OPENERS = ("有", "由", "是", "为", "和", "与", "及", "受", "同", "请", "让", "对", "向", "经", "在", "给")
_COMMON_FREQ = 100  # jieba frequency above which a surname-initial string is a common word


mention_rule("P-cued", produces=("Person",), needs=("person_titles", "person_roles", "person_after_words",
             "person_strong_after", "person_count_re", "person_nonname_chars", "surnames.txt"),
             doc="A surname-initial name with a cue on each side: a title before (主席黄芳), a role in brackets, 同志, a count (等5名), a title after (高丽萍部长) or a news verb (当选).")
mention_rule("P-byline", produces=("Person",), needs=("person_reporter_roles", "person_bullets"),
             doc="Bylines: （记者 肖君）, （李佳蔚 记者 戴雪燕）, （和龙市妇联：孙波）, □ 蒋予昕.")
mention_rule("P-known", produces=("Person",), doc="Every other occurrence of a name found once in the document.")
mention_rule("P-list", produces=("Person",), doc="The other members of an enumeration of names (刘小红、吕晓涛…九人).")
mention_rule("P-table", produces=("Person",), needs=("person_table_headers",), doc="Names in a table's name column (姓名, 联系人, 负责人…).")


@dataclass
class PersonMention:
    start: int
    end: int
    name: str
    role: Optional[str] = None  # title stated before or after the name (主席, 记者…)
    rule: str = ""


@lru_cache(maxsize=1)
def _rules():
    p = get_resources().patterns
    surn = get_resources().surnames
    titles = sorted(set(p["person_titles"]) | set(p["person_roles"]), key=len, reverse=True)
    reporters = sorted(p["person_reporter_roles"], key=len, reverse=True)
    after = sorted(p["person_after_words"], key=len, reverse=True)
    strong = sorted(p["person_strong_after"], key=len, reverse=True)
    return {
        "surnames": surn,
        "compound": {s for s in surn if len(s) == 2},
        "title_end_re": re.compile("(?:" + "|".join(map(re.escape, titles)) + r")[ ：:]?$"),
        "title_start_re": re.compile("^(?:" + "|".join(map(re.escape, titles)) + ")"),
        "title_any_re": re.compile("(?:" + "|".join(map(re.escape, titles)) + ")"),
        "reporter_re": re.compile("(?:" + "|".join(map(re.escape, reporters)) + r")[ ：:]*(?:[\u4e00-\u9fff]{2,4} )*$"),
        "reporters": set(reporters),
        "after": tuple(after),
        "strong": tuple(strong),
        "count_re": re.compile(p["person_count_re"]),
        "nonname": set(p["person_nonname_chars"]),
        "bullets": set(p["person_bullets"]),
        "leading_roles": tuple(p["person_roles_leading"]),
        "surname_re": re.compile("|".join(sorted(map(re.escape, surn), key=len, reverse=True))),
    }


def _shape_ok(s: str, r) -> bool:
    """2–4 Han characters, a surname first, no character that names never hold after it."""
    if not (2 <= len(s) <= 4) or not all(_HAN.match(c) for c in s):
        return False
    sur = s[:2] if s[:2] in r["compound"] else s[:1]
    if sur not in r["surnames"]:
        return False
    rest = s[len(sur):]
    if not rest or len(rest) > 2:
        return False
    return not any(c in r["nonname"] for c in rest)


def _common_word(s: str) -> bool:
    return get_tokenizer().FREQ.get(s, 0) >= _COMMON_FREQ


def _lengths(text: str, p: int, r) -> list[int]:
    compound = text[p:p + 2] in r["compound"]
    return [3, 4] if compound else [2, 3]


def _right_cue(text: str, q: int, r) -> Optional[str]:
    """What follows a name ending at q: 'paren' (a role in brackets), 'count', 'comrade', 'title',
    'strong' (a news verb), 'after' (a weaker word) or 'boundary'."""
    if q >= len(text):
        return "boundary"
    rest = text[q:q + 40]
    if rest[0] in "（(":
        close = re.search(r"[）)]", rest)
        inner = rest[1:close.start()] if close else rest[1:]
        if r["title_start_re"].search(inner) or re.search(r"(?:长|主席|书记|主任|委员|常委|成员|记者|代表)", inner):
            return "paren"
        return "boundary"
    if r["count_re"].match(rest):
        return "count"
    if rest.startswith("同志"):
        return "comrade"
    if r["title_start_re"].match(rest):
        return "title"
    if rest.startswith(r["strong"]):
        return "strong"
    if rest[0] in _BOUNDARY or rest[0].isdigit():
        return "boundary"
    if rest.startswith("家庭"):
        return "family"  # 金哲风、金英淑家庭 (award lists of families)
    if rest.startswith(r["after"]):
        return "after"
    return None


def _left_cue(text: str, p: int, r, lo: int) -> Optional[tuple[str, str]]:
    """('title', role) when a title ends right before p; ('boundary', '') after punctuation."""
    before = text[max(lo, p - 14):p]
    m = r["reporter_re"].search(text[max(lo, p - 30):p])  # 记者 欧阳婷 吴小兵: names after the first too
    if m:
        return "reporter", re.match(r"[^ ：:]+", m.group()).group()
    m = r["title_end_re"].search(before)
    if m:
        return "title", m.group().rstrip(" ：:")
    if p == lo or text[p - 1] in _BOUNDARY or text[p - 1] in r["bullets"]:
        return "boundary", ""
    if re.search(r"(?:妇联|妇女联合会|妇工委|[委局院办会部]|中心)$", before):
        return "org", ""  # 市妇联高丽萍部长 / 县人大常委会阙玉英副主任
    if text[p - 1] in _OPENERS:
        return "opener", ""
    return None


_STRONG_PAIRS = {
    "title": {"paren", "count", "comrade", "title", "strong", "after", "boundary"},
    "reporter": {"paren", "count", "comrade", "title", "strong", "after", "boundary"},
    "boundary": {"paren", "count", "comrade", "title"},
    "opener": {"paren", "count", "comrade"},
    "org": {"title", "comrade"},
}


def find_persons(text: str, tables: list[Table], fed_spans: list[tuple[int, int, str]]) -> list[PersonMention]:
    """Persons cued by titles, roles, counts, bylines and enumerations (see the module docstring)."""
    r = _rules()
    found: dict[tuple[int, int], PersonMention] = {}
    fed_ends = {b for _a, b, _n in fed_spans}

    def accept(a: int, b: int, role: Optional[str], rule: str) -> None:
        if (a, b) not in found and not any(x < b and a < y for x, y in found):
            found[(a, b)] = PersonMention(a, b, text[a:b], role, rule)

    for m in r["surname_re"].finditer(text):
        p = m.start()
        if any(x <= p < y for x, y in found):
            continue
        left = _left_cue(text, p, r, 0)
        after_fed = p in fed_ends
        for n in _lengths(text, p, r):
            cand = text[p:p + n]
            if not _shape_ok(cand, r):
                continue
            right = _right_cue(text, p + n, r)
            if right is None:
                continue
            kind = left[0] if left else ("boundary" if after_fed else None)
            ok = kind is not None and right in _STRONG_PAIRS[kind]
            if not ok and kind in ("boundary", "opener") and right in ("strong", "family") and n >= 3:
                ok = True  # ，向其红当选… / 金英淑家庭 — a full name before a news verb or 家庭
            if not ok and after_fed and right in ("title", "paren", "comrade", "strong"):
                ok = True  # 市妇联高丽萍部长
            if ok and (kind in ("boundary", "opener", "org") or (n == 2 and right == "boundary")) and _common_word(cand):
                ok = False  # 标兵荣誉，/ 高度: common words; 主席金华在… and famous three-character names stay
            if ok:
                accept(p, p + n, left[1] if left and left[1] else _role_after(text, p + n, r), "P-cued")
                break
    _names_without_surname(text, r, found, accept)
    _bylines(text, r, accept)
    n_found = -1
    while n_found != len(found):  # every other mention of a name found once, and their lists
        n_found = len(found)
        for name in {pm.name for pm in found.values()}:
            for m in re.finditer(re.escape(name), text):
                accept(m.start(), m.end(), None, "P-known")
        _expand_lists(text, r, found, accept)
    _table_persons(text, tables, r, accept)
    return sorted(found.values(), key=lambda x: (x.start, x.end))


_FUNCTION_CHARS = set("的了在和与及等是为对将把被从到于其之而或并也还都又就要兼作暨任")


def _holds_common_word(s: str) -> bool:
    """作交流 / 兼宣传: a name of its own holds no everyday word (乌云 and 努尔 are rare enough)."""
    freq = get_tokenizer().FREQ
    return any(freq.get(s[i:i + 2], 0) >= 1000 for i in range(len(s) - 1))


_NO_SURNAME_RE = re.compile(r"[\u4e00-\u9fff]{2,6}(?:·[\u4e00-\u9fff]{2,6})?")


def _names_without_surname(text: str, r, found: dict, accept) -> None:
    """次仁卓玛 / 乌云其其格 / 阿依古丽·买买提: names of many nationalities start with no Han surname.
    Both cues must be strong: a title right before, and a role, 同志, a count or a news verb after."""
    for m in r["title_any_re"].finditer(text):
        p = m.end()
        if any(x <= p < y for x, y in found) or text[p:p + 1] in ("：", ":", " "):
            continue
        if text[p:p + 1] in "会团组处室部":
            continue  # 常委会副主任 / 执委会工作报告: the title word is part of a body's name
        run = _NO_SURNAME_RE.match(text, p)
        if not run:
            continue
        # the shortest name whose end has a strong cue (so 次仁卓玛主持 is not 次仁卓玛主)
        for q in range(p + 2, run.end() + 1):
            cand = text[p:q]
            if cand.endswith("·"):
                continue
            plain = cand.replace("·", "")
            if plain[0] in _FUNCTION_CHARS or _holds_common_word(plain):
                break
            if plain[-1] in _FUNCTION_CHARS:
                continue
            right = _right_cue(text, q, r)
            long_after = right == "after" and any(text.startswith(w, q) for w in r["after"] if len(w) >= 2)
            if (right in ("strong", "paren", "comrade", "count", "title") or long_after) and not _common_word(cand):
                if not r["title_start_re"].match(cand):
                    accept(p, q, m.group().rstrip(" ：:"), "P-cued")
                break


def _role_after(text: str, q: int, r) -> Optional[str]:
    m = r["title_start_re"].match(text[q:q + 12])
    return m.group() if m else None


def _bylines(text: str, r, accept) -> None:
    """（记者 肖君）, （李佳蔚 记者 戴雪燕）, （通讯员 何冰芳 卢玲慧）, （和龙市妇联：孙波）, □ 蒋予昕."""
    for m in re.finditer(r"[（(]([^（）()\n]{2,40})[）)]", text):
        inner = m.group(1)
        has_reporter = any(w in inner for w in r["reporters"])
        colon_tail = re.search(r"[：:]\s*([\u4e00-\u9fff]{2,4})\s*$", inner)
        at_line_end = text[m.end():m.end() + 1] in ("", "\n")
        if not (has_reporter or (colon_tail and at_line_end)):
            continue
        for tm in re.finditer(r"[\u4e00-\u9fff]{2,4}", inner):
            tok = tm.group()
            if tok in r["reporters"] or not _shape_ok(tok, r):
                continue
            a = m.start(1) + tm.start()
            # a token must stand alone (spaces, colons or the brackets around it)
            before = inner[tm.start() - 1] if tm.start() else " "
            after = inner[tm.end()] if tm.end() < len(inner) else " "
            if before in " ：:、" and after in " ：:、" and not _common_word(tok):
                accept(a, a + len(tok), "记者" if has_reporter else None, "P-byline")
    for m in re.finditer(r"(?m)^[ ]*([" + re.escape("".join(r["bullets"])) + r"])[ ]*([\u4e00-\u9fff]{2,4})[ ]*$", text):
        tok = m.group(2)
        if _shape_ok(tok, r):
            accept(m.start(2), m.end(2), None, "P-byline")


def _expand_lists(text: str, r, found: dict, accept) -> None:
    """Members of an enumeration with an accepted member are persons too: 刘小红、吕晓涛…九人."""
    changed = True
    while changed:
        changed = False
        for (a, b) in sorted(found):
            if found[(a, b)].rule == "P-byline":
                continue
            # right neighbour: 、X followed by a list mark, a count or a boundary
            if b < len(text) and text[b] in "、和":
                q = b + 1
                for n in (3, 2, 4):
                    cand = text[q:q + n]
                    if _shape_ok(cand, r) and (q + n == len(text) or text[q + n] in "、，。；,;（(）)" or _right_cue(text, q + n, r) in ("count", "comrade", "paren", "title")):
                        if (q, q + n) not in found and not any(x < q + n and q < y for x, y in found):
                            accept(q, q + n, None, "P-list")
                            changed = True
                        break
            # left neighbour: X、 before the accepted one
            if a > 1 and text[a - 1] == "、":
                e = a - 1
                for n in (3, 2, 4):
                    s = e - n
                    cand = text[s:e] if s >= 0 else ""
                    opened = s == 0 or text[s - 1] in "、，。；,;：:（(）)\n " or text[s - 1] in _OPENERS
                    # 会议增补张秀英、刘芳…: a full three-character name may follow a verb
                    if _shape_ok(cand, r) and (opened or (n == 3 and not _common_word(cand))):
                        if (s, e) not in found and not any(x < e and s < y for x, y in found):
                            accept(s, e, None, "P-list")
                            changed = True
                        break


def _table_persons(text: str, tables: list[Table], r, accept) -> None:
    heads = get_resources().patterns["person_table_headers"]
    for t in tables:
        cols = [i for i, h in enumerate(t.header) if any(x in h for x in heads)]
        for row in t.rows:
            for ci in cols:
                if ci >= len(row):
                    continue
                a, b = row[ci]
                for m in re.finditer(r"[\u4e00-\u9fff]{2,4}", text[a:b]):
                    if _shape_ok(m.group(), r):
                        accept(a + m.start(), a + m.end(), None, "P-table")
