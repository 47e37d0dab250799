"""What users expect of the command's output: --version, ls, info, --limit, tables that fit 80 columns,
--columns, --format jsonl, --out, --format csv --excel, and export to GraphML, GEXF and CSV."""

from __future__ import annotations

import csv
import io
import json
from importlib.metadata import version

import networkx as nx
import pytest

from fulian.cli import main
from fulian.output import width
from queries.catalog import list_entities

# every question, with names of the sample corpus
QUESTIONS = [
    ("lineage", "美丽庭院"), ("chain", "长沙市望城区妇联"), ("inherit", "岳阳市妇联"), ("text",),
    ("provenance", "长沙市妇联", "IMPLEMENTS", "家家幸福安康工程"), ("coverage", "家家幸福安康工程"),
    ("profile", "常德市妇联"), ("matrix",), ("top",), ("cascades",),
]


@pytest.fixture
def sample(corpus_store, monkeypatch):
    monkeypatch.setenv("FULIAN_GRAPH", str(corpus_store.path))
    monkeypatch.setenv("COLUMNS", "80")
    return corpus_store


def run(capsys, *args):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.strip() == f"fulian-kg {version('fulian-kg')}"


@pytest.mark.parametrize("args", QUESTIONS, ids=[q[0] for q in QUESTIONS])
def test_every_question_fits_80_columns_and_takes_limit(sample, capsys, args):
    code, out, err = run(capsys, "query", *args)
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) >= 3 and max(width(line) for line in lines) <= 80, max(lines, key=width)
    code, out, err = run(capsys, "query", *args, "--limit", "1", "--format", "json")
    assert code == 0, err
    printed = json.loads(out)
    if args[0] in ("lineage", "coverage"):  # a page: {"total", "offset", "limit", "rows"}
        assert printed["limit"] == 1 and printed["total"] > 1
        printed = printed["rows"]
    assert len(printed) == 1
    code, out, err = run(capsys, "query", *args, "--format", "jsonl", "--limit", "2")
    assert code == 0 and [json.loads(line) for line in out.splitlines()] and len(out.splitlines()) <= 2


def test_tables_show_100_rows_unless_limit_says(sample, capsys):
    code, out, err = run(capsys, "query", "cascades")
    total = len(json.loads(run(capsys, "query", "cascades", "--format", "json")[1]))
    assert total > 100 and len(out.splitlines()) == 2 + 100
    assert f"note: 100 of {total:,} rows; --limit 0 for all" in err
    assert len(run(capsys, "query", "cascades", "--limit", "0")[1].splitlines()) == 2 + total


def test_columns_choose_and_order_and_unknown_is_a_usage_error(sample, capsys):
    code, out, _ = run(capsys, "query", "lineage", "美丽庭院", "--columns", "federation,year", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == ["federation", "year"] and len(rows) > 1
    code, _, err = run(capsys, "query", "lineage", "美丽庭院", "--columns", "federation,nope")
    assert code == 2 and err.startswith("error: --columns: no column nope; the columns are ") and "evidence" in err


def test_out_file_and_excel_csv(sample, capsys, tmp_path):
    out_file = tmp_path / "sub" / "lineage.csv"
    code, out, err = run(capsys, "query", "lineage", "美丽庭院", "--format", "csv", "--excel", "--out", out_file)
    assert code == 0 and out == "" and f"rows to {out_file}" in err
    raw = out_file.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # UTF-8 BOM and CRLF, as Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows and all(r["campaign"] == "美丽庭院" for r in rows)
    code, _, err = run(capsys, "query", "lineage", "美丽庭院", "--excel")
    assert code == 2 and "--excel goes with --format csv" in err


@pytest.mark.parametrize("kind,label", [("campaigns", "Campaign"), ("laws", "Law"), ("federations", "Federation"),
                                        ("persons", "Person"), ("departments", "Department"),
                                        ("documents", "Document")])
def test_ls_lists_every_node_of_a_kind(sample, capsys, kind, label):
    code, out, err = run(capsys, "ls", kind, "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert sorted(r["id"] for r in rows) == sorted(n["id"] for n in sample.nodes(label))
    code, out, _ = run(capsys, "ls", kind)
    assert code == 0 and max(width(line) for line in out.splitlines()) <= 80


def test_ls_match_and_what_campaigns_carry(sample, capsys):
    code, out, _ = run(capsys, "ls", "campaigns", "--match", "巾帼", "--format", "json")
    rows = json.loads(out)
    assert rows and all("巾帼" in r["name"] or any("巾帼" in a for a in r["aliases"]) for r in rows)
    top = json.loads(run(capsys, "query", "top", "--kind", "campaign", "--limit", "1", "--format", "json")[1])[0]
    first = list_entities(sample, "campaigns")[0]
    assert (first["name"], first["federations"], first["documents"]) == (top["name"], top["federations"],
                                                                          top["documents"])
    with pytest.raises(SystemExit) as usage:
        main(["ls", "nothing"])
    assert usage.value.code == 2 and "invalid choice: 'nothing'" in capsys.readouterr().err


def test_info_says_what_the_graph_holds(sample, capsys):
    code, out, _ = run(capsys, "info", sample.path)
    assert code == 0
    docs = sample.nodes("Document")
    assert f"documents: {len(docs)} (" in out and "written " in out and str(sample.path) in out
    counts = sample.counts()
    for label, n in counts["nodes"].items():
        assert any(line.split() == [label, str(n)] for line in out.splitlines()), label
    info = json.loads(run(capsys, "info", sample.path, "--json")[1])
    assert info["counts"] == counts and info["documents"] == len(docs)
    assert info["years"] == [min(d["year"] for d in docs), max(d["year"] for d in docs)]


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_reads_back_in_networkx(sample, capsys, tmp_path, fmt):
    path = tmp_path / f"kg.{fmt}"
    code, out, err = run(capsys, "export", "--format", fmt, "--out", path)
    assert code == 0, err
    g = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(path)
    counts = sample.counts()
    assert g.number_of_nodes() == sum(counts["nodes"].values())
    assert g.number_of_edges() == sum(counts["relationships"].values())
    wc = g.nodes["fed:长沙市望城区妇联"]
    if fmt == "gexf":  # GEXF shows the label: the name; the project's label is the kind
        assert wc["label"] == "长沙市望城区妇联" and wc["kind"] == "Federation"
    else:
        assert wc["label"] == "Federation" and wc["name"] == "长沙市望城区妇联"
    assert wc["level"] == "county"
    assert out.strip() == f"wrote {path}: {g.number_of_nodes():,} nodes, {g.number_of_edges():,} relationships"


def test_export_csv_and_labels(sample, capsys, tmp_path):
    code, out, _ = run(capsys, "export", "--format", "csv", "--out", tmp_path / "kg",
                       "--labels", "Federation,Campaign,Law")
    assert code == 0
    nodes = list(csv.DictReader(io.StringIO((tmp_path / "kg-nodes.csv").read_text(encoding="utf-8-sig"))))
    edges = list(csv.DictReader(io.StringIO((tmp_path / "kg-edges.csv").read_text(encoding="utf-8-sig"))))
    counts = sample.counts()["nodes"]
    assert len(nodes) == counts["Federation"] + counts["Campaign"] + counts["Law"]
    assert {e["type"] for e in edges} <= {"IMPLEMENTS", "LEADS", "COORDINATES", "VARIANT_OF"}
    assert sum(e["type"] == "VARIANT_OF" for e in edges) == sample.counts()["relationships"]["VARIANT_OF"]
    assert sum(e["type"] == "IMPLEMENTS" for e in edges) == sample.counts()["relationships"]["IMPLEMENTS"]
    code, _, err = run(capsys, "export", "--format", "csv", "--out", tmp_path / "x", "--labels", "Nope")
    assert code == 2 and "--labels: no label Nope" in err


@pytest.mark.neo4j
def test_ls_info_and_export_on_neo4j_match_the_embedded_graph(loaded_neo4j, corpus_store, capsys, tmp_path,
                                                              monkeypatch):
    monkeypatch.setenv("NEO4J_URI", loaded_neo4j.uri)
    for kind in ("campaigns", "federations", "persons", "departments", "documents"):
        assert list_entities(loaded_neo4j, kind) == list_entities(corpus_store, kind), kind
    code, out, _ = run(capsys, "info", "--backend", "neo4j", "--json")
    assert code == 0 and json.loads(out)["counts"] == corpus_store.counts()
    code, _, err = run(capsys, "export", "--backend", "neo4j", "--format", "graphml", "--out", tmp_path / "n.graphml")
    assert code == 0, err
    g = nx.read_graphml(tmp_path / "n.graphml")
    assert g.number_of_nodes() == sum(corpus_store.counts()["nodes"].values())
