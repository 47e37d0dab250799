"""`fulian build/load --manifest` as a user runs them: discovery, warnings, errors, Neo4j."""

import os
import subprocess
import sys

from conftest import ROOT

CITY = ("市妇联召开执委会议\n市妇联召开十届三次执委(扩大)会议,部署持续推进“美丽庭院”创建。\n")


def fulian(*args, env_extra=None):
    return subprocess.run([sys.executable, "-m", "fulian.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env=dict(os.environ, **(env_extra or {})), timeout=600)


def folder_with(tmp_path, manifest=None):
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in (("a.txt", CITY), ("b.txt", CITY.replace("十届三次", "十届四次"))):  # not copies
        (folder / name).write_text(text, encoding="utf-8")
    if manifest is not None:
        (folder / "manifest.csv").write_text("file,region,issuer,year,date,url\n" + manifest, encoding="utf-8")
    return folder


def test_build_warns_then_uses_the_manifest_it_finds(tmp_path):
    folder = folder_with(tmp_path)
    out = tmp_path / "g.json"
    first = fulian("build", folder, "--out", out)
    assert first.returncode == 0, first.stderr
    assert "rejected: 0" in first.stdout
    assert "warnings:\n  2 documents: issuer 市妇联 not resolved — give --manifest" in first.stdout
    (folder / "manifest.csv").write_text("\ufefffile,region,issuer,year,date,url\na.txt,430500,,,,\n"
                                         "b.txt,郴州市,,,,\n", encoding="utf-8")
    second = fulian("build", folder, "--out", out)
    assert second.returncode == 0, second.stderr
    assert f"using manifest {folder / 'manifest.csv'} (2 documents)" in second.stderr
    assert "documents read: 2, unchanged: 0" in second.stdout and "warnings:" not in second.stdout
    ignored = fulian("build", folder, "--out", out, "--no-manifest")
    assert "using manifest" not in ignored.stderr and "documents read: 2" in ignored.stdout
    assert "2 documents: issuer 市妇联 not resolved" in ignored.stdout


def test_a_bad_manifest_stops_before_anything_is_written(tmp_path):
    folder = folder_with(tmp_path, "a.txt,430500,,,,\nb.txt,430500,,20x3,,\n")
    out = tmp_path / "g.json"
    res = fulian("build", folder, "--out", out)
    assert res.returncode == 1
    assert f"error: {folder / 'manifest.csv'}, line 3: bad year '20x3'" in res.stderr
    assert not out.exists()
    both = fulian("build", folder, "--out", out, "--manifest", folder / "manifest.csv", "--no-manifest")
    assert both.returncode == 1 and "not both" in both.stderr


def test_load_paths_with_a_manifest_into_neo4j(tmp_path):
    from graph.neo4j_store import Neo4jStore
    from neo4j_fixture import require_neo4j

    uri, user, password = require_neo4j()
    folder = folder_with(tmp_path)
    manifest = tmp_path / "m.csv"
    manifest.write_text("file,region,issuer,year,date,url\ndocs/a.txt,430500,,2023,2023-03-01,http://x.org/a\n"
                        "docs/b.txt,431000,,,,\n", encoding="utf-8")
    store = Neo4jStore(uri, user, password)
    try:
        store.clear()
        plain = fulian("load", folder, env_extra={"NEO4J_URI": uri})
        assert plain.returncode == 0, plain.stderr
        assert "2 documents: issuer 市妇联 not resolved" in plain.stdout
        bound = fulian("load", folder, "--manifest", manifest, env_extra={"NEO4J_URI": uri})
        assert bound.returncode == 0, bound.stderr
        assert "not resolved" not in bound.stdout
        feds = {n["name"] for n in store.nodes("Federation")}
        assert {"邵阳市妇联", "郴州市妇联"} <= feds and not any("未定位" in n for n in feds)
        doc = store.node("doc:a.txt")
        assert (doc["year"], doc["date"], doc["url"]) == (2023, "2023-03-01", "http://x.org/a")
    finally:
        store.clear()
        store.close()


def test_load_of_a_graph_file_warns_and_refuses_a_manifest(tmp_path):
    from graph.neo4j_store import Neo4jStore
    from neo4j_fixture import require_neo4j

    uri, user, password = require_neo4j()
    folder = folder_with(tmp_path)
    out = tmp_path / "g.json"
    assert fulian("build", folder, "--out", out).returncode == 0
    wrong = fulian("load", "--graph", out, "--manifest", tmp_path / "m.csv", env_extra={"NEO4J_URI": uri})
    assert wrong.returncode == 1 and "rebuild it with `fulian build --manifest FILE`" in wrong.stderr
    store = Neo4jStore(uri, user, password)
    try:
        store.clear()
        res = fulian("load", "--graph", out, env_extra={"NEO4J_URI": uri})
        assert res.returncode == 0, res.stderr
        assert "2 documents: issuer 市妇联 not resolved — give --manifest" in res.stdout
    finally:
        store.clear()
        store.close()
