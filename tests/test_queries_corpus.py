"""Expected answers on the real sample corpus (data/corpus), derived by hand from its five documents:

000 湖南省妇联 2022 工作务虚会 (news report): 长沙市妇联 深化家家幸福安康工程; "生动展现在党的领导下
    妇女儿童事业和妇联工作新进步新气象".
001 长沙市望城区妇联 2022 工作要点: 实施家家幸福安康工程; 启动“美家美妇美庭院”; "推动党的创新理论
    走进妇女群众身边、走进妇女群众心里".
002 常德市妇联 2022 工作要点: “美家美妇她行动”; repeats 000's 生动展现… clause; "推动党的创新理论
    走近妇女群众身边、走进妇女群众心里" (no 家家幸福安康工程).
003 岳阳市妇联 2021 工作要点: 家家幸福安康工程; 开展“美家美妇”创建行动.
004 湖南省妇联 (省妇联) 2019 工作要点: 以家家幸福安康工程为总抓手; 启动“美家美妇”系列创建行动.

These need the extractor (loaders/extract*); they fail until it finds these facts.
"""

from __future__ import annotations

import json

import pytest

import queries
from loaders.text_reuse import link_repeats
from graph.nx_store import NetworkxStore


@pytest.fixture(scope="module")
def corpus(corpus_store, tmp_path_factory):
    """A private copy of the built sample corpus, with REPEATS links."""
    store = NetworkxStore(tmp_path_factory.mktemp("qcorpus") / "kg.json")
    store.graph = corpus_store.graph.copy()
    link_repeats(store)
    return store


def test_coverage_of_jiajia_xingfu_ankang(corpus):
    rows = queries.coverage(corpus, "家家幸福安康工程")
    by = {r["federation"]: r for r in rows}
    adopted = {r["federation"] for r in rows if r["status"] == "adopted"}
    assert {"长沙市妇联", "岳阳市妇联", "湖南省妇联"} <= adopted
    assert "长沙市望城区妇联" in adopted
    assert 2019 in by["湖南省妇联"]["years"] and by["岳阳市妇联"]["years"] == [2021]
    assert by["长沙市妇联"]["years"] == [2022] and by["长沙市妇联"]["own_documents"] == 0
    # measured against Hunan's 14 prefecture-level divisions
    assert sum(r["expected"] for r in rows) == 14
    assert by["常德市妇联"]["status"] == "document, no adoption"
    assert by["张家界市妇联"]["status"] == "no document"


def test_chain_from_wangcheng_reaches_all_china(corpus):
    rows = queries.leadership_chain(corpus, "长沙市望城区妇联")
    assert [r["federation"] for r in rows] == ["长沙市望城区妇联", "长沙市妇联", "湖南省妇联", "全国妇联"]
    down = {r["federation"] for r in queries.leadership_chain(corpus, "湖南省妇联", "down")}
    assert {"长沙市妇联", "岳阳市妇联", "常德市妇联", "长沙市望城区妇联"} <= down


def test_meijia_meifu_from_the_2019_provincial_plan_down(corpus):
    rows = queries.campaign_diffusion(corpus, "美家美妇")
    assert (rows[0]["year"], rows[0]["federation"]) == (2019, "湖南省妇联")
    assert (2021, "岳阳市妇联") in {(r["year"], r["federation"]) for r in rows}
    spread = queries.campaign_diffusion(corpus, "美家美妇", variants=True)
    got = {(r["year"], r["federation"]) for r in spread}
    assert {(2019, "湖南省妇联"), (2021, "岳阳市妇联"), (2022, "常德市妇联"), (2022, "长沙市望城区妇联")} <= got
    assert spread[0]["year"] == 2019 and all(r["year"] >= 2019 for r in spread)
    assert [r["federation"] for r in queries.first_adopters(rows) if r["level"] == "province"] == ["湖南省妇联"]


def test_yueyang_inherits_the_provincial_agenda(corpus):
    rows = {r["name"]: r for r in queries.agenda_inheritance(corpus, "岳阳市妇联", 2021)}
    for name in ("美家美妇", "家家幸福安康工程"):
        assert rows[name]["status"] == "inherited"
        assert (rows[name]["upstream_year"], rows[name]["upstream_federation"]) == (2019, "湖南省妇联")
    assert any(r["status"] == "own" for r in rows.values())


def test_changde_repeats_the_provincial_meeting(corpus):
    rows = queries.text_inheritance(corpus, "常德市妇联", kind="vertical")
    hit = [r for r in rows if "生动展现在党的领导下妇女儿童事业和妇联工作新进步新气象" in r["lower_sentence"]]
    assert hit and hit[0]["upper_federation"] == "湖南省妇联" and hit[0]["lower_year"] == 2022
    assert hit[0]["score"] == 1.0


def test_changde_top_vertical_reuse_is_a_borrowing_not_the_year_boilerplate(corpus):
    rows = queries.text_inheritance(corpus, "常德市妇联", kind="vertical")
    top = rows[0]
    assert top["lower_federation"] == "常德市妇联" and top["rarity"] == 1.0 and top["score"] == 1.0
    assert "二十大召开之年" not in top["lower_sentence"], top
    # the year clause every 2022 plan carries is linked, but weighted down below every borrowing
    year = [r for r in queries.text_inheritance(corpus) if r["lower_sentence"] == "2022年是党的二十大召开之年"]
    assert year and all(r["similarity"] == 1.0 and r["rarity"] < 0.5 and r["score"] < 0.5 for r in year)
    # both sides' clause, document and offsets are on the link
    node = corpus.node
    for r in rows:
        for side in ("lower", "upper"):
            p = node(r[f"{side}_passage"])
            assert p["doc_id"] == r[f"{side}_doc_id"]
            assert p["text"][r[f"{side}_start"] - p["start"]:r[f"{side}_end"] - p["start"]] == r[f"{side}_sentence"]


def test_changde_and_wangcheng_are_sibling_copies(corpus):
    rows = queries.text_inheritance(corpus, kind="sibling")
    pair = [r for r in rows if {r["lower_federation"], r["upper_federation"]} == {"常德市妇联", "长沙市望城区妇联"}
            and "妇女群众心里" in r["lower_sentence"]]
    assert pair, [(r["lower_federation"], r["upper_federation"], r["lower_sentence"]) for r in rows][:10]
    assert pair[0]["common_upstream"] == ["湖南省妇联"]
    assert "走近妇女群众身边" in pair[0]["lower_sentence"] + pair[0]["upper_sentence"]


def test_provenance_of_changsha_adoption(corpus):
    rows = queries.provenance(corpus, head="长沙市妇联", rel_type="IMPLEMENTS", tail="家家幸福安康工程")
    assert rows and rows[0]["doc_id"] == "doc:000_5dafcd77016e240b.txt" and rows[0]["year"] == 2022
    assert rows[0]["support"] == "evidence" and "家家幸福安康工程" in rows[0]["passage_text"]


def test_profile_matrix_top_cascades(corpus):
    prof = queries.federation_profile(corpus, "岳阳市妇联", 2021)
    assert {"美家美妇", "家家幸福安康工程"} <= {r["name"] for r in prof if r["relation"] == "implements"}
    df = queries.coverage_matrix(corpus)
    assert df.loc["湖南省妇联", "美家美妇"] == 2019 and df.loc["岳阳市妇联", "美家美妇"] == 2021
    top = queries.top_targets(corpus, limit=10)
    assert "家家幸福安康工程" in {t["name"] for t in top}
    casc = queries.adoption_cascades(corpus)
    assert {"campaign": "美家美妇", "federation": "湖南省妇联", "year": 2019} .items() <= \
        next(c for c in casc if c["campaign"] == "美家美妇" and c["federation"] == "湖南省妇联").items()


def test_corpus_parity_with_neo4j(corpus, empty_neo4j):
    """The corpus graph in Neo4j answers every question as the embedded store does."""
    from graph.load import store_to_graph

    empty_store = empty_neo4j
    empty_store.write(store_to_graph(corpus))
    questions = [
        lambda s: queries.coverage(s, "家家幸福安康工程"),
        lambda s: queries.leadership_chain(s, "长沙市望城区妇联"),
        lambda s: queries.leadership_chain(s, "湖南省妇联", "down"),
        lambda s: queries.campaign_diffusion(s, "美家美妇", variants=True),
        lambda s: queries.agenda_inheritance(s, "长沙市望城区妇联"),
        lambda s: queries.text_inheritance(s),
        lambda s: queries.federation_profile(s, "常德市妇联"),
        lambda s: queries.top_targets(s, limit=0),
        lambda s: queries.adoption_cascades(s, None),
        lambda s: queries.coverage_matrix(s, "law", "count").to_dict(),
        lambda s: queries.provenance(s, head="长沙市妇联", tail="家家幸福安康工程"),
    ]
    for ask in questions:
        assert json.dumps(ask(empty_store), ensure_ascii=False, default=str) == \
            json.dumps(ask(corpus), ensure_ascii=False, default=str)
