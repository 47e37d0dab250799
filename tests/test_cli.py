"""The `fulian` command end to end, as a user runs it (real files, real subprocess)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

CORPUS = ROOT / "data" / "corpus"


def fulian(*args, cwd=None, env_extra=None):
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "fulian.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or ROOT, env=env, timeout=600)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("build") / "kg.json"
    res = fulian("build", "--out", out)
    return res, out


def test_build_sample_corpus_prints_summary_and_writes_graph(built):
    res, out = built
    assert res.returncode == 0, res.stderr
    assert "documents read: 5, unchanged: 0, rejected: 0" in res.stdout
    for label in ("Federation", "Campaign", "Law", "Document", "Passage"):
        assert f"\n{label} " in res.stdout
    assert "IMPLEMENTS" in res.stdout and "LEADS" in res.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["nodes"]) > 100 and len(data["edges"]) > 100


def test_rebuild_skips_unchanged_documents(built, tmp_path):
    res, out = built
    copy = tmp_path / "kg.json"
    copy.write_bytes(out.read_bytes())
    again = fulian("build", "--out", copy, "--json")
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert len(report["unchanged"]) == 5 and report["read"] == []
    assert json.loads(copy.read_text(encoding="utf-8")) == json.loads(out.read_text(encoding="utf-8"))


def test_missing_path_is_one_clear_line(tmp_path):
    res = fulian("build", tmp_path / "nope", "--out", tmp_path / "kg.json")
    assert res.returncode == 1
    assert res.stderr.strip().startswith("error: nothing built:")
    assert "nope: no such file or directory" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "kg.json").exists()


def test_empty_folder(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    res = fulian("build", empty, "--out", tmp_path / "kg.json")
    assert res.returncode == 1
    assert f"no documents found in {empty}" in res.stderr
    assert not (tmp_path / "kg.json").exists()


def test_non_text_file_is_rejected_and_the_rest_proceeds(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes((CORPUS / "002_81c5735885d10893.txt").read_bytes())
    (folder / "bad.txt").write_bytes(bytes(range(256)) * 40)
    res = fulian("build", folder, "--out", tmp_path / "kg.json")
    assert res.returncode == 3, res.stderr
    assert "documents read: 1, unchanged: 0, rejected: 1" in res.stdout
    assert "bad.txt" in res.stdout and "binary" in res.stdout
    assert (tmp_path / "kg.json").exists()


def test_only_a_bad_file_builds_nothing(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    res = fulian("build", bad, "--out", tmp_path / "kg.json")
    assert res.returncode == 1
    assert "bad.txt" in res.stderr and "binary" in res.stderr


def test_help_texts():
    res = fulian("--help")
    assert res.returncode == 0 and "fulian build" in res.stdout and "exit codes" in res.stdout
    for cmd in ("build", "eval", "load", "neo4j", "schema"):
        sub = fulian(cmd, "--help")
        assert sub.returncode == 0 and "usage: fulian " + cmd in sub.stdout


def test_usage_error_exit_code():
    res = fulian("frobnicate")
    assert res.returncode == 2 and "invalid choice" in res.stderr


def test_bad_graph_file_for_load_names_the_remedy(tmp_path):
    res = fulian("load", "--graph", tmp_path / "missing.json", env_extra={"NEO4J_URI": "bolt://127.0.0.1:1"})
    assert res.returncode == 1
    assert "error:" in res.stderr


def test_schema_command():
    res = fulian("schema")
    assert res.returncode == 0 and "| IMPLEMENTS |" in res.stdout


def test_eval_scores_several_gold_folders_together():
    dev = ROOT / "tests" / "fixtures" / "devset"
    one = [json.loads(fulian("eval", dev / b / "gold", "--json").stdout)["scores"]["strict"]["all"] for b in "ab"]
    both = fulian("eval", dev / "a" / "gold", dev / "b" / "gold", "--json")
    assert both.returncode == 0, both.stderr
    total = json.loads(both.stdout)["scores"]["strict"]["all"]
    for k in ("tp", "fp", "fn"):
        assert total[k] == one[0][k] + one[1][k]
    assert "using manifest" in both.stderr and str(dev / "b" / "manifest.csv") in both.stderr
    refused = fulian("eval", dev / "a" / "gold", dev / "b" / "gold", "--docs", dev / "a" / "corpus")
    assert refused.returncode == 2 and "--docs names the documents of one GOLD_DIR" in refused.stderr
