"""The corpus-level second pass: a name one document quotes is found unquoted in another."""

from graph.nx_store import NetworkxStore
from loaders.pipeline import build

QUOTING = "株洲市妇联2023年工作要点\n一、全面推行“巾帼家美积分”，引导家庭参与乡村治理。\n"
PLAIN = "醴陵市妇联2023年工作总结\n一、醴陵市妇联推广巾帼家美积分，全市120个村参与。\n"


def _campaigns_of(store, doc_name: str) -> set[str]:
    doc_id = f"doc:{doc_name}"
    passages = {r["start_id"] for r in store.relationships("IN_DOCUMENT") if r["end_id"] == doc_id}
    ids = {r["end_id"] for r in store.relationships("MENTIONS") if r["start_id"] in passages}
    return {n["name"] for n in store.nodes("Campaign") if n["id"] in ids}


def _implements(store, doc_name: str) -> set[tuple[str, str]]:
    names = {n["id"]: n["name"] for label in ("Federation", "Campaign") for n in store.nodes(label)}
    return {(names[r["start_id"]], names[r["end_id"]]) for r in store.relationships("IMPLEMENTS")
            if r.get("doc_id") == f"doc:{doc_name}"}


def test_plain_mention_found_because_another_document_quotes_it(tmp_path, empty_store):
    (tmp_path / "a.txt").write_text(QUOTING, encoding="utf-8")
    (tmp_path / "b.txt").write_text(PLAIN, encoding="utf-8")
    report = build([tmp_path], empty_store)
    assert "巾帼家美积分" in _campaigns_of(empty_store, "b.txt")
    assert ("株洲市醴陵市妇联", "巾帼家美积分") in _implements(empty_store, "b.txt")
    assert report.second_pass["documents"] == [str(tmp_path / "b.txt")]


def test_without_the_quoting_document_the_plain_name_is_not_a_campaign(tmp_path):
    (tmp_path / "b.txt").write_text(PLAIN, encoding="utf-8")
    store = NetworkxStore(tmp_path / "g.json")
    build([tmp_path / "b.txt"], store)
    assert "巾帼家美积分" not in _campaigns_of(store, "b.txt")


def test_names_already_in_the_graph_count_and_results_are_deterministic(tmp_path):
    (tmp_path / "a.txt").write_text(QUOTING, encoding="utf-8")
    (tmp_path / "b.txt").write_text(PLAIN, encoding="utf-8")
    first = NetworkxStore(tmp_path / "g1.json")
    build([tmp_path / "a.txt"], first)
    report = build([tmp_path / "b.txt"], first)  # a later build: the graph supplies the name
    assert "巾帼家美积分" in _campaigns_of(first, "b.txt")
    assert report.second_pass["documents"] == [str(tmp_path / "b.txt")]
    again = NetworkxStore(tmp_path / "g2.json")
    build([tmp_path], again)
    assert sorted(map(repr, first.relationships())) == sorted(map(repr, again.relationships()))


def test_an_unchanged_document_gains_and_loses_a_name_other_documents_quote(tmp_path, empty_store):
    """Incremental = fresh for the corpus pass: a new document that quotes a name makes it a campaign
    of an unchanged one; removing it takes the name away again (both stores)."""
    from test_incremental_fresh import differences, snapshot

    root = tmp_path / "docs"
    root.mkdir()
    (root / "b.txt").write_text(PLAIN, encoding="utf-8")
    build([root], empty_store, prune=True)
    assert "巾帼家美积分" not in _campaigns_of(empty_store, "b.txt")
    for step in ("add", "remove"):
        if step == "add":
            (root / "a.txt").write_text(QUOTING, encoding="utf-8")
        else:
            (root / "a.txt").unlink()
        report = build([root], empty_store, prune=True)
        assert len(report.read) == (step == "add")
        assert ("巾帼家美积分" in _campaigns_of(empty_store, "b.txt")) == (step == "add")
        fresh = NetworkxStore()
        build([root], fresh)
        assert not differences(snapshot(empty_store), snapshot(fresh)), step


def test_a_document_read_again_keeps_the_copies_found_of_it(tmp_path, empty_store):
    """A document the pass reads again (it names what another quotes) keeps every file it was found
    in: its copy's file stays recorded (it was dropped from `files` once, so the copy was lost)."""
    (tmp_path / "a.txt").write_text(QUOTING, encoding="utf-8")
    (tmp_path / "b.txt").write_text(PLAIN, encoding="utf-8")
    (tmp_path / "copies").mkdir()
    (tmp_path / "copies" / "b副本.txt").write_text(PLAIN, encoding="utf-8")
    report = build([tmp_path], empty_store)
    assert report.second_pass["documents"] == [str(tmp_path / "b.txt")]
    assert [c for c, _ in report.copies] == [str(tmp_path / "copies" / "b副本.txt")]
    doc = empty_store.node("doc:b.txt")
    assert sorted(doc["files"]) == sorted(str((tmp_path / p).resolve()) for p in ("b.txt", "copies/b副本.txt"))
    assert sorted(doc["paths"]) == ["b.txt", "copies/b副本.txt"]
    assert "巾帼家美积分" in _campaigns_of(empty_store, "b.txt")


def test_worker_processes_give_the_graph_one_process_gives(tmp_path, monkeypatch):
    """The pass in worker processes (read, scan and extract again there) writes what the serial pass
    writes, for a fresh build and for an incremental one that looks at earlier documents again."""
    from test_incremental_fresh import differences, snapshot

    import loaders.pipeline as pipeline

    monkeypatch.setattr(pipeline, "_PASS_POOL_MIN", 1)
    root = tmp_path / "docs"
    root.mkdir()
    for i in range(6):
        (root / f"plain{i}.txt").write_text(PLAIN.replace("120", str(100 + i)), encoding="utf-8")
    stores = {jobs: NetworkxStore(tmp_path / f"g{jobs}.json") for jobs in (1, 2)}
    for jobs, store in stores.items():
        build([root], store, jobs=jobs)
    (root / "a.txt").write_text(QUOTING, encoding="utf-8")  # now the plain documents gain the name
    reports = {jobs: build([root], store, jobs=jobs) for jobs, store in stores.items()}
    assert len(reports[2].second_pass["documents"]) == 6
    assert reports[1].second_pass == reports[2].second_pass
    assert all("巾帼家美积分" in _campaigns_of(stores[2], f"plain{i}.txt") for i in range(6))
    assert not differences(snapshot(stores[1]), snapshot(stores[2]))


def test_build_says_when_each_step_after_extraction_starts(tmp_path):
    (tmp_path / "a.txt").write_text(QUOTING, encoding="utf-8")
    (tmp_path / "b.txt").write_text(PLAIN, encoding="utf-8")
    said: list[str] = []
    store = NetworkxStore(tmp_path / "g.json")
    build([tmp_path], store, stage=said.append)
    assert [m.split(":")[0] for m in said] == ["corpus pass", "text reuse"]
    assert "2 documents" in said[0]
    said.clear()
    build([tmp_path], store, stage=said.append)  # nothing changed: nothing to look at or link again
    assert said == []
