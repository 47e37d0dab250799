"""Benchmark the loader, the stores and the queries; every number is a ratio against a baseline
measured in the same run, on the same machine.

    python -m benchmarks.run [--sizes 100,1000] [--neo4j] [--json out.json]

Rows (metric, measured, baseline, ratio, goal, met?):
  extract_throughput     loader (read + extract + graph records) chars/s vs bare jieba.lcut(HMM=False)  ≥ 0.5×
  startup_s              import + dictionaries + first extraction, fresh subprocess, best of 3 warm   ≤ 1.5 s
  parallel_speedup       build(jobs=2) vs build(jobs=1), docs/s, extraction only (null store)         ≥ 1.6×
  e2e_time_s[N]          read → extract → embedded graph (→ Neo4j with --neo4j), fresh subprocess     < 600 s at 10,000,
                         above --tx-first-max documents Neo4j's first load is the bulk import only   < 1800 s at 100,000
  e2e_peak_rss_mb[N]     peak RSS of that subprocess plus its workers                   < 2048 MB (< 4096 MB at 100,000)
  growth_per_10x[...]    time, peak RSS, database store and graph rows: the factor per 10× documents
  neo4j_load_vs_unwind   Neo4j load rows/s vs bare `UNWIND $rows MERGE (n:X {id: row.id})`             ≥ 0.7×
  neo4j_load_vs_per_row  Neo4j load rows/s vs one auto-commit query per row (small sample)            ≥ 50×
  neo4j_bulk_vs_unwind[N]        first load through the offline importer (restart, schema) vs UNWIND  ≥ 2×
  neo4j_incremental_vs_unwind[N] 1,000 new documents into a database holding the others vs UNWIND     ≥ 0.7×
  query_cli_s[q,N]       `fulian query lineage|coverage` in a fresh process vs one reading the whole file  < 1 s at 10,000
                         (above 10,000 documents: the queries only, one run each, no baseline)
  add_one_doc_s[N]       `fulian build` of the corpus plus one new document vs building the N from nothing
  rebuild_unchanged_s[N] `fulian build` of the unchanged corpus (the graph file must stay untouched)
  query_p95_ms[...]      lineage / coverage latency on the largest graph, both backends: the first     p95 < 50 ms (Neo4j)
                         page of 100 rows (what `fulian query` asks); [lineage-all,…] the whole answer
  quality_micro_f1[N]    strict micro F1 vs the generated gold, ratio to F1 on the real sample corpus
  reuse_p_at_k[N]        planted borrowings among the k strongest REPEATS links (k = planted), rarity-weighted
                         vs similarity alone (benchmarks.reuse_quality); reuse_recall[N]: found at any rank

Neo4j (only with --neo4j; NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD, or the local server of
`python -m fulian.neo4j_server up`): the micro-benchmarks write only nodes labelled
:FulianBenchX / :FulianBenchRow and delete them afterwards. Loading the generated graph needs the
project labels, so it runs only on an EMPTY database, or with --neo4j-clear, which DELETES
EVERYTHING in the database first (and between sizes). The largest graph is left loaded.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import json
import math
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any, Callable, Optional

from benchmarks.generate import DEFAULT_PROVINCE, NATIONAL, PROVINCE_ROOM

ROOT = Path(__file__).resolve().parents[1]
E2E_GOALS = {10_000: (600, 2048), 100_000: (1800, 4096)}  # documents: (seconds, peak MB) end to end
INCREMENTAL_MAX = 10_000  # incremental rows only up to this size (the goal's: 1,000 new into 10,000)
EMBEDDED_FULL_MAX = 10_000  # above it the embedded CLI rows are the queries only (no whole-file baseline, no rebuilds)
REUSE_MAX = 10_000  # text-reuse quality only up to this size
DEFAULT_DATA = Path("/tmp/fulian-bench")
SAMPLE_CORPUS = ROOT / "data" / "corpus"
SAMPLE_GOLD = ROOT / "data" / "gold"

STARTUP_TEXT = ("关于印发《长沙市望城区妇联2022年工作要点》的通知\n\n长沙市望城区妇联2022年工作要点\n\n"
                "一、强化政治引领\n\n一是推进理论引领。深化“巾帼大宣讲”活动，认真落实省妇联、市妇联的指示精神。"
                "全面启动2022年“美丽庭院”创建，创评10000户“美丽庭院”。宣传贯彻《中华人民共和国家庭教育促进法》。\n")


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# corpus
# ---------------------------------------------------------------------------

def ensure_corpus(data_dir: Path, n: int, seed: int, province: str) -> Path:
    from benchmarks.generate import generate, provinces_for

    province = provinces_for(n, province)
    out = data_dir / f"docs-{n}-seed{seed}"
    mf = out / "manifest.json"
    if mf.exists():
        m = json.loads(mf.read_text(encoding="utf-8"))
        if (m.get("docs") == n and m.get("seed") == seed and m.get("province") == province
                and "borrowings" in m):  # older corpora lack the text-reuse truth
            return out
    log(f"generating {n} documents ({province}) in {out} …")
    generate(n, out, seed=seed, province=province)
    return out


def corpus_files(d: Path) -> list[Path]:
    return sorted((d / "corpus").glob("*.txt"))


# ---------------------------------------------------------------------------
# extraction: throughput, start-up, parallelism, quality
# ---------------------------------------------------------------------------

def measure_throughput(files: list[Path], rounds: int = 2) -> dict[str, Any]:
    """Loader and bare jieba over the same texts, alternately, `rounds` times each; best of each
    (a busy machine slows whichever pass it hits, so neither side gets only the quiet moments)."""
    import jieba

    from loaders.pipeline import process_file

    texts = [p.read_text(encoding="utf-8") for p in files]
    chars = sum(len(t) for t in texts)
    for p in files[:3]:  # warm: dictionaries loaded, caches filled
        process_file(p)
    jieba.initialize()
    jieba.lcut(texts[0], HMM=False)
    loader_runs, jieba_runs = [], []
    rejected = 0
    for _ in range(rounds):
        t = time.perf_counter()
        rejected = sum(1 for p in files if process_file(p).error)
        loader_runs.append(time.perf_counter() - t)
        t = time.perf_counter()
        for text in texts:
            jieba.lcut(text, HMM=False)
        jieba_runs.append(time.perf_counter() - t)
    loader_s, best_jieba = min(loader_runs), min(jieba_runs)
    return {"docs": len(files), "chars": chars, "loader_s": loader_s, "jieba_s": best_jieba,
            "loader_cps": chars / loader_s, "jieba_cps": chars / best_jieba, "rejected": rejected,
            "loader_runs_s": loader_runs, "jieba_runs_s": jieba_runs}


def _time_subprocess(code: str, runs: int) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    inner, wall = [], []
    for i in range(runs + 1):  # the first run only warms the OS cache and the dictionary caches
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
        w = time.perf_counter() - t
        if out.returncode != 0:
            raise RuntimeError(f"start-up probe failed: {out.stderr.strip()[-800:]}")
        if i:
            inner.append(float(out.stdout.strip().splitlines()[-1]))
            wall.append(w)
    return {"best_s": min(inner), "runs_s": inner, "best_wall_s": min(wall)}


def measure_startup(runs: int) -> dict[str, Any]:
    """Fresh-interpreter probes, loader and bare jieba alternately (each after its own warm-up run)."""
    probe = ("import time; t0 = time.perf_counter()\n{body}\n"
             "print(time.perf_counter() - t0)")
    text = repr(STARTUP_TEXT)
    codes = {"loader": probe.format(body=f"from loaders.extract import extract_text\nextract_text({text}, 'startup.txt')"),
             "jieba": probe.format(body=f"import jieba\njieba.setLogLevel(60)\njieba.lcut({text}, HMM=False)")}
    got: dict[str, dict[str, list]] = {k: {"runs_s": [], "wall_s": []} for k in codes}
    for _ in range(runs):
        for name, code in codes.items():
            one = _time_subprocess(code, 1)
            got[name]["runs_s"] += one["runs_s"]
            got[name]["wall_s"].append(one["best_wall_s"])
    return {name: {"best_s": min(g["runs_s"]), "runs_s": g["runs_s"], "best_wall_s": min(g["wall_s"])}
            for name, g in got.items()}


class NullStore:
    """Accepts documents and keeps only counts: isolates extraction in `build`."""

    backend = "null"

    def __init__(self) -> None:
        self.docs = 0
        self.rows = 0

    def document_hashes(self) -> dict[str, str]:
        return {}

    def nodes(self, label: Any = None) -> list[dict]:
        return []

    def relationships(self, rel_type: Any = None) -> list[dict]:
        return []  # nothing kept: the build's derived steps (VARIANT_OF) find nothing to link

    def writing(self) -> Any:
        return contextlib.nullcontext()

    def write(self, kg: Any, progress: Any = None) -> None:
        self.docs += 1
        self.rows += len(kg.nodes) + len(kg.relationships)

    def replace_document(self, doc_id: str, kg: Any) -> None:
        self.write(kg)

    def counts(self) -> dict[str, dict[str, int]]:
        return {"nodes": {}, "relationships": {}}


def measure_parallel(files: list[Path], rounds: int = 2) -> dict[str, Any]:
    """build() with jobs=1 and jobs=2 alternately, `rounds` times each; best docs/s of each."""
    from loaders.pipeline import build

    out: dict[str, Any] = {}
    kw = {"link_text": False} if "link_text" in inspect.signature(build).parameters else {}
    for _ in range(rounds):
        for jobs in (1, 2):
            store = NullStore()
            t = time.perf_counter()
            report = build(files, store, jobs=jobs, force=True, **kw)  # extraction only: no text-reuse linking
            s = time.perf_counter() - t
            prev = out.get(f"jobs{jobs}")
            runs = (prev["runs_s"] if prev else []) + [s]
            if prev is None or s < prev["seconds"]:
                out[f"jobs{jobs}"] = {"seconds": s, "docs_per_s": len(files) / s, "read": len(report.read),
                                      "rejected": len(report.rejected)}
            out[f"jobs{jobs}"]["runs_s"] = runs
    out["speedup"] = out["jobs2"]["docs_per_s"] / out["jobs1"]["docs_per_s"]
    out["docs"] = len(files)
    out["cpus"] = os.cpu_count()
    return out


_QUOTES = "\"'“”‘’「」『』《》〈〉"


def _norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s or "")
    return "".join(ch for ch in s if not ch.isspace() and ch not in _QUOTES)


def strict_micro(golds: list[dict], preds: list[dict]) -> dict[str, float]:
    """Strict micro P/R/F1 over entities and relations, per docs/ANNOTATION.md (fallback scorer)."""
    tp = fp = fn = 0
    for gold, pred in zip(golds, preds):
        g_ents = gold.get("entities", [])
        keys = [(e["type"], {_norm(x) for x in [e["name"], *e.get("aliases", [])]} - {""}) for e in g_ents]
        used = set()
        to_gold: dict[tuple[str, str], str] = {}
        for e in pred.get("entities", []):
            pk = {_norm(x) for x in [e["name"], *e.get("aliases", [])]} - {""}
            hit = next((i for i, (t, k) in enumerate(keys) if i not in used and t == e["type"] and k & pk), None)
            if hit is None:
                hit = next((i for i, (t, k) in enumerate(keys) if t == e["type"] and k & pk), None)
                fp += 1
            else:
                used.add(hit)
                tp += 1
            if hit is not None:
                to_gold[(e["type"], e["name"])] = g_ents[hit]["name"]
        fn += len(g_ents) - len(used)
        g_rels = {(r["head"], r["type"], r["tail"]) for r in gold.get("relations", [])}
        p_rels = set()
        for r in pred.get("relations", []):
            h = to_gold.get((r.get("head_type"), r["head"])) or next(
                (v for (t, n), v in to_gold.items() if n == r["head"]), None)
            tl = to_gold.get((r.get("tail_type"), r["tail"])) or next(
                (v for (t, n), v in to_gold.items() if n == r["tail"]), None)
            p_rels.add((h or "?" + r["head"], r["type"], tl or "?" + r["tail"]))
        hits = len(p_rels & g_rels)
        tp += hits
        fp += len(p_rels) - hits
        fn += len(g_rels) - hits
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp, "fp": fp, "fn": fn}


def prediction(result: Any) -> dict:
    """An ExtractionResult in the gold format."""
    return {"document": result.source, "issuer": result.meta.issuer, "year": result.meta.year,
            "entities": [{"type": e.type, "name": e.name, "aliases": list(e.aliases),
                          **({"level": e.level} if e.level else {})} for e in result.entities],
            "relations": [{"head": r.head, "head_type": r.head_type, "type": r.type, "tail": r.tail,
                           "tail_type": r.tail_type} for r in result.relations]}


def score_docs(golds: list[dict], preds: list[dict]) -> tuple[dict[str, Any], str]:
    """Strict micro scores (entities + relations), by loaders.evaluate.score when present, else the fallback."""
    try:
        from loaders.evaluate import score
    except ImportError:
        return strict_micro(golds, preds), "benchmarks.run.strict_micro"
    rep = score(golds, preds)
    strict = rep.scores["strict"]
    out: dict[str, Any] = {k: getattr(strict["all"], k) for k in ("precision", "recall", "f1", "tp", "fp", "fn")}
    out["entities_f1"] = strict["entities"].f1
    out["relations_f1"] = strict["relations"].f1
    out["lenient_f1"] = rep.scores["lenient"]["all"].f1
    out["per_type_f1"] = {k: v.f1 for k, v in strict.items() if k not in ("all", "entities", "relations")}
    docs = rep.documents
    out["issuer_accuracy"] = sum(d["issuer_ok"] for d in docs) / len(docs) if docs else None
    out["year_accuracy"] = sum(d["year_ok"] for d in docs) / len(docs) if docs else None
    return out, "loaders.evaluate.score"


def measure_quality(corpus: Path, gold: Path, limit: int) -> dict[str, Any]:
    from loaders.extract import extract_text
    from loaders.read import read_document

    files = sorted(corpus.glob("*.txt"))[:limit]
    golds, preds = [], []
    for p in files:
        g = gold / (p.stem + ".json")
        if not g.exists():
            continue
        golds.append(json.loads(g.read_text(encoding="utf-8")))
        preds.append(prediction(extract_text(read_document(p).text, p.name)))
    micro, scorer = score_docs(golds, preds)
    return {"docs": len(golds), "scorer": scorer, **micro}


# ---------------------------------------------------------------------------
# end to end, in a fresh subprocess (honest peak RSS)
# ---------------------------------------------------------------------------

class WithoutDocuments:
    """A read-only view of an embedded store without some documents (their Document and Passage
    nodes and what they state): the database an incremental load of those documents starts from."""

    def __init__(self, store: Any, drop: set[str]):
        import networkx as nx

        g = store.graph
        gone = {n for n, d in g.nodes(data=True)
                if d and ((d.get("label") == "Document" and n in drop) or
                          (d.get("label") == "Passage" and d.get("doc_id") in drop))}
        self.graph = nx.subgraph_view(g, filter_node=lambda n: n not in gone,
                                      filter_edge=lambda u, v, k: (g.edges[u, v, k].get("doc_id") or "") not in drop)
        self.path = None

    def nodes(self, label: Any = None) -> list[dict]:
        return [dict(d) for _, d in self.graph.nodes(data=True) if d and (label is None or d.get("label") == label)]


def _phases(timings: dict) -> dict:
    return {k: round(v, 2) for k, v in timings.items()}


def e2e_child(params: dict) -> dict:
    from graph.nx_store import NetworkxStore
    from loaders.pipeline import build

    files = corpus_files(Path(params["corpus"]))
    t0 = time.perf_counter()
    if params.get("reuse") and Path(params["graph"]).exists():  # only the Neo4j rows are measured
        store = NetworkxStore(params["graph"])
        report = None
    else:
        store = NetworkxStore(params["graph"])
        store.clear()
        marks: list[tuple[str, float]] = [("extract", t0)]  # each step of the build and when it began

        def stage(message: str) -> None:
            marks.append((message.split(":")[0].replace(" ", "_"), time.perf_counter()))
            log(f"  {message} ({time.perf_counter() - t0:.0f} s in)")
        report = build(files, store, jobs=params["jobs"], force=True, stage=stage)
    t_build = time.perf_counter() - t0
    if report is not None:
        store.save()
    t_saved = time.perf_counter() - t0
    g = store.graph
    worker_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the extraction workers only
    out = {"docs": len(files), "read": len(report.read) if report else None,
           "rejected": len(report.rejected) if report else 0, "reused": report is None,
           "nodes": g.number_of_nodes(), "edges": g.number_of_edges(), "build_s": t_build,
           "save_s": t_saved - t_build}
    if report is not None:  # extract, corpus_pass, text_reuse (the rest of the build: variants, marks)
        ends = [t for _, t in marks[1:]] + [t0 + t_build]
        out["build_phases"] = {f"{name}_s": round(end - start, 2) for (name, start), end in zip(marks, ends)}
    if params.get("neo4j"):
        from fulian.neo4j_server import LocalServer
        from fulian.stores import neo4j_store
        from graph.bulk import bulk_load
        from graph.load import store_to_neo4j

        neo = neo4j_store(params.get("uri"))
        try:
            tx_first = params.get("tx_first", True) or not params.get("bulk")
            if params.get("clear") and tx_first:  # benchmark set-up, not part of the pipeline: left out of total_s
                t = time.perf_counter()
                neo.clear()
                out["neo4j_clear_s"] = time.perf_counter() - t
                t0 += out["neo4j_clear_s"]
            if tx_first:
                t = time.perf_counter()
                plan = store_to_neo4j(store, neo)  # the graph just built, as `fulian load` reads it from the file
                out["neo4j_s"] = time.perf_counter() - t
                out["neo4j_rows"] = plan.written
                out["neo4j_phases"] = _phases(plan.timings)
                out["total_s"] = time.perf_counter() - t0
            if params.get("bulk"):  # the same graph through the offline importer (replaces the database)
                t = time.perf_counter()
                plan = bulk_load(store, neo, LocalServer(), replace=True)
                out["bulk_s"] = time.perf_counter() - t
                out["bulk_rows"] = plan.written
                out["bulk_phases"] = _phases(plan.timings)
                if not tx_first:  # the bulk import is this size's first load
                    out["total_s"] = time.perf_counter() - t0
            if params.get("bulk"):  # the local server: its files are at hand
                out.update(database_size())
            t = time.perf_counter()
            again = store_to_neo4j(store, neo)  # incremental: nothing changed, nothing written
            out["neo4j_reload_s"] = time.perf_counter() - t
            out["neo4j_reload_rows"] = again.written
            k = params.get("incremental_docs") or 0
            if k and params.get("bulk"):  # k new documents into a database holding the others
                docs = sorted(r["id"] for r in store.nodes("Document"))
                new = set(docs[-k:])
                bulk_load(WithoutDocuments(store, new), neo, LocalServer(), replace=True)
                t = time.perf_counter()
                plan = store_to_neo4j(store, neo)
                out["incremental_s"] = time.perf_counter() - t
                out["incremental_docs"] = len(plan.documents)
                out["incremental_base_docs"] = len(docs) - len(new)
                out["incremental_rows"] = plan.written
                out["incremental_phases"] = _phases(plan.timings)
        finally:
            neo.close()
    out.setdefault("total_s", time.perf_counter() - t0)
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out["peak_rss_self_mb"] = self_kb / 1024
    out["peak_rss_worker_mb"] = worker_kb / 1024  # Neo4j's importer JVM is Neo4j's, like its server: not counted
    # conservative: the parent's peak plus every worker at the largest worker's peak
    out["peak_rss_mb"] = (self_kb + worker_kb * max(0, params["jobs"])) / 1024
    return out


def database_size() -> dict[str, float]:
    """MB on disk of the local server's database: its store files and its transaction logs."""
    from fulian import neo4j_server

    def mb(d: Path) -> float:
        return sum(f.stat().st_size for f in d.rglob("*") if f.is_file()) / 2 ** 20 if d.exists() else 0.0

    store, tx_logs = neo4j_server.database_dirs(neo4j_server.server_home())
    return {"db_store_mb": mb(store), "db_tx_log_mb": mb(tx_logs)}


def run_e2e(corpus_dir: Path, graph: Path, jobs: int, neo4j: bool = False, clear: bool = False,
            uri: Optional[str] = None, bulk: bool = False, incremental_docs: int = 0, reuse: bool = False,
            tx_first: bool = True) -> dict:
    params = {"corpus": str(corpus_dir), "graph": str(graph), "jobs": jobs, "neo4j": neo4j, "clear": clear,
              "uri": uri, "bulk": bulk, "incremental_docs": incremental_docs, "reuse": reuse, "tx_first": tx_first}
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-m", "benchmarks.run", "--e2e-child", json.dumps(params)],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"end-to-end run failed: {out.stderr.strip()[-1500:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------
# Neo4j baselines
# ---------------------------------------------------------------------------

def neo4j_is_empty(uri: Optional[str]) -> bool:
    from fulian.stores import neo4j_store

    s = neo4j_store(uri)
    try:
        return not s.read("MATCH (n) WHERE NOT n:FulianBenchX AND NOT n:FulianBenchRow RETURN n LIMIT 1")
    finally:
        s.close()


def neo4j_baselines(uri: Optional[str], rows: int, per_row_sample: int = 300, batch: int = 2000) -> dict:
    """Bare UNWIND … MERGE on :FulianBenchX(id) with a constraint, and one query per row; cleaned up after."""
    from fulian.stores import neo4j_store

    store = neo4j_store(uri)
    drv, db = store.driver, store.database
    out: dict[str, Any] = {"rows": rows, "batch": batch}
    try:
        with drv.session(database=db) as s:
            s.run("CREATE CONSTRAINT fulian_bench_x_id IF NOT EXISTS FOR (n:FulianBenchX) REQUIRE n.id IS UNIQUE").consume()
            s.run("CREATE CONSTRAINT fulian_bench_row_id IF NOT EXISTS FOR (n:FulianBenchRow) REQUIRE n.id IS UNIQUE").consume()
            s.run("CALL db.awaitIndexes(60)").consume()
        _bench_cleanup(drv, db)
        warm = [{"id": f"warm:{i}"} for i in range(batch)]  # plan cache and JIT warm, like the load's later batches
        with drv.session(database=db) as s:
            s.execute_write(lambda tx: tx.run("UNWIND $rows AS row MERGE (n:FulianBenchX {id: row.id})",
                                              rows=warm).consume())
        _bench_cleanup(drv, db)
        ids = [{"id": f"bench:{i}"} for i in range(rows)]
        t = time.perf_counter()
        for i in range(0, rows, batch):
            chunk = ids[i:i + batch]
            with drv.session(database=db) as s:
                s.execute_write(lambda tx: tx.run("UNWIND $rows AS row MERGE (n:FulianBenchX {id: row.id})",
                                                  rows=chunk).consume())
        s_unwind = time.perf_counter() - t
        out["unwind_s"] = s_unwind
        out["unwind_rows_per_s"] = rows / s_unwind
        n = min(per_row_sample, rows)
        with drv.session(database=db) as s:
            t = time.perf_counter()
            for i in range(n):
                s.run("MERGE (n:FulianBenchRow {id: $id})", id=f"row:{i}").consume()
            s_row = time.perf_counter() - t
        out["per_row_sample"] = n
        out["per_row_s"] = s_row
        out["per_row_rows_per_s"] = n / s_row
    finally:
        _bench_cleanup(drv, db)
        with drv.session(database=db) as s:
            s.run("DROP CONSTRAINT fulian_bench_x_id IF EXISTS").consume()
            s.run("DROP CONSTRAINT fulian_bench_row_id IF EXISTS").consume()
        store.close()
    return out


def _bench_cleanup(drv: Any, db: str) -> None:
    for label in ("FulianBenchX", "FulianBenchRow"):
        while True:
            with drv.session(database=db) as s:
                n = s.run(f"MATCH (n:{label}) WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS c").single()["c"]
            if not n:
                break


# ---------------------------------------------------------------------------
# query latency
# ---------------------------------------------------------------------------

QUERY_PAGE = 100  # rows of the page `fulian query lineage/coverage` asks by default (fulian.query_cli)


def measure_queries(store: Any, manifest: dict, reps: int) -> dict[str, Any]:
    """p50/p95 of lineage and coverage: the first page of QUERY_PAGE rows (what the CLI asks), and the
    whole answer ("lineage-all", "coverage-all")."""
    from benchmarks.query_latency import questions
    from queries import QueryError

    campaigns = manifest["popular_campaigns"]
    out = {}
    paged = questions(store, manifest, QUERY_PAGE)
    whole = questions(store, manifest)
    for qname, fn in (("lineage", paged["lineage"]), ("coverage", paged["coverage"]),
                      ("lineage-all", whole["lineage"]), ("coverage-all", whole["coverage"])):
        usable = []
        for c in campaigns:  # warm-up, and drop names the extractor never produced
            try:
                fn(c)
                usable.append(c)
            except QueryError:
                pass
        lat = []
        rows = 0
        for i in range(reps if usable else 0):
            c = usable[i % len(usable)]
            t = time.perf_counter()
            rows += len(fn(c))
            lat.append((time.perf_counter() - t) * 1000)
        out[qname] = {"n": len(lat), "params": usable, "mean_rows": rows / max(1, len(lat)),
                      "p50_ms": _pct(lat, 50), "p95_ms": _pct(lat, 95)}
    return out


def projection(times: dict[int, float]) -> tuple[float, float]:
    """(fixed seconds, seconds per document): a least-squares line through the sizes measured
    (through the origin when only one size was run)."""
    ns = sorted(times)
    if len(ns) == 1:
        return 0.0, times[ns[0]] / ns[0]
    mx = sum(ns) / len(ns)
    my = sum(times[n] for n in ns) / len(ns)
    slope = sum((n - mx) * (times[n] - my) for n in ns) / sum((n - mx) ** 2 for n in ns)
    if slope <= 0:  # noise swamped the size effect: scale the largest run instead
        return 0.0, times[ns[-1]] / ns[-1]
    return max(0.0, my - slope * mx), slope


def _pct(xs: list[float], p: float) -> Optional[float]:
    if not xs:
        return None
    xs = sorted(xs)
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


# ---------------------------------------------------------------------------
# table
# ---------------------------------------------------------------------------

def row(metric: str, measured: Optional[float], baseline: Optional[float], goal: str,
        met: Optional[bool], unit: str = "", ratio: Optional[float] = None, note: str = "") -> dict:
    if ratio is None and measured is not None and baseline:
        ratio = measured / baseline
    return {"metric": metric, "measured": measured, "baseline": baseline, "ratio": ratio, "goal": goal,
            "met": met, "unit": unit, "note": note}


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "NO"
    if isinstance(v, float):
        if abs(v) >= 1000:
            return f"{v:,.0f}"
        if abs(v) >= 10:
            return f"{v:.1f}"
        return f"{v:.3g}" if abs(v) < 1 else f"{v:.2f}"
    return str(v)


def format_table(rows: list[dict]) -> str:
    cols = ["metric", "measured", "baseline", "ratio", "goal", "met"]
    cells = [[r["metric"], _fmt(r["measured"]) + (f" {r['unit']}" if r["unit"] and r["measured"] is not None else ""),
              _fmt(r["baseline"]), (_fmt(r["ratio"]) + "×") if r["ratio"] is not None else "—", r["goal"],
              _fmt(r["met"]) + (f" ({r['note']})" if r["note"] else "")] for r in rows]

    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)

    widths = [max(width(c) for c in [h] + [cell[i] for cell in cells]) for i, h in enumerate(cols)]
    pad = lambda s, w: s + " " * (w - width(s))  # noqa: E731
    lines = ["  ".join(pad(h, w) for h, w in zip(cols, widths)), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(pad(c, w) for c, w in zip(cell, widths)) for cell in cells]
    return "\n".join(lines)


def format_markdown(rows: list[dict]) -> str:
    lines = ["| metric | measured | baseline | ratio | goal | met? |", "|---|---|---|---|---|---|"]
    for r in rows:
        measured = _fmt(r["measured"]) + (f" {r['unit']}" if r["unit"] and r["measured"] is not None else "")
        ratio = (_fmt(r["ratio"]) + "×") if r["ratio"] is not None else "—"
        met = _fmt(r["met"]) + (f" ({r['note']})" if r["note"] else "")
        lines.append(f"| `{r['metric']}` | {measured} | {_fmt(r['baseline'])} | {ratio} | {r['goal']} | {met} |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------

def run(args: argparse.Namespace) -> dict:
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    data = Path(args.data_dir)
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "processor": platform.processor() or platform.machine()},
        "started": time.strftime("%Y-%m-%d %H:%M:%S"), "sizes": sizes, "seed": args.seed, "details": {}}
    det = results["details"]
    rows: list[dict] = []

    def checkpoint() -> None:
        """Write what is measured so far, so a failure late in a long run keeps the earlier sizes."""
        if args.json:
            results["rows"] = rows
            write_results(Path(args.json), results)

    dirs = {n: ensure_corpus(data, n, args.seed, args.province) for n in sizes}
    largest = dirs[sizes[-1]]
    files = corpus_files(largest)
    rnd = random.Random(args.seed)
    sample = sorted(rnd.sample(files, min(args.sample, len(files))))

    log("start-up …")
    st = det["startup"] = measure_startup(args.startup_runs)
    rows.append(row("startup_s", st["loader"]["best_s"], st["jieba"]["best_s"], "≤ 1.5 s",
                    st["loader"]["best_s"] <= 1.5, "s"))

    log(f"throughput on {len(sample)} documents …")
    tp = det["throughput"] = measure_throughput(sample)
    rows.append(row("extract_throughput", tp["loader_cps"], tp["jieba_cps"], "≥ 0.5×",
                    tp["loader_cps"] / tp["jieba_cps"] >= 0.5, "chars/s",
                    note=f"{tp['rejected']} of {tp['docs']} docs rejected" if tp["rejected"] else ""))

    par_files = sorted(rnd.sample(files, min(args.parallel_docs, len(files))))
    log(f"parallel build on {len(par_files)} documents …")
    par = det["parallel"] = measure_parallel(par_files)
    rows.append(row("parallel_speedup", par["jobs2"]["docs_per_s"], par["jobs1"]["docs_per_s"], "≥ 1.6×",
                    par["speedup"] >= 1.6, "docs/s", note=f"{os.cpu_count()} cores" + (
                        f"; {par['jobs1']['rejected']} of {len(par_files)} docs rejected" if par["jobs1"]["rejected"] else "")))

    # Neo4j: may we load the project labels?
    neo_load = False
    if args.neo4j:
        if args.neo4j_clear:
            neo_load = True
        elif neo4j_is_empty(args.uri):
            neo_load = True  # empty: we load, and clear only what we loaded between sizes
        else:
            det["neo4j_skipped_load"] = "database not empty; pass --neo4j-clear to let the benchmark wipe it"
            log("Neo4j database is not empty: skipping the graph load (pass --neo4j-clear to wipe it)")

    bulk = False
    if neo_load:
        from fulian import neo4j_server
        from fulian.stores import connection_settings

        bulk = neo4j_server.serves(connection_settings(args.uri)[0])
        if not bulk:
            log("Neo4j is not the local server of `fulian neo4j up`: no bulk-load rows (the importer needs its files)")
    det["e2e"] = {}
    graph_paths = {}
    for n in sizes:
        graph_paths[n] = data / f"graph-{n}-seed{args.seed}.json"
        log(f"end to end, {n} documents{' (+ Neo4j)' if neo_load else ''} …")
        tx_first = not args.no_tx_first_load and n <= args.tx_first_max
        if neo_load and bulk and not tx_first and not args.no_tx_first_load:
            log(f"  {n:,} documents > --tx-first-max {args.tx_first_max:,}: the first load is the bulk import only")
        incremental = min(args.incremental_docs, n // 10) if n <= INCREMENTAL_MAX else 0
        e = det["e2e"][str(n)] = run_e2e(dirs[n], graph_paths[n], jobs=2, neo4j=neo_load, clear=neo_load, uri=args.uri,
                                         bulk=bulk, incremental_docs=incremental,
                                         reuse=args.reuse_graphs, tx_first=tx_first)
        checkpoint()
        for key in ("build_phases", "neo4j_phases", "bulk_phases", "incremental_phases"):
            if key in e:
                log(f"  {key} [{n}]: " + ", ".join(f"{k} {v:.2f}" for k, v in e[key].items()))
    if any(det["e2e"][str(n)]["reused"] for n in sizes):
        log("graph files reused (--reuse-graphs): no end-to-end rows")
        sizes_e2e: list[int] = []
    else:
        sizes_e2e = sizes
    project = projection({n: det["e2e"][str(n)]["total_s"] for n in sizes_e2e}) if sizes_e2e else (0.0, 0.0)
    det["e2e_projection"] = {"fixed_s": project[0], "per_doc_s": project[1],
                             "at_10000_s": project[0] + project[1] * 10000}
    for n in sizes_e2e:
        e = det["e2e"][str(n)]
        proj = det["e2e_projection"]["at_10000_s"]
        note = f"{e['rejected']} of {e['docs']} docs rejected" if e["rejected"] else ""
        if n < 10000:
            note = (note + "; " if note else "") + f"projected {proj:,.0f} s at 10,000"
        if "bulk_s" in e and "neo4j_s" not in e:
            note = (note + "; " if note else "") + "Neo4j first load by the bulk import"
        goal_s, goal_mb = E2E_GOALS[max(k for k in E2E_GOALS if k <= max(n, 10_000))]
        rows.append(row(f"e2e_time_s[{n}]", e["total_s"], None, f"< {goal_s:,} s at {max(n, 10_000):,}",
                        (e["total_s"] < goal_s) if n >= 10000 else proj < goal_s, "s", note=note))
        rows.append(row(f"e2e_peak_rss_mb[{n}]", e["peak_rss_mb"], None, f"< {goal_mb:,} MB", e["peak_rss_mb"] < goal_mb,
                        "MB", note=f"extraction workers {e['peak_rss_worker_mb']:,.0f} MB each"))
    for a, b in zip(sizes_e2e, sizes_e2e[1:]):  # how time, memory and database grow per 10× documents
        ea, eb = det["e2e"][str(a)], det["e2e"][str(b)]
        per10 = lambda x, y: (y / x) ** (1 / math.log10(b / a)) if x and y and b > a else None  # noqa: E731
        for what, key, unit in (("time", "total_s", "s"), ("peak_rss", "peak_rss_mb", "MB"),
                                ("db_store", "db_store_mb", "MB"), ("graph_rows", None, "rows")):
            va = ea["nodes"] + ea["edges"] if key is None else ea.get(key)
            vb = eb["nodes"] + eb["edges"] if key is None else eb.get(key)
            if va and vb:
                rows.append(row(f"growth_per_10x[{what},{a}→{b}]", vb, va, "report (10× would be linear)", None, unit,
                                ratio=per10(va, vb), note=f"ratio per 10× documents; measured at {b:,}, baseline at {a:,}"))
    checkpoint()

    from benchmarks import embedded_cli

    manifest = json.loads((largest / "manifest.json").read_text(encoding="utf-8"))
    det["embedded_cli"] = {}
    for n in sizes_e2e:  # what an embedded user waits for at the command line
        full = n <= EMBEDDED_FULL_MAX
        log(f"embedded command line, {n} documents{'' if full else ' (queries only)'} …")
        e = det["e2e"][str(n)]
        try:
            c = det["embedded_cli"][str(n)] = embedded_cli.measure(graph_paths[n], dirs[n] / "corpus",
                                                                    manifest["popular_campaigns"][0],
                                                                    e["build_s"] + e["save_s"], full=full)
        except RuntimeError as exc:  # reported, and the rest of the run goes on
            det["embedded_cli"][str(n)] = {"error": str(exc)}
            log(f"  embedded command line at {n:,} failed: {exc}")
            continue
        for q in ("lineage", "coverage"):
            rows.append(row(f"query_cli_s[{q},{n}]", c[f"query_{q}_s"], c.get("whole_read_s"), "< 1 s at 10,000",
                            c[f"query_{q}_s"] < 1 if n == 10000 else None, "s",
                            note="baseline: a process that reads the whole graph file" if full else
                            f"one run; no baseline above {EMBEDDED_FULL_MAX:,} (reading the whole file)"))
        if not full:
            continue
        rows.append(row(f"add_one_doc_s[{n}]", c["add_one_doc_s"], c["build_s"], "about the size of the change",
                        None, "s", note=f"{c['add_one_doc_read']}; baseline: building the {n:,} documents"))
        rows.append(row(f"rebuild_unchanged_s[{n}]", c["rebuild_unchanged_s"], c["build_s"], "file untouched",
                        c["rebuild_untouched"], "s", note="the graph file " + (
                            "was not rewritten" if c["rebuild_untouched"] else "WAS REWRITTEN")))
    checkpoint()

    if args.neo4j:
        e = det["e2e"][str(sizes[-1])]
        graph_rows = e["nodes"] + e["edges"]
        log(f"Neo4j baselines ({graph_rows} rows) …")
        nb = det["neo4j_baselines"] = neo4j_baselines(args.uri, rows=max(10_000, min(graph_rows, 200_000)))
        tx_sizes = [n for n in sizes if "neo4j_s" in det["e2e"][str(n)]]
        if neo_load and tx_sizes:  # the largest size loaded through transactions
            e = det["e2e"][str(tx_sizes[-1])]
            graph_rows = e["nodes"] + e["edges"]
            rate = graph_rows / e["neo4j_s"]
            det["neo4j_load"] = {"rows": graph_rows, "seconds": e["neo4j_s"], "rows_per_s": rate}
            rows.append(row("neo4j_load_vs_unwind", rate, nb["unwind_rows_per_s"], "≥ 0.7×",
                            rate / nb["unwind_rows_per_s"] >= 0.7, "rows/s", note=f"at {tx_sizes[-1]:,} documents"))
            rows.append(row("neo4j_load_vs_per_row", rate, nb["per_row_rows_per_s"], "≥ 50×",
                            rate / nb["per_row_rows_per_s"] >= 50, "rows/s",
                            note=f"per-row rate from {nb['per_row_sample']} rows"))
        if neo_load and "neo4j_reload_s" in e:
            rows.append(row("neo4j_reload_unchanged_s", e["neo4j_reload_s"], e.get("neo4j_s") or e.get("bulk_s"),
                            "report (unchanged documents are skipped)", None, "s",
                            note=f"{e['neo4j_reload_rows']} rows written; baseline: the first load"))
        unwind = nb["unwind_rows_per_s"]
        for n in sizes:
            e = det["e2e"][str(n)]
            if "bulk_s" in e:
                rate = (e["nodes"] + e["edges"]) / e["bulk_s"]
                ph = e["bulk_phases"]
                rows.append(row(f"neo4j_bulk_vs_unwind[{n}]", rate, unwind, "≥ 2×", rate / unwind >= 2, "rows/s",
                                note=f"{e['nodes'] + e['edges']:,} rows in {e['bulk_s']:.1f} s: " + ", ".join(
                                    f"{k[:-2]} {ph[k]:.1f}" for k in ("plan_s", "csv_s", "stop_wait_s", "import_s",
                                                                       "start_s", "schema_s", "settle_s") if k in ph)))
            if "incremental_s" in e:
                rate = e["incremental_rows"] / e["incremental_s"]
                ph = e["incremental_phases"]
                top = sorted(ph.items(), key=lambda kv: -kv[1])[:4]
                rows.append(row(f"neo4j_incremental_vs_unwind[{n}]", rate, unwind, "≥ 0.7×", rate / unwind >= 0.7,
                                "rows/s", note=f"{e['incremental_docs']:,} new docs into {e['incremental_base_docs']:,}: "
                                f"{e['incremental_rows']:,} rows in {e['incremental_s']:.1f} s; " +
                                ", ".join(f"{k[:-2]} {v:.1f}" for k, v in top)))

    checkpoint()
    from graph.nx_store import NetworkxStore

    log("query latency (embedded) …")
    q_emb = det["queries_embedded"] = measure_queries(NetworkxStore(graph_paths[sizes[-1]], read_only=True),
                                                      manifest, args.query_reps)
    for q in ("lineage", "coverage", "lineage-all", "coverage-all"):
        rows.append(row(f"query_p50_ms[{q},embedded]", q_emb[q]["p50_ms"], None, "report", None, "ms"))
        rows.append(row(f"query_p95_ms[{q},embedded]", q_emb[q]["p95_ms"], None, "report", None, "ms"))
    if args.neo4j and neo_load:
        from fulian.stores import neo4j_store

        log("query latency (Neo4j) …")
        neo = neo4j_store(args.uri, read_only=True)
        try:
            q_neo = det["queries_neo4j"] = measure_queries(neo, manifest, args.query_reps)
        finally:
            neo.close()
        for q in ("lineage", "coverage", "lineage-all", "coverage-all"):
            p95 = q_neo[q]["p95_ms"]
            rows.append(row(f"query_p50_ms[{q},neo4j]", q_neo[q]["p50_ms"], None, "report", None, "ms"))
            if q.endswith("-all"):  # the whole answer of thousands of rows: reported; the goal is the page's
                rows.append(row(f"query_p95_ms[{q},neo4j]", p95, None, "report", None, "ms"))
            else:
                rows.append(row(f"query_p95_ms[{q},neo4j]", p95, None, "< 50 ms", p95 is not None and p95 < 50,
                                "ms"))

    checkpoint()
    log("extraction quality …")
    base = det["quality_sample_corpus"] = measure_quality(SAMPLE_CORPUS, SAMPLE_GOLD, 10 ** 9)
    det["quality"] = {}
    for n in sizes:
        q = det["quality"][str(n)] = measure_quality(dirs[n] / "corpus", dirs[n] / "gold", args.quality_docs)
        rows.append(row(f"quality_micro_f1[{n}]", q["f1"], base["f1"], "report (baseline: real sample corpus)",
                        None, note=f"{q['docs']} docs, P {q['precision']:.2f} R {q['recall']:.2f}"))

    log("text reuse against the planted borrowings …")
    from benchmarks.reuse_quality import measure as reuse_measure

    det["text_reuse"] = {}
    for n in sizes:
        mf = json.loads((dirs[n] / "manifest.json").read_text(encoding="utf-8"))
        if not mf["borrowings"]:
            continue
        if n > REUSE_MAX:  # loads every passage of the graph a second time: measured on the smaller corpora
            det["text_reuse"][str(n)] = {"skipped": f"more than {REUSE_MAX:,} documents"}
            continue
        r = det["text_reuse"][str(n)] = reuse_measure(NetworkxStore(graph_paths[n], read_only=True), mf)
        new, old = r["rarity"], r["similarity"]
        rows.append(row(f"reuse_p_at_k[{n}]", new["p_at_k"], old["p_at_k"], "report (baseline: similarity alone)",
                        None, note=f"k = {new['planted']} planted borrowings; top1 {new['top1']:.2f} "
                                   f"(baseline {old['top1']:.2f})"))
        rows.append(row(f"reuse_recall[{n}]", new["recall"], old["recall"], "report (baseline: similarity alone)",
                        None, note=f"{new['links']} links between federations"))

    results["rows"] = rows
    results["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    return results


def write_results(path: Path, results: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="100,1000", help="corpus sizes, comma-separated (default 100,1000)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--province", default=DEFAULT_PROVINCE,
                   help=f"province of the generated corpora (default {DEFAULT_PROVINCE}; above {PROVINCE_ROOM:,} "
                        f"documents the default becomes {NATIONAL})")
    p.add_argument("--data-dir", default=str(DEFAULT_DATA), help=f"generated corpora and graphs (default {DEFAULT_DATA})")
    p.add_argument("--json", help="write the results (rows and details) to this file")
    p.add_argument("--sample", type=int, default=300, help="documents for the throughput comparison (default 300)")
    p.add_argument("--parallel-docs", type=int, default=400, help="documents for jobs=1 vs jobs=2 (default 400)")
    p.add_argument("--quality-docs", type=int, default=1000, help="documents scored per size (default 1000)")
    p.add_argument("--startup-runs", type=int, default=3, help="timed start-up runs after one warm-up (default 3)")
    p.add_argument("--query-reps", type=int, default=50, help="timed calls per query and backend (default 50)")
    p.add_argument("--neo4j", action="store_true",
                   help="also benchmark Neo4j (NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD or the local server); "
                        "micro-benchmarks use only :FulianBenchX/:FulianBenchRow nodes and remove them; the graph "
                        "load needs an empty database unless --neo4j-clear")
    p.add_argument("--neo4j-clear", action="store_true",
                   help="let the benchmark DELETE EVERYTHING in the Neo4j database before each load")
    p.add_argument("--incremental-docs", type=int, default=1000,
                   help="documents loaded into a database holding the rest of each graph (at most a tenth of it; "
                        "default 1000); needs the local server (bulk import sets the database up)")
    p.add_argument("--no-tx-first-load", action="store_true",
                   help="with bulk import at hand, skip the transactional first load (rows neo4j_load_vs_*)")
    p.add_argument("--tx-first-max", type=int, default=10_000,
                   help="with bulk import at hand, load larger corpora only through it (default 10,000 documents)")
    p.add_argument("--reuse-graphs", action="store_true",
                   help="load the graph files of an earlier run instead of building them (Neo4j rows only)")
    p.add_argument("--uri", default=None, help="Neo4j bolt URI (default NEO4J_URI or bolt://127.0.0.1:7687)")
    p.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    p.add_argument("--from-json", help="only print the table of an earlier --json result")
    p.add_argument("--e2e-child", help=argparse.SUPPRESS)
    return p


def main(argv: Optional[list[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    if args.e2e_child:
        print(json.dumps(e2e_child(json.loads(args.e2e_child))))
        return 0
    if args.from_json:
        results = json.loads(Path(args.from_json).read_text(encoding="utf-8"))
    else:
        results = run(args)
    print(format_markdown(results["rows"]) if args.markdown else format_table(results["rows"]))
    if args.json and not args.from_json:
        write_results(Path(args.json), results)
        log(f"results written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
