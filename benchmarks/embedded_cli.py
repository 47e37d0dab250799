"""What a user of the embedded store waits for at the command line, on a graph built by the benchmark:

  query_cli_s[q,N]       `fulian query lineage|coverage NAME` in a fresh process (best of 3), against
                         a fresh process that only reads the whole graph file (the cost of every
                         question before passages were deferred)                       goal < 1 s at 10,000
  add_one_doc_s[N]       `fulian build` of the corpus plus one new document into a copy of the graph,
                         against building the N documents from nothing (e2e build + save)
  rebuild_unchanged_s[N] `fulian build` of the unchanged corpus; the graph file must stay untouched

    python -m benchmarks.embedded_cli GRAPH CORPUS_DIR NAME [--build-s S]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parents[1]
RUNS = 3

NEW_DOCUMENT = ("长沙市望城区妇联2024年工作要点\n\n一、强化政治引领\n\n"
                "全面启动2024年“美丽庭院”创建，深入实施“家家幸福安康工程”，宣传贯彻《中华人民共和国家庭教育促进法》。\n")


def _fulian(*args: Any) -> tuple[float, subprocess.CompletedProcess]:
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "fulian.cli", *map(str, args)], cwd=ROOT, capture_output=True,
                         text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    took = time.perf_counter() - t
    if out.returncode not in (0, 3):
        raise RuntimeError(f"fulian {' '.join(map(str, args))}: exit {out.returncode}: {out.stderr.strip()[-800:]}")
    return took, out


def _best(*args: Any, runs: int = RUNS) -> float:
    return min(_fulian(*args)[0] for _ in range(runs))


def _read_whole(graph: Path) -> float:
    code = ("import sys, time; t = time.perf_counter(); import fulian.cli; from graph.nx_store import NetworkxStore; "
            "NetworkxStore(sys.argv[1], read_only=True).graph; print(time.perf_counter() - t)")
    best = None
    for _ in range(RUNS):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code, str(graph)], cwd=ROOT, check=True, capture_output=True,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
        took = time.perf_counter() - t
        best = took if best is None else min(best, took)
    return best or 0.0


def measure(graph: Path, corpus: Path, name: str, build_s: Optional[float] = None, full: bool = True) -> dict[str, Any]:
    """Seconds of each command above; the graph file and the corpus are left as they were. Not FULL:
    the two queries only, one run each (for graphs too large to read whole or rebuild three times)."""
    out: dict[str, Any] = {"name": name, "build_s": build_s}
    if full:
        out["whole_read_s"] = _read_whole(graph)
    for q in ("lineage", "coverage"):
        out[f"query_{q}_s"] = _best("query", q, name, "--graph", graph, "--format", "json", "--out", os.devnull,
                                    runs=RUNS if full else 1)
    if not full:
        return out
    with tempfile.TemporaryDirectory(prefix="fulian-bench-cli.", dir=graph.parent) as tmp:
        work = Path(tmp) / graph.name
        shutil.copy2(graph, work)
        before = os.stat(work)
        out["rebuild_unchanged_s"], _ = _fulian("build", corpus, "--out", work)
        after = os.stat(work)
        out["rebuild_untouched"] = (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
        extra = Path(tmp) / "extra"
        extra.mkdir()
        (extra / "zz_new_document.txt").write_text(NEW_DOCUMENT, encoding="utf-8")
        out["add_one_doc_s"], res = _fulian("build", corpus, extra, "--out", work)
        out["add_one_doc_read"] = res.stdout.split(",")[0]
    return out


def main(argv: Optional[list[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("graph", type=Path)
    p.add_argument("corpus", type=Path, help="the folder of documents the graph was built from")
    p.add_argument("name", help="a campaign to ask about (e.g. 美丽庭院)")
    p.add_argument("--build-s", type=float, default=None, help="seconds the graph took to build (the baseline)")
    a = p.parse_args(argv)
    print(json.dumps(measure(a.graph, a.corpus, a.name, a.build_s), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
