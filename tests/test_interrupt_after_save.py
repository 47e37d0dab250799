"""Ctrl-C or SIGTERM while a command writes its result: held back until the write is done, after which
the command ends as finished (its file is whole and new); one that stops the write leaves the old file."""

import os
import signal

import pytest

import graph.graph_file as graph_file
import graph.nx_store as nx_store
from conftest import ROOT
from fulian import cli

SAMPLE = ROOT / "data" / "corpus"


def signal_inside_save(monkeypatch, sig, fail: bool = False):
    real = graph_file.save_graph

    def save(g, path):
        os.kill(os.getpid(), sig)  # pending while the save runs: nothing may interrupt it halfway
        if fail:
            raise graph_file.StoreError(f"{path}: disk full (test)")
        real(g, path)

    monkeypatch.setattr(nx_store, "save_graph", save)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_during_the_save_lands_after_it_and_the_build_counts_as_finished(tmp_path, monkeypatch, capsys, sig):
    out = tmp_path / "kg.json"
    signal_inside_save(monkeypatch, sig)
    code = cli.main(["build", str(SAMPLE), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == cli.EXIT_OK, err
    assert "the work is complete" in err
    store = nx_store.NetworkxStore(out, read_only=True)
    assert store.counts()["nodes"]["Document"] == len(list(SAMPLE.iterdir()))
    store.close()


def test_a_signal_during_a_save_that_fails_reports_the_failure_and_leaves_no_file(tmp_path, monkeypatch, capsys):
    out = tmp_path / "kg.json"
    signal_inside_save(monkeypatch, signal.SIGINT, fail=True)
    code = cli.main(["build", str(SAMPLE), "--out", str(out)])
    err = capsys.readouterr().err
    assert code not in (cli.EXIT_OK, cli.EXIT_INTERRUPTED), err
    assert "disk full (test)" in err and "complete" not in err
    assert not out.exists()


def test_a_later_command_is_not_taken_for_finished_by_an_earlier_save(tmp_path, monkeypatch, capsys):
    out = tmp_path / "kg.json"
    assert cli.main(["build", str(SAMPLE), "--out", str(out)]) == cli.EXIT_OK

    def interrupted(*_a, **_k):
        raise KeyboardInterrupt

    monkeypatch.setattr("loaders.pipeline.build", interrupted)
    assert cli.main(["build", str(SAMPLE), "--out", str(out)]) == cli.EXIT_INTERRUPTED
    assert "nothing half-written" in capsys.readouterr().err


def test_the_process_ignores_ctrl_c_once_its_exit_code_is_settled(tmp_path):
    """`fulian` (cli.run) ignores Ctrl-C and SIGTERM after `main` returns: the interpreter's shutdown,
    which resets any other handler to die by the signal, then ends with the command's own code."""
    import subprocess
    import sys

    script = ("import atexit, os, signal, sys, time\n"
              "from fulian import cli\n"
              "def late():\n"
              "    print('at exit:', signal.getsignal(signal.SIGINT) is signal.SIG_IGN,\n"
              "          signal.getsignal(signal.SIGTERM) is signal.SIG_IGN, flush=True)\n"
              "    os.kill(os.getpid(), signal.SIGINT)\n"
              "    time.sleep(0.2)\n"
              "atexit.register(late)\n"
              "sys.exit(cli.run())\n")
    out = subprocess.run([sys.executable, "-c", script, "build", str(SAMPLE), "--out", str(tmp_path / "kg.json")],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == cli.EXIT_OK, out.stderr
    assert "at exit: True True" in out.stdout
    assert "Traceback" not in out.stderr and "KeyboardInterrupt" not in out.stderr
