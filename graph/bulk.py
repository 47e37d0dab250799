"""Bulk first load: the graph as the offline importer's CSV files, then `neo4j-admin database import full`.

For an empty database on the local server (`fulian neo4j up`) this replaces a first load's
million Cypher statements by one pass of Neo4j's own importer: write one CSV file per node
label (`id:ID`, `:LABEL`, typed properties) and per relationship type (`:START_ID`, `:END_ID`,
`:TYPE`, typed properties), stop the server, import, start it, create the constraints and
indexes (the CJK full-text index included) and wait until they are online. A remote server
(Aura, a cluster) keeps its files to itself: `BulkUnavailable` says so and the caller loads
through transactions. Later loads are incremental (`graph.load.store_to_neo4j`).

The library does not manage servers: the caller gives a `LocalServer` (fulian.neo4j_server.LocalServer
for the server of `fulian neo4j up`) that stops and starts the server and runs its importer.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Protocol, Union, get_args, get_origin

from graph import collector, cypher
from graph.load import LoadPlan, derived_digests, plan_load
from graph.model import NODE_CLASSES, Relationship
from graph.neo4j_store import stored_node_props, stored_rel_props
from graph.store import GraphStore, StoreError

ARRAY_DELIMITER = "\x1f"  # unit separator: never in extracted text (checked while writing)
_DELIMITER_ARG = "U+001F"
_REL_ENDS = ("type", "start_id", "start_label", "end_id", "end_label")
_CSV_TYPES = {str: "string", int: "long", float: "double", bool: "boolean"}


class BulkUnavailable(StoreError):
    """Bulk import cannot be used for this target; the message says why (load through transactions)."""


class LocalServer(Protocol):
    """The Neo4j server whose database files a bulk import replaces: what `bulk_load` asks of it."""

    database: str  # the one database the importer writes

    def serves(self, uri: str) -> bool:
        """Whether `uri` reaches this server (only then are its files at hand)."""

    def stop(self) -> Any:
        """Stop the server (a clean shutdown: checkpoint, stores closed)."""

    def start(self, progress: Optional[Callable[[str], Any]] = None) -> Any:
        """Start the server and wait until it accepts logins."""

    def import_full(self, nodes: list[Path], relationships: list[Path], *, multiline: list[Path],
                    array_delimiter: str, progress: Optional[Callable[[str], Any]] = None) -> dict:
        """Replace the stopped server's database by the CSV files (`neo4j-admin database import full`);
        returns {"output": the importer's output, ...}; on failure the database is left empty."""


def _csv_type(annotation: Any) -> str:
    """The importer's column type of a model field (`Optional[int]` → long, `list[str]` → string[])."""
    if get_origin(annotation) is list:
        return _csv_type(get_args(annotation)[0]) + "[]"
    if get_origin(annotation) is Union:
        inner = [a for a in get_args(annotation) if a is not type(None)]
        return _csv_type(inner[0])
    return _CSV_TYPES[annotation]


def node_columns(label: str) -> list[tuple[str, str]]:
    """(property, importer type) of a label's nodes, as the transactional writer stores them."""
    fields = NODE_CLASSES[label].model_fields
    cols = [(name, _csv_type(f.annotation)) for name, f in fields.items()]
    if "aliases" not in fields:
        return cols
    return cols + [("aliases_text", "string"), (cypher.IRREGULAR, "boolean")]  # graph.neo4j_store.stored_node_props


def relationship_columns() -> list[tuple[str, str]]:
    fields = Relationship.model_fields
    return [("id", "string")] + [(name, _csv_type(f.annotation)) for name, f in fields.items()
                                 if name not in _REL_ENDS] + [(cypher.PAGE_KEY, "string")]  # IMPLEMENTS only


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _cell(value: Any, kind: str, where: str) -> str:
    """One CSV value: empty for absent (no property), strings always quoted (so "" stays "")."""
    if value is None:
        return ""
    if kind == "string":
        return _quote(value)
    if kind == "string[]":
        if any(ARRAY_DELIMITER in v for v in value):
            raise StoreError(f"{where}: a list value holds the control character U+001F; load with "
                             "`fulian load --no-bulk` (transactions)")
        return _quote(ARRAY_DELIMITER.join(value))
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "double":
        return repr(float(value))
    return str(int(value))


class _CsvFile:
    """One import file: header line, then rows; remembers whether a value spans lines."""

    def __init__(self, path: Path, head: list[str], columns: list[tuple[str, str]]):
        self.path = path
        self.columns = columns
        self.multiline = False
        self.rows = 0
        self.fh = open(path, "w", encoding="utf-8", newline="")
        self.fh.write(",".join(head + [f"{name}:{kind}" for name, kind in columns]) + "\n")

    def write(self, lead: list[str], row: dict[str, Any]) -> None:
        where = f"{self.path.name} row {row.get('id')!r}"
        line = ",".join(lead + [_cell(row.get(name), kind, where) for name, kind in self.columns])
        if "\n" in line or "\r" in line:
            self.multiline = True
        self.fh.write(line + "\n")
        self.rows += 1

    def close(self) -> None:
        self.fh.close()


def write_import_files(plan: LoadPlan, folder: Path) -> dict[str, list[_CsvFile]]:
    """The plan's rows as import files in `folder`: {"nodes": [...], "relationships": [...]}."""
    nodes: dict[str, _CsvFile] = {}
    rels: dict[str, _CsvFile] = {}

    def node_file(label: str) -> _CsvFile:
        if label not in nodes:
            nodes[label] = _CsvFile(folder / f"nodes-{label}.csv", ["id:ID", ":LABEL"],
                                    [c for c in node_columns(label) if c[0] != "id"])
        return nodes[label]

    def rel_file(rel_type: str) -> _CsvFile:
        if rel_type not in rels:
            rels[rel_type] = _CsvFile(folder / f"relationships-{rel_type}.csv", [":START_ID", ":END_ID", ":TYPE"],
                                      relationship_columns())
        return rels[rel_type]

    def node_rows() -> Iterable[dict]:
        yield from plan.shared_nodes
        for own, _ in plan.documents.values():
            yield from own

    def rel_rows() -> Iterable[dict]:
        yield from plan.shared_rels
        for _, own in plan.documents.values():
            yield from own
        yield from plan.derived

    try:
        for row in node_rows():
            label = row["label"]
            node_file(label).write([_quote(row["id"]), label], stored_node_props(row))
        for row in rel_rows():
            rel_file(row["type"]).write([_quote(row["start_id"]), _quote(row["end_id"]), row["type"]],
                                        stored_rel_props(row))
    finally:
        for f in (*nodes.values(), *rels.values()):
            f.close()
    return {"nodes": [nodes[k] for k in sorted(nodes)], "relationships": [rels[k] for k in sorted(rels)]}


def bulk_available(target: Any, server: Optional[LocalServer], replace: bool = False) -> None:
    """Raise `BulkUnavailable` unless `target` is the database of `server`, empty unless `replace`."""
    if server is None or not server.serves(target.uri):
        raise BulkUnavailable(
            f"bulk import needs the server's own files, and {target.uri} is not the local server of "
            "`fulian neo4j up` (a remote server, Aura or a cluster): loading through transactions instead")
    if target.database != server.database:
        raise BulkUnavailable(f"bulk import writes the database {server.database!r}, not "
                              f"{target.database!r} (NEO4J_DATABASE): loading through transactions instead")
    if not replace and target.read(cypher.count_all_nodes())[0]["n"]:
        raise BulkUnavailable(f"the database at {target.uri} is not empty and bulk import would replace it "
                              "(add --replace to let it): loading incrementally through transactions instead")


class _Background:
    """Run `fn` in a thread; `join` waits and re-raises its exception; `seconds` is how long it ran."""

    def __init__(self, fn: Callable[[], Any]):
        self.error: Optional[BaseException] = None
        self.seconds = 0.0
        self._thread = threading.Thread(target=self._run, args=(fn,), daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[[], Any]) -> None:
        t = time.perf_counter()
        try:
            fn()
        except BaseException as e:  # re-raised in the caller's thread
            self.error = e
        self.seconds = time.perf_counter() - t

    def join(self) -> None:
        self._thread.join()
        if self.error is not None:
            error, self.error = self.error, None
            raise error


_IMPORT_STAGES = ("Node import", "Relationship import", "Relationship linking", "Post processing", "IMPORT DONE")
_DURATION = r"((?:\d+(?:ms|h|m|s)\b\s*)+)"  # "1h 2m 3s 456ms", any part left out; "ms" before "m"


def import_phases(output: str) -> dict[str, float]:
    """Seconds of the importer's stages, read from its output ("Node import COMPLETED in 1s 234ms")."""
    import re

    scale = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
    out: dict[str, float] = {}
    for stage in _IMPORT_STAGES:
        m = re.search(re.escape(stage) + r"(?:\s+COMPLETED)? in " + _DURATION, output)
        if m:
            key = stage.lower().replace(" ", "_").replace("import_done", "total") + "_s"
            out[key] = sum(float(v) * scale[u] for v, u in re.findall(r"(\d+)(ms|h|m|s)", m.group(1)))
    return out


@collector.paused()  # rows and links: no cycles to collect
def bulk_load(source: GraphStore, target: Any, server: LocalServer, say: Optional[Callable[[str], Any]] = None,
              keep_files: Optional[Path] = None, replace: bool = False) -> LoadPlan:
    """First load of `source` into the empty database of the Neo4j store `target` on `server`, by the importer.

    Raises `BulkUnavailable` (nothing touched) when the target is not `server`'s database, or not
    empty and not `replace` (which lets the import replace what the database holds). The server
    is restarted; the constraints, indexes and full-text index are built before this returns.
    `plan.timings` holds the seconds of each step. `keep_files`: write the CSV files there and keep them.
    """
    bulk_available(target, server, replace=replace)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    # The server's shutdown (a checkpoint) runs while the plan and the CSV files are written.
    target.close()  # its connections die with the server; reopened below
    stopper = _Background(server.stop)
    folder = Path(keep_files) if keep_files else Path(tempfile.mkdtemp(prefix="fulian-bulk-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = False
    try:
        try:
            t = time.perf_counter()
            plan = plan_load(source, {})
            timings["plan_s"] = time.perf_counter() - t
            t = time.perf_counter()
            files = write_import_files(plan, folder)
            timings["csv_s"] = time.perf_counter() - t
        finally:
            t = time.perf_counter()
            stopper.join()
            timings["stop_wait_s"] = time.perf_counter() - t  # the shutdown's time not hidden by the CSV writing
            timings["stop_s"] = stopper.seconds
        t = time.perf_counter()
        try:
            every = files["nodes"] + files["relationships"]
            result = server.import_full([f.path for f in files["nodes"]], [f.path for f in files["relationships"]],
                                              multiline=[f.path for f in every if f.multiline],
                                              array_delimiter=_DELIMITER_ARG, progress=say)
            timings.update({f"import_{k}": v for k, v in import_phases(result.get("output", "")).items()})
        finally:
            timings["import_s"] = time.perf_counter() - t
            t = time.perf_counter()
            server.start(progress=say)  # also after a failed import: the database is then empty
            target.reconnect()
            started = True
            timings["start_s"] = time.perf_counter() - t
    finally:
        if not started:  # the plan or the files failed after the server was stopped: bring it back
            stopper.join()
            server.start(progress=say)
            target.reconnect()
        if not keep_files:
            shutil.rmtree(folder, ignore_errors=True)
    t = time.perf_counter()
    if say:
        say("creating constraints and indexes (the CJK full-text index included)...")
    target.ensure_schema(fresh=True)
    timings["schema_s"] = time.perf_counter() - t
    t = time.perf_counter()
    target.set_derived_digests(derived_digests(plan.derived, plan.source_docs))  # later loads read only what changed
    timings["digests_s"] = time.perf_counter() - t
    t = time.perf_counter()
    target.settle()
    timings["settle_s"] = time.perf_counter() - t
    timings["total_s"] = time.perf_counter() - t0
    plan.written = plan.rows()
    plan.timings = timings
    return plan


def load(source: GraphStore, target: Any, *, server: Optional[LocalServer] = None, bulk: Optional[bool] = None,
         replace: bool = False, progress: Optional[Callable[[int], Any]] = None,
         say: Optional[Callable[[str], Any]] = None) -> LoadPlan:
    """What `fulian load` does: a bulk import when it can, else the incremental transactional load.

    `server`: the local server whose files bulk import may replace (None: always transactions).
    `bulk` None: bulk import exactly when the target is `server`'s empty database (said
    through `say`); True: also replace a non-empty local database when `replace` is given, and say why
    when bulk import cannot be used; False: always transactions (`graph.load.store_to_neo4j`).
    """
    from graph.load import store_to_neo4j

    if bulk is not False:
        try:
            bulk_available(target, server, replace=bool(bulk and replace))
        except BulkUnavailable as why:
            if bulk and say:
                say(str(why))
        else:
            if say:
                say(f"{target.uri} is the local server's empty database: first load through Neo4j's offline "
                    "importer (neo4j-admin database import; the server restarts; --no-bulk loads through "
                    "transactions)" if bulk is None else
                    f"bulk import into {target.uri} (neo4j-admin database import; the server restarts)")
            return bulk_load(source, target, server, say=say, replace=bool(bulk and replace))
    return store_to_neo4j(source, target, progress=progress, replace=replace)
