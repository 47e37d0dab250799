"""Loading into the real Neo4j: equal to the embedded graph, idempotent, crash-safe, clear errors."""

import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from graph.neo4j_store import Neo4jStore
from graph.nx_store import NetworkxStore
from graph.store import StoreError
from neo4j_fixture import require_neo4j
from graph_samples import document_graph


def test_counts_equal_the_embedded_graph(loaded_neo4j, corpus_store):
    assert loaded_neo4j.counts() == corpus_store.counts()
    assert loaded_neo4j.nodes() == corpus_store.nodes()
    assert loaded_neo4j.relationships() == corpus_store.relationships()


def test_loading_twice_changes_nothing(loaded_neo4j, corpus_store):
    from graph.load import store_to_neo4j

    before = (loaded_neo4j.nodes(), loaded_neo4j.relationships())
    store_to_neo4j(corpus_store, loaded_neo4j)
    assert (loaded_neo4j.nodes(), loaded_neo4j.relationships()) == before


def test_constraints_and_cjk_fulltext_index_exist(loaded_neo4j):
    constraints = {r["name"] for r in loaded_neo4j.read("SHOW CONSTRAINTS YIELD name RETURN name")}
    assert {"federation_id", "campaign_id", "law_id", "passage_id"} <= constraints
    idx = loaded_neo4j.read("SHOW FULLTEXT INDEXES YIELD name, options RETURN name, options")
    assert idx and idx[0]["name"] == "fulian_text"
    assert idx[0]["options"]["indexConfig"]["fulltext.analyzer"] == "cjk"
    hits = loaded_neo4j.read("CALL db.index.fulltext.queryNodes('fulian_text', $q) YIELD node RETURN node.name AS n",
                             {"q": "幸福安康"})
    assert any(h["n"] == "家家幸福安康工程" for h in hits)


def test_every_node_has_a_readable_caption(loaded_neo4j):
    rows = loaded_neo4j.read("MATCH (n) WHERE n.name IS NULL OR trim(n.name) = '' RETURN count(n) AS bad")
    assert rows[0]["bad"] == 0


def test_read_only_store_cannot_write(loaded_neo4j):
    ro = Neo4jStore(*require_neo4j(), read_only=True)
    try:
        with pytest.raises(Exception, match="(?i)write|read access|not allowed"):
            ro.read("CREATE (:Campaign {id: 'campaign:evil', name: 'evil'})")
        with pytest.raises(StoreError, match="read-only"):
            ro.write(document_graph())
        assert ro.node("campaign:evil") is None
    finally:
        ro.close()


def test_unreachable_server_fails_fast_with_the_remedy():
    t0 = time.monotonic()
    with pytest.raises(StoreError) as err:
        Neo4jStore("bolt://127.0.0.1:1", "neo4j", "any")
    assert time.monotonic() - t0 < 5
    assert "not reachable at bolt://127.0.0.1:1" in str(err.value)
    assert "fulian neo4j up" in str(err.value) and "NEO4J_URI" in str(err.value)


def test_wrong_password_fails_fast_with_the_remedy(loaded_neo4j, monkeypatch):
    from fulian.stores import neo4j_store

    monkeypatch.setenv("NEO4J_PASSWORD", "definitely-wrong")  # the CLI's default login takes it
    t0 = time.monotonic()
    with pytest.raises(StoreError) as err:
        neo4j_store(loaded_neo4j.uri)
    assert time.monotonic() - t0 < 5
    assert "refused the credentials" in str(err.value) and "NEO4J_PASSWORD" in str(err.value)


def _big_graph_file(path, n_docs=400):
    store = NetworkxStore(path)
    for i in range(n_docs):
        store.write(document_graph(f"bulk_{i:04d}", year=2015 + i % 10, campaign=f"活动{i % 37}"))
    store.save()
    return store


def test_kill_9_during_load_then_rerun_gives_the_clean_graph(loaded_neo4j, tmp_path):
    src = _big_graph_file(tmp_path / "big.json")
    env = dict(os.environ, FULIAN_BATCH_ROWS="150", NEO4J_URI=loaded_neo4j.uri)
    loaded_neo4j.clear()
    # transactions (an empty local database would otherwise get the offline importer)
    cmd = [sys.executable, "-m", "fulian.cli", "load", "--no-bulk", "--graph", str(tmp_path / "big.json")]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        docs = loaded_neo4j.counts()["nodes"].get("Document", 0)
        if docs >= 20:
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = loaded_neo4j.counts()["nodes"].get("Document", 0)
    assert 0 < partial < 400, f"kill landed outside the load ({partial} documents written)"
    # every document present is whole: as many passages and IMPLEMENTS as the clean graph gives it
    per_doc = loaded_neo4j.read("MATCH (d:Document) OPTIONAL MATCH (p:Passage {doc_id: d.id}) "
                                "WITH d, count(p) AS ps OPTIONAL MATCH ()-[r:IMPLEMENTS {doc_id: d.id}]->() "
                                "RETURN d.id AS id, ps, count(r) AS rs")
    assert all(r["ps"] == 1 and r["rs"] == 2 for r in per_doc)
    rerun = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert loaded_neo4j.counts() == src.counts()
    assert loaded_neo4j.relationships() == src.relationships()
    loaded_neo4j.clear()


def test_load_documents_straight_into_neo4j(loaded_neo4j, tmp_path):
    from loaders.pipeline import build

    doc = ROOT / "data" / "corpus" / "002_81c5735885d10893.txt"
    loaded_neo4j.clear()
    env = dict(os.environ, NEO4J_URI=loaded_neo4j.uri)
    res = subprocess.run([sys.executable, "-m", "fulian.cli", "load", str(doc)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    assert "loaded into " + loaded_neo4j.uri in res.stdout
    embedded = NetworkxStore(tmp_path / "one.json")
    build([doc], embedded)
    assert loaded_neo4j.counts() == embedded.counts()
    assert loaded_neo4j.relationships() == embedded.relationships()
    again = subprocess.run([sys.executable, "-m", "fulian.cli", "load", str(doc)], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0 and loaded_neo4j.counts() == embedded.counts()
    loaded_neo4j.clear()
