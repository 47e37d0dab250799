"""Text inheritance: passages that repeat another federation's (or an earlier document's) wording.

Method (no dependency): each passage is cut into clauses (at 。！？；，; and line breaks); a
clause is normalized (NFKC, no spaces, quotes or punctuation) and kept when it has at least
`min_chars` characters; its character `n`-gram shingles are compared by exact Jaccard
similarity. Candidate pairs come from prefix filtering (shingles ordered rarest first; two sets
with Jaccard ≥ t must share one of their first |s| − ⌈t·|s|⌉ + 1 shingles), so no pair above
the threshold is missed and the rest are never compared.

Each matching clause pair, between documents of different federations or years, becomes one
REPEATS relationship from the repeating passage to the source passage (best clause kept per
passage pair): `score` = Jaccard, `evidence` = the repeating clause as written, `start`/`end` =
its offsets in the repeating document, `doc_id`/`year` = the repeating document's, `rule` =
"shingle-jaccard:KIND" where KIND is

- vertical — a lower federation repeats an ancestor's earlier (or same-year) document;
- upward — an ancestor's later document repeats a lower federation's wording;
- self — the same federation repeats its own earlier document;
- sibling — federations neither above the other carry near-identical wording (the later repeats
  the earlier); `text_inheritance` names their nearest common upstream federation and any
  source passage both repeat.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Sequence

from graph.model import KnowledgeGraph, Relationship, node_from_properties
from queries import backend
from queries.errors import QueryError
from queries.lineage import _year_key
from queries.resolve import resolve_one

RULE = "shingle-jaccard"
KINDS = ("vertical", "upward", "self", "sibling")
DEFAULT_THRESHOLD = 0.6
DEFAULT_MIN_CHARS = 12
DEFAULT_N = 3

_CLAUSE_END = re.compile(r"[。！？；，!?;,\n\r]+")
_DROP = re.compile(r"[\s\W_]+", re.UNICODE)  # punctuation, spaces, quotes (CJK characters are \w)


def norm_clause(text: str) -> str:
    return _DROP.sub("", unicodedata.normalize("NFKC", text))


def clauses(text: str, min_chars: int = DEFAULT_MIN_CHARS) -> list[tuple[int, int, str, str]]:
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


def shingles(norm: str, n: int = DEFAULT_N) -> frozenset[str]:
    if len(norm) <= n:
        return frozenset([norm]) if norm else frozenset()
    return frozenset(norm[i:i + n] for i in range(len(norm) - n + 1))


def jaccard(a: frozenset, b: frozenset) -> float:
    if not a and not b:
        return 0.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


def similar_pairs(sets: Sequence[frozenset], threshold: float,
                  allowed=None) -> list[tuple[int, int, float]]:
    """Every (i, j, jaccard) with i < j and jaccard ≥ threshold, by prefix filtering.

    `allowed(i, j)` may veto a pair before it is scored (e.g. same document)."""
    if not 0 < threshold <= 1:
        raise QueryError(f"threshold must be in (0, 1], got {threshold}")
    freq: dict[str, int] = defaultdict(int)
    for s in sets:
        for g in s:
            freq[g] += 1
    index: dict[str, list[int]] = defaultdict(list)
    found = []
    for i, s in enumerate(sets):
        if not s:
            continue
        ordered = sorted(s, key=lambda g: (freq[g], g))
        prefix = len(s) - math.ceil(threshold * len(s) - 1e-9) + 1
        cands: set[int] = set()
        for g in ordered[:prefix]:
            cands.update(index[g])
            index[g].append(i)
        for j in sorted(cands):
            t = sets[j]
            small, big = sorted((len(s), len(t)))
            if small < threshold * big - 1e-9:
                continue
            if allowed is not None and not allowed(j, i):
                continue
            score = jaccard(s, t)
            if score >= threshold - 1e-12:
                found.append((j, i, score))
    return sorted(found)


@dataclass(frozen=True)
class _Clause:
    passage: str
    doc_id: str
    year: Optional[int]
    issuers: frozenset
    doc_start: int
    doc_end: int
    raw: str
    norm: str


def _ancestor_map(store: Any) -> dict[str, set[str]]:
    parents: dict[str, set[str]] = defaultdict(set)
    for r in backend.run(store, "leads_edges"):
        parents[r["child"]].add(r["parent"])
    memo: dict[str, set[str]] = {}

    def up(f: str, seen: frozenset = frozenset()) -> set[str]:
        if f in memo:
            return memo[f]
        out: set[str] = set()
        for p in parents.get(f, ()):
            if p not in seen:
                out.add(p)
                out |= up(p, seen | {f})
        memo[f] = out
        return out

    for f in list(parents):
        up(f)
    return defaultdict(set, memo)


def _order(a: _Clause, b: _Clause, anc: dict[str, set[str]]) -> Optional[tuple[str, _Clause, _Clause]]:
    """(kind, repeating, source) for a matching clause pair, or None when it says nothing."""
    if a.doc_id == b.doc_id or not a.issuers or not b.issuers:
        return None
    later_first = sorted((a, b), key=lambda c: (_year_key(c.year), c.doc_id), reverse=True)
    if a.issuers & b.issuers:
        return ("self",) + tuple(later_first)
    a_above = any(fa in anc[fb] for fa in a.issuers for fb in b.issuers)
    b_above = any(fb in anc[fa] for fa in a.issuers for fb in b.issuers)
    if a_above and b_above:  # a cycle in the hierarchy: neither is above the other
        a_above = b_above = False
    if a_above or b_above:
        upper, lower = (a, b) if a_above else (b, a)
        if upper.year is not None and lower.year is not None and upper.year > lower.year:
            return ("upward", upper, lower)
        return ("vertical", lower, upper)
    return ("sibling",) + tuple(later_first)


def find_repeats(store: Any, threshold: float = DEFAULT_THRESHOLD, *, min_chars: int = DEFAULT_MIN_CHARS,
                 n: int = DEFAULT_N, kinds: Iterable[str] = KINDS) -> tuple[list[Relationship], dict[str, dict]]:
    """The REPEATS relationships the store's passages support (not written), and the passages' properties."""
    kinds = set(kinds)
    unknown = kinds - set(KINDS)
    if unknown:
        raise QueryError(f"unknown kinds {sorted(unknown)}; known: {', '.join(KINDS)}")
    rows = backend.run(store, "passages")
    props: dict[str, dict] = {}
    items: list[_Clause] = []
    for r in rows:
        p = r["props"]
        props[p["id"]] = p
        base = p.get("start") or 0
        for s, e, raw, norm in clauses(p.get("text") or "", min_chars):
            items.append(_Clause(p["id"], r["doc_id"], r["year"], frozenset(r["issuers"]), base + s, base + e,
                                 raw, norm))
    anc = _ancestor_map(store)
    sets = [shingles(c.norm, n) for c in items]
    best: dict[tuple[str, str], tuple[float, str, _Clause]] = {}
    for i, j, score in similar_pairs(sets, threshold, allowed=lambda i, j: items[i].doc_id != items[j].doc_id):
        ordered = _order(items[i], items[j], anc)
        if ordered is None or ordered[0] not in kinds:
            continue
        kind, rep, src = ordered
        key = (rep.passage, src.passage)
        cur = best.get(key)
        cand = (round(score, 6), kind, rep)
        if cur is None or (cand[0], len(rep.norm), -rep.doc_start) > (cur[0], len(cur[2].norm), -cur[2].doc_start):
            best[key] = cand
    rels = []
    for (rp, sp), (score, kind, rep) in sorted(best.items()):
        rels.append(Relationship(type="REPEATS", start_id=rp, start_label="Passage", end_id=sp, end_label="Passage",
                                 doc_id=rep.doc_id, year=rep.year, evidence=rep.raw, start=rep.doc_start,
                                 end=rep.doc_end, rule=f"{RULE}:{kind}", score=score))
    return rels, props


def link_repeats(store: Any, threshold: float = DEFAULT_THRESHOLD, *, min_chars: int = DEFAULT_MIN_CHARS,
                 n: int = DEFAULT_N, kinds: Iterable[str] = KINDS, replace: bool = True) -> int:
    """Compute REPEATS links over every passage of `store` and write them; returns how many.

    With `replace` (default) earlier REPEATS links are removed first, so a run reflects the
    current passages and threshold. Call it after each build; the store must be writable.
    """
    rels, props = find_repeats(store, threshold, min_chars=min_chars, n=n, kinds=kinds)
    if replace:
        backend.delete_repeats(store)
    if not rels:
        return 0
    kg = KnowledgeGraph()
    for pid in sorted({x for r in rels for x in (r.start_id, r.end_id)}):
        kg.add_node(node_from_properties({**props[pid], "label": "Passage"}))
    for r in rels:
        kg.add_relationship(r)
    store.write(kg)
    return len(rels)


def _best_clause(evidence: str, text: str, n: int = DEFAULT_N) -> Optional[str]:
    """The clause of `text` most like `evidence` (the source side of a REPEATS link)."""
    target = shingles(norm_clause(evidence or ""), n)
    best, best_score = None, -1.0
    for _, _, raw, norm in clauses(text or "", 1):
        score = jaccard(target, shingles(norm, n))
        if score > best_score:
            best, best_score = raw, score
    return best


def _nearest_common(a: Iterable[str], b: Iterable[str], parents_depth: dict[str, dict[str, int]]) -> list[str]:
    best: dict[str, int] = {}
    for fa in a:
        for fb in b:
            da, db = parents_depth.get(fa, {}), parents_depth.get(fb, {})
            for anc in set(da) & set(db):
                d = max(da[anc], db[anc])
                best[anc] = min(best.get(anc, d), d)
    if not best:
        return []
    m = min(best.values())
    return sorted(k for k, v in best.items() if v == m)


def _depths(store: Any) -> dict[str, dict[str, int]]:
    """federation id → {itself and each ancestor: distance}."""
    parents: dict[str, set[str]] = defaultdict(set)
    nodes: set[str] = set()
    for r in backend.run(store, "leads_edges"):
        parents[r["child"]].add(r["parent"])
        nodes |= {r["child"], r["parent"]}
    out: dict[str, dict[str, int]] = {}
    for f in nodes:
        dist = {f: 0}
        frontier = [f]
        while frontier:
            nxt = []
            for x in frontier:
                for p in parents.get(x, ()):
                    if p not in dist:
                        dist[p] = dist[x] + 1
                        nxt.append(p)
            frontier = nxt
        out[f] = dist
    return out


def text_inheritance(store: Any, federation: Optional[str] = None, *, kind: Optional[str] = None,
                     min_score: Optional[float] = None) -> list[dict[str, Any]]:
    """The REPEATS links (see `link_repeats`), strongest first.

    Rows: kind, score, lower_federation, lower_year, lower_document, lower_passage, lower_sentence,
    upper_federation, upper_year, upper_document, upper_passage, upper_sentence, common_upstream
    (siblings: nearest federation above both), shared_source (siblings: a passage both repeat).
    "lower" is the repeating side, "upper" the source. `federation` keeps links touching it.
    """
    if kind is not None and kind not in KINDS:
        raise QueryError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    rows = backend.run(store, "repeats")
    fed_id = resolve_one(store, federation, ("Federation",))["id"] if federation else None
    names = {f["id"]: f["name"] for f in backend.run(store, "federations")}
    depths = _depths(store) if any((r["rule"] or "").endswith(":sibling") for r in rows) else {}
    sources: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        sources[r["lower_passage"]].add(r["upper_passage"])
    out = []
    for r in rows:
        k = (r["rule"] or "").split(":", 1)[1] if ":" in (r["rule"] or "") else (r["rule"] or "")
        if kind is not None and k != kind:
            continue
        if min_score is not None and (r["score"] or 0) < min_score:
            continue
        if fed_id is not None and fed_id not in r["lower_issuers"] and fed_id not in r["upper_issuers"]:
            continue
        common, shared = [], []
        if k == "sibling":
            common = [names.get(c, c) for c in _nearest_common(r["lower_issuers"], r["upper_issuers"], depths)]
            shared = sorted(sources[r["lower_passage"]] & sources[r["upper_passage"]])
        out.append({
            "kind": k, "score": r["score"],
            "lower_federation": "; ".join(sorted(names.get(i, i) for i in r["lower_issuers"])),
            "lower_year": r["lower_year"], "lower_document": r["lower_title"] or r["lower_doc"],
            "lower_passage": r["lower_passage"], "lower_sentence": r["evidence"],
            "upper_federation": "; ".join(sorted(names.get(i, i) for i in r["upper_issuers"])),
            "upper_year": r["upper_year"], "upper_document": r["upper_title"] or r["upper_doc"],
            "upper_passage": r["upper_passage"], "upper_sentence": _best_clause(r["evidence"], r["upper_text"]),
            "common_upstream": common, "shared_source": shared,
        })
    return sorted(out, key=lambda r: (-(r["score"] or 0), KINDS.index(r["kind"]) if r["kind"] in KINDS else 9,
                                      r["lower_passage"], r["upper_passage"]))
