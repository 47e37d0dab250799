"""`fulian view KIND ...`: write an interactive HTML view (thin: parse, open the store, call views)."""

from __future__ import annotations

import argparse
from typing import Any

from graph import schema

EPILOG = """\
examples:
  fulian view campaign 美丽庭院 --out campaign.html
  fulian view campaign 最美家庭 --under 长沙市妇联 --out changsha.html
  fulian view federation 长沙市望城区妇联 --depth 2 --out fed.html
  fulian view hierarchy 湖南省妇联 --out tree.html
  fulian view query "MATCH p=(f:Federation)-[:IMPLEMENTS]->(c:Campaign) RETURN p LIMIT 200" --backend neo4j

The page is one self-contained HTML file: it opens offline in any browser.
"""


def _common(p: argparse.ArgumentParser, kind: str) -> None:
    p.add_argument("--out", default=f"fulian-{kind}.html", help="HTML file to write (default: %(default)s)")
    p.add_argument("--backend", choices=schema.BACKENDS, default="neo4j" if kind == "query" else "embedded",
                   help="graph to read: the embedded file or a Neo4j server (default: %(default)s)")
    p.add_argument("--graph", default=schema.default_graph(),
                   help="embedded graph file (default: %(default)s)")
    p.add_argument("--uri", help="Neo4j Bolt URI (default: NEO4J_URI or the local server of `fulian neo4j up`)")
    p.add_argument("--max-nodes", type=int, default=None, metavar="N",
                   help="keep at most N nodes: the upper levels of a campaign tree (default 5000), "
                        "else the most connected (default 1000)")


def register(subparsers: Any) -> None:
    v = subparsers.add_parser(
        "view", help="write an interactive HTML view (campaign, federation, hierarchy, query)",
        description="Draw part of the graph as a self-contained interactive HTML page (works offline).",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    kinds = v.add_subparsers(dest="view_kind", metavar="KIND")
    kinds.required = True

    c = kinds.add_parser("campaign", aliases=["coverage"],
                         help="how one campaign (or law) spread over the federation tree, and who has not",
                         description="The federation tree (province → prefectures → counties → townships) under "
                                     "the top adopter or --under: each federation coloured by the year it first "
                                     "adopted NAME, grey when its documents never do, pale and dashed when the "
                                     "corpus has no document of it. A year slider plays the diffusion; tooltips "
                                     "give evidence and documents; large trees open level by level.")
    c.add_argument("name", metavar="NAME", help="campaign name or alias (a law's name works too)")
    c.add_argument("--under", metavar="FEDERATION", help="draw the tree below this federation "
                                                         "(default: the highest adopter standing for a region)")
    c.add_argument("--variants", action="store_true", help="also its variant family (VARIANT_OF: 美家美妇 → 美家美妇她行动, …)")
    c.add_argument("--kind", choices=["campaign", "law"], help="only campaigns or only laws of that name")
    _common(c, "campaign")

    f = kinds.add_parser("federation", help="a federation's neighbourhood",
                         description="A federation with its campaigns, laws, partner departments, parent and "
                                     "children, out to --depth hops.")
    f.add_argument("name", metavar="NAME", help="federation name or alias")
    f.add_argument("--depth", type=int, default=1, help="hops from the federation, 1-5 (default: %(default)s)")
    _common(f, "federation")

    h = kinds.add_parser("hierarchy", help="the federation tree (LEADS between federations)",
                         description="Federations and the LEADS links from parent to child; from ROOT down, "
                                     "or all of them.")
    h.add_argument("root", metavar="ROOT", nargs="?", help="start from this federation (default: the whole tree)")
    _common(h, "hierarchy")

    q = kinds.add_parser("query", help="draw a read-only Cypher query's result (Neo4j)",
                         description="Run a read-only Cypher query in a READ session and draw the nodes, "
                                     "relationships and paths it returns. Write clauses are refused.")
    q.add_argument("cypher", metavar="CYPHER")
    _common(q, "query")

    v.set_defaults(func=cmd_view)


def cmd_view(args: argparse.Namespace) -> int:
    from views import ViewError, render
    from fulian.stores import open_store

    kind = {"coverage": "campaign"}.get(args.view_kind, args.view_kind)
    if kind == "query" and args.backend != "neo4j":
        raise ViewError("view query needs the Neo4j backend: use --backend neo4j")
    arg = {"campaign": getattr(args, "name", None), "federation": getattr(args, "name", None),
           "hierarchy": getattr(args, "root", None), "query": getattr(args, "cypher", None)}[kind]
    store = open_store(args.backend, args.graph, read_only=True, uri=args.uri)
    try:
        options = ({"under": args.under, "variants": args.variants, "target_kind": args.kind}
                   if kind == "campaign" else {"depth": getattr(args, "depth", 1)})
        result = render(kind, store, arg, out=args.out, max_nodes=args.max_nodes, **options)
    finally:
        store.close()
    note = f" (large result: {result.total_nodes:,} nodes, {result.node_count:,} kept)" if result.truncated else ""
    print(f"wrote {result.path}: {result.node_count} nodes, {result.edge_count} edges{note}")
    return 0
