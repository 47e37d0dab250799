"""A campaign's diffusion over the federation tree: who adopted it when, who did not, who wrote nothing.

    diffusion_tree(store, "最美家庭")  -> {"targets", "roots", "nodes"}

The tree is the LEADS hierarchy below a root federation (default: the lowest federation above every
adopter, e.g. 湖南省妇联 when 湘潭市妇联 and 长沙市望城区妇联 adopted; adopters in separate trees make a
forest, one root each), plus the gazetteer divisions that no federation of the graph stands for under
each federation that took part (adopted, wrote documents, or stands above an adopter): status
"no document", not in the graph. Each node says its parent, status ("adopted", "document, no
adoption", "no document"), first year, years, and its first adoptions with document and evidence.
Nodes come parents first, siblings by region code then name.
"""

from __future__ import annotations

from typing import Any, Optional

from graph.schema import REGION_LEVELS
from queries import backend, gazetteer
from queries.coverage import STATUS_ORDER
from queries.lineage import adoption_rows
from graph.order import known_year, level_key
from queries.resolve import normalize, resolve, resolve_one, target_labels

EVIDENCE_ROWS = 3   # adoptions kept per federation (the earliest)
DIVISION_LEVELS = REGION_LEVELS[:-1]  # levels divisions.csv holds (townships are in townships.csv)


def _parents(edges: list[dict[str, Any]], level: dict[str, Optional[str]]) -> dict[str, str]:
    """child -> one parent: the lowest-level parent (the nearest), then the first id."""
    found: dict[str, list[str]] = {}
    for e in edges:
        found.setdefault(e["child"], []).append(e["parent"])
    return {c: sorted(ps, key=lambda p: (-level_key(level.get(p)), p))[0] for c, ps in found.items()}


def _adoptions(store: Any, ids: list[str], labels: tuple[str, ...]) -> dict[str, list[dict[str, Any]]]:
    """federation id -> its adoptions of `ids`, earliest first."""
    out: dict[str, list[dict[str, Any]]] = {}
    for r in adoption_rows(store, ids, labels):
        out.setdefault(r["federation_id"], []).append(
            {"year": known_year(r["year"]), "campaign": r["target"],
             "doc_id": r["doc_id"], "document": r["document"], "evidence": r["evidence"]})
    return out


def _divisions_missing(code: Optional[str], level: Optional[str], present: dict[tuple[str, str], str],
                       by_name: dict[str, str], include_zones: bool) -> list[dict[str, Any]]:
    """Divisions one level below `code` that no federation stands for (by region code and level, or by name)."""
    if level not in DIVISION_LEVELS or (level != "national" and not code) or level == "county":
        return []
    out = []
    for child in gazetteer.children(None if level == "national" else code, include_zones):
        child_level = gazetteer.level_of(child)
        name = gazetteer.federation_name(child)
        if (child, child_level) in present or normalize(name) in by_name:
            continue
        out.append({"id": f"division:{child}", "name": name, "level": child_level, "region_code": child})
    return out


def diffusion_tree(store: Any, name: str, *, under: Optional[str] = None, kind: Optional[str] = None,
                   variants: bool = False, include_zones: bool = False) -> dict[str, Any]:
    """The federation tree of campaign (or law) `name`'s diffusion; see the module docstring.

    Returns targets (the campaigns/laws matched: id, name, label), roots (the root federations' ids;
    none when nobody adopted it and no `under` is given), nodes (id, name, level, region_code, parent,
    depth, status, first_year, years, adoption_documents, own_documents, adoptions, in_graph).
    """
    labels = target_labels(kind)
    targets = resolve(store, name, labels, variants=variants)
    ids = [t["id"] for t in targets]
    adoptions = _adoptions(store, ids, labels)
    feds = {f["id"]: f for f in backend.run(store, "federations")}
    level = {fid: f["level"] for fid, f in feds.items()}
    parent = _parents(backend.run(store, "leads_edges"), level)
    children: dict[str, list[str]] = {}
    for c, p in parent.items():
        children.setdefault(p, []).append(c)
    roots = [resolve_one(store, under, ("Federation",))["id"]] if under is not None else _lowest_common(
        sorted(adoptions), parent)
    members: dict[str, Optional[str]] = {}  # id -> parent in the tree
    for root in roots:
        members[root] = None
        stack = [root]
        while stack:
            for c in children.get(stack.pop(), []):
                if c not in members:
                    members[c] = parent[c]
                    stack.append(c)
    present = {(f["region_code"], f["level"]): fid for fid, f in feds.items() if f["region_code"]}
    by_name = {normalize(form): fid for fid, f in feds.items() for form in [f["name"], *f["aliases"]]}
    nodes: dict[str, dict[str, Any]] = {}
    for fid, par in members.items():
        f = feds.get(fid, {"id": fid, "name": fid, "level": None, "region_code": None, "own_documents": 0,
                           "aliases": []})
        own = f["own_documents"]
        mine = adoptions.get(fid, [])
        years = sorted({a["year"] for a in mine if a["year"]})
        status = "adopted" if mine else ("document, no adoption" if own else "no document")
        if status == "no document" and f["level"] not in REGION_LEVELS:
            continue  # an office-level federation (机关) that took no part: not part of the picture
        nodes[fid] = {"id": fid, "name": f["name"], "level": f["level"], "region_code": f["region_code"],
                      "parent": par, "status": status, "first_year": years[0] if years else None,
                      "years": years, "adoption_documents": len({a["doc_id"] for a in mine if a["doc_id"]}),
                      "own_documents": own, "adoptions": mine[:EVIDENCE_ROWS], "in_graph": True}
    above = {a for fid in adoptions if fid in nodes for a in _chain(fid, members)}  # adopters and their parents
    for fid in [n for n, d in nodes.items() if d["status"] != "no document" or n in above]:
        d = nodes[fid]
        for m in _divisions_missing(d["region_code"], d["level"], present, by_name, include_zones):
            nodes.setdefault(m["id"], {**m, "parent": fid, "status": "no document", "first_year": None,
                                       "years": [], "adoption_documents": 0, "own_documents": 0,
                                       "adoptions": [], "in_graph": False})
    return {"targets": [{"id": t["id"], "name": t["name"], "label": t["label"]} for t in targets],
            "roots": roots, "nodes": _ordered(nodes)}


def _chain(node: str, parent: dict[str, str]) -> list[str]:
    """`node` and its parents, up to the top (a cycle ends the walk)."""
    chain = [node]
    while chain[-1] in parent and parent[chain[-1]] not in chain:
        chain.append(parent[chain[-1]])
    return chain


def _lowest_common(adopters: list[str], parent: dict[str, str]) -> list[str]:
    """The lowest federation above (or being) every adopter of each LEADS tree they are in, top first."""
    common: dict[str, list[str]] = {}  # top of a tree -> the chain (top down) its adopters share
    for fid in adopters:
        down = _chain(fid, parent)[::-1]
        if down[0] not in common:
            common[down[0]] = down
        else:
            shared = common[down[0]]
            n = next((i for i, (a, b) in enumerate(zip(shared, down)) if a != b), min(len(shared), len(down)))
            common[down[0]] = shared[:n]
    return [chain[-1] for _, chain in sorted(common.items())]


def _ordered(nodes: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Parents before children (depth set), siblings by region code then name; forest roots likewise."""
    kids: dict[Optional[str], list[str]] = {}
    for nid, d in nodes.items():
        par = d["parent"] if d["parent"] in nodes else None
        d["parent"] = par
        kids.setdefault(par, []).append(nid)
    key = lambda n: (level_key(nodes[n]["level"]), nodes[n]["region_code"] or "~", nodes[n]["name"] or "", n)  # noqa: E731
    out: list[dict[str, Any]] = []
    stack = [(n, 0) for n in sorted(kids.get(None, []), key=key, reverse=True)]
    while stack:
        nid, depth = stack.pop()
        nodes[nid]["depth"] = depth
        out.append(nodes[nid])
        stack.extend((c, depth + 1) for c in sorted(kids.get(nid, []), key=key, reverse=True))
    return out


def status_counts(tree: dict[str, Any]) -> dict[str, int]:
    """How many nodes of each status, in STATUS_ORDER."""
    counts = {s: 0 for s in STATUS_ORDER}
    for n in tree["nodes"]:
        counts[n["status"]] += 1
    return counts


def year_range(tree: dict[str, Any]) -> tuple[Optional[int], Optional[int]]:
    years = [n["first_year"] for n in tree["nodes"] if n["first_year"]]
    return (min(years), max(years)) if years else (None, None)

