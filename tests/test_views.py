"""The interactive HTML views: drawn in headless Chromium, offline, and safe with hostile names."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, in_ci
from graph.model import Campaign, Federation, KnowledgeGraph, Law
from graph.nx_store import NetworkxStore
from graph_samples import document_graph, rel

import views
from queries.errors import QueryError
from views import ViewError, check_read_only, render
from views.tree import tree_script

FED_RGB = (0xD6, 0x33, 0x6C)  # Federation nodes' colour, looked for in screenshots

# URLs that occur in the vendored vis-network file: its license header and two error/metadata
# strings. None is ever requested (the browser tests record every request).
VENDOR_URLS = {
    "http://almende.com", "http://naver.github.io/egjs", "http://opensource.org/licenses/MIT",
    "http://www.apache.org/licenses/LICENSE-2.0", "https://github.com/uuidjs/uuid#getrandomvalues-not-supported",
    "https://github.com/visjs", "https://github.com/zloirock/core-js",
    "https://github.com/zloirock/core-js/blob/v3.33.0/LICENSE", "https://visjs.github.io/vis-network/",
}


def sample_kg() -> KnowledgeGraph:
    """Two documents of 望城区妇联, plus the province and city federations adopting the campaign earlier."""
    kg = document_graph()
    kg.merge(document_graph(stem="doc_b", year=2023))
    prov = dict(doc_id="doc:doc_a", start=0, end=5, rule="test")
    rel(kg, "IMPLEMENTS", "fed:湖南省妇联", "campaign:美丽庭院", year=2020, evidence="全省推进“美丽庭院”创建。", **prov)
    rel(kg, "IMPLEMENTS", "fed:长沙市妇联", "campaign:美丽庭院", year=2021, evidence="全市开展“美丽庭院”创建。", **prov)
    return kg


# kind, argument, options, drawn nodes, drawn edges
CASES = [
    ("campaign", "美丽庭院", {}, 24, 23),           # the tree under 湖南省妇联: 3 adopters, 21 divisions without
    ("campaign", "美丽庭院创建", {}, 24, 23),        # by alias
    ("federation", "望城区妇联", {}, 7, 8),          # campaign, law, police, office, chair, parent
    ("federation", "长沙市望城区妇联", {"depth": 2}, 8, 10),  # + the province
    ("hierarchy", None, {}, 4, 3),
    ("hierarchy", "湖南省妇联", {}, 3, 2),
]
CASE_IDS = [f"{k}-{a or 'all'}-{o.get('depth', '')}" for k, a, o, _, _ in CASES]


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("views") / "kg.json"
    store = NetworkxStore(path)
    store.write(sample_kg())
    store.save()
    return path


@pytest.fixture
def store(graph_file):
    s = NetworkxStore(graph_file, read_only=True)
    yield s
    s.close()


@pytest.fixture(scope="module")
def neo4j_store():
    try:
        from neo4j_fixture import require_neo4j
    except ImportError as e:
        if in_ci():
            pytest.fail(f"tests/neo4j_fixture.py cannot be imported ({e}); the Neo4j view test needs it",
                        pytrace=False)
        pytest.skip(f"tests/neo4j_fixture.py not available: {e}")
    from graph.neo4j_store import Neo4jStore

    uri, user, password = require_neo4j()
    s = Neo4jStore(uri, user, password)
    s.clear()
    s.write(sample_kg())
    yield s
    s.clear()  # leave the shared test server empty; other fixtures reload what they need
    s.close()


def network_references(page: str) -> list[str]:
    """Everything in a page a browser could fetch from elsewhere (empty: the page is self-contained)."""
    vendor = views.vis_network_js()
    found = []
    if page.count(vendor) != 1:
        found.append("the vendored vis-network file is not inlined exactly once, unchanged")
    ours = page.replace(vendor, "")
    for pat in (r"https?:", r"//cdn", r"\bsrc\s*=", r"\bhref\s*=", r"url\(", r"@import", r"<link\b", r"<img\b",
                r"<iframe\b", r"<object\b", r"<embed\b", r"\bftp:", r"\bwss?:"):
        for m in re.finditer(pat, ours, re.I):
            found.append(f"page: {ours[max(0, m.start() - 40):m.end() + 40]!r}")
    for url in set(re.findall(r"https?://[^\s\"'<>)\\]+", vendor)) - VENDOR_URLS:
        found.append(f"vendored file: unexpected URL {url}")
    for m in re.finditer(r"url\(\s*['\"]?([^'\")]*)", vendor):
        if not m.group(1).startswith("data:"):
            found.append(f"vendored file: url({m.group(1)[:60]})")
    if re.search(r"@import|//cdn", vendor):
        found.append("vendored file: @import or //cdn")
    return found


def check_page_in_browser(path: Path, nodes: int, edges: int, screenshot: Path | None = None,
                          colour: tuple[int, int, int] = FED_RGB, legend: tuple[str, ...] = ("图例 Legend", "妇联 Federation")):
    """The page settles in Chromium with these counts, offline, without errors; `colour` is on the canvas."""
    from browser import image_stats, open_page

    report = open_page(path, screenshot=screenshot)
    assert report.stabilized == "1", f"layout never settled: {report.stabilized!r}; errors {report.errors}"
    assert report.node_count == nodes and report.edge_count == edges, (report.node_count, report.edge_count)
    assert report.dataset.get("drawnNodes") == str(nodes)
    assert report.errors == []
    assert report.remote_requests() == [], report.requests
    stats = image_stats(report.png, colour)
    assert stats["size"] == (1280, 800)
    assert stats["distinct_colors"] > 50, stats          # text, shapes and edges: not a blank page
    assert stats["non_white_share"] > 0.01, stats
    assert stats["near_color"] > 30, stats                 # Federation nodes are on the canvas
    assert all(text in report.legend_text for text in legend), report.legend_text
    return report


# -- library, no browser ------------------------------------------------------------------

@pytest.mark.parametrize("kind,arg,opts,nodes,edges", CASES, ids=CASE_IDS)
def test_render_counts_embedded(store, tmp_path, kind, arg, opts, nodes, edges):
    res = render(kind, store, arg, out=tmp_path / "v.html", **opts)
    assert (res.node_count, res.edge_count, res.truncated) == (nodes, edges, False)
    page = res.path.read_text(encoding="utf-8")
    assert f'data-node-count="{nodes}"' in page
    assert network_references(page) == []


def test_unknown_name_suggests_closest(store, tmp_path):
    with pytest.raises(QueryError, match=r"^no campaign or law named '美丽庭园' in the graph; closest: 美丽庭院$"):
        render("campaign", store, "美丽庭园", out=tmp_path / "x.html")
    with pytest.raises(QueryError, match=r"^no federation named '望城妇联' in the graph; closest: 长沙市望城区妇联"):
        render("federation", store, "望城妇联", out=tmp_path / "x.html")
    assert not (tmp_path / "x.html").exists()


def test_bad_depth_and_embedded_query_are_refused(store, tmp_path):
    with pytest.raises(ViewError, match="--depth must be"):
        render("federation", store, "望城区妇联", out=tmp_path / "x.html", depth=0)
    with pytest.raises(ViewError, match="needs the Neo4j backend"):
        render("query", store, "MATCH (n) RETURN n", out=tmp_path / "x.html")


@pytest.mark.parametrize("cypher", [
    "CREATE (n:X) RETURN n", "MATCH (n) DETACH DELETE n", "match (n) set n.x = 1 return n",
    "MATCH (n) WITH n MERGE (m:Y {id: n.id}) RETURN m", "MATCH (n) REMOVE n.name RETURN n",
    "LOAD CSV FROM 'file:///x.csv' AS row RETURN row", "CALL apoc.create.node(['X'], {}) YIELD node RETURN node",
    "MATCH (n) CALL { WITH n SET n.y = 2 } IN TRANSACTIONS RETURN n", "DROP INDEX foo",
    "MATCH (n) FOREACH (x IN [1] | SET n.z = x) RETURN n",
])
def test_write_queries_are_refused_up_front(cypher):
    with pytest.raises(ViewError, match="view query is read-only: "):
        check_read_only(cypher)


@pytest.mark.parametrize("cypher", [
    "MATCH p=(f:Federation)-[:IMPLEMENTS]->(c:Campaign) RETURN p",
    "MATCH (n) WHERE n.name = 'CREATE (x) DELETE y' RETURN n",  # keywords inside a string
    "MATCH (n:Federation) RETURN n.`set`, n // DELETE in a comment",
    "MATCH (n) WHERE n.name CONTAINS $q RETURN n LIMIT 5 /* MERGE */",
])
def test_read_queries_pass_the_check(cypher):
    check_read_only(cypher)


def test_large_result_keeps_the_most_connected_and_says_so(tmp_path):
    kg = KnowledgeGraph()
    camp = kg.add_node(Campaign(name="巾帼建功"))
    top = kg.add_node(Federation(name="全国妇联", level="national"))
    rel(kg, "IMPLEMENTS", top, camp, doc_id="doc:x", year=2020, evidence="e", start=0, end=1, rule="test")
    for i in range(1500):
        f = kg.add_node(Federation(name=f"第{i}县妇联", level="county"))
        rel(kg, "LEADS", top, f, rule="hierarchy")
        rel(kg, "IMPLEMENTS", f, camp, doc_id=f"doc:d{i}", year=2021, evidence="e", start=0, end=1, rule="test")
    s = NetworkxStore()
    s.write(kg)
    res = render("federation", s, "全国妇联", out=tmp_path / "big.html")
    assert res.truncated and res.total_nodes == 1502 and res.node_count == views.MAX_NODES
    page = res.path.read_text(encoding="utf-8")
    assert "showing 1,000 of 1,502 nodes" in page and 'data-truncated="1"' in page
    assert '"smooth":false' in page  # big pages draw straight edges
    small = render("hierarchy", s, None, out=tmp_path / "h.html", max_nodes=50)
    assert small.node_count == 50 and small.truncated


# -- hostile names ------------------------------------------------------------------------

HOSTILE = {
    "cypher": '"}) DETACH DELETE n //',
    "script": "</script><script>alert(1)</script>",
    "backticks": "`x` }) MATCH (n) DETACH DELETE n //`",
    "long": "妇" * 10000,
}


@pytest.mark.parametrize("which", sorted(HOSTILE))
def test_hostile_lookup_names_give_a_clear_one_line_error(store, tmp_path, which):
    name = HOSTILE[which]
    for kind in ("campaign", "federation", "hierarchy"):
        with pytest.raises(QueryError) as err:
            render(kind, store, name, out=tmp_path / "x.html")
        msg = str(err.value)
        assert msg.startswith("no ") and "\n" not in msg and len(msg) < 400, msg
    assert not (tmp_path / "x.html").exists()


@pytest.fixture(scope="module")
def hostile_store():
    kg = KnowledgeGraph()
    camp = kg.add_node(Campaign(name=HOSTILE["script"], aliases=[HOSTILE["backticks"]]))
    law = kg.add_node(Law(name=HOSTILE["long"]))
    for i, key in enumerate(("cypher", "backticks", "script")):
        f = kg.add_node(Federation(name=f"{HOSTILE[key]} {i}", level="county"))
        kw = dict(doc_id=f"doc:{HOSTILE['script']}", year=2020 + i, start=0, end=1, rule="test",
                  evidence=f"{HOSTILE['script']} & <b>{HOSTILE['cypher']}</b> \u2028 {HOSTILE['backticks']}")
        rel(kg, "IMPLEMENTS", f, camp, **kw)
        rel(kg, "IMPLEMENTS", f, law, **kw)
    s = NetworkxStore()
    s.write(kg)
    return s


def test_hostile_graph_names_are_escaped(hostile_store, tmp_path):
    res = render("campaign", hostile_store, HOSTILE["script"], out=tmp_path / "h.html")
    assert (res.node_count, res.edge_count) == (3, 0)  # three adopters, none under another
    page = res.path.read_text(encoding="utf-8")
    assert page.count("<script") == 3 and page.count("</script>") == 3  # data, vis-network, ours
    ours = page.replace(views.vis_network_js(), "").replace(tree_script(), "")
    assert HOSTILE["script"] not in ours and "<b>" not in ours and "\u2028" not in ours
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the title, as text
    assert network_references(page) == []
    law = render("campaign", hostile_store, HOSTILE["long"], out=tmp_path / "law.html")
    assert law.node_count == 3 and len(law.title) < 200  # the law's name is shortened in the title
    fed = render("federation", hostile_store, f"{HOSTILE['cypher']} 0", out=tmp_path / "fed.html")
    data = page_data(fed.path.read_text(encoding="utf-8"))
    long_node = next(n for n in data["nodes"] if n["id"] == "law:" + HOSTILE["long"])
    assert len(long_node["label"]) <= views.LABEL_MAX + 1 and len(long_node["title"]) < 1000  # drawn shortened


def page_data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="fulian-data">(.*?)</script>', page, re.S)
    return json.loads(m.group(1))


# -- the command -------------------------------------------------------------------------

def fulian(*args):
    return subprocess.run([sys.executable, "-m", "fulian.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300, env=dict(os.environ, PYTHONPATH=str(ROOT)))


def test_cli_writes_a_view_and_reports_bad_names_in_one_line(graph_file, tmp_path):
    out = tmp_path / "c.html"
    res = fulian("view", "campaign", "美丽庭院", "--graph", graph_file, "--out", out)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == f"wrote {out}: 24 nodes, 23 edges"
    res = fulian("view", "coverage", "美丽庭院", "--under", "长沙市妇联", "--graph", graph_file, "--out", out)
    assert res.returncode == 0 and res.stdout.strip() == f"wrote {out}: 10 nodes, 9 edges", res.stderr
    res = fulian("view", "federation", "长沙市望城区妇联", "--depth", "2", "--graph", graph_file, "--out", out)
    assert res.returncode == 0 and "8 nodes, 10 edges" in res.stdout, res.stderr
    bad = fulian("view", "campaign", "美丽庭园", "--graph", graph_file, "--out", tmp_path / "bad.html")
    assert bad.returncode == 1
    assert bad.stderr.strip() == "error: no campaign or law named '美丽庭园' in the graph; closest: 美丽庭院"
    q = fulian("view", "query", "MATCH (n) RETURN n", "--backend", "embedded", "--graph", graph_file)
    assert q.returncode == 1 and "needs the Neo4j backend" in q.stderr and "Traceback" not in q.stderr
    missing = fulian("view", "hierarchy", "--graph", tmp_path / "nope.json", "--out", out)
    assert missing.returncode == 1 and "no graph file" in missing.stderr


# -- in the browser ----------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("kind,arg,opts,nodes,edges", CASES, ids=CASE_IDS)
def test_view_draws_in_headless_chromium(store, tmp_path, kind, arg, opts, nodes, edges):
    res = render(kind, store, arg, out=tmp_path / f"{kind}.html", **opts)
    shot = tmp_path / f"{kind}.png"
    if kind == "campaign":  # the tree: the first year's colour, the year legend
        check_page_in_browser(res.path, nodes, edges, screenshot=shot, colour=(0x44, 0x01, 0x54),
                              legend=("首次实施年份 first adoption", "2020", "无文件 no document"))
    else:
        check_page_in_browser(res.path, nodes, edges, screenshot=shot)
    assert shot.stat().st_size > 5000


@pytest.mark.browser
def test_hostile_page_draws_without_running_injected_script(hostile_store, tmp_path):
    from browser import open_page

    res = render("campaign", hostile_store, HOSTILE["backticks"], out=tmp_path / "h.html")
    report = open_page(res.path)
    assert report.stabilized == "1" and report.node_count == 3 and report.edge_count == 0
    assert report.errors == [] and report.remote_requests() == []
    assert report.title == "活动扩散 Campaign diffusion: " + HOSTILE["script"]


@pytest.mark.browser
def test_large_page_stays_usable(tmp_path):
    kg = KnowledgeGraph()
    camp = kg.add_node(Campaign(name="巾帼建功"))
    top = kg.add_node(Federation(name="湖南省妇联", level="province"))
    prov = [kg.add_node(Federation(name=f"第{p}市妇联", level="prefecture")) for p in range(30)]
    for p in prov:
        rel(kg, "LEADS", top, p, rule="hierarchy")
    for i in range(1400):
        f = kg.add_node(Federation(name=f"第{i}县妇联", level="county"))
        rel(kg, "LEADS", prov[i % 30], f, rule="hierarchy")
        rel(kg, "IMPLEMENTS", f, camp, doc_id=f"doc:d{i}", year=2021, evidence="e", start=0, end=1, rule="test")
    s = NetworkxStore()
    s.write(kg)
    res = render("federation", s, "湖南省妇联", out=tmp_path / "big.html", depth=2)
    assert res.truncated and res.node_count == 1000
    report = check_page_in_browser(res.path, 1000, res.edge_count)
    assert report.dataset.get("truncated") == "1"


# -- Neo4j ----------------------------------------------------------------------------------

@pytest.mark.neo4j
@pytest.mark.parametrize("kind,arg,opts,nodes,edges", CASES, ids=CASE_IDS)
def test_neo4j_draws_the_page_the_embedded_store_draws(neo4j_store, store, kind, arg, opts, nodes, edges):
    page, res = views.draw(kind, neo4j_store, arg, **opts)
    assert (res.node_count, res.edge_count) == (nodes, edges)
    assert "backend neo4j" in page
    assert page.replace("backend neo4j", "backend embedded", 1) == views.draw(kind, store, arg, **opts)[0]


@pytest.mark.neo4j
@pytest.mark.browser
def test_query_view_on_neo4j_draws_in_chromium(neo4j_store, tmp_path):
    res = views.query_view(neo4j_store, "MATCH p=(f:Federation)-[:IMPLEMENTS]->(c:Campaign) RETURN p",
                           tmp_path / "q.html")
    assert (res.node_count, res.edge_count) == (4, 3)  # 望城区's two statements are one drawn edge
    page = res.path.read_text(encoding="utf-8")
    assert network_references(page) == [] and "IMPLEMENTS 2022, 2023" in page
    check_page_in_browser(res.path, 4, 3)


@pytest.mark.neo4j
def test_query_view_refuses_writes_up_front_and_on_the_server(neo4j_store, tmp_path, monkeypatch):
    before = neo4j_store.counts()
    with pytest.raises(ViewError, match="view query is read-only: 'CREATE'"):
        views.query_view(neo4j_store, "CREATE (n:Campaign {id: 'campaign:x', name: 'x'}) RETURN n", tmp_path / "q.html")
    monkeypatch.setattr(views.read, "check_read_only", lambda cypher: None)  # the READ session still refuses
    with pytest.raises(ViewError, match="view query is read-only: Neo4j refused a write"):
        views.query_view(neo4j_store, "CREATE (n:Campaign {id: 'campaign:x', name: 'x'}) RETURN n", tmp_path / "q.html")
    assert neo4j_store.counts() == before
    with pytest.raises(ViewError, match="returned no nodes or relationships"):
        views.query_view(neo4j_store, "MATCH (n) RETURN count(n) AS n", tmp_path / "q.html")
    with pytest.raises(ViewError, match=r"^Cypher syntax error at line 1, column 10: Invalid input 'RETURN'"):
        views.query_view(neo4j_store, "MATCH (n RETURN n", tmp_path / "q.html")
    with pytest.raises(ViewError, match=r"view query is read-only: Neo4j refused a write"):  # inside a procedure
        views.query_view(neo4j_store, "CALL apoc.cypher.run('CREATE (n:Campaign {id: \"campaign:z\"})', {}) "
                         "YIELD value RETURN value", tmp_path / "q.html")
    assert neo4j_store.counts() == before
    res = views.query_view(neo4j_store, "MATCH (f:Federation {name: $x}) RETURN f", tmp_path / "one.html",
                           params={"x": "湖南省妇联"})
    assert res.node_count == 1
