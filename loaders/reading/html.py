"""HTML pages: the declared or detected charset, then the visible text."""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Optional

from loaders.reading.common import normalize_newlines
from loaders.reading.decode import BOMS, decode_or_fail

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""", re.I)

_BLOCK_TAGS = frozenset(
    """address article aside blockquote body caption center dd details dialog dir div dl dt
    fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu
    nav ol p pre section summary table tbody thead tfoot tr ul""".split()
)
_DROP_TAGS = frozenset(
    "script style noscript template head title iframe object embed svg canvas button select "
    "option datalist map audio video".split()
)


def _html_encoding(data: bytes) -> Optional[str]:
    m = _META_CHARSET.search(data[:8192])
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    # Declared GB2312/GBK pages routinely contain GBK/GB18030 characters.
    if name in ("gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936", "euc-cn"):
        name = "gb18030"
    elif name in ("big5", "x-x-big5"):
        name = "cp950"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def read_html(p: Path, data: bytes) -> tuple[str, str]:
    declared = None if data.startswith(tuple(b for b, _ in BOMS)) else _html_encoding(data)
    if declared and declared not in ("utf-16", "utf-32"):
        try:
            markup, enc = data.decode(declared), declared
        except UnicodeDecodeError:
            markup, enc = decode_or_fail(p, data)  # the declaration lies; detect instead
    else:
        markup, enc = decode_or_fail(p, data)
    markup = normalize_newlines(markup).lstrip("\ufeff")
    return html_to_text(markup), enc


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page: block elements and <br> become line breaks, table rows
    tab-separated lines; script/style/head/hidden elements and comments are dropped."""
    from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, Tag

    try:
        soup = BeautifulSoup(markup, "lxml")
    except Exception:  # lxml missing: the stdlib parser will do
        soup = BeautifulSoup(markup, "html.parser")

    parts: list[str] = []

    def walk(node, pre: bool) -> None:
        for child in node.children:
            if isinstance(child, (Comment, Doctype)):
                continue
            if isinstance(child, NavigableString):
                if type(child) is not NavigableString:  # CData, ProcessingInstruction...
                    continue
                s = str(child)
                parts.append(s if pre else _collapse_ws(s))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name.lower() if child.name else ""
            if name in _DROP_TAGS or _hidden(child):
                continue
            if name == "br":
                parts.append("\n")
                continue
            if name in ("td", "th"):
                walk(child, pre)
                parts.append("\t")
                continue
            # Like innerText: a paragraph or heading is set off by a blank line, other
            # blocks (div, li, tr...) by a line break.
            mark = _PARA if name in _PARA_TAGS else _LINE if name in _BLOCK_TAGS else ""
            parts.append(mark)
            walk(child, pre or name in ("pre", "textarea"))
            parts.append(mark)

    walk(soup, False)
    raw = "".join(parts).replace("\xa0", " ")
    raw = _MARKS.sub(lambda m: "\n\n" if _PARA in m.group() else "\n", raw)
    lines = []
    for line in raw.split("\n"):
        line = _TAB_WS.sub("\t", line).strip(" ").rstrip("\t")
        lines.append(line if line.strip() else "")
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return text.strip("\n")


_TAB_WS = re.compile(r" *\t *")
_PARA, _LINE = "\x02", "\x01"  # block-boundary marks (control chars never left in HTML text)
_MARKS = re.compile(r"[ \t]*[\x01\x02][\x01\x02 \t]*")
_PARA_TAGS = frozenset("p h1 h2 h3 h4 h5 h6 table blockquote pre hr".split())
_WS = re.compile(r"[ \t\n\r\f\v]+")
_CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\r\f\v]*\n[ \t\n\r\f\v]*(?=[{_CJK}])")


def _collapse_ws(s: str) -> str:
    # A source line break between two Chinese characters is not a space (CSS segment rules).
    s = _CJK_BREAK.sub("", s)
    return _WS.sub(" ", s)


def _hidden(tag) -> bool:
    attrs = tag.attrs or {}
    if "hidden" in attrs or str(attrs.get("aria-hidden", "")).lower() == "true":
        return True
    style = str(attrs.get("style", "")).replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style
