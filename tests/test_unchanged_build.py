"""A build that changes nothing leaves the graph file untouched (not rewritten); one that changes
anything saves it. The embedded store knows which: writing what it already holds keeps it clean."""

import os
import shutil
import subprocess
import sys

from conftest import ROOT
from graph.nx_store import NetworkxStore
from loaders.pipeline import build

SAMPLE = ROOT / "data" / "corpus"


def fulian(*args):
    return subprocess.run([sys.executable, "-m", "fulian.cli", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_rebuilding_unchanged_documents_does_not_rewrite_the_file(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(SAMPLE, docs)
    out = tmp_path / "kg.json"
    assert fulian("build", docs, "--out", out).returncode == 0
    first = os.stat(out)
    again = fulian("build", docs, "--out", out)
    assert again.returncode == 0, again.stderr
    assert "unchanged: 5" in again.stdout
    second = os.stat(out)
    assert (second.st_ino, second.st_mtime_ns) == (first.st_ino, first.st_mtime_ns)
    # one edited document: the file is written again, with the edit
    victim = sorted(docs.iterdir())[0]
    victim.write_text(victim.read_text(encoding="utf-8") + "\n妇联组织开展“测试新活动”。\n", encoding="utf-8")
    edited = fulian("build", docs, "--out", out)
    assert edited.returncode == 0, edited.stderr
    assert os.stat(out).st_ino != first.st_ino
    store = NetworkxStore(out, read_only=True)
    assert any("测试新活动" in (d.get("name") or "") for d in store.nodes("Campaign"))
    store.close()


def test_writing_what_the_store_holds_keeps_it_clean(tmp_path):
    out = tmp_path / "kg.json"
    store = NetworkxStore(out)
    build([str(SAMPLE)], store)
    store.save()
    assert not store.dirty
    nodes, rels = store.nodes(), store.relationships()
    from graph.load import store_to_graph

    store.write(store_to_graph(store))  # the same rows again
    assert not store.dirty
    assert store.nodes() == nodes and store.relationships() == rels
    build([str(SAMPLE)], store)  # nothing changed on disk either
    assert not store.dirty
    store.delete_relationships("NO_SUCH_TYPE")
    assert not store.dirty
    some = store.relationships("IMPLEMENTS")[0]
    store.delete_relationships("IMPLEMENTS")
    assert store.dirty and some not in store.relationships()
    store.close()


def _built(tmp_path):
    """A graph file of the sample corpus, and its counts."""
    out = tmp_path / "kg.json"
    writer = NetworkxStore(out)
    build([str(SAMPLE)], writer)
    writer.save()
    counts = writer.counts()
    writer.close()
    return out, counts


def test_an_unchanged_build_reads_only_the_nodes_and_counts_the_rest(tmp_path):
    out, counts = _built(tmp_path)
    store = NetworkxStore(out)  # a writer: reads the rest only when it needs it
    report = build([str(SAMPLE)], store)
    assert not store.dirty and store._rest is not None, "an unchanged build read every row"
    assert store.counts() == counts  # the rows not parsed are counted from the file's lines
    whole = NetworkxStore(out, read_only=True).graph
    target = next(c for _, c, d in whole.edges(data=True) if d["type"] == "IMPLEMENTS")
    part = store.graph_with(["IMPLEMENTS"], {"IMPLEMENTS": [target]})  # a part of one type read: not counted twice
    assert 0 < sum(d["type"] == "IMPLEMENTS" for _, _, d in part.edges(data=True)) < counts["relationships"]["IMPLEMENTS"]
    assert store.counts() == counts
    assert store.relationships("LEADS")  # one type read whole: the others still counted
    assert store._rest is not None and store.counts() == counts
    store.close()
    assert len(report.unchanged) == 5 and not report.read


def test_a_writer_opened_on_a_file_writes_it_back_whole_with_its_change(tmp_path):
    out, before = _built(tmp_path)
    store = NetworkxStore(out)
    victim = store.nodes("Document")[0]["id"]
    store.delete_document(victim)  # a write: everything is read first
    store.save()
    store.close()
    after = NetworkxStore(out, read_only=True)
    assert after.node(victim) is None
    assert after.counts()["nodes"]["Document"] == before["nodes"]["Document"] - 1
    assert after.counts()["relationships"]["REPEATS"] > 0 and after.counts()["nodes"]["Passage"] > 0
    after.close()
