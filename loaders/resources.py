"""Load the rule/lexicon data files under loaders/data/ once (module-level cache)."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path


DATA_DIR = Path(__file__).parent / "data"


def _lines(name: str) -> list[str]:
    path = DATA_DIR / name
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.rstrip("\n")
        if line.strip() and not line.lstrip().startswith("#"):
            out.append(line)
    return out


@dataclass
class Lexicon:
    """canonical → aliases, plus reverse surface → canonical."""

    canonical: dict[str, list[str]] = field(default_factory=dict)
    surface: dict[str, str] = field(default_factory=dict)
    regex: re.Pattern | None = None

    @classmethod
    def from_tsv(cls, name: str) -> "Lexicon":
        lex = cls()
        for line in _lines(name):
            parts = line.split("\t")
            canon = parts[0].strip()
            aliases = [a.strip() for a in parts[1].split("|")] if len(parts) > 1 else []
            aliases = [a for a in aliases if a]
            lex.canonical[canon] = aliases
            lex.surface.setdefault(canon, canon)
            for a in aliases:
                lex.surface.setdefault(a, canon)
        if lex.surface:
            alts = sorted(lex.surface, key=len, reverse=True)
            lex.regex = re.compile("|".join(re.escape(a) for a in alts))
        return lex


@dataclass
class Departments:
    kind: dict[str, str]  # canonical → own|partner
    surface: dict[str, str]  # alias → canonical
    regex: re.Pattern


@dataclass
class Resources:
    patterns: dict
    campaigns: Lexicon
    laws: Lexicon
    slogans: set[str]
    campaign_stop: set[str]
    departments: Departments
    surnames: set[str]


@lru_cache(maxsize=1)
def get_resources() -> Resources:
    patterns = json.loads((DATA_DIR / "patterns.json").read_text(encoding="utf-8"))
    kinds: dict[str, str] = {}
    surface: dict[str, str] = {}
    for line in _lines("departments.tsv"):
        parts = line.split("\t") + ["", ""]
        name, kind, aliases = parts[0].strip(), parts[1].strip() or "partner", parts[2]
        kinds[name] = kind
        surface[name] = name
        for a in aliases.split("|"):
            if a.strip():
                surface.setdefault(a.strip(), name)
    full_names = sorted(kinds, key=len, reverse=True)
    dep_re = re.compile("|".join(re.escape(n) for n in full_names))
    surnames = set()
    for line in _lines("surnames.txt"):
        surnames.update(line.split())
    return Resources(
        patterns=patterns,
        campaigns=Lexicon.from_tsv("campaigns.tsv"),
        laws=Lexicon.from_tsv("laws.tsv"),
        slogans={s.strip() for s in _lines("slogans.txt")},
        campaign_stop={s.strip() for s in _lines("campaign_stop.txt")},
        departments=Departments(kinds, surface, dep_re),
        surnames=surnames,
    )


@lru_cache(maxsize=1)
def get_tokenizer():
    """A private jieba Tokenizer with the domain user dictionary (HMM off at call sites).

    Built on first use, so importing the extractor stays cheap; jieba keeps its own
    dictionary cache on disk between runs.
    """
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    path = DATA_DIR / "jieba_userdict.txt"
    if path.exists():
        tk.load_userdict(str(path))
    res = get_resources()
    for w in res.patterns.get("boundary_words", []):
        if len(w) > 1:
            tk.add_word(w, 20000)
    for lex in (res.campaigns, res.laws):
        for s in lex.surface:
            if len(s) > 1:
                tk.add_word(s, 2000)
    for s in res.departments.surface:
        if len(s) > 1:
            tk.add_word(s, 2000)
    return tk
