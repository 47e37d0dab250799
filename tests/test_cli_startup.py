"""`fulian query` starts without the heavy imports it does not use (pandas loads only for the matrix)."""

import subprocess
import sys

from conftest import ROOT

CODE = """
import sys
from fulian import cli
code = cli.main(sys.argv[1:])
print("pandas" in sys.modules, code)
"""


def run(*args):
    out = subprocess.run([sys.executable, "-c", CODE, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)
    return out.stdout.strip().splitlines()[-1], out.stderr


def test_lineage_and_coverage_questions_do_not_load_pandas(tmp_path):
    graph = tmp_path / "kg.json"
    subprocess.run([sys.executable, "-m", "fulian.cli", "build", "--out", str(graph)], cwd=ROOT, check=True,
                   capture_output=True, timeout=300)
    for question in (["lineage", "美丽庭院"], ["coverage", "美丽庭院"], ["chain", "长沙市望城区妇联"]):
        last, err = run("query", *question, "--graph", str(graph), "--format", "json", "--out", str(tmp_path / "o"))
        assert last == "False 0", (question, err)
    last, err = run("query", "matrix", "--graph", str(graph), "--format", "csv", "--out", str(tmp_path / "m.csv"))
    assert last == "True 0", err  # the matrix does need it: the check sees imports
