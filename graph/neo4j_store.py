"""The Neo4j store: the official driver, MERGE on deterministic ids, one transaction per batch."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from typing import Any, Callable, Iterable, Optional

import networkx as nx

from graph import cypher
from graph.lock import WriterLock, database_lock
from graph.model import KnowledgeGraph, Relationship, list_fields
from graph.order import page_key
from graph.nx_store import unbacked_nodes
from graph.store import StoreError, alias_claims, aliases_lost, pack_groups, slices, sorted_rows

BATCH_ROWS = 5000
WRITERS = 2  # concurrent write transactions in a bulk load (FULIAN_NEO4J_WRITERS)
_REL_ENDS = ("type", "start_id", "end_id", "start_label", "end_label")


def _by_rel_key(rel_rows: Iterable[dict]) -> dict[tuple[str, str, str], list[dict]]:
    """Relationship rows as the MERGE/CREATE statements take them, per (type, start label, end label)."""
    by_rel: dict[tuple[str, str, str], list[dict]] = defaultdict(list)
    for row in rel_rows:
        props = stored_rel_props(row)
        by_rel[(row["type"], row["start_label"], row["end_label"])].append(
            {"id": row["id"], "start_id": row["start_id"], "end_id": row["end_id"], "props": props})
    return by_rel


def connection_help(uri: str, err: Exception) -> str:
    from neo4j.exceptions import AuthError

    if isinstance(err, AuthError):
        return (f"Neo4j at {uri} refused the credentials (NEO4J_USER / NEO4J_PASSWORD): set NEO4J_PASSWORD "
                "to the server's password, or for the local server leave it unset so the stored one is used")
    return (f"Neo4j is not reachable at {uri} ({type(err).__name__}): start it with `fulian neo4j up` "
            "or set NEO4J_URI to a running server")


def stored_node_props(row: dict[str, Any]) -> dict[str, Any]:
    """A node row's properties as the database stores them: an entity also holds its aliases as one
    text and its IRREGULAR flag (None, which removes it, when its forms are all plain)."""
    props = {k: v for k, v in row.items() if k != "label"}
    if "aliases" in props:
        props["aliases_text"] = " ".join(props["aliases"])
        forms = [f for f in [props.get("name"), *props["aliases"]] if f is not None]
        props[cypher.IRREGULAR] = True if any(not _PLAIN.fullmatch(f) for f in forms) else None
    return props


def stored_rel_props(row: dict[str, Any]) -> dict[str, Any]:
    """A relationship row's properties as the database stores them: an IMPLEMENTS also holds its page key."""
    props = {k: v for k, v in row.items() if k not in _REL_ENDS}
    if row["type"] == "IMPLEMENTS":
        props[cypher.PAGE_KEY] = page_key(row["end_id"], row.get("year"))
    return props


def _comparable(props: dict[str, Any]) -> dict[str, Any]:
    """Properties as the database keeps them: no None, no empty lists (the offline importer stores none)."""
    return {k: v for k, v in props.items() if v is not None and v != []}


_PLAIN = re.compile(cypher.PLAIN_FORM)
_INTERNAL = (*cypher.INTERNAL_PROPERTIES, cypher.DERIVED_DIGEST)  # kept by the database for itself, not part of the graph


def _node_row(label: str, props: dict[str, Any]) -> dict[str, Any]:
    row = {k: v for k, v in props.items() if k not in _INTERNAL}
    row["label"] = label
    for k in list_fields(label):  # the offline importer stores no empty arrays
        row.setdefault(k, [])
    return row


def _rel_row(rec: dict[str, Any]) -> dict[str, Any]:
    row = {k: v for k, v in rec["props"].items() if k not in _INTERNAL}
    for k in _REL_ENDS:
        row[k] = rec[k]
    for k in list_fields(None):
        row.setdefault(k, [])
    return row


class Neo4jStore:
    """A GraphStore on the Neo4j server at `uri`, logged in as `user` with `password` (the CLI works
    out the defaults: NEO4J_* variables, the local server's port and password file; see
    fulian.stores.connection_settings). Read-only stores open READ sessions only."""

    backend = "neo4j"

    def __init__(self, uri: str, user: str = "neo4j", password: str = "", *, read_only: bool = False,
                 database: Optional[str] = None, batch_rows: int = BATCH_ROWS, connect_timeout: float = 4.0):
        self.uri, self._user, self._password = uri, user, password
        self.read_only = read_only
        self.database = database or os.environ.get("NEO4J_DATABASE", "neo4j")
        self.batch_rows = int(os.environ.get("FULIAN_BATCH_ROWS", batch_rows))
        self.writers = max(1, int(os.environ.get("FULIAN_NEO4J_WRITERS", WRITERS)))
        self._timeout = connect_timeout
        self._connect()

    def _connect(self) -> None:
        import neo4j

        try:
            self.driver = neo4j.GraphDatabase.driver(
                self.uri, auth=(self._user, self._password), connection_timeout=self._timeout,
                connection_acquisition_timeout=self._timeout + 1, max_transaction_retry_time=15.0,
                # a new database has no labels yet: "label does not exist" warnings are noise on stderr
                notifications_min_severity="OFF")
            self.driver.verify_connectivity()
        except (neo4j.exceptions.Neo4jError, neo4j.exceptions.DriverError, OSError, ValueError) as e:
            raise StoreError(connection_help(self.uri, e)) from e
        self._schema_ready = False
        self._indexes_seen: set[str] = set()

    def reconnect(self) -> None:
        """A new driver (after the server was restarted, e.g. by a bulk import)."""
        self.driver.close()
        self._connect()

    # -- plumbing --------------------------------------------------------
    def _session(self, write: bool):
        import neo4j

        if write and self.read_only:
            raise StoreError("this store was opened read-only")
        mode = neo4j.WRITE_ACCESS if write else neo4j.READ_ACCESS
        return self.driver.session(database=self.database, default_access_mode=mode)

    def read_session(self) -> Any:
        """A READ session on the store's database (the server refuses writes whatever a query says):
        for running a user's own Cypher, whose results may hold nodes, relationships and paths."""
        return self._session(write=False)

    def read(self, query: str, params: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
        """Run a read query in a READ session (the server refuses writes) and return plain records."""
        return self._managed(False, lambda tx: [r.data() for r in tx.run(query, params or {})])

    def read_values(self, query: str, params: Optional[dict[str, Any]] = None) -> list[dict[str, Any]]:
        """Like `read`, for statements returning plain values only (no nodes, relationships or paths):
        the values are taken as the driver gives them, without `Record.data()` walking each again
        (which costs more than the query on packed rows holding thousands of lists)."""
        def work(tx: Any) -> list[dict[str, Any]]:
            result = tx.run(query, params or {})
            keys = result.keys()
            return [dict(zip(keys, values)) for values in result.values()]

        return self._managed(False, work)

    def _write_tx(self, fn: Callable[[Any], Any]) -> Any:
        """One managed write transaction (retried by the driver on transient failures)."""
        return self._managed(True, fn)

    def _managed(self, write: bool, fn: Callable[[Any], Any]) -> Any:
        import neo4j

        try:
            with self._session(write=write) as s:
                return s.execute_write(fn) if write else s.execute_read(fn)
        except (neo4j.exceptions.ServiceUnavailable, neo4j.exceptions.SessionExpired) as e:
            # one wording for reads too: a load reads (hashes, ids) between its writes
            raise StoreError(f"lost the connection to Neo4j at {self.uri} ({type(e).__name__}): check it is "
                             "running (`fulian neo4j status`) and run the same command again; what was "
                             "written is whole") from e

    def ensure_schema(self, fresh: bool = False) -> None:
        """Constraints first, then indexes (idempotent). `fresh`: a database just imported, which has no
        index of an earlier version: the plain and full-text indexes are created first and populate
        in the background while each constraint builds its own index, then all are awaited.

        A database an earlier version wrote gets what its indexes stand for first (page keys on its
        IMPLEMENTS, IRREGULAR flags on its entities), then those indexes: an index never stands for
        keys or flags that are missing."""
        if self._schema_ready:
            return
        unkeyed = unflagged = False
        with self._session(write=True) as s:
            if fresh:
                stmts = (cypher.indexes(fresh=True) + [cypher.page_index()] + cypher.name_indexes()
                         + cypher.constraints(fresh=True))
            else:
                found = s.run(cypher.index_config(), name=cypher.FULLTEXT_INDEX).single()
                if found is not None and any(found["config"].get(k) != v for k, v in cypher.FULLTEXT_CONFIG.items()):
                    s.run(cypher.drop_fulltext_index()).consume()  # made by an earlier version: rebuilt below
                unkeyed = s.run(cypher.index_named(), name=cypher.PAGE_INDEX).single() is None
                unflagged = s.run(cypher.index_named(), name=cypher.NAME_INDEX).single() is None
                stmts = (cypher.constraints() + cypher.indexes() + ([] if unkeyed else [cypher.page_index()])
                         + ([] if unflagged else cypher.name_indexes()))
            for stmt in stmts:
                s.run(stmt).consume()
            s.run(cypher.await_indexes(), seconds=600).consume()  # writing during a population can fail
        if unkeyed or unflagged:
            if unkeyed:
                self._add_page_keys()
            if unflagged:
                self._write_tx(lambda tx: tx.run(cypher.flag_irregular_forms()).consume())
            with self._session(write=True) as s:
                for stmt in ([cypher.page_index()] if unkeyed else []) + (cypher.name_indexes() if unflagged else []):
                    s.run(stmt).consume()
                s.run(cypher.await_indexes(), seconds=600).consume()
        self._schema_ready = True

    def has_index(self, name: str) -> bool:
        """Whether the database has the index `name` (remembered once seen: indexes are not dropped)."""
        if name not in self._indexes_seen and self.read(cypher.index_named(), {"name": name}):
            self._indexes_seen.add(name)
        return name in self._indexes_seen

    def _add_page_keys(self) -> None:
        """Set the page key (graph.order.page_key) of every IMPLEMENTS that has none, in transactions of
        `batch_rows`."""
        rows = [{"id": r["id"], "key": page_key(r["target_id"], r["year"])}
                for r in self.read(cypher.unkeyed_implements())]
        for chunk in slices(rows, self.batch_rows):
            self._write_tx(lambda tx, c=chunk: tx.run(cypher.set_page_keys(), rows=c).consume())

    def settle(self) -> None:
        """Wait until the full-text index has taken in every write (it is updated beside the writes)."""
        with self._session(write=False) as s:
            s.run(cypher.await_fulltext()).consume()

    # -- writing ---------------------------------------------------------
    @staticmethod
    def _statements(node_rows: Iterable[dict], rel_rows: Iterable[dict],
                    create: bool = False, keep_aliases: bool = False) -> list[tuple[str, list[dict]]]:
        """(query, rows) per label and relationship key: MERGE, or CREATE for rows known to be absent.
        With `keep_aliases`, merged nodes add the rows' aliases to theirs instead of taking them."""
        by_label: dict[str, list[dict]] = defaultdict(list)
        for row in node_rows:
            by_label[row["label"]].append({"id": row["id"], "props": stored_node_props(row)})
        by_rel = _by_rel_key(rel_rows)
        node_q = (cypher.create_nodes if create else
                  cypher.merge_nodes_keeping_aliases if keep_aliases else cypher.merge_nodes)
        rel_q = cypher.create_relationships if create else cypher.merge_relationships
        stmts = [(node_q(label), rows) for label, rows in sorted(by_label.items())]
        stmts += [(rel_q(*key), rows) for key, rows in sorted(by_rel.items())]
        return stmts

    def _run_statements(self, stmts: list[tuple[str, list[dict]]]):
        def work(tx):
            for query, rows in stmts:
                for chunk in slices(rows, self.batch_rows):
                    tx.run(query, rows=chunk).consume()

        return work

    def write(self, kg: KnowledgeGraph, progress: Optional[Any] = None) -> None:
        """Write document by document; several documents share a transaction, none is split.
        Entities keep the aliases other documents gave them (as in the embedded store)."""
        self.ensure_schema()
        self._write_tx(lambda tx: tx.run(cypher.clear_derived_digests()).consume())  # links written outside a load
        self.write_batches(document_batches(kg, self.batch_rows), progress=progress, keep_aliases=True)
        self.settle()

    def write_links(self, rels: Iterable[Relationship]) -> None:
        """Merge relationships between nodes already in the database, a batch per transaction; a batch
        with a missing endpoint is refused whole (StoreError), the batches before it stay written."""
        self.ensure_schema()
        self._write_tx(lambda tx: tx.run(cypher.clear_derived_digests()).consume())  # links written outside a load
        for key, rows in sorted(_by_rel_key(r.properties() for r in rels).items()):
            query = cypher.merge_links(*key)
            for chunk in slices(rows, self.batch_rows):
                def work(tx, chunk=chunk):
                    written = tx.run(query, rows=chunk).single()["written"]
                    if written != len(chunk):
                        raise StoreError(f"{len(chunk) - written} of {len(chunk)} {key[0]} links refer to nodes "
                                         "this database does not hold: write those nodes first (store.write)")
                self._write_tx(work)
        self.settle()

    def write_rows(self, node_rows: list[dict], rel_rows: list[dict], create: bool = False,
                   keep_aliases: bool = False) -> None:
        """Write rows in one transaction.

        With `create`, the rows are taken to be absent (a new document's own nodes and
        relationships) and are created without a lookup; should one exist after all, the
        uniqueness constraints refuse the transaction and it is run again with MERGE.
        With `keep_aliases`, merged nodes add the rows' aliases to theirs (a load from a
        graph file instead sets them: the file holds every document's).
        """
        import neo4j

        self.ensure_schema()
        if create:
            try:
                self._write_tx(self._run_statements(self._statements(node_rows, rel_rows, create=True)))
                return
            except neo4j.exceptions.ConstraintError:
                pass
        self._write_tx(self._run_statements(self._statements(node_rows, rel_rows, keep_aliases=keep_aliases)))

    def write_batches(self, batches: Iterable[tuple[list[dict], list[dict]]], create: bool = False,
                      progress: Optional[Callable[[int], Any]] = None, workers: int = 1,
                      keep_aliases: bool = False) -> None:
        """One transaction per (node rows, relationship rows) batch; see `write_rows`.

        With `workers` > 1 that many transactions run at once (the batches must not depend on
        each other, e.g. different documents); the server retries the ones that deadlock.
        """
        def one(batch: tuple[list[dict], list[dict]]) -> int:
            self.write_rows(batch[0], batch[1], create=create, keep_aliases=keep_aliases)
            return len(batch[0]) + len(batch[1])

        def report(done: int) -> None:
            if progress is not None:
                progress(done)

        if workers <= 1:
            for batch in batches:
                report(one(batch))
            return
        from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

        with ThreadPoolExecutor(max_workers=workers) as pool:
            running: set = set()
            try:
                for batch in batches:
                    if len(running) >= 2 * workers:  # bounded: batches are built lazily
                        finished, running = wait(running, return_when=FIRST_COMPLETED)
                        for f in finished:
                            report(f.result())
                    running.add(pool.submit(one, batch))
                for f in running:
                    report(f.result())
            except BaseException:
                for f in running:
                    f.cancel()
                raise

    def changed_rows(self, node_rows: list[dict], rel_rows: list[dict]) -> tuple[list[dict], list[dict]]:
        """The rows the database does not hold as they are (absent, or other properties): shared rows
        that an incremental load need not write again. Reads by id through the id constraints
        (relationships of types without one: from their start node)."""
        def same(stored: dict, props: dict) -> bool:
            return _comparable({k: v for k, v in stored.items() if k != cypher.DERIVED_DIGEST}) == _comparable(props)

        out_nodes: list[dict] = []
        by_label: dict[str, list[dict]] = defaultdict(list)
        for row in node_rows:
            by_label[row["label"]].append(row)
        for label, rows in sorted(by_label.items()):
            for chunk in slices(rows, self.batch_rows):
                stored = {r["id"]: r["props"] for r in
                          self.read_values(cypher.node_properties(label), {"ids": [r["id"] for r in chunk]})}
                out_nodes += [r for r in chunk if r["id"] not in stored or not same(stored[r["id"]], stored_node_props(r))]
        out_rels: list[dict] = []
        by_type: dict[str, list[dict]] = defaultdict(list)
        for row in rel_rows:
            by_type[row["type"]].append(row)
        from graph import schema

        for rel_type, rows in sorted(by_type.items()):
            by_ends: dict[tuple[str, str], list[dict]] = defaultdict(list)
            for r in rows:  # without an id index: found from their start node
                by_ends[(r["start_label"], r["end_label"])].append(r)
            if rel_type in schema.EXTRACTED_REL_TYPES:
                groups = [(cypher.relationship_properties(rel_type), rows)]
            else:
                groups = [(cypher.relationship_properties_from(rel_type, *ends), group)
                          for ends, group in sorted(by_ends.items())]
            for query, chunk in ((q, c) for q, group in groups for c in slices(group, self.batch_rows)):
                params = ({"ids": [r["id"] for r in chunk]} if rel_type in schema.EXTRACTED_REL_TYPES else
                          {"rows": [{"id": r["id"], "start_id": r["start_id"], "end_id": r["end_id"]} for r in chunk]})
                stored = {r["id"]: r["props"] for r in self.read_values(query, params)}
                out_rels += [r for r in chunk if r["id"] not in stored or not same(stored[r["id"]], stored_rel_props(r))]
        return out_nodes, out_rels

    def write_shared(self, node_rows: list[dict], rel_rows: list[dict],
                     progress: Optional[Callable[[int], Any]] = None) -> None:
        """Merge shared rows (entities, regions, gazetteer links) in transactions of `batch_rows`:
        nodes first, so the links find their ends."""
        batches = [(chunk, []) for chunk in slices(node_rows, self.batch_rows)]
        batches += [([], chunk) for chunk in slices(rel_rows, self.batch_rows)]
        self.write_batches(batches, progress=progress)

    def derived_relationships(self, rel_type: str) -> list[dict[str, Any]]:
        """{id, element_id, props} of every relationship of a derived type (REPEATS)."""
        return self.read_values(cypher.relationships_with_properties(rel_type))

    def set_relationship_properties(self, rows: list[dict]) -> None:
        """Replace relationships' properties: `rows` of {element_id, props}, in transactions of `batch_rows`."""
        for chunk in slices(rows, self.batch_rows):
            self._write_tx(lambda tx, c=chunk: tx.run(cypher.set_relationship_properties(), rows=c).consume())

    def refresh_aliases(self, ids: list[str]) -> None:
        """Set the aliases of the entities `ids` to what the MENTIONS naming them claim (after a merge of
        a graph that holds only some of the database's documents)."""
        for chunk in slices(sorted(ids), self.batch_rows):
            self._refresh_aliases(chunk)

    def relationship_ids(self, rel_type: str) -> list[dict[str, Any]]:
        """{id, doc_id, element_id, start_id, end_id (without a document only)} of every relationship of one type."""
        return self.read(cypher.relationship_ids(rel_type))

    def document_relationship_ids(self, rel_type: str, doc_ids: list[str], into: bool = False) -> list[dict[str, Any]]:
        """Like `relationship_ids`, for the links the documents `doc_ids` state (REPEATS; through the passages'
        index), or with `into` the links that end at their passages."""
        out: list[dict[str, Any]] = []
        for chunk in slices(sorted(doc_ids), self.batch_rows):
            out += self.read_values(cypher.document_relationship_ids(rel_type, into), {"doc_ids": chunk})
        return out

    def derived_digests(self) -> dict[str, Optional[str]]:
        """doc id -> the digest of its derived links when they were last synced (None: unknown)."""
        return {r["id"]: r["digest"] for r in self.read_values(cypher.derived_digests())}

    def set_derived_digests(self, digests: dict[str, str]) -> None:
        """Record documents' derived-link digests, in transactions of `batch_rows`."""
        rows = [{"id": d, "digest": v} for d, v in sorted(digests.items())]
        for chunk in slices(rows, self.batch_rows):
            self._write_tx(lambda tx, c=chunk: tx.run(cypher.set_derived_digests(), rows=c).consume())

    def delete_relationship_elements(self, element_ids: list[str]) -> None:
        """Remove relationships by element id (from `relationship_ids`), in transactions of `batch_rows`."""
        for chunk in slices(element_ids, self.batch_rows):
            self._write_tx(lambda tx, c=chunk: tx.run(cypher.delete_relationships_by_element_id(), ids=c).consume())

    def replace_document(self, doc_id: str, kg: KnowledgeGraph) -> None:
        """Delete and rewrite one document in a single transaction; then prune, and recompute the
        aliases the old version gave and the new one does not."""
        self.ensure_schema()
        stmts = self._statements(kg.node_rows(), kg.rel_rows(), keep_aliases=True)
        claims = self._alias_claims([doc_id])

        def work(tx):
            tx.run(cypher.delete_document(), doc_id=doc_id).consume()
            self._run_statements(stmts)(tx)

        self._write_tx(work)
        self._prune()
        self._refresh_aliases(aliases_lost(claims, alias_claims(kg.rel_rows("MENTIONS"))))
        self.settle()

    def delete_document(self, doc_id: str) -> None:
        self.delete_documents([doc_id])

    def delete_documents(self, doc_ids: Iterable[str]) -> None:
        """Remove documents one transaction each, then prune what none of the rest backs and recompute
        the aliases of what they named (once)."""
        doc_ids = list(doc_ids)
        claims = self._alias_claims(doc_ids)
        for doc_id in doc_ids:
            self._write_tx(lambda tx, d=doc_id: tx.run(cypher.delete_document(), doc_id=d).consume())
        if doc_ids:
            self._prune()
            self._refresh_aliases(sorted(claims))

    def _alias_claims(self, doc_ids: list[str]) -> dict[str, set[str]]:
        return alias_claims(self.read(cypher.document_alias_claims(), {"doc_ids": doc_ids})) if doc_ids else {}

    def _refresh_aliases(self, ids: list[str]) -> None:
        if ids:
            self._write_tx(lambda tx: tx.run(cypher.refresh_aliases(), ids=ids).consume())

    def _prune(self) -> None:
        g = nx.MultiDiGraph()
        for rec in self.read(cypher.hierarchy_edges()):
            g.add_node(rec["id"], label=rec["label"])
            if rec["mentioned"]:
                g.add_edge("passage:*", rec["id"], doc_id="mentioned", type="MENTIONS")
            if rec["end_id"] is not None:
                g.add_edge(rec["id"], rec["end_id"], type=rec["type"], doc_id=rec["doc_id"])
        doomed = unbacked_nodes(g)
        if doomed:
            self._write_tx(lambda tx: tx.run(cypher.delete_nodes(), ids=doomed).consume())

    def delete_relationships(self, rel_type: str) -> None:
        def work(tx: Any) -> None:
            tx.run(cypher.delete_relationships(rel_type)).consume()
            tx.run(cypher.clear_derived_digests()).consume()  # the documents' digests no longer hold

        self._write_tx(work)

    def clear(self) -> None:
        """Delete everything, in small transactions (a large graph would exceed the memory of one)."""
        for query in (cypher.clear_relationships_batch(), cypher.clear_nodes_batch()):
            while self._write_tx(lambda tx, q=query: tx.run(q, limit=5000).single()["deleted"]):
                pass

    def close(self) -> None:
        self.driver.close()

    def writing(self) -> WriterLock:
        """The database's writer lock, for one build, load or removal (graph.lock)."""
        return database_lock(self.uri, self.database)

    # -- reading ---------------------------------------------------------
    def document_hashes(self) -> dict[str, str]:
        return {r["id"]: r["hash"] or "" for r in self.read(cypher.document_hashes())}

    def node(self, node_id: str) -> Optional[dict[str, Any]]:
        recs = self.read(cypher.node_by_id(), {"id": node_id})
        return _node_row(recs[0]["label"], recs[0]["props"]) if recs else None

    def nodes(self, label: Optional[str] = None) -> list[dict[str, Any]]:
        query = cypher.all_nodes() if label is None else cypher.nodes_of(label)
        return sorted_rows(_node_row(r["label"], r["props"]) for r in self.read(query))

    def relationships(self, rel_type: Optional[str] = None) -> list[dict[str, Any]]:
        query = cypher.all_relationships() if rel_type is None else cypher.relationships_of(rel_type)
        return sorted_rows(_rel_row(r) for r in self.read(query))

    def counts(self) -> dict[str, dict[str, int]]:
        nodes = {r["key"]: r["n"] for r in self.read(cypher.count_nodes())}
        rels = {r["key"]: r["n"] for r in self.read(cypher.count_relationships())}
        return {"nodes": dict(sorted(nodes.items())), "relationships": dict(sorted(rels.items()))}

    def __enter__(self) -> "Neo4jStore":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def document_batches(kg: KnowledgeGraph, batch_rows: int) -> list[tuple[list[dict], list[dict]]]:
    """Split a graph into transactions that never split a document.

    A document's group holds its Document and Passage nodes, the relationships it states,
    and the entity nodes those relationships touch; rows that belong to no document
    (gazetteer hierarchy) come first so documents can link to them.
    """
    nodes = {nid: n.properties() for nid, n in kg.nodes.items()}
    groups: dict[str, tuple[dict[str, dict], list[dict]]] = {}
    free_rels: list[dict] = []
    for r in kg.relationships.values():
        row = r.properties()
        if not row.get("doc_id"):
            free_rels.append(row)
            continue
        group = groups.setdefault(row["doc_id"], ({}, []))
        group[1].append(row)
        for end in (row["start_id"], row["end_id"]):
            group[0][end] = nodes[end]
    in_groups = {nid for g in groups.values() for nid in g[0]}
    free_nodes = {nid: row for nid, row in nodes.items() if nid not in in_groups}
    for row in free_rels:
        for end in (row["start_id"], row["end_id"]):
            free_nodes.setdefault(end, nodes[end])
    batches: list[tuple[list[dict], list[dict]]] = []
    if free_nodes or free_rels:
        batches.append((list(free_nodes.values()), free_rels))
    packed = pack_groups(((list(groups[d][0].values()), groups[d][1]) for d in sorted(groups)), batch_rows)
    # entities shared by documents of one batch are merged once
    batches += [(list({n["id"]: n for n in nodes}.values()), rels) for nodes, rels in packed]
    return batches
