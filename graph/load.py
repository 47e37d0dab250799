"""Copy a graph from one store into another (the embedded file into Neo4j)."""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Optional

from graph import collector, schema
from graph.model import KnowledgeGraph, Relationship, legacy_document_id, node_from_properties
from graph.store import BulkTarget, GraphStore, StoreError, pack_groups, slices

DERIVED = schema.DERIVED_REL_TYPES  # recomputed over the whole graph after a build: synced by id, not per document
# derived types hanging from passages: read per document (through the passages' doc_id index)
_BY_DOCUMENT = tuple(t for t in DERIVED if all(a == "Passage" for a, _ in schema.REL_TYPES[t].ends))


def store_to_graph(store: GraphStore) -> KnowledgeGraph:
    """Read every row of a store back into validated records."""
    kg = KnowledgeGraph()
    for row in store.nodes():
        kg.add_node(node_from_properties(row))
    for row in store.relationships():
        kg.add_relationship(Relationship(**{k: v for k, v in row.items() if k != "id"}))
    return kg


def _source_rows(source: GraphStore) -> tuple[Iterable[dict], Iterable[dict]]:
    """Node and relationship rows of `source`, read in place when it is an embedded store (no copy)."""
    g = getattr(source, "graph", None)
    if g is not None:  # a node without data was only named by a relationship
        return (d or {"missing": n} for n, d in g.nodes(data=True)), (d for _, _, d in g.edges(data=True))
    return source.nodes(), source.relationships()


@dataclass
class LoadPlan:
    """What a load writes: shared rows (MERGE), each pending document's own rows (CREATE), derived links."""

    stale: list[str] = field(default_factory=list)          # documents to delete first
    shared_nodes: list[dict] = field(default_factory=list)  # entities and regions
    shared_rels: list[dict] = field(default_factory=list)   # gazetteer links (no document)
    documents: dict[str, tuple[list[dict], list[dict]]] = field(default_factory=dict)  # pending doc -> rows
    derived: list[dict] = field(default_factory=list)       # REPEATS and VARIANT_OF rows
    source_docs: set[str] = field(default_factory=set)
    source_entities: set[str] = field(default_factory=set)  # entity and region ids of the source
    skipped: int = 0                                         # unchanged documents
    total_rows: int = 0                                      # nodes + relationships of the source
    written: int = 0                                         # rows sent to the target (after the load)
    partial: bool = False                                    # the target holds documents the source lacks
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step (bulk loads)
    derived_read: int = 0                                    # derived links read from the target (sync)

    def rows(self) -> int:
        return (len(self.shared_nodes) + len(self.shared_rels) + len(self.derived)
                + sum(len(n) + len(r) for n, r in self.documents.values()))

    def document_batches(self, batch_rows: int) -> Iterator[tuple[list[dict], list[dict]]]:
        """Pending documents grouped into batches of about `batch_rows` rows; a document is never split."""
        return pack_groups((self.documents[d] for d in sorted(self.documents)), batch_rows)


def _check_node(row: dict, where: str) -> None:
    if isinstance(row, dict) and "missing" in row:
        raise StoreError(f"{where}: a relationship points at {row['missing']!r}, which is not a node of the "
                         "graph; rebuild the graph with `fulian build`")
    if not isinstance(row, dict) or not isinstance(row.get("id"), str) or not row["id"]:
        raise StoreError(f"{where}: a node without an id ({str(row)[:120]}); rebuild the graph with `fulian build`")
    if row.get("label") not in schema.NODE_LABELS:
        raise StoreError(f"{where}: node {row['id']!r} has unknown label {row.get('label')!r}; "
                         "rebuild the graph with `fulian build`")


def _check_rel(row: dict, ids: dict[str, str], where: str) -> None:
    rid = row.get("id") if isinstance(row, dict) else None
    if not isinstance(rid, str) or not rid:
        raise StoreError(f"{where}: a relationship without an id ({str(row)[:120]}); "
                         "rebuild the graph with `fulian build`")
    if row.get("type") not in schema.REL_TYPES:
        raise StoreError(f"{where}: relationship {rid!r} has unknown type {row.get('type')!r}; "
                         "rebuild the graph with `fulian build`")
    for end, label in (("start_id", "start_label"), ("end_id", "end_label")):
        if ids.get(row.get(end)) != row.get(label) or row.get(label) is None:
            raise StoreError(f"{where}: relationship {rid!r} points at {row.get(end)!r}, which is not a "
                             f"{row.get(label)} node of the graph; rebuild the graph with `fulian build`")


def document_versions(rows: Iterable[dict]) -> dict[str, str]:
    """doc id -> its version: the content hash, where the document is (a rename or a copy changes it)
    and the names the corpus pass found in it (which change its statements)."""
    return {r["id"]: (r.get("content_hash") or "") + ("|" + json.dumps([r["paths"], r.get("files") or []],
                                                                       ensure_ascii=False) if r.get("paths") else "")
            + ("|" + json.dumps(r["corpus_names"], ensure_ascii=False) if r.get("corpus_names") else "")
            for r in rows}


def plan_load(source: GraphStore, have: dict[str, str], replace: bool = False,
              legacy: Iterable[str] = ()) -> LoadPlan:
    """Sort the rows of `source` for a load into a target whose documents are at versions `have`
    (`document_versions`; plain content hashes do for documents that record no paths).

    A document is pending when the target lacks it or holds another version; unchanged documents
    are skipped. `legacy` are the target's documents from before path ids (`doc:<stem>`): those a
    source document stands for (same file stem) are removed. Entities and regions a pending
    document touches, and the gazetteer links, are shared rows (merged); a pending document's
    Document and Passage nodes and the relationships it states are its own (created, in one
    transaction).
    """
    where = str(getattr(source, "path", None) or "source graph")
    source_docs = source.nodes("Document")
    wanted = document_versions(source_docs)
    superseded = {legacy_document_id(r["source"]) for r in source_docs if r.get("id_path") and r.get("source")}
    node_rows, rel_rows = _source_rows(source)
    ids: dict[str, str] = {}
    own_nodes: dict[str, list[dict]] = {}
    entity_nodes: dict[str, dict] = {}
    n_nodes = n_rels = 0
    for row in node_rows:
        n_nodes += 1
        _check_node(row, where)
        ids[row["id"]] = row["label"]
        if row["label"] == "Document":
            own_nodes.setdefault(row["id"], []).append(row)
        elif row["label"] == "Passage":
            own_nodes.setdefault(row.get("doc_id") or "", []).append(row)
        else:
            entity_nodes[row["id"]] = row
    docs = set(own_nodes) | set(wanted)
    plan = LoadPlan()
    own_rels: dict[str, list[dict]] = {}
    touched_by: dict[str, set[str]] = {}  # entity id -> documents whose relationships touch it
    for row in rel_rows:
        n_rels += 1
        _check_rel(row, ids, where)
        doc = row.get("doc_id") or ""
        if row["type"] in DERIVED:
            plan.derived.append(row)
        elif not doc:
            plan.shared_rels.append(row)
            for end in (row["start_id"], row["end_id"]):
                touched_by.setdefault(end, set()).add("")
        else:
            docs.add(doc)
            own_rels.setdefault(doc, []).append(row)
            for end in (row["start_id"], row["end_id"]):
                if end in entity_nodes:
                    touched_by.setdefault(end, set()).add(doc)
    docs.discard("")
    if "" in own_nodes:  # passages without a document: nothing owns them, merge them like entities
        entity_nodes.update((r["id"], r) for r in own_nodes.pop(""))
    plan.source_docs = docs
    plan.source_entities = set(entity_nodes)
    plan.total_rows = n_nodes + n_rels
    legacy = set(legacy)
    plan.stale = sorted(d for d, digest in have.items()
                        if (d in wanted and wanted[d] != digest) or (replace and d not in docs)
                        or (d in legacy and d in superseded and d not in docs))
    pending = {d for d in docs if d not in have or have[d] != wanted.get(d)}
    plan.skipped = len(docs) - len(pending)
    plan.documents = {d: (own_nodes.get(d, []), own_rels.get(d, [])) for d in pending}
    plan.shared_nodes = [row for nid, row in entity_nodes.items()
                         if nid not in touched_by or "" in touched_by[nid] or touched_by[nid] & pending]
    return plan


Relink = Callable[[Any], list[dict]]  # the store -> every derived (REPEATS) row its passages support


@collector.paused()  # rows and links: no cycles to collect
def store_to_neo4j(source: GraphStore, target: BulkTarget, progress: Optional[Callable[[int], Any]] = None,
                   replace: bool = False, relink: Optional[Relink] = None) -> LoadPlan:
    """Load `source` into the Neo4j store `target`; returns what was done.

    Unchanged documents (same content hash) are skipped, changed ones replaced, new ones
    created; with `replace`, documents that `target` has and `source` lacks are removed.
    Each document is written whole in one transaction, so an interrupted load leaves whole
    documents and the same command finishes it. Derived links (REPEATS, VARIANT_OF) are synced by id
    at the end.

    Merging a graph that holds only some of the database's documents (a shard of `fulian build
    --shard`, or any other graph file): the entities it shares get the aliases every document's
    MENTIONS claim, and with `relink` (loaders.pipeline.derived_rows) the links that span documents
    are recomputed over the whole database and synced (without it the source's links are added and
    those of the other documents kept: `fulian load` relinks once after its last file).
    `plan.partial` says whether the target held such other documents; `plan.timings` the seconds
    of each step.
    """
    with target.writing():
        return _load(source, target, progress, replace, relink)


def _load(source: GraphStore, target: BulkTarget, progress: Optional[Callable[[int], Any]], replace: bool,
          relink: Optional[Relink] = None) -> LoadPlan:
    timings: dict[str, float] = {}
    clock = _Clock(timings)
    have = target.nodes("Document")
    clock("read_documents_s")
    plan = plan_load(source, document_versions(have), replace, legacy=[r["id"] for r in have if not r.get("id_path")])
    plan.timings = timings
    clock("plan_s")
    target.ensure_schema()
    clock("schema_s")
    target.delete_documents(plan.stale)
    clock("delete_stale_s")
    if progress is not None:  # rows of unchanged documents count as done
        progress(plan.total_rows - plan.rows())
    # an unchanged document whose corpus-pass fingerprint moved (the names looked for changed, the names
    # found did not) keeps its statements: only its Document node is brought up to date
    held = {r["id"]: r for r in have}
    marks = [r for r in source.nodes("Document") if r["id"] in held and r["id"] not in plan.documents
             and r["id"] not in plan.stale and r.get("corpus_known") != held[r["id"]].get("corpus_known")]
    shared_nodes, shared_rels = target.changed_rows(plan.shared_nodes + marks, plan.shared_rels)
    clock("compare_shared_s")
    if progress is not None:  # shared rows the target already holds as they are
        progress(len(plan.shared_nodes) + len(marks) - len(shared_nodes) + len(plan.shared_rels) - len(shared_rels))
    target.write_shared(shared_nodes, shared_rels, progress=progress)
    clock("shared_s")
    target.write_batches(plan.document_batches(target.batch_rows), create=True, progress=progress,
                         workers=target.writers)
    clock("documents_s")
    others = {r["id"] for r in have} - set(plan.stale) - plan.source_docs
    plan.partial = bool(others)
    if others:  # the database holds documents this graph lacks: its entities' aliases and links are not whole
        target.refresh_aliases([r["id"] for r in plan.shared_nodes if r["label"] in schema.ENTITY_LABELS])
        clock("aliases_s")
    if others and relink is not None:
        created = sync_all_derived(relink(target), target, progress)
    else:
        created = sync_derived(plan, target, progress)
    clock("derived_s")
    target.settle()
    clock("settle_s")
    plan.written = (len(shared_nodes) + len(shared_rels) + created
                    + sum(len(n) + len(r) for n, r in plan.documents.values()))
    return plan


class _Clock:
    """Records the seconds since the previous call under each name given."""

    def __init__(self, into: dict[str, float]):
        self.into = into
        self.t = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.into[name] = self.into.get(name, 0.0) + now - self.t
        self.t = now


def _version(row: dict) -> tuple:
    """What tells two derived links of one id apart: score, rule, and the clause on each side (REPEATS)."""
    return (row.get("score"), row.get("rule"), row.get("start"), row.get("source_start"))


def derived_digests(rows: Iterable[dict], docs: Iterable[str]) -> dict[str, str]:
    """doc id -> a digest of the derived links it states (id and version of each), for every doc of `docs`."""
    by_doc: dict[str, list] = {d: [] for d in docs}
    for r in rows:
        if r.get("doc_id") in by_doc:
            by_doc[r["doc_id"]].append((r["id"],) + _version(r))
    return {d: hashlib.sha1(json.dumps(sorted(v, key=str), default=str).encode()).hexdigest()
            for d, v in by_doc.items()}


def sync_derived(plan: LoadPlan, target: BulkTarget, progress: Optional[Callable[[int], Any]] = None) -> int:
    """Make the target's derived links those of the source; returns how many were created.

    The source speaks for the links of its documents (REPEATS, by `doc_id`) and for the links
    without a document whose both ends it holds (VARIANT_OF between its campaigns); links of
    documents only the target has are kept. A link whose score or clauses changed (rarity depends
    on the whole corpus) is replaced.

    Only the links that may differ are read, through the passages' index: those into fresh
    documents (pending ones, and those without a digest: new since their links were synced, or
    whose links were cut), and all the links of each document whose digest of links
    (`derived_digests`, kept on the Document node) differs from the source's even when its links
    into fresh documents are left out; the links without a document are all read.
    """
    def ours(r: dict) -> bool:
        if r.get("doc_id"):
            return r["doc_id"] in plan.source_docs
        return r.get("start_id") in plan.source_entities and r.get("end_id") in plan.source_entities

    digests = derived_digests(plan.derived, plan.source_docs)
    stored = target.derived_digests()
    node_doc = {n["id"]: d for d, (nodes, _) in plan.documents.items() for n in nodes}
    fresh = set(plan.documents) | {d for d in plan.source_docs if stored.get(d) is None}

    def into_fresh(r: dict) -> bool:
        return (node_doc.get(r.get("end_id")) or r.get("source_doc_id")) in fresh

    moved = {d for d, v in digests.items() if stored.get(d) != v}
    if moved:  # a document whose links differ only by links into fresh documents has only those read
        kept = derived_digests((r for r in plan.derived if not into_fresh(r)), moved)
        moved = {d for d in moved if d in fresh or stored.get(d) != kept[d]}
    existing = {}
    for rel_type in DERIVED:
        if rel_type in _BY_DOCUMENT:
            rows = (target.document_relationship_ids(rel_type, sorted(moved))
                    + target.document_relationship_ids(rel_type, sorted(fresh), into=True))
        else:
            rows = target.relationship_ids(rel_type)
        existing.update((r["element_id"], r) for r in rows)
    existing = list(existing.values())
    plan.derived_read = len(existing)
    derived = [r for r in plan.derived if not r.get("doc_id") or r["doc_id"] in moved or into_fresh(r)]
    wanted = {r["id"]: _version(r) for r in derived}
    have = {r["id"] for r in existing if wanted.get(r["id"]) == _version(r)}
    doomed = sorted(r["element_id"] for r in existing if r["id"] not in have and (r["id"] in wanted or ours(r)))
    target.delete_relationship_elements(doomed)
    new = [r for r in derived if r["id"] not in have]
    batches = [([], chunk) for chunk in slices(new, target.batch_rows)]
    target.write_batches(batches, create=True, progress=progress, workers=target.writers)
    target.set_derived_digests({d: v for d, v in digests.items() if stored.get(d) != v})
    if progress is not None:
        progress(len(plan.derived) - len(new))
    return len(new)


def relink_all(target: BulkTarget, relink: Relink) -> int:
    """Recompute the links across documents (REPEATS, VARIANT_OF) over every passage of the target and sync them
    (after merging graph files that each held only some documents); returns how many were created."""
    with target.writing():
        return sync_all_derived(relink(target), target)


def sync_all_derived(wanted: list[dict], target: BulkTarget, progress: Optional[Callable[[int], Any]] = None) -> int:
    """Make the target's derived links (REPEATS, VARIANT_OF) exactly `wanted` (recomputed over the whole database): remove the
    others, create the missing, update the changed; returns how many were created."""
    existing = {r["id"]: r for rel_type in DERIVED for r in target.derived_relationships(rel_type)}
    by_id = {r["id"]: r for r in wanted}
    target.delete_relationship_elements(sorted(r["element_id"] for i, r in existing.items() if i not in by_id))
    changed = []
    for i, row in by_id.items():
        if i in existing:
            props = {k: v for k, v in row.items() if k not in _REL_ENDS}
            if _comparable(existing[i]["props"]) != _comparable(props):
                changed.append({"element_id": existing[i]["element_id"], "props": props})
    target.set_relationship_properties(changed)
    new = [r for i, r in by_id.items() if i not in existing]
    target.write_batches([([], chunk) for chunk in slices(new, target.batch_rows)], create=True,
                         progress=progress, workers=target.writers)
    target.set_derived_digests(derived_digests(wanted, target.derived_digests()))
    return len(new)


_REL_ENDS = ("type", "start_id", "end_id", "start_label", "end_label")


def _comparable(props: dict) -> dict:
    return {k: v for k, v in props.items() if v is not None and v != []}
