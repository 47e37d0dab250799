"""Variant families: `(variant:Campaign)-[:VARIANT_OF {rule, evidence}]->(root:Campaign)`, derived at build time.

A campaign is a variant of another (its root) when its name is the root's name with a qualifier:

- `V-prefix`: the name begins with the root's name (美家美妇她行动 = 美家美妇 + 她行动);
- `V-segment`: the name has segments (cut at `variant_separators`: space, ·, 、, —, …) and a later
  segment begins with the root's name (爱国爱党爱家乡 美家美妇写家书 = 爱国爱党爱家乡 + 美家美妇 + 写家书).

Names are compared in their compact form (NFKC, no quote marks, no separators), so 巾帼心向党·喜迎二十大
and 巾帼心向党 喜迎二十大 are one name and neither is the other's variant. Roots shorter than
`variant_min_root_chars` are never used: two-character words (巾帼, 两癌) sit inside many unrelated
names by accident (巾帼好声音, 贫困两癌妇女救助). A root found only inside a segment, or at its end,
is not a family either (女童权益保护百场宣讲 is not 百场宣讲 with a qualifier).

Each variant links to its nearest root only: the longest name it qualifies (巾帼建功先进集体和个人 →
巾帼建功先进集体 → 巾帼建功), so a family is a tree; every step goes to a strictly shorter name.
The links depend on the campaign names alone and are recomputed over every campaign after each
build or removal, so an incremental build ends with the links a fresh build gives.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterable, Optional

from graph.model import KnowledgeGraph, Relationship, node_from_properties
from loaders.registry import derived_rule
from loaders.resources import get_resources

REL_TYPE = "VARIANT_OF"
PREFIX_RULE = "V-prefix"
SEGMENT_RULE = "V-segment"
_NEEDS = ("variant_min_root_chars", "variant_separators")

derived_rule(PREFIX_RULE, produces=(REL_TYPE,), needs=_NEEDS,
              doc="After the build: a campaign whose name begins with another campaign's name "
                  "(at least variant_min_root_chars long) is its variant: 美家美妇她行动 → 美家美妇; "
                  "the longest such name is the root.")
derived_rule(SEGMENT_RULE, produces=(REL_TYPE,), needs=_NEEDS,
              doc="After the build: a later segment of a campaign's name (cut at variant_separators) "
                  "begins with another campaign's name: 爱国爱党爱家乡 美家美妇写家书 → 美家美妇.")

_QUOTES = re.compile(r"[\"'“”‘’「」『』《》〈〉]+")


class Namer:
    """Segments and compact forms of campaign names, by the separators of patterns.json."""

    def __init__(self, separators: Iterable[str], min_root_chars: int):
        parts = sorted({unicodedata.normalize("NFKC", s) for s in separators if s}, key=len, reverse=True)
        self.split_re = re.compile(r"\s+" + "".join(f"|{re.escape(p)}" for p in parts if p.strip()))
        self.min_root_chars = min_root_chars

    def segments(self, name: str) -> list[str]:
        text = _QUOTES.sub("", unicodedata.normalize("NFKC", name or ""))
        return [s for s in self.split_re.split(text) if s]

    def compact(self, name: str) -> str:
        return "".join(self.segments(name))


def default_namer() -> Namer:
    p = get_resources().patterns
    return Namer(p["variant_separators"], p["variant_min_root_chars"])


def find_variants(campaigns: Iterable[dict[str, Any]], namer: Optional[Namer] = None) -> list[Relationship]:
    """The VARIANT_OF relationships among `campaigns` (rows with id and name), in id order."""
    namer = namer or default_namer()
    rows = sorted((c for c in campaigns if c.get("id") and c.get("name")), key=lambda c: c["id"])
    roots: dict[str, list[dict]] = {}  # compact name -> campaigns of that name (several: 巾帼心向党·… / 巾帼心向党 …)
    for c in rows:
        form = namer.compact(c["name"])
        if len(form) >= namer.min_root_chars:
            roots.setdefault(form, []).append(c)
    out = []
    for c in rows:
        found = _nearest_root(namer.segments(c["name"]), roots, namer.min_root_chars)
        if found is None:
            continue
        rule, before, root_form, after = found
        root = roots[root_form][0]
        evidence = " + ".join(x for x in (before, root["name"], after) if x)
        out.append(Relationship(type=REL_TYPE, start_id=c["id"], start_label="Campaign", end_id=root["id"],
                                end_label="Campaign", rule=rule, evidence=f"{c['name']} = {evidence}"))
    return out


def _nearest_root(segments: list[str], roots: dict[str, list[dict]],
                  shortest: int) -> Optional[tuple[str, str, str, str]]:
    """(rule, text before the root, the root's compact name, qualifier after it) of the longest root
    the name qualifies; a prefix of the whole name wins a tie with a later segment."""
    whole = "".join(segments)
    best: Optional[tuple[str, str, str, str]] = None
    starts = [(PREFIX_RULE, 0)]
    at = 0
    for seg in segments[:-1]:
        at += len(seg)
        starts.append((SEGMENT_RULE, at))
    for rule, start in starts:
        text = whole[start:]
        for n in range(len(whole) - start - (1 if start == 0 else 0), shortest - 1, -1):
            if text[:n] in roots:
                if best is None or n > len(best[2]):
                    best = (rule, whole[:start], text[:n], text[n:])
                break
    return best


def link_variants(store: Any, namer: Optional[Namer] = None) -> int:
    """Make the store's VARIANT_OF links those its campaigns give now; returns how many there are.

    Writes only when they differ from the stored ones (all are then replaced), so a build that
    changed no campaign leaves the store untouched. The store must be writable.
    """
    campaigns = store.nodes("Campaign")
    wanted = find_variants(campaigns, namer)
    have = {(r["id"], r.get("rule"), r.get("evidence")) for r in store.relationships(REL_TYPE)}
    if have == {(r.id, r.rule, r.evidence) for r in wanted}:
        return len(wanted)
    store.delete_relationships(REL_TYPE)
    if wanted:
        by_id = {c["id"]: c for c in campaigns}
        kg = KnowledgeGraph()
        for cid in sorted({x for r in wanted for x in (r.start_id, r.end_id)}):
            kg.add_node(node_from_properties({k: v for k, v in by_id[cid].items() if k != "aliases_text"}))
        for r in wanted:
            kg.add_relationship(r)
        store.write(kg)
    return len(wanted)
