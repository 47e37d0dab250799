"""The campaign view: a campaign's diffusion and coverage drawn over the federation tree.

    tree_page(store, "最美家庭", under=None, kind=None, variants=False) -> (page text, ViewResult)

Province → prefectures → counties → townships as a compact org chart (fulian/assets/tree-view.js
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

from fulian.views import ASSETS, FONT_STACK, LEVEL_ZH, ViewError, ViewResult, html_page
from queries.errors import short as _short
from queries.tree import diffusion_tree, status_counts

TREE_MAX_NODES = 5000   # above this the deepest levels are left out (and the page says so)
VISIBLE_MAX = 200       # nodes on screen at open (labels stay legible at the default zoom)
STACKS = (8, 11, 14, 18, 24, 32)  # column heights of stacked leaves tried; the best fit wins
FONT_SIZE = 14          # label size in canvas units
MAX_SCALE = 1.6         # small trees are not blown up beyond this on open
EVIDENCE_MAX = 200      # characters of an evidence sentence in a tooltip
SCRIPT_FILE = "tree-view.js"

# viridis, sampled: the first adopters darkest, the last lightest
VIRIDIS = ("#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58",
           "#b5de2b", "#fde725")
STATUS_STYLE = {  # fill, border, text, dashed border
    "document, no adoption": ("#adb5bd", "#868e96", "#212529", False),
    "no document": ("#f8f9fa", "#adb5bd", "#868e96", True),
    "later": ("#ffffff", "#868e96", "#495057", False),
    "unknown": ("#f783ac", "#c2255c", "#212529", False),
}
STATUS_TEXT = {
    "document, no adoption": "有文件，未实施 documents, no adoption",
    "no document": "无文件 no document in the corpus",
    "later": "此后实施 adopts after the year shown",
    "unknown": "已实施，年份不详 adopted, year unknown",
}


def _hex(c: str) -> tuple[int, int, int]:
    return int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)


def _mix(a: str, b: str, t: float) -> str:
    (r1, g1, b1), (r2, g2, b2) = _hex(a), _hex(b)
    return "#%02x%02x%02x" % (round(r1 + (r2 - r1) * t), round(g1 + (g2 - g1) * t), round(b1 + (b2 - b1) * t))


def palette(years: list[int]) -> dict[int, str]:
    """A colour per year, evenly along viridis (one year: its middle)."""
    out = {}
    for i, y in enumerate(years):
        pos = 0.5 if len(years) == 1 else i / (len(years) - 1)
        at = pos * (len(VIRIDIS) - 1)
        lo = min(int(at), len(VIRIDIS) - 2)
        out[y] = _mix(VIRIDIS[lo], VIRIDIS[lo + 1], at - lo)
    return out


def text_colour(fill: str) -> str:
    r, g, b = _hex(fill)
    return "#212529" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#ffffff"


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
    js = (ASSETS / SCRIPT_FILE).read_text(encoding="utf-8")
    if "</script" in js.lower():
        raise ViewError(f"{SCRIPT_FILE} cannot be inlined (it contains '</script')")
    return js


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


def tree_page(store: Any, name: str, *, under: Optional[str] = None, kind: Optional[str] = None,
              variants: bool = False, max_nodes: int = TREE_MAX_NODES) -> tuple[str, ViewResult]:
    """The campaign view of `name` as page text, and its counts (`path` None)."""
    tree = diffusion_tree(store, name, under=under, kind=kind, variants=variants)
    targets = tree["targets"]
    label = targets[0]["label"] if targets else "Campaign"
    what = "活动扩散 Campaign diffusion" if label == "Campaign" else "法律推行 Law diffusion"
    shown_name = " / ".join(_short(t["name"], 40) for t in targets[:3]) + (" …" if len(targets) > 3 else "")
    nodes, notes = _limit(tree["nodes"], max_nodes)
    truncated = len(nodes) < len(tree["nodes"])
    if not nodes:
        notes.append("No federation implements this in the graph yet. 图中尚无妇联实施此项。")
    counts = status_counts({"nodes": nodes})
    years = sorted({n["first_year"] for n in nodes if n["first_year"]})
    pal = palette(years)
    by_id = {n["id"]: n for n in nodes}
    adopters_by_year: dict[Optional[int], int] = {}
    for n in nodes:
        if n["status"] == "adopted":
            adopters_by_year[n["first_year"]] = adopters_by_year.get(n["first_year"], 0) + 1
    drawn = [{"id": n["id"], "parent": n["parent"] if n["parent"] in by_id else None, "depth": n["depth"],
              "label": short_label(n["name"], by_id[n["parent"]]["name"] if n["parent"] in by_id else None,
                                   n["depth"]),
              "status": n["status"], "year": n["first_year"], "tip": _tooltip(n)} for n in nodes]
    depth_levels: dict[int, str] = {}
    for n in nodes:
        depth_levels.setdefault(n["depth"], n.get("level") or "")
    levels = [(d, LEVEL_ZH.get(lv, lv) or str(d)) for d, lv in sorted(depth_levels.items())]
    data = {"nodes": drawn, "years": years, "font": FONT_STACK, "fontSize": FONT_SIZE, "visibleMax": VISIBLE_MAX,
            "stacks": STACKS, "maxScale": MAX_SCALE,
            "palette": {str(y): _style(c, c, text_colour(c), False) for y, c in pal.items()},
            "styles": {k: _style(*v) for k, v in STATUS_STYLE.items()}}
    tops = [by_id[r]["name"] for r in tree["roots"] if r in by_id]
    edges = sum(1 for n in drawn if n["parent"])
    meta = (f"{len(nodes):,} 妇联 federations" + (f" under {'、'.join(tops[:3])}" if tops else "")
            + f" · adopted {counts['adopted']:,} · documents, no adoption {counts['document, no adoption']:,}"
            f" · no document {counts['no document']:,} · backend {getattr(store, 'backend', '?')}")
    title = f"{what}: {shown_name}"
    page = html_page(kind="campaign", title=title, meta=meta, notes=notes,
                     legend=_legend(pal, adopters_by_year, counts, levels if len(levels) > 1 else []), data=data,
                     script=tree_script(), node_count=len(nodes), edge_count=edges, truncated=truncated,
                     css=_TREE_CSS, what="tree view")
    return page, ViewResult(path=None, kind="campaign", node_count=len(nodes), edge_count=edges,
                            truncated=truncated, total_nodes=len(tree["nodes"]), title=title)

