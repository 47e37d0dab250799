"""One writer at a time on a graph file or a Neo4j database; a second one stops with a clear message or waits."""

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from conftest import ROOT

CORPUS = ROOT / "data" / "corpus"
HOLD = ("import sys, time\n"
        "from graph.nx_store import NetworkxStore\n"
        "store = NetworkxStore(sys.argv[1])\n"
        "print('holding', flush=True)\n"
        "time.sleep(120)\n")


def cli(*args):
    return [sys.executable, "-m", "fulian.cli", *map(str, args)]


def holder(graph):
    """A process holding `graph` open for writing, as a long build does."""
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(graph)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "holding"
    return proc


def folder(tmp_path, name, *sources):
    d = tmp_path / name
    d.mkdir()
    for s in sources:
        shutil.copy(CORPUS / s, d / s)
    return d


def test_a_second_writer_stops_with_who_holds_the_file(tmp_path, monkeypatch):
    graph = tmp_path / "kg.json"
    docs = folder(tmp_path, "docs", "002_81c5735885d10893.txt")
    monkeypatch.delenv("FULIAN_LOCK_WAIT", raising=False)
    first = holder(graph)
    try:
        res = subprocess.run(cli("build", docs, "--out", graph), cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert res.returncode == 1
        line = res.stderr.strip()
        assert len(line.splitlines()) == 1 and "Traceback" not in line
        assert f"{graph} is being changed by another command (pid {first.pid}:" in line
        assert "FULIAN_LOCK_WAIT=SECONDS" in line
        assert not graph.exists()
    finally:
        first.kill()
        first.wait()
    # the holder was killed: its lock went with it
    res = subprocess.run(cli("build", docs, "--out", graph), cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr


def test_two_builds_into_one_file_both_count(tmp_path, monkeypatch):
    """Two terminals (or a cron job) building different folders into one graph: nothing is lost."""
    graph = tmp_path / "kg.json"
    a = folder(tmp_path, "a", "000_5dafcd77016e240b.txt")
    b = folder(tmp_path, "b", "003_96daabc8997adf99.txt")
    monkeypatch.setenv("FULIAN_LOCK_WAIT", "120")
    procs = [subprocess.Popen(cli("build", d, "--out", graph, "--json"), cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for d in (a, b)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [e for _, e in outs]
    assert [len(json.loads(o)["read"]) for o, _ in outs] == [1, 1]
    data = json.loads(graph.read_text(encoding="utf-8"))
    assert len([n for n in data["nodes"] if n["label"] == "Document"]) == 2


def test_a_waiting_writer_goes_on_when_the_holder_finishes(tmp_path, monkeypatch):
    graph = tmp_path / "kg.json"
    docs = folder(tmp_path, "docs", "002_81c5735885d10893.txt")
    monkeypatch.setenv("FULIAN_LOCK_WAIT", "60")
    first = holder(graph)
    waiting = subprocess.Popen(cli("build", docs, "--out", graph), cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    assert waiting.poll() is None  # still waiting
    first.kill()
    first.wait()
    _, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err


def test_bad_wait_setting_is_one_line(tmp_path, monkeypatch, capsys):
    from fulian.cli import main

    monkeypatch.setenv("FULIAN_LOCK_WAIT", "soon")
    assert main(["build", str(CORPUS / "002_81c5735885d10893.txt"), "--out", str(tmp_path / "kg.json")]) == 1
    assert capsys.readouterr().err.strip() == ("error: FULIAN_LOCK_WAIT='soon' is not a number of seconds: set it to how long "
                                  "a writer may wait for another to finish (0: stop at once)")


def test_the_same_process_may_open_a_file_twice_and_holds_it_until_the_last_close(tmp_path, monkeypatch):
    from graph.nx_store import NetworkxStore

    monkeypatch.delenv("FULIAN_LOCK_WAIT", raising=False)
    graph = tmp_path / "kg.json"
    other = [sys.executable, "-c", "import sys; from graph.nx_store import NetworkxStore; NetworkxStore(sys.argv[1])",
             str(graph)]
    a = NetworkxStore(graph)
    b = NetworkxStore(graph)  # no refusal within one process
    b.close()
    res = subprocess.run(other, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert res.returncode != 0 and "is being changed by another command" in res.stderr
    a.close()
    assert subprocess.run(other, cwd=ROOT, capture_output=True, text=True, timeout=60).returncode == 0


@pytest.mark.neo4j
def test_a_second_load_into_one_database_stops(loaded_neo4j, corpus_store, tmp_path, monkeypatch):
    from graph.lock import database_lock

    monkeypatch.setenv("FULIAN_LOCK_DIR", str(tmp_path / "locks"))
    monkeypatch.delenv("FULIAN_LOCK_WAIT", raising=False)
    before = loaded_neo4j.counts()
    with database_lock(loaded_neo4j.uri, loaded_neo4j.database):  # this process is loading
        res = subprocess.run(cli("load", "--graph", corpus_store.path, "--replace"), cwd=ROOT,
                             capture_output=True, text=True, timeout=120,
                             env=dict(os.environ, NEO4J_URI=loaded_neo4j.uri))
    assert res.returncode == 1, res.stdout
    assert f"Neo4j database 'neo4j' at {loaded_neo4j.uri} is being changed by another command" in res.stderr
    assert loaded_neo4j.counts() == before
