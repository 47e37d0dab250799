"""Hostile text through every CLI query and view, on both backends: clear answers, database unchanged."""

import pytest

from fulian.cli import main

HOSTILE = [
    '"}) DETACH DELETE n //',
    "`Campaign`) DETACH DELETE n WITH 1 AS x MATCH (m",
    "$name ${x} $$",
    "' OR 1=1 RETURN n //",
    "长沙市妇联'}) MATCH (n) SET n.name = 'pwned' //",
    "＂｝）　ＤＥＴＡＣＨ　ＤＥＬＥＴＥ　ｎ　／／",
    "美" * 10000,
]
COMMANDS = [
    ["query", "lineage"], ["query", "chain"], ["query", "inherit"], ["query", "text"],
    ["query", "provenance"], ["query", "coverage"], ["query", "profile"],
    ["view", "campaign"], ["view", "federation"], ["view", "hierarchy"],
]


def run_all(capsys, tmp_path, backend_args):
    for cmd in COMMANDS:
        for text in HOSTILE:
            extra = ["--out", str(tmp_path / "v.html")] if cmd[0] == "view" else []
            code = main([*cmd, text, *backend_args, *extra])
            out, err = capsys.readouterr()
            assert code in (0, 1), (cmd, text[:40], code, err)
            assert "Traceback" not in err
            if code == 1:
                assert err.startswith("error: ") and len(err.strip().splitlines()) == 1, err[:300]


def test_hostile_input_on_the_embedded_store(corpus_store, capsys, tmp_path):
    before = (corpus_store.path.read_bytes())
    run_all(capsys, tmp_path, ["--backend", "embedded", "--graph", str(corpus_store.path)])
    assert corpus_store.path.read_bytes() == before


def test_hostile_input_on_neo4j(loaded_neo4j, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", loaded_neo4j.uri)
    before = (loaded_neo4j.counts(), loaded_neo4j.nodes(), loaded_neo4j.relationships())
    run_all(capsys, tmp_path, ["--backend", "neo4j"])
    assert (loaded_neo4j.counts(), loaded_neo4j.nodes(), loaded_neo4j.relationships()) == before


def test_view_query_refuses_writes(loaded_neo4j, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", loaded_neo4j.uri)
    before = loaded_neo4j.counts()
    for q in ["MATCH (n) DETACH DELETE n", "CREATE (x:Campaign {id: 'campaign:x', name: 'x'}) RETURN x",
              "CALL apoc.create.node(['Campaign'], {id: 'campaign:y', name: 'y'}) YIELD node RETURN node"]:
        code = main(["view", "query", q, "--backend", "neo4j", "--out", str(tmp_path / "q.html")])
        _, err = capsys.readouterr()
        assert code == 1 and "read-only" in err, err
    assert loaded_neo4j.counts() == before
