"""Issue 13's goal, measured: thousands of generated bad, duplicated, renamed, edited, removed, concurrent
and interrupted inputs, on both stores, with no traceback, no document lost or merged, and every
incremental build equal to a fresh build of the same files.

Each test counts its cases (one per generated input or change; an input of an interrupted or
concurrent build counts once per build) and fails below its share of the 2,000; the totals are
printed at the end of the run. The seed is fixed (FULIAN_GENERATED_SEED to try others)."""

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest

import generated_inputs as gen
from conftest import ROOT
from generated_inputs import TALLY, Folder, check_inputs, compare, write_bad_folder
from graph.nx_store import NetworkxStore
from loaders.pipeline import build, remove

SEED = int(os.environ.get("FULIAN_GENERATED_SEED", 13))
EMBEDDED_MIN, NEO4J_MIN = 1450, 550
assert EMBEDDED_MIN + NEO4J_MIN >= 2000


def cli(*args):
    return [sys.executable, "-m", "fulian.cli", *map(str, args)]


def no_traceback(what: str, rc: int, stderr: str, allowed: tuple[int, ...], failures: list[str]) -> None:
    """A command ends with a documented exit code and at most one line per problem, never a traceback."""
    if rc not in allowed:
        failures.append(f"{what}: exit {rc}, expected one of {allowed}: {stderr[-500:]}")
    if "Traceback" in stderr or len(stderr.strip().splitlines()) > 1:
        failures.append(f"{what}: more than one line on stderr: {stderr[-800:]}")


def fresh_of(*roots) -> NetworkxStore:
    store = NetworkxStore()
    build(list(roots), store)
    return store


def interrupt_after(k: int):
    """A progress callback that stops the build like Ctrl-C after `k` files."""
    seen = [0]

    def progress(_path):
        seen[0] += 1
        if seen[0] > k:
            raise KeyboardInterrupt

    return progress


def report_failures(failures: list[str]) -> None:
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(f[:600] for f in failures[:12])


def test_bad_inputs_on_the_embedded_store(tmp_path):
    """Generated bad files (and good ones among them) through `fulian build`: each is a document or
    listed as rejected with a one-line reason, identical texts one document, exit 3, no traceback."""
    rng = random.Random(f"bad-{SEED}")
    root = tmp_path / "in"
    expect = write_bad_folder(root, rng, 1100)
    out = tmp_path / "kg.json"
    env = dict(os.environ, FULIAN_MAX_FILE_MB="1")
    res = subprocess.run(cli("build", root, "--out", out, "--json", "--jobs", "2"), cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    failures: list[str] = []
    no_traceback("fulian build", res.returncode, res.stderr, (3,), failures)
    report = json.loads(res.stdout)
    rejected = [(r["path"], r["reason"]) for r in report["rejected"]]
    store = NetworkxStore(out)
    TALLY["embedded", "bad files"] += check_inputs(store, expect, rejected, failures)
    # the same folder again: nothing changes, the same files are rejected for the same reasons
    before = gen.canonical(store)
    os.environ["FULIAN_MAX_FILE_MB"] = "1"
    try:
        again = build([root], store)
    finally:
        del os.environ["FULIAN_MAX_FILE_MB"]
    if again.read:
        failures.append(f"rebuilding the same files read some again: {again.read[:5]}")
    changed = sorted(set(map(tuple, again.rejected)) ^ set(map(tuple, rejected)))
    if changed:
        failures.append(f"rebuilding the same files rejected others or for other reasons: {changed[:4]}")
    if gen.canonical(store) != before:
        failures.append("rebuilding the same files changed the graph")
    report_failures(failures)
    assert TALLY["embedded", "bad files"] >= 1100


NO_RENAMES = ("add", "add", "edit", "edit", "remove", "quote", "plain")


def run_sequence(store, root, rng, steps: int, ops: int, category: str, backend: str,
                 failures: list[str], reopen=None, kinds: tuple = Folder.ALL) -> None:
    """Random changes to a folder, each step built incrementally (with --prune, or `fulian remove` of
    removed files) and checked: nothing lost or merged, and, without renames and copies, row for row
    the graph a fresh build gives; some builds are interrupted first. (A renamed or copied file keeps
    the document it had, named after its first path, where a fresh build names it after its path now:
    so do the issuer whose place is unknown, 市妇联（未定位：FILE）, and the text-reuse links that
    follow those names.)"""
    folder = Folder(root, rng, ops=kinds)
    exact = "rename" not in kinds and "copy" not in kinds
    folder.step(ops * 2)
    for step in range(steps):
        before = {str(p) for p in folder.files()}
        done = folder.step(ops)
        after = {str(p) for p in folder.files()}
        if rng.random() < 0.35:  # stopped part-way (like Ctrl-C), then run again
            k = rng.randrange(max(1, len(after)))
            try:
                build([root], store, prune=True, progress=interrupt_after(k))
            except KeyboardInterrupt:
                TALLY[backend, "interrupted builds (inputs)"] += len(after)
            if reopen is not None:
                store = reopen(saved=False)
        gone = sorted(before - after)
        if gone and rng.random() < 0.4:  # `fulian remove` of the removed files first
            remove(gone, store)
        report = build([root], store, prune=True)
        if reopen is not None:
            store = reopen(saved=True)
        TALLY[backend, category] += sum(done.values())
        check_inputs(store, folder.expect(), report.rejected, failures)
        for old, new in report.renamed:
            if not any(os.path.basename(new) in (d.get("paths") or [""])[0] for d in store.nodes("Document")):
                failures.append(f"{backend} step {step + 1}: renamed {old!r} -> {new!r} is no document's first path")
        if exact:
            compare(store, fresh_of(root), f"{backend} step {step + 1} ({dict(done)})", failures, exact=True)
    return store


def test_edits_copies_renames_and_removals_on_the_embedded_store(tmp_path):
    rng = random.Random(f"seq-{SEED}")
    path = tmp_path / "kg.json"
    holder = {"store": NetworkxStore(path)}

    def reopen(saved: bool):
        if saved:
            holder["store"].save()
        else:  # an interrupted command saves nothing: what is on disk is what the next one reads
            holder["store"].close()
        holder["store"] = NetworkxStore(path)
        return holder["store"]

    failures: list[str] = []
    run_sequence(holder["store"], tmp_path / "docs", rng, steps=7, ops=20, category="edits, removals, quotes",
                 backend="embedded", failures=failures, reopen=reopen, kinds=NO_RENAMES)
    holder["store"].close()
    path.unlink()
    holder["store"] = NetworkxStore(path)
    run_sequence(holder["store"], tmp_path / "docs2", rng, steps=5, ops=20, category="copies, renames",
                 backend="embedded", failures=failures, reopen=reopen)
    report_failures(failures)
    assert TALLY["embedded", "edits, removals, quotes"] + TALLY["embedded", "copies, renames"] >= 240


def test_concurrent_and_signalled_builds_on_the_embedded_store(tmp_path):
    """Three builds at once into one graph file, then builds stopped by SIGINT, SIGTERM or SIGKILL at
    random moments: nothing lost, the file untouched by a stopped build, a rerun equal to a fresh build."""
    rng = random.Random(f"proc-{SEED}")
    failures: list[str] = []
    graph = tmp_path / "kg.json"
    folders = [Folder(tmp_path / name, rng, prefix=name) for name in ("a", "b", "c")]
    for f in folders:
        f.step(14)
    env = dict(os.environ, FULIAN_LOCK_WAIT="300")
    procs = [subprocess.Popen(cli("build", f.root, "--out", graph), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True) for f in folders]
    for p in procs:
        _, err = p.communicate(timeout=600)
        no_traceback("concurrent fulian build", p.returncode, err, (0, 3), failures)
    store = NetworkxStore(graph)
    expect = {k: v for f in folders for k, v in f.expect().items()}
    TALLY["embedded", "concurrent builds (inputs)"] += check_inputs(store, expect, [], failures)
    compare(store, fresh_of(*(f.root for f in folders)), "three concurrent builds", failures)
    store.close()
    work = folders[0]
    for round_ in range(4):
        work.step(8)
        before = graph.read_bytes()
        sig = rng.choice([signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
        proc = subprocess.Popen(cli("build", work.root, "--out", graph, "--prune"), cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.3, 3.0))
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=300)
        code = {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGKILL: -9}[sig]
        # before it has started, a signal ends it at once (the shell shows 130 or 143 too)
        no_traceback(f"fulian build stopped by {sig.name}", proc.returncode, err, (0, 3, code, -sig), failures)
        if proc.returncode in (code, -sig) and graph.read_bytes() != before:
            if sig is signal.SIGKILL:  # killed after its save: the file must be that whole build, never part of it
                killed = NetworkxStore(graph, read_only=True)
                compare(killed, fresh_of(*(f.root for f in folders)), "a build killed after its save", failures)
                killed.close()
            else:  # Ctrl-C and SIGTERM during the save land after it, and the build then ends as finished
                failures.append(f"round {round_}: a build stopped by {sig.name} changed the graph file")
        store = NetworkxStore(graph)
        report = build([work.root], store, prune=True)
        store.save()
        store.close()
        TALLY["embedded", "interrupted builds (inputs)"] += len(work.files())
        store = NetworkxStore(graph, read_only=True)
        expect = {k: v for f in folders for k, v in f.expect().items()}
        check_inputs(store, expect, report.rejected, failures)
        compare(store, fresh_of(*(f.root for f in folders)), f"after a build stopped by {sig.name}", failures)
        leftovers = sorted(p.name for p in tmp_path.iterdir() if p.is_file())
        if leftovers != ["kg.json"]:
            failures.append(f"left behind after the rerun: {leftovers}")
    report_failures(failures)
    total = sum(n for (backend, _), n in TALLY.items() if backend == "embedded")
    if {c for b, c in TALLY if b == "embedded"} >= {"bad files", "copies, renames"}:
        assert total >= EMBEDDED_MIN, dict(TALLY)


def test_generated_inputs_on_neo4j(tmp_path, monkeypatch):
    """The same on the real Neo4j: bad files built straight into it (equal, row for row, to the embedded
    store's graph of them), then edits, copies, renames and removals with --prune and `fulian remove`,
    some builds interrupted part-way (documents written by then stay whole; the rerun completes them)."""
    from neo4j_fixture import require_neo4j
    from graph.load import store_to_neo4j
    from graph.neo4j_store import Neo4jStore

    uri, user, password = require_neo4j()
    store = Neo4jStore(uri=uri, user=user, password=password)
    store.clear()
    failures: list[str] = []
    try:
        rng = random.Random(f"neo4j-{SEED}")
        root = tmp_path / "bad"
        expect = write_bad_folder(root, rng, 80)
        monkeypatch.setenv("FULIAN_MAX_FILE_MB", "1")
        report = build([root], store)
        TALLY["neo4j", "bad files"] += check_inputs(store, expect, report.rejected, failures)
        compare(store, fresh_of(root), "bad files into Neo4j", failures, exact=True)
        # more of them built into a graph file and loaded from it (`fulian load`), over an empty database
        more = tmp_path / "more"
        expect = write_bad_folder(more, rng, 400)
        embedded = NetworkxStore()
        report = build([more], embedded)
        store.clear()
        store_to_neo4j(embedded, store)
        TALLY["neo4j", "bad files, loaded from the graph file"] += check_inputs(store, expect, report.rejected, failures)
        compare(store, embedded, "bad files loaded into Neo4j", failures, exact=True)
        monkeypatch.delenv("FULIAN_MAX_FILE_MB")
        store.clear()
        run_sequence(store, tmp_path / "docs", rng, steps=3, ops=16, category="edits, removals, quotes",
                     backend="neo4j", failures=failures, kinds=NO_RENAMES)
    finally:
        store.clear()
        store.close()
    report_failures(failures)
    total = sum(n for (backend, _), n in TALLY.items() if backend == "neo4j")
    assert total >= NEO4J_MIN, dict(TALLY)
