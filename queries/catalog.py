"""What a graph holds: its entities of one kind (`fulian ls`), and a summary of the graph (`fulian info`).

    list_entities(store, "campaigns", match="巾帼")  -> rows, most adopted (or most active) first
    graph_info(store)                               -> counts, documents, years, issuers

Both work on either store; names match as everywhere else (normalized substring of a name or alias).
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Optional

from graph.schema import TARGET_LABELS
from queries import backend
from queries.coverage import top_targets
from queries.errors import QueryError
from graph.order import level_key
from queries.resolve import normalize

KINDS = {"campaigns": "Campaign", "laws": "Law", "federations": "Federation", "persons": "Person",
         "departments": "Department", "documents": "Document"}


def _matches(row: dict[str, Any], match: Optional[str]) -> bool:
    if not match:
        return True
    q = normalize(match)
    return any(q in normalize(form) for form in [row.get("name") or "", *(row.get("aliases") or [])])


def _names(store: Any, label: str) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in backend.run(store, "entity_names", labels=[label])}


def _targets(store: Any, label: str) -> list[dict[str, Any]]:
    adopted = {r["name"]: r for r in top_targets(store, kind=label.lower(), limit=0)}
    out = []
    for n in _names(store, label).values():
        a = adopted.get(n["name"], {})
        out.append({"name": n["name"], "aliases": n["aliases"], "federations": a.get("federations", 0),
                    "documents": a.get("documents", 0), "first_year": a.get("first_year"),
                    "last_year": a.get("last_year"), "levels": a.get("levels", []), "id": n["id"]})
    return sorted(out, key=lambda r: (-r["federations"], -r["documents"], r["name"]))


def _federations(store: Any) -> list[dict[str, Any]]:
    implements = Counter(r["start_id"] for r in store.relationships("IMPLEMENTS"))
    rows = [{"name": f["name"], "aliases": f["aliases"], "level": f["level"], "region_code": f["region_code"],
             "documents": f["own_documents"], "implements": implements.get(f["id"], 0), "id": f["id"]}
            for f in backend.run(store, "federations")]
    return sorted(rows, key=lambda r: (level_key(r["level"]), r["region_code"] or "~", r["name"]))


def _people_and_departments(store: Any, label: str) -> list[dict[str, Any]]:
    fed_names = {f["id"]: f["name"] for f in backend.run(store, "federations")}
    links: dict[str, set[str]] = {}
    docs: dict[str, set[str]] = {}
    types = ("LEADS",) if label == "Person" else ("PART_OF", "COORDINATES")
    for t in types:
        for r in store.relationships(t):
            person_side = r["start_id"] if label == "Person" or t == "PART_OF" else r["end_id"]
            other = r["end_id"] if person_side == r["start_id"] else r["start_id"]
            if other in fed_names:
                links.setdefault(person_side, set()).add(fed_names[other])
            if r.get("doc_id"):
                docs.setdefault(person_side, set()).add(r["doc_id"])
    rows = []
    for n in store.nodes(label):
        row = {"name": n.get("name"), "aliases": n.get("aliases") or []}
        row.update({"role": n.get("role")} if label == "Person" else {"scope": n.get("scope")})
        row.update({"federations": sorted(links.get(n["id"], ())), "documents": len(docs.get(n["id"], ())),
                    "id": n["id"]})
        rows.append(row)
    return sorted(rows, key=lambda r: (-r["documents"], r["name"] or ""))


def _documents(store: Any) -> list[dict[str, Any]]:
    rows = [{"name": d.get("title") or d.get("name"), "year": d.get("year"), "issuer": d.get("issuer"),
             "kind": d.get("kind"), "source": d.get("source"), "n_chars": d.get("n_chars"), "id": d["id"]}
            for d in store.nodes("Document")]
    return sorted(rows, key=lambda r: (r["year"] or 0, r["issuer"] or "", r["name"] or ""))


def list_entities(store: Any, kind: str, match: Optional[str] = None) -> list[dict[str, Any]]:
    """The nodes of one kind (campaigns, laws, federations, persons, departments, documents) whose name or
    an alias contains `match`, with what they take part in. Campaigns and laws: adopting federations,
    documents, first and last year; federations: level, region, own documents, adoptions; persons and
    departments: the federations they lead or belong to (or work with), documents; documents: year, issuer."""
    if kind not in KINDS:
        raise QueryError(f"unknown kind {kind!r}: choose one of {', '.join(KINDS)}")
    label = KINDS[kind]
    if label in TARGET_LABELS:
        rows = _targets(store, label)
    elif label == "Federation":
        rows = _federations(store)
    elif label == "Document":
        rows = _documents(store)
    else:
        rows = _people_and_departments(store, label)
    return [r for r in rows if _matches(r, match)]


def graph_info(store: Any) -> dict[str, Any]:
    """Counts per label and relationship type, and the documents: how many, years, kinds, issuers."""
    docs = store.nodes("Document")
    years = sorted({d["year"] for d in docs if isinstance(d.get("year"), int)})
    issuers = Counter(d.get("issuer") for d in docs if d.get("issuer"))
    return {"counts": store.counts(), "documents": len(docs),
            "years": [years[0], years[-1]] if years else [],
            "kinds": dict(sorted(Counter(d.get("kind") or "?" for d in docs).items())),
            "issuers": len(issuers), "top_issuers": issuers.most_common(5),
            "characters": sum(d.get("n_chars") or 0 for d in docs)}
