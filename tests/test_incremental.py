"""Incremental builds on both backends: only new or changed documents are processed."""

import shutil

from conftest import ROOT
from loaders.pipeline import build

CORPUS = ROOT / "data" / "corpus"
A, B = "002_81c5735885d10893.txt", "003_96daabc8997adf99.txt"


def implements_of(store, doc_name):
    return sorted((r["start_id"], r["end_id"]) for r in store.relationships("IMPLEMENTS")
                  if r["doc_id"] == f"doc:{doc_name}")


def test_new_unchanged_and_changed_documents(empty_store, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(CORPUS / A, folder / A)
    first = build([folder], empty_store, link_text=False)
    assert [p.rsplit("/", 1)[-1] for p in first.read] == [A]

    shutil.copy(CORPUS / B, folder / B)
    second = build([folder], empty_store, link_text=False)
    assert [p.rsplit("/", 1)[-1] for p in second.read] == [B]
    assert [p.rsplit("/", 1)[-1] for p in second.unchanged] == [A]
    b_before = implements_of(empty_store, B)
    a_before = implements_of(empty_store, A)
    assert ("fed:常德市妇联", "campaign:巾帼能量站") in a_before

    third = build([folder], empty_store, link_text=False)
    assert third.read == [] and len(third.unchanged) == 2

    text = (folder / A).read_text(encoding="utf-8").replace("巾帼能量站", "沅澧姐妹驿站")
    (folder / A).write_text(text, encoding="utf-8")
    fourth = build([folder], empty_store, link_text=False)
    assert [p.rsplit("/", 1)[-1] for p in fourth.read] == [A]
    a_after = implements_of(empty_store, A)
    assert ("fed:常德市妇联", "campaign:巾帼能量站") not in a_after
    assert any(end.startswith("campaign:沅澧姐妹驿站") for _, end in a_after)
    assert empty_store.node("campaign:巾帼能量站") is None  # it had no other document
    assert implements_of(empty_store, B) == b_before  # the other document is untouched


def test_rebuilding_from_scratch_equals_incremental(empty_store, tmp_path):
    from graph.nx_store import NetworkxStore

    folder = tmp_path / "docs"
    folder.mkdir()
    for name in (A, B):
        shutil.copy(CORPUS / name, folder / name)
    build([folder / A], empty_store, link_text=False)
    build([folder], empty_store, link_text=False)
    clean = NetworkxStore(None)
    build([folder], clean, link_text=False)
    assert empty_store.counts() == clean.counts()
    assert empty_store.relationships() == clean.relationships()
