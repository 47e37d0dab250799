"""A Drawing as a network page: pyvis builds the nodes, edges and options, views.page the frame,
and assets/network-view.js lets the layout settle, then fits it to the window."""

from __future__ import annotations

import html
import json
from typing import Any

from views.drawing import Drawing, display_name, edge_label, edge_tooltip, node_tooltip
from views.page import html_page, inline_script
from views.result import ViewResult
from views.style import EDGE_COLORS, EDGE_ZH, FONT_STACK, LABEL_STYLE, OTHER_EDGE_COLOR, OTHER_STYLE

SCRIPT_FILE = "network-view.js"
BIG = 300  # nodes above which a page draws straight edges and settles in fewer iterations


def network(d: Drawing, docs: dict[str, dict[str, Any]]):
    """The pyvis Network of `d` (`docs`: document id -> properties, for the edge tooltips)."""
    from pyvis.network import Network

    net = Network(directed=True, height="100%", width="100%", cdn_resources="in_line")
    for nid, p in d.nodes.items():
        color, shape, _, _ = LABEL_STYLE.get(p.get("label", ""), OTHER_STYLE)
        focus = nid in d.focus
        net.add_node(nid, label=display_name(p), shape=shape, title=node_tooltip(p),
                     color={"background": color, "border": "#212529" if focus else color,
                            "highlight": {"background": color, "border": "#000000"},
                            "hover": {"background": color, "border": "#000000"}},
                     size=30 if focus else (18 if p.get("label") in ("Federation", "Campaign") else 14),
                     borderWidth=3 if focus else 1)
    for (a, b, rel_type), rows in d.rows.items():
        net.add_edge(a, b, label=edge_label(rel_type, rows), title=edge_tooltip(rel_type, rows, docs),
                     color={"color": EDGE_COLORS.get(rel_type, OTHER_EDGE_COLOR), "highlight": "#000000",
                            "hover": "#000000"},
                     width=1 + min(len(rows), 5) * 0.6)
    net.options = options(d)
    return net


def options(d: Drawing) -> dict[str, Any]:
    """vis-network options: force-directed, or top-down rows for the hierarchy."""
    big = len(d.nodes) > BIG
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
        _top_down(opts, big)
    return opts


def _top_down(opts: dict[str, Any], big: bool) -> None:
    hier: dict[str, Any] = {"enabled": True, "direction": "UD", "levelSeparation": 140, "nodeSpacing": 170,
                            "treeSpacing": 200, "blockShifting": True, "edgeMinimization": True,
                            "parentCentralization": True, "shakeTowards": "roots", "sortMethod": "directed"}
    opts["layout"] = {"hierarchical": hier}
    opts["physics"] = {"enabled": True, "solver": "hierarchicalRepulsion",
                       "hierarchicalRepulsion": {"nodeDistance": 160, "avoidOverlap": 0.5},
                       "stabilization": {"enabled": True, "iterations": 200 if big else 400, "updateInterval": 50}}
    opts["edges"]["smooth"] = False if big else {"enabled": True, "type": "cubicBezier",
                                                  "forceDirection": "vertical", "roundness": 0.4}


def legend(d: Drawing) -> str:
    labels = sorted({p.get("label", "?") for p in d.nodes.values()},
                    key=lambda l: (list(LABEL_STYLE).index(l) if l in LABEL_STYLE else 99, l))
    out = []
    for label in labels:
        color, _, sym, text = LABEL_STYLE.get(label, OTHER_STYLE)
        text = text if label in LABEL_STYLE else f"{label}"
        out.append(f'<div><span class="sym" style="color:{color}">{sym}</span>{html.escape(text)}</div>')
    for rel_type in sorted({k[2] for k in d.rows}):
        color = EDGE_COLORS.get(rel_type, OTHER_EDGE_COLOR)
        zh = EDGE_ZH.get(rel_type, "")
        out.append(f'<div><span class="line" style="border-color:{color}"></span>'
                   f'{html.escape(rel_type)} {html.escape(zh)}</div>')
    if d.kind == "hierarchy":
        out.append('<div class="rows">箭头: 上级妇联 → 下级妇联 (parent → child)</div>')
    out.append('<div class="rows">悬停查看证据、文件与年份 · hover for evidence, document, year</div>')
    return "\n".join(out)


def network_page(d: Drawing, docs: dict[str, dict[str, Any]], backend: str) -> tuple[str, ViewResult]:
    """The page of `d` and its counts (`path` None)."""
    nodes, edges, _, _, _, opts = network(d, docs).get_network_data()
    data = {"nodes": nodes, "edges": edges, "options": json.loads(opts)}
    meta = (f"{len(nodes):,} nodes · {len(edges):,} edges · backend {backend} · "
            "drag to move, scroll to zoom · 拖动移动，滚轮缩放")
    page = html_page(kind=d.kind, title=d.title, meta=meta, notes=d.notes,
                     legend="<h2>图例 Legend</h2>\n" + legend(d), data=data, script=inline_script(SCRIPT_FILE),
                     node_count=len(nodes), edge_count=len(edges), truncated=d.truncated,
                     what="view (pyvis network)")
    return page, ViewResult(path=None, kind=d.kind, node_count=len(nodes), edge_count=len(edges),
                            truncated=d.truncated, total_nodes=d.total_nodes or len(nodes), title=d.title,
                            focus=list(d.focus))
