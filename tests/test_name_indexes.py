"""Name lookups on Neo4j through the text indexes of federations, campaigns and laws: the same
nodes as the embedded store's scan, names that are not plain text included (flagged, since the
indexes hold their raw forms), on a database this version wrote and on one an earlier version
wrote (no flags, no indexes) before and after a writer's schema check adds them."""

from __future__ import annotations

import pytest

from graph import cypher
from graph.model import Campaign, Federation, KnowledgeGraph, Law
from graph.neo4j_store import Neo4jStore, stored_node_props
from graph.nx_store import NetworkxStore
from queries import QueryError
from queries.resolve import resolve


def _graph() -> KnowledgeGraph:
    kg = KnowledgeGraph()
    kg.add_node(Campaign(name="美丽庭院", aliases=["美丽庭院创建"]))
    kg.add_node(Campaign(name="美丽庭院示范户"))
    kg.add_node(Campaign(name="美丽 庭院"))  # the same id as 美丽庭院: one node, this form an alias
    kg.add_node(Campaign(name="巾帼建功２０２３"))  # not plain: normalizes to 巾帼建功2023
    kg.add_node(Campaign(name="巾帼建功2023年度"))
    kg.add_node(Campaign(name="家家幸福安康工程", aliases=["“家家幸福安康”工程"]))
    kg.add_node(Law(name="家庭教育促进法", aliases=["中华人民共和国家庭教育促进法"]))
    kg.add_node(Federation(name="岳阳市妇联", aliases=["岳阳妇联"], level="prefecture", region_code="430600"))
    kg.add_node(Federation(name="岳阳市妇女联合会", level="prefecture"))
    kg.add_node(Federation(name="湘潭市・妇联", level="prefecture"))
    return kg


# (query, labels): exact matches by name, by alias, through a form that is not plain text, and
# substring matches
ASKED = [("美丽庭院", ("Campaign", "Law")), ("美麗庭院", ("Campaign",)), ("家家幸福安康", ("Campaign", "Law")),
         ("家庭教育促进法", ("Law",)), ("岳阳妇联", ("Federation",)), ("岳阳市", ("Federation",)),
         ("湘潭市妇联", ("Federation",)), ("庭院", ("Campaign",)), ("巾帼建功2023", ("Campaign",))]


def _answers(store) -> list:
    out = []
    for query, labels in ASKED:
        try:
            out.append([(r["id"], r["label"]) for r in resolve(store, query, labels)])
        except QueryError as e:
            out.append(str(e))
    return out


@pytest.fixture
def reference():
    s = NetworkxStore()
    s.write(_graph())
    return s


def test_the_flag_marks_forms_that_are_not_plain():
    assert stored_node_props({"label": "Campaign", "name": "美丽 庭院", "aliases": []})[cypher.IRREGULAR] is True
    assert stored_node_props({"label": "Campaign", "name": "美丽庭院",
                              "aliases": ["“美丽庭院”"]})[cypher.IRREGULAR] is True
    assert stored_node_props({"label": "Federation", "name": "岳阳市妇联",
                              "aliases": ["岳阳妇联"]})[cypher.IRREGULAR] is None
    assert cypher.IRREGULAR not in stored_node_props({"label": "Document", "name": "x", "title": "t"})


def test_lookups_through_the_indexes_find_what_the_scan_finds(empty_neo4j, reference):
    empty_neo4j.write(_graph())
    assert empty_neo4j.has_index(cypher.NAME_INDEX)
    flagged = {r["name"] for r in empty_neo4j.read(
        f"MATCH (n) WHERE n.{cypher.IRREGULAR} = true RETURN n.name AS name")}
    assert flagged == {"美丽庭院", "巾帼建功２０２３", "家家幸福安康工程", "湘潭市・妇联"}
    want = _answers(reference)
    # the case the flag is for: the one exact match is not plain, a plain name holds the query
    assert want[-1] == [("campaign:巾帼建功2023", "Campaign")]  # ids are normalized
    assert _answers(empty_neo4j) == want


def test_a_database_without_the_flags_answers_alike_and_gets_them(empty_neo4j, reference):
    empty_neo4j.write(_graph())
    want = _answers(reference)
    for stmt in cypher.name_indexes():  # as an earlier version left it: no flags, no name indexes
        name = stmt.split(" IF NOT EXISTS")[0].split()[-1]
        empty_neo4j._write_tx(lambda tx, n=name: tx.run(f"DROP INDEX {n} IF EXISTS").consume())
    empty_neo4j._write_tx(lambda tx: tx.run(f"MATCH (n) REMOVE n.{cypher.IRREGULAR}").consume())
    old = Neo4jStore(empty_neo4j.uri, empty_neo4j._user, empty_neo4j._password)
    try:
        assert not old.has_index(cypher.NAME_INDEX)
        assert _answers(old) == want  # the scan and the full-text index, as before
        old.ensure_schema()  # a writer's first step: flags, then the indexes
        assert old.has_index(cypher.NAME_INDEX)
        assert len(old.read(f"MATCH (n) WHERE n.{cypher.IRREGULAR} = true RETURN n")) == 4
        assert _answers(old) == want
        assert all(cypher.IRREGULAR not in r for r in old.nodes("Campaign"))  # never read back as graph data
    finally:
        old.close()
