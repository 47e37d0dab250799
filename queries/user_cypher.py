"""A user's own Cypher (a notebook cell, `fulian view query`): read-only, parameterized, one-line errors.

    check_read_only(text)            refuse an obvious write clause before it reaches the server
    parameter_names(text)            the `$name` parameters the text uses (strings and comments skipped)
    run_table(store, text, params)   (columns, rows) from a READ transaction; nodes and relationships as dicts
    run_graph(store, text, params)   (nodes, relationships) the result holds, for drawing
    CypherError                      every failure, phrased in one line with what to do

The store is a `graph.neo4j_store.Neo4jStore`; its READ sessions make the server refuse writes
whatever the text says. Values come back as plain Python: a node is its properties with `label`,
a relationship its properties with `type`, `start_id` and `end_id`, a path a dict of both lists.
"""

from __future__ import annotations

import re
from typing import Any, Optional

from graph.cypher import INTERNAL_PROPERTIES
from graph.store import CypherStore
from queries.errors import QueryError, short

# strings, comments and `quoted` names: no keyword or parameter inside them counts
_STRIP = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`|//[^\n]*|/\*.*?\*/", re.S)
_STRIP_KEEP_NAMES = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|//[^\n]*|/\*.*?\*/", re.S)
_PARAMETER = re.compile(r"\$(?:`([^`]+)`|([^\W\d]\w*)|(\d+))")
_WRITE_CLAUSE = re.compile(
    r"\b(CREATE|MERGE|DELETE|DETACH|SET|REMOVE|DROP|FOREACH|LOAD\s+CSV|ALTER|RENAME|GRANT|DENY|REVOKE|"
    r"TERMINATE|ENABLE|DEALLOCATE|REALLOCATE|IN\s+TRANSACTIONS|PERIODIC\s+COMMIT)\b", re.I)
_WRITE_PROC = re.compile(
    r"\b(apoc\.(create|merge|refactor|periodic|nodes\.delete|atomic|do|trigger|cypher\.(run)?(write|doit|runmany|"
    r"runschema)|load|import|export|schema\.assert|lock)|db\.(create|clear|drop|index\.fulltext\.(create|drop))|dbms\.)",
    re.I)
_POSITION = re.compile(r"\(line (\d+), column (\d+) \(offset: (\d+)\)\)")
_OPTION = re.compile(r"'[^']*'|[^,']+")  # one token of a syntax error's "expected a, 'b', ',' or 'c'"
MESSAGE_MAX = 300


class CypherError(QueryError):
    """A user's Cypher that could not run; the message is one line and says what to do."""


def check_read_only(text: str, what: str = "the query") -> None:
    """Raise CypherError when `text` has a write clause or a writing procedure outside strings and comments."""
    code = _STRIP.sub(" ", text)
    hit = _WRITE_CLAUSE.search(code) or _WRITE_PROC.search(code)
    if hit:
        raise CypherError(f"{what} is read-only: '{short(hit.group(0).upper(), 40)}' would change the graph; "
                          "give a MATCH … RETURN query")


def parameter_names(text: str) -> list[str]:
    """`$name` and `` $`a name` `` parameters of `text` in order of first use, strings and comments skipped."""
    code = _STRIP_KEEP_NAMES.sub(" ", text)
    names = [next(g for g in m.groups() if g is not None) for m in _PARAMETER.finditer(code)]
    return list(dict.fromkeys(names))


def phrase(err: BaseException, uri: str) -> str:
    """One line for a driver error: syntax errors with their position, lost servers with the remedy."""
    from neo4j.exceptions import (AuthError, CypherSyntaxError, DriverError, Neo4jError, ServiceUnavailable,
                                  SessionExpired)

    if isinstance(err, (ServiceUnavailable, SessionExpired)):
        return (f"Neo4j is not reachable at {uri} ({type(err).__name__}): start it with `fulian neo4j up` "
                "or set NEO4J_URI, then run the cell again")
    if isinstance(err, AuthError):
        return f"Neo4j at {uri} refused the credentials: set NEO4J_USER / NEO4J_PASSWORD"
    if isinstance(err, CypherSyntaxError):
        return _syntax(err.message or str(err))
    if isinstance(err, Neo4jError):
        code = err.code or ""
        msg = short((err.message or str(err)).splitlines()[0], MESSAGE_MAX)
        if (code.endswith(("AccessMode", "ForbiddenDueToTransactionType"))
                or (code.endswith("Forbidden") and "overridden by READ" in msg)):
            return f"the query is read-only: Neo4j refused a write ({msg})"
        if code.endswith("ParameterMissing"):
            return f"Neo4j needs a parameter the query names: {msg}"
        return f"Neo4j could not run the query: {msg} [{code.rsplit('.', 1)[-1]}]"
    if isinstance(err, DriverError):
        return f"Neo4j could not run the query: {short(err, MESSAGE_MAX)}"
    return f"{type(err).__name__}: {short(err, MESSAGE_MAX)}"


def _syntax(message: str) -> str:
    lines = message.splitlines()
    head = lines[0] if lines else message
    m = _POSITION.search(head)
    where = ""
    if m:
        head = head[:m.start()].rstrip()
        where = f" at line {m.group(1)}, column {m.group(2)}"
    near = ""
    if len(lines) > 1 and lines[1].strip():
        near = f" — near {short(lines[1].strip().strip(chr(34)), 60)}"
    if ": expected " in head:  # Neo4j lists every token it would take: keep the first few
        said, expected = head.split(": expected ", 1)
        options = [re.sub(r"^or\s+", "", o.strip()) for o in _OPTION.findall(expected) if o.strip()]
        more = f", … {len(options) - 5} more" if len(options) > 5 else ""
        head = f"{said} (expected {', '.join(options[:5])}{more})"
    return f"Cypher syntax error{where}: {short(head, MESSAGE_MAX)}{near}"


# -- plain values -------------------------------------------------------------------------

def _node(n: Any) -> dict[str, Any]:
    row = {k: v for k, v in dict(n).items() if k not in INTERNAL_PROPERTIES}
    labels = sorted(n.labels)
    row.setdefault("label", labels[0] if len(labels) == 1 else labels)
    return row


def _end_id(n: Any) -> Any:
    return n.get("id", n.element_id) if n is not None else None


def _relationship(r: Any) -> dict[str, Any]:
    row = {k: v for k, v in dict(r).items() if k not in INTERNAL_PROPERTIES}
    row.setdefault("type", r.type)
    row.setdefault("start_id", _end_id(r.start_node))
    row.setdefault("end_id", _end_id(r.end_node))
    return row


def plain(value: Any) -> Any:
    """A driver value as plain Python (nodes, relationships and paths as dicts; temporal values native)."""
    from neo4j.graph import Node, Path, Relationship

    if isinstance(value, Node):
        return _node(value)
    if isinstance(value, Relationship):
        return _relationship(value)
    if isinstance(value, Path):
        return {"nodes": [_node(n) for n in value.nodes], "relationships": [_relationship(r) for r in value]}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    to_native = getattr(value, "to_native", None)
    if callable(to_native) and type(value).__module__.startswith("neo4j"):
        try:
            return to_native()
        except (ValueError, OverflowError):
            return str(value)
    return value


def parameter_value(value: Any) -> Any:
    """A notebook value as a Cypher parameter: numpy and pandas scalars, sets, tuples and arrays made plain."""
    if isinstance(value, (set, frozenset)):
        return [parameter_value(v) for v in sorted(value, key=repr)]
    if isinstance(value, (list, tuple)):
        return [parameter_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): parameter_value(v) for k, v in value.items()}
    module = type(value).__module__
    if module.startswith(("numpy", "pandas")):
        if hasattr(value, "tolist"):
            return parameter_value(value.tolist())
        if hasattr(value, "item"):
            return value.item()
    return value


# -- running ------------------------------------------------------------------------------

def _read(store: CypherStore, text: str, params: Optional[dict[str, Any]], work: Any) -> Any:
    """`work(result)` inside a managed transaction of the store's READ session."""
    from neo4j.exceptions import DriverError, Neo4jError

    if not isinstance(store, CypherStore):
        raise CypherError("Cypher needs the Neo4j backend: open a Neo4j store (start one with `fulian neo4j up`)")
    if not (text or "").strip():
        raise CypherError("give a Cypher query, e.g. MATCH (f:Federation) RETURN f.name LIMIT 10")
    clean = {k: parameter_value(v) for k, v in (params or {}).items()}
    try:
        with store.read_session() as s:
            return s.execute_read(lambda tx: work(tx.run(text, clean)))
    except (Neo4jError, DriverError, OSError) as e:
        raise CypherError(phrase(e, store.uri)) from e


def run_table(store: Any, text: str, params: Optional[dict[str, Any]] = None
              ) -> tuple[list[str], list[list[Any]]]:
    """Column names and rows (lists of plain values) of a read-only query."""
    def work(result: Any) -> tuple[list[str], list[list[Any]]]:
        keys = list(result.keys())
        return keys, [[plain(v) for v in values] for values in result.values()]

    return _read(store, text, params, work)


NodeTuple = tuple[str, list[str], dict[str, Any]]


def run_graph(store: Any, text: str, params: Optional[dict[str, Any]] = None
              ) -> tuple[list[NodeTuple], list[tuple[str, str, str, str, dict[str, Any], list[NodeTuple]]]]:
    """The nodes (element id, labels, properties) and relationships (element id, type, start and end
    element ids, properties, both end nodes) a read-only query returns, in paths or on their own."""
    def work(result: Any):
        graph = result.graph()
        nodes = [(n.element_id, list(n.labels), dict(n)) for n in graph.nodes]
        rels = [(r.element_id, r.type, r.start_node.element_id, r.end_node.element_id, dict(r),
                 [(x.element_id, list(x.labels), dict(x)) for x in (r.start_node, r.end_node)])
                for r in graph.relationships]
        return nodes, rels

    return _read(store, text, params, work)
