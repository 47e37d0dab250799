"""The statements of `queries.cypher`, one function each, over the embedded networkx graph.

Each function takes the store's MultiDiGraph and the same parameters as its Cypher twin and
returns the same rows (same keys, same values; list order does not matter — `queries.run`
sorts every list and every result). Missing properties read as None, as in Cypher.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Optional

import networkx as nx

from graph.cypher import NAME_INDEXED, PLAIN_FORM
from graph.order import NO_YEAR, adopter_key, adoption_key, known_year, level_key
from graph.schema import ENTITY_LABELS, TARGET_LABELS
from graph.walk import distances
from queries.cypher import DRAWN_NODE, DRAWN_RELATIONSHIP

MAX_DEPTH = 12  # the `*1..12` of the Cypher paths


def _label(g: nx.MultiDiGraph, n: str) -> Optional[str]:
    return g.nodes[n].get("label")


def _out(g: nx.MultiDiGraph, n: str, rel_type: str, label: Optional[str] = None) -> Iterable[tuple[str, dict]]:
    for _, v, d in g.out_edges(n, data=True):
        if d.get("type") == rel_type and (label is None or _label(g, v) == label):
            yield v, d


def _in(g: nx.MultiDiGraph, n: str, rel_type: str, label: Optional[str] = None) -> Iterable[tuple[str, dict]]:
    for u, _, d in g.in_edges(n, data=True):
        if d.get("type") == rel_type and (label is None or _label(g, u) == label):
            yield u, d


def _is(g: nx.MultiDiGraph, n: Optional[str], label: str) -> bool:
    return n is not None and n in g and _label(g, n) == label


def entity_names(g: nx.MultiDiGraph, labels: list[str]) -> list[dict[str, Any]]:
    return [{"id": n, "label": d.get("label"), "name": d.get("name"), "aliases": list(d.get("aliases") or [])}
            for n, d in g.nodes(data=True) if d.get("label") in labels]


# Java's `=~` matches the whole string, like re.fullmatch.
_PLAIN_NAME = re.compile(PLAIN_FORM)


def entity_candidates(g: nx.MultiDiGraph, labels: list[str], normalized: str) -> list[dict[str, Any]]:
    wanted = [x for x in labels if x in ENTITY_LABELS]
    rows = []
    for n, d in g.nodes(data=True):
        if d.get("label") not in wanted:
            continue
        forms = [f for f in [d.get("name"), *(d.get("aliases") or [])] if isinstance(f, str)]
        if any(normalized in f or not _PLAIN_NAME.fullmatch(f) for f in forms):
            rows.append({"id": n, "label": d.get("label"), "name": d.get("name"),
                         "aliases": list(d.get("aliases") or [])})
    return rows


def entity_indexed(g: nx.MultiDiGraph, labels: list[str], normalized: str) -> list[dict[str, Any]]:
    return entity_candidates(g, [x for x in labels if x in NAME_INDEXED], normalized)


def _issuer_names(g: nx.MultiDiGraph, doc: Optional[str], key: str = "name") -> list[Any]:
    if doc is None:
        return []
    return [g.nodes[f].get(key) if key != "id" else f for f, _ in _out(g, doc, "ISSUED_BY", "Federation")]


def adoptions(g: nx.MultiDiGraph, labels: list[str], ids: Optional[list[str]] = None) -> list[dict[str, Any]]:
    wanted = None if ids is None else set(ids)
    rows = []
    for f, c, r in g.edges(data=True):
        if r.get("type") != "IMPLEMENTS" or _label(g, f) != "Federation" or _label(g, c) not in labels:
            continue
        if wanted is not None and c not in wanted:
            continue
        fd, cd = g.nodes[f], g.nodes[c]
        doc = r.get("doc_id")
        doc = doc if _is(g, doc, "Document") else None
        dd = g.nodes[doc] if doc else {}
        rows.append({
            "target_id": c, "kind": cd.get("label"), "target": cd.get("name"),
            "federation_id": f, "federation": fd.get("name"), "level": fd.get("level"),
            "region_code": fd.get("region_code"),
            "year": r.get("year"), "doc_id": r.get("doc_id"), "document": dd.get("title"),
            "document_year": dd.get("year"), "issuers": _issuer_names(g, doc),
            "evidence": r.get("evidence"), "targets": list(r.get("targets") or []), "rule": r.get("rule"),
            "rel_id": r.get("id"),
        })
    return rows


def _targets(g: nx.MultiDiGraph, labels: list[str], ids: Optional[list[str]]) -> list[str]:
    """The campaigns and laws of `labels` with the ids `ids` (all of them when None), each once."""
    kinds = [x for x in labels if x in TARGET_LABELS]
    if ids is None:
        return [n for n, d in g.nodes(data=True) if d.get("label") in kinds]
    return [c for c in dict.fromkeys(ids) if c in g and _label(g, c) in kinds]


def _implements(g: nx.MultiDiGraph, c: str) -> Iterable[tuple[str, dict]]:
    return _in(g, c, "IMPLEMENTS", "Federation")


def adoption_list(g: nx.MultiDiGraph, labels: list[str], ids: Optional[list[str]] = None) -> list[dict[str, Any]]:
    rows = []
    for c in _targets(g, labels, ids):
        by_fed: dict[str, list] = {}
        for f, r in _implements(g, c):
            doc = r.get("doc_id")
            doc = doc if _is(g, doc, "Document") else None
            by_fed.setdefault(f, []).append([r.get("year"), r.get("doc_id"), g.nodes[doc].get("title") if doc else None,
                                             _issuer_names(g, doc), r.get("evidence"), list(r.get("targets") or [])])
        if by_fed:
            feds = [[f, g.nodes[f].get("name"), g.nodes[f].get("level"), g.nodes[f].get("region_code"), adoptions]
                    for f, adoptions in by_fed.items()]
            rows.append({"target_id": c, "kind": _label(g, c), "target": g.nodes[c].get("name"), "federations": feds})
    return rows


def adopters(g: nx.MultiDiGraph, labels: list[str], ids: Optional[list[str]] = None) -> list[dict[str, Any]]:
    by_fed: dict[str, list] = {}
    for c in _targets(g, labels, ids):
        for f, r in _implements(g, c):
            by_fed.setdefault(f, []).append([r.get("year"), r.get("doc_id")])
    feds = []
    for f, pairs in by_fed.items():
        fd = g.nodes[f]
        feds.append([f, fd.get("name"), fd.get("level"), fd.get("region_code"),
                     sum(1 for _ in _in(g, f, "ISSUED_BY")), pairs])
    return [{"federations": feds}]


def _adoption_rows(g: nx.MultiDiGraph, labels: list[str], ids: Optional[list[str]]) -> list[dict[str, Any]]:
    rows = []
    for c in _targets(g, labels, ids):
        cd = g.nodes[c]
        for f, r in _implements(g, c):
            fd = g.nodes[f]
            rows.append({"c": c, "f": f, "r": r, "key": adoption_key(
                r.get("year"), fd.get("level"), fd.get("name"), r.get("doc_id"), cd.get("name"), r.get("id"), c)})
    return rows


def adoption_summary(g: nx.MultiDiGraph, labels: list[str], ids: Optional[list[str]] = None) -> list[dict[str, Any]]:
    return [{"target_id": c, "adoptions": sum(1 for _ in _implements(g, c))} for c in _targets(g, labels, ids)]


def adoption_page(g: nx.MultiDiGraph, labels: list[str], ids: Optional[list[str]], offset: int,
                  limit: int) -> list[dict[str, Any]]:
    every = _adoption_rows(g, labels, ids)
    first: dict[tuple, int] = {}
    for a in every:
        key = (a["c"], g.nodes[a["f"]].get("level"))
        first[key] = min(first.get(key, NO_YEAR), a["key"][0])
    rows = []
    for a in sorted(every, key=lambda a: a["key"])[offset:offset + limit]:
        c, f, r = a["c"], a["f"], a["r"]
        fd, cd = g.nodes[f], g.nodes[c]
        doc = r.get("doc_id")
        doc = doc if _is(g, doc, "Document") else None
        dd = g.nodes[doc] if doc else {}
        rows.append([c, cd.get("label"), cd.get("name"), f, fd.get("name"), fd.get("level"), fd.get("region_code"),
                     r.get("year"), r.get("doc_id"), dd.get("title"), dd.get("year"), _issuer_names(g, doc),
                     r.get("evidence"), list(r.get("targets") or []), r.get("rule"), r.get("id"),
                     first[(c, fd.get("level"))]])
    return [{"rows": rows}]


def _up_to(r: dict, year: Optional[int]) -> bool:
    return year is None or known_year(r.get("year")) is not None and r["year"] <= year


def _adopting(g: nx.MultiDiGraph, labels: list[str], ids: Optional[list[str]], year: Optional[int]
              ) -> dict[str, list[dict]]:
    by_fed: dict[str, list[dict]] = {}
    for c in _targets(g, labels, ids):
        for f, r in _implements(g, c):
            if _up_to(r, year):
                by_fed.setdefault(f, []).append(r)
    return by_fed


def adopter_page(g: nx.MultiDiGraph, labels: list[str], ids: Optional[list[str]], year: Optional[int],
                 feds: list[str], offset: int, limit: int) -> list[dict[str, Any]]:
    by_fed = _adopting(g, labels, ids, year)
    wanted = set(feds)
    others, among, regional = [], [], []
    for f, rs in by_fed.items():
        d = g.nodes[f]
        if f in wanted:
            among.append([f, d.get("name"), [[r.get("year"), r.get("doc_id")] for r in rs]])
        else:
            others.append((adopter_key(d.get("level"), d.get("region_code"), d.get("name"), f), f, rs))
        if d.get("level") == "national" or (d.get("region_code") and d.get("level") in ("province", "prefecture")):
            regional.append([level_key(d.get("level")), d.get("name"), f])
    others.sort(key=lambda o: o[0])
    page = [[f, g.nodes[f].get("name"), g.nodes[f].get("level"), g.nodes[f].get("region_code"),
             sum(1 for _ in _in(g, f, "ISSUED_BY")), [[r.get("year"), r.get("doc_id")] for r in rs]]
            for _, f, rs in others[offset:offset + limit]]
    return [{"others": len(others), "federations": page, "among": among, "regional": regional}]


def _federation_row(g: nx.MultiDiGraph, n: str) -> dict[str, Any]:
    d = g.nodes[n]
    return {"id": n, "name": d.get("name"), "level": d.get("level"), "region_code": d.get("region_code")}


def _bfs(g: nx.MultiDiGraph, start: str, upward: bool) -> dict[str, int]:
    """Federations reachable over LEADS (against it when `upward`) → distance, start excluded."""
    step = _in if upward else _out
    dist = distances(start, lambda n: (m for m, _ in step(g, n, "LEADS", "Federation")), MAX_DEPTH)
    dist.pop(start)
    return dist


def ancestors(g: nx.MultiDiGraph, id: str) -> list[dict[str, Any]]:
    if not _is(g, id, "Federation"):
        return []
    return [{**_federation_row(g, a), "depth": k} for a, k in _bfs(g, id, upward=True).items()]


def descendants(g: nx.MultiDiGraph, id: str) -> list[dict[str, Any]]:
    if not _is(g, id, "Federation"):
        return []
    rows = []
    for c, k in _bfs(g, id, upward=False).items():
        parents = [g.nodes[u].get("name") for u, _ in _in(g, c, "LEADS", "Federation")]
        rows.append({**_federation_row(g, c), "depth": k, "parents": parents})
    return rows


def agenda(g: nx.MultiDiGraph, id: str, year: Optional[int] = None) -> list[dict[str, Any]]:
    if not _is(g, id, "Federation"):
        return []
    groups: dict[str, list[dict]] = {}
    for c, r in _out(g, id, "IMPLEMENTS"):
        if year is not None and r.get("year") != year:
            continue
        groups.setdefault(c, []).append(r)
    ancestor_ids = set(_bfs(g, id, upward=True))
    rows = []
    for c, rels in groups.items():
        years = [r["year"] for r in rels if r.get("year") is not None]
        upstream = []
        for p, _ in _in(g, c, "MENTIONS", "Passage"):
            for d, _ in _out(g, p, "IN_DOCUMENT", "Document"):
                for u, _ in _out(g, d, "ISSUED_BY", "Federation"):
                    if u in ancestor_ids:
                        dd = g.nodes[d]
                        upstream.append({"doc_id": d, "year": dd.get("year"), "title": dd.get("title"),
                                         "federation": g.nodes[u].get("name")})
        rows.append({"kind": _label(g, c), "id": c, "name": g.nodes[c].get("name"),
                     "year": min(years) if years else None,
                     "doc_ids": sorted({r["doc_id"] for r in rels if r.get("doc_id") is not None}),
                     "upstream": upstream})
    return rows


def _passages_of(g: nx.MultiDiGraph, doc_id: Any) -> list[tuple[str, dict]]:
    return [(n, d) for n, d in g.nodes(data=True) if d.get("label") == "Passage" and d.get("doc_id") == doc_id]


def _passage_entry(n: str, d: dict) -> dict[str, Any]:
    return {"id": n, "index": d.get("index"), "text": d.get("text"), "section": d.get("section")}


def _provenance_row(g: nx.MultiDiGraph, a: str, b: str, r: dict) -> dict[str, Any]:
    ad, bd = g.nodes[a], g.nodes[b]
    doc_id, start, end = r.get("doc_id"), r.get("start"), r.get("end")
    documents = []
    if doc_id is not None:
        documents = [{"title": d.get("title"), "source": d.get("source"), "year": d.get("year"),
                      "date": d.get("date"), "url": d.get("url")}
                     for n, d in g.nodes(data=True) if d.get("label") == "Document" and n == doc_id]
    passages = _passages_of(g, doc_id) if doc_id is not None else []
    overlapping = []
    if start is not None and end is not None:
        overlapping = [_passage_entry(n, d) for n, d in passages
                       if d.get("start") is not None and d.get("end") is not None
                       and d["start"] < end and start < d["end"]]
    mentioning = []
    for n, d in passages:
        to_a = sum(1 for _, v, e in g.out_edges(n, data=True) if v == a and e.get("type") == "MENTIONS")
        to_b = sum(1 for _, v, e in g.out_edges(n, data=True) if v == b and e.get("type") == "MENTIONS")
        pairs = to_a * (to_b - 1) if a == b else to_a * to_b  # a path never reuses a relationship
        mentioning.extend(_passage_entry(n, d) for _ in range(pairs))
    return {
        "id": r.get("id"), "type": r.get("type"), "head_id": a, "head": ad.get("name"), "head_label": ad.get("label"),
        "tail_id": b, "tail": bd.get("name"), "tail_label": bd.get("label"),
        "doc_id": doc_id, "year": r.get("year"), "evidence": r.get("evidence"), "start": start, "end": end,
        "rule": r.get("rule"), "targets": list(r.get("targets") or []), "score": r.get("score"),
        "documents": documents, "overlapping": overlapping, "mentioning": mentioning,
    }


def provenance_by_id(g: nx.MultiDiGraph, rel_id: str) -> list[dict[str, Any]]:
    return [_provenance_row(g, a, b, r) for a, b, r in g.edges(data=True) if r.get("id") == rel_id]


def provenance_by_ends(g: nx.MultiDiGraph, head_id: str, type: Optional[str], tail_id: str) -> list[dict[str, Any]]:
    if head_id not in g or tail_id not in g:
        return []
    return [_provenance_row(g, head_id, tail_id, r) for _, b, r in g.out_edges(head_id, data=True)
            if b == tail_id and (type is None or r.get("type") == type)]


def federations(g: nx.MultiDiGraph, only: Optional[Iterable[str]] = None) -> list[dict[str, Any]]:
    rows = []
    for n in (g.nodes if only is None else only):
        d = g.nodes[n]
        if d.get("label") != "Federation":
            continue
        own = sum(1 for _ in _in(g, n, "ISSUED_BY", "Document"))
        rows.append({"id": n, "name": d.get("name"), "aliases": list(d.get("aliases") or []),
                     "level": d.get("level"), "region_code": d.get("region_code"), "own_documents": own})
    return rows


def federations_at(g: nx.MultiDiGraph, ids: list[str], codes: list[Any]) -> list[dict[str, Any]]:
    found = {f for f in ids or [] if _is(g, f, "Federation")}
    if codes:
        wanted = set(codes)
        found |= {n for n, d in g.nodes(data=True) if d.get("label") == "Federation" and d.get("region_code") in wanted}
    return federations(g, found)


def profile(g: nx.MultiDiGraph, id: str) -> list[dict[str, Any]]:
    if not _is(g, id, "Federation"):
        return []
    found = []
    for _, x, r in g.out_edges(id, data=True):
        if r.get("type") in ("IMPLEMENTS", "COORDINATES", "LEADS"):
            found.append(("out", x, r))
    for x, _, r in g.in_edges(id, data=True):
        if r.get("type") in ("PART_OF", "LEADS", "COORDINATES"):
            found.append(("in", x, r))
    return [{"relation": r.get("type"), "direction": direction, "kind": _label(g, x), "other_id": x,
             "other": g.nodes[x].get("name"), "year": r.get("year"), "doc_id": r.get("doc_id"),
             "targets": list(r.get("targets") or []), "rule": r.get("rule")}
            for direction, x, r in found]


def passages(g: nx.MultiDiGraph) -> list[dict[str, Any]]:
    rows = []
    for p, d in g.nodes(data=True):
        if d.get("label") != "Passage":
            continue
        props = {k: v for k, v in d.items() if k != "label"}
        for doc, _ in _out(g, p, "IN_DOCUMENT", "Document"):
            rows.append({"props": props, "doc_id": doc, "year": g.nodes[doc].get("year"),
                         "issuers": _issuer_names(g, doc, key="id")})
    return rows


def leads_edges(g: nx.MultiDiGraph) -> list[dict[str, Any]]:
    pairs = {(a, b) for a, b, r in g.edges(data=True)
             if r.get("type") == "LEADS" and _label(g, a) == "Federation" and _label(g, b) == "Federation"}
    return [{"parent": a, "child": b} for a, b in pairs]


def repeats(g: nx.MultiDiGraph) -> list[dict[str, Any]]:
    rows = []
    for lp, up, r in g.edges(data=True):
        if r.get("type") != "REPEATS" or _label(g, lp) != "Passage" or _label(g, up) != "Passage":
            continue
        for ld, _ in _out(g, lp, "IN_DOCUMENT", "Document"):
            for ud, _ in _out(g, up, "IN_DOCUMENT", "Document"):
                L, U = g.nodes[ld], g.nodes[ud]
                rows.append({
                    "id": r.get("id"), "score": r.get("score"), "rule": r.get("rule"), "evidence": r.get("evidence"),
                    "similarity": r.get("similarity"), "rarity": r.get("rarity"), "start": r.get("start"),
                    "end": r.get("end"), "source_evidence": r.get("source_evidence"),
                    "source_start": r.get("source_start"), "source_end": r.get("source_end"),
                    "lower_passage": lp, "lower_text": g.nodes[lp].get("text"), "lower_doc": ld,
                    "lower_title": L.get("title"), "lower_year": L.get("year"),
                    "lower_issuers": _issuer_names(g, ld, key="id"),
                    "upper_passage": up, "upper_text": g.nodes[up].get("text"), "upper_doc": ud,
                    "upper_title": U.get("title"), "upper_year": U.get("year"),
                    "upper_issuers": _issuer_names(g, ud, key="id"),
                })
    return rows


def variants(g: nx.MultiDiGraph, ids: list[str]) -> list[dict[str, Any]]:
    rows = []
    for rid in ids:
        if not _is(g, rid, "Campaign"):
            continue
        # every path into the root, its relationships distinct (as a Cypher path's are)
        stack: list[tuple[str, tuple[str, ...]]] = [(rid, ())]
        while stack:
            node, path = stack.pop()
            for v, d in _in(g, node, "VARIANT_OF", "Campaign"):
                if d.get("id") in path:
                    continue
                walk = (d.get("id"),) + path  # v's own link (rule, evidence, parent) first
                vd = g.nodes[v]
                rows.append({"root_id": rid, "id": v, "label": vd.get("label"), "name": vd.get("name"),
                             "aliases": list(vd.get("aliases") or []), "depth": len(walk), "parent_id": node,
                             "rule": d.get("rule"), "evidence": d.get("evidence")})
                stack.append((v, walk))
    return rows


def _drawn(g: nx.MultiDiGraph, n: str) -> dict[str, Any]:
    d = g.nodes[n]
    return {"id": n, "label": d.get("label"), "aliases": list(d.get("aliases") or []), **{p: d.get(p) for p in DRAWN_NODE}}


def _seek(g: nx.MultiDiGraph, ids: list[str], labels: list[str]) -> list[str]:
    return [n for n in dict.fromkeys(ids) if n in g and _label(g, n) in labels]


def drawn_nodes(g: nx.MultiDiGraph, ids: list[str], labels: list[str]) -> list[dict[str, Any]]:
    return [_drawn(g, n) for n in _seek(g, ids, labels)]


def drawn_federations(g: nx.MultiDiGraph) -> list[dict[str, Any]]:
    return [_drawn(g, n) for n, d in g.nodes(data=True) if d.get("label") == "Federation"]


def drawn_below(g: nx.MultiDiGraph, id: str) -> list[dict[str, Any]]:
    if not _is(g, id, "Federation"):
        return []
    return [{"depth": k, **_drawn(g, c)} for c, k in _bfs(g, id, upward=False).items()]


def drawn_neighbours(g: nx.MultiDiGraph, ids: list[str], labels: list[str], types: list[str],
                     others: list[str]) -> list[dict[str, Any]]:
    found: dict[str, None] = {}
    for a in _seek(g, ids, labels):
        ends = [(b, r) for _, b, r in g.out_edges(a, data=True)] + [(b, r) for b, _, r in g.in_edges(a, data=True)]
        found.update((b, None) for b, r in ends if r.get("type") in types and _label(g, b) in others)
    return [_drawn(g, b) for b in found]


def drawn_links(g: nx.MultiDiGraph, ids: list[str], labels: list[str], types: list[str]) -> list[dict[str, Any]]:
    starts = _seek(g, ids, labels)
    inside = set(starts)
    return [{"id": r.get("id"), "type": r.get("type"), "start_id": a, "end_id": b, "targets": list(r.get("targets") or []),
             **{p: r.get(p) for p in DRAWN_RELATIONSHIP}}
            for a in starts for _, b, r in g.out_edges(a, data=True) if r.get("type") in types and b in inside]


# The relationship types each statement's twin reads, besides the nodes other than Passages: it runs
# on `graph_with(types)`, which a read-only store has before it has read the other types (statements
# not named here get the whole graph). Those of BY_TARGET read IMPLEMENTS only into the targets of
# their `ids` (when given). tests/test_deferred_passages.py checks each against the whole graph.
_ADOPTIONS = frozenset({"IMPLEMENTS", "ISSUED_BY"})
READS: dict[str, frozenset[str]] = {
    "entity_names": frozenset(), "entity_candidates": frozenset(), "entity_indexed": frozenset(),
    "adoptions": _ADOPTIONS, "adoption_list": _ADOPTIONS, "adopters": _ADOPTIONS,
    "adoption_summary": frozenset({"IMPLEMENTS"}), "adoption_page": _ADOPTIONS, "adopter_page": _ADOPTIONS,
    "ancestors": frozenset({"LEADS"}), "descendants": frozenset({"LEADS"}), "leads_edges": frozenset({"LEADS"}),
    "federations": frozenset({"ISSUED_BY"}), "federations_at": frozenset({"ISSUED_BY"}),
    "profile": frozenset({"IMPLEMENTS", "COORDINATES", "LEADS", "PART_OF"}), "variants": frozenset({"VARIANT_OF"}),
}
BY_TARGET = frozenset({"adoptions", "adoption_list", "adopters", "adoption_summary", "adoption_page", "adopter_page"})

QUERIES = {
    "entity_names": entity_names,
    "entity_candidates": entity_candidates,
    "entity_indexed": entity_indexed,
    "adoptions": adoptions,
    "adoption_list": adoption_list,
    "adopters": adopters,
    "adoption_summary": adoption_summary,
    "adoption_page": adoption_page,
    "adopter_page": adopter_page,
    "ancestors": ancestors,
    "descendants": descendants,
    "agenda": agenda,
    "provenance_by_id": provenance_by_id,
    "provenance_by_ends": provenance_by_ends,
    "federations": federations,
    "federations_at": federations_at,
    "profile": profile,
    "passages": passages,
    "leads_edges": leads_edges,
    "repeats": repeats,
    "variants": variants,
    "drawn_nodes": drawn_nodes,
    "drawn_federations": drawn_federations,
    "drawn_below": drawn_below,
    "drawn_neighbours": drawn_neighbours,
    "drawn_links": drawn_links,
}
