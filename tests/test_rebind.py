"""An unresolved issuer is kept and warned about; a later build with a manifest binds it, on both stores."""

import json

from graph.nx_store import NetworkxStore
from loaders.manifest import read_manifest
from loaders.pipeline import build

CITY = ("市妇联召开十届三次执委会议\n"
        "3月2日,市妇联召开十届三次执委(扩大)会议,回顾2022年工作,安排2023年任务。"
        "会议要求,各级妇联组织持续推进“美丽庭院”创建,深入开展“巾帼建功”行动。\n")
COUNTY = ("县妇联部署今年工作\n县妇联召开执委会议,部署开展“家家幸福安康工程”。\n")
NAMED = "娄底市妇联召开执委会议\n娄底市妇联部署开展“美丽庭院”创建。\n"
# the same report of another city: not a copy of CITY (identical texts are one document)
CITY2 = CITY.replace("3月2日", "3月9日")


def corpus(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in (("city.txt", CITY), ("city2.txt", CITY2), ("county.txt", COUNTY), ("named.txt", NAMED)):
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def unresolved_feds(store):
    return sorted(n["id"] for n in store.nodes("Federation") if n.get("unresolved"))


def issued_by(store):
    return {r["start_id"]: r["end_id"] for r in store.relationships("ISSUED_BY")}


def test_unresolved_issuers_are_kept_warned_and_bound_by_a_manifest(empty_store, tmp_path):
    folder = corpus(tmp_path)
    first = build([folder], empty_store, link_text=False)
    assert first.rejected == [] and len(first.read) == 4
    assert sorted((p.rsplit("/", 1)[-1], f) for p, f in first.unresolved) == [
        ("city.txt", "市妇联"), ("city2.txt", "市妇联"), ("county.txt", "县妇联")]
    assert first.warnings() == ["2 documents: issuer 市妇联 not resolved — give --manifest "
                                "(a CSV with each document's region)",
                                "1 document: issuer 县妇联 not resolved — give --manifest "
                                "(a CSV with each document's region)"]
    ids = unresolved_feds(empty_store)
    assert ids == ["fed:县妇联(未定位:county)", "fed:市妇联(未定位:city)", "fed:市妇联(未定位:city2)"]
    city_fed = empty_store.node("fed:市妇联(未定位:city)")
    assert city_fed["level"] == "prefecture" and "region_code" not in city_fed
    assert issued_by(empty_store)["doc:city.txt"] == "fed:市妇联(未定位:city)"
    assert ("fed:市妇联(未定位:city)", "campaign:美丽庭院") in {
        (r["start_id"], r["end_id"]) for r in empty_store.relationships("IMPLEMENTS")}
    # unresolved nodes have no gazetteer parents: nothing links them to a real federation
    assert not [r for r in empty_store.relationships("LEADS") if r["end_id"] in ids]

    again = build([folder], empty_store, link_text=False)
    assert again.read == [] and len(again.unchanged) == 4
    assert len(again.unresolved) == 3  # still listed: the graph still holds them

    (folder / "manifest.csv").write_text("file,region,issuer,year,date,url\n"
                                         "city.txt,邵阳市,,,2023-03-03,http://example.org/city\n"
                                         "city2.txt,431000,,,,\ncounty.txt,430626,,,,\n", encoding="utf-8")
    manifest = read_manifest(folder / "manifest.csv")
    bound = build([folder], empty_store, link_text=False, manifest=manifest)
    assert sorted(p.rsplit("/", 1)[-1] for p in bound.read) == ["city.txt", "city2.txt", "county.txt"]
    assert [p.rsplit("/", 1)[-1] for p in bound.unchanged] == ["named.txt"]
    assert bound.unresolved == [] and unresolved_feds(empty_store) == []
    assert issued_by(empty_store) == {"doc:city.txt": "fed:邵阳市妇联", "doc:city2.txt": "fed:郴州市妇联",
                                      "doc:county.txt": "fed:岳阳市平江县妇联", "doc:named.txt": "fed:娄底市妇联"}
    doc = empty_store.node("doc:city.txt")
    assert doc["date"] == "2023-03-03" and doc["url"] == "http://example.org/city"
    assert "issuer_unresolved" not in doc

    clean = NetworkxStore(None)  # the same documents built once, with the manifest from the start
    build([folder], clean, link_text=False, manifest=manifest)
    assert empty_store.counts() == clean.counts()
    assert empty_store.nodes() == clean.nodes()
    assert empty_store.relationships() == clean.relationships()

    assert build([folder], empty_store, link_text=False, manifest=manifest).read == []


def test_dropping_the_manifest_unbinds_again(empty_store, tmp_path):
    folder = corpus(tmp_path)
    (folder / "manifest.csv").write_text("file,region\ncity.txt,430500\n", encoding="utf-8")
    build([folder], empty_store, link_text=False, manifest=read_manifest(folder / "manifest.csv"))
    assert issued_by(empty_store)["doc:city.txt"] == "fed:邵阳市妇联"
    report = build([folder], empty_store, link_text=False)
    assert [p.rsplit("/", 1)[-1] for p in report.read] == ["city.txt"]
    assert issued_by(empty_store)["doc:city.txt"] == "fed:市妇联(未定位:city)"
    assert empty_store.node("fed:邵阳市妇联") is None  # no other document names it


def test_fulian_load_of_a_rebuilt_file_binds_in_neo4j(tmp_path):
    """The graph file built without, then with a manifest, loaded into Neo4j each time."""
    from graph.load import store_to_neo4j
    from graph.neo4j_store import Neo4jStore
    from neo4j_fixture import require_neo4j

    folder = corpus(tmp_path)
    uri, user, password = require_neo4j()
    neo = Neo4jStore(uri, user, password)
    try:
        neo.clear()
        file_store = NetworkxStore(tmp_path / "g.json")
        build([folder], file_store, link_text=False)
        file_store.save()
        store_to_neo4j(NetworkxStore(tmp_path / "g.json", read_only=True), neo)
        assert len(unresolved_feds(neo)) == 3
        (folder / "manifest.csv").write_text("file,region\ncity.txt,430500\ncity2.txt,431000\n"
                                             "county.txt,430626\n", encoding="utf-8")
        build([folder], file_store, link_text=False, manifest=read_manifest(folder / "manifest.csv"))
        file_store.save()
        plan = store_to_neo4j(NetworkxStore(tmp_path / "g.json", read_only=True), neo)
        assert len(plan.documents) == 3 and plan.skipped == 1
        assert unresolved_feds(neo) == []
        assert neo.nodes() == file_store.nodes() and neo.relationships() == file_store.relationships()
        data = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))
        assert not [n for n in data["nodes"] if n.get("unresolved")]
    finally:
        neo.close()
