"""Build: read files → extract → graph records → store, incrementally by content hash."""

from __future__ import annotations

import os
import pickle
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional

from graph.model import KnowledgeGraph, node_id
from graph.store import GraphStore
from loaders.manifest import Manifest
from loaders.types import DocHints

SAMPLE_CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"


class BuildError(RuntimeError):
    """Nothing could be built; the message names the input and what to do."""


@dataclass
class BuildReport:
    read: list[str] = field(default_factory=list)  # documents extracted and written
    unchanged: list[str] = field(default_factory=list)  # same content hash as already loaded
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    unresolved: list[tuple[str, str]] = field(default_factory=list)  # (path, issuer short form 市妇联)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    second_pass: dict = field(default_factory=dict)  # corpus pass: names looked for, documents that gained

    def to_dict(self) -> dict[str, Any]:
        return {"read": self.read, "unchanged": self.unchanged,
                "rejected": [{"path": p, "reason": r} for p, r in self.rejected],
                "unresolved_issuers": [{"path": p, "issuer": s} for p, s in self.unresolved],
                "counts": self.counts, "second_pass": self.second_pass}

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
    names: list = field(default_factory=list)  # (type, name) stated with confidence, for the corpus pass
    unresolved: Optional[str] = None  # the issuer's short form when its place is unknown


def doc_id_for(path: Path) -> str:
    return node_id("Document", path.stem)


def process_file(path: str | Path, hints: Optional[DocHints] = None, known=None) -> DocumentGraph:
    """Read and extract one file with its manifest row (`hints`); errors become a reason, never an
    exception. `known`: names of the corpus pass (loaders.corpus_pass) to look for as plain mentions."""
    from loaders.extract import extract_text
    from loaders.read import ReadError, read_document
    from loaders.to_graph import content_hash, result_to_graph

    path = Path(path)
    doc_id = doc_id_for(path)
    try:
        raw = read_document(path)
    except ReadError as e:
        return DocumentGraph(str(path), doc_id, "", error=e.reason)
    digest = content_hash(raw.text, hints)
    if not raw.text.strip():
        return DocumentGraph(str(path), doc_id, digest, error="empty document (no text)")
    try:
        result = extract_text(raw.text, path.name, hints, known=known)
        kg = result_to_graph(result, path.name, raw.text)
    except Exception as e:  # an extractor bug must not stop the batch
        return DocumentGraph(str(path), doc_id, digest, error=f"extraction failed: {type(e).__name__}: {e}")
    if not any(n.label == "Federation" for n in kg.nodes.values()):
        return DocumentGraph(str(path), doc_id, digest, error="no 妇联 content found (no federation named)")
    return DocumentGraph(str(path), doc_id, digest, graph=kg, names=[tuple(x) for x in result.confident_names],
                         unresolved=result.meta.issuer_unresolved)


def _reextract(path: Path, known, hints: Optional[DocHints] = None) -> Optional[KnowledgeGraph]:
    """The corpus pass's second extraction of one document (None when it fails this time)."""
    dg = process_file(path, hints, known)
    return dg.graph


def process_files(items: list[tuple[str | Path, Optional[DocHints]]]) -> list[DocumentGraph]:
    """`process_file` over several (file, hints) pairs (one task of the process pool)."""
    return [process_file(p, h) for p, h in items]


def _process_files_pickled(items: list[tuple[str | Path, Optional[DocHints]]]) -> bytes:
    """`process_files`, pickled in the worker: the pool's own result pickling is slower, and the
    parent then unpickles each batch in its main thread as it writes, not in the pool's thread."""
    return pickle.dumps(process_files(items), protocol=pickle.HIGHEST_PROTOCOL)


_MAX_CHUNK = 8


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
          manifest: Optional[Manifest | str | os.PathLike] = None) -> BuildReport:
    """Read `paths` (files or folders) into `store`; each document is written whole or not at all.

    `manifest` (a Manifest, or the path of a manifest CSV) gives documents their hints (region,
    issuer, year, date, url). Unchanged documents (same content hash of text and hints as
    loaded) are skipped unless `force`; a changed
    document replaces only what it stated before. With `link_text`, passages that repeat another
    federation's wording are then linked (REPEATS, see queries.text_reuse).
    """
    from loaders.read import iter_input_files

    if manifest is not None and not isinstance(manifest, Manifest):
        from loaders.manifest import read_manifest

        manifest = read_manifest(manifest)
    paths = [Path(p) for p in paths] or [SAMPLE_CORPUS]
    files, rejected = iter_input_files(paths)
    report = BuildReport(rejected=[(str(p), r) for p, r in rejected])
    if not files and not rejected:
        raise BuildError(f"no documents found in {', '.join(map(str, paths))}: "
                         "give .txt, .md, .docx, .pdf or .html files")
    loaded = store.document_hashes()
    known = {} if force else loaded
    from loaders.corpus_pass import entity_keys, graph_names, second_pass

    names: set = set(graph_names(store)) if corpus_pass and loaded else set()
    extracted: list[tuple[str, str, set]] = []  # (path, doc id, its campaign/law keys) for the corpus pass
    todo = []
    for f in files:
        did = doc_id_for(f)
        hints = manifest.hints_for(f) if manifest else None
        if did in known and known[did] == _file_hash(f, hints):
            report.unchanged.append(str(f))
            if progress:
                progress(str(f))
        else:
            todo.append((f, hints))
    if report.unchanged:  # still unresolved from an earlier build: warn again
        forms = _unresolved_in_store(store)
        report.unresolved += [(p, forms[doc_id_for(Path(p))]) for p in report.unchanged
                              if doc_id_for(Path(p)) in forms]
    results: Iterable[DocumentGraph]
    if jobs > 1 and len(todo) > 1:
        from loaders.workers import die_with_parent

        pool = ProcessPoolExecutor(max_workers=jobs, initializer=die_with_parent, initargs=(os.getpid(),))
        # a few documents per task: one round trip through the pool costs the parent several ms
        # of thread hand-offs, as much as extracting a short document
        size = max(1, min(_MAX_CHUNK, len(todo) // (jobs * 8)))
        chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
        results = (dg for part in bounded_map(pool, _process_files_pickled, chunks, window=jobs * 2)
                   for dg in pickle.loads(part))
    else:
        pool = None
        results = (process_file(f, h) for f, h in todo)
    try:
        for dg in results:
            if dg.unresolved:
                report.unresolved.append((dg.source, dg.unresolved))
            if dg.error:
                report.rejected.append((dg.source, dg.error))
            elif dg.doc_id in loaded:  # changed: drop what it stated before, in the same step
                store.replace_document(dg.doc_id, dg.graph)
                report.read.append(dg.source)
            else:  # new: nothing to replace
                store.write(dg.graph)
                report.read.append(dg.source)
            if corpus_pass and dg.graph is not None:
                names.update(dg.names)
                extracted.append((dg.source, dg.doc_id, entity_keys(dg.graph)))
            if progress:
                progress(dg.source)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    if corpus_pass and extracted:
        hints_of = {str(f): h for f, h in todo if h is not None}
        report.second_pass = second_pass(store, extracted, names,
                                         lambda p, k: _reextract(p, k, hints_of.get(str(p)))).to_dict()
    if link_text and report.read:
        from queries.text_reuse import link_repeats

        link_repeats(store)
    report.counts = store.counts()
    return report


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


def default_jobs() -> int:
    return max(1, min(2, os.cpu_count() or 1))


def capped_jobs(jobs: int) -> tuple[int, Optional[str]]:
    """`jobs` limited to the CPU cores (more only adds overhead), with a note when it was capped."""
    cores = os.cpu_count() or 1
    if jobs <= cores:
        return jobs, None
    return cores, f"--jobs {jobs} is more than the {cores} CPU cores; using {cores}"
