"""Smoke test of the benchmarks: a 20-document corpus, generated and run in-process (no timing goals)."""

import json
from pathlib import Path

import pytest

from benchmarks import generate as gen
from benchmarks import run as bench

N = 20


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "docs"
    gen.generate(N, out, seed=3)
    return out


def test_generated_corpus_has_text_and_gold_per_document(corpus):
    texts = sorted((corpus / "corpus").glob("*.txt"))
    golds = sorted((corpus / "gold").glob("*.json"))
    assert len(texts) == N
    assert [p.stem for p in texts] == [p.stem for p in golds]
    for p in texts:
        text = p.read_text(encoding="utf-8")
        assert len(text) > 200 and "妇联" in text


def test_generated_gold_validates(corpus):
    for p in sorted((corpus / "gold").glob("*.json")):
        gold = json.loads(p.read_text(encoding="utf-8"))
        assert gen.validate_gold(gold) == [], p.name
        assert gold["document"] == p.stem + ".txt"
        names = {e["name"] for e in gold["entities"]}
        assert gold["issuer"] in names
        for e in gold["entities"]:
            assert e["type"] in gen.ENTITY_TYPES
        for r in gold["relations"]:
            assert r["type"] in gen.RELATION_TYPES
            assert r["head"] in names and r["tail"] in names
        text = (corpus / "corpus" / gold["document"]).read_text(encoding="utf-8")
        for e in gold["entities"]:  # every entity is written in its document (by name or an alias)
            forms = [e["name"], *e["aliases"]]
            plain = text.replace("“", "").replace("”", "").replace("《", "").replace("》", "")
            assert any(f in plain for f in forms) or e["type"] == "Federation", (p.name, e)


def test_validator_catches_dangling_and_unknown_types():
    gold = {"document": "x.txt", "issuer": "A妇联", "year": 2020,
            "entities": [{"type": "Federation", "name": "A妇联", "aliases": [], "level": "county"},
                         {"type": "Program", "name": "P", "aliases": []}],
            "relations": [{"head": "A妇联", "type": "IMPLEMENTS", "tail": "Q"},
                          {"head": "A妇联", "type": "FUNDS", "tail": "A妇联"}]}
    problems = gen.validate_gold(gold)
    assert any("unknown type 'Program'" in p for p in problems)
    assert any("tail is not an entity" in p for p in problems)
    assert any("FUNDS" in p for p in problems)


def test_generation_is_deterministic(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    gen.generate(8, a, seed=11)
    gen.generate(8, b, seed=11)
    for p in sorted((a / "corpus").glob("*.txt")) + sorted((a / "gold").glob("*.json")):
        q = b / p.parent.name / p.name
        assert p.read_bytes() == q.read_bytes()


def test_runner_reports_every_metric_with_a_number(tmp_path, capsys):
    pytest.importorskip("loaders.extract")
    out = tmp_path / "results.json"
    code = bench.main(["--sizes", str(N), "--seed", "3", "--data-dir", str(tmp_path), "--json", str(out),
                       "--startup-runs", "1", "--query-reps", "3", "--sample", str(N), "--parallel-docs", str(N),
                       "--quality-docs", str(N)])
    assert code == 0
    printed = capsys.readouterr().out
    results = json.loads(out.read_text(encoding="utf-8"))
    rows = {r["metric"]: r for r in results["rows"]}
    e2e = results["details"]["e2e"][str(N)]
    assert e2e["read"] > 0, f"the pipeline rejected every generated document: {e2e}"
    expected = ["startup_s", "extract_throughput", "parallel_speedup", f"e2e_time_s[{N}]", f"e2e_peak_rss_mb[{N}]",
                f"quality_micro_f1[{N}]"]
    expected += [f"query_{p}_ms[{q},embedded]" for q in ("lineage", "coverage", "lineage-all", "coverage-all")
                 for p in ("p50", "p95")]
    expected += [f"query_cli_s[lineage,{N}]", f"query_cli_s[coverage,{N}]", f"add_one_doc_s[{N}]",
                 f"rebuild_unchanged_s[{N}]"]
    for metric in expected:
        assert metric in rows, metric
        assert isinstance(rows[metric]["measured"], (int, float)), (metric, rows[metric])
        assert metric in printed
    for r in results["rows"]:
        assert set(r) >= {"metric", "measured", "baseline", "ratio", "goal", "met"}
    assert results["machine"]["cpus"] >= 1


@pytest.mark.neo4j
def test_runner_with_neo4j_reports_the_load_and_query_metrics(tmp_path):
    from neo4j_fixture import require_neo4j

    uri, _, _ = require_neo4j()
    out = tmp_path / "results.json"
    code = bench.main(["--sizes", "8", "--seed", "5", "--data-dir", str(tmp_path), "--json", str(out),
                       "--startup-runs", "1", "--query-reps", "3", "--sample", "8", "--parallel-docs", "8",
                       "--quality-docs", "8", "--neo4j", "--neo4j-clear", "--uri", uri])
    assert code == 0
    results = json.loads(out.read_text(encoding="utf-8"))
    rows = {r["metric"]: r for r in results["rows"]}
    for metric in ("neo4j_load_vs_unwind", "neo4j_load_vs_per_row", "neo4j_reload_unchanged_s",
                   "query_p95_ms[lineage,neo4j]", "query_p95_ms[coverage,neo4j]"):
        assert isinstance(rows[metric]["measured"], (int, float)), (metric, rows.get(metric))
    e2e = results["details"]["e2e"]["8"]
    assert e2e["neo4j_rows"] == e2e["nodes"] + e2e["edges"]  # a first load writes every row
    assert e2e["neo4j_reload_rows"] < e2e["neo4j_rows"] / 2  # the reload skips every document


def test_embedded_cli_measures_questions_one_added_document_and_an_untouched_rebuild(corpus, tmp_path):
    from benchmarks import embedded_cli
    from graph.nx_store import NetworkxStore
    from loaders.pipeline import build

    graph = tmp_path / "kg.json"
    store = NetworkxStore(graph)
    build(bench.corpus_files(corpus), store)
    store.save()
    store.close()
    before = graph.read_bytes()
    name = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))["popular_campaigns"][0]
    got = embedded_cli.measure(graph, corpus / "corpus", name, build_s=1.0)
    assert got["rebuild_untouched"] is True
    assert got["add_one_doc_read"] == "documents read: 1"  # only the new document was read
    assert all(got[k] > 0 for k in ("whole_read_s", "query_lineage_s", "query_coverage_s", "add_one_doc_s"))
    assert graph.read_bytes() == before  # the benchmark worked on a copy
