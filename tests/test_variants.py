"""Variant families (VARIANT_OF between campaigns): the rule, the build step, both stores, the CLI."""

from __future__ import annotations

import json
import shutil

import pytest

import queries
from conftest import ROOT
from fulian.cli import main
from graph.load import store_to_graph, store_to_neo4j
from graph.nx_store import NetworkxStore
from graph_samples import document_graph
from loaders.pipeline import SAMPLE_CORPUS, build, remove
from loaders.resources import get_resources
from loaders.variants import Namer, find_variants, link_variants
from queries import backend

DOCS = {p.name[:3]: p for p in sorted(SAMPLE_CORPUS.glob("*.txt"))}


def names(store):
    """{variant name: (root name, rule)} of the store's VARIANT_OF links."""
    by_id = {c["id"]: c["name"] for c in store.nodes("Campaign")}
    return {by_id[r["start_id"]]: (by_id[r["end_id"]], r["rule"]) for r in store.relationships("VARIANT_OF")}


def rows(*campaigns):
    return [{"id": f"campaign:{c}", "name": c} for c in campaigns]


def links(found):
    return {(r.start_id.split(":", 1)[1], r.end_id.split(":", 1)[1], r.rule) for r in found}


# -- the rule (no store) ---------------------------------------------------------

def test_a_variant_links_to_its_nearest_root_only():
    found = find_variants(rows("巾帼建功", "巾帼建功先进集体", "巾帼建功先进集体和个人", "巾帼建功标兵"))
    assert links(found) == {("巾帼建功先进集体", "巾帼建功", "V-prefix"),
                            ("巾帼建功先进集体和个人", "巾帼建功先进集体", "V-prefix"),
                            ("巾帼建功标兵", "巾帼建功", "V-prefix")}
    assert {r.evidence for r in found} >= {"巾帼建功先进集体和个人 = 巾帼建功先进集体 + 和个人"}


def test_short_roots_infixes_and_suffixes_make_no_family():
    found = find_variants(rows("巾帼", "巾帼好声音", "两癌", "贫困两癌妇女救助", "百场宣讲", "女童权益保护百场宣讲",
                               "平安家庭", "法润芳华 护佑未来——网格聚力筑牢平安家庭根基"))
    assert found == []
    # the root length is data: with two-character roots allowed, 巾帼 gets its accidental family
    two = Namer(get_resources().patterns["variant_separators"], min_root_chars=2)
    assert ("巾帼好声音", "巾帼", "V-prefix") in links(find_variants(rows("巾帼", "巾帼好声音"), two))


def test_segments_and_separators():
    found = find_variants(rows("美家美妇", "爱国爱党爱家乡 美家美妇写家书", "巾帼心向党", "巾帼心向党·喜迎二十大",
                               "巾帼心向党 喜迎二十大", "巾帼在行动", "建设法治长沙·巾帼在行动"))
    assert links(found) == {("爱国爱党爱家乡 美家美妇写家书", "美家美妇", "V-segment"),
                            ("巾帼心向党·喜迎二十大", "巾帼心向党", "V-prefix"),
                            ("巾帼心向党 喜迎二十大", "巾帼心向党", "V-prefix"),  # not each other's: one name
                            ("建设法治长沙·巾帼在行动", "巾帼在行动", "V-segment")}
    seg = next(r for r in found if r.start_id == "campaign:爱国爱党爱家乡 美家美妇写家书")
    assert seg.evidence == "爱国爱党爱家乡 美家美妇写家书 = 爱国爱党爱家乡 + 美家美妇 + 写家书"


# -- the build on the sample corpus ----------------------------------------------

def test_the_sample_corpus_build_writes_the_families(corpus_store):
    got = names(corpus_store)
    # each read in data/corpus: 美家美妇 (003, 004), 美家美妇她行动 (002), 美家美妇美庭院 (001),
    # 爱国爱党爱家乡 美家美妇写家书 (003), 巾帼心向党 (004) and its 2022 slogans (000, 001, 003)
    assert got["美家美妇她行动"] == ("美家美妇", "V-prefix")
    assert got["美家美妇美庭院"] == ("美家美妇", "V-prefix")
    assert got["爱国爱党爱家乡 美家美妇写家书"] == ("美家美妇", "V-segment")
    assert got["巾帼心向党 奋进新征程"] == ("巾帼心向党", "V-prefix")
    assert got["培树领头雁计划"] == ("培树领头雁", "V-prefix")
    # no false families: 两癌 is two characters, 领头雁 and 百场宣讲 end the longer names
    for variant in ("两癌免费检查", "贫困两癌妇女救助", "培树领头雁", "女童权益保护百场宣讲", "网上妇女之家"):
        assert variant not in got, variant
    assert corpus_store.counts()["relationships"]["VARIANT_OF"] == len(got)
    assert all(not r["doc_id"] and r["evidence"] for r in corpus_store.relationships("VARIANT_OF"))


def test_lineage_variants_follow_the_links_not_substrings(corpus_store):
    rows_ = queries.campaign_diffusion(corpus_store, "美家美妇", variants=True)
    assert {r["campaign"] for r in rows_} == {"美家美妇", "美家美妇她行动", "美家美妇美庭院", "爱国爱党爱家乡 美家美妇写家书"}
    # without the links there is no family: --variants reads VARIANT_OF
    bare = NetworkxStore()
    bare.graph = corpus_store.graph.copy()
    bare.delete_relationships("VARIANT_OF")
    assert {r["campaign"] for r in queries.campaign_diffusion(bare, "美家美妇", variants=True)} == {"美家美妇"}
    # the family of 巾帼心向党 is its three slogans; 巾帼心向党 喜迎二十大 does not contain 巾帼心向党·…
    fam = queries.resolve(corpus_store, "巾帼心向党", ("Campaign",), variants=True)
    assert [r["name"] for r in fam] == ["巾帼心向党", "巾帼心向党 喜迎二十大", "巾帼心向党 奋进新征程", "巾帼心向党·喜迎二十大"]


def test_the_campaign_view_draws_the_family(corpus_store, tmp_path):
    from queries.tree import diffusion_tree

    tree = diffusion_tree(corpus_store, "美家美妇", variants=True)
    assert sorted(t["name"] for t in tree["targets"]) == sorted(
        ["美家美妇", "美家美妇她行动", "美家美妇美庭院", "爱国爱党爱家乡 美家美妇写家书"])
    adopters = {n["name"] for n in tree["nodes"] if n["status"] == "adopted"}
    assert "常德市妇联" in adopters  # through 美家美妇她行动 only (002)
    assert "常德市妇联" not in {n["name"] for n in diffusion_tree(corpus_store, "美家美妇")["nodes"]
                              if n["status"] == "adopted"}


def test_an_unchanged_build_leaves_the_links_and_the_file_alone(tmp_path):
    path = tmp_path / "kg.json"
    with NetworkxStore(path) as store:
        build([DOCS["003"], DOCS["002"]], store)
    before = path.stat().st_mtime_ns
    with NetworkxStore(path) as store:
        build([DOCS["003"], DOCS["002"]], store)
        assert names(store)["美家美妇她行动"] == ("美家美妇", "V-prefix") and not store.dirty
    assert path.stat().st_mtime_ns == before


def test_incremental_builds_keep_the_links_of_a_fresh_build(empty_store, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()

    def fresh():
        store = NetworkxStore()
        build([folder], store, link_text=False)
        return names(store)

    def step(add=(), drop=()):
        for k in add:
            shutil.copy(DOCS[k], folder / DOCS[k].name)
        if drop:
            remove([folder / DOCS[k].name for k in drop], empty_store, link_text=False)
            for k in drop:
                (folder / DOCS[k].name).unlink()
        else:
            build([folder], empty_store, link_text=False)
        got = names(empty_store)
        assert got == fresh()
        return got

    got = step(add=["001", "002"])  # 美家美妇美庭院, 美家美妇她行动: no root yet
    assert "美家美妇她行动" not in got
    got = step(add=["004"])  # brings 美家美妇 and 巾帼心向党
    assert got["美家美妇她行动"] == ("美家美妇", "V-prefix") and got["巾帼心向党 喜迎二十大"][0] == "巾帼心向党"
    got = step(drop=["004"])
    assert "美家美妇她行动" not in got and "巾帼心向党 喜迎二十大" not in got


# -- both stores, Neo4j loads ------------------------------------------------------

def family_graph(*campaigns):
    """Documents of one federation, one campaign each, with the build's VARIANT_OF links."""
    store = NetworkxStore()
    for i, c in enumerate(campaigns):
        store.write(document_graph(f"doc_{i}", campaign=c, text=f"深化“{c}”创建。"))
    link_variants(store)
    return store


@pytest.fixture
def neo():
    """The test server's database, wiped."""
    from neo4j_fixture import require_neo4j
    from graph.neo4j_store import Neo4jStore

    uri, user, password = require_neo4j()
    store = Neo4jStore(uri=uri, user=user, password=password)
    store.clear()
    yield store
    store.close()


def test_parity_of_variant_families(empty_store):
    src = family_graph("巾帼建功", "巾帼建功先进集体", "巾帼建功先进集体和个人", "巾帼建功标兵", "美丽庭院")
    if empty_store.backend == "neo4j":
        store_to_neo4j(src, empty_store)
    else:
        empty_store.write(store_to_graph(src))
    ids = ["campaign:巾帼建功", "campaign:巾帼建功先进集体", "campaign:美丽庭院"]
    got = backend.run(empty_store, "variants", ids=ids)
    assert got == backend.run(src, "variants", ids=ids)
    chain = {(r["root_id"], r["name"]): (r["depth"], r["parent_id"]) for r in got}
    assert chain == {("campaign:巾帼建功", "巾帼建功先进集体"): (1, "campaign:巾帼建功"),
                     ("campaign:巾帼建功", "巾帼建功标兵"): (1, "campaign:巾帼建功"),
                     ("campaign:巾帼建功", "巾帼建功先进集体和个人"): (2, "campaign:巾帼建功先进集体"),
                     ("campaign:巾帼建功先进集体", "巾帼建功先进集体和个人"): (1, "campaign:巾帼建功先进集体")}
    assert [r["name"] for r in queries.resolve(empty_store, "巾帼建功", ("Campaign",), variants=True)] == [
        "巾帼建功", "巾帼建功先进集体", "巾帼建功先进集体和个人", "巾帼建功标兵"]


@pytest.mark.neo4j
def test_a_load_syncs_the_links_when_a_nearer_root_appears(neo):
    src = family_graph("美丽庭院", "美丽庭院示范户")
    store_to_neo4j(src, neo)
    assert names(neo) == {"美丽庭院示范户": ("美丽庭院", "V-prefix")}
    nearer = family_graph("美丽庭院", "美丽庭院示范户", "美丽庭院示范")
    store_to_neo4j(nearer, neo)  # the old link is gone, the two new ones are there
    assert names(neo) == {"美丽庭院示范户": ("美丽庭院示范", "V-prefix"), "美丽庭院示范": ("美丽庭院", "V-prefix")}
    assert neo.relationships("VARIANT_OF") == nearer.relationships("VARIANT_OF")
    store_to_neo4j(src, neo, replace=True)
    assert neo.relationships() == src.relationships()


@pytest.mark.neo4j
def test_the_neo4j_load_carries_the_links(loaded_neo4j, corpus_store):
    assert loaded_neo4j.relationships("VARIANT_OF") == corpus_store.relationships("VARIANT_OF")
    assert names(loaded_neo4j)["美家美妇她行动"] == ("美家美妇", "V-prefix")
    for name in ("美家美妇", "巾帼心向党"):
        assert queries.campaign_diffusion(loaded_neo4j, name, variants=True) == \
            queries.campaign_diffusion(corpus_store, name, variants=True)


# -- the CLI -------------------------------------------------------------------------

@pytest.mark.parametrize("backend_name", ["embedded", "neo4j"])
def test_cli_lineage_variants_json_equals_the_library(backend_name, corpus_store, capsys, request):
    store = corpus_store if backend_name == "embedded" else request.getfixturevalue("loaded_neo4j")
    args = ["query", "lineage", "美家美妇", "--variants", "--format", "json", "--limit", "0",
            "--backend", backend_name]
    if backend_name == "embedded":
        args += ["--graph", str(corpus_store.path)]
    assert main(args) == 0
    got = json.loads(capsys.readouterr().out)["rows"]
    want = json.loads(json.dumps(queries.campaign_diffusion(store, "美家美妇", variants=True), ensure_ascii=False,
                                 default=str))
    columns = list(got[0])  # the lineage columns of `--format json` (every one but kind)
    assert {"year", "campaign", "federation", "doc_id", "evidence"} <= set(columns)
    assert got == [{c: r[c] for c in columns} for r in want]
    assert {r["campaign"] for r in got} >= {"美家美妇她行动", "美家美妇美庭院", "爱国爱党爱家乡 美家美妇写家书"}


def test_the_schema_and_the_browser_style_name_variant_of():
    from graph import schema

    assert schema.allowed("VARIANT_OF", "Campaign", "Campaign") and "VARIANT_OF" in schema.DERIVED_REL_TYPES
    assert "relationship.VARIANT_OF" in (ROOT / "docs" / "browser-style.grass").read_text(encoding="utf-8")
    assert "VARIANT_OF" in (ROOT / "docs" / "starter-queries.md").read_text(encoding="utf-8")
