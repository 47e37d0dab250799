"""`fulian ls`, `fulian info`, `fulian export`: what a graph holds, and the graph for other tools (thin)."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from typing import Any

from graph import schema

LS_EPILOG = """\
examples:
  fulian ls campaigns --match 巾帼          campaigns whose name or alias contains 巾帼, most adopted first
  fulian ls federations --columns name,level,documents
  fulian ls persons --format csv --excel --out persons.csv
"""

EXPORT_EPILOG = """\
examples:
  fulian export --format graphml --out kg.graphml        for Gephi or Cytoscape
  fulian export --format gexf --out adoption.gexf --labels Federation,Campaign,Law
  fulian export --format csv --out kg                   kg-nodes.csv and kg-edges.csv
"""

ADOPTION_NETWORK = "Federation,Campaign,Law"


def _source(p: argparse.ArgumentParser) -> None:
    p.add_argument("--backend", choices=schema.BACKENDS, default="embedded",
                   help="embedded graph file or a Neo4j server (default: embedded)")
    p.add_argument("--graph", default=schema.default_graph(),
                   help="graph file for the embedded backend (default: %(default)s)")


def _open(backend: str, graph: str):
    from fulian.stores import open_store

    return open_store(backend, graph, read_only=True)


def cmd_ls(args: argparse.Namespace) -> int:
    from fulian.output import emit
    from queries.catalog import list_entities

    store = _open(args.backend, args.graph)
    try:
        rows = list_entities(store, args.kind, args.match)
    finally:
        store.close()
    columns = [c for c in (rows[0] if rows else {}) if c not in ("id", "aliases")] if args.format == "table" \
        else None
    emit(rows, args, columns)
    return 0


def _saved(path: str) -> str:
    try:
        stat = os.stat(path)
    except OSError:
        return ""
    when = dt.datetime.fromtimestamp(stat.st_mtime).astimezone().strftime("%Y-%m-%d %H:%M %z")
    return f"{stat.st_size / 1e6:.1f} MB, written {when}"


def cmd_info(args: argparse.Namespace) -> int:
    import json

    from fulian.output import print_table
    from queries.catalog import graph_info

    graph = args.graph_file or args.graph
    store = _open(args.backend, graph)
    try:
        info = graph_info(store)
        where = f"{graph} (embedded, {_saved(graph)})" if args.backend == "embedded" else \
            f"{store.uri} (Neo4j, database {store.database})"
    finally:
        store.close()
    if args.json:
        print(json.dumps({"graph": where, **info}, ensure_ascii=False, indent=2))
        return 0
    years = f"{info['years'][0]}–{info['years'][1]}" if info["years"] else "no year"
    kinds = ", ".join(f"{k} {v:,}" for k, v in info["kinds"].items())
    print(f"graph: {where}")
    print(f"documents: {info['documents']:,} ({kinds}; work years {years}; {info['characters']:,} characters), "
          f"from {info['issuers']:,} issuing federations")
    if info["top_issuers"]:
        print("  most documents: " + "、".join(f"{name} {n}" for name, n in info["top_issuers"]))
    print("  list them: fulian ls documents" + ("" if args.backend == "embedded" else " --backend neo4j"))
    print()
    print_table([{"label": k, "nodes": v} for k, v in info["counts"]["nodes"].items()])
    print()
    print_table([{"relationship": k, "count": v} for k, v in info["counts"]["relationships"].items()])
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from graph.export import export
    from graph.schema import NODE_LABELS

    labels = None
    if args.labels:
        labels = tuple(x.strip() for x in args.labels.split(",") if x.strip())
        unknown = [x for x in labels if x not in NODE_LABELS]
        if unknown:
            from fulian.cli import CliError

            raise CliError(f"--labels: no label {', '.join(unknown)}; the labels are {', '.join(NODE_LABELS)}",
                           exit_code=2)
    store = _open(args.backend, args.graph)
    try:
        res = export(store, args.format, args.out, labels)
    finally:
        store.close()
    print(f"wrote {' and '.join(res['files'])}: {res['nodes']:,} nodes, {res['edges']:,} relationships")
    return 0


def register(subparsers: Any) -> None:
    from fulian.output import add_output_options
    from graph.export import FORMATS
    from queries.catalog import KINDS

    ls = subparsers.add_parser("ls", help="list the campaigns, laws, federations, persons, departments or documents",
                               description="The nodes of one kind with what they take part in; --match keeps "
                                           "those whose name or an alias contains TEXT.",
                               epilog=LS_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    ls.add_argument("kind", choices=list(KINDS), metavar="KIND", help=" | ".join(KINDS))
    ls.add_argument("--match", metavar="TEXT", help="only names or aliases containing TEXT")
    add_output_options(ls)
    _source(ls)
    ls.set_defaults(func=cmd_ls)

    info = subparsers.add_parser("info", help="what a graph holds, from which documents, written when",
                                 description="Counts per label and relationship type, the documents (how many, "
                                             "kinds, work years, issuers) and, for a graph file, when it was "
                                             "written.")
    info.add_argument("graph_file", nargs="?", metavar="GRAPH", help="graph file (default: --graph)")
    info.add_argument("--json", action="store_true", help="print it as JSON")
    _source(info)
    info.set_defaults(func=cmd_info)

    ex = subparsers.add_parser("export", help="write the graph as GraphML, GEXF or CSV (Gephi, Cytoscape)",
                               description="Every node with its label and properties and every relationship "
                                           "with its type and properties, as GraphML or GEXF (networkx) or as "
                                           "FILE-nodes.csv and FILE-edges.csv.",
                               epilog=EXPORT_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    ex.add_argument("--format", choices=FORMATS, required=True)
    ex.add_argument("--out", required=True, metavar="FILE")
    ex.add_argument("--labels", metavar="A,B", help=f"only nodes of these labels (e.g. {ADOPTION_NETWORK})")
    _source(ex)
    ex.set_defaults(func=cmd_export)

