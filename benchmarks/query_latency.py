"""Latency of the lineage and coverage questions on one or both backends (issue #7).

    python -m benchmarks.query_latency --graph /tmp/fulian-bench/graph-10000-seed7.json \
        --manifest /tmp/fulian-bench/docs-10000-seed7/manifest.json --backend neo4j --reps 60

Runs `campaign_diffusion` and `coverage(under=<province federation>)` over the manifest's popular
campaigns, as `benchmarks.run.measure_queries` does, and prints p50/p95 (ms) per question: the
first page of `--limit` rows (default 100, what `fulian query` shows; `--offset K` a later page;
`--limit 0` the whole answer). With
`--check OUT.json` it also writes every answer so two runs (before/after a change, or the two
backends) can be compared with `--compare A.json B.json`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any, Optional


def _pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def open_backend(backend: str, graph: str) -> Any:
    if backend == "neo4j":
        from fulian.stores import neo4j_store

        return neo4j_store(read_only=True)
    from graph.nx_store import NetworkxStore

    return NetworkxStore(graph, read_only=True)


def questions(store: Any, manifest: dict, limit: Optional[int] = None, offset: int = 0) -> dict[str, Any]:
    """The benchmark's questions, each a function of a campaign name: a page of `limit` rows from
    `offset` (limit None: the whole answer)."""
    from queries import QueryError, campaign_diffusion, coverage

    province = next(f["name"] for f in manifest["federations"] if f["level"] == "province")

    def cover(c: str) -> list:
        try:
            return coverage(store, c, under=province, limit=limit, offset=offset)
        except QueryError as e:
            if "limit must" in str(e) or "offset must" in str(e):
                raise
            return coverage(store, c, limit=limit, offset=offset)

    return {"lineage": lambda c: campaign_diffusion(store, c, limit=limit, offset=offset), "coverage": cover}


def measure(store: Any, manifest: dict, reps: int, only: list[str],
            per_campaign: bool = False, limit: Optional[int] = None, offset: int = 0) -> tuple[dict, dict]:
    from queries import QueryError

    out, answers = {}, {}
    for qname, fn in questions(store, manifest, limit, offset).items():
        if only and qname not in only:
            continue
        usable = []
        for c in manifest["popular_campaigns"]:
            try:
                answers[f"{qname}:{c}"] = fn(c)
                usable.append(c)
            except QueryError:
                pass
        lat, rows = [], 0
        for i in range(reps if usable else 0):
            c = usable[i % len(usable)]
            t = time.perf_counter()
            rows += len(fn(c))
            lat.append((time.perf_counter() - t) * 1000)
        out[qname] = {"n": len(lat), "mean_rows": round(rows / max(1, len(lat)), 1),
                      "p50_ms": round(_pct(lat, 50), 1), "p95_ms": round(_pct(lat, 95), 1)}
        if per_campaign:  # each campaign's fastest and median time (the fastest shows the work, not the load)
            by = {}
            for i, ms in enumerate(lat):
                by.setdefault(usable[i % len(usable)], []).append(ms)
            out[qname]["campaigns"] = {c: {"rows": len(answers[f"{qname}:{c}"]), "min_ms": round(min(v), 1),
                                           "p50_ms": round(_pct(v, 50), 1)} for c, v in by.items()}
    return out, answers


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--graph", default="/tmp/fulian-bench/graph-10000-seed7.json")
    ap.add_argument("--manifest", default="/tmp/fulian-bench/docs-10000-seed7/manifest.json")
    ap.add_argument("--backend", choices=["neo4j", "embedded", "both"], default="neo4j")
    ap.add_argument("--reps", type=int, default=40)
    ap.add_argument("--only", action="append", default=[], help="lineage or coverage (repeatable)")
    ap.add_argument("--limit", type=int, default=100, help="rows of the page asked (0: the whole answer; default 100)")
    ap.add_argument("--offset", type=int, default=0, help="first row of the page asked (default 0)")
    ap.add_argument("--check", help="write every answer to this JSON file")
    ap.add_argument("--per-campaign", action="store_true", help="also each campaign's rows, min and p50")
    ap.add_argument("--compare", nargs=2, metavar=("A", "B"), help="compare two --check files and exit")
    args = ap.parse_args(argv)
    if args.compare:
        a, b = (json.load(open(p, encoding="utf-8")) for p in args.compare)
        diff = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        print("identical" if not diff else f"{len(diff)} answers differ: {diff}")
        return 1 if diff else 0
    manifest = json.load(open(args.manifest, encoding="utf-8"))
    backends = ["neo4j", "embedded"] if args.backend == "both" else [args.backend]
    all_answers = {}
    for b in backends:
        store = open_backend(b, args.graph)
        try:
            res, answers = measure(store, manifest, args.reps, args.only, args.per_campaign,
                                   args.limit or None, args.offset)
        finally:
            getattr(store, "close", lambda: None)()
        print(json.dumps({"backend": b, "limit": args.limit or None, "offset": args.offset, **res},
                         ensure_ascii=False))
        all_answers.update({f"{b}:{k}" if args.backend == "both" else k: v for k, v in answers.items()})
    if args.check:
        with open(args.check, "w", encoding="utf-8") as fh:
            json.dump(all_answers, fh, ensure_ascii=False, default=str, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
