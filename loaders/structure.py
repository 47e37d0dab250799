"""Split normalized text into passages (lines) with section paths, sentences and tables."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .types import PassageRecord

_HEAD_PATTERNS = [
    (1, re.compile(r"^[一二三四五六七八九十]+、")),
    (1, re.compile(r"^附件\s*\d*\s*$")),
    (2, re.compile(r"^（[一二三四五六七八九十]+）")),
    (3, re.compile(r"^\d+\s*[\.．、](?!\d)")),
    (4, re.compile(r"^[一二三四五六七八九十]+是")),
]
_SENT_END = re.compile(r"[。！？!?]+”?|\n")


@dataclass
class Sentence:
    start: int
    end: int
    passage: int


@dataclass
class Table:
    header: list[str]
    rows: list[list[tuple[int, int]]]  # cells as (start, end) offsets
    passages: list[int] = field(default_factory=list)


def heading_of(line: str) -> tuple[int, str] | None:
    """(level, heading text) when the line starts with a heading marker."""
    for level, pat in _HEAD_PATTERNS:
        if pat.match(line):
            m = re.search(r"[。！？]", line)
            head = line[: m.start()] if m else line
            if len(head) > 60:
                head = head[:60]
            return level, head.strip()
    return None


def split_passages(text: str) -> list[PassageRecord]:
    """One passage per non-empty line, carrying its heading path."""
    out: list[PassageRecord] = []
    stack: list[tuple[int, str]] = []
    pos = 0
    n = len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        if nl < 0:
            nl = n
        s, e = pos, nl
        while s < e and text[s] in " \t":
            s += 1
        while e > s and text[e - 1] in " \t":
            e -= 1
        if e > s:
            line = text[s:e]
            h = heading_of(line) if "\t" not in line else None
            if h:
                level, head = h
                while stack and stack[-1][0] >= level:
                    stack.pop()
                stack.append((level, head))
            section = " > ".join(x[1] for x in stack)
            out.append(PassageRecord(index=len(out), start=s, end=e, text=line, section=section))
        pos = nl + 1
    return out


def split_sentences(text: str, passages: list[PassageRecord]) -> list[Sentence]:
    """Sentences end at 。！？ (not at ；) or the end of the passage."""
    out: list[Sentence] = []
    for p in passages:
        pos = p.start
        for m in _SENT_END.finditer(text, p.start, p.end):
            if m.end() > pos:
                out.append(Sentence(pos, m.end(), p.index))
            pos = m.end()
        if pos < p.end:
            out.append(Sentence(pos, p.end, p.index))
    return out


def find_tables(text: str, passages: list[PassageRecord]) -> list[Table]:
    """Runs of tab-separated passages; the first row is the header."""
    tables: list[Table] = []
    cur: Table | None = None
    for p in passages:
        if "\t" in p.text:
            cells = []
            pos = p.start
            for part in p.text.split("\t"):
                cells.append((pos, pos + len(part)))
                pos += len(part) + 1
            if cur is None:
                header = [text[a:b].replace(" ", "") for a, b in cells]
                cur = Table(header=header, rows=[], passages=[p.index])
            else:
                cur.rows.append(cells)
                cur.passages.append(p.index)
        else:
            if cur is not None:
                tables.append(cur)
            cur = None
    if cur is not None:
        tables.append(cur)
    return tables
