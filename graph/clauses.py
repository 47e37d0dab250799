"""Clauses and their shingles: the text units text reuse compares (build side and questions alike).

A clause ends at 。！？；，(and their ASCII forms) or a line break; its normalized form is NFKC
without spaces, quotes or punctuation, so 启动 “美家美妇” and 启动美家美妇 are one clause.
"""

from __future__ import annotations

import re
import unicodedata

MIN_CHARS = 12  # shorter normalized clauses are not compared
SHINGLE_N = 3   # character n-grams

_CLAUSE_END = re.compile(r"[。！？；，!?;,\n\r]+")
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)  # punctuation, spaces, quotes (CJK characters are \w)


def norm_clause(text: str) -> str:
    return _DROP.sub("", unicodedata.normalize("NFKC", text))


def clauses(text: str, min_chars: int = MIN_CHARS) -> list[tuple[int, int, str, str]]:
    """(start, end, raw, normalized) of each clause of `text` long enough to compare."""
    out = []
    pos = 0
    for m in list(_CLAUSE_END.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        raw = text[pos:end]
        lead = len(raw) - len(raw.lstrip())
        raw_s = raw.strip()
        norm = norm_clause(raw_s)
        if len(norm) >= min_chars:
            out.append((pos + lead, pos + lead + len(raw_s), raw_s, norm))
        pos = m.end() if m else len(text)
    return out


def shingles(norm: str, n: int = SHINGLE_N) -> frozenset[str]:
    if len(norm) <= n:
        return frozenset([norm]) if norm else frozenset()
    return frozenset(norm[i:i + n] for i in range(len(norm) - n + 1))


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a and not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)
