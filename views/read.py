"""What the views read, on either store: named statements of `queries` only, names resolved as
`fulian query` resolves them, a user's Cypher through the store's READ session.

Rows come back in a set order (by id), so a view draws the same page from either store.
"""

from __future__ import annotations

from typing import Any, Iterable, Optional, Sequence

from graph.schema import ENTITY_LABELS
from queries import backend, user_cypher
from queries.resolve import resolve_one
from views.result import ViewError


def _by_id(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: r["id"])


def federation(store: Any, name: str) -> dict[str, Any]:
    """The one federation `name` names (name or alias, as `fulian query chain` finds it), with what a
    view draws of it; QueryError when none or several."""
    fid = resolve_one(store, name, ("Federation",))["id"]
    return nodes(store, [fid], ("Federation",))[0]


def nodes(store: Any, ids: Iterable[str], labels: Sequence[str]) -> list[dict[str, Any]]:
    """The nodes `ids` of `labels` (those that exist), by id."""
    return _by_id(backend.fetch(store, "drawn_nodes", ids=list(dict.fromkeys(ids)), labels=list(labels)))


def documents(store: Any, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Document id -> its title, date and address (edge tooltips)."""
    ids = sorted(set(ids))
    return {r["id"]: r for r in nodes(store, ids, ("Document",))} if ids else {}


def federations(store: Any) -> list[dict[str, Any]]:
    """Every federation, by id."""
    return _by_id(backend.fetch(store, "drawn_federations"))


def neighbours(store: Any, ids: Iterable[str], types: Sequence[str],
               others: Sequence[str] = ENTITY_LABELS) -> list[dict[str, Any]]:
    """The nodes of `others` one relationship of `types` (either way) from the entities `ids`, by id."""
    return _by_id(backend.fetch(store, "drawn_neighbours", ids=list(dict.fromkeys(ids)), labels=list(ENTITY_LABELS),
                                types=list(types), others=list(others)))


def links(store: Any, ids: Iterable[str], types: Sequence[str],
          labels: Sequence[str] = ENTITY_LABELS) -> list[dict[str, Any]]:
    """The relationships of `types` between the nodes `ids` of `labels`, by ends, type and id."""
    rows = backend.fetch(store, "drawn_links", ids=list(dict.fromkeys(ids)), labels=list(labels), types=list(types))
    return sorted(rows, key=lambda r: (r["start_id"], r["end_id"], r["type"], str(r["id"])))


def below(store: Any, fid: str) -> list[dict[str, Any]]:
    """The federations under `fid` through LEADS (with their `depth`), the nearest first, then by id."""
    return sorted(backend.fetch(store, "drawn_below", id=fid), key=lambda r: (r["depth"], r["id"]))


def check_read_only(cypher: str) -> None:
    """Refuse a query with an obvious write clause before it reaches the server (which refuses it too)."""
    try:
        user_cypher.check_read_only(cypher, "view query")
    except user_cypher.CypherError as e:
        raise ViewError(str(e)) from None


def query_graph(store: Any, cypher: str, params: Optional[dict[str, Any]] = None):
    """The nodes and relationships a user's read-only Cypher returns (see queries.user_cypher.run_graph)."""
    cypher = (cypher or "").strip()
    if not cypher:
        raise ViewError("give a Cypher query, e.g. \"MATCH p=(f:Federation)-[:IMPLEMENTS]->(c) RETURN p LIMIT 50\"")
    if backend.backend_of(store) != "neo4j":
        raise ViewError("view query needs the Neo4j backend: add --backend neo4j (and start it: `fulian neo4j up`)")
    check_read_only(cypher)
    try:
        return user_cypher.run_graph(store, cypher, params)
    except user_cypher.CypherError as e:
        raise ViewError(str(e).replace("the query is read-only", "view query is read-only", 1)) from e
