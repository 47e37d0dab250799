"""A read-only embedded store reads a graph file's Passage rows and links (most of its rows) only when a
caller needs them, each type's block on first need (or only the links into some targets): every
statement declared in `nx_queries.READS` answers on what it reads exactly as on the whole graph;
everything else sees the whole graph."""

import json

import pytest

import queries
from graph.graph_file import load_graph
from graph.nx_store import NetworkxStore
from graph_samples import lineage_graph
from loaders.pipeline import SAMPLE_CORPUS, build
from loaders.text_reuse import link_repeats
from queries import backend, nx_queries
from test_queries import QUESTIONS, RAW_PARAMS


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("deferred") / "kg.json"
    store = NetworkxStore(path)
    store.write(lineage_graph())
    link_repeats(store, 0.5)
    store.save()
    store.close()
    return path


def test_each_statement_answers_on_what_it_declares_it_reads_as_on_the_whole_graph(graph_file):
    whole = NetworkxStore(graph_file, read_only=True)
    assert whole.graph.number_of_nodes()  # read everything
    for name in sorted(nx_queries.READS):  # a fresh store each: no other statement's reads help
        lean = NetworkxStore(graph_file, read_only=True)
        assert backend.run(lean, name, **RAW_PARAMS[name]) == backend.run(whole, name, **RAW_PARAMS[name]), name
        read = {d.get("type") for _, _, d in lean.graph_with([]).edges(data=True)}
        assert read <= nx_queries.READS[name], name
        assert not any(d.get("label") == "Passage" for _, d in lean.graph_with([]).nodes(data=True)), name
        lean.close()
    # a statement that needs passages reads them: then it answers as on the whole graph
    lean = NetworkxStore(graph_file, read_only=True)
    for name in ("passages", "repeats", "agenda", "provenance_by_id"):
        assert backend.run(lean, name, **RAW_PARAMS[name]) == backend.run(whole, name, **RAW_PARAMS[name]) != [], name
    assert any(d.get("label") == "Passage" for _, d in lean.graph_with([]).nodes(data=True))
    lean.close()
    whole.close()


@pytest.mark.parametrize("name", sorted(nx_queries.BY_TARGET))
def test_a_statement_about_some_targets_reads_only_their_implements_and_answers_as_on_the_whole_graph(
        graph_file, name):
    whole = NetworkxStore(graph_file, read_only=True)
    targets = sorted({c for _, c, d in whole.graph.edges(data=True) if d.get("type") == "IMPLEMENTS"})
    assert len(targets) >= 3
    lean = NetworkxStore(graph_file, read_only=True)
    for ids in ([targets[0]], [targets[1], targets[0], "campaign:不存在"], targets):  # then more of them
        params = {**RAW_PARAMS[name], "ids": ids}
        assert backend.run(lean, name, **params) == backend.run(whole, name, **params) != [], (name, ids)
        ends = {c for _, c, d in lean.graph_with([]).edges(data=True) if d.get("type") == "IMPLEMENTS"}
        assert ends == set(ids) & set(targets), (name, ids)
    lean.close()
    whole.close()


@pytest.mark.parametrize("name,question", QUESTIONS, ids=[q[0] for q in QUESTIONS])
def test_every_question_answers_on_a_read_only_file_as_in_memory(graph_file, name, question):
    memory = NetworkxStore()
    memory.graph = load_graph(graph_file)
    store = NetworkxStore(graph_file, read_only=True)
    got = json.dumps(question(store), ensure_ascii=False, default=str)
    assert got == json.dumps(question(memory), ensure_ascii=False, default=str)
    store.close()


def test_the_whole_graph_of_a_deferred_store_is_the_file(graph_file):
    store = NetworkxStore(graph_file, read_only=True)
    full = load_graph(graph_file)
    g = store.graph
    assert sorted(g.nodes(data=True), key=lambda t: t[0]) == sorted(full.nodes(data=True), key=lambda t: t[0])
    assert sorted((k, d) for _, _, k, d in g.edges(keys=True, data=True)) == \
        sorted((k, d) for _, _, k, d in full.edges(keys=True, data=True))
    assert store.counts() == NetworkxStore(graph_file, read_only=True).counts()
    store.close()
    passage = next(n for n, d in full.nodes(data=True) if d.get("label") == "Passage")
    fresh = NetworkxStore(graph_file, read_only=True)
    assert fresh.node(passage) == full.nodes[passage]
    assert len(fresh.nodes("Passage")) == sum(1 for _, d in full.nodes(data=True) if d.get("label") == "Passage")
    fresh.close()


def test_lineage_coverage_and_chains_of_a_built_corpus_never_read_passages(tmp_path):
    path = tmp_path / "kg.json"
    writer = NetworkxStore(path)
    build([str(SAMPLE_CORPUS)], writer)
    writer.save()
    writer.close()
    store = NetworkxStore(path, read_only=True)
    top = queries.top_targets(store, limit=1)[0]["name"]
    assert queries.campaign_diffusion(store, top) and queries.coverage(store, top)
    fed = store.nodes("Federation")[0]["name"]
    assert queries.leadership_chain(store, fed) and store.node(store.nodes("Document")[0]["id"])
    assert store._rest is not None, "a lineage, coverage or chain question read the passages"
    store.close()


def test_a_file_saved_over_a_deferred_store_does_not_mix_into_its_passages(graph_file, tmp_path):
    path = tmp_path / "kg.json"
    path.write_bytes(graph_file.read_bytes())
    store = NetworkxStore(path, read_only=True)
    before = store.graph_with([]).number_of_nodes()
    empty = NetworkxStore(path)
    empty.clear()
    empty.save()  # replaces the file (a new inode) while the reader holds the old one
    empty.close()
    passages = [n for n, d in store.graph.nodes(data=True) if d.get("label") == "Passage"]
    assert passages and store.graph.number_of_nodes() > before
    store.close()


def _shuffled_copy(src, dst):
    """The same records with one Passage node moved before the others (a file written by hand)."""
    lines = src.read_text(encoding="utf-8").splitlines(keepends=True)
    mid = lines.index('], "edges": [\n')
    nodes = lines[1:mid]
    first_passage = next(i for i, line in enumerate(nodes) if '"label": "Passage"' in line)
    assert first_passage > 0 and sum('"label": "Passage"' in line for line in nodes) >= 2
    mover = nodes.pop(first_passage).rstrip("\n").rstrip(",") + ",\n"
    nodes.insert(0, mover)
    nodes[-1] = nodes[-1].rstrip("\n").rstrip(",") + "\n"
    dst.write_text("".join([lines[0], *nodes, *lines[mid:]]), encoding="utf-8")


def test_a_file_whose_rows_are_not_in_blocks_is_read_whole_with_the_same_graph(graph_file, tmp_path):
    odd = tmp_path / "odd.json"
    _shuffled_copy(graph_file, odd)
    full = load_graph(graph_file)
    store = NetworkxStore(odd, read_only=True)
    assert store._rest is None  # not deferred: read whole, as it is
    assert sorted(store.graph.nodes(data=True), key=lambda t: t[0]) == \
        sorted(full.nodes(data=True), key=lambda t: t[0])
    assert store.graph.number_of_edges() == full.number_of_edges()
    store.close()
    assert sorted(load_graph(odd).nodes(data=True), key=lambda t: t[0]) == \
        sorted(full.nodes(data=True), key=lambda t: t[0])


def test_a_saved_file_is_read_by_blocks(graph_file):
    store = NetworkxStore(graph_file, read_only=True)
    assert store._rest is not None and store._rest._fd is not None  # deferred, read by blocks
    assert sum(1 for _, d in store.graph.nodes(data=True) if d.get("label") == "Passage") > 0
    assert store._rest is None
    store.close()


@pytest.mark.parametrize("piece", [64, 300, 4096])
def test_blocks_read_in_small_pieces_give_the_graph_the_line_reader_gives(graph_file, monkeypatch, piece):
    import graph.graph_file as gf

    with open(graph_file, encoding="utf-8") as fh:
        by_line = gf._read_by_line(fh)
    monkeypatch.setattr(gf, "_PIECE", piece)  # blocks, and rows, cut across many pieces
    monkeypatch.setattr(gf, "_PROBE", piece // 4)  # the binary search reads lines longer than a probe
    for g in (gf.load_graph(graph_file), NetworkxStore(graph_file, read_only=True).graph):
        assert sorted(g.nodes(data=True), key=lambda t: t[0]) == sorted(by_line.nodes(data=True), key=lambda t: t[0])
        assert sorted((k, d) for _, _, k, d in g.edges(keys=True, data=True)) == \
            sorted((k, d) for _, _, k, d in by_line.edges(keys=True, data=True))
    lean = NetworkxStore(graph_file, read_only=True)
    assert lean._rest is not None
    assert {d.get("label") for _, d in lean.graph_with([]).nodes(data=True)} == \
        {d.get("label") for _, d in by_line.nodes(data=True)} - {"Passage"}
    whole = NetworkxStore()
    whole.graph = by_line
    params = RAW_PARAMS["adoption_page"]  # IMPLEMENTS into two campaigns, found in small pieces
    assert backend.run(lean, "adoption_page", **params) == backend.run(whole, "adoption_page", **params) != []
    lean.close()


@pytest.mark.parametrize("kept", ["nothing", "nodes", "one of each"])
def test_small_files_read_by_blocks_give_the_whole_graph(graph_file, tmp_path, kept):
    from graph.graph_file import save_graph

    full = load_graph(graph_file)
    g = full.copy()
    if kept == "nothing":
        g.clear()
    elif kept == "nodes":
        g.remove_edges_from(list(full.edges(keys=True)))
    else:  # one link of each type, with every node
        first = {}
        for u, v, k, d in full.edges(keys=True, data=True):
            first.setdefault(d["type"], (u, v, k))
        g.remove_edges_from([e for e in full.edges(keys=True) if e not in set(first.values())])
        assert g.number_of_edges() == len(first) >= 5
    path = tmp_path / "small.json"
    save_graph(g, path)
    store = NetworkxStore(path, read_only=True)
    assert store._rest is not None  # read by blocks
    assert sorted(store.graph.nodes(data=True), key=lambda t: t[0]) == sorted(g.nodes(data=True), key=lambda t: t[0])
    assert sorted((k, d) for _, _, k, d in store.graph.edges(keys=True, data=True)) == \
        sorted((k, d) for _, _, k, d in g.edges(keys=True, data=True))
    store.close()


def test_values_many_rows_repeat_are_held_once_in_memory(graph_file):
    """Ids of the nodes links join, document ids and types are one object each however many rows name
    them (what keeps a loaded graph a third smaller), whether the file is read whole or by blocks."""
    for g in (load_graph(graph_file), NetworkxStore(graph_file, read_only=True).graph):
        by_value: dict[str, set[int]] = {}
        for u, v, d in g.edges(data=True):
            assert d["start_id"] is u and d["end_id"] is v
            for k in ("type", "doc_id", "start_label"):
                if isinstance(d.get(k), str):
                    by_value.setdefault(d[k], set()).add(id(d[k]))
        assert len(by_value) > 10 and all(len(ids) == 1 for ids in by_value.values())


def test_rows_a_store_is_given_share_the_values_it_already_holds(tmp_path):
    store = NetworkxStore(tmp_path / "kg.json")
    build([str(SAMPLE_CORPUS)], store)
    g = store.graph
    assert all(d["start_id"] is u and d["end_id"] is v for u, v, d in g.edges(data=True))
    docs = {}
    for _, _, d in g.edges(data=True):
        if d.get("doc_id"):
            assert docs.setdefault(d["doc_id"], d["doc_id"]) is d["doc_id"]
    assert len(docs) == 5
    store.close()
