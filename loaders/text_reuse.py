"""Text inheritance, a build step: REPEATS links between passages that repeat another federation's
(or an earlier document's) wording. The question over them is queries.text_reuse.

Method (no dependency): each passage is cut into clauses (at 。！？；，; and line breaks); a
clause is normalized (NFKC, no spaces, quotes or punctuation) and kept when it has at least
`min_chars` characters; its character `n`-gram shingles are compared by exact Jaccard
similarity. Candidate pairs come from prefix filtering (shingles ordered rarest first; two sets
with Jaccard ≥ t must share one of their first |s| − ⌈t·|s|⌉ + 1 shingles), so no pair above
the threshold is missed and the rest are never compared.

Each matching clause pair, between documents of different federations or years, becomes one
REPEATS relationship from the repeating passage to the source passage (best clause pair kept per
passage pair): `similarity` = Jaccard, `rarity` (below), `score` = similarity × rarity,
`evidence` = the repeating clause as written, `start`/`end` = its offsets in the repeating
document, `doc_id`/`year` = the repeating document's, `source_evidence`/`source_start`/
`source_end`/`source_doc_id` = the same for the source clause, `rule` = "shingle-jaccard:KIND"
where KIND is

- vertical — a lower federation repeats an ancestor's earlier (or same-year) document;
- upward — an ancestor's later document repeats a lower federation's wording;
- self — the same federation repeats its own earlier document;
- sibling — federations neither above the other carry near-identical wording (the later repeats
  the earlier); `text_inheritance` names their nearest common upstream federation and any
  source passage both repeat.

Rarity (borrowing, not boilerplate), across federations and years: a clause's users are the
(federation, year) cells whose documents hold it or one of its near-copies; its writers, every
cell with a document in any of those years. rarity = log((writers + 1) / users) /
log((writers + 1) / 2), within [0, 1], and 1 for wording of at most two cells: a clause a child
copied from its parent scores its similarity, while 2022年是党的二十大召开之年, in every 2022
plan, scores low (0.42 when three federations write that year, 0.01 when thirty do), and so does
a phrase two federations repeat every year. A link
takes the lower rarity of its two clauses. Links are kept (the evidence stays), ranked by score.

Scaling (standard phrasing such as 坚持以习近平新时代中国特色社会主义思想为指导 is in nearly every plan):

- identical normalized clauses are grouped first; similarity is computed between distinct clauses
  only, then expanded to their occurrences;
- each distinct clause keeps its `max_near` (default 32) most similar near-copies: a template
  written with every county's name (…县妇联开展“美丽庭院”创建) makes a cluster of near-identical
  clauses as large as the province, whose pairs grow with its square (846,045 pairs at 10,000
  generated documents, 47× the 1,000-document count, and over 20 GB at 100,000); wording with
  that many near-copies is common phrasing anyway (below), linked to its nearest ancestor's copy;
  finding those 32 still means scoring the whole cluster, so a clause with many candidates is
  scored against all of them at once in numpy (same scores, same kept pairs as one at a time);
- a clause found in more than `max_df` documents (default 8), counting the documents of its
  near-copies, is common phrasing: each occurrence gets one link only, vertical to the nearest
  ancestor federation that used it at or before that year (best score, then latest year), or,
  when no ancestor used it earlier, upward from the nearest ancestor's earliest later use; no
  self or sibling links. This is done through an index (federation → clause → occurrences), so
  the work per occurrence depends on the hierarchy's depth, not on how often the wording occurs.
  The limit is an absolute count, not a share of the corpus, so the all-pairs part stays bounded
  (at most max_df² per clause) however large the corpus; sibling/self links among more than a
  handful of federations say "standard wording", not "copied from each other";
- rarer wording keeps every kind, between all its occurrences;
- one link per (repeating, source) passage pair, and at most `max_links` (default 5) per
  repeating passage: highest score (rarer wording first), then vertical, upward, self, sibling,
  then source passage id; rarity costs one union of federation sets per clause that can link.
  So a build writes at most max_links × passages REPEATS links.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Sequence

from graph import collector
from graph.clauses import MIN_CHARS, SHINGLE_N, clauses, shingles
from graph.errors import FulianError
from graph.model import Relationship
from graph.order import year_key
from graph.schema import REPEATS_KINDS as KINDS, REPEATS_RULE as RULE
from graph.store import GraphStore
from graph.walk import ancestor_distances

DEFAULT_THRESHOLD = 0.6
DEFAULT_MIN_CHARS = MIN_CHARS
DEFAULT_N = SHINGLE_N
DEFAULT_MAX_DF = 8
DEFAULT_MAX_LINKS = 5
DEFAULT_MAX_NEAR = 32


class ReuseError(FulianError, ValueError):
    """Bad options for text-reuse linking; the message names the option and its range."""


def similar_pairs(sets: Sequence[frozenset], threshold: float,
                  allowed=None, max_near: Optional[int] = None) -> list[tuple[int, int, float]]:
    """Every (i, j, jaccard) with i < j and jaccard ≥ threshold, by prefix filtering.

    Sets are taken smallest first; each is probed with its first |s| − ⌈t·|s|⌉ + 1 shingles
    (rarest first) against the sets before it, which were indexed by their first
    |r| − ⌈2t/(1+t)·|r|⌉ + 1 (a smaller r needs that much overlap with any s at least as large),
    and sets smaller than t·|s| are dropped from the front of each index list for good.
    `allowed(i, j)` may veto a pair before it is scored (e.g. same document). With `max_near`, a pair
    is kept only when it is among the `max_near` most similar of one of its sets (higher Jaccard, then
    the lower index), so a cluster of k near-identical sets gives at most k × max_near pairs, not k²/2."""
    if not 0 < threshold <= 1:
        raise ReuseError(f"threshold must be in (0, 1], got {threshold}")
    if max_near is not None and max_near < 1:
        raise ReuseError(f"max_near must be at least 1, got {max_near}")
    near: Optional[dict[int, list]] = {} if max_near is not None else None
    freq: dict = defaultdict(int)
    for s in sets:
        for g in s:
            freq[g] += 1
    index: dict = defaultdict(list)
    head: dict = defaultdict(int)  # per shingle: entries before this one are too small from now on
    size = [len(s) for s in sets]
    found = []
    index_share = 2 * threshold / (1 + threshold)
    bulk = _Overlaps(sets, freq, near, max_near) if allowed is None else None
    for i in sorted((k for k in range(len(sets)) if size[k]), key=lambda k: (size[k], k)):
        s = sets[i]
        n = size[i]
        ordered = sorted(s, key=lambda g: (freq[g], g))
        probe = n - math.ceil(threshold * n - 1e-9) + 1
        min_size = threshold * n - 1e-9
        cands: set[int] = set()
        for g in ordered[:probe]:
            lst = index.get(g)
            if not lst:
                continue
            h = head[g]
            while h < len(lst) and size[lst[h]] < min_size:
                h += 1
            head[g] = h
            cands.update(lst[h:] if h else lst)
        if bulk is not None and len(cands) >= _BULK_CANDIDATES:
            bulk.score(i, s, cands, threshold, found)
        else:
            for j in cands:
                if allowed is not None and not (allowed(j, i) if j < i else allowed(i, j)):
                    continue
                t = sets[j]
                inter = len(s & t)
                score = inter / (n + size[j] - inter)
                if score < threshold - 1e-12:
                    continue
                if near is None:
                    found.append((j, i, score) if j < i else (i, j, score))
                else:
                    _keep_near(near, i, j, score, max_near)
                    _keep_near(near, j, i, score, max_near)
                    if bulk is not None:
                        bulk.seen(j)
            if bulk is not None and near is not None:
                bulk.seen(i)
        for g in ordered[:n - math.ceil(index_share * n - 1e-9) + 1]:
            index[g].append(i)
    if near is not None:
        found = list({(min(i, j), max(i, j), score) for i, heap in near.items() for score, j in
                      ((sc, -neg) for sc, neg in heap)})
    return sorted(found)


_BULK_CANDIDATES = 48  # from this many candidates on, a set's overlaps are counted in numpy


class _Overlaps:
    """Scores one set against many candidates at once (numpy), for the clusters of near-identical
    clauses a template makes, where every set meets hundreds of others: the same scores as
    `len(s & t) / (|s| + |t| - len(s & t))` in the loop, and the same heaps (the loop's `_keep_near`,
    offered only the candidates that beat a heap's worst entry, which is kept in an array)."""

    def __init__(self, sets: Sequence[frozenset], freq: dict, near: Optional[dict[int, list]],
                 max_near: Optional[int]):
        import numpy as np

        self.np = np
        ids = {g: k for k, g in enumerate(freq)}
        self.size = np.fromiter((len(s) for s in sets), dtype=np.int64, count=len(sets))
        self.start = np.zeros(len(sets), dtype=np.int64)
        np.cumsum(self.size[:-1], out=self.start[1:])
        self.flat = np.fromiter((ids[g] for s in sets for g in s), dtype=np.int64,
                                count=int(self.size.sum()))
        self.flat = np.append(self.flat, len(ids))  # the last slot: padding, never marked
        self.pad = len(self.flat) - 1
        self.mark = np.zeros(len(ids) + 1, dtype=bool)
        self.ids = ids
        self.near = near
        self.k = max_near
        # per set: its heap's worst (score, index) once the heap is full; (-1, 0) before
        self.worst = np.full(len(sets), -1.0)
        self.worst_j = np.zeros(len(sets), dtype=np.int64)

    def seen(self, i: int) -> None:
        """Note set i's heap after the loop changed it."""
        heap = self.near.get(i) if self.near is not None else None
        if heap is not None and len(heap) >= self.k:
            self.worst[i], self.worst_j[i] = heap[0][0], -heap[0][1]

    def score(self, i: int, s: frozenset, cands: set, threshold: float, found: list) -> None:
        np = self.np
        n = len(s)
        j = np.fromiter(cands, dtype=np.int64, count=len(cands))
        j.sort()
        cols = np.arange(n)
        where = self.start[j][:, None] + cols
        where = np.where(cols < self.size[j][:, None], where, self.pad)  # candidates are no larger than s
        members = np.fromiter((self.ids[g] for g in s), dtype=np.int64, count=n)
        self.mark[members] = True
        inter = self.mark[self.flat[where]].sum(axis=1)
        self.mark[members] = False
        scores = inter / (n + self.size[j] - inter)
        keep = scores >= threshold - 1e-12
        j, scores = j[keep], scores[keep]
        if self.near is None:
            found.extend((a, i, sc) if a < i else (i, a, sc) for a, sc in zip(j.tolist(), scores.tolist()))
            return
        k = self.k
        # set i's own heap: its k best candidates (score, then the lower index), then what it held
        if len(j) > k:
            top = np.lexsort((j, -scores))[:k]
            mine_j, mine_s = j[top], scores[top]
        else:
            mine_j, mine_s = j, scores
        for a, sc in zip(mine_j.tolist(), mine_s.tolist()):
            _keep_near(self.near, i, a, sc, k)
        self.seen(i)
        # the candidates' heaps: only where (score, -i) beats the worst entry of a full heap
        w, wj = self.worst[j], self.worst_j[j]
        beats = (scores > w) | ((scores == w) & (i < wj))
        for a, sc in zip(j[beats].tolist(), scores[beats].tolist()):
            _keep_near(self.near, a, i, sc, k)
            self.seen(a)


def _keep_near(near: dict[int, list], i: int, j: int, score: float, k: int) -> None:
    """Offer j as a near-copy of i; i keeps its k best (a min-heap of (score, -j): the worst on top)."""
    heap = near.get(i)
    if heap is None:
        near[i] = [(score, -j)]
    elif len(heap) < k:
        heapq.heappush(heap, (score, -j))
    elif (score, -j) > heap[0]:
        heapq.heapreplace(heap, (score, -j))


@dataclass(frozen=True, slots=True)
class _Clause:
    """One clause occurrence; its text is the passage's [doc_start, doc_end) (see `_evidence`)."""

    passage: str
    doc_id: str
    year: Optional[int]
    issuers: frozenset
    doc_start: int
    doc_end: int
    n_norm: int  # length of the normalized clause


def _hierarchy(store: GraphStore) -> dict[str, dict[str, int]]:
    """federation id → {each ancestor: distance}, from the Federation → Federation LEADS links."""
    parents: dict[str, set[str]] = defaultdict(set)
    for r in store.relationships("LEADS"):
        if r.get("start_label") == "Federation" and r.get("end_label") == "Federation":
            parents[r["end_id"]].add(r["start_id"])
    out = ancestor_distances(parents, list(parents))
    for f, dist in out.items():
        del dist[f]
    return out


def _passage_rows(store: GraphStore) -> list[dict[str, Any]]:
    """Each passage's properties with its document's id, year and issuers (through the store protocol)."""
    years = {d["id"]: d.get("year") for d in store.nodes("Document")}
    issuers: dict[str, list[str]] = defaultdict(list)
    for r in store.relationships("ISSUED_BY"):
        if r.get("end_label") == "Federation":
            issuers[r["start_id"]].append(r["end_id"])
    rows = []
    for p in store.nodes("Passage"):
        doc = p.get("doc_id")
        if doc in years:
            props = {k: v for k, v in p.items() if k != "label"}
            rows.append({"props": props, "doc_id": doc, "year": years[doc], "issuers": issuers.get(doc, [])})
    return rows


def _order(a: _Clause, b: _Clause, anc: dict[str, set[str]]) -> Optional[tuple[str, _Clause, _Clause]]:
    """(kind, repeating, source) for a matching clause pair, or None when it says nothing."""
    if a.doc_id == b.doc_id or not a.issuers or not b.issuers:
        return None
    later_first = sorted((a, b), key=lambda c: (year_key(c.year), c.doc_id), reverse=True)
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


def rarity(users: int, active: int) -> float:
    """How rare shared wording is: 1 when at most two (federation, year) cells use it, falling
    (logarithmically) to 0 as it approaches every cell with a document in those years (`active`)."""
    if users <= 2 or active < 3:
        return 1.0
    w = math.log((active + 1) / users) / math.log((active + 1) / 2)
    return round(min(1.0, max(0.0, w)), 6)


def _rarities(groups: list[list[_Clause]], neighbours: dict[int, list[tuple[int, float]]],
              active: dict[Optional[int], set[str]]) -> list[float]:
    """The rarity of each clause: the (federation, year) cells holding it or a near-copy, against
    the cells with a document in those years. Only clauses that can link are weighed (the others: 1)."""
    out = [1.0] * len(groups)
    cells: dict[int, frozenset] = {}
    per_year = {y: len(feds) for y, feds in active.items()}

    def of(u: int) -> frozenset:
        if u not in cells:
            cells[u] = frozenset((f, c.year) for c in groups[u] for f in c.issuers)
        return cells[u]

    for u, g in enumerate(groups):
        near = neighbours.get(u, ())
        if len(g) < 2 and not near:
            continue
        users = set(of(u))
        for v, _ in near:
            users |= of(v)
        out[u] = rarity(len(users), sum(per_year.get(y, 0) for y in {y for _, y in users}))
    return out


def _link_key(rep: _Clause, score: float) -> tuple:
    """Which clause pair speaks for a (repeating, source) passage pair: best score, then longest, then first."""
    return (score, rep.n_norm, -rep.doc_start)


def find_repeats(store: GraphStore, threshold: float = DEFAULT_THRESHOLD, *, min_chars: int = DEFAULT_MIN_CHARS,
                 n: int = DEFAULT_N, kinds: Iterable[str] = KINDS, max_df: Optional[int] = DEFAULT_MAX_DF,
                 max_links: Optional[int] = DEFAULT_MAX_LINKS, weigh: bool = True,
                 max_near: Optional[int] = DEFAULT_MAX_NEAR) -> tuple[list[Relationship], dict[str, dict]]:
    """The REPEATS relationships the store's passages support (not written), and the passages' properties.

    `max_df`: wording found in more than this many documents (counting near-copies) is common
    phrasing and only gets nearest-ancestor vertical/upward links (None: no limit).
    `max_links`: at most this many links from one repeating passage, strongest first (None: no cap).
    `weigh`: score = similarity × rarity (default); False: similarity alone (the method before rarity).
    `max_near`: each distinct clause keeps its this many most similar near-copies (None: all of them).
    """
    links, props = _repeat_links(store, threshold, min_chars=min_chars, n=n, kinds=kinds, max_df=max_df,
                                 max_links=max_links, weigh=weigh, max_near=max_near)
    return [_relationship(*link, props) for link in links], props


_RULES = {k: f"{RULE}:{k}" for k in KINDS}


def _evidence(rep: "_Clause", props: dict[str, dict]) -> str:
    p = props[rep.passage]
    base = p.get("start") or 0
    return (p.get("text") or "")[rep.doc_start - base:rep.doc_end - base]


def _relationship(rp: str, sp: str, kind: str, score: float, rep: "_Clause", src: "_Clause", similarity: float,
                  rare: float, props: dict[str, dict]) -> Relationship:
    return Relationship(type="REPEATS", start_id=rp, start_label="Passage", end_id=sp,
                        end_label="Passage", doc_id=rep.doc_id, year=rep.year, evidence=_evidence(rep, props),
                        start=rep.doc_start, end=rep.doc_end, rule=_RULES[kind], score=score,
                        similarity=similarity, rarity=rare, source_doc_id=src.doc_id,
                        source_evidence=_evidence(src, props), source_start=src.doc_start, source_end=src.doc_end)


def _repeat_links(store: GraphStore, threshold: float, *, min_chars: int, n: int, kinds: Iterable[str],
                  max_df: Optional[int], max_links: Optional[int], weigh: bool = True,
                  max_near: Optional[int] = DEFAULT_MAX_NEAR) -> tuple[list[tuple], dict[str, dict]]:
    """(repeating passage, source passage, kind, score, repeating clause, source clause, similarity,
    rarity) of each link, in relationship order, and the properties of every passage."""
    kinds = set(kinds)
    unknown = kinds - set(KINDS)
    if unknown:
        raise ReuseError(f"unknown kinds {sorted(unknown)}; known: {', '.join(KINDS)}")
    if max_df is not None and max_df < 1:
        raise ReuseError(f"max_df must be at least 1, got {max_df}")
    if max_links is not None and max_links < 1:
        raise ReuseError(f"max_links must be at least 1, got {max_links}")
    rows = _passage_rows(store)  # as stored: the order is fixed below, lists are not read
    props: dict[str, dict] = {}
    by_norm: dict[str, list[_Clause]] = defaultdict(list)
    issuer_sets: dict[frozenset, frozenset] = {}
    active: dict[Optional[int], set[str]] = defaultdict(set)  # year -> the federations writing then
    for r in rows:
        p = r["props"]
        props[p["id"]] = p
        base = p.get("start") or 0
        issuers = frozenset(r["issuers"])
        if not issuers:  # no issuer, no direction: such a clause never links
            continue
        issuers = issuer_sets.setdefault(issuers, issuers)
        active[r["year"]] |= issuers
        for s, e, _raw, norm in clauses(p.get("text") or "", min_chars):
            by_norm[norm].append(_Clause(p["id"], r["doc_id"], r["year"], issuers, base + s, base + e, len(norm)))
    del rows, issuer_sets
    # 1. one entry per distinct normalized clause, in a fixed order (the store's row order never matters)
    norms = sorted(by_norm)
    groups = [sorted(by_norm[u], key=lambda c: (c.doc_id, c.passage, c.doc_start)) for u in norms]
    del by_norm
    pairs = similar_pairs(_shingle_ids([shingles(u, n) for u in norms]), threshold, max_near=max_near)
    neighbours: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for i, j, score in pairs:
        neighbours[i].append((j, score))
        neighbours[j].append((i, score))
    # 2. common phrasing: in more than max_df documents, itself or with its near-copies
    docs = [{c.doc_id for c in g} for g in groups]
    common = [False] * len(norms)
    if max_df is not None:
        for u in range(len(norms)):
            seen = set(docs[u])
            if len(seen) <= max_df:
                for v, _ in neighbours.get(u, ()):
                    seen |= docs[v]
                    if len(seen) > max_df:
                        break
            common[u] = len(seen) > max_df
    del docs
    weight = _rarities(groups, neighbours, active) if weigh else [1.0] * len(groups)
    del active
    dist = _hierarchy(store)
    anc: dict[str, set[str]] = defaultdict(set, {f: set(d) for f, d in dist.items()})
    best: dict[tuple[str, str], tuple] = {}

    def offer(kind: str, rep: _Clause, src: _Clause, similarity: float, rare: float) -> None:
        key = (rep.passage, src.passage)
        similarity = round(similarity, 6)
        score = round(similarity * rare, 6)
        rank = _link_key(rep, score)
        cur = best.get(key)
        if cur is None or rank > cur[0]:
            best[key] = (rank, score, kind, rep, src, similarity, rare)

    def offer_pair(a: _Clause, b: _Clause, similarity: float, rare: float) -> None:
        ordered = _order(a, b, anc)
        if ordered is not None and ordered[0] in kinds:
            offer(ordered[0], ordered[1], ordered[2], similarity, rare)

    # 3. rare wording (both sides in at most max_df documents): every pair of its occurrences, all kinds
    for u, g in enumerate(groups):
        if not common[u]:
            for x in range(len(g)):
                for y in range(x + 1, len(g)):
                    offer_pair(g[x], g[y], 1.0, weight[u])
    for i, j, score in pairs:
        if not common[i] and not common[j]:
            rare = min(weight[i], weight[j])
            for a in groups[i]:
                for b in groups[j]:
                    offer_pair(a, b, score, rare)
    del pairs
    # 4. common wording: each occurrence links once, to its nearest ancestor federation using it
    if any(common) and kinds & {"vertical", "upward"}:
        _link_common(groups, common, neighbours, weight, anc, dist, kinds, offer)
    del groups, neighbours
    # 5. one link per (repeating, source) passage pair, at most max_links per repeating passage
    per_rep: dict[str, list[tuple]] = defaultdict(list)
    for (rp, sp), (_, score, kind, *clauses_and_parts) in best.items():
        per_rep[rp].append((-score, KINDS.index(kind), sp, kind, clauses_and_parts))
    del best
    links = []
    for rp in sorted(per_rep):
        mine = sorted(per_rep[rp], key=lambda t: t[:3])
        if max_links is not None:
            mine = mine[:max_links]
        for neg, _, sp, kind, rest in sorted(mine, key=lambda t: t[2]):
            links.append((rp, sp, kind, -neg, *rest))
    return links, props


def _shingle_ids(sets: list[frozenset]) -> list[frozenset]:
    """The same sets over shared small ids, numbered in shingle order (so every ordering by
    shingle stays the same): one object per distinct shingle instead of one per occurrence."""
    ids = {g: i for i, g in enumerate(sorted({g for s in sets for g in s}))}
    return [frozenset(ids[g] for g in s) for s in sets]


def _link_common(groups: list[list[_Clause]], common: list[bool], neighbours: dict[int, list[tuple[int, float]]],
                 weight: list[float], anc: dict[str, set[str]], dist: dict[str, dict[str, int]], kinds: set[str],
                 offer) -> None:
    """Links for common phrasing, through an index (federation → clause → occurrences), never all pairs.

    An occurrence `a` of clause u looks at the clauses it may match here (u itself when common, and
    each near-copy v when u or v is common), federation by federation up its ancestry, nearest
    first: the nearest ancestor with an occurrence at or before a's year gives the one vertical
    link (best score, then the latest year); when no ancestor used it earlier, the nearest
    ancestor's earliest later occurrence gives an upward link. Work per occurrence is bounded by
    the depth of the hierarchy and the number of near-copies, not by how often the wording occurs.
    """
    at: dict[str, dict[int, list[_Clause]]] = defaultdict(lambda: defaultdict(list))
    for u, g in enumerate(groups):
        if common[u] or any(common[v] for v, _ in neighbours.get(u, ())):
            for c in g:
                for f in c.issuers:
                    at[f][u].append(c)
    for here in at.values():  # latest year first, then a fixed order
        for occ in here.values():
            occ.sort(key=lambda c: (_neg_year(c.year), c.doc_id, c.passage, c.doc_start))
    ladders: dict[frozenset, list[list[str]]] = {}
    above: dict[tuple[frozenset, frozenset], bool] = {}

    def ladder(issuers: frozenset) -> list[list[str]]:
        """The ancestors of a set of issuers, grouped by distance, nearest first."""
        if issuers not in ladders:
            d: dict[str, int] = {}
            for f in issuers:
                for a, k in dist.get(f, {}).items():
                    d[a] = min(d.get(a, k), k)
            steps: dict[int, list[str]] = defaultdict(list)
            for a, k in d.items():
                if a not in issuers:
                    steps[k].append(a)
            ladders[issuers] = [sorted(steps[k]) for k in sorted(steps)]
        return ladders[issuers]

    def is_above(b: frozenset, a: frozenset) -> bool:
        """Whether issuers `b` are above issuers `a`, exactly as `_order` decides it."""
        key = (b, a)
        if key not in above:
            b_above = any(fb in anc[fa] for fa in a for fb in b)
            a_above = any(fa in anc[fb] for fa in a for fb in b)
            above[key] = not (a & b) and b_above and not a_above
        return above[key]

    def later(b: _Clause, a: _Clause) -> bool:
        return b.year is not None and a.year is not None and b.year > a.year

    def source(a: _Clause, targets: dict[int, float]) -> Optional[tuple[str, _Clause, int]]:
        """(kind, the other occurrence, its clause) of the one link of occurrence `a` of clause `u`."""
        steps = ladder(a.issuers)
        if "vertical" in kinds:
            for feds in steps:  # the nearest ancestor using it at or before a's year; best score, latest year
                found = None
                for score, v, occ in _occurrences(at, feds, targets):
                    for b in occ:  # latest first: the first fit is this clause's best
                        if not later(b, a) and is_above(b.issuers, a.issuers):
                            rank = (-score, _neg_year(b.year), b.doc_id, b.passage, b.doc_start)
                            if found is None or rank < found[0]:
                                found = (rank, b, v)
                            break
                if found is not None:
                    return "vertical", found[1], found[2]
        if "upward" in kinds:
            for feds in steps:  # else the nearest ancestor's earliest later use repeats a
                found = None
                for score, v, occ in _occurrences(at, feds, targets):
                    for b in occ:
                        if later(b, a) and is_above(b.issuers, a.issuers):
                            rank = (-score, year_key(b.year), b.doc_id, b.passage, b.doc_start)
                            if found is None or rank < found[0]:
                                found = (rank, b, v)
                if found is not None:
                    return "upward", found[1], found[2]
        return None

    for u, g in enumerate(groups):
        similarity = {v: s for v, s in neighbours.get(u, ()) if common[u] or common[v]}
        if common[u]:
            similarity[u] = 1.0
        if not similarity:
            continue
        rare = {v: min(weight[u], weight[v]) for v in similarity}
        targets = {v: s * rare[v] for v, s in similarity.items()}  # ranked by the weighted score
        memo: dict[tuple, Optional[tuple[str, _Clause, int]]] = {}
        for a in g:
            # the answer depends only on who issued a and when (an ancestor's occurrence is never in a's document)
            key = (a.issuers, a.year)
            if key not in memo:
                memo[key] = source(a, targets)
            hit = memo[key]
            if hit is None:
                continue
            kind, b, v = hit
            if kind == "vertical":
                offer(kind, a, b, similarity[v], rare[v])
            else:
                offer(kind, b, a, similarity[v], rare[v])


def _occurrences(at: dict[str, dict[int, list[_Clause]]], feds: list[str], targets: dict[int, float]):
    """(score, clause, occurrences) of each target clause used by one of `feds`."""
    for f in feds:
        here = at.get(f)
        if not here:
            continue
        if len(targets) <= len(here):
            for v, score in targets.items():
                occ = here.get(v)
                if occ:
                    yield score, v, occ
        else:
            for v, occ in here.items():
                if v in targets:
                    yield targets[v], v, occ


def _neg_year(year: Optional[int]) -> tuple:
    """Sort key putting the latest year first (unknown years last)."""
    return (0, -year) if year is not None else (1, 0)


@collector.paused()  # rows and links: no cycles to collect
def link_repeats(store: GraphStore, threshold: float = DEFAULT_THRESHOLD, *, min_chars: int = DEFAULT_MIN_CHARS,
                 n: int = DEFAULT_N, kinds: Iterable[str] = KINDS, replace: bool = True,
                 max_df: Optional[int] = DEFAULT_MAX_DF, max_links: Optional[int] = DEFAULT_MAX_LINKS,
                 weigh: bool = True, max_near: Optional[int] = DEFAULT_MAX_NEAR) -> int:
    """Compute REPEATS links over every passage of `store` and write them; returns how many.

    With `replace` (default) earlier REPEATS links are removed first, so a run reflects the
    current passages and threshold. Call it after each build; the store must be writable.
    `max_df`, `max_links`, `weigh` and `max_near`: see `find_repeats`.
    """
    links, props = _repeat_links(store, threshold, min_chars=min_chars, n=n, kinds=kinds, max_df=max_df,
                                 max_links=max_links, weigh=weigh, max_near=max_near)
    if replace:
        store.delete_relationships("REPEATS")
    # between passages the store holds, in slices: the records of one slice at a time, not of every link
    for a in range(0, len(links), _WRITE_SLICE):
        store.write_links([_relationship(*link, props) for link in links[a:a + _WRITE_SLICE]])
    return len(links)


_WRITE_SLICE = 20_000
