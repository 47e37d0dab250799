"""The GraphStore protocol and backend selection."""

from __future__ import annotations

from typing import Any, Iterable, Iterator, Optional, Protocol, runtime_checkable

from graph.errors import FulianError
from graph.model import KnowledgeGraph, Relationship
from graph.schema import BACKENDS, default_graph


class StoreError(FulianError, RuntimeError):
    """A store could not be opened, read or written; the message says what to do."""


@runtime_checkable
class GraphStore(Protocol):
    """What every backend offers, and all that code given any store may use. Rows are flat property
    dicts (`label`/`type` included). What one backend adds is its own protocol below."""

    backend: str  # one of schema.BACKENDS
    read_only: bool

    def write(self, kg: KnowledgeGraph, progress: Optional[Any] = None) -> None:
        """Merge a graph in: same ids update, never duplicate."""

    def replace_document(self, doc_id: str, kg: KnowledgeGraph) -> None:
        """Drop what `doc_id` stated before and write `kg` in its place, all or nothing."""

    def delete_document(self, doc_id: str) -> None:
        """Remove a document, its passages and the relationships it alone supports."""

    def delete_documents(self, doc_ids: Iterable[str]) -> None:
        """`delete_document` for several, pruning what is left unbacked once."""

    def write_links(self, rels: Iterable[Relationship]) -> None:
        """Merge relationships between nodes the store already holds (derived links such as
        REPEATS), without writing their endpoints again; a missing endpoint is a StoreError."""

    def delete_relationships(self, rel_type: str) -> None:
        """Remove every relationship of one type (for derived links that are recomputed)."""

    def document_hashes(self) -> dict[str, str]:
        """doc id -> content hash of every loaded document."""

    def node(self, node_id: str) -> Optional[dict[str, Any]]: ...

    def nodes(self, label: Optional[str] = None) -> list[dict[str, Any]]: ...

    def relationships(self, rel_type: Optional[str] = None) -> list[dict[str, Any]]:
        """Rows with `id`, `type`, `start_id`, `end_id` and the stored properties."""

    def counts(self) -> dict[str, dict[str, int]]: ...

    def clear(self) -> None: ...

    def writing(self) -> Any:
        """A context manager holding the store's writer lock (graph.lock) for one build, load or removal."""

    def close(self) -> None: ...

    def __enter__(self) -> Any: ...

    def __exit__(self, *exc: Any) -> None: ...


@runtime_checkable
class EmbeddedStore(GraphStore, Protocol):
    """An in-process store: the networkx graph the statements' twins (queries.nx_queries) read."""

    graph: Any  # networkx.MultiDiGraph: node id -> properties, edges keyed by relationship id

    def graph_with(self, types: Any, ends: Any = None) -> Any:
        """`graph`, or (not all read yet) that graph with every node but the Passages and at least the
        relationships of `types` (of a type in `ends`, those ending at the ids `ends[type]`)."""


@runtime_checkable
class CypherStore(GraphStore, Protocol):
    """A store on a Cypher server: named statements (queries.cypher) run through its READ sessions."""

    uri: str
    database: str

    def read(self, query: str, params: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
        """Records of a read query, as plain data."""

    def read_values(self, query: str, params: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
        """Records of a read query returning plain values only (no nodes, relationships, paths)."""

    def read_session(self) -> Any:
        """A READ session (a neo4j driver session: `execute_read`) on the store's database."""


@runtime_checkable
class BulkTarget(CypherStore, Protocol):
    """What graph.load.store_to_neo4j writes through: batches of rows, derived links synced by id."""

    batch_rows: int
    writers: int

    def ensure_schema(self) -> None: ...

    def write_batches(self, batches: Iterable[tuple[list[dict], list[dict]]], create: bool = False,
                      progress: Optional[Any] = None, workers: int = 1, keep_aliases: bool = False) -> None: ...

    def settle(self) -> None: ...

    def relationship_ids(self, rel_type: str) -> list[dict[str, Any]]: ...

    def document_relationship_ids(self, rel_type: str, doc_ids: list[str], into: bool = False) -> list[dict[str, Any]]: ...

    def derived_digests(self) -> dict[str, Optional[str]]: ...

    def set_derived_digests(self, digests: dict[str, str]) -> None: ...

    def delete_relationship_elements(self, element_ids: list[str]) -> None: ...

    def changed_rows(self, node_rows: list[dict], rel_rows: list[dict]) -> tuple[list[dict], list[dict]]: ...

    def write_shared(self, node_rows: list[dict], rel_rows: list[dict], progress: Optional[Any] = None) -> None: ...

    def refresh_aliases(self, ids: list[str]) -> None: ...

    def derived_relationships(self, rel_type: str) -> list[dict[str, Any]]: ...

    def set_relationship_properties(self, rows: list[dict]) -> None: ...


def open_store(backend: str = "embedded", path: Optional[str] = None, *, read_only: bool = False,
               uri: Optional[str] = None, user: str = "neo4j", password: str = "") -> GraphStore:
    """Open a store by backend name: `embedded` (networkx file at `path`) or `neo4j` (the server at
    `uri`, logged in as `user` with `password`)."""
    if backend == "embedded":
        from graph.nx_store import NetworkxStore

        return NetworkxStore(path or default_graph(), read_only=read_only)
    if backend == "neo4j":
        from graph.neo4j_store import Neo4jStore

        if not uri:
            raise StoreError("a Neo4j store needs the server's Bolt URI (e.g. bolt://127.0.0.1:7687)")
        return Neo4jStore(uri, user, password, read_only=read_only)
    raise StoreError(f"unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}")


def cannot_write(path: Any, e: OSError, remedy: str) -> StoreError:
    """One line for a failed write of `path`: what the OS said, in words, and what to do."""
    import errno

    what = {errno.ENOSPC: "no space left on the device", errno.EDQUOT: "disk quota exceeded",
            errno.EFBIG: "file too large for the file system or the size limit",
            errno.EACCES: "permission denied", errno.EPERM: "permission denied",
            errno.EROFS: "read-only file system", errno.EISDIR: "it is a folder"}.get(e.errno or -1)
    return StoreError(f"cannot write {path}: {what or e.strerror or e}; {remedy}")


def pack_groups(groups: Iterable[tuple[list[dict], list[dict]]],
                batch_rows: int) -> Iterator[tuple[list[dict], list[dict]]]:
    """(node rows, relationship rows) groups packed into batches of about `batch_rows` rows;
    a group (one document's rows) is never split, so a batch may exceed the size by one group."""
    nodes: list[dict] = []
    rels: list[dict] = []
    for n, r in groups:
        if (nodes or rels) and len(nodes) + len(rels) + len(n) + len(r) > batch_rows:
            yield nodes, rels
            nodes, rels = [], []
        nodes.extend(n)
        rels.extend(r)
    if nodes or rels:
        yield nodes, rels


def slices(rows: list[dict], size: int) -> Iterator[list[dict]]:
    """`rows` in consecutive slices of `size`."""
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


# An entity's `aliases` are the union of what the documents naming it call it. Each document's share
# sits on its first MENTIONS of the entity (`aliases`), so a store that replaces or deletes a document
# recomputes the aliases of the entities whose share it took away, and incremental equals fresh.

def alias_claims(rel_rows: Iterable[dict]) -> dict[str, set[str]]:
    """entity id -> the aliases the given (one document's) MENTIONS rows claim for it."""
    claims: dict[str, set[str]] = {}
    for r in rel_rows:
        if r.get("type") == "MENTIONS" and r.get("aliases"):
            claims.setdefault(r["end_id"], set()).update(r["aliases"])
    return claims


def aliases_lost(before: dict[str, set[str]], after: dict[str, set[str]]) -> list[str]:
    """Entities whose aliases a document claimed before and no longer claims: to recompute."""
    return sorted(n for n, names in before.items() if names - after.get(n, set()))


def sorted_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: r["id"])
