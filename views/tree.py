"""The campaign view: a campaign's diffusion and coverage drawn over the federation tree.

    tree_page(store, "最美家庭", under=None, kind=None, variants=False) -> (page text, ViewResult)

Province → prefectures → counties → townships as a compact org chart (views/assets/tree-view.js
lays it out in the browser, so opening and closing a node re-flows the picture). Each federation is
coloured by the year it first adopted the campaign (viridis, earliest darkest, with a legend);
federations that wrote documents but never adopt it are grey, those with no document in the corpus
pale with a dashed border. A year slider plays the diffusion; tooltips give the evidence sentence and
the document of the first adoptions. Trees larger than VISIBLE_MAX open only as deep as keeps at most
that many nodes on screen; a click on ▸ opens a node. The page fits the window on open, and is offline
(vis-network inlined, as in every view).
"""

from __future__ import annotations

import html
from typing import Any, Optional

from queries.errors import short as _short
from queries.tree import diffusion_tree, status_counts
from views.page import html_page, inline_script
from views.result import ViewResult
from views.style import FONT_STACK, LEVEL_ZH, STATUS_STYLE, STATUS_TEXT, palette, text_colour

TREE_MAX_NODES = 5000   # above this the deepest levels are left out (and the page says so)
VISIBLE_MAX = 200       # nodes on screen at open (labels stay legible at the default zoom)
STACKS = (8, 11, 14, 18, 24, 32)  # column heights of stacked leaves tried; the best fit wins
FONT_SIZE = 14          # label size in canvas units
MAX_SCALE = 1.6         # small trees are not blown up beyond this on open
EVIDENCE_MAX = 200      # characters of an evidence sentence in a tooltip
SCRIPT_FILE = "tree-view.js"


def _style(fill: str, border: str, text: str, dashed: bool) -> dict[str, Any]:
    return {"fill": fill, "border": border, "text": text, "dashed": dashed}


def short_label(name: str, parent_name: Optional[str], depth: int) -> str:
    """A federation's name as drawn under its parent: its own place (长沙市望城区妇联 under 长沙市妇联 → 望城区)."""
    name = name or "?"
    if depth == 0 or not parent_name:
        return _short(name, 16)
    own = name[:-2] if name.endswith("妇联") else name
    place = parent_name[:-2] if parent_name.endswith("妇联") else parent_name
    if place and own.startswith(place) and len(own) > len(place):
        own = own[len(place):]
    return _short(own, 12)


def _tooltip(n: dict[str, Any]) -> str:
    level = n.get("level") or "?"
    lines = [n["name"], f"{level} ({LEVEL_ZH[level]})" if level in LEVEL_ZH else level]
    if n["status"] == "adopted":
        first = n["first_year"] if n["first_year"] else "year unknown 年份不详"
        lines.append(f"首次实施 first adopted: {first}")
        if len(n["years"]) > 1:
            lines.append("年份 years: " + ", ".join(map(str, n["years"])))
        lines.append(f"实施文件 adopting documents: {n['adoption_documents']} · 本级文件 own documents: "
                     f"{n['own_documents']}")
        for a in n["adoptions"]:
            doc = a["document"] or a["doc_id"] or "?"
            part = [f"{a['year'] or '?'} · {_short(a['campaign'], 30)} · 文件 document: {_short(doc, 60)}"]
            if a["evidence"]:
                part.append(f"证据 evidence: {_short(a['evidence'], EVIDENCE_MAX)}")
            lines.append("\n".join(part))
        if n["adoption_documents"] > len(n["adoptions"]):
            lines.append(f"… {n['adoption_documents'] - len(n['adoptions'])} more documents")
    elif n["status"] == "document, no adoption":
        lines.append(f"有 {n['own_documents']} 份文件，均未提及 · {n['own_documents']} documents in the corpus, "
                     "none adopts it")
    elif n["in_graph"]:
        lines.append("语料中无本级文件 · no document of this federation in the corpus "
                     "(absence of evidence, not evidence of absence)")
    else:
        lines.append("区划 division " + (n.get("region_code") or "") + " · no federation of it in the graph, "
                     "no document in the corpus")
    return "\n".join(lines)


def _legend(pal: dict[int, str], adopters_by_year: dict[Optional[int], int], counts: dict[str, int],
            levels: list[tuple[int, str]]) -> str:
    out = ['<h2>首次实施年份 first adoption</h2>']
    for y, fill in pal.items():
        out.append(f'<div><span class="swatch" style="background:{fill}"></span>{y}'
                   f'<span class="n">{adopters_by_year.get(y, 0)}</span></div>')
    swatch = lambda s, dashed: (f'<span class="swatch" style="background:{s[0]};border:1px {dashed} {s[1]}">'  # noqa: E731
                                '</span>')
    if adopters_by_year.get(None):
        out.append(f'<div>{swatch(STATUS_STYLE["unknown"], "solid")}{STATUS_TEXT["unknown"]}'
                   f'<span class="n">{adopters_by_year[None]}</span></div>')
    for status in ("document, no adoption", "no document"):
        st = STATUS_STYLE[status]
        out.append(f'<div>{swatch(st, "dashed" if st[3] else "solid")}{STATUS_TEXT[status]}'
                   f'<span class="n">{counts[status]}</span></div>')
    if len(pal) > 1:  # a slider over two years or more
        out.append(f'<div>{swatch(STATUS_STYLE["later"], "solid")}{STATUS_TEXT["later"]}</div>')
        years = list(pal)
        out.append('<h2>年份 year</h2><div class="year-row">'
                   f'<input type="range" id="fulian-year" min="{years[0]}" max="{years[-1]}" step="1" '
                   f'value="{years[-1]}" aria-label="year"> <b id="fulian-year-label">{years[-1]}</b></div>'
                   '<div><button type="button" id="fulian-play">▶ 播放 play</button></div>'
                   '<div class="rows" id="fulian-progress"></div>')
    if levels:
        buttons = " ".join(f'<button type="button" data-open-to="{d}">{html.escape(text)}</button>'
                           for d, text in levels)
        out.append(f'<h2>展开到 open down to</h2><div class="levels">{buttons}</div>'
                   '<div><button type="button" id="fulian-fit">⤢ 适应窗口 fit</button></div>')
    out.append('<div class="rows">点击 ▸ 展开/收起 · click ▸ to open or close · 悬停查看证据与文件 hover for evidence '
               'and document · 滚轮缩放 scroll to zoom</div>')
    return "\n".join(out)


_TREE_CSS = """
#fulian-legend .swatch { display: inline-block; width: 1.1em; height: 0.9em; margin-right: 0.4em;
  vertical-align: -0.1em; border-radius: 2px; }
#fulian-legend .n { float: right; color: #6c757d; font-size: 12px; }
#fulian-legend button { font: inherit; font-size: 12px; margin: 2px 2px 2px 0; padding: 1px 6px; cursor: pointer;
  background: #ffffff; border: 1px solid #adb5bd; border-radius: 3px; }
#fulian-legend input[type=range] { width: 140px; vertical-align: middle; }
"""


def tree_script() -> str:
    return inline_script(SCRIPT_FILE)


def _limit(nodes: list[dict[str, Any]], max_nodes: int) -> tuple[list[dict[str, Any]], list[str]]:
    """At most `max_nodes` nodes, the shallowest first (parents always before their children)."""
    if len(nodes) <= max_nodes:
        return nodes, []
    kept = sorted(nodes, key=lambda n: n["depth"])[:max_nodes]
    keep = {n["id"] for n in kept}
    shown = [n for n in nodes if n["id"] in keep]
    return shown, [f"Large tree: showing {len(shown):,} of {len(nodes):,} federations (the upper levels); "
                   f"give --under a federation lower down to see the rest. "
                   f"树过大：仅显示 {len(shown):,} / {len(nodes):,} 个妇联。"]


def _title(targets: list[dict[str, Any]]) -> str:
    label = targets[0]["label"] if targets else "Campaign"
    what = "活动扩散 Campaign diffusion" if label == "Campaign" else "法律推行 Law diffusion"
    shown_name = " / ".join(_short(t["name"], 40) for t in targets[:3]) + (" …" if len(targets) > 3 else "")
    return f"{what}: {shown_name}"


def _drawn(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the page script draws of each federation: parent, short label, status, year, tooltip."""
    by_id = {n["id"]: n for n in nodes}
    return [{"id": n["id"], "parent": n["parent"] if n["parent"] in by_id else None, "depth": n["depth"],
             "label": short_label(n["name"], by_id[n["parent"]]["name"] if n["parent"] in by_id else None,
                                  n["depth"]),
             "status": n["status"], "year": n["first_year"], "tip": _tooltip(n)} for n in nodes]


def _open_levels(nodes: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """(depth, level name) of each depth the tree has: the "open down to" buttons."""
    depth_levels: dict[int, str] = {}
    for n in nodes:
        depth_levels.setdefault(n["depth"], n.get("level") or "")
    return [(d, LEVEL_ZH.get(lv, lv) or str(d)) for d, lv in sorted(depth_levels.items())]


def _meta(nodes: list[dict[str, Any]], roots: list[str], counts: dict[str, int], backend: str) -> str:
    names = {n["id"]: n["name"] for n in nodes}
    tops = [names[r] for r in roots if r in names]
    return (f"{len(nodes):,} 妇联 federations" + (f" under {'、'.join(tops[:3])}" if tops else "")
            + f" · adopted {counts['adopted']:,} · documents, no adoption {counts['document, no adoption']:,}"
            f" · no document {counts['no document']:,} · backend {backend}")


def tree_page(store: Any, name: str, *, under: Optional[str] = None, kind: Optional[str] = None,
              variants: bool = False, max_nodes: int = TREE_MAX_NODES) -> tuple[str, ViewResult]:
    """The campaign view of `name` as page text, and its counts (`path` None)."""
    tree = diffusion_tree(store, name, under=under, kind=kind, variants=variants)
    nodes, notes = _limit(tree["nodes"], max_nodes)
    truncated = len(nodes) < len(tree["nodes"])
    if not nodes:
        notes.append("No federation implements this in the graph yet. 图中尚无妇联实施此项。")
    counts = status_counts({"nodes": nodes})
    years = sorted({n["first_year"] for n in nodes if n["first_year"]})
    pal = palette(years)
    adopters_by_year: dict[Optional[int], int] = {}
    for n in nodes:
        if n["status"] == "adopted":
            adopters_by_year[n["first_year"]] = adopters_by_year.get(n["first_year"], 0) + 1
    drawn = _drawn(nodes)
    levels = _open_levels(nodes)
    data = {"nodes": drawn, "years": years, "font": FONT_STACK, "fontSize": FONT_SIZE, "visibleMax": VISIBLE_MAX,
            "stacks": STACKS, "maxScale": MAX_SCALE,
            "palette": {str(y): _style(c, c, text_colour(c), False) for y, c in pal.items()},
            "styles": {k: _style(*v) for k, v in STATUS_STYLE.items()}}
    edges = sum(1 for n in drawn if n["parent"])
    title = _title(tree["targets"])
    page = html_page(kind="campaign", title=title, meta=_meta(nodes, tree["roots"], counts,
                                                              getattr(store, "backend", "?")),
                     notes=notes, legend=_legend(pal, adopters_by_year, counts, levels if len(levels) > 1 else []),
                     data=data, script=tree_script(), node_count=len(nodes), edge_count=edges,
                     truncated=truncated, css=_TREE_CSS, what="tree view")
    return page, ViewResult(path=None, kind="campaign", node_count=len(nodes), edge_count=edges,
                            truncated=truncated, total_nodes=len(tree["nodes"]), title=title,
                            focus=[t["id"] for t in tree["targets"]])
