"""The embedded store: a networkx MultiDiGraph persisted as node-link JSON."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any, Iterable, Optional

import networkx as nx

from graph import schema
from graph.graph_file import Deferred, load_graph_deferred, save_graph, shared_link, shared_node
from graph.lock import file_lock
from graph.model import KnowledgeGraph, Relationship, counts_of
from graph.store import StoreError, alias_claims, aliases_lost, sorted_rows

_PASSAGE_ID = schema.NODE_IDS["Passage"][0] + ":"
_ABSENT = object()


class NetworkxStore:
    """Default store: works with no server. Changes reach the file on `save()`/`close()`."""

    backend = "embedded"

    def __init__(self, path: str | os.PathLike | None = None, *, read_only: bool = False):
        self.path = Path(path) if path else None
        self.read_only = read_only
        self.dirty = False
        self._graph = nx.MultiDiGraph()
        self._rest: Optional[Deferred] = None  # the rows not read yet (see graph_with)
        if self.path is not None and self.path.is_dir():
            raise StoreError(f"{self.path} is a folder, not a graph file: give a file name, "
                             f"e.g. {self.path / 'fulian-graph.json'}")
        # a writer holds the file from reading it to closing: two builds never start from one old file
        self._lock = file_lock(self.path).acquire() if self.path and not read_only else None
        try:
            if self.path and self.path.exists():  # a writer too reads the rest only when it needs it
                self._graph, self._rest = load_graph_deferred(self.path)
            elif self.path and read_only:
                raise StoreError(f"{self.path}: no graph file; build one with `fulian build --out {self.path}` "
                                 "or give --graph FILE")
        except BaseException:
            self._release()
            raise
        self._by_doc: Optional[dict[str, tuple[set, set]]] = None  # doc id -> (edge keys, passage ids)

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The whole graph (node id -> properties, edges keyed by relationship id)."""
        if self._rest is not None:
            rest, self._rest = self._rest, None
            rest.read_into(self._graph)
        return self._graph

    @graph.setter
    def graph(self, g: nx.MultiDiGraph) -> None:
        self._drop_rest()
        self._graph = g

    def graph_with(self, types: Iterable[str], ends: Optional[dict[str, Iterable[str]]] = None) -> nx.MultiDiGraph:
        """The graph, perhaps without some of its relationships (a store opened on a file reads each
        type's only when a caller first needs it), but with every node other than a Passage and at least the
        relationships of `types` (of a type in `ends`, those ending at the ids given; Passage nodes come
        with their link types): for a statement that reads no more."""
        if self._rest is not None:
            self._rest.read(self._graph, types, ends)
            if self._rest.done:
                self._rest = None
        return self._graph

    def _drop_rest(self) -> None:
        if self._rest is not None:
            self._rest.close()
            self._rest = None

    def _doc_index(self) -> dict[str, tuple[set, set]]:
        """What each document stated (built on first use, then kept up to date by writes)."""
        if self._by_doc is None:
            self._by_doc = {}
            for u, v, k, d in self.graph.edges(keys=True, data=True):
                if d.get("doc_id"):
                    self._by_doc.setdefault(d["doc_id"], (set(), set()))[0].add((u, v, k))
            for n, d in self.graph.nodes(data=True):
                if d.get("label") == "Passage" and d.get("doc_id"):
                    self._by_doc.setdefault(d["doc_id"], (set(), set()))[1].add(n)
        return self._by_doc

    # -- writing ---------------------------------------------------------
    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError("this store was opened read-only")

    def write(self, kg: KnowledgeGraph, progress: Optional[Any] = None) -> None:
        self._check_writable()
        g = self.graph
        changed = False  # a write of what the store already holds leaves it clean (no save needed)
        for row in kg.node_rows():
            nid = row["id"]
            if nid in g:
                merged = dict(g.nodes[nid])
                aliases = set(merged.get("aliases", [])) | set(row.get("aliases", []))
                merged.update(row)
                merged["aliases"] = sorted(aliases - {merged["name"]})
                if merged != g.nodes[nid]:
                    g.nodes[nid].clear()
                    g.nodes[nid].update(merged)
                    changed = True
            else:
                shared_node(row)
                g.add_node(row["id"], **row)
                changed = True
            if progress is not None:
                progress(1)
        changed = self._put_relationships(kg.rel_rows(), progress) or changed
        if self._by_doc is not None:
            for n in kg.nodes.values():
                if n.label == "Passage":
                    self._by_doc.setdefault(n.doc_id, (set(), set()))[1].add(n.id)
        self.dirty = self.dirty or changed

    def _put_relationships(self, rows: Iterable[dict], progress: Optional[Any] = None) -> bool:
        """Add or update relationship rows (endpoints present); whether anything changed."""
        g = self.graph
        changed = False
        for row in rows:
            held = g.get_edge_data(row["start_id"], row["end_id"], row["id"])
            if held is None or any(held.get(k, _ABSENT) != v for k, v in row.items()):
                shared_link(row)
                g.add_edge(row["start_id"], row["end_id"], key=row["id"], **row)
                changed = True
            if self._by_doc is not None and row.get("doc_id"):
                self._by_doc.setdefault(row["doc_id"], (set(), set()))[0].add(
                    (row["start_id"], row["end_id"], row["id"]))
            if progress is not None:
                progress(1)
        return changed

    def write_links(self, rels: Iterable[Relationship]) -> None:
        self._check_writable()
        g = self.graph
        rows = [r.properties() for r in rels]
        for row in rows:  # all checked before any is written
            for end in ("start_id", "end_id"):
                if row[end] not in g:
                    raise StoreError(f"{row['type']} {row['id']} refers to {row[end]!r}, which this store "
                                     "does not hold: write its node first (store.write)")
        self.dirty = self._put_relationships(rows) or self.dirty

    def replace_document(self, doc_id: str, kg: KnowledgeGraph) -> None:
        self._check_writable()
        touched, claims = self._delete(doc_id)
        self.write(kg)
        self._prune(touched)
        self._refresh_aliases(aliases_lost(claims, alias_claims(kg.rel_rows("MENTIONS"))))

    def delete_document(self, doc_id: str) -> None:
        self.delete_documents([doc_id])

    def delete_documents(self, doc_ids) -> None:
        self._check_writable()
        touched: set[str] = set()
        claimed: set[str] = set()
        for doc_id in doc_ids:
            t, claims = self._delete(doc_id)
            touched |= t
            claimed |= set(claims)
        self._prune(touched)
        self._refresh_aliases(claimed)

    def _refresh_aliases(self, ids) -> None:
        """Recompute entities' aliases from what the documents still naming them claim."""
        g = self.graph
        for n in ids:
            if n not in g:
                continue
            names = {a for _, _, d in g.in_edges(n, data=True) if d.get("type") == "MENTIONS"
                     for a in d.get("aliases") or ()}
            aliases = sorted(names - {g.nodes[n].get("name")})
            if aliases != g.nodes[n].get("aliases"):
                g.nodes[n]["aliases"] = aliases
                self.dirty = True

    def _delete(self, doc_id: str) -> tuple[set[str], dict[str, set[str]]]:
        """Remove a document's statements; return the nodes they touched (pruning candidates) and the
        aliases it claimed."""
        g = self.graph
        edges, passages = self._doc_index().pop(doc_id, (set(), set()))
        edges = [e for e in edges if g.has_edge(*e)]
        claims = alias_claims(g.edges[e] for e in edges)
        touched = {n for u, v, _ in edges for n in (u, v)}
        for p in passages:
            if p in g:
                touched.update(g.successors(p))
                touched.update(g.predecessors(p))
        g.remove_edges_from(edges)
        g.remove_nodes_from([p for p in passages if p in g])
        if doc_id in g:
            touched.update(g.successors(doc_id))
            g.remove_node(doc_id)
            self.dirty = True
        self.dirty = self.dirty or bool(edges or passages)
        return touched - passages - {doc_id}, claims

    def _prune(self, candidates: set[str]) -> None:
        """Drop candidates no document backs any more, then re-check their hierarchy parents."""
        g = self.graph
        todo = {c for c in candidates if c in g}
        while todo:
            doomed = [n for n in sorted(todo) if g.nodes[n].get("label") in _PRUNABLE and not _backed(g, n, set())]
            parents = {p for n in doomed for p in _hierarchy_parents(g, n)}
            g.remove_nodes_from(doomed)
            self.dirty = self.dirty or bool(doomed)
            todo = {p for p in parents if p in g}

    def delete_relationships(self, rel_type: str) -> None:
        self._check_writable()
        doomed = [(u, v, k) for u, v, k, d in self.graph.edges(keys=True, data=True) if d.get("type") == rel_type]
        self.graph.remove_edges_from(doomed)
        self.dirty = self.dirty or bool(doomed)

    def clear(self) -> None:
        self._check_writable()
        self.graph = nx.MultiDiGraph()
        self._by_doc = None
        self.dirty = True

    def save(self, path: str | os.PathLike | None = None) -> Path:
        target = Path(path) if path else self.path
        if target is None:
            raise StoreError("no file to save to: give the store a path")
        save_graph(self.graph, target)
        self.dirty = False
        return target

    def close(self) -> None:
        try:
            if self.dirty and self.path is not None and not self.read_only:
                self.save()
        finally:
            self._release()

    def _release(self) -> None:
        self._drop_rest()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def writing(self) -> contextlib.AbstractContextManager:
        """Nothing to take: a writable embedded store holds its file's lock from opening to closing."""
        return contextlib.nullcontext()

    # -- reading ---------------------------------------------------------
    def _graph_for(self, label: Optional[str] = None, rel_type: Optional[str] = None) -> nx.MultiDiGraph:
        """The graph a read of `label` nodes or `rel_type` links needs."""
        if rel_type is not None:
            return self.graph_with([rel_type])
        return self.graph if label is None or label == "Passage" else self._graph

    def document_hashes(self) -> dict[str, str]:
        return {n: d.get("content_hash", "") for n, d in self._graph_for("Document").nodes(data=True)
                if d.get("label") == "Document"}

    def node(self, node_id: str) -> Optional[dict[str, Any]]:
        g = self.graph if node_id.startswith(_PASSAGE_ID) else self._graph
        if node_id not in g:
            return None
        return dict(g.nodes[node_id])

    def nodes(self, label: Optional[str] = None) -> list[dict[str, Any]]:
        return sorted_rows(dict(d) for _, d in self._graph_for(label).nodes(data=True)
                           if label is None or d.get("label") == label)

    def relationships(self, rel_type: Optional[str] = None) -> list[dict[str, Any]]:
        return sorted_rows(dict(d) for _, _, d in self._graph_for(rel_type=rel_type).edges(data=True)
                           if rel_type is None or d.get("type") == rel_type)

    def counts(self) -> dict[str, dict[str, int]]:
        g = self._graph
        held = counts_of((d for _, d in g.nodes(data=True)), (d for _, _, d in g.edges(data=True)))
        if self._rest is None:
            return held
        passages, links = self._rest.unread()  # rows not parsed yet are counted, not read
        nodes = {**held["nodes"], "Passage": held["nodes"].get("Passage", 0) + passages}
        rels = {**held["relationships"], **links}  # a type not read whole: its block's count
        return {"nodes": {k: n for k, n in sorted(nodes.items()) if n},
                "relationships": {k: n for k, n in sorted(rels.items()) if n}}

    def __enter__(self) -> "NetworkxStore":
        return self

    def __exit__(self, *exc: Any) -> None:
        if exc[0] is None:
            self.close()
        else:
            self._release()


_PRUNABLE = schema.ENTITY_LABELS + ("Region",)


def _hierarchy_parents(g: nx.MultiDiGraph, n: str) -> list[str]:
    ups = [u for u, _, d in g.in_edges(n, data=True) if d.get("type") == "LEADS" and not d.get("doc_id")]
    ups += [v for _, v, d in g.out_edges(n, data=True) if d.get("type") in ("PART_OF", "IN_REGION")]
    return ups


def _backed(g: nx.MultiDiGraph, n: str, seen: set) -> bool:
    """A document states something about `n`, or about a node below it in the hierarchy."""
    seen.add(n)
    if any(d.get("doc_id") for _, _, d in g.in_edges(n, data=True)) or \
            any(d.get("doc_id") for _, _, d in g.out_edges(n, data=True)):
        return True
    below = [v for _, v, d in g.out_edges(n, data=True) if d.get("type") == "LEADS" and not d.get("doc_id")]
    below += [u for u, _, d in g.in_edges(n, data=True) if d.get("type") in ("PART_OF", "IN_REGION")]
    return any(_backed(g, b, seen) for b in below if b not in seen)


def unbacked_nodes(g: nx.MultiDiGraph) -> list[str]:
    """Entities and regions with no document behind them, directly or through a node below.

    Gazetteer-derived links (no `doc_id`: a parent federation's LEADS, a region's PART_OF)
    keep a node only while something below it is still named by a document.
    """
    backed = {n for u, v, d in g.edges(data=True) if d.get("doc_id") for n in (u, v)}
    todo = list(backed)
    while todo:
        for up in _hierarchy_parents(g, todo.pop()):
            if up not in backed:
                backed.add(up)
                todo.append(up)
    return [n for n, d in g.nodes(data=True) if d.get("label") in _PRUNABLE and n not in backed]
