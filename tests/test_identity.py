"""Document identity on both stores: ids from paths, copies and renames by content, pruning, removal,
and graphs built before ids were paths."""

import shutil

import pytest

from conftest import ROOT
from graph.nx_store import NetworkxStore
from loaders.pipeline import build, remove

CORPUS = ROOT / "data" / "corpus"
A, B, C = "002_81c5735885d10893.txt", "003_96daabc8997adf99.txt", "000_5dafcd77016e240b.txt"
LEGACY_GRAPH = ROOT / "tests" / "fixtures" / "legacy" / "graph-905db27.json"  # built from A by commit 905db27


def docs(store):
    return {d["id"]: d for d in store.nodes("Document")}


def snapshot(store):
    return store.nodes(), store.relationships()


def statements(store, doc_id):
    """What a document states, without its id: to compare it with the same file built alone."""
    return sorted((r["type"], r["start_id"], r["end_id"], r.get("evidence"), r.get("start"))
                  for r in store.relationships() if r.get("doc_id") == doc_id and r["type"] != "MENTIONS"
                  and r["type"] != "IN_DOCUMENT" and r["type"] != "ISSUED_BY")


def fresh(tmp_path, *folders, link_text=True):
    store = NetworkxStore(tmp_path / "fresh.json")
    build(list(folders), store, link_text=link_text)
    return store


def put(folder, name, source):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(CORPUS / source, path)
    return path


def test_same_name_in_two_folders_is_two_documents(empty_store, tmp_path):
    root = tmp_path / "in"
    put(root, "a/2022工作要点.txt", A)
    put(root, "b/2022工作要点.txt", B)
    report = build([root], empty_store, link_text=False)
    assert len(report.read) == 2
    d = docs(empty_store)
    assert set(d) == {"doc:a/2022工作要点.txt", "doc:b/2022工作要点.txt"}
    alone = NetworkxStore()
    build([put(tmp_path / "alone", "2022工作要点.txt", A)], alone, link_text=False)
    only = docs(alone)["doc:2022工作要点.txt"]
    a = d["doc:a/2022工作要点.txt"]
    assert (a["title"], a["issuer"], a.get("doc_number")) == (only["title"], only["issuer"], only.get("doc_number"))
    assert statements(empty_store, a["id"]) == statements(alone, only["id"])  # evidence credited to A only
    again = build([root], empty_store, link_text=False)
    assert again.read == [] and len(again.unchanged) == 2


def test_building_same_names_one_after_the_other_keeps_both(empty_store, tmp_path):
    first = put(tmp_path, "a/2022工作要点.txt", A)
    second = put(tmp_path, "b/2022工作要点.txt", B)
    build([first], empty_store, link_text=False)
    a_hash = docs(empty_store)["doc:2022工作要点.txt"]["content_hash"]
    report = build([second], empty_store, link_text=False)
    assert len(report.read) == 1
    d = docs(empty_store)
    assert set(d) == {"doc:2022工作要点.txt", "doc:b/2022工作要点.txt"}  # the second gets a longer path
    assert d["doc:2022工作要点.txt"]["content_hash"] == a_hash
    assert build([first], empty_store, link_text=False).unchanged == [str(first)]


def test_names_differing_by_a_space_or_the_extension_are_different_documents(empty_store, tmp_path):
    import docx

    root = tmp_path / "in"
    put(root, "2022 工作要点.txt", A)
    put(root, "2022工作要点.txt", B)
    document = docx.Document()
    for line in (CORPUS / C).read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    document.save(root / "2022工作要点.docx")
    build([root], empty_store, link_text=False)
    assert set(docs(empty_store)) == {"doc:2022 工作要点.txt", "doc:2022工作要点.txt", "doc:2022工作要点.docx"}
    passages = {p["doc_id"] for p in empty_store.nodes("Passage")}
    assert len(passages) == 3


def test_identical_content_under_two_names_is_one_document_with_both_paths(empty_store, tmp_path):
    root = tmp_path / "in"
    put(root, "x.txt", A)
    put(root, "sub/y.txt", A)
    put(root, "z.txt", B)
    report = build([root], empty_store, link_text=False)
    assert report.copies == [(str(root / "x.txt"), "sub/y.txt")]
    d = docs(empty_store)
    assert set(d) == {"doc:sub/y.txt", "doc:z.txt"}
    assert d["doc:sub/y.txt"]["paths"] == ["sub/y.txt", "x.txt"]
    again = build([root], empty_store, link_text=False)
    assert again.read == [] and again.copies == [] and len(again.unchanged) == 3


def test_a_changed_copy_becomes_a_document_of_its_own(empty_store, tmp_path):
    root = tmp_path / "in"
    x, y = put(root, "x.txt", A), put(root, "y.txt", A)
    build([root], empty_store, link_text=False)
    y.write_text((CORPUS / B).read_text(encoding="utf-8"), encoding="utf-8")
    build([root], empty_store, link_text=False)
    d = docs(empty_store)
    assert set(d) == {"doc:x.txt", "doc:y.txt"} and d["doc:x.txt"]["paths"] == ["x.txt"]
    # the file the id was made from changes: it keeps the id, the unchanged copy leaves
    put(root, "y.txt", A)
    build([root], empty_store, link_text=False)
    assert set(docs(empty_store)) == {"doc:x.txt"}
    x.write_text((CORPUS / C).read_text(encoding="utf-8"), encoding="utf-8")
    build([root], empty_store, link_text=False)
    d = docs(empty_store)
    assert d["doc:y.txt"]["content_hash"] != d["doc:x.txt"]["content_hash"]
    assert snapshot(empty_store) == snapshot(fresh(tmp_path, root, link_text=False))


def test_copies_edited_apart_become_two_documents(empty_store, tmp_path):
    root = tmp_path / "in"
    x, y = put(root, "x.txt", A), put(root, "y.txt", A)
    build([root], empty_store, link_text=False)
    x.write_text((CORPUS / B).read_text(encoding="utf-8"), encoding="utf-8")
    y.write_text((CORPUS / C).read_text(encoding="utf-8"), encoding="utf-8")
    report = build([root], empty_store, link_text=False)
    assert sorted(report.read) == [str(x), str(y)]
    assert snapshot(empty_store) == snapshot(fresh(tmp_path, root, link_text=False))


def test_a_manifest_file_is_the_documents_path(empty_store, tmp_path):
    put(tmp_path, "docs/a.txt", A)
    manifest = tmp_path / "m.csv"
    manifest.write_text("file,region,issuer,year,date,url\ndocs/a.txt,,,,,\n", encoding="utf-8")
    build([tmp_path / "docs"], empty_store, link_text=False, manifest=manifest)
    assert set(docs(empty_store)) == {"doc:docs/a.txt"}


def test_a_renamed_file_keeps_its_document(empty_store, tmp_path):
    root = tmp_path / "in"
    for name in sorted(p.name for p in CORPUS.glob("*.txt")):
        put(root, name, name)
    build([root], empty_store)
    before = empty_store.counts()
    (root / A).rename(root / "renamed.txt")
    report = build([root], empty_store)
    assert report.renamed == [(A, str(root / "renamed.txt"))] and report.read == []
    d = docs(empty_store)[f"doc:{A}"]
    assert d["paths"] == ["renamed.txt"] and d["source"] == "renamed.txt"
    assert empty_store.counts() == before  # REPEATS 26, not 69: nothing duplicated


def test_prune_removes_documents_whose_files_are_gone(empty_store, tmp_path):
    root = tmp_path / "in"
    put(root, A, A)
    gone = put(root, B, B)
    build([root], empty_store)
    gone.unlink()
    assert build([root], empty_store).removed == [] and len(docs(empty_store)) == 2  # kept without --prune
    report = build([root], empty_store, prune=True)
    assert report.removed == [f"doc:{B}"]
    assert snapshot(empty_store) == snapshot(fresh(tmp_path, root))


def test_remove_paths(empty_store, tmp_path):
    root = tmp_path / "in"
    put(root, "keep/x.txt", A)
    put(root, "keep/copy.txt", C)
    put(root, "old/copy.txt", C)
    put(root, "old/y.txt", B)
    build([root], empty_store)
    assert remove([root / "old"], empty_store) == [f"doc:old/y.txt"]
    d = docs(empty_store)
    assert set(d) == {"doc:keep/copy.txt", "doc:keep/x.txt"} and d["doc:keep/copy.txt"]["paths"] == ["keep/copy.txt"]
    shutil.rmtree(root / "old")
    assert snapshot(empty_store) == snapshot(fresh(tmp_path, root))
    assert remove([root / "nothing-here"], empty_store) == []


def test_a_graph_file_built_with_stem_ids_migrates_on_the_next_build(tmp_path):
    graph = tmp_path / "kg.json"
    shutil.copy(LEGACY_GRAPH, graph)
    store = NetworkxStore(graph)
    assert set(docs(store)) == {f"doc:{A[:-4]}"}
    root = tmp_path / "in"
    put(root, A, A)
    put(root, B, B)
    report = build([root], store)
    assert len(report.read) == 2 and not report.copies
    assert snapshot(store) == snapshot(fresh(tmp_path, root))  # the stem id and its passages are gone


@pytest.mark.neo4j
def test_a_neo4j_loaded_with_stem_ids_migrates_on_the_next_load(tmp_path):
    from neo4j_fixture import require_neo4j
    from graph.load import store_to_neo4j
    from graph.neo4j_store import Neo4jStore

    uri, user, password = require_neo4j()
    root = tmp_path / "in"
    put(root, A, A)
    with Neo4jStore(uri, user, password) as neo:
        neo.clear()
        store_to_neo4j(NetworkxStore(LEGACY_GRAPH, read_only=True), neo)
        assert set(docs(neo)) == {f"doc:{A[:-4]}"}
        new = fresh(tmp_path, root)
        plan = store_to_neo4j(new, neo)
        assert plan.stale == [f"doc:{A[:-4]}"]
        assert snapshot(neo) == snapshot(new)
        store_to_neo4j(new, neo)  # and a second load changes nothing
        assert snapshot(neo) == snapshot(new)
        neo.clear()


def test_cli_prune_and_remove(tmp_path):
    from test_cli import fulian

    root = tmp_path / "in"
    put(root, A, A)
    b = put(root, B, B)
    out = tmp_path / "kg.json"
    assert fulian("build", root, "--out", out).returncode == 0
    b.unlink()
    res = fulian("build", root, "--out", out, "--prune")
    assert res.returncode == 0, res.stderr
    assert "removed (their files are gone):" in res.stdout and f"doc:{B}" in res.stdout
    res = fulian("remove", root / A, "--graph", out)
    assert res.returncode == 0 and res.stdout.strip() == f"removed 1 document: doc:{A}"
    res = fulian("remove", root / A, "--graph", out)
    assert res.returncode == 1 and "nothing removed" in res.stderr and len(res.stderr.strip().splitlines()) == 1
