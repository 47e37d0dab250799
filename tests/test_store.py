"""The shared GraphStore suite: every test runs on every backend."""

import json

import pytest

from graph.load import store_to_graph
from graph.nx_store import NetworkxStore
from graph.store import GraphStore, StoreError, open_store
from graph_samples import document_graph


def test_store_satisfies_the_protocol(empty_store):
    assert isinstance(empty_store, GraphStore)
    assert empty_store.counts() == {"nodes": {}, "relationships": {}}


def test_write_then_read_back_equal(empty_store):
    kg = document_graph()
    empty_store.write(kg)
    assert empty_store.counts() == kg.counts()
    assert empty_store.nodes() == sorted(kg.node_rows(), key=lambda r: r["id"])
    assert empty_store.relationships() == sorted(kg.rel_rows(), key=lambda r: r["id"])
    assert empty_store.node("fed:长沙市望城区妇联")["aliases"] == ["望城区妇联"]
    assert empty_store.node("fed:nowhere") is None


def test_writing_twice_changes_nothing(empty_store):
    kg = document_graph()
    empty_store.write(kg)
    first = (empty_store.nodes(), empty_store.relationships())
    empty_store.write(document_graph())
    assert (empty_store.nodes(), empty_store.relationships()) == first


def test_filters_by_label_and_type(empty_store):
    empty_store.write(document_graph())
    assert [n["name"] for n in empty_store.nodes("Campaign")] == ["美丽庭院"]
    implements = empty_store.relationships("IMPLEMENTS")
    assert {r["end_id"] for r in implements} == {"campaign:美丽庭院", "law:家庭教育促进法"}
    assert all(r["evidence"] and r["doc_id"] == "doc:doc_a" for r in implements)


def test_replace_document_drops_only_its_own_statements(empty_store):
    empty_store.write(document_graph("doc_a", campaign="美丽庭院"))
    empty_store.write(document_graph("doc_b", campaign="巾帼建功"))
    empty_store.replace_document("doc:doc_a", document_graph("doc_a", campaign="领头雁"))
    names = {n["name"] for n in empty_store.nodes("Campaign")}
    assert names == {"领头雁", "巾帼建功"}  # 美丽庭院 lost its only document
    assert set(empty_store.document_hashes()) == {"doc:doc_a", "doc:doc_b"}


def test_delete_document_keeps_what_others_support(empty_store):
    empty_store.write(document_graph("doc_a"))
    empty_store.write(document_graph("doc_b"))
    empty_store.delete_document("doc:doc_a")
    assert set(empty_store.document_hashes()) == {"doc:doc_b"}
    assert empty_store.counts() == document_graph("doc_b").counts()
    empty_store.delete_document("doc:doc_b")
    assert empty_store.counts() == {"nodes": {}, "relationships": {}}


def test_clear_empties(empty_store):
    empty_store.write(document_graph())
    empty_store.clear()
    assert empty_store.counts() == {"nodes": {}, "relationships": {}}


def test_store_reads_back_into_validated_records(empty_store):
    kg = document_graph()
    empty_store.write(kg)
    again = store_to_graph(empty_store)
    assert sorted(again.nodes) == sorted(kg.nodes)
    assert sorted(again.relationships) == sorted(kg.relationships)


# -- embedded file specifics -------------------------------------------------

def test_file_round_trip_is_equal(tmp_path):
    path = tmp_path / "kg.json"
    with NetworkxStore(path) as store:
        store.write(document_graph())
    reloaded = NetworkxStore(path)
    assert reloaded.counts() == document_graph().counts()
    assert reloaded.nodes() == sorted(document_graph().node_rows(), key=lambda r: r["id"])
    assert reloaded.relationships() == sorted(document_graph().rel_rows(), key=lambda r: r["id"])
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["multigraph"] is True and len(data["edges"]) == len(document_graph().relationships)


def test_save_is_atomic_and_leaves_no_temp_files(tmp_path, monkeypatch):
    path = tmp_path / "kg.json"
    with NetworkxStore(path) as store:
        store.write(document_graph())
    before = path.read_bytes()
    store = NetworkxStore(path)
    store.write(document_graph("doc_b"))

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr("graph.graph_file.json.dumps", boom)
    with pytest.raises(StoreError, match=r"cannot write .*kg.json: disk full; the graph file is as it was before"):
        store.save()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".kg.json.lock", "kg.json"]  # the open writer's lock


def test_not_a_graph_file_gives_the_remedy(tmp_path):
    bad = tmp_path / "kg.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(StoreError, match=r"not a fulian graph file .*fulian build --out"):
        NetworkxStore(bad)
    bad.write_text('{"nodes": []}', encoding="utf-8")
    with pytest.raises(StoreError, match="not a fulian graph file"):
        NetworkxStore(bad)


def test_read_only_store_refuses_writes(tmp_path):
    with NetworkxStore(tmp_path / "kg.json") as new:
        new.write(document_graph())
    store = open_store("embedded", str(tmp_path / "kg.json"), read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        store.write(document_graph())


def test_unknown_backend():
    with pytest.raises(StoreError, match="unknown backend 'sqlite': choose one of embedded, neo4j"):
        open_store("sqlite")


def test_delete_relationships_of_one_type(empty_store):
    empty_store.write(document_graph())
    before = empty_store.counts()
    empty_store.delete_relationships("COORDINATES")
    after = empty_store.counts()
    assert "COORDINATES" not in after["relationships"]
    assert after["nodes"] == before["nodes"]
    assert sum(after["relationships"].values()) == sum(before["relationships"].values()) - 1


def _repeats(a: str, b: str) -> "Relationship":
    from graph.model import Relationship

    return Relationship(type="REPEATS", start_id=a, start_label="Passage", end_id=b, end_label="Passage",
                        doc_id="d", year=2023, evidence="x", start=0, end=1, rule="shingle-jaccard:self",
                        score=0.9, similarity=0.9, rarity=1.0)


def test_write_links_joins_held_nodes_and_refuses_a_missing_end(empty_store):
    kg = document_graph("甲", 2023)
    kg.merge(document_graph("乙", 2024))
    empty_store.write(kg)
    a, b = sorted(n["id"] for n in empty_store.nodes("Passage"))
    nodes = empty_store.nodes()
    empty_store.write_links([_repeats(a, b)])
    assert [(r["start_id"], r["end_id"], r["score"]) for r in empty_store.relationships("REPEATS")] == [(a, b, 0.9)]
    empty_store.write_links([_repeats(a, b)])  # merged: no second copy
    assert len(empty_store.relationships("REPEATS")) == 1
    with pytest.raises(StoreError, match="write those nodes first|write its node first"):
        empty_store.write_links([_repeats(b, a), _repeats(a, "passage:gone")])
    assert len(empty_store.relationships("REPEATS")) == 1  # the refused batch wrote nothing
    assert empty_store.nodes() == nodes  # and no node came or went


def test_read_only_store_of_a_missing_file_names_the_remedy(tmp_path):
    with pytest.raises(StoreError, match=r"kg.json: no graph file; build one with `fulian build --out"):
        open_store("embedded", str(tmp_path / "kg.json"), read_only=True)


def test_each_backend_offers_its_own_protocol(empty_store):
    from graph.store import BulkTarget, CypherStore, EmbeddedStore

    if empty_store.backend == "embedded":
        assert isinstance(empty_store, EmbeddedStore) and not isinstance(empty_store, CypherStore)
    else:
        assert isinstance(empty_store, BulkTarget) and not isinstance(empty_store, EmbeddedStore)


def _protocol_members(cls) -> set[str]:
    return {n for c in cls.__mro__ if c.__module__ == "graph.store" for n in (*vars(c), *c.__annotations__)}


def test_code_given_a_protocol_uses_only_what_it_declares():
    """Every attribute a library function reads off a parameter annotated with a store protocol is one
    the protocol declares (the protocols say what callers use, nothing is reached behind them)."""
    import ast

    from conftest import ROOT
    import graph.store as protocols

    declared = {name: _protocol_members(getattr(protocols, name))
                for name in ("GraphStore", "EmbeddedStore", "CypherStore", "BulkTarget")}
    bad, seen = [], 0
    for path in sorted(p for top in ("graph", "loaders", "queries") for p in (ROOT / top).rglob("*.py")):
        for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            typed = {a.arg: a.annotation.id for a in fn.args.args + fn.args.kwonlyargs
                     if isinstance(a.annotation, ast.Name) and a.annotation.id in declared}
            for node in ast.walk(fn):
                if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in typed:
                    seen += 1
                    if node.attr not in declared[typed[node.value.id]]:
                        bad.append(f"{path.relative_to(ROOT)}:{node.lineno} {fn.name}: "
                                   f"{node.value.id}.{node.attr} ({typed[node.value.id]})")
    assert seen > 20  # the walk found the callers
    assert not bad, "members used but not declared by their protocol:\n" + "\n".join(bad)
