"""Processes of a build: workers end with their parent, a killed save leaves nothing behind, --jobs is checked."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT

CORPUS = ROOT / "data" / "corpus"


def fulian(*args, **kw):
    return subprocess.run([sys.executable, "-m", "fulian.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300, **kw)


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def many_documents(folder: Path, copies: int) -> Path:
    folder.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    for i in range(copies):
        for j, text in enumerate(texts):
            (folder / f"{i:03d}_{j}.txt").write_text(text + f"\n附：第{i}份。\n", encoding="utf-8")
    return folder


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["TERM", "KILL"])
def test_workers_die_with_their_parent(tmp_path, sig):
    docs = many_documents(tmp_path / "docs", 40)
    out, log = tmp_path / "kg.json", tmp_path / "stderr.txt"
    with open(log, "w") as err:  # a file, not a pipe: workers that outlive the parent would hold a pipe open
        proc = subprocess.Popen([sys.executable, "-m", "fulian.cli", "build", docs, "--out", out, "--jobs", "2"],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.05)
            workers = children(proc.pid)
        assert len(workers) >= 2, "the build never started its two workers"
        proc.send_signal(sig)
        proc.wait(timeout=60)
        deadline = time.monotonic() + 10
        while any(alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [w for w in workers if alive(w)], "workers outlived their parent"
    finally:
        if proc.poll() is None:
            proc.kill()
        for w in workers:  # leave no orphan behind when the test fails
            if alive(w):
                os.kill(w, signal.SIGKILL)
    if sig == signal.SIGTERM:
        text = log.read_text()
        assert proc.returncode == 143 and "interrupted: nothing half-written" in text
        assert "Traceback" not in text
    assert not out.exists()  # stopped before the save: nothing written


def test_temp_file_of_a_killed_save_is_removed_by_the_next_build(tmp_path):
    out = tmp_path / "kg.json"
    assert fulian("build", CORPUS / "002_81c5735885d10893.txt", "--out", out).returncode == 0
    before = out.read_bytes()
    # a save that stalls after its first bytes, killed with SIGKILL while its temp file is open
    stall = ("import sys, time; from graph import graph_file, nx_store\n"
             "graph_file._write_rows = lambda fh, rows: (fh.write('{'), fh.flush(), time.sleep(120))\n"
             "nx_store.NetworkxStore(sys.argv[1]).save()\n")
    proc = subprocess.Popen([sys.executable, "-c", stall, out], cwd=ROOT)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".kg.json.*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.kill()
    proc.wait()
    left = list(tmp_path.glob(".kg.json.*.tmp"))
    assert left and str(proc.pid) in left[0].name
    assert out.read_bytes() == before  # the graph file itself is whole
    res = fulian("build", CORPUS / "003_96daabc8997adf99.txt", "--out", out)
    assert res.returncode == 0, res.stderr
    assert not list(tmp_path.glob(".kg.json.*.tmp"))


def test_a_live_writers_temp_file_is_kept(tmp_path):
    from graph.graph_file import remove_stale_temps

    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = tmp_path / f".kg.json.{sleeper.pid}.abcd1234.tmp"
        live.write_text("{")
        other = tmp_path / ".other.json.1.abcd1234.tmp"  # another file's temp: not ours to judge
        other.write_text("{")
        assert remove_stale_temps(tmp_path / "kg.json") == []
        assert live.exists() and other.exists()
    finally:
        sleeper.kill()
        sleeper.wait()
    assert remove_stale_temps(tmp_path / "kg.json") == [live]


@pytest.mark.parametrize("value, message", [("0", "0 is not at least 1"), ("-3", "-3 is not at least 1"),
                                            ("abc", "'abc' is not a whole number")])
def test_jobs_below_one_is_a_usage_error(tmp_path, value, message, capsys):
    from fulian.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["build", "--jobs", value, "--out", str(tmp_path / "kg.json")])
    assert stop.value.code == 2
    assert f"argument --jobs: {message}" in capsys.readouterr().err
    assert not (tmp_path / "kg.json").exists()


def test_jobs_above_the_cores_is_capped_with_a_note(tmp_path, capsys):
    from fulian.cli import main

    cores = len(os.sched_getaffinity(0))
    assert main(["build", str(CORPUS / "002_81c5735885d10893.txt"), "--jobs", str(cores + 30),
                 "--out", str(tmp_path / "kg.json")]) == 0
    assert f"note: --jobs {cores + 30} is more than the {cores} CPU cores; using {cores}" in capsys.readouterr().err


def test_jobs_default_to_every_core_this_process_may_use():
    """Not at most 2: one worker per core of the affinity mask (a container's cpuset, taskset)."""
    from loaders.pipeline import default_jobs

    assert default_jobs() == len(os.sched_getaffinity(0))
    code = ("import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
            "from loaders.pipeline import default_jobs, capped_jobs; print(default_jobs(), capped_jobs(3)[0])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "1"]


def test_the_parents_objects_stay_frozen_only_while_its_workers_run():
    """Forked workers share the parent's objects; the collector leaves them alone (no copied pages)
    while the pool lives, and collects them normally once it is closed."""
    import gc

    from loaders.pipeline import Workers

    workers = Workers(2)
    results = workers.map(abs, [-1, -2, -3])
    assert gc.get_freeze_count() > 0
    assert list(results) == [1, 2, 3]
    workers.close()
    assert gc.get_freeze_count() == 0


def _collector_on(_item):
    import gc

    return gc.isenabled()


def test_a_build_pauses_the_cycle_collector_but_its_workers_keep_theirs(tmp_path):
    """Rows hold no cycles: the build's own process runs without the collector (it walked the whole graph
    over and over), each extraction worker with it, and the collector is back afterwards."""
    import gc

    from graph import collector
    from graph.nx_store import NetworkxStore
    from loaders.pipeline import Workers, build

    with collector.paused():
        assert not gc.isenabled()
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # an inner pause leaves the outer one paused
        workers = Workers(2)
        assert list(workers.map(_collector_on, [1, 2, 3])) == [True, True, True]
        workers.close()
    assert gc.isenabled()
    seen = []
    store = NetworkxStore(tmp_path / "kg.json")
    build([CORPUS], store, jobs=2, stage=lambda _message: seen.append(gc.isenabled()))
    assert seen == [False, False] and gc.isenabled()  # corpus pass, text reuse
    store.close()


def test_a_question_on_the_embedded_store_keeps_the_collector_off_the_graph(corpus_store):
    """Rows read from a graph file are set aside from the cycle collector (gc.freeze), and an embedded
    statement runs with the collector off: at 100,000 documents its walks of the graph doubled a
    question's p95. Run in a process of its own, which holds nothing frozen before."""
    corpus_store.save()
    code = (
        "import gc, sys\n"
        "from graph.nx_store import NetworkxStore\n"
        "from queries import campaign_diffusion, nx_queries\n"
        "seen = []\n"
        "real = nx_queries.QUERIES['adoption_list']\n"
        "nx_queries.QUERIES['adoption_list'] = lambda g, **kw: seen.append(gc.isenabled()) or real(g, **kw)\n"
        "assert gc.get_freeze_count() == 0\n"
        "store = NetworkxStore(sys.argv[1], read_only=True)\n"
        "rows = campaign_diffusion(store, '美丽庭院')\n"
        "print(len(rows), gc.get_freeze_count() > 0, seen, gc.isenabled())\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(corpus_store.path)], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    count, frozen, seen, enabled = out.stdout.split(maxsplit=3)
    assert int(count) > 0 and frozen == "True"
    assert seen.strip() == "[False]" and enabled.strip() == "True"
