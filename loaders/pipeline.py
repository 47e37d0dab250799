"""Build: read files → extract → graph records → store, incrementally by content hash."""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import unicodedata
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from itertools import islice
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional

from graph import collector
from graph.errors import FulianError
from graph.model import KnowledgeGraph, legacy_document_id
from graph.store import GraphStore
from loaders.identity import Identity, Target, gone
from loaders.manifest import Manifest
from loaders.types import DocHints

def _sample_corpus() -> Path:
    """data/corpus of a checkout, else the copy installed with the package (`pip install .`)."""
    here = Path(__file__).resolve().parents[1] / "data" / "corpus"
    if here.is_dir():
        return here
    from importlib.util import find_spec

    spec = find_spec("fulian_sample")
    return Path(next(iter(spec.submodule_search_locations))) / "corpus" if spec else here


SAMPLE_CORPUS = _sample_corpus()


class BuildError(FulianError, RuntimeError):
    """Nothing could be built; the message names the input and what to do."""


@dataclass
class BuildReport:
    read: list[str] = field(default_factory=list)  # documents extracted and written
    unchanged: list[str] = field(default_factory=list)  # same content hash as already loaded
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    unresolved: list[tuple[str, str]] = field(default_factory=list)  # (path, issuer short form 市妇联)
    copies: list[tuple[str, str]] = field(default_factory=list)  # (path, the path it is a copy of)
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (old path, new path)
    removed: list[str] = field(default_factory=list)  # documents pruned: their files are gone
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    second_pass: dict = field(default_factory=dict)  # corpus pass: names looked for, documents that gained

    def to_dict(self) -> dict[str, Any]:
        return {"read": self.read, "unchanged": self.unchanged,
                "rejected": [{"path": p, "reason": r} for p, r in self.rejected],
                "unresolved_issuers": [{"path": p, "issuer": s} for p, s in self.unresolved],
                "copies": [{"path": p, "copy_of": o} for p, o in self.copies],
                "renamed": [{"from": o, "to": p} for o, p in self.renamed],
                "removed": self.removed, "counts": self.counts, "second_pass": self.second_pass}

    def warnings(self) -> list[str]:
        return unresolved_warnings(form for _p, form in self.unresolved)


def unresolved_warnings(forms: Iterable[str]) -> list[str]:
    """One line per unresolved short form: "3 documents: issuer 市妇联 not resolved — give --manifest"."""
    by_form: dict[str, int] = {}
    for form in forms:
        by_form[form] = by_form.get(form, 0) + 1
    return [f"{n} document{'s' if n > 1 else ''}: issuer {form} not resolved — give --manifest "
            "(a CSV with each document's region)"
            for form, n in sorted(by_form.items(), key=lambda kv: (-kv[1], kv[0]))]


@dataclass
class DocumentGraph:
    source: str
    doc_id: str
    content_hash: str
    graph: Optional[KnowledgeGraph] = None
    error: Optional[str] = None
    unresolved: Optional[str] = None  # the issuer's short form when its place is unknown


def process_file(path: str | Path, hints: Optional[DocHints] = None, known=None,
                 target: Optional[Target] = None) -> DocumentGraph:
    """Read and extract one file with its manifest row (`hints`), as `target` says (else as a document
    named after the file); errors become a reason, never an exception. `known`: names of the
    corpus pass (loaders.corpus_pass) to look for as plain mentions."""
    from loaders.extract import extract_text
    from loaders.read import ReadError, read_document
    from loaders.to_graph import content_hash, result_to_graph

    path = Path(path)
    target = target or Target(path, path.name, path.name, paths=[path.name], files=[os.path.realpath(path)])
    doc_id = target.doc_id
    try:
        raw = read_document(path)
    except ReadError as e:
        return DocumentGraph(str(path), doc_id, "", error=e.reason)
    digest = content_hash(raw.text, hints)
    if not raw.text.strip():
        return DocumentGraph(str(path), doc_id, digest, error="empty document (no text)")
    try:
        result = extract_text(raw.text, path.name, hints, known=known)
        kg = result_to_graph(result, path.name, raw.text, target.id_path, target.paths, target.files)
    except Exception as e:  # an extractor bug must not stop the batch
        return DocumentGraph(str(path), doc_id, digest, error=f"extraction failed: {type(e).__name__}: {e}")
    if not any(n.label == "Federation" for n in kg.nodes.values()):
        return DocumentGraph(str(path), doc_id, digest, error="no 妇联 content found (no federation named)")
    return DocumentGraph(str(path), doc_id, digest, graph=kg, unresolved=result.meta.issuer_unresolved)


def process_files(items: list[tuple[Target, Optional[DocHints]]]) -> list[DocumentGraph]:
    """`process_file` over several (target, hints) pairs (one task of the process pool)."""
    return [process_file(t.file, h, target=t) for t, h in items]


def _process_files_pickled(items: list[tuple[Target, Optional[DocHints]]]) -> bytes:
    """`process_files`, pickled in the worker: the pool's own result pickling is slower, and the
    parent then unpickles each batch in its main thread as it writes, not in the pool's thread."""
    return pickle.dumps(process_files(items), protocol=pickle.HIGHEST_PROTOCOL)


_MAX_CHUNK = 8


def _chunks(items: list, jobs: int, most: int) -> list[list]:
    """`items` in tasks of at most `most`, and small enough that each of `jobs` workers gets about eight."""
    size = max(1, min(most, len(items) // (jobs * 8)))
    return [items[i:i + size] for i in range(0, len(items), size)]


def _file_hash(path: Path, hints: Optional[DocHints]) -> Optional[str]:
    """Content hash of the decoded text and its manifest row, to skip unchanged documents before
    extracting."""
    from loaders.read import ReadError, read_document
    from loaders.to_graph import content_hash

    try:
        return content_hash(read_document(path).text, hints)
    except ReadError:
        return None


def build(paths: Iterable[str | Path], store: GraphStore, *, jobs: int = 1,
          progress: Optional[Callable[[str], None]] = None, force: bool = False,
          link_text: bool = True, corpus_pass: bool = True,
          manifest: Optional[Manifest | str | os.PathLike] = None, prune: bool = False,
          shard: Optional[tuple[int, int]] = None,
          stage: Optional[Callable[[str], None]] = None) -> BuildReport:
    """Read `paths` (files or folders) into `store`; each document is written whole or not at all.

    `manifest` (a Manifest, or the path of a manifest CSV) gives documents their hints (region,
    issuer, year, date, url). Documents are identified by path (the manifest's `file` where it
    lists them), copies and renames by content (loaders.identity). Unchanged documents (same
    content hash of text and hints as loaded) are skipped unless `force`; a changed document
    replaces only what it stated before. With `prune`, documents whose files are all gone are
    removed. With `link_text`, passages that repeat another federation's wording are then linked
    (REPEATS, see loaders.text_reuse). Campaign variant families (VARIANT_OF, loaders.variants) are
    then recomputed over every campaign. `shard` (K, N): only the documents of shard K of N
    (`in_shard`), for graph files that `fulian load` merges (links across shards are recomputed there).
    `stage(message)` is told when each step after extraction starts (they take minutes on a large corpus).
    """
    from loaders.read import MAX_FILE_MB_ENV, iter_input_files, max_file_bytes

    try:
        max_file_bytes()  # once, not once per file
    except ValueError as e:
        raise BuildError(f"{e}: unset it, or set it to a size such as {MAX_FILE_MB_ENV}=50") from None
    if manifest is not None and not isinstance(manifest, Manifest):
        from loaders.manifest import read_manifest

        manifest = read_manifest(manifest)
    paths = [Path(p) for p in paths] or [SAMPLE_CORPUS]
    files, rejected = iter_input_files(paths)
    if shard is not None:
        files = shard_files(files, paths, shard, manifest)
    report = BuildReport(rejected=[(str(p), r) for p, r in rejected])
    if not files and not rejected and shard is None:
        raise BuildError(f"no documents found in {', '.join(map(str, paths))}: "
                         "give .txt, .md, .docx, .pdf or .html files")
    with store.writing(), collector.paused():
        return _build(paths, files, store, report, jobs=jobs, progress=progress, force=force,
                      link_text=link_text, corpus_pass=corpus_pass, manifest=manifest, prune=prune, stage=stage)


def in_shard(path: str, shard: tuple[int, int]) -> bool:
    """Whether the document known by `path` (its id path, below the build root) falls in shard K of N:
    a hash of the path, so every machine puts a document in the same shard, whatever the file order."""
    k, n = shard
    return int.from_bytes(hashlib.sha1(path.encode("utf-8")).digest()[:8], "big") % n == k - 1


def shard_files(files: list[Path], paths: list[Path], shard: tuple[int, int],
                manifest: Optional[Manifest] = None) -> list[Path]:
    """The files of shard `shard` = (K, N), 1 <= K <= N, keyed by the path their document is known by
    (the manifest's `file` where it lists them, else the path below the folder given)."""
    from loaders.identity import relative_path

    k, n = shard
    if not 1 <= k <= n:
        raise BuildError(f"shard {k}/{n}: K must be between 1 and N, e.g. --shard 1/4")
    roots = [p for p in paths if p.is_dir()]
    out = []
    for f in files:
        named = manifest.file_name(f) if manifest else None
        path = unicodedata.normalize("NFC", named) if named else relative_path(f, roots)
        if in_shard(path, shard):
            out.append(f)
    return out


def derived_rows(store: GraphStore) -> list[dict]:
    """Every derived row (REPEATS among the passages, VARIANT_OF among the campaigns) of `store`,
    recomputed over the whole store (after graph files of several shards were merged into it): for
    `graph.load.store_to_neo4j(relink=...)`."""
    from loaders.text_reuse import find_repeats
    from loaders.variants import find_variants

    links, _ = find_repeats(store)
    return [r.properties() for r in links] + [r.properties() for r in find_variants(store.nodes("Campaign"))]


def _build(paths: list[Path], files: list[Path], store: GraphStore, report: BuildReport, *, jobs: int,
           progress: Optional[Callable[[str], None]], force: bool, link_text: bool, corpus_pass: bool,
           manifest: Optional[Manifest], prune: bool, stage: Optional[Callable[[str], None]]) -> BuildReport:
    def hints_for(f: Path) -> Optional[DocHints]:
        return manifest.hints_for(f) if manifest else None

    identity = Identity(store.nodes("Document"), paths, manifest.file_name if manifest else None)
    targets, unchanged = identity.plan(files, lambda f: _file_hash(f, hints_for(f)), force=force)
    for f, _ in unchanged:
        report.unchanged.append(str(f))
        if progress:
            progress(str(f))
    if unchanged:  # still unresolved from an earlier build: warn again
        forms = _unresolved_in_store(store)
        report.unresolved += [(str(f), forms[d]) for f, d in unchanged if d in forms]
    todo = [(t, hints_for(t.file)) for t in targets]
    extracted: list[tuple[str, str, set]] = []  # (path, doc id, its campaign/law keys) for the corpus pass
    written: dict[str, tuple[Target, Optional[DocHints]]] = {}
    results: Iterable[DocumentGraph]
    workers = Workers(jobs)
    try:
        if jobs > 1 and len(todo) > 1:
            # a few documents per task: one round trip through the pool costs the parent several ms
            # of thread hand-offs, as much as extracting a short document
            results = (dg for part in workers.map(_process_files_pickled, _chunks(todo, jobs, _MAX_CHUNK))
                       for dg in pickle.loads(part))
        else:
            results = (process_file(t.file, h, target=t) for t, h in todo)
        _extract_all(store, identity, todo, results, report, extracted, written, corpus_pass, progress)
        updates = identity.document_updates()
        if updates.nodes:
            store.write(updates)
        if prune:  # files gone, and files now rejected: a fresh build of the folder has neither
            report.removed = remove_gone(store, rejected=frozenset(os.path.realpath(p) for p, _ in report.rejected))
        marks = KnowledgeGraph()
        if corpus_pass:
            passed, marks = _corpus_pass(store, files, extracted, written, hints_for, workers, stage)
            report.second_pass = passed.to_dict()
    finally:
        workers.close()
    if link_text and (report.read or report.removed or marks.nodes):
        from loaders.text_reuse import link_repeats

        if stage:
            stage("text reuse: linking passages that repeat other documents' wording")
        link_repeats(store)
    from loaders.variants import link_variants

    link_variants(store)  # over every campaign: cheap, and writes only what changed
    if marks.nodes:  # last: documents a build did not get this far with are looked at again by the next
        store.write(marks)
    report.counts = store.counts()
    return report


def _extract_all(store: GraphStore, identity: Identity, todo: list, results: Iterable[DocumentGraph],
                 report: BuildReport, extracted: list, written: dict, corpus_pass: bool,
                 progress: Optional[Callable[[str], None]]) -> None:
    """Write each extracted document as it arrives (in order), noting what the corpus pass needs."""
    from loaders.corpus_pass import entity_keys

    for (target, hints), dg in zip(todo, results):
        if dg.unresolved:
            report.unresolved.append((dg.source, dg.unresolved))
        if dg.error:
            report.rejected.append((dg.source, dg.error))
        elif _write(store, identity, target, dg, report) and corpus_pass:
            extracted.append((dg.source, dg.doc_id, entity_keys(dg.graph)))
            written[dg.source] = (target, hints)
        if progress:
            progress(dg.source)


def _corpus_pass(store: GraphStore, files: list[Path], extracted: list[tuple[str, str, set]],
                 written: dict[str, tuple[Target, Optional[DocHints]]],
                 hints_for: Optional[Callable[[Path], Optional[DocHints]]], workers: Optional["Workers"] = None,
                 stage: Optional[Callable[[str], None]] = None):
    """The corpus pass (loaders.corpus_pass) over the store's documents: those this build extracted, and
    those it found unchanged, copied or renamed, or that earlier builds read from files still there
    (each read again only when the names to look for changed since it was last looked at). With
    `workers`, many documents are read, scanned and extracted again in the build's worker processes."""
    from loaders.corpus_pass import PassDoc, graph_names, second_pass

    docs = [PassDoc(Path(p), d, first, *written[p]) for p, d, first in extracted]
    done = {d for _, d, _ in extracted}
    inputs = {os.path.realpath(f): f for f in files}
    for row in store.nodes("Document"):
        if row["id"] in done:
            continue
        recorded = list(row.get("files") or ())
        here = [i for i, f in enumerate(recorded) if f in inputs]
        # a document of an earlier build whose file is still there, read without a manifest row (its
        # content hash says whether it was built with one: then it is left as it is)
        there = [i for i, f in enumerate(recorded) if os.path.isfile(f)] if not here else []
        if not here and not there:
            continue
        i = (here or there)[0]
        f = inputs[recorded[i]] if here else Path(recorded[i])
        target = Target(f, row["paths"][i], row.get("id_path") or row["paths"][i], paths=list(row["paths"]),
                        files=recorded)
        docs.append(PassDoc(f, row["id"], None, target, hints_for(f) if here and hints_for else None))

    def looks(todo: list, known) -> Iterator:
        if stage and todo:
            stage(f"corpus pass: looking in {len(todo):,} documents for the campaign and law names others quote")
        return _looks(todo, known, workers)

    return second_pass(store, docs, graph_names(store), looks)


def _pass_read(doc, row: dict) -> Optional[str]:
    """A document's text for the corpus pass; one from an earlier build only while its content is as stored."""
    from loaders.read import ReadError, read_document
    from loaders.to_graph import content_hash

    try:
        text = read_document(doc.path).text
    except ReadError:
        return None
    return text if doc.first is not None or content_hash(text, doc.hints) == row.get("content_hash") else None


def _pass_extract(doc, row: dict, known) -> Optional[KnowledgeGraph]:
    """A document extracted again (with the corpus names `known`), known by every file it is stored with."""
    kg = process_file(doc.path, doc.hints, known, target=doc.target).graph
    if kg is None:
        return None
    node = kg.nodes[doc.doc_id]
    node.paths = list(row.get("paths") or node.paths)  # also copies this build found of it
    node.files = list(row.get("files") or node.files)
    if doc.first is None:  # of an earlier build: named as stored (its first path)
        node.source = row.get("source") or node.source
        if not node.title:
            node.name = row.get("name") or node.name
    return kg


def _look(item, known):
    from loaders.corpus_pass import look

    doc, row = item
    return look(doc, row, known, _pass_read, _pass_extract)


_PASS_KNOWN: dict = {}  # in a worker: the names looked for, read once from the file the build wrote


def _look_pickled(known_file: str, items: list) -> bytes:
    """`_look` over one task's documents, with the names of `known_file`; pickled in the worker."""
    if known_file not in _PASS_KNOWN:
        _PASS_KNOWN.clear()
        with open(known_file, "rb") as fh:
            _PASS_KNOWN[known_file] = pickle.load(fh)
    known = _PASS_KNOWN[known_file]
    return pickle.dumps([_look(item, known) for item in items], protocol=pickle.HIGHEST_PROTOCOL)


_PASS_POOL_MIN = 200  # fewer documents are looked at in the build's own process


def _looks(todo: list, known, workers: Optional["Workers"]) -> Iterator:
    """`loaders.corpus_pass.look` over `todo`, in order; in the build's worker processes when it is
    worth it (the names go to them once, through a file, not with every task)."""
    if workers is None or workers.jobs <= 1 or len(todo) < _PASS_POOL_MIN or known is None:
        yield from (_look(item, known) for item in todo)
        return
    import tempfile

    fd, known_file = tempfile.mkstemp(prefix="fulian-names-", suffix=".pickle")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(known, fh, protocol=pickle.HIGHEST_PROTOCOL)
        for part in workers.map(partial(_look_pickled, known_file), _chunks(todo, workers.jobs, _MAX_CHUNK * 4)):
            yield from pickle.loads(part)
    finally:
        os.unlink(known_file)


class Workers:
    """The build's worker processes: started when first needed (forked while the graph is small, at the
    start of a fresh build) and shared by extraction and the corpus pass."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self._pool: Optional[ProcessPoolExecutor] = None

    def map(self, fn: Callable, items: list) -> Iterator:
        """`fn` over `items` in the workers, results in order, a few tasks in flight (`bounded_map`)."""
        if self._pool is None:
            from loaders.workers import start_worker

            # the forked workers share the parent's objects (the dictionaries above all); frozen, the
            # collectors never write to them, so their pages are not copied into every worker
            gc.freeze()
            self._pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=start_worker,
                                             initargs=(os.getpid(),))
        return bounded_map(self._pool, fn, items, window=self.jobs * 2)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
            gc.unfreeze()


def _write(store: GraphStore, identity: Identity, target: Target, dg: DocumentGraph, report: BuildReport) -> bool:
    """Write one extracted document (True), or note it as a copy or rename of a stored one."""
    assert dg.graph is not None
    out = identity.settle(target, dg.content_hash, dg.graph.nodes[dg.doc_id].properties())
    if out.kind == "write":
        if out.replaces is not None:  # changed (or migrated): drop what it stated before, in the same step
            store.replace_document(out.replaces, dg.graph)
        else:
            store.write(dg.graph)
        report.read.append(dg.source)
        return True
    if target.replace is not None:  # a changed document now holds another's content
        store.delete_document(target.replace)
    if out.kind == "copy":
        report.copies.append((dg.source, out.of))
    else:
        report.renamed.append((out.of, dg.source))
    return False


def remove_gone(store: GraphStore, below: Optional[list[str]] = None,
                rejected: frozenset = frozenset()) -> list[str]:
    """Remove the documents whose files are all gone or `rejected` (or, with `below`, all lie below
    those absolute paths, or, built before paths were recorded, have the id of one of their names);
    documents that keep some of their files only forget the others. Returns the removed ids."""
    docs = store.nodes("Document")
    doomed, kg = gone(docs, below, rejected)
    if below is not None:
        legacy = {legacy_document_id(os.path.basename(b)) for b in below}
        doomed += [d["id"] for d in docs if not d.get("id_path") and d["id"] in legacy]
    store.delete_documents(doomed)
    if kg.nodes:
        store.write(kg)
    return doomed


def remove(paths: Iterable[str | Path], store: GraphStore, link_text: bool = True) -> list[str]:
    """Remove the documents read from `paths` (files, or folders: everything below), on any store;
    copies elsewhere keep their document. Returns the removed document ids."""
    with store.writing():
        removed = remove_gone(store, [os.path.realpath(p) for p in paths])
        marks = KnowledgeGraph()
        if removed:  # the names they quoted may have been what made others' mentions
            _passed, marks = _corpus_pass(store, [], [], {}, lambda _f: None)
        if link_text and (removed or marks.nodes):
            from loaders.text_reuse import link_repeats

            link_repeats(store)
        if removed:
            from loaders.variants import link_variants

            link_variants(store)
        if marks.nodes:
            store.write(marks)
    return removed


def _unresolved_in_store(store: GraphStore) -> dict[str, str]:
    """doc id -> issuer short form, for loaded documents whose issuer is unresolved."""
    return {d["id"]: d["issuer_unresolved"] for d in store.nodes("Document") if d.get("issuer_unresolved")}


def bounded_map(pool: ProcessPoolExecutor, fn: Callable, items: list, window: int) -> Iterator:
    """Like `pool.map`, in order, but with at most `window` tasks in flight, so finished
    results never pile up in memory while the caller is busy writing."""
    it = iter(items)
    pending: deque = deque(pool.submit(fn, x) for x in islice(it, window))
    while pending:
        fut = pending.popleft()
        nxt = next(it, _END)
        if nxt is not _END:
            pending.append(pool.submit(fn, nxt))
        yield fut.result()


_END = object()


def usable_cores() -> int:
    """The CPU cores this process may run on (its affinity mask, e.g. under taskset or a container's cpuset)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


def default_jobs() -> int:
    """Extraction workers when --jobs is not given: one per usable core."""
    return usable_cores()


def capped_jobs(jobs: int) -> tuple[int, Optional[str]]:
    """`jobs` limited to the CPU cores (more only adds overhead), with a note when it was capped."""
    cores = usable_cores()
    if jobs <= cores:
        return jobs, None
    return cores, f"--jobs {jobs} is more than the {cores} CPU cores; using {cores}"
