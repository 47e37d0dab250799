"""`fulian query …` in-process: parse, one library call, print."""

from __future__ import annotations

import csv
import io
import json

import pytest

import queries
from loaders.text_reuse import link_repeats
from fulian.cli import main
from graph.nx_store import NetworkxStore
from graph_samples import lineage_graph


@pytest.fixture
def graph_file(tmp_path, monkeypatch):
    path = tmp_path / "kg.json"
    store = NetworkxStore(path)
    store.write(lineage_graph())
    link_repeats(store)
    store.save()
    monkeypatch.setenv("FULIAN_GRAPH", str(path))
    return path


def run(capsys, *args):
    code = main(["query", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_help_documents_every_question_with_an_example(capsys):
    with pytest.raises(SystemExit):
        main(["query", "--help"])
    out = capsys.readouterr().out
    for q in ("lineage", "chain", "inherit", "text", "provenance", "coverage", "profile", "matrix", "top",
              "cascades"):
        assert f"fulian query {q}" in out


def test_lineage_table_json_csv(graph_file, capsys):
    code, out, _ = run(capsys, "lineage", "美家美妇")
    assert code == 0 and "湖南省妇联" in out and "2019" in out
    code, out, _ = run(capsys, "lineage", "美家美妇", "--format", "json", "--variants")
    page = json.loads(out)
    assert [r["year"] for r in page["rows"]] == [2019, 2021, 2022, 2022]
    assert (page["total"], page["offset"], page["limit"]) == (4, 0, 100)
    code, out, _ = run(capsys, "cascades", "--format", "csv", "--graph", str(graph_file))
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0].keys() == {"campaign", "kind", "federation", "level", "region_code", "year", "doc_id"}


@pytest.mark.parametrize("args,expect", [
    (("chain", "望城区妇联"), "全国妇联"),
    (("chain", "湖南省妇联", "--down"), "长沙市望城区妇联"),
    (("inherit", "岳阳市妇联", "--year", "2021"), "inherited"),
    (("text", "--kind", "sibling"), "湖南省妇联"),
    (("provenance", "岳阳市妇联", "IMPLEMENTS", "美家美妇"), "evidence"),
    (("coverage", "家家幸福安康工程", "--under", "湖南省妇联"), "document, no adoption"),
    (("coverage", "家家幸福安康工程", "--by-level"), "total_adopters"),
    (("profile", "常德市妇联"), "公安机关"),
    (("matrix",), "家家幸福安康工程"),
    (("matrix", "--format", "csv", "--kind", "law"), "federation,家庭教育促进法"),
    (("top", "--limit", "1"), "家家幸福安康工程"),
])
def test_each_question(graph_file, capsys, args, expect):
    code, out, err = run(capsys, *args)
    assert code == 0, err
    assert expect in out


def test_unknown_name_is_one_line_error_with_suggestions(graph_file, capsys):
    code, out, err = run(capsys, "lineage", "美家美夫")
    assert code == 1 and err.startswith("error: ") and "美家美妇" in err and err.count("\n") == 1


def test_missing_graph_file_says_how_to_build(tmp_path, capsys):
    code, _, err = run(capsys, "top", "--graph", str(tmp_path / "none.json"))
    assert code == 1 and "fulian build" in err


LIBRARY_ANSWERS = [  # (command line, the library call it stands for)
    (("lineage", "美家美妇", "--variants"), lambda s: queries.campaign_diffusion(s, "美家美妇", variants=True)),
    (("lineage", "家家幸福安康工程", "--first"),
     lambda s: queries.first_adopters(queries.campaign_diffusion(s, "家家幸福安康工程"))),
    (("chain", "望城区妇联"), lambda s: queries.leadership_chain(s, "望城区妇联")),
    (("chain", "湖南省妇联", "--down"), lambda s: queries.leadership_chain(s, "湖南省妇联", "down")),
    (("inherit", "岳阳市妇联", "--year", "2021"), lambda s: queries.agenda_inheritance(s, "岳阳市妇联", 2021)),
    (("text", "--kind", "sibling"), lambda s: queries.text_inheritance(s, None, kind="sibling")),
    (("provenance", "岳阳市妇联", "IMPLEMENTS", "美家美妇"),
     lambda s: queries.provenance(s, head="岳阳市妇联", rel_type="IMPLEMENTS", tail="美家美妇")),
    (("coverage", "家家幸福安康工程", "--under", "湖南省妇联"),
     lambda s: queries.coverage(s, "家家幸福安康工程", under="湖南省妇联")),
    (("coverage", "家家幸福安康工程", "--by-level"), lambda s: queries.adoption_counts(s, "家家幸福安康工程")),
    (("profile", "常德市妇联"), lambda s: queries.federation_profile(s, "常德市妇联")),
    (("top", "--limit", "0"), lambda s: queries.top_targets(s, limit=0)),
    (("cascades",), lambda s: queries.adoption_cascades(s)),
]


@pytest.mark.parametrize("args,ask", LIBRARY_ANSWERS, ids=[" ".join(a[0][:2]) for a in LIBRARY_ANSWERS])
def test_json_rows_are_the_librarys_answer(graph_file, capsys, args, ask):
    """Every row and every value the command prints is the library's (the CLI may leave columns out)."""
    code, out, err = run(capsys, *args, "--format", "json")
    assert code == 0, err
    printed = json.loads(out)
    if args[0] in ("lineage", "coverage"):  # paged: {"total", "offset", "limit", "rows"}
        assert printed["total"] == len(printed["rows"]) and printed["offset"] == 0
        printed = printed["rows"]
    store = NetworkxStore(graph_file, read_only=True)
    try:
        expected = json.loads(json.dumps(ask(store), ensure_ascii=False, default=str))
    finally:
        store.close()
    assert expected and len(printed) == len(expected)
    assert [{k: r[k] for k in printed[0]} for r in expected] == printed


def test_matrix_csv_is_the_librarys_matrix(graph_file, capsys):
    code, out, err = run(capsys, "matrix", "--kind", "law", "--value", "count", "--format", "csv")
    assert code == 0, err
    printed = list(csv.DictReader(io.StringIO(out)))
    store = NetworkxStore(graph_file, read_only=True)
    try:
        df = queries.coverage_matrix(store, "law", "count")
    finally:
        store.close()
    assert [r["federation"] for r in printed] == list(df.index)
    assert [{c: int(r[c]) for c in df.columns} for r in printed] == \
        [{c: int(v) for c, v in row.items()} for _, row in df.iterrows()]
