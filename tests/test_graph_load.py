"""Loading a graph file into Neo4j: the plan (no database) and incremental loads (real Neo4j)."""

import json

import pytest

from graph import cypher
from graph.load import plan_load, store_to_neo4j
from graph.model import Relationship
from graph.nx_store import NetworkxStore
from graph.store import StoreError
from graph_samples import document_graph


def two_docs(tmp_path, name="g.json"):
    store = NetworkxStore(tmp_path / name)
    store.write(document_graph("doc_a", campaign="美丽庭院"))
    store.write(document_graph("doc_b", campaign="巾帼建功"))
    return store


def add_repeats(store, a="doc_a", b="doc_b"):
    from graph.model import KnowledgeGraph, node_from_properties

    kg = KnowledgeGraph()
    pa, pb = (kg.add_node(node_from_properties(store.node(f"passage:{d}/0"))) for d in (a, b))
    r = kg.add_relationship(Relationship(type="REPEATS", start_id=pb, start_label="Passage", end_id=pa,
                                         end_label="Passage", doc_id=f"doc:{b}", evidence="x", score=1.0))
    store.write(kg)
    return r


# -- the plan ------------------------------------------------------------------

def test_plan_for_an_empty_target_writes_everything(tmp_path):
    src = two_docs(tmp_path)
    plan = plan_load(src, {})
    assert plan.stale == [] and plan.skipped == 0
    assert sorted(plan.documents) == ["doc:doc_a", "doc:doc_b"]
    assert plan.rows() == plan.total_rows == src.graph.number_of_nodes() + src.graph.number_of_edges()
    own_nodes, own_rels = plan.documents["doc:doc_a"]
    assert {n["label"] for n in own_nodes} == {"Document", "Passage"}
    assert all(r["doc_id"] == "doc:doc_a" for r in own_rels)
    assert all(n["label"] not in ("Document", "Passage") for n in plan.shared_nodes)
    assert all(not r.get("doc_id") for r in plan.shared_rels)


def test_plan_skips_unchanged_documents_and_their_entities(tmp_path):
    src = two_docs(tmp_path)
    have = src.document_hashes()
    plan = plan_load(src, have)
    assert plan.documents == {} and plan.skipped == 2 and plan.stale == []
    shared = {n["id"] for n in plan.shared_nodes}
    assert "campaign:美丽庭院" not in shared and "campaign:巾帼建功" not in shared
    # a changed document is deleted first, then written whole with the entities it touches
    plan = plan_load(src, {**have, "doc:doc_b": "old hash"})
    assert plan.stale == ["doc:doc_b"] and sorted(plan.documents) == ["doc:doc_b"]
    shared = {n["id"] for n in plan.shared_nodes}
    assert "campaign:巾帼建功" in shared and "campaign:美丽庭院" not in shared


def test_plan_removes_missing_documents_only_with_replace(tmp_path):
    src = two_docs(tmp_path)
    have = {**src.document_hashes(), "doc:gone": "h"}
    assert plan_load(src, have).stale == []
    assert plan_load(src, have, replace=True).stale == ["doc:gone"]


def test_plan_keeps_derived_links_apart(tmp_path):
    src = two_docs(tmp_path)
    r = add_repeats(src)
    plan = plan_load(src, {})
    assert [x["id"] for x in plan.derived] == [r]
    assert all(x["type"] != "REPEATS" for _, rels in plan.documents.values() for x in rels)


def test_document_batches_never_split_a_document(tmp_path):
    src = two_docs(tmp_path)
    plan = plan_load(src, {})
    batches = list(plan.document_batches(1))
    assert len(batches) == 2
    for nodes, rels in batches:
        assert len({n.get("doc_id") or n["id"] for n in nodes}) == 1
        assert len({r["doc_id"] for r in rels}) == 1


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["nodes"][0].update(label="Alien"), "unknown label 'Alien'"),
    (lambda d: d["edges"][0].update(type="LOVES"), "unknown type 'LOVES'"),
    (lambda d: d["edges"][0].update(end_id="fed:nowhere"), "points at 'fed:nowhere'"),
    (lambda d: d["edges"][0].update(end_label="Law"), "which is not a Law node"),
])
def test_a_broken_graph_file_is_refused_naming_the_file(tmp_path, mutate, message):
    src = two_docs(tmp_path)
    src.save()
    data = json.loads(src.path.read_text(encoding="utf-8"))
    mutate(data)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(StoreError) as err:
        plan_load(NetworkxStore(bad, read_only=True), {})
    assert str(bad) in str(err.value) and message in str(err.value)


# -- Cypher text (no database) -------------------------------------------------

def test_write_statements_take_values_only_as_parameters():
    for q in (cypher.create_nodes("Passage"), cypher.merge_nodes("Campaign"),
              cypher.create_relationships("IMPLEMENTS", "Federation", "Campaign"),
              cypher.merge_relationships("REPEATS", "Passage", "Passage")):
        assert q.startswith("UNWIND $rows AS row")
    assert "$doc_id" in cypher.delete_document()
    for bad in (lambda: cypher.create_nodes("Campaign) DETACH DELETE (x"),
                lambda: cypher.create_relationships("X]->() DELETE r//", "Passage", "Passage"),
                lambda: cypher.relationship_ids("NOPE")):
        with pytest.raises(ValueError):
            bad()


def test_schema_keys_extracted_relationships_and_drops_the_old_indexes():
    text = "\n".join(cypher.constraints() + cypher.indexes())
    for t in ("IMPLEMENTS", "LEADS", "COORDINATES", "PART_OF"):
        assert f"FOR ()-[r:{t}]-() REQUIRE r.id IS UNIQUE" in text
        assert f"DROP INDEX rel_{t.lower()}_id IF EXISTS" in text
    assert "`fulltext.eventually_consistent`: true" in text


# -- real Neo4j ----------------------------------------------------------------

@pytest.fixture
def neo():
    """The test server's database, wiped."""
    from neo4j_fixture import require_neo4j
    from graph.neo4j_store import Neo4jStore

    uri, user, password = require_neo4j()
    store = Neo4jStore(uri, user, password)
    store.clear()
    yield store
    store.close()


def same(neo, src):
    assert neo.counts() == src.counts()
    assert neo.nodes() == src.nodes()
    assert neo.relationships() == src.relationships()


@pytest.mark.neo4j
def test_reloading_an_unchanged_graph_writes_nothing(neo, tmp_path):
    src = two_docs(tmp_path)
    add_repeats(src)
    first = store_to_neo4j(src, neo)
    assert len(first.documents) == 2
    same(neo, src)
    again = store_to_neo4j(src, neo)
    assert again.documents == {} and again.skipped == 2
    assert first.written == first.total_rows and again.written < first.written / 2
    same(neo, src)


@pytest.mark.neo4j
def test_a_changed_document_replaces_only_its_own_rows(neo, tmp_path):
    src = two_docs(tmp_path)
    store_to_neo4j(src, neo)
    changed = NetworkxStore(tmp_path / "changed.json")
    changed.write(document_graph("doc_a", campaign="美丽庭院"))
    kg = document_graph("doc_b", campaign="巾帼创业")
    kg.nodes["doc:doc_b"].content_hash = "h-doc_b-v2"
    changed.write(kg)
    plan = store_to_neo4j(changed, neo)
    assert plan.stale == ["doc:doc_b"] and sorted(plan.documents) == ["doc:doc_b"]
    same(neo, changed)  # 巾帼建功 is gone with the old version: nothing else names it


@pytest.mark.neo4j
def test_replace_removes_documents_the_source_lacks(neo, tmp_path):
    store_to_neo4j(two_docs(tmp_path), neo)
    only_a = NetworkxStore(tmp_path / "a.json")
    only_a.write(document_graph("doc_a", campaign="美丽庭院"))
    store_to_neo4j(only_a, neo)
    assert neo.counts()["nodes"]["Document"] == 2  # kept without --replace
    store_to_neo4j(only_a, neo, replace=True)
    same(neo, only_a)


@pytest.mark.neo4j
def test_derived_links_follow_the_source(neo, tmp_path):
    src = two_docs(tmp_path)
    store_to_neo4j(src, neo)
    add_repeats(src)
    store_to_neo4j(src, neo)
    same(neo, src)
    src.delete_relationships("REPEATS")
    store_to_neo4j(src, neo)
    same(neo, src)


@pytest.mark.neo4j
def test_rows_left_without_their_document_are_merged_not_duplicated(neo, tmp_path):
    """A database whose Document node went missing (an older version, a hand edit): creating
    the document again meets the uniqueness constraints, and the load falls back to MERGE."""
    src = two_docs(tmp_path)
    store_to_neo4j(src, neo)
    neo._write_tx(lambda tx: tx.run("MATCH (d:Document {id: 'doc:doc_a'}) DETACH DELETE d").consume())
    store_to_neo4j(src, neo)
    same(neo, src)


@pytest.mark.neo4j
def test_schema_from_an_earlier_version_is_upgraded(neo, tmp_path):
    neo._write_tx(lambda tx: tx.run("CALL db.awaitIndexes(60)").consume())
    with neo.driver.session(database=neo.database) as s:
        s.run("DROP CONSTRAINT rel_implements_id_unique IF EXISTS").consume()
        s.run("DROP INDEX fulian_text IF EXISTS").consume()
        s.run("CREATE INDEX rel_implements_id IF NOT EXISTS FOR ()-[r:IMPLEMENTS]-() ON (r.id)").consume()
        s.run("CREATE FULLTEXT INDEX fulian_text IF NOT EXISTS FOR (n:Campaign|Passage) ON EACH [n.name, n.text] "
              "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}").consume()
    neo._schema_ready = False
    src = two_docs(tmp_path)
    store_to_neo4j(src, neo)
    names = {r["name"] for r in neo.read("SHOW INDEXES YIELD name RETURN name")}
    assert "rel_implements_id" not in names and "rel_implements_id_unique" in names
    cfg = neo.read(cypher.index_config(), {"name": cypher.FULLTEXT_INDEX})[0]["config"]
    assert cfg["fulltext.eventually_consistent"] is True
    hits = neo.read("CALL db.index.fulltext.queryNodes('fulian_text', '庭院') YIELD node RETURN node.id AS id")
    assert "campaign:美丽庭院" in {h["id"] for h in hits}  # settled: searchable when the load returns
    same(neo, src)


@pytest.mark.neo4j
def test_derived_sync_reads_only_the_links_that_can_differ(neo, tmp_path):
    """Each Document keeps a digest of its derived links: a load reads the links of pending documents,
    of documents linking into them and of documents whose digest moved, and the result is the full sync's."""
    src = two_docs(tmp_path)
    src.write(document_graph("doc_c", campaign="美丽庭院"))
    add_repeats(src, "doc_a", "doc_b")
    add_repeats(src, "doc_a", "doc_c")
    for _, _, d in src.graph.edges(data=True):  # as loaders.text_reuse writes them: the source clause's document
        if d["type"] == "REPEATS":
            d["source_doc_id"] = "doc:doc_a"
    store_to_neo4j(src, neo)
    same(neo, src)
    base = store_to_neo4j(src, neo)
    assert base.derived_read == 0  # nothing changed: no link read
    for _, _, d in src.graph.edges(data=True):  # a score moved (rarity is corpus-wide): doc_b's digest differs
        if d["type"] == "REPEATS" and d["doc_id"] == "doc:doc_b":
            d["score"] = 0.5
    plan = store_to_neo4j(src, neo)
    assert plan.derived_read == 1 and plan.written == base.written + 1
    same(neo, src)
    neo._write_tx(lambda tx: tx.run(  # a load interrupted after writing doc_a, before its links: no digest, no link
        "MATCH (d:Document {id: 'doc:doc_a'}) REMOVE d.derived_digest WITH d "
        "MATCH (:Passage {doc_id: 'doc:doc_b'})-[r:REPEATS]->() DELETE r").consume())
    plan = store_to_neo4j(src, neo)
    assert plan.written == base.written + 1
    same(neo, src)
    neo.delete_document("doc:doc_a")  # outside a load: doc_b's and doc_c's links go, and with them their digests
    plan = store_to_neo4j(src, neo)
    assert set(plan.documents) == {"doc:doc_a"} and plan.derived_read == 0
    same(neo, src)
    neo.delete_relationships("REPEATS")  # every digest is forgotten: the next load reads every document's links
    plan = store_to_neo4j(src, neo)
    assert plan.written == base.written + 2
    same(neo, src)
    neo._write_tx(lambda tx: tx.run(cypher.clear_derived_digests()).consume())
    plan = store_to_neo4j(src, neo)  # the full sync (every link read) finds what the fast path left right
    assert plan.derived_read == 2 and plan.written == base.written
    same(neo, src)
