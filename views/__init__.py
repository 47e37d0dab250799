"""Interactive HTML views of the graph: one self-contained page per view, usable offline.

    render("campaign", store, "美丽庭院", out="x.html")  -> ViewResult
    campaign_view(store, name, out)      a campaign's (or law's) diffusion over the federation tree (views.tree)
    federation_view(store, name, out, depth=1)   a federation's neighbourhood
    hierarchy_view(store, root, out)     the federation tree (LEADS Federation→Federation)
    query_view(store, cypher, out)       any read-only Cypher query's nodes and relationships (Neo4j)

Both stores work, and draw the same page: a view reads through the named statements of `queries`
(views.read) and resolves names as `fulian query` does. The data side: views.read, views.kinds
(what each view draws), views.drawing (drawing model, truncation, tooltips); the page side:
views.page (the frame and the inlined vis-network of views/assets), views.network (pyvis),
views.tree (the campaign tree), views.style (colours and shapes).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

from views import kinds, read
from views.drawing import MAX_NODES
from views.kinds import MAX_DEPTH
from views.network import network_page
from views.page import html_page, vis_network_js, write_page
from views.read import check_read_only
from views.result import ViewError, ViewResult
from views.style import LABEL_MAX
from views.tree import TREE_MAX_NODES, tree_page

KINDS = ("campaign", "federation", "hierarchy", "query")

__all__ = ["KINDS", "MAX_NODES", "MAX_DEPTH", "LABEL_MAX", "TREE_MAX_NODES", "ViewError", "ViewResult", "draw",
           "render", "write_page", "html_page", "vis_network_js", "check_read_only", "campaign_view",
           "federation_view", "hierarchy_view", "query_view"]


def draw(kind: str, store: Any, arg: Optional[str] = None, *, depth: int = 1, max_nodes: Optional[int] = None,
         params: Optional[dict[str, Any]] = None, under: Optional[str] = None, variants: bool = False,
         target_kind: Optional[str] = None) -> tuple[str, ViewResult]:
    """One view of `store` as page text (and its counts; `path` is None).

    kind: campaign (arg: name; under, variants, target_kind "campaign"/"law": see views.tree), federation
    (arg: name; depth), hierarchy (arg: optional root), query (arg: Cypher; params: its `$parameters`).
    """
    if kind not in KINDS:
        raise ViewError(f"unknown view {kind!r}: choose one of {', '.join(KINDS)}")
    if max_nodes is not None and (not isinstance(max_nodes, int) or max_nodes < 1):
        raise ViewError(f"max_nodes must be a positive whole number, got {max_nodes!r}")
    if kind == "campaign":
        return tree_page(store, arg or "", under=under, variants=variants, kind=target_kind,
                         max_nodes=max_nodes or TREE_MAX_NODES)
    if kind == "query":
        d = kinds.query(store, arg or "", params)
    elif kind == "federation":
        d = kinds.federation(store, arg or "", depth)
    else:
        d = kinds.hierarchy(store, arg)
    d.limit(max_nodes or MAX_NODES, by="order" if kind == "hierarchy" else "degree")
    return network_page(d, read.documents(store, d.doc_ids()), getattr(store, "backend", "?"))


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
