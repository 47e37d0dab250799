"""`fulian build --shard K/N` and merging the shards' graph files into the real Neo4j.

Loading shard 1 then shard 2 (or both in one command, in either order, or one of them twice)
must give exactly the graph that loading the unsharded build gives: the links across documents
(REPEATS) that join passages of different shards are recomputed over the database after the merge,
and the entities the shards share get the aliases of both.
"""

import os
import subprocess
import sys

import pytest

from conftest import ROOT
from graph.load import store_to_neo4j
from graph.nx_store import NetworkxStore
from loaders.pipeline import build, in_shard

pytestmark = pytest.mark.neo4j
N_DOCS = 40


@pytest.fixture(scope="module")
def shards(tmp_path_factory):
    """A generated corpus built whole and as shards 1/2 and 2/2 (graph files), without the corpus pass."""
    from benchmarks.generate import generate

    d = tmp_path_factory.mktemp("shards")
    generate(N_DOCS, d / "gen", seed=11)
    corpus = d / "gen" / "corpus"
    out = {}
    for name, shard in (("whole", None), ("s1", (1, 2)), ("s2", (2, 2))):
        store = NetworkxStore(d / f"{name}.json")
        # without the corpus pass: a shard's pass only knows the names its own documents quote (README)
        build([corpus], store, shard=shard, corpus_pass=False)
        store.save()
        out[name] = store
    return out


def _load(uri, *graphs):
    args = [a for g in graphs for a in ("--graph", str(g.path))]
    res = subprocess.run([sys.executable, "-m", "fulian.cli", "load", "--no-bulk", *args], cwd=ROOT,
                         env=dict(os.environ, NEO4J_URI=uri), capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    return res


def _docs(store):
    return {r["id"] for r in store.nodes("Document")}


def test_shards_partition_the_documents_by_path(shards):
    whole, s1, s2 = _docs(shards["whole"]), _docs(shards["s1"]), _docs(shards["s2"])
    assert s1 and s2 and not s1 & s2 and s1 | s2 == whole
    assert all(in_shard(d.split(":", 1)[1], (1, 2)) for d in s1)
    assert all(in_shard(d.split(":", 1)[1], (2, 2)) for d in s2)


def test_cli_shard_argument_is_checked(tmp_path, capsys):
    from fulian.cli import main

    for bad in ("3/2", "0/2", "1", "a/b"):
        with pytest.raises(SystemExit) as stop:
            main(["build", "--shard", bad, "--out", str(tmp_path / "kg.json")])
        assert stop.value.code == 2
        assert "is not K/N with 1 <= K <= N" in capsys.readouterr().err


def test_loading_the_shards_equals_loading_the_whole_graph(shards, loaded_neo4j):
    neo = loaded_neo4j
    whole, s1, s2 = shards["whole"], shards["s1"], shards["s2"]
    doc_of = {r["id"]: r["doc_id"] for r in whole.nodes("Passage")}
    cross = [r for r in whole.relationships("REPEATS")
             if (doc_of[r["start_id"]] in _docs(s1)) != (doc_of[r["end_id"]] in _docs(s1))]
    assert cross, "the corpus must have links across the shards for this test to mean something"
    shard_links = {r["id"] for r in s1.relationships("REPEATS")} | {r["id"] for r in s2.relationships("REPEATS")}
    assert not {r["id"] for r in cross} & shard_links  # no shard can know them
    neo.clear()
    try:
        store_to_neo4j(whole, neo)
        expected = (neo.nodes(), neo.relationships())
        neo.clear()
        _load(neo.uri, s1)
        res = _load(neo.uri, s2)
        assert "recomputing the links across documents" in res.stderr
        assert (neo.nodes(), neo.relationships()) == expected
        _load(neo.uri, s2)  # again: nothing changes
        assert (neo.nodes(), neo.relationships()) == expected
        neo.clear()
        _load(neo.uri, s2, s1)  # both at once, the other order
        assert (neo.nodes(), neo.relationships()) == expected
        _load(neo.uri, whole)  # the unsharded file over the merged shards: nothing changes
        assert (neo.nodes(), neo.relationships()) == expected
    finally:
        neo.clear()
