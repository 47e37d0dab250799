"""Regular expressions over word lists: one prefix tree instead of one alternative per word.

`"|".join(words sorted longest first)` makes Python's `re` try every word at every position, so a
scan costs the length of the text times the number of words (7,000 corpus names at 10,000
documents, tens of thousands at 100,000). The same words as a prefix tree (美丽(?:庭院|乡村)…)
cost the depth of the tree per position, and match exactly what the longest-first alternation
matches: at each position the longest word there, backtracking to shorter ones in that order.
"""

from __future__ import annotations

import re
from typing import Iterable


def literal_alternation(words: Iterable[str]) -> str:
    """A regex source matching any of `words` as the longest-first alternation would ('' for none)."""
    trie: dict = {}
    for w in set(words):
        if not w:
            continue
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _branch(trie) if trie else ""


def _branch(node: dict) -> str:
    """The pattern for what may follow a prefix tree node (its own end, if a word ends there, last).
    Every branch starts with a literal, never a character class: then `re` skips, by their first
    character, the positions where no word starts."""
    longer = [re.escape(ch) + _branch(node[ch]) for ch in sorted(k for k in node if k)]
    if not longer:
        return ""
    ends = "" in node
    body = longer[0] if len(longer) == 1 and not ends else "(?:" + "|".join(longer) + ")"
    return body + "?" if ends else body


def words_regex(words: Iterable[str]) -> "re.Pattern":
    """`literal_alternation` compiled; a list with no word matches nothing."""
    source = literal_alternation(words)
    return re.compile(source if source else r"(?!)")
