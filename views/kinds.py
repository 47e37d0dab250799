"""What each network view reads and draws: a federation's neighbourhood, the federation hierarchy,
and a user's read-only Cypher query (Neo4j). The campaign view is views.tree."""

from __future__ import annotations

from typing import Any, Optional

from graph.order import level_key
from queries.errors import short
from views import read
from views.drawing import MAX_NODES, Drawing
from views.result import ViewError

MAX_DEPTH = 5
# the relationships a federation's neighbourhood follows (to entities of any label)
NEIGHBOURHOOD_TYPES = ("IMPLEMENTS", "LEADS", "COORDINATES", "PART_OF")


def federation(store: Any, name: str, depth: int) -> Drawing:
    """The federation `name` and what lies within `depth` hops of it."""
    if not isinstance(depth, int) or isinstance(depth, bool) or not 1 <= depth <= MAX_DEPTH:
        raise ViewError(f"--depth must be a whole number from 1 to {MAX_DEPTH}, got {depth!r}")
    center = read.federation(store, name)
    d = Drawing("federation", f"妇联关系 Federation: {short(center['name'], 80)} (depth {depth})")
    d.focus.append(d.add_node(center))
    frontier = [center["id"]]
    for _ in range(depth):
        frontier = [d.add_node(n) for n in read.neighbours(store, frontier, NEIGHBOURHOOD_TYPES)
                    if n["id"] not in d.nodes]
        if not frontier or len(d.nodes) > 20 * MAX_NODES:
            break
    for row in read.links(store, d.nodes, NEIGHBOURHOOD_TYPES):
        d.add_edge(row)
    return d


def hierarchy(store: Any, root: Optional[str]) -> Drawing:
    """The federations under `root` (all of them without one), the upper levels first, and their LEADS."""
    if root:
        top = read.federation(store, root)
        d = Drawing("hierarchy", f"妇联组织体系 Federation hierarchy: {short(top['name'], 80)}")
        d.focus.append(d.add_node(top))
        for n in read.below(store, top["id"]):
            d.add_node(n)
    else:
        d = Drawing("hierarchy", "妇联组织体系 Federation hierarchy")
        for p in sorted(read.federations(store), key=lambda p: (level_key(p["level"]), p["id"])):
            d.add_node(p)
        if not d.nodes:
            d.notes.append("The graph has no federations. 图中没有妇联节点。")
    for row in read.links(store, d.nodes, ("LEADS",), ("Federation",)):
        d.add_edge(row)
    return d


def query(store: Any, cypher: str, params: Optional[dict[str, Any]] = None) -> Drawing:
    """The nodes, relationships and paths a read-only Cypher query returns."""
    nodes, rels = read.query_graph(store, cypher, params)
    d = Drawing("query", "Cypher: " + short(cypher.strip(), 120))
    ids: dict[str, str] = {}  # element id -> the id drawn

    def add(element_id: str, labels: list[str], props: dict[str, Any]) -> str:
        if element_id in ids:
            if labels or props:
                d.nodes[ids[element_id]] = {**d.nodes[ids[element_id]], **props, **({"label": labels[0]} if labels else {})}
            return ids[element_id]
        nid = str(props.get("id") or element_id)
        label = labels[0] if labels else d.nodes.get(nid, {}).get("label", "?")
        ids[element_id] = d.add_node({**props, "id": nid, "label": label})
        return nid

    for eid, labels, props in nodes:
        add(eid, labels, props)
    for eid, rel_type, start, end, props, ends in rels:
        for e_id, labels, p in ends:
            if e_id not in ids:
                add(e_id, labels, p)
        d.add_edge({**props, "id": props.get("id") or eid, "type": rel_type, "start_id": ids[start], "end_id": ids[end]})
    if not d.nodes:
        raise ViewError("the query returned no nodes or relationships to draw: return nodes, relationships or "
                        "paths, e.g. MATCH p=(f:Federation)-[:IMPLEMENTS]->(c:Campaign) RETURN p LIMIT 100")
    return d
