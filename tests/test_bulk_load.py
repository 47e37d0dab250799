"""Bulk first load through `neo4j-admin database import full` on the real local server.

The import restarts the server, so this module runs it once: part of the sample corpus in bulk,
then the whole corpus incrementally, which must give exactly the graph an incremental load alone gives.
"""

import os
import subprocess
import sys
from urllib.parse import urlparse

import pytest

from conftest import ROOT
from graph.bulk import BulkUnavailable, bulk_available, node_columns, relationship_columns, write_import_files
from graph.load import plan_load, store_to_neo4j
from graph.nx_store import NetworkxStore
from loaders.pipeline import SAMPLE_CORPUS, build

pytestmark = pytest.mark.neo4j


def _graph(path, files):
    store = NetworkxStore(path)
    build(files, store)
    store.save()
    return store


def _load(graph_file, uri, *extra):
    env = dict(os.environ, NEO4J_URI=uri)
    return subprocess.run([sys.executable, "-m", "fulian.cli", "load", "--graph", str(graph_file), *extra],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)


def test_import_files_have_typed_headers_and_quote_every_string(corpus_store, tmp_path):
    files = write_import_files(plan_load(corpus_store, {}), tmp_path)
    heads = {f.path.name: f.path.read_text(encoding="utf-8").splitlines()[0] for f in files["nodes"]}
    assert heads["nodes-Document.csv"].startswith("id:ID,:LABEL,name:string,aliases:string[],")
    assert "year:long" in heads["nodes-Document.csv"] and "own_office:boolean" in heads["nodes-Department.csv"]
    assert ("score", "double") in relationship_columns() and ("targets", "string[]") in relationship_columns()
    assert ("aliases_text", "string") in node_columns("Campaign")
    rels = {f.path.name: f for f in files["relationships"]}
    assert rels["relationships-REPEATS.csv"].rows == corpus_store.counts()["relationships"]["REPEATS"]
    assert rels["relationships-VARIANT_OF.csv"].rows == corpus_store.counts()["relationships"]["VARIANT_OF"]
    # a gazetteer link has doc_id "": written as a quoted empty string, not left out (that would be null)
    part_of = rels["relationships-PART_OF.csv"].path.read_text(encoding="utf-8")
    assert ',"",' in part_of
    assert sum(f.rows for f in files["nodes"]) == sum(corpus_store.counts()["nodes"].values())


def test_bulk_then_incremental_equals_incremental_alone(loaded_neo4j, tmp_path):
    from fulian.neo4j_server import LocalServer

    uri = loaded_neo4j.uri
    if not LocalServer().serves(uri):
        pytest.skip(f"{uri} is not the local server of `fulian neo4j up`: bulk import needs its files")
    docs = sorted(SAMPLE_CORPUS.glob("*.txt"))
    part = _graph(tmp_path / "part.json", docs[:3])
    whole = _graph(tmp_path / "whole.json", docs)
    loaded_neo4j.clear()
    store_to_neo4j(whole, loaded_neo4j)
    expected = (loaded_neo4j.nodes(), loaded_neo4j.relationships())
    loaded_neo4j.clear()
    try:
        first = _load(tmp_path / "part.json", uri)
        assert first.returncode == 0, first.stderr
        assert "offline importer" in first.stderr and "documents: 3 written" in first.stdout
        loaded_neo4j.reconnect()  # the server was restarted under it
        assert loaded_neo4j.nodes() == part.nodes() and loaded_neo4j.relationships() == part.relationships()
        assert part.relationships("VARIANT_OF") and \
            loaded_neo4j.relationships("VARIANT_OF") == part.relationships("VARIANT_OF")  # derived links imported
        again = _load(tmp_path / "whole.json", uri)
        assert again.returncode == 0, again.stderr
        assert "offline importer" not in again.stderr
        # the two new documents, and those of the first three whose corpus-pass names the new ones changed
        before = {d["id"]: d.get("corpus_names") or [] for d in part.nodes("Document")}
        changed = sum(1 for d in whole.nodes("Document") if d["id"] in before and
                      (d.get("corpus_names") or []) != before[d["id"]])
        assert f"documents: {2 + changed} written, {3 - changed} unchanged (skipped)" in again.stdout
        assert (loaded_neo4j.nodes(), loaded_neo4j.relationships()) == expected
        constraints = {r["name"] for r in loaded_neo4j.read("SHOW CONSTRAINTS YIELD name RETURN name")}
        assert {"document_id", "passage_id", "rel_implements_id_unique"} <= constraints
        hits = loaded_neo4j.read("CALL db.index.fulltext.queryNodes('fulian_text', $q) YIELD node "
                                 "RETURN node.name AS n", {"q": "幸福安康"})
        assert any(h["n"] == "家家幸福安康工程" for h in hits)
        with pytest.raises(BulkUnavailable, match="not empty"):
            bulk_available(loaded_neo4j, LocalServer())
        with pytest.raises(BulkUnavailable, match="not the local server"):
            bulk_available(loaded_neo4j, None)  # no server given: the library cannot reach any files
    finally:
        loaded_neo4j.reconnect()
        loaded_neo4j.clear()


def test_bulk_on_a_server_that_is_not_local_falls_back_to_transactions(loaded_neo4j, corpus_store, tmp_path):
    from test_neo4j_faults import CuttableProxy

    target = urlparse(loaded_neo4j.uri)
    proxy = CuttableProxy(target.hostname, target.port)  # another address: its files are out of reach
    loaded_neo4j.clear()
    try:
        res = _load(corpus_store.path, f"bolt://127.0.0.1:{proxy.port}", "--bulk")
        assert res.returncode == 0, res.stderr
        assert "bulk import needs the server's own files" in res.stderr
        assert "loading through transactions instead" in res.stderr
        assert loaded_neo4j.relationships() == corpus_store.relationships()
        loaded_neo4j.clear()  # an empty database behind NEO4J_URI: no bulk attempt, transactions at once
        res = _load(corpus_store.path, f"bolt://127.0.0.1:{proxy.port}")
        assert res.returncode == 0, res.stderr
        assert "offline importer" not in res.stderr and "bulk import" not in res.stderr
        assert (loaded_neo4j.nodes(), loaded_neo4j.relationships()) == (corpus_store.nodes(),
                                                                        corpus_store.relationships())
    finally:
        proxy.drop_everything()
        loaded_neo4j.clear()
