"""`fulian eval` scores what the build writes: its numbers are those of the built graph."""

import json
import os
import subprocess
import sys
from collections import Counter

import pytest

from conftest import ROOT
from graph.nx_store import NetworkxStore
from loaders.evaluate import evaluate
from loaders.manifest import read_manifest

PLAN = "湖南省妇联2023年工作要点\n一、深入实施“美丽庭院”创建。\n"
CITY = ("市妇联召开十届三次执委会议\n3月2日,市妇联召开十届三次执委(扩大)会议。"
        "会议要求,各级妇联组织持续推进“美丽庭院”创建,深入开展“巾帼建功”行动。\n")
NO_FEDERATION = "社区举办读书分享会\n居民李四主持了“书香家庭”读书分享会。\n"


def E(type_, name, *aliases):
    return {"type": type_, "name": name, "aliases": list(aliases)}


GOLD = {
    "plan.txt": {"issuer": "湖南省妇联", "year": 2023,
                 "entities": [E("Federation", "湖南省妇联"), E("Campaign", "美丽庭院", "美丽庭院创建"),
                              E("Person", "张三")],
                 "relations": [{"head": "湖南省妇联", "type": "IMPLEMENTS", "tail": "美丽庭院"},
                               {"head": "张三", "type": "LEADS", "tail": "湖南省妇联"}]},
    "city.txt": {"issuer": "邵阳市妇联", "year": 2023,
                 "entities": [E("Federation", "邵阳市妇联", "市妇联"), E("Campaign", "美丽庭院"),
                              E("Campaign", "巾帼建功")],
                 "relations": [{"head": "邵阳市妇联", "type": "IMPLEMENTS", "tail": "美丽庭院"},
                               {"head": "邵阳市妇联", "type": "IMPLEMENTS", "tail": "巾帼建功"}]},
    "none.txt": {"issuer": None, "year": None,
                 "entities": [E("Person", "李四"), E("Campaign", "书香家庭")], "relations": []},
}


@pytest.fixture
def devset(tmp_path):
    """A folder in the dev-set layout: corpus/, gold/ and manifest.csv."""
    (tmp_path / "corpus").mkdir()
    (tmp_path / "gold").mkdir()
    for name, text in (("plan.txt", PLAN), ("city.txt", CITY), ("none.txt", NO_FEDERATION)):
        (tmp_path / "corpus" / name).write_text(text, encoding="utf-8")
        gold = {"document": name, **GOLD[name]}
        (tmp_path / "gold" / name.replace(".txt", ".json")).write_text(json.dumps(gold, ensure_ascii=False),
                                                                       encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("file,region,issuer,year,date,url\ncity.txt,430500,,,,\n",
                                           encoding="utf-8")
    return tmp_path


def hand_count(path):
    """Per entity type and relation type, what the graph file says each document holds, walked
    from each Document node: its passages' MENTIONS, its statements' ends, its issuer."""
    g = NetworkxStore(path, read_only=True).graph
    entities, relations = Counter(), Counter()
    for doc, data in g.nodes(data=True):
        if data["label"] != "Document":
            continue
        passages = [p for p, _, e in g.in_edges(doc, data=True) if e["type"] == "IN_DOCUMENT"]
        held = {v for p in passages for _, v, e in g.out_edges(p, data=True) if e["type"] == "MENTIONS"}
        held |= {v for _, v, e in g.out_edges(doc, data=True) if e["type"] == "ISSUED_BY"}
        for u, v, e in g.edges(data=True):
            if e.get("doc_id") == doc and e["type"] in ("IMPLEMENTS", "LEADS", "COORDINATES", "PART_OF"):
                relations[e["type"]] += 1
                held |= {u, v}
        entities.update(g.nodes[n]["label"] for n in held)
    return entities, relations


def fulian(*args):
    return subprocess.run([sys.executable, "-m", "fulian.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env=dict(os.environ), timeout=600)


def test_eval_counts_are_the_graph_counts(devset, tmp_path):
    built = fulian("build", devset / "corpus", "--out", tmp_path / "g.json", "--manifest", devset / "manifest.csv")
    assert built.returncode == 3, built.stderr  # none.txt is rejected
    res = fulian("eval", devset / "gold", "--json")
    assert res.returncode == 0, res.stderr
    assert f"using manifest {devset / 'manifest.csv'}" in res.stderr
    scores = json.loads(res.stdout)["scores"]["strict"]
    entities, relations = hand_count(tmp_path / "g.json")
    for t in ("Federation", "Department", "Campaign", "Law", "Person"):
        assert scores[t]["tp"] + scores[t]["fp"] == entities[t], t
    for t in ("IMPLEMENTS", "LEADS", "COORDINATES", "PART_OF"):
        assert scores[t]["tp"] + scores[t]["fp"] == relations[t], t
    assert scores["entities"]["tp"] + scores["entities"]["fn"] == 8
    assert scores["relations"]["tp"] + scores["relations"]["fn"] == 4


def test_hand_scored_documents(devset):
    report = evaluate(devset / "gold", manifest=read_manifest(devset / "manifest.csv"))
    s = report.scores["strict"]
    # plan.txt: 湖南省妇联 and 美丽庭院 found, 张三 missed; the gazetteer's 全国妇联 above it is not counted
    # city.txt: all three found; none.txt: rejected, both entities missed
    assert (s["Federation"].tp, s["Federation"].fp, s["Federation"].fn) == (2, 0, 0)
    assert (s["Person"].tp, s["Person"].fn) == (0, 2)
    assert (s["Campaign"].tp, s["Campaign"].fn) == (3, 1)
    assert (s["IMPLEMENTS"].tp, s["IMPLEMENTS"].fn) == (3, 0)
    assert (s["LEADS"].tp, s["LEADS"].fn) == (0, 1)
    docs = {d["document"]: d for d in report.documents}
    assert docs["none.txt"]["rejected"].startswith("no 妇联 content found")
    assert {m["name"] for m in report.misses if m["document"] == "none.txt"} == {"李四", "书香家庭"}
    assert docs["city.txt"]["issuer_ok"] and docs["plan.txt"]["issuer_ok"]


def test_without_the_manifest_the_issuer_stays_unresolved(devset):
    report = evaluate(devset / "gold")
    docs = {d["document"]: d for d in report.documents}
    assert not docs["city.txt"]["issuer_ok"] and report.unresolved == ["city.txt"]
    res = fulian("eval", devset / "gold", "--no-manifest")
    assert res.returncode == 0 and "using manifest" not in res.stderr
    assert "issuer not resolved (give --manifest, 1): city.txt" in res.stdout
    assert "rejected documents (counted as all missed, 1):" in res.stdout
    assert "misses (strict" in res.stdout and "Federation   strict" in res.stdout


def test_no_dev_set_document_is_rejected_or_left_unresolved(tmp_path):
    """The dev set's 30 reports with the manifests that come with them (and without: text cues)."""
    from loaders.manifest import find_manifest

    devset = ROOT / "tests" / "fixtures" / "devset"
    batches = sorted(p for p in devset.iterdir() if p.is_dir())
    manifest = find_manifest(batches)
    assert len(manifest) == 30
    for gold in (b / "gold" for b in batches):
        for m in (manifest, None):
            report = evaluate(gold, manifest=m)
            assert not [d for d in report.documents if d.get("rejected")], gold
            assert report.unresolved == [], (gold, m)
