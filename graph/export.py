"""The graph for other tools: GraphML and GEXF (Gephi, Cytoscape; written by networkx) or two CSV files.

    export(store, "graphml", "kg.graphml", labels=None)  -> {"nodes": n, "edges": m, "files": [...]}

Every node keeps its id, label and properties; every relationship its type, id and properties (in
GEXF the label is the name shown, so a node's label is called `kind` and a relationship's type
`relation` there).
GraphML and GEXF take plain values only, so lists (aliases, targets) become text joined by "; " and
empty values are left out. `labels` keeps only nodes of those labels (and the relationships between
them), e.g. ("Federation", "Campaign", "Law") for the adoption network without the provenance.
CSV writes FILE-nodes.csv and FILE-edges.csv (UTF-8 with a byte order mark, as Excel and Gephi's
importer read Chinese text).
"""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path
from typing import Any, Iterable, Optional

from graph.errors import FulianError

FORMATS = ("graphml", "gexf", "csv")


class ExportError(FulianError):
    """An export that cannot be written; the message says why."""


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple, set)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool) or isinstance(value, (int, float, str)):
        return value
    return str(value)


def _props(row: dict[str, Any], drop: Iterable[str] = ()) -> dict[str, Any]:
    return {k: _plain(v) for k, v in row.items() if k not in drop and v not in (None, "", [], ())}


def to_networkx(store: Any, labels: Optional[tuple[str, ...]] = None):
    """A networkx MultiDiGraph of the store (nodes of `labels` only, when given)."""
    import networkx as nx

    g = nx.MultiDiGraph()
    for n in store.nodes():
        if labels is None or n.get("label") in labels:
            g.add_node(n["id"], **_props(n, drop=("aliases_text",)))
    for r in store.relationships():
        if r["start_id"] in g and r["end_id"] in g:
            g.add_edge(r["start_id"], r["end_id"], key=r.get("id"),
                       **_props(r, drop=("start_id", "end_id", "start_label", "end_label")))
    return g


def _for_gexf(g):
    """GEXF gives `label` (the name shown) and an edge's `type` (directed or not) meanings of its own:
    a node's label moves to `kind` and its name becomes the label; a relationship's type to `relation`."""
    h = g.copy()
    for n, d in h.nodes(data=True):
        d["kind"] = d.pop("label", "")
        d["label"] = d.get("name") or n
    for _, _, d in h.edges(data=True):
        d["relation"] = d.pop("type", "")
        d["label"] = d["relation"]
    return h


def _atomic(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _write_csv(path: Path, rows: list[dict[str, Any]], first: list[str]) -> None:
    columns = first + sorted({k for r in rows for k in r} - set(first))

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=columns)
            w.writeheader()
            w.writerows(rows)

    _atomic(path, write)


def export(store: Any, fmt: str, out: str | os.PathLike, labels: Optional[tuple[str, ...]] = None) -> dict[str, Any]:
    """Write the store as `fmt` to `out`; returns the node and edge counts and the files written."""
    import networkx as nx

    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    g = to_networkx(store, labels)
    out = Path(out)
    if fmt == "csv":
        stem = out.with_suffix("") if out.suffix == ".csv" else out
        nodes_path, edges_path = Path(f"{stem}-nodes.csv"), Path(f"{stem}-edges.csv")
        _write_csv(nodes_path, [{"id": n, **d} for n, d in g.nodes(data=True)], ["id", "label", "name"])
        _write_csv(edges_path, [{"source": u, "target": v, **d} for u, v, d in g.edges(data=True)],
                   ["source", "target", "type", "id"])
        files = [nodes_path, edges_path]
    elif fmt == "gexf":
        _atomic(out, lambda tmp: nx.write_gexf(_for_gexf(g), tmp))
        files = [out]
    else:
        _atomic(out, lambda tmp: nx.write_graphml(g, tmp))
        files = [out]
    return {"nodes": g.number_of_nodes(), "edges": g.number_of_edges(), "files": [str(f) for f in files]}
