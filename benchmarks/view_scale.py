"""How the campaign view reads at 100, 1,000 and 3,000 federations, in headless Chromium.

    python -m benchmarks.view_scale [--sizes 100,1000,3000] [--shots docs] [--corpus 1000]

For each size a federation tree is made from the gazetteer (`tree_graph`: every prefecture and
county of the province, then townships up to the size; 100 is 长沙市妇联's counties and
townships), drawn with `fulian view campaign`, and opened in headless Chromium (tests/browser.py).
Reported per size: the time until the page has laid out, fitted and drawn (performance.now() at
`stabilized`, so vis-network's parsing is included), nodes on screen at open, label size on
screen, nodes off-screen, overlapping labels, and the time to open every node. The baseline,
measured in the same run on the same federations, is the physics-laid-out hierarchy view
(`fulian view hierarchy`, pyvis with vis-network's hierarchical solver) — what the campaign view
was before it became a tree. `--shots DIR` saves screenshots (view-tree-N.png); `--corpus N`
also generates N documents (benchmarks.generate), builds them, and shoots the campaign view of
最美家庭 as DIR/view-campaign.png (the README's picture).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parents[1]
CAMPAIGN = "最美家庭"
YEARS = (2015, 2023)
SMALL_ROOT = "长沙市"  # below 137 nodes the tree is one prefecture's


def _province_for(size: int) -> str:
    return "湖南省" if size <= 2000 else "四川省"


def tree_graph(size: int, seed: int = 7) -> tuple[Any, Optional[str]]:
    """(KnowledgeGraph of federations with LEADS, documents and adoptions of CAMPAIGN; the federation
    to draw the tree under, or None for the province). The drawn tree has `size` federations."""
    from benchmarks.generate import load_hierarchy, walk
    from graph.model import Campaign, Document, Federation, KnowledgeGraph, Relationship

    rng = random.Random(f"view-scale:{seed}:{size}")
    root = load_hierarchy(_province_for(size))
    under = None
    if size < 1 + sum(1 for f in walk(root) if f.level in ("prefecture", "county")):
        root = next(f for f in root.children if f.place == SMALL_ROOT)
        under = root.name
    upper = [f for f in walk(root) if f.level != "township"]
    towns = [f for f in walk(root) if f.level == "township"]
    if size < len(upper) or size > len(upper) + len(towns):
        raise ValueError(f"a tree of {size} federations cannot be cut from {root.name}")
    keep = set(id(f) for f in upper + rng.sample(towns, size - len(upper)))
    kg = KnowledgeGraph()
    camp = kg.add_node(Campaign(name=CAMPAIGN))

    def rel(type_: str, a: str, b: str, a_label: str, b_label: str, **kw: Any) -> None:
        kg.add_relationship(Relationship(type=type_, start_id=a, start_label=a_label, end_id=b, end_label=b_label,
                                         **kw))

    def add(f: Any, parent_id: Optional[str], parent_year: Optional[int]) -> None:
        fid = kg.add_node(Federation(name=f.name, level=f.level, region_code=f.code))
        if parent_id:
            rel("LEADS", parent_id, fid, "Federation", "Federation", rule="hierarchy")
        year = None
        if parent_year is None and parent_id is None:
            year = YEARS[0]
        elif parent_year is not None and rng.random() < 0.7:
            year = parent_year + rng.choice((0, 1, 1, 2))
            year = year if year <= YEARS[1] else None
        if year is not None or rng.random() < 0.8:
            doc_year = year or rng.randint(*YEARS)
            doc = kg.add_node(Document(name=f"{f.name}{doc_year}年工作要点", source=f"{f.code}-{doc_year}.txt",
                                       title=f"{f.name}{doc_year}年工作要点", issuer=f.name, year=doc_year,
                                       content_hash=f"h{f.code}{doc_year}"))
            rel("ISSUED_BY", doc, fid, "Document", "Federation", doc_id=doc)
            if year is not None:
                rel("IMPLEMENTS", fid, camp, "Federation", "Campaign", doc_id=doc, year=year, rule="synthetic",
                    evidence=f"{f.scope()}深入开展“{CAMPAIGN}”寻找活动。", start=0, end=10)
        for c in f.children:
            if id(c) in keep:
                add(c, fid, year)

    add(root, None, None)
    return kg, under


def _store(kg: Any) -> Any:
    from graph.nx_store import NetworkxStore

    store = NetworkxStore()
    store.write(kg)
    return store


def _open(page: Path, *steps: str) -> tuple[list[Any], bytes]:
    sys.path.insert(0, str(ROOT / "tests"))
    from browser import visit

    return visit(page.resolve().as_uri(), "document.body.dataset.stabilized || ''", *steps, timeout=180)


CHECK = "JSON.stringify(window.fulianTree.check())"
EXPAND = ("(() => { const t = performance.now(); const c = window.fulianTree.expandAll();"
          " c.expandMs = performance.now() - t; return JSON.stringify(c); })()")
BASELINE = ("JSON.stringify({settleMs: parseFloat(document.body.dataset.settleMs), how: document.body.dataset.stabilized,"
            " nodes: window.fulianNodeCount})")


def measure(size: int, out_dir: Path, shots: Optional[Path]) -> dict[str, Any]:
    import views

    kg, under = tree_graph(size)
    store = _store(kg)
    tree = views.render("campaign", store, CAMPAIGN, out=out_dir / f"tree-{size}.html", under=under)
    values, png = _open(tree.path, CHECK, EXPAND)
    at_open, expanded = json.loads(values[1]), json.loads(values[2])
    if shots:
        (shots / f"view-tree-{size}.png").write_bytes(_open(tree.path)[1])
    hier = views.render("hierarchy", store, under, out=out_dir / f"hierarchy-{size}.html", max_nodes=size + 1)
    base = json.loads(_open(hier.path, BASELINE)[0][1])  # "how" is "timeout" when physics never settled (60 s)
    return {"size": size, "drawn": tree.node_count, "at_open": at_open, "expanded": expanded,
            "baseline_settle_ms": base["settleMs"], "baseline_settled": base["how"], "baseline_nodes": hier.node_count}


def corpus_shot(n_docs: int, shots: Path, work: Path) -> dict[str, Any]:
    from benchmarks.generate import generate
    import views
    from graph.nx_store import NetworkxStore
    from loaders.pipeline import build

    generate(n_docs, work / f"docs-{n_docs}")
    store = NetworkxStore(work / f"kg-{n_docs}.json")
    build([str(work / f"docs-{n_docs}" / "corpus")], store)
    res = views.render("campaign", store, CAMPAIGN, out=work / "campaign.html")
    values, png = _open(res.path, CHECK)
    (shots / "view-campaign.png").write_bytes(png)
    return {"documents": n_docs, "federations": res.node_count, "at_open": json.loads(values[1])}


def main(argv: Optional[list[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.view_scale", description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="100,1000,3000")
    p.add_argument("--shots", type=Path, help="folder for screenshots (e.g. docs)")
    p.add_argument("--corpus", type=int, default=0, help="also shoot the campaign view of a generated corpus")
    p.add_argument("--json", type=Path)
    args = p.parse_args(argv)
    results: dict[str, Any] = {"sizes": []}
    with tempfile.TemporaryDirectory(prefix="fulian-view-scale-") as tmp:
        work = Path(tmp)
        for size in (int(s) for s in args.sizes.split(",") if s.strip()):
            r = measure(size, work, args.shots)
            results["sizes"].append(r)
            o, e = r["at_open"], r["expanded"]
            ratio = r["baseline_settle_ms"] / max(o["settleMs"], 1)
            print(f"{size:>5} federations: laid out and drawn in {o['settleMs'] / 1000:.2f} s "
                  f"(hierarchy view, physics: {r['baseline_settle_ms'] / 1000:.2f} s, {ratio:.1f}x slower); "
                  f"{o['visible']} on screen at open (open to depth {o['openDepth']}), labels {o['fontPx']:.1f} px, "
                  f"off-screen {o['offscreen']}, overlapping {o['overlaps']}; all {e['visible']} opened in "
                  f"{e['expandMs'] / 1000:.2f} s, off-screen {e['offscreen']}", flush=True)
        if args.corpus:
            r = corpus_shot(args.corpus, args.shots or work, work)
            results["corpus"] = r
            print(f"{args.corpus} generated documents: {CAMPAIGN} over {r['federations']} federations, "
                  f"{r['at_open']['visible']} on screen at open, labels {r['at_open']['fontPx']:.1f} px")
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
