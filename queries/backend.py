"""Run one named statement on whichever store is open, and make the rows canonical.

`run(store, "adoptions", labels=[...], ids=None)` sends `queries.cypher.STATEMENTS[name]`
with those parameters to Neo4j, or calls `queries.nx_queries.QUERIES[name]` on the embedded
graph. Rows come back canonical: lists sorted, store-internal properties dropped, rows sorted,
so the two backends can be compared row for row.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, cast

from graph import collector
from graph.cypher import INTERNAL_PROPERTIES
from graph.schema import BACKENDS
from graph.store import CypherStore, EmbeddedStore, GraphStore
from queries import cypher, nx_queries
from queries.errors import QueryError



def _key(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def canonical(value: Any) -> Any:
    """Sort every list, drop internal properties; dicts keep their keys."""
    if isinstance(value, dict):
        return {k: canonical(v) for k, v in value.items() if k not in INTERNAL_PROPERTIES}
    if isinstance(value, (list, tuple)):
        items = [canonical(v) for v in value]
        return sorted(items, key=_key) if len(items) > 1 else items
    return value


def backend_of(store: GraphStore) -> str:
    backend = getattr(store, "backend", None)
    if backend not in BACKENDS:
        raise QueryError(f"unsupported store backend {backend!r}: use an embedded or neo4j store")
    return backend


def fetch(store: GraphStore, name: str, **params: Any) -> list[dict[str, Any]]:
    """Rows of statement `name` with `params` as the store gives them: in no set order, lists
    unsorted. For callers that order what they need themselves (packed statements such as
    `adoption_list`, whose inner lists are positional and must not be sorted)."""
    if name not in cypher.STATEMENTS:
        raise QueryError(f"no statement named {name!r}")
    expected = set(cypher.PARAMETERS[name])
    if set(params) != expected:
        raise QueryError(f"statement {name} takes parameters {sorted(expected)}, got {sorted(params)}")
    if backend_of(store) == "neo4j":
        return cast(CypherStore, store).read_values(cypher.STATEMENTS[name], params)
    if name in nx_queries.QUERIES:
        embedded = cast(EmbeddedStore, store)
        reads = nx_queries.READS.get(name)
        if reads is None:
            g = embedded.graph
        else:
            ids = params.get("ids") if name in nx_queries.BY_TARGET else None
            g = embedded.graph_with(reads, None if ids is None else {"IMPLEMENTS": ids})
        with collector.paused():  # a question's rows hold no cycles: no collection walks the graph
            return nx_queries.QUERIES[name](g, **params)
    raise QueryError(f"statement {name} needs Neo4j (the embedded store matches names by scanning)")


def canonical_rows(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows made canonical and sorted, as `run` returns them."""
    return sorted((canonical(r) for r in rows), key=_key)


def run(store: GraphStore, name: str, **params: Any) -> list[dict[str, Any]]:
    """Rows of statement `name` with `params`, canonical."""
    return canonical_rows(fetch(store, name, **params))


def delete_repeats(store: Any) -> None:
    """Remove every REPEATS link (a write: the store must be writable)."""
    store.delete_relationships("REPEATS")
