"""The query layer on hand-made graphs, on both backends, and their parity."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from graph.nx_store import NetworkxStore
from graph_samples import lineage_graph
import queries
from loaders.text_reuse import ReuseError, find_repeats, link_repeats
from queries import QueryError
from queries.backend import canonical


@pytest.fixture
def store(empty_store):
    empty_store.write(lineage_graph())
    return empty_store


@pytest.fixture
def reference():
    """The same graph in an embedded store: what every backend must answer."""
    s = NetworkxStore()
    s.write(lineage_graph())
    return s


# -- lineage -------------------------------------------------------------------

def test_diffusion_in_time_order_with_first_adopters(store):
    rows = queries.campaign_diffusion(store, "美家美妇")
    assert [(r["year"], r["federation"], r["level"]) for r in rows] == [
        (2019, "湖南省妇联", "province"), (2021, "岳阳市妇联", "prefecture")]
    assert all(r["first_at_level"] for r in rows)
    assert rows[0]["document"] == "prov2019 工作要点" and rows[0]["issuer"] == "湖南省妇联"
    assert rows[0]["evidence"] == "美家美妇" and rows[0]["targets"] == ["创评100户"]
    assert rows[1]["region_code"] == "430600" and rows[1]["doc_id"] == "doc:yy2021"


def test_diffusion_variants_follow_longer_names(store):
    rows = queries.campaign_diffusion(store, "美家美妇", variants=True)
    assert [(r["year"], r["federation"], r["campaign"]) for r in rows] == [
        (2019, "湖南省妇联", "美家美妇"), (2021, "岳阳市妇联", "美家美妇"),
        (2022, "常德市妇联", "美家美妇她行动"), (2022, "长沙市望城区妇联", "美家美妇美庭院")]


def test_diffusion_first_adopter_per_level(store):
    rows = queries.campaign_diffusion(store, "家家幸福安康工程")
    assert [(r["year"], r["federation"], r["first_at_level"]) for r in rows] == [
        (2019, "湖南省妇联", True), (2021, "岳阳市妇联", True), (2022, "长沙市妇联", False),
        (2022, "长沙市望城区妇联", True)]
    firsts = queries.first_adopters(rows)
    assert [(r["level"], r["federation"]) for r in firsts] == [
        ("province", "湖南省妇联"), ("prefecture", "岳阳市妇联"), ("county", "长沙市望城区妇联")]
    # adopted by 长沙市妇联 according to the provincial document
    cs = [r for r in rows if r["federation"] == "长沙市妇联"][0]
    assert cs["issuer"] == "湖南省妇联" and cs["doc_id"] == "doc:prov2022"


def test_names_match_by_alias_then_substring(store):
    assert {r["campaign"] for r in queries.campaign_diffusion(store, "美丽庭院创建")} == {"美丽庭院"}
    assert {r["campaign"] for r in queries.campaign_diffusion(store, "家家幸福安康")} == {"家家幸福安康工程"}
    assert {r["campaign"] for r in queries.campaign_diffusion(store, "幸福安康")} == {"家家幸福安康工程"}
    assert {r["campaign"] for r in queries.campaign_diffusion(store, " “美丽庭院” ")} == {"美丽庭院"}
    law = queries.campaign_diffusion(store, "中华人民共和国家庭教育促进法")
    assert {(r["campaign"], r["kind"]) for r in law} == {("家庭教育促进法", "Law")}


def test_unknown_name_suggests_closest(store):
    with pytest.raises(QueryError) as e:
        queries.campaign_diffusion(store, "美家美夫")
    assert "美家美夫" in str(e.value) and "美家美妇" in e.value.suggestions
    with pytest.raises(QueryError):
        queries.leadership_chain(store, "")


def test_chain_up_to_the_top(store):
    rows = queries.leadership_chain(store, "望城区妇联")
    assert [(r["depth"], r["federation"]) for r in rows] == [
        (0, "长沙市望城区妇联"), (1, "长沙市妇联"), (2, "湖南省妇联"), (3, "全国妇联")]
    assert rows[1]["region_code"] == "430100" and rows[3]["level"] == "national"


def test_chain_down(store):
    rows = queries.leadership_chain(store, "湖南省妇联", direction="down")
    assert [(r["depth"], r["federation"]) for r in rows] == [
        (0, "湖南省妇联"), (1, "岳阳市妇联"), (1, "常德市妇联"), (1, "长沙市妇联"), (2, "长沙市望城区妇联")]
    assert rows[-1]["parents"] == ["长沙市妇联"]


def test_ambiguous_federation_lists_candidates(store):
    with pytest.raises(QueryError, match="ambiguous"):
        queries.leadership_chain(store, "长沙市")


def test_agenda_inheritance(store):
    rows = queries.agenda_inheritance(store, "岳阳市妇联", 2021)
    by = {r["name"]: r for r in rows}
    assert set(by) == {"家家幸福安康工程", "美家美妇", "家庭教育促进法"}
    assert by["美家美妇"]["status"] == "inherited"
    assert (by["美家美妇"]["upstream_year"], by["美家美妇"]["upstream_federation"]) == (2019, "湖南省妇联")
    assert by["家庭教育促进法"]["status"] == "own" and by["家庭教育促进法"]["upstream_year"] is None
    assert queries.agenda_inheritance(store, "岳阳市妇联", 2030) == []
    # 望城: 家家幸福安康工程 comes down from the province (two provincial documents name it)
    wc = {r["name"]: r for r in queries.agenda_inheritance(store, "长沙市望城区妇联")}
    assert wc["家家幸福安康工程"]["status"] == "inherited" and wc["家家幸福安康工程"]["upstream_documents"] == 2
    assert wc["美家美妇美庭院"]["status"] == "own"


def test_provenance_by_names_and_by_id(store):
    rows = queries.provenance(store, head="岳阳市妇联", rel_type="implements", tail="美家美妇")
    assert len(rows) == 1
    r = rows[0]
    assert r["doc_id"] == "doc:yy2021" and r["year"] == 2021 and r["support"] == "evidence"
    assert r["passage"] == "passage:yy2021/0" and "美家美妇" in r["passage_text"]
    again = queries.provenance(store, r["id"])
    assert again == rows
    hier = queries.provenance(store, head="湖南省妇联", rel_type="LEADS", tail="岳阳市妇联")
    assert [(h["support"], h["passage"]) for h in hier] == [("gazetteer", None)]
    with pytest.raises(QueryError):
        queries.provenance(store, "IMPLEMENTS:fed:nowhere->campaign:x@doc:y")
    with pytest.raises(QueryError):
        queries.provenance(store, head="岳阳市妇联", rel_type="LIKES", tail="美家美妇")


# -- text inheritance --------------------------------------------------------------

def test_link_repeats_vertical_and_sibling(store):
    n = link_repeats(store, threshold=0.6)
    rels = store.relationships("REPEATS")
    assert n == len(rels) >= 2
    assert all(r["start_label"] == r["end_label"] == "Passage" and r["score"] >= 0.6 for r in rels)
    rows = queries.text_inheritance(store)
    vertical = [r for r in rows if r["kind"] == "vertical"]
    assert any(r["lower_federation"] == "岳阳市妇联" and r["upper_federation"] == "湖南省妇联"
               and "唱响新时代家庭文明建设的时代主旋律" in r["lower_sentence"]
               and r["upper_sentence"] == "唱响新时代家庭文明建设的时代主旋律" for r in vertical)
    sibling = [r for r in rows if r["kind"] == "sibling" and "常德市妇联" in (r["lower_federation"],
                                                                          r["upper_federation"])]
    assert len(sibling) == 1
    s = sibling[0]
    assert {s["lower_federation"], s["upper_federation"]} == {"常德市妇联", "长沙市望城区妇联"}
    assert s["common_upstream"] == ["湖南省妇联"] and 0.6 <= s["score"] < 1
    assert "走近妇女群众身边" in s["lower_sentence"] + s["upper_sentence"]
    # running again replaces, never stacks
    assert link_repeats(store, threshold=0.6) == n
    assert len(store.relationships("REPEATS")) == n
    # a higher threshold keeps only the exact copies
    link_repeats(store, threshold=0.99)
    assert {r["rule"] for r in store.relationships("REPEATS")} <= {"shingle-jaccard:vertical",
                                                                    "shingle-jaccard:self"}
    assert [r["kind"] for r in queries.text_inheritance(store, "常德市妇联")] == []


def test_repeats_have_provenance(store):
    link_repeats(store)
    rel_id = queries.text_inheritance(store, kind="vertical")[0]
    rows = [r for r in store.relationships("REPEATS") if r["start_id"] == rel_id["lower_passage"]]
    prov = queries.provenance(store, rows[0]["id"])
    assert prov[0]["support"] == "evidence" and prov[0]["passage"] == rel_id["lower_passage"]


# -- coverage ----------------------------------------------------------------------

def test_coverage_against_the_gazetteer(store):
    rows = queries.coverage(store, "家家幸福安康工程")
    by = {r["federation"]: r for r in rows}
    adopted = {r["federation"] for r in rows if r["status"] == "adopted"}
    assert adopted == {"湖南省妇联", "长沙市妇联", "岳阳市妇联", "长沙市望城区妇联"}
    assert by["常德市妇联"]["status"] == "document, no adoption" and by["常德市妇联"]["own_documents"] == 1
    assert by["株洲市妇联"]["status"] == "no document" and not by["株洲市妇联"]["in_graph"]
    assert sum(r["expected"] for r in rows) == 14  # Hunan's prefecture-level divisions
    assert by["长沙市妇联"]["own_documents"] == 0 and by["长沙市妇联"]["years"] == [2022]
    assert not by["长沙市望城区妇联"]["expected"]
    assert [r["level"] for r in rows][0] == "province"
    early = {r["federation"] for r in queries.coverage(store, "家家幸福安康工程", year=2020)
             if r["status"] == "adopted"}
    assert early == {"湖南省妇联"}
    county = queries.coverage(store, "家家幸福安康工程", under="长沙市妇联")
    assert {r["federation"] for r in county if r["expected"]} >= {"长沙市望城区妇联", "长沙市芙蓉区妇联"}


def test_adoption_counts(store):
    rows = queries.adoption_counts(store, "家家幸福安康工程")
    assert rows == [
        {"level": "province", "year": 2019, "new_adopters": 1, "total_adopters": 1},
        {"level": "prefecture", "year": 2021, "new_adopters": 1, "total_adopters": 1},
        {"level": "prefecture", "year": 2022, "new_adopters": 1, "total_adopters": 2},
        {"level": "county", "year": 2022, "new_adopters": 1, "total_adopters": 1}]


def test_profile(store):
    rows = queries.federation_profile(store, "常德市妇联")
    got = {(r["year"], r["relation"], r["kind"], r["name"]) for r in rows}
    assert got == {(2022, "implements", "Campaign", "美家美妇她行动"), (2022, "works with", "Department", "公安机关"),
                   (2022, "led by", "Person", "李四")}
    wc = queries.federation_profile(store, "长沙市望城区妇联", year=2022)
    assert {"own office", "implements", "works with", "led by"} <= {r["relation"] for r in wc}


def test_matrix_top_and_cascades(store, tmp_path):
    df = queries.coverage_matrix(store)
    assert df.loc["岳阳市妇联", "美家美妇"] == 2021 and pd.isna(df.loc["常德市妇联", "美家美妇"])
    assert list(df.index) == sorted(df.index) and "家庭教育促进法" not in df.columns
    laws = queries.coverage_matrix(store, kind="law", value="bool")
    assert laws.loc["岳阳市妇联", "家庭教育促进法"] == 1
    top = queries.top_targets(store, limit=2)
    assert [(t["name"], t["federations"]) for t in top] == [("家家幸福安康工程", 4), ("美家美妇", 2)]
    casc = queries.adoption_cascades(store)
    assert {"campaign": "美家美妇", "kind": "Campaign", "federation": "岳阳市妇联", "level": "prefecture",
            "region_code": "430600", "year": 2021, "doc_id": "doc:yy2021"} in casc
    path = tmp_path / "c.csv"
    assert queries.cascades_csv(store, str(path)) == len(casc)
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "campaign,kind,federation,level,region_code,year,doc_id"
    assert "美家美妇,Campaign,岳阳市妇联,prefecture,430600,2021,doc:yy2021" in text
    out = io.StringIO()
    queries.write_csv(top, out)
    assert out.getvalue().startswith("name,kind,federations")
    queries.matrix_csv(store, str(tmp_path / "m.csv"))
    assert (tmp_path / "m.csv").read_text(encoding="utf-8").startswith("federation,")


def test_bad_options(store):
    with pytest.raises(QueryError):
        queries.coverage_matrix(store, kind="person")
    with pytest.raises(QueryError):
        queries.coverage_matrix(store, value="mean")
    with pytest.raises(QueryError):
        queries.leadership_chain(store, "湖南省妇联", direction="sideways")
    with pytest.raises(ReuseError):
        link_repeats(store, threshold=0)


# -- parity: every question, Neo4j against the embedded store, same answer ----------

@pytest.fixture
def neo4j_lineage(empty_neo4j):
    """The lineage graph in Neo4j, compared with `reference` (the same graph embedded)."""
    empty_neo4j.write(lineage_graph())
    return empty_neo4j


QUESTIONS = [
    ("diffusion", lambda s: queries.campaign_diffusion(s, "美家美妇", variants=True)),
    ("diffusion-substring", lambda s: queries.campaign_diffusion(s, "幸福安康")),
    ("first", lambda s: queries.first_adopters(queries.campaign_diffusion(s, "家家幸福安康工程"))),
    ("chain-up", lambda s: queries.leadership_chain(s, "长沙市望城区妇联")),
    ("chain-down", lambda s: queries.leadership_chain(s, "全国妇联", "down")),
    ("inherit", lambda s: queries.agenda_inheritance(s, "长沙市望城区妇联")),
    ("inherit-year", lambda s: queries.agenda_inheritance(s, "岳阳市妇联", 2021)),
    ("provenance-names", lambda s: queries.provenance(s, head="长沙市望城区妇联", tail="美丽庭院")),
    ("provenance-id", lambda s: queries.provenance(s, "LEADS:person:张三->fed:长沙市望城区妇联@doc:doc_a")),
    ("coverage", lambda s: queries.coverage(s, "家家幸福安康工程")),
    ("coverage-under", lambda s: queries.coverage(s, "美丽庭院", under="长沙市妇联", year=2022)),
    ("counts", lambda s: queries.adoption_counts(s, "美家美妇", variants=True)),
    ("profile", lambda s: queries.federation_profile(s, "长沙市望城区妇联")),
    ("matrix", lambda s: queries.coverage_matrix(s).astype(object).where(
        queries.coverage_matrix(s).notna(), None).to_dict()),
    ("matrix-law", lambda s: queries.coverage_matrix(s, "law", "count").to_dict()),
    ("top", lambda s: queries.top_targets(s, limit=0)),
    ("cascades", lambda s: queries.adoption_cascades(s, None)),
    ("find-repeats", lambda s: [r.properties() for r in find_repeats(s, 0.5)[0]]),
    ("resolve", lambda s: queries.resolve(s, "妇联", ("Federation",))),
    ("resolve-variants", lambda s: queries.resolve(s, "美家", ("Campaign",), variants=True)),
    ("coverage-variants", lambda s: queries.coverage(s, "美家美妇", variants=True)),
]


@pytest.mark.parametrize("name,question", QUESTIONS, ids=[q[0] for q in QUESTIONS])
def test_parity(neo4j_lineage, reference, name, question):
    got = json.dumps(question(neo4j_lineage), ensure_ascii=False, default=str)
    assert got == json.dumps(question(reference), ensure_ascii=False, default=str)
    assert json.loads(got), f"{name}: an empty answer proves no parity"


def test_parity_text_inheritance(neo4j_lineage, reference):
    assert link_repeats(neo4j_lineage, 0.5) == link_repeats(reference, 0.5) > 0
    assert queries.text_inheritance(neo4j_lineage) == queries.text_inheritance(reference) != []


RAW_PARAMS = {  # a parameter set for each named statement (the full-text one has its own test)
    "entity_names": dict(labels=["Campaign", "Law", "Federation"]),
    "entity_candidates": dict(labels=["Federation", "Campaign"], normalized="长沙"),
    "entity_indexed": dict(labels=["Federation", "Law"], normalized="长沙"),
    "adoptions": dict(labels=["Campaign", "Law"], ids=None),
    "adoption_list": dict(labels=["Campaign", "Law"], ids=None),
    "adopters": dict(labels=["Campaign", "Law"],
                     ids=["campaign:美家美妇", "law:家庭教育促进法", "campaign:美家美妇"]),
    "adoption_summary": dict(labels=["Campaign", "Law"], ids=None),
    "adoption_page": dict(labels=["Campaign"], ids=["campaign:家家幸福安康工程", "campaign:美家美妇"],
                          offset=1, limit=4),
    "adopter_page": dict(labels=["Campaign", "Law"], ids=None, year=2021,
                         feds=["fed:岳阳市妇联", "fed:湖南省妇联", "fed:nowhere"], offset=1, limit=3),
    "federations_at": dict(ids=["fed:全国妇联"], codes=["430600", "430700"]),
    "ancestors": dict(id="fed:长沙市望城区妇联"),
    "descendants": dict(id="fed:全国妇联"),
    "agenda": dict(id="fed:长沙市望城区妇联", year=None),
    "provenance_by_id": dict(rel_id="IMPLEMENTS:fed:岳阳市妇联->campaign:美家美妇@doc:yy2021"),
    "provenance_by_ends": dict(head_id="fed:长沙市望城区妇联", type=None, tail_id="campaign:美丽庭院"),
    "federations": {}, "profile": dict(id="fed:长沙市望城区妇联"), "passages": {}, "leads_edges": {},
    "repeats": {}, "variants": dict(ids=["campaign:美家美妇", "campaign:家家幸福安康工程"]),
    "drawn_nodes": dict(ids=["fed:长沙市望城区妇联", "doc:doc_a", "dept:长沙市望城区/公安机关", "person:张三",
                             "law:家庭教育促进法", "campaign:美丽庭院", "doc:doc_a", "fed:nowhere"],
                        labels=["Federation", "Document", "Department", "Person", "Law"]),
    "drawn_federations": {},
    "drawn_below": dict(id="fed:全国妇联"),
    "drawn_neighbours": dict(ids=["fed:长沙市望城区妇联", "fed:长沙市妇联", "person:张三"],
                             labels=["Federation", "Campaign", "Person"],
                             types=["IMPLEMENTS", "LEADS", "COORDINATES", "PART_OF"],
                             others=["Federation", "Campaign", "Law", "Department", "Person"]),
    "drawn_links": dict(ids=["fed:全国妇联", "fed:湖南省妇联", "fed:长沙市妇联", "fed:长沙市望城区妇联",
                             "campaign:美丽庭院", "person:张三", "dept:长沙市望城区妇联/权益部"],
                        labels=["Federation", "Campaign", "Person", "Department"],
                        types=["IMPLEMENTS", "LEADS", "COORDINATES", "PART_OF"]),
}


def test_parity_of_every_raw_statement(neo4j_lineage, reference):
    """Each Cypher statement and its networkx twin return the same rows."""
    from queries import backend, cypher

    params = RAW_PARAMS
    link_repeats(neo4j_lineage, 0.5)
    link_repeats(reference, 0.5)
    assert set(params) | {"entity_fulltext"} == set(cypher.STATEMENTS)
    for name, p in params.items():
        got = backend.run(neo4j_lineage, name, **p)
        assert got, name
        assert got == backend.run(reference, name, **p), name


def test_neo4j_uses_the_fulltext_index(neo4j_lineage, monkeypatch):
    import sys

    from queries import backend

    resolve_mod = sys.modules["queries.resolve"]
    store = neo4j_lineage
    store.ensure_schema()
    store.driver.execute_query("CALL db.awaitIndexes(60)", database_=store.database)
    rows = backend.run(store, "entity_fulltext", index="fulian_text", query=resolve_mod.fulltext_query("美家美妇"),
                       labels=["Campaign"], normalized="美家美妇")
    assert {r["name"] for r in rows} >= {"美家美妇", "美家美妇她行动", "美家美妇美庭院"}

    def no_scan(*a, **k):
        raise AssertionError("name resolution scanned instead of using the full-text index")

    monkeypatch.setattr(resolve_mod, "all_names", no_scan)
    assert [r["name"] for r in queries.resolve(store, "美家美妇", ("Campaign",), variants=True)] == [
        "美家美妇", "美家美妇她行动", "美家美妇美庭院"]


def test_canonical_sorts_lists():
    assert canonical({"a": [3, 1], "b": [{"x": 2}, {"x": 1}], "aliases_text": "x"}) == \
        {"a": [1, 3], "b": [{"x": 1}, {"x": 2}]}
