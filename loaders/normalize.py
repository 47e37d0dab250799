"""Text normalization that keeps a normalized→original offset map.

Steps: newline unification, NFKC for letters/digits/spaces, CJK radical look-alikes folded to the
ideographs they stand for (⻓→长, ⺠→民: PDF text layers use them), Traditional characters folded to
Simplified ones, one for one (婦聯→妇联, graph.traditional), Chinese punctuation
unified to full-width forms (，。：；（）“”《》！？), middle dots unified to ·,
markdown bold removed, spaced-out single characters joined (湖 南 省 → 湖南省),
spaces between digits and Han removed, and page-break artifacts joined
(《习近\\n\\n平谈治国理政》).

``to_original`` has len(normalized)+1 entries; the last maps the end.
"""

from __future__ import annotations

import re
import unicodedata

from graph.traditional import fold_traditional

HAN = r"\u3400-\u9fff\uf900-\ufaff"
_HAN_RE = re.compile(f"[{HAN}]")

# half-width / variant → canonical full-width
_PUNCT = {
    ";": "；", "?": "？", "!": "！", "(": "（", ")": "）",
    "﹐": "，", "﹔": "；", "﹕": "：", "﹖": "？", "﹗": "！", "﹙": "（", "﹚": "）",
    "「": "“", "」": "”", "『": "“", "』": "”", "〝": "“", "〞": "”", "＂": '"',
    "•": "·", "・": "·", "‧": "·", "∙": "·", "･": "·", "•": "·", "⋅": "·",
    "﹤": "<", "﹥": ">", "︽": "《", "︾": "》", "〈": "〈", "〉": "〉",
    "\u00a0": " ", "\u3000": " ", "\t": "\t", "\u200b": "", "\ufeff": "", "\u200c": "", "\u200d": "",
}
# full-width chars NFKC would turn half-width but we keep
_KEEP_FULL = set("，。：；（）“”《》！？、【】〔〕…—·")
_HEADING_START = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、是]|（[一二三四五六七八九十\d]+）|\d+[\.．、]|第[一二三四五六七八九十\d]+[章节条部分]|附件|[-*]\s)"
)
_SENT_END = set("。！？；：…”》）")
# a page-number line left between two pages of a PDF/Word export: "- 3 -", "— 12 —", "第3页 共8页", "3/8"
_PAGE_NO = r"(?:[-—–－‐]{1,2}[ \t\u3000]*\d{1,3}[ \t\u3000]*[-—–－‐]{1,2}|第[ \t\u3000]*\d{1,3}[ \t\u3000]*页(?:[ \t\u3000]*[,，/]?[ \t\u3000]*共[ \t\u3000]*\d{1,3}[ \t\u3000]*页)?|\d{1,3}[ \t\u3000]*/[ \t\u3000]*\d{1,3})"
_PAGE_AHEAD = re.compile(r"(?:\r?\n[ \t\u3000]*)+" + _PAGE_NO + r"[ \t\u3000]*(?=\r?\n|$)(?:\r?\n[ \t\u3000]*)*")
_PAGE_LINE = re.compile(r"[ ]*(?:\n[ ]*)+" + _PAGE_NO + r"[ ]*(?=\n|$)[ \n]*")


# CJK Radicals Supplement U+2E81..U+2EF3 (U+2E9A is unassigned) → the unified ideograph of the same
# shape, in code point order, after the Unicode Character Database's EquivalentUnifiedIdeograph.txt.
# PDF text layers use them for ordinary characters (⻓ for 长, ⺠ for 民); NFKC folds only the Kangxi
# radicals (U+2F00..) and the compatibility ideographs, so these are folded here, one for one.
_RADICAL_IDEOGRAPHS = "厂乛乚乙亻冂𠘨刀刂卜㔾小小兀尣尢𡯂巳幺彑彐忄心扌攵旡日月歺母民氵氺灬爫爫丬牛犭王𤴔目示礻𥫗糹纟罓罒㓁冗𦉫羊𦍌𦍋耂肀聿肉𦥑艹艹艹虎衤覀西见角𧢲讠贝𧾷车辶辶辶邑钅長镸长门𨸏阝雨青韦页风飞食𩙿飠饣𩠐马骨鬼鱼鸟卤麦黄黾斉齐歯齿竜龙龜亀龟"
_RADICALS = dict(zip((chr(c) for c in range(0x2E81, 0x2EF4) if c != 0x2E9A), _RADICAL_IDEOGRAPHS))

_MAP_CACHE: dict[str, str] = {}


def _map_char(ch: str) -> str:
    out = _MAP_CACHE.get(ch)
    if out is None:
        out = _map_char_raw(ch)
        if len(_MAP_CACHE) < 100_000:
            _MAP_CACHE[ch] = out
    return out


def _map_char_raw(ch: str) -> str:
    if ch in _PUNCT:
        return _PUNCT[ch]
    if ch in _RADICALS:
        return _RADICALS[ch]
    if ch in _KEEP_FULL or ord(ch) < 128:
        return ch
    out = unicodedata.normalize("NFKC", ch)
    return "".join(_PUNCT.get(c, c) for c in out)


# characters that map to themselves and need no context (not ":" "," '"' or line breaks): copied in runs
_PLAIN_RUN = re.compile("[\u4e00-\u9fff0-9A-Za-z \t.%/+=*#@&_\\-" + "".join(sorted(_KEEP_FULL)) + "]+")


def _pass_chars(text: str) -> tuple[list[str], list[int]]:
    """Per-character mapping (NFKC, punctuation, quotes); returns chars and their original offsets."""
    out: list[str] = []
    omap: list[int] = []
    n = len(text)
    open_quote = False
    hold_until = -1  # newlines up to here belong to a page break: a quote stays open across it
    i = 0
    while i < n:
        run = _PLAIN_RUN.match(text, i)
        if run:
            j = run.end()
            out.extend(text[i:j])
            omap.extend(range(i, j))
            q = max(text.rfind("“", i, j), text.rfind("”", i, j))
            if q >= 0:
                open_quote = text[q] == "“"
            i = j
            continue
        ch = text[i]
        if open_quote and ch in "\r\n" and i >= hold_until:
            pm = _PAGE_AHEAD.match(text, i)
            if pm:
                hold_until = pm.end()
        if ch == "\r":
            out.append("\n")
            omap.append(i)
            if i >= hold_until:
                open_quote = False
            if i + 1 < n and text[i + 1] == "\n":
                i += 1
            i += 1
            continue
        if ch in "\n\u2028\u2029\x0b\x0c\x85":
            out.append("\n")
            omap.append(i)
            if i >= hold_until:
                open_quote = False
            i += 1
            continue
        m = _map_char(ch)
        for c in m:
            if c == '"':
                c = "”" if open_quote else "“"
                open_quote = not open_quote
            elif c == "“":
                open_quote = True
            elif c == "”":
                open_quote = False
            elif c in ":,":
                prev = out[-1] if out else ""
                nxt = text[i + 1] if i + 1 < n else ""
                if not (prev.isdigit() and nxt.isdigit()) and not (c == ":" and nxt == "/"):
                    c = "：" if c == ":" else "，"
            out.append(c)
            omap.append(i)
        i += 1
    return out, omap


_SPACED_SINGLES = re.compile(f"(?<![{HAN}])[{HAN}](?: +[{HAN}])+(?![{HAN}])")
_DIGIT_HAN_SPACE = re.compile(f"(?<=[0-9])[ ]+(?=[{HAN}])|(?<=[{HAN}])[ ]+(?=[0-9])")
_BOLD = re.compile(r"\*\*|__(?=\S)|(?<=\S)__")
_BREAK = re.compile(r"[ ]*\n[ \n]*")


def _unclosed(line: str) -> bool:
    """True if the line leaves 《 “ or （ open."""
    return line.count("《") > line.count("》") or line.count("“") > line.count("”") or line.count("（") > line.count("）")


def _deletions(s: str) -> list[bool]:
    """Mark characters of ``s`` to drop (bold markers, layout spaces, page breaks)."""
    keep = [True] * len(s)
    for m in _BOLD.finditer(s):
        for k in range(m.start(), m.end()):
            keep[k] = False
    for m in _SPACED_SINGLES.finditer(s):
        for k in range(m.start(), m.end()):
            if s[k] == " ":
                keep[k] = False
    for m in _DIGIT_HAN_SPACE.finditer(s):
        for k in range(m.start(), m.end()):
            keep[k] = False
    # page-number lines: dropped; the two pages are joined when the text runs on across them
    for m in _PAGE_LINE.finditer(s):
        a, b = m.start(), m.end()
        ls = s.rfind("\n", 0, a) + 1
        prev_line = s[ls:a].strip()
        nxt = s[b: b + 1]
        runs_on = (
            prev_line
            and nxt
            and prev_line[-1] not in _SENT_END
            and prev_line[-1] not in ".!?"
            and (_HAN_RE.match(nxt) or nxt in "，、。；：”》）")
            and not _HEADING_START.match(s[b: s.find("\n", b) if s.find("\n", b) >= 0 else len(s)])
        )
        first_nl = s.find("\n", a)
        start = a if runs_on else first_nl + 1
        end = b if (runs_on or b >= len(s)) else b
        for k in range(start, end):
            keep[k] = False
    # page-break joins
    for m in _BREAK.finditer(s):
        a, b = m.start(), m.end()
        if a == 0 or b >= len(s):
            continue
        ls = s.rfind("\n", 0, a) + 1
        prev_line = s[ls:a] if all(keep[ls:a]) else "".join(c for k, c in enumerate(s[ls:a], ls) if keep[k])
        prev_line = prev_line.rstrip()
        nl = s.find("\n", b)
        next_line = s[b: nl if nl >= 0 else len(s)]
        if not prev_line or not next_line or "\t" in prev_line or "\t" in next_line:
            continue
        if _HEADING_START.match(next_line):
            continue
        prev_line = prev_line.lstrip()
        last = prev_line[-1]
        is_heading = bool(_HEADING_START.match(prev_line)) and "。" not in prev_line
        join = False
        if _unclosed(prev_line) and len(prev_line) >= 4:
            join = True
        elif (
            last not in _SENT_END
            and not is_heading
            and (len(prev_line) >= 40 or (last in "，、" and len(prev_line) >= 10) or ("。" in prev_line and len(prev_line) >= 10))
            and (_HAN_RE.match(next_line[0]) or next_line[0] in "，、。；：”》）")
        ):
            join = True
        if join:
            for k in range(a, b):
                keep[k] = False
    return keep


def normalize(text: str) -> tuple[str, list[int]]:
    """Return (normalized_text, to_original) where to_original[i] is the original offset of char i."""
    if not text:
        return "", [0]
    chars, omap = _pass_chars(text)
    s = "".join(chars)
    folded = fold_traditional(s)  # one character for one: the offset map stays as it is
    if folded != s:
        s, chars = folded, list(folded)
    keep = _deletions(s)
    out_chars = [c for c, k in zip(chars, keep) if k]
    out_map = [o for o, k in zip(omap, keep) if k]
    out_map.append(len(text))
    return "".join(out_chars), out_map


def to_original_span(to_original: list[int], start: int, end: int) -> tuple[int, int]:
    """Map a normalized [start, end) span to the original text."""
    if not to_original:
        return start, end
    start = max(0, min(start, len(to_original) - 1))
    end = max(start, min(end, len(to_original) - 1))
    if end == start:
        return to_original[start], to_original[start]
    return to_original[start], to_original[end - 1] + 1
