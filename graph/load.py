"""Copy a graph from one store into another (the embedded file into Neo4j)."""

from __future__ import annotations

from typing import Any, Callable, Optional

from graph.model import KnowledgeGraph, Relationship, node_from_properties
from graph.store import GraphStore


def store_to_graph(store: GraphStore) -> KnowledgeGraph:
    """Read every row of a store back into validated records."""
    kg = KnowledgeGraph()
    for row in store.nodes():
        kg.add_node(node_from_properties(row))
    for row in store.relationships():
        kg.add_relationship(Relationship(**{k: v for k, v in row.items() if k != "id"}))
    return kg


def store_to_neo4j(source: GraphStore, target: Any, progress: Optional[Callable[[int], Any]] = None,
                   replace: bool = False) -> None:
    """Merge `source` into `target`; documents whose content changed are replaced, not stacked.

    With `replace`, documents that `target` has and `source` lacks are removed too.
    """
    kg = store_to_graph(source)
    wanted = source.document_hashes()
    for doc_id, digest in target.document_hashes().items():
        if (doc_id in wanted and wanted[doc_id] != digest) or (replace and doc_id not in wanted):
            target.delete_document(doc_id)
    target.write(kg, progress=progress)
