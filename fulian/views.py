"""Interactive HTML views of the graph: one self-contained page per view, usable offline.

pyvis builds the nodes, edges and options; the page around them is written here, with
vis-network's standalone build (vendored in fulian/assets/) inlined, so the file has no
script, stylesheet or font reference to any server.

    render("campaign", store, "美丽庭院", out="x.html")  -> ViewResult
    campaign_view(store, name, out)      a campaign's (or law's) diffusion over the federation tree (fulian.tree_view)
    federation_view(store, name, out, depth=1)   a federation's neighbourhood
    hierarchy_view(store, root, out)     the federation tree (LEADS Federation→Federation)
    query_view(store, cypher, out)       any read-only Cypher query's nodes and relationships (Neo4j)

Both stores work: the embedded NetworkxStore is read through its networkx graph, the
Neo4jStore through READ sessions only.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional

from graph import schema
from graph.model import id_key
from queries import user_cypher
from queries.errors import QueryError, short
from queries.resolve import suggestions

KINDS = ("campaign", "federation", "hierarchy", "query")
MAX_NODES = 1000  # above this a view keeps the most connected nodes and says so on the page
MAX_DEPTH = 5
ASSETS = Path(__file__).resolve().parent / "assets"
VIS_NETWORK_FILE = "vis-network-9.1.13.standalone.min.js"

FONT_STACK = ('"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", '
              '"Microsoft YaHei", "PingFang SC", "Heiti SC", sans-serif')

# label -> (colour, vis shape, legend symbol, legend text)
LABEL_STYLE: dict[str, tuple[str, str, str, str]] = {
    "Federation": ("#d6336c", "dot", "●", "妇联 Federation"),
    "Campaign": ("#f08c00", "star", "★", "活动 Campaign"),
    "Law": ("#1c7ed6", "square", "■", "法律 Law"),
    "Department": ("#2f9e44", "triangle", "▲", "部门 Department"),
    "Person": ("#7048e8", "diamond", "◆", "人物 Person"),
    "Region": ("#868e96", "hexagon", "⬢", "地区 Region"),
    "Document": ("#495057", "triangleDown", "▼", "文件 Document"),
    "Passage": ("#adb5bd", "dot", "•", "段落 Passage"),
}
OTHER_STYLE = ("#343a40", "ellipse", "⬭", "其他 other")
EDGE_COLORS = {
    "IMPLEMENTS": "#f08c00", "LEADS": "#d6336c", "COORDINATES": "#2f9e44", "PART_OF": "#1c7ed6",
    "IN_REGION": "#868e96", "ISSUED_BY": "#495057", "IN_DOCUMENT": "#adb5bd", "MENTIONS": "#ced4da",
    "REPEATS": "#7048e8", "VARIANT_OF": "#fcc419",
}
EDGE_ZH = {"IMPLEMENTS": "实施", "LEADS": "领导", "COORDINATES": "协同", "PART_OF": "隶属",
           "IN_REGION": "所在地区", "ISSUED_BY": "发文", "IN_DOCUMENT": "出处", "MENTIONS": "提及",
           "REPEATS": "沿用", "VARIANT_OF": "变体"}
LEVEL_ZH = {"national": "全国", "province": "省", "prefecture": "市", "county": "县",
            "township": "乡镇", "organ": "机关"}
# hierarchical row of each federation level (hierarchy view: the top levels first)
LEVEL_ROW = {level: i + 1 for i, level in enumerate(schema.LEVELS)}
UNKNOWN_LEVEL_ROW = len(schema.LEVELS) + 1

# the relationships a federation's neighbourhood follows, and the labels it may reach
NEIGHBOURHOOD_TYPES = ("IMPLEMENTS", "LEADS", "COORDINATES", "PART_OF")
NEIGHBOURHOOD_LABELS = schema.ENTITY_LABELS

LABEL_MAX = 28      # characters of a name drawn on the canvas (the tooltip has it all)
EVIDENCE_MAX = 300  # characters of an evidence sentence in a tooltip
TOOLTIP_ROWS = 5    # supporting statements listed per edge tooltip


class ViewError(QueryError):
    """A view that cannot be drawn; the message says why and what to do (printed as one line)."""

    def __init__(self, message: str):
        super().__init__(message)


@dataclass
class ViewResult:
    path: Optional[Path]  # the file written (None for a page kept in memory)
    kind: str
    node_count: int      # nodes drawn
    edge_count: int      # edges drawn (parallel statements of one fact merged)
    truncated: bool      # True when nodes were left out to keep the page usable
    total_nodes: int     # nodes the view had before truncation
    title: str = ""


# -- reading either store ------------------------------------------------------------------

_short = short


class _Source:
    """The few reads the views need, on a NetworkxStore (networkx graph) or a Neo4jStore (READ Cypher)."""

    def __init__(self, store: Any):
        self.store = store
        self.graph = getattr(store, "graph", None)
        self.backend = getattr(store, "backend", "embedded" if self.graph is not None else "neo4j")
        if self.graph is None and not hasattr(store, "read"):
            raise ViewError(f"cannot draw from a {type(store).__name__}: give an embedded or Neo4j store")

    # nodes ------------------------------------------------------------------------------
    @staticmethod
    def _clean(label: str, props: dict[str, Any]) -> dict[str, Any]:
        row = {k: v for k, v in props.items() if k != "aliases_text"}
        row.setdefault("label", label)
        return row

    def nodes_by_id(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        ids = list(dict.fromkeys(ids))
        if self.graph is not None:
            return {i: dict(self.graph.nodes[i]) for i in ids if i in self.graph}
        recs = self.store.read("MATCH (n) WHERE n.id IN $ids RETURN labels(n)[0] AS label, properties(n) AS props",
                               {"ids": ids})
        return {r["props"]["id"]: self._clean(r["label"], r["props"]) for r in recs}

    def find(self, name: str, labels: tuple[str, ...]) -> list[dict[str, Any]]:
        """Nodes of `labels` whose id, name or an alias is `name` (white space and width ignored)."""
        key = id_key(name)
        if self.graph is not None:
            found = []
            for nid, d in self.graph.nodes(data=True):
                if d.get("label") not in labels:
                    continue
                if nid == name or id_key(d.get("name", "")) == key or key in {id_key(a) for a in d.get("aliases") or ()}:
                    found.append(dict(d))
            return found
        forms = sorted({name, key})
        recs = self.store.read(
            "MATCH (n) WHERE labels(n)[0] IN $labels AND (n.id = $name OR n.name IN $forms "
            "OR any(a IN coalesce(n.aliases, []) WHERE a IN $forms)) "
            "RETURN labels(n)[0] AS label, properties(n) AS props LIMIT 50",
            {"labels": list(labels), "name": name, "forms": forms})
        return [self._clean(r["label"], r["props"]) for r in recs]

    def names(self, labels: tuple[str, ...]) -> list[tuple[str, list[str]]]:
        if self.graph is not None:
            return [(d.get("name", n), list(d.get("aliases") or ())) for n, d in self.graph.nodes(data=True)
                    if d.get("label") in labels]
        recs = self.store.read("MATCH (n) WHERE labels(n)[0] IN $labels RETURN n.name AS name, n.aliases AS aliases",
                               {"labels": list(labels)})
        return [(r["name"] or "", list(r["aliases"] or ())) for r in recs]

    def all_nodes(self, label: str) -> list[dict[str, Any]]:
        return self.store.nodes(label)

    # relationships --------------------------------------------------------------------------
    def incident(self, ids: Iterable[str], types: tuple[str, ...], direction: str = "both",
                 other_labels: Optional[tuple[str, ...]] = None) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(relationship row, node at the other end) for relationships of `types` touching `ids`."""
        ids = list(dict.fromkeys(ids))
        out: list[tuple[dict[str, Any], dict[str, Any]]] = []
        if self.graph is not None:
            g = self.graph
            for nid in ids:
                if nid not in g:
                    continue
                pairs = []
                if direction in ("out", "both"):
                    pairs += [(v, d) for _, v, d in g.out_edges(nid, data=True)]
                if direction in ("in", "both"):
                    pairs += [(u, d) for u, _, d in g.in_edges(nid, data=True)]
                for other, d in pairs:
                    od = g.nodes[other]
                    if d.get("type") in types and (other_labels is None or od.get("label") in other_labels):
                        out.append((dict(d), dict(od)))
            return out
        pattern = {"out": "(a)-[r]->(b)", "in": "(a)<-[r]-(b)", "both": "(a)-[r]-(b)"}[direction]
        query = (f"MATCH {pattern} WHERE a.id IN $ids AND type(r) IN $types "
                 + ("AND labels(b)[0] IN $other " if other_labels is not None else "")
                 + "RETURN DISTINCT type(r) AS type, startNode(r).id AS start_id, endNode(r).id AS end_id, "
                   "properties(r) AS props, labels(b)[0] AS label, properties(b) AS other")
        recs = self.store.read(query, {"ids": ids, "types": list(types), "other": list(other_labels or ())})
        for r in recs:
            row = dict(r["props"], type=r["type"], start_id=r["start_id"], end_id=r["end_id"])
            out.append((row, self._clean(r["label"], r["other"])))
        return out

    def among(self, ids: Iterable[str], types: tuple[str, ...]) -> list[dict[str, Any]]:
        """Relationships of `types` with both ends in `ids`."""
        idset = set(ids)
        if self.graph is not None:
            sub = self.graph.subgraph(idset)
            return [dict(d) for _, _, d in sub.edges(data=True) if d.get("type") in types]
        recs = self.store.read(
            "MATCH (a)-[r]->(b) WHERE a.id IN $ids AND b.id IN $ids AND type(r) IN $types "
            "RETURN type(r) AS type, a.id AS start_id, b.id AS end_id, properties(r) AS props",
            {"ids": sorted(idset), "types": list(types)})
        return [dict(r["props"], type=r["type"], start_id=r["start_id"], end_id=r["end_id"]) for r in recs]

    def relationships(self, rel_type: str) -> list[dict[str, Any]]:
        return self.store.relationships(rel_type)


def resolve(source: _Source, name: str, labels: tuple[str, ...], what: str) -> dict[str, Any]:
    """The one node of `labels` called `name` (name, alias or id); else a ViewError with the closest names."""
    name = (name or "").strip()
    if not name:
        raise ViewError(f"give the name of a {what}")
    found = source.find(name, labels)
    if len(found) > 1:
        by_name = [n for n in found if id_key(n.get("name", "")) == id_key(name) or n.get("id") == name]
        if len(by_name) == 1:
            return by_name[0]
        for label in labels:  # the first label asked for wins (e.g. a campaign over a law of that name)
            of_label = [n for n in (by_name or found) if n.get("label") == label]
            if len(of_label) == 1:
                return of_label[0]
        names = ", ".join(f"{n.get('name')} ({n.get('id')})" for n in found[:6])
        raise ViewError(f"{what} '{_short(name)}' is ambiguous: it names {names}; give the full name or the id")
    if found:
        return found[0]
    pool = source.names(labels)
    if not pool:
        raise ViewError(f"no {what} named '{_short(name)}': the graph has no {'/'.join(labels)} nodes "
                        "(build it with `fulian build`, or check --graph / --backend)")
    rows = [{"name": n, "aliases": list(aliases)} for n, aliases in pool]
    probe = name[:200]
    close = [r["name"] for r in rows for form in (r["name"], *r["aliases"])
             if probe in form or (len(form) >= 2 and form in probe)]
    close = list(dict.fromkeys(close + suggestions(probe, rows, n=8)))[:5]
    hint = f"; closest: {', '.join(close)}" if close else f"; no similar name among {len(pool)} {'/'.join(labels)} nodes"
    raise ViewError(f"no {what} named '{_short(name)}'{hint}")


# -- what a view draws ---------------------------------------------------------------------------

class _Drawing:
    def __init__(self, kind: str, title: str):
        self.kind = kind
        self.title = title
        self.nodes: dict[str, dict[str, Any]] = {}
        self.rows: dict[tuple[str, str, str], list[dict[str, Any]]] = {}  # (start, end, type) -> statements
        self.focus: list[str] = []
        self.notes: list[str] = []
        self.total_nodes = 0
        self.truncated = False

    def add_node(self, props: dict[str, Any]) -> str:
        nid = props["id"]
        self.nodes.setdefault(nid, props)
        return nid

    def add_edge(self, row: dict[str, Any]) -> None:
        key = (row["start_id"], row["end_id"], row["type"])
        seen = self.rows.setdefault(key, [])
        if row.get("id") is None or all(r.get("id") != row.get("id") for r in seen):
            seen.append(row)

    def limit(self, max_nodes: int, by: str = "degree") -> None:
        """Keep at most `max_nodes` nodes: the focus, then the most connected (or the first added)."""
        self.total_nodes = len(self.nodes)
        if len(self.nodes) <= max_nodes:
            return
        if by == "degree":
            degree = {n: 0 for n in self.nodes}
            for a, b, _ in self.rows:
                if a in degree and b in degree:
                    degree[a] += 1
                    degree[b] += 1
            order = sorted(self.nodes, key=lambda n: (-degree[n], n))
            how = "the most connected"
        else:
            order = list(self.nodes)
            how = "the upper levels first"
        keep = list(dict.fromkeys([f for f in self.focus if f in self.nodes] + order))[:max_nodes]
        kept = set(keep)
        self.nodes = {n: self.nodes[n] for n in keep}
        self.rows = {k: v for k, v in self.rows.items() if k[0] in kept and k[1] in kept}
        self.truncated = True
        self.notes.append(f"Large result: showing {len(self.nodes):,} of {self.total_nodes:,} nodes ({how}); "
                          f"narrow the view (a smaller --depth, a ROOT, a more selective query) to see the rest. "
                          f"结果过大：仅显示 {len(self.nodes):,} / {self.total_nodes:,} 个节点。")


def _node_tooltip(p: dict[str, Any]) -> str:
    label = p.get("label", "?")
    lines = [_short(p.get("name") or p.get("id", ""), EVIDENCE_MAX), label]
    if p.get("level"):
        lines[-1] += f" · {p['level']}" + (f" ({LEVEL_ZH[p['level']]})" if p["level"] in LEVEL_ZH else "")
    aliases = [a for a in (p.get("aliases") or ()) if a != p.get("name")]
    if aliases:
        lines.append("别名 aliases: " + "、".join(map(str, aliases[:8])) + (" …" if len(aliases) > 8 else ""))
    for key, zh in (("scope", "范围 scope"), ("role", "职务 role"), ("title", "标题 title"), ("year", "年份 year"),
                    ("date", "日期 date"), ("url", "网址 url"), ("region_code", "区划 region")):
        if p.get(key) not in (None, "", []):
            lines.append(f"{zh}: {_short(p[key], 120)}")
    if p.get("unresolved"):
        lines.append("未定位 place unknown: build with --manifest to bind it")
    if label == "Passage" and p.get("text"):
        lines.append(_short(p["text"], EVIDENCE_MAX))
    lines.append(f"id: {_short(p.get('id', ''), 120)}")
    return "\n".join(lines)


def _edge_tooltip(rel_type: str, rows: list[dict[str, Any]], docs: dict[str, dict[str, Any]]) -> str:
    head = f"{rel_type} {EDGE_ZH.get(rel_type, '')}".strip()
    parts = [head + (f" · {len(rows)} statements" if len(rows) > 1 else "")]
    rows = sorted(rows, key=lambda r: (r.get("year") or 0, str(r.get("doc_id") or "")))
    for r in rows[:TOOLTIP_ROWS]:
        lines = []
        if r.get("year") is not None:
            lines.append(f"年份 year: {r['year']}")
        if r.get("doc_id"):
            doc = docs.get(r["doc_id"]) or {}
            title = doc.get("title") or doc.get("name")
            lines.append(f"文件 document: {_short(title, 80) + ' ' if title else ''}({_short(r['doc_id'], 80)})")
            if doc.get("date"):
                lines.append(f"日期 date: {doc['date']}")
            if doc.get("url"):
                lines.append(f"网址 url: {_short(doc['url'], 120)}")
        if r.get("evidence"):
            lines.append(f"证据 evidence: {_short(r['evidence'], EVIDENCE_MAX)}")
        if r.get("targets"):
            lines.append("目标 targets: " + "；".join(_short(t, 60) for t in r["targets"][:5]))
        if r.get("rule") in ("hierarchy", "gazetteer"):
            lines.append(f"来源 source: {r['rule']} (not stated in a document)")
        if r.get("score") is not None:
            lines.append(f"score: {r['score']}")
        if lines:
            parts.append("\n".join(lines))
    if len(rows) > TOOLTIP_ROWS:
        parts.append(f"… {len(rows) - TOOLTIP_ROWS} more")
    return "\n\n".join(parts)


def _edge_label(rel_type: str, rows: list[dict[str, Any]]) -> str:
    years = sorted({r["year"] for r in rows if isinstance(r.get("year"), int)})
    if rel_type == "IMPLEMENTS" and years:
        shown = ", ".join(map(str, years[:4])) + ("…" if len(years) > 4 else "")
        return f"{rel_type} {shown}"
    return rel_type


def _display_name(p: dict[str, Any]) -> str:
    return _short(p.get("name") or p.get("id") or "?", LABEL_MAX)


# -- the views ---------------------------------------------------------------------------

def _federation(source: _Source, name: str, depth: int) -> _Drawing:
    if not isinstance(depth, int) or isinstance(depth, bool) or not 1 <= depth <= MAX_DEPTH:
        raise ViewError(f"--depth must be a whole number from 1 to {MAX_DEPTH}, got {depth!r}")
    center = resolve(source, name, ("Federation",), "federation")
    d = _Drawing("federation", f"妇联关系 Federation: {_short(center['name'], 80)} (depth {depth})")
    fid = d.add_node(center)
    d.focus.append(fid)
    frontier = [fid]
    for _ in range(depth):
        new = []
        for row, other in source.incident(frontier, NEIGHBOURHOOD_TYPES, "both", NEIGHBOURHOOD_LABELS):
            if other["id"] not in d.nodes:
                new.append(d.add_node(other))
        frontier = new
        if not frontier or len(d.nodes) > 20 * MAX_NODES:
            break
    for row in source.among(list(d.nodes), NEIGHBOURHOOD_TYPES):
        d.add_edge(row)
    return d


def _hierarchy(source: _Source, root: Optional[str]) -> _Drawing:
    if root:
        top = resolve(source, root, ("Federation",), "federation")
        d = _Drawing("hierarchy", f"妇联组织体系 Federation hierarchy: {_short(top['name'], 80)}")
        d.focus.append(d.add_node(top))
        frontier = [top["id"]]
        while frontier:
            new = []
            for row, child in source.incident(frontier, ("LEADS",), "out", ("Federation",)):
                if child["id"] not in d.nodes:
                    new.append(d.add_node(child))
                d.add_edge(row)
            frontier = new
        return d
    d = _Drawing("hierarchy", "妇联组织体系 Federation hierarchy")
    feds = source.all_nodes("Federation")
    feds.sort(key=lambda p: (LEVEL_ROW.get(p.get("level") or "", UNKNOWN_LEVEL_ROW), p["id"]))
    for p in feds:
        d.add_node(p)
    for row in source.relationships("LEADS"):
        if row["start_id"] in d.nodes and row["end_id"] in d.nodes:
            d.add_edge(row)
    if not feds:
        d.notes.append("The graph has no federations. 图中没有妇联节点。")
    return d


def check_read_only(cypher: str) -> None:
    """Refuse a query with an obvious write clause before it reaches the server (which refuses it too)."""
    try:
        user_cypher.check_read_only(cypher, "view query")
    except user_cypher.CypherError as e:
        raise ViewError(str(e)) from None


def _query(store: Any, cypher: str, params: Optional[dict[str, Any]] = None) -> _Drawing:
    cypher = (cypher or "").strip()
    if not cypher:
        raise ViewError("give a Cypher query, e.g. \"MATCH p=(f:Federation)-[:IMPLEMENTS]->(c) RETURN p LIMIT 50\"")
    if getattr(store, "backend", None) != "neo4j" or not hasattr(store, "driver"):
        raise ViewError("view query needs the Neo4j backend: add --backend neo4j (and start it: `fulian neo4j up`)")
    check_read_only(cypher)
    try:
        nodes, rels = user_cypher.run_graph(store, cypher, params)
    except user_cypher.CypherError as e:
        msg = str(e).replace("the query is read-only", "view query is read-only", 1)
        raise ViewError(msg) from e
    d = _Drawing("query", "Cypher: " + _short(cypher, 120))
    ids: dict[str, str] = {}

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


# -- pyvis network and the page -------------------------------------------------------------

def _network(d: _Drawing, docs: dict[str, dict[str, Any]]):
    from pyvis.network import Network

    net = Network(directed=True, height="100%", width="100%", cdn_resources="in_line")
    for nid, p in d.nodes.items():
        color, shape, _, _ = LABEL_STYLE.get(p.get("label", ""), OTHER_STYLE)
        focus = nid in d.focus
        net.add_node(nid, label=_display_name(p), shape=shape, title=_node_tooltip(p),
                     color={"background": color, "border": "#212529" if focus else color,
                            "highlight": {"background": color, "border": "#000000"},
                            "hover": {"background": color, "border": "#000000"}},
                     size=30 if focus else (18 if p.get("label") in ("Federation", "Campaign") else 14),
                     borderWidth=3 if focus else 1)
    for (a, b, rel_type), rows in d.rows.items():
        net.add_edge(a, b, label=_edge_label(rel_type, rows), title=_edge_tooltip(rel_type, rows, docs),
                     color={"color": EDGE_COLORS.get(rel_type, "#868e96"), "highlight": "#000000",
                            "hover": "#000000"},
                     width=1 + min(len(rows), 5) * 0.6)
    net.options = _options(d)
    return net


def _options(d: _Drawing) -> dict[str, Any]:
    big = len(d.nodes) > 300
    opts: dict[str, Any] = {
        "autoResize": True,
        "nodes": {"font": {"face": FONT_STACK, "size": 15, "color": "#212529", "strokeWidth": 4,
                           "strokeColor": "#ffffff"}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
                  "font": {"face": FONT_STACK, "size": 11, "color": "#495057", "strokeWidth": 3,
                           "strokeColor": "#ffffff", "align": "horizontal"},
                  "smooth": False if big else {"enabled": True, "type": "continuous"}},
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False, "keyboard": False,
                        "hideEdgesOnDrag": big},
        "physics": {"enabled": True, "solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -90, "springLength": 150, "avoidOverlap": 0.5},
                    "stabilization": {"enabled": True, "iterations": 250 if big else 500, "updateInterval": 50}},
    }
    if d.kind == "hierarchy":
        hier: dict[str, Any] = {"enabled": True, "direction": "UD", "levelSeparation": 140, "nodeSpacing": 170,
                                "treeSpacing": 200, "blockShifting": True, "edgeMinimization": True,
                                "parentCentralization": True, "shakeTowards": "roots", "sortMethod": "directed"}
        opts["layout"] = {"hierarchical": hier}
        opts["physics"] = {"enabled": True, "solver": "hierarchicalRepulsion",
                           "hierarchicalRepulsion": {"nodeDistance": 160, "avoidOverlap": 0.5},
                           "stabilization": {"enabled": True, "iterations": 200 if big else 400, "updateInterval": 50}}
        opts["edges"]["smooth"] = False if big else {"enabled": True, "type": "cubicBezier",
                                                      "forceDirection": "vertical", "roundness": 0.4}
    return opts


def _script_json(value: Any) -> str:
    """JSON that is safe inside <script>: no '<', '>' or '&' (so no '</script>'), no line separators."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def vis_network_js() -> str:
    js = (ASSETS / VIS_NETWORK_FILE).read_text(encoding="utf-8")
    if "</script" in js.lower():  # would end the inline script early; never true of 9.1.13
        raise ViewError(f"{VIS_NETWORK_FILE} cannot be inlined (it contains '</script')")
    return js


# the page's frame: header, graph area, legend panel, tooltips (shared by every view)
BASE_CSS = """html, body { margin: 0; padding: 0; height: 100%; background: #ffffff; color: #212529;
  font-family: @FONT@; }
#fulian-header { position: absolute; top: 0; left: 0; right: 0; padding: 8px 14px; z-index: 2;
  background: rgba(255,255,255,0.92); border-bottom: 1px solid #dee2e6; }
#fulian-header h1 { font-size: 18px; margin: 0 0 2px 0; font-weight: 600; }
#fulian-header .meta { font-size: 12px; color: #6c757d; }
.fulian-note { margin-top: 4px; font-size: 13px; color: #8a4b00; background: #fff4e6;
  border: 1px solid #ffd8a8; padding: 3px 8px; border-radius: 4px; display: inline-block; }
#fulian-graph { position: absolute; top: 64px; left: 0; right: 250px; bottom: 0; }
#fulian-legend { position: absolute; right: 10px; top: 74px; width: 214px; z-index: 2; background: #f8f9fa;
  border: 1px solid #ced4da; border-radius: 6px; padding: 8px 12px; font-size: 13px; line-height: 1.6;
  max-height: calc(100% - 106px); overflow-y: auto; }
@media (max-width: 700px) { #fulian-graph { right: 0; } #fulian-legend { top: auto; bottom: 10px; } }
#fulian-legend h2 { font-size: 13px; margin: 0 0 4px 0; }
#fulian-legend .sym { display: inline-block; width: 1.4em; text-align: center; font-size: 15px; }
#fulian-legend .line { display: inline-block; width: 1.4em; height: 0; border-top: 3px solid; vertical-align: middle;
  margin-right: 0.2em; }
#fulian-legend .rows { margin-top: 4px; color: #495057; font-size: 12px; }
body div.vis-tooltip { font-family: @FONT@; font-size: 13px; white-space: pre-wrap; max-width: 460px;
  line-height: 1.5; background: #fffdf5; border: 1px solid #adb5bd; border-radius: 4px; padding: 6px 8px;
  box-shadow: 0 2px 6px rgba(0,0,0,0.18); color: #212529; }
""".replace("@FONT@", FONT_STACK)

CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; "
       "font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'")

_FRAME = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="fulian-kg {what} (vis-network {vis_version} inlined)">
<title>{title}</title>
<style>
{css}</style>
</head>
<body data-view="{kind}" data-node-count="{node_count}" data-edge-count="{edge_count}" data-truncated="{truncated}">
<div id="fulian-graph"></div>
<div id="fulian-header">
<h1>{title}</h1>
<div class="meta">{meta}</div>
{notes}
</div>
<div id="fulian-legend">
{legend}
</div>
<script type="application/json" id="fulian-data">{data}</script>
<script>
{vis_js}
</script>
<script>
{script}</script>
</body>
</html>
"""

# the pyvis views: draw the network, let physics settle, then fit it to the window
_NETWORK_SCRIPT = """(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("fulian-data").textContent);
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(document.getElementById("fulian-graph"), {nodes: nodes, edges: edges}, data.options);
  window.fulianNetwork = network;
  window.fulianNodeCount = network.body.data.nodes.length;
  window.fulianEdgeCount = network.body.data.edges.length;
  document.body.dataset.drawnNodes = String(window.fulianNodeCount);
  var done = false;
  function settle(how) {
    if (done) { return; }
    done = true;
    network.setOptions({physics: false});
    network.fit({animation: false});
    document.body.dataset.settleMs = String(Math.round(performance.now()));
    document.body.dataset.stabilized = how;
  }
  network.once("stabilizationIterationsDone", function () { settle("1"); });
  network.once("stabilized", function () { settle("1"); });
  if (data.nodes.length === 0) { settle("1"); }
  setTimeout(function () { settle("timeout"); }, 60000);
})();
"""


def html_page(*, kind: str, title: str, meta: str, notes: list[str], legend: str, data: Any, script: str,
              node_count: int, edge_count: int, truncated: bool, css: str = "", what: str = "view") -> str:
    """A whole self-contained page: header, graph area, legend, the data, vis-network and `script`
    (legend and script are HTML/JS of ours; title, meta and notes are escaped here)."""
    return _FRAME.format(
        csp=CSP, what=what, vis_version=VIS_NETWORK_FILE.split("-")[2], title=html.escape(title),
        css=BASE_CSS + css, kind=html.escape(kind), node_count=node_count, edge_count=edge_count,
        truncated="1" if truncated else "0", meta=html.escape(meta),
        notes="\n".join(f'<div class="fulian-note">{html.escape(n)}</div>' for n in notes), legend=legend,
        data=_script_json(data), vis_js=vis_network_js(), script=script)


def _legend(d: _Drawing) -> str:
    labels = sorted({p.get("label", "?") for p in d.nodes.values()},
                    key=lambda l: (list(LABEL_STYLE).index(l) if l in LABEL_STYLE else 99, l))
    out = []
    for label in labels:
        color, _, sym, text = LABEL_STYLE.get(label, OTHER_STYLE)
        text = text if label in LABEL_STYLE else f"{label}"
        out.append(f'<div><span class="sym" style="color:{color}">{sym}</span>{html.escape(text)}</div>')
    for rel_type in sorted({k[2] for k in d.rows}):
        color = EDGE_COLORS.get(rel_type, "#868e96")
        zh = EDGE_ZH.get(rel_type, "")
        out.append(f'<div><span class="line" style="border-color:{color}"></span>'
                   f'{html.escape(rel_type)} {html.escape(zh)}</div>')
    if d.kind == "hierarchy":
        out.append('<div class="rows">箭头: 上级妇联 → 下级妇联 (parent → child)</div>')
    out.append('<div class="rows">悬停查看证据、文件与年份 · hover for evidence, document, year</div>')
    return "\n".join(out)


def _page(d: _Drawing, net: Any, backend: str) -> tuple[str, ViewResult]:
    nodes, edges, _, _, _, options = net.get_network_data()
    data = {"nodes": nodes, "edges": edges, "options": json.loads(options)}
    meta = (f"{len(nodes):,} nodes · {len(edges):,} edges · backend {backend} · "
            "drag to move, scroll to zoom · 拖动移动，滚轮缩放")
    page = html_page(kind=d.kind, title=d.title, meta=meta, notes=d.notes,
                     legend="<h2>图例 Legend</h2>\n" + _legend(d), data=data, script=_NETWORK_SCRIPT,
                     node_count=len(nodes), edge_count=len(edges), truncated=d.truncated,
                     what="view (pyvis network)")
    return page, ViewResult(path=None, kind=d.kind, node_count=len(nodes), edge_count=len(edges),
                            truncated=d.truncated, total_nodes=d.total_nodes or len(nodes), title=d.title)


def write_page(page: str, out: str | Path) -> Path:
    """Write a page (UTF-8), creating the folder; returns the path."""
    out = Path(out)
    try:
        if out.parent and not out.parent.exists():
            out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(page, encoding="utf-8")
    except OSError as e:
        raise ViewError(f"cannot write {out} ({e.strerror or e}): choose another file with --out") from None
    return out


def draw(kind: str, store: Any, arg: Optional[str] = None, *, depth: int = 1, max_nodes: Optional[int] = None,
         params: Optional[dict[str, Any]] = None, under: Optional[str] = None, variants: bool = False,
         target_kind: Optional[str] = None) -> tuple[str, ViewResult]:
    """One view of `store` as page text (and its counts; `path` is None).

    kind: campaign (arg: name; under, variants, target_kind "campaign"/"law": see fulian.tree_view), federation (arg: name; depth),
    hierarchy (arg: optional root), query (arg: Cypher; params: its `$parameters`).
    """
    if kind not in KINDS:
        raise ViewError(f"unknown view {kind!r}: choose one of {', '.join(KINDS)}")
    if max_nodes is not None and (not isinstance(max_nodes, int) or max_nodes < 1):
        raise ViewError(f"max_nodes must be a positive whole number, got {max_nodes!r}")
    if kind == "campaign":
        from fulian.tree_view import TREE_MAX_NODES, tree_page

        return tree_page(store, arg or "", under=under, variants=variants, kind=target_kind,
                         max_nodes=max_nodes or TREE_MAX_NODES)
    max_nodes = max_nodes or MAX_NODES
    if kind == "query":
        d = _query(store, arg or "", params)
    else:
        source = _Source(store)
        if kind == "federation":
            d = _federation(source, arg or "", depth)
        else:
            d = _hierarchy(source, arg)
    d.limit(max_nodes, by="order" if kind == "hierarchy" else "degree")
    doc_ids = {r["doc_id"] for rows in d.rows.values() for r in rows if r.get("doc_id")}
    docs = _Source(store).nodes_by_id(sorted(doc_ids)) if doc_ids else {}
    return _page(d, _network(d, docs), getattr(store, "backend", "?"))


def render(kind: str, store: Any, arg: Optional[str] = None, *, out: str | Path, **options: Any) -> ViewResult:
    """Draw one view of `store` into the HTML file `out` (options: see `draw`)."""
    if Path(out).is_dir():  # before the drawing, not after it
        raise ViewError(f"--out {out} is a folder: give the page a file name, e.g. --out {Path(out) / (kind + '.html')}")
    page, result = draw(kind, store, arg, **options)
    result.path = write_page(page, out)
    return result


def campaign_view(store: Any, name: str, out: str | Path, **kw: Any) -> ViewResult:
    return render("campaign", store, name, out=out, **kw)


def federation_view(store: Any, name: str, out: str | Path, depth: int = 1, **kw: Any) -> ViewResult:
    return render("federation", store, name, out=out, depth=depth, **kw)


def hierarchy_view(store: Any, root: Optional[str], out: str | Path, **kw: Any) -> ViewResult:
    return render("hierarchy", store, root, out=out, **kw)


def query_view(store: Any, cypher: str, out: str | Path, **kw: Any) -> ViewResult:
    return render("query", store, cypher, out=out, **kw)
