"""The text-inheritance question: which passages repeat another federation's wording.

The REPEATS links are derived at build time (loaders.text_reuse, which describes the method);
this module only reads them, with the documents and federations on both sides.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable, Optional

from graph.clauses import SHINGLE_N, clauses, jaccard, norm_clause, shingles
from graph.schema import REPEATS_KINDS as KINDS
from graph.walk import ancestor_distances
from queries import backend
from queries.errors import QueryError
from queries.resolve import resolve_one


def _best_clause(evidence: str, text: str, n: int = SHINGLE_N) -> Optional[str]:
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
    for r in backend.fetch(store, "leads_edges"):  # order-free: sets
        parents[r["child"]].add(r["parent"])
        nodes |= {r["child"], r["parent"]}
    return ancestor_distances(parents, nodes)


def text_inheritance(store: Any, federation: Optional[str] = None, *, kind: Optional[str] = None,
                     min_score: Optional[float] = None) -> list[dict[str, Any]]:
    """The REPEATS links (see `loaders.text_reuse`), strongest first.

    Rows: kind, score (similarity × rarity), similarity, rarity, lower_federation, lower_year,
    lower_document, lower_doc_id, lower_passage, lower_sentence, lower_start, lower_end (offsets in
    its document), the same for upper_…, common_upstream (siblings: nearest federation above both),
    shared_source (siblings: a passage both repeat). "lower" is the repeating side, "upper" the
    source. `federation` keeps links touching it. Links written before the source side was stored
    show the upper passage's clause most like the lower one, without offsets.
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
        upper = r["source_evidence"]
        out.append({
            "kind": k, "score": r["score"], "similarity": r["similarity"], "rarity": r["rarity"],
            "lower_federation": "; ".join(sorted(names.get(i, i) for i in r["lower_issuers"])),
            "lower_year": r["lower_year"], "lower_document": r["lower_title"] or r["lower_doc"],
            "lower_doc_id": r["lower_doc"], "lower_passage": r["lower_passage"], "lower_sentence": r["evidence"],
            "lower_start": r["start"], "lower_end": r["end"],
            "upper_federation": "; ".join(sorted(names.get(i, i) for i in r["upper_issuers"])),
            "upper_year": r["upper_year"], "upper_document": r["upper_title"] or r["upper_doc"],
            "upper_doc_id": r["upper_doc"], "upper_passage": r["upper_passage"],
            "upper_sentence": upper if upper is not None else _best_clause(r["evidence"], r["upper_text"]),
            "upper_start": r["source_start"], "upper_end": r["source_end"],
            "common_upstream": common, "shared_source": shared,
        })
    return sorted(out, key=lambda r: (-(r["score"] or 0), KINDS.index(r["kind"]) if r["kind"] in KINDS else 9,
                                      r["lower_passage"], r["upper_passage"]))
