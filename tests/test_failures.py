"""The ways a command used to end in a traceback or a wrong remedy: each is one clear line and a
documented exit code now (real processes, real files)."""

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT

CORPUS = ROOT / "data" / "corpus"
DOC = CORPUS / "002_81c5735885d10893.txt"


def fulian(*args, env_extra=None, cwd=ROOT, **kw):
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "fulian.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=300, **kw)


def in_process(capsys, *args) -> tuple[int, str, str]:
    """`fulian ARGS` run by its main() in this process (for the cases that need no process of their own)."""
    from fulian.cli import main

    try:
        code = main([str(a) for a in args])
    except SystemExit as e:  # argparse
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


def one_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    out = tmp_path_factory.mktemp("graph") / "kg.json"
    assert fulian("build", DOC, "--out", out).returncode == 0
    return out


def test_output_into_a_closed_pipe_is_exit_141_and_the_graph_is_saved(tmp_path):
    out = tmp_path / "kg.json"
    proc = subprocess.Popen([sys.executable, "-m", "fulian.cli", "build", DOC, "--out", str(out)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.stdout.close()  # like `| head -0`: the reader is gone before the summary is printed
    err = proc.stderr.read()
    assert proc.wait(timeout=300) == 141
    assert err == ""
    assert json.loads(out.read_text(encoding="utf-8"))["nodes"]


def test_a_terminal_that_cannot_show_chinese_gets_escapes_and_a_note(graph):
    res = fulian("query", "chain", "常德市妇联", "--graph", graph, env_extra={"PYTHONIOENCODING": "latin-1"})
    assert res.returncode == 0
    assert "\\u5e38\\u5fb7\\u5e02\\u5987\\u8054" in res.stdout  # 常德市妇联
    assert one_line(res.stderr).startswith("note: the terminal's encoding cannot show Chinese")
    assert "LANG=C.UTF-8" in res.stderr


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="needs RLIMIT_FSIZE")
def test_a_full_disk_at_the_save_is_one_line_and_the_old_graph_stays(tmp_path, graph):
    out = tmp_path / "kg.json"
    shutil.copy(graph, out)
    before = out.read_bytes()
    limit = len(before) + 1000  # the new graph is larger: its temp file hits the limit, as on a full disk

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write then fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    warm = fulian("build", DOC, "--out", tmp_path / "warm.json")  # caches (jieba's) written without the limit
    assert warm.returncode == 0, warm.stderr
    res = fulian("build", DOC, CORPUS / "003_96daabc8997adf99.txt", "--out", out, preexec_fn=small_files)
    assert res.returncode == 1, res.stdout
    line = one_line(res.stderr)
    assert line.startswith(f"error: cannot write {out}: file too large for the file system or the size limit;")
    assert "the graph file is as it was before" in line
    assert out.read_bytes() == before
    assert not list(tmp_path.glob(".kg.json.*.tmp"))


def test_view_into_a_folder_says_so(graph, tmp_path, capsys):
    code, _, err = in_process(capsys, "view", "hierarchy", "--graph", graph, "--out", tmp_path)
    assert code == 1
    assert one_line(err) == f"error: --out {tmp_path} is a folder: give the page a file name, " \
                            f"e.g. --out {tmp_path / 'hierarchy.html'}"


def test_build_into_a_folder_says_so(tmp_path, capsys):
    code, _, err = in_process(capsys, "build", DOC, "--out", tmp_path)
    assert code == 1
    assert "is a folder, not a graph file" in one_line(err)


def test_a_node_without_an_id_names_the_record_and_a_remedy_that_works(graph, tmp_path, capsys):
    bad = tmp_path / "kg.json"
    data = json.loads(graph.read_text(encoding="utf-8"))
    del data["nodes"][3]["id"]
    bad.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, _, err = in_process(capsys, "query", "chain", "常德市妇联", "--graph", bad)
    assert code == 1
    assert one_line(err) == (f"error: {bad}: not a fulian graph file (node 4 has no id); move it aside "
                                    f"(or delete it) and run `fulian build --out {bad}` to build it anew")


def test_a_truncated_graph_file_gives_a_remedy_that_works(graph, tmp_path):
    bad = tmp_path / "kg.json"
    data = graph.read_bytes()
    bad.write_bytes(data[:data.rfind(b"\n", 0, 5000) + 1])  # a save cut short by a crash of the disk
    res = fulian("build", DOC, "--out", bad)
    assert res.returncode == 1
    line = one_line(res.stderr)
    assert "cut short or damaged" in line and "move it aside (or delete it)" in line
    bad.rename(tmp_path / "kg.json.damaged")  # what the message says to do
    assert fulian("build", DOC, "--out", bad).returncode == 0


def test_a_bad_size_limit_is_said_once(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("FULIAN_MAX_FILE_MB", "abc")
    code, _, err = in_process(capsys, "build", CORPUS, "--out", tmp_path / "kg.json")
    assert code == 1
    assert one_line(err) == ("error: invalid FULIAN_MAX_FILE_MB='abc' (must be a positive number of MB): "
                                    "unset it, or set it to a size such as FULIAN_MAX_FILE_MB=50")


def test_documents_in_formats_to_convert_are_listed_as_rejected(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(DOC, folder / "good.txt")
    for ext in (".doc", ".wps", ".rtf", ".odt"):
        (folder / f"old{ext}").write_bytes(b"\xd0\xcf\x11\xe0 not read")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")  # not a document: skipped silently
    code, out, _ = in_process(capsys, "build", folder, "--out", tmp_path / "kg.json", "--json")
    assert code == 3
    rejected = {Path(r["path"]).name: r["reason"] for r in json.loads(out)["rejected"]}
    assert sorted(rejected) == ["old.doc", "old.odt", "old.rtf", "old.wps"]
    assert all(r.endswith("; save it as .docx") for r in rejected.values())


def test_control_characters_in_file_names_are_escaped(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(DOC, folder / "good.txt")
    (folder / "evil\x1b[2J\n\u202e.txt").write_bytes(b"\x00\x01\x02" * 50)
    res = fulian("build", folder, "--out", tmp_path / "kg.json")
    assert res.returncode == 3
    assert "\x1b" not in res.stdout + res.stderr and "\u202e" not in res.stdout
    assert "evil\\x1b[2J\\x0a\\u202e.txt" in res.stdout
    res = fulian("build", folder / "evil\x1b[2J\n\u202e.txt", "--out", tmp_path / "kg2.json")
    assert res.returncode == 1 and "evil\\x1b[2J\\x0a\\u202e.txt" in one_line(res.stderr)


def test_an_installed_package_finds_its_sample_corpus(tmp_path):
    """`pip install .` (not -e): the wheel carries the sample corpus and `fulian build` builds it, and
    the views' assets, so `fulian view` draws."""
    source = tmp_path / "source"  # a copy: building in the checkout would leave build/ behind
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".venv", ".git", "tests", "tools", "notebooks",
                                                                 "benchmarks", "build", "*.egg-info", "__pycache__"))
    wheels = tmp_path / "wheels"
    res = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)],
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    wheel = next(wheels.glob("fulian_kg-*.whl"))
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as zf:
        assert "fulian_sample/corpus/002_81c5735885d10893.txt" in zf.namelist()
        zf.extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"PYTHONPATH": str(site)}
    probe = subprocess.run([sys.executable, "-c", "import loaders.pipeline as p; print(p.__file__); print(p.SAMPLE_CORPUS)"],
                           capture_output=True, text=True, cwd=elsewhere, env=dict(os.environ, **env), timeout=120)
    module, corpus = probe.stdout.split()
    assert module.startswith(str(site)) and corpus == str(site / "fulian_sample" / "corpus")
    res = fulian("build", "--out", "kg.json", env_extra=env, cwd=elsewhere)
    assert res.returncode == 0, res.stderr
    assert "documents read: 5, unchanged: 0, rejected: 0" in res.stdout
    res = fulian("view", "hierarchy", "--graph", "kg.json", "--out", "h.html", env_extra=env, cwd=elsewhere)
    assert res.returncode == 0, res.stderr  # the views package finds its assets (vis-network, page scripts)
    assert "vis-network" in (elsewhere / "h.html").read_text(encoding="utf-8")
