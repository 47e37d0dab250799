"""The campaign view: diffusion and coverage over the federation tree (queries.tree, views.tree).

The library on both stores, the page's content, and the page in headless Chromium at 100, 1,000 and
3,000 federations (benchmarks/view_scale.py times them against a baseline).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.view_scale import CAMPAIGN, tree_graph
from graph.model import Campaign, Federation, KnowledgeGraph
from graph.nx_store import NetworkxStore
from graph_samples import rel
from test_views import network_references, page_data, sample_kg

import views
from views import style, tree as view_tree
from queries import gazetteer, top_targets
from queries.tree import diffusion_tree, status_counts

CHECK = "JSON.stringify(window.fulianTree.check())"
STABLE = "document.body.dataset.stabilized || ''"


@pytest.fixture(scope="module")
def store():
    s = NetworkxStore()
    s.write(sample_kg())
    return s


def _nodes(tree):
    return {n["name"]: n for n in tree["nodes"]}


# -- the library ---------------------------------------------------------------------------

def test_tree_under_the_top_adopter_with_statuses_and_missing_divisions(store):
    tree = diffusion_tree(store, "美丽庭院")
    assert tree["roots"] == ["fed:湖南省妇联"] and [t["id"] for t in tree["targets"]] == ["campaign:美丽庭院"]
    by = _nodes(tree)
    assert len(by) == 24 and status_counts(tree) == {"adopted": 3, "document, no adoption": 0, "no document": 21}
    assert tree["nodes"][0]["name"] == "湖南省妇联" and tree["nodes"][0]["depth"] == 0
    wc = by["长沙市望城区妇联"]
    assert (wc["status"], wc["first_year"], wc["years"], wc["depth"], wc["parent"]) == (
        "adopted", 2022, [2022, 2023], 2, "fed:长沙市妇联")
    assert wc["adoption_documents"] == 2 and wc["own_documents"] == 2
    assert [a["document"] for a in wc["adoptions"]] == ["doc_a 工作要点", "doc_b 工作要点"]
    assert wc["adoptions"][0]["evidence"] == "深化“美丽庭院”创建。"
    # the 13 other prefectures of Hunan and 8 other counties of 长沙: in the gazetteer, not in the graph
    missing = [n for n in tree["nodes"] if not n["in_graph"]]
    assert len(missing) == 21 and all(n["status"] == "no document" for n in missing)
    assert by["株洲市妇联"]["parent"] == "fed:湖南省妇联" and by["株洲市妇联"]["region_code"] == "430200"
    assert by["长沙市宁乡市妇联"]["parent"] == "fed:长沙市妇联"
    assert "全国妇联" not in by  # above the root, and no adopter
    seen = set()
    for n in tree["nodes"]:  # parents come first
        assert n["parent"] is None or n["parent"] in seen
        seen.add(n["id"])


def test_under_draws_only_that_subtree(store):
    tree = diffusion_tree(store, "美丽庭院", under="长沙市妇联")
    assert tree["roots"] == ["fed:长沙市妇联"] and len(tree["nodes"]) == 10
    assert "湖南省妇联" not in _nodes(tree)


def test_root_is_the_lowest_federation_above_every_adopter():
    kg = sample_kg()
    nat = "fed:全国妇联"
    gd = kg.add_node(Federation(name="广东省妇联", level="province", region_code="440000"))
    gz = kg.add_node(Federation(name="广州市妇联", level="prefecture", region_code="440100"))
    rel(kg, "LEADS", nat, gd, rule="hierarchy")
    rel(kg, "LEADS", gd, gz, rule="hierarchy")
    xt = kg.add_node(Federation(name="湘潭市妇联", level="prefecture", region_code="430300"))
    rel(kg, "LEADS", "fed:湖南省妇联", xt, rule="hierarchy")
    rel(kg, "IMPLEMENTS", gz, "campaign:美丽庭院", doc_id="doc:doc_a", year=2019, evidence="e", start=0, end=1,
        rule="test")
    s = NetworkxStore()
    s.write(kg)
    tree = diffusion_tree(s, "美丽庭院")
    by = _nodes(tree)
    # adopters in Hunan and Guangdong: the tree starts at 全国妇联, above both; it and 广东省妇联 stand above
    # an adopter, so the provinces and Guangdong's prefectures without a federation in the graph are drawn too
    assert tree["roots"] == [nat] and by["全国妇联"]["parent"] is None and by["全国妇联"]["status"] == "no document"
    assert by["广州市妇联"]["parent"] == gd and by["广东省妇联"]["parent"] == nat and by["湖南省妇联"]["parent"] == nat
    assert by["广东省妇联"]["status"] == "no document" and by["广州市妇联"]["first_year"] == 2019
    missing = lambda parent: len([n for n in tree["nodes"] if n["parent"] == parent and not n["in_graph"]])  # noqa: E731
    assert missing(nat) == len(gazetteer.children(None)) - 2 and missing(gd) == len(gazetteer.children("440000")) - 1
    assert missing(gz) == len(gazetteer.children("440100"))
    only = diffusion_tree(s, "美丽庭院", under="湘潭市妇联")  # a federation without adopters under it
    assert only["roots"] == ["fed:湘潭市妇联"] and [n["status"] for n in only["nodes"]] == ["no document"]


@pytest.mark.neo4j
def test_same_tree_on_neo4j_as_embedded(loaded_neo4j, corpus_store):
    campaigns = [r["name"] for r in top_targets(corpus_store, kind="campaign", limit=3)]
    assert campaigns
    for name in campaigns:
        assert diffusion_tree(loaded_neo4j, name) == diffusion_tree(corpus_store, name), name


# -- the page ------------------------------------------------------------------------------

def test_page_holds_years_evidence_documents_and_nothing_remote(store, tmp_path):
    res = views.render("campaign", store, "美丽庭院", out=tmp_path / "c.html")
    assert (res.node_count, res.edge_count, res.truncated) == (24, 23, False)
    page = res.path.read_text(encoding="utf-8")
    assert network_references(page.replace(view_tree.tree_script(), "")) == []
    data = page_data(page)
    assert data["years"] == [2020, 2021, 2022]
    pal = [data["palette"][str(y)]["fill"] for y in data["years"]]
    assert pal[0] == style.VIRIDIS[0] and pal[-1] == style.VIRIDIS[-1] and len(set(pal)) == 3
    by = {n["id"]: n for n in data["nodes"]}
    wc = by["fed:长沙市望城区妇联"]
    assert wc["label"] == "望城区" and wc["parent"] == "fed:长沙市妇联" and wc["year"] == 2022
    assert "证据 evidence: 深化“美丽庭院”创建。" in wc["tip"] and "文件 document: doc_a 工作要点" in wc["tip"]
    assert "年份 years: 2022, 2023" in wc["tip"]
    assert by["fed:湖南省妇联"]["label"] == "湖南省妇联"
    assert "no federation of it in the graph" in by["division:430200"]["tip"]
    assert "首次实施年份 first adoption" in page and 'id="fulian-year"' in page and "无文件 no document" in page


def test_short_labels_and_palette():
    assert view_tree.short_label("长沙市望城区白沙洲街道妇联", "长沙市望城区妇联", 3) == "白沙洲街道"
    assert view_tree.short_label("湖南省妇联", None, 0) == "湖南省妇联"
    assert view_tree.short_label("某某机关妇委会", "长沙市妇联", 2) == "某某机关妇委会"
    assert style.palette([2020]) == {2020: style._mix(style.VIRIDIS[4], style.VIRIDIS[5], 0.5)}
    assert style.text_colour(style.VIRIDIS[0]) == "#ffffff"
    assert style.text_colour(style.VIRIDIS[-1]) == "#212529"


def test_campaign_nobody_adopted_draws_an_empty_tree_with_a_note(tmp_path):
    kg = KnowledgeGraph()
    kg.add_node(Campaign(name="无人实施"))
    s = NetworkxStore()
    s.write(kg)
    res = views.render("campaign", s, "无人实施", out=tmp_path / "e.html")
    assert res.node_count == 0 and "No federation implements this" in res.path.read_text(encoding="utf-8")


def test_large_trees_keep_the_upper_levels_and_say_so(tmp_path):
    kg, _ = tree_graph(1000)
    s = NetworkxStore()
    s.write(kg)
    res = views.render("campaign", s, CAMPAIGN, out=tmp_path / "t.html", max_nodes=300)
    assert res.truncated and res.node_count == 300 and res.total_nodes == 1000
    data = page_data(res.path.read_text(encoding="utf-8"))
    assert max(n["depth"] for n in data["nodes"]) == 3  # all counties, then some townships
    assert "showing 300 of 1,000 federations" in res.path.read_text(encoding="utf-8")


# -- in the browser ------------------------------------------------------------------------

def _visit(path: Path, *steps: str):
    from browser import visit

    values, png = visit(path.resolve().as_uri(), STABLE, CHECK, *steps)
    assert values[0] == "1", values
    return [json.loads(v) if isinstance(v, str) and v.startswith("{") else v for v in values], png


def _reads_well(check: dict, visible: int) -> None:
    assert check["visible"] == visible and check["offscreen"] == 0 and check["overlaps"] == 0, check
    if visible <= view_tree.VISIBLE_MAX:
        assert check["fontPx"] >= 10, check  # legible at the default zoom


@pytest.mark.browser
def test_sample_tree_in_chromium_slider_and_click(store, tmp_path):
    from browser import image_stats, open_page

    res = views.render("campaign", store, "美丽庭院", out=tmp_path / "c.html")
    report = open_page(res.path)
    assert report.stabilized == "1" and (report.node_count, report.edge_count) == (24, 23)
    assert report.errors == [] and report.remote_requests() == []
    assert image_stats(report.png, (0x44, 0x01, 0x54))["near_color"] > 30  # the 2020 adopter is drawn
    later = "JSON.stringify(window.fulianTree.setYear(2020)) && JSON.stringify(window.fulianTree.style('fed:长沙市望城区妇联'))"
    close = "JSON.stringify(window.fulianTree.toggle('fed:长沙市妇联'))"
    values, _ = _visit(res.path, later, close)
    _reads_well(values[1], 24)
    # in 2020 望城区 (first year 2022) is drawn as "adopts later"
    assert values[2]["color"]["background"] == style.STATUS_STYLE["later"][0]
    assert values[3]["visible"] == 24 - 9  # 长沙市 closed: its nine counties are hidden


@pytest.mark.browser
@pytest.mark.parametrize("size", [100, 1000, 3000])
def test_trees_read_at_scale(size, tmp_path):
    kg, under = tree_graph(size)
    s = NetworkxStore()
    s.write(kg)
    res = views.render("campaign", s, CAMPAIGN, out=tmp_path / "t.html", under=under)
    assert res.node_count == size
    expand = "JSON.stringify(window.fulianTree.expandAll())"
    values, png = _visit(res.path, expand)
    at_open, opened = values[1], values[2]
    assert at_open["visible"] <= view_tree.VISIBLE_MAX
    _reads_well(at_open, at_open["visible"])
    assert opened["visible"] == size and opened["offscreen"] == 0  # every node opened, still all in the window
    (tmp_path / "open.png").write_bytes(png)
