"""The research notebooks (notebooks/*.ipynb): stored without outputs, and each runs top to bottom.

Each notebook is executed with nbclient in a kernel of the Python running the tests, against the
real Neo4j holding exactly the sample corpus (`loaded_neo4j`) and the embedded graph file built by
`corpus_store`; the connection reaches the kernel through NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD,
FULIAN_GRAPH and FULIAN_BACKEND=neo4j (so a notebook cannot silently fall back to the embedded
store). Without a server the Neo4j runs are skipped, and fail in CI (CI=true), as the fixture does.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
REQUIRED = ("01_getting_started.ipynb", "02_diffusion.ipynb", "03_network.ipynb")
CELL_TIMEOUT = 300  # seconds per cell
KERNEL_NAME = "fulian-notebook-test"

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")


def _ids(paths):
    return [p.stem for p in paths]


@pytest.fixture(scope="session")
def kernel_dir(tmp_path_factory):
    """A Jupyter data dir with a kernelspec that starts *this* Python (the venv's), whatever is on PATH."""
    from ipykernel.kernelspec import write_kernel_spec

    data_dir = tmp_path_factory.mktemp("jupyter")
    write_kernel_spec(data_dir / "kernels" / KERNEL_NAME,
                      overrides={"display_name": "fulian tests", "argv": [sys.executable, "-m", "ipykernel_launcher",
                                                                          "-f", "{connection_file}"]})
    return data_dir


def _execute(path: Path, monkeypatch, kernel_dir: Path, env: dict[str, str]):
    """Run the notebook at `path` with `env` in the kernel's environment; returns the executed notebook."""
    from nbclient import NotebookClient

    monkeypatch.setenv("JUPYTER_PATH", str(kernel_dir))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name=KERNEL_NAME, allow_errors=False,
                            resources={"metadata": {"path": str(NOTEBOOK_DIR)}})
    client.execute()
    return nb


def _errors(nb) -> list[str]:
    out = []
    for i, cell in enumerate(nb.cells):
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                out.append(f"cell {i}: {o.get('ename')}: {o.get('evalue')}")
            elif o.get("output_type") == "stream" and o.get("name") == "stderr" and "Traceback" in o.get("text", ""):
                out.append(f"cell {i}: traceback on stderr: {o['text'][:500]}")
    return out


def _text(nb) -> str:
    parts = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                parts.append(o.get("text", ""))
            parts.append(o.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def _cypher_outputs(nb) -> list[tuple[int, list[str]]]:
    """(cell index, the HTML each output holds) for every %%cypher cell."""
    out = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and cell.source.startswith("%%cypher"):
            out.append((i, [o.get("data", {}).get("text/html", "") for o in cell.get("outputs", [])]))
    return out


def test_required_notebooks_exist():
    names = {p.name for p in NOTEBOOKS}
    missing = [n for n in REQUIRED if n not in names]
    assert not missing, f"missing notebooks: {missing}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    dirty = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, f"{path.name}: code cells {dirty} have stored outputs or execution counts (clear them)"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    assert any(c.cell_type == "markdown" for c in nb.cells)
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert "widgets" not in raw.get("metadata", {}), f"{path.name}: stored widget state"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_runs_on_neo4j(path, loaded_neo4j, corpus_store, kernel_dir, monkeypatch):
    from neo4j_fixture import neo4j_settings

    uri, user, password = neo4j_settings()
    nb = _execute(path, monkeypatch, kernel_dir, {
        "NEO4J_URI": loaded_neo4j.uri, "NEO4J_USER": user, "NEO4J_PASSWORD": password,
        "NEO4J_DATABASE": loaded_neo4j.database, "FULIAN_GRAPH": str(corpus_store.path),
        "FULIAN_BACKEND": "neo4j",
    })
    assert not _errors(nb), _errors(nb)
    text = _text(nb)
    assert "Traceback" not in text
    cells = _cypher_outputs(nb)
    assert cells, f"{path.name} has no %%cypher cell"
    for i, htmls in cells:  # a DataFrame table, or the drawing of --graph
        assert any("<table" in h or ("<iframe srcdoc=" in h and "vis-network" in h) for h in htmls), (i, htmls)
    assert "%%cypher skipped" not in text
    if path.name.startswith("01_"):
        assert "connected to Neo4j" in text
        assert "Neo4j holds the same graph as the embedded file: True" in text
    else:
        assert f"reading Neo4j at {loaded_neo4j.uri}" in text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_runs_embedded_building_missing_graph(path, tmp_path, kernel_dir, monkeypatch):
    """No server and no graph file yet: the notebook builds the sample corpus and runs on the embedded store."""
    graph_file = tmp_path / "new" / "kg.json"
    nb = _execute(path, monkeypatch, kernel_dir, {"FULIAN_GRAPH": str(graph_file), "FULIAN_BACKEND": "embedded"})
    assert not _errors(nb), _errors(nb)
    assert graph_file.exists()
    text = _text(nb)
    assert "building the sample corpus" in text
    assert "%%cypher skipped" in text and all(not any(h) for _, h in _cypher_outputs(nb))
    if path.name.startswith("01_"):
        assert "no Neo4j server" in text
    else:
        assert "reading the embedded graph" in text


def test_getting_started_falls_back_when_neo4j_unreachable(corpus_store, kernel_dir, monkeypatch):
    """FULIAN_BACKEND=auto and no server answering: the first notebook says so and runs on the embedded store."""
    nb = _execute(NOTEBOOK_DIR / "01_getting_started.ipynb", monkeypatch, kernel_dir, {
        "NEO4J_URI": "bolt://127.0.0.1:9", "NEO4J_PASSWORD": "not-a-password",
        "FULIAN_GRAPH": str(corpus_store.path), "FULIAN_BACKEND": "auto",
    })
    assert not _errors(nb), _errors(nb)
    text = _text(nb)
    assert "Neo4j not available at bolt://127.0.0.1:9" in text
    assert "no Neo4j server" in text
    assert "%%cypher cells will be skipped: `neo_store` is None, not Neo4j" in text


# -- the %%cypher magic, in a real kernel against the real Neo4j ------------------------------

def _magic_notebook(path: Path, cells: list[tuple[str, bool]]) -> Path:
    """A notebook of code cells; (source, True) marks a cell expected to fail."""
    from nbformat.v4 import new_code_cell, new_notebook

    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
    for source, fails in cells:
        nb.cells.append(new_code_cell(source, metadata={"tags": ["raises-exception"]} if fails else {}))
    nbformat.write(nb, path)
    return path


def _check_inline_drawing(output: str, tmp_path: Path, nodes: int, edges: int) -> None:
    """The page inside an <iframe srcdoc> output draws in headless Chromium, offline."""
    import html
    import re

    from browser import open_page

    page = html.unescape(re.match(r'<iframe srcdoc="([^"]*)"', output).group(1))
    (tmp_path / "inline.html").write_text(page, encoding="utf-8")
    report = open_page(tmp_path / "inline.html")
    assert report.stabilized == "1" and (report.node_count, report.edge_count) == (nodes, edges)
    assert report.errors == [] and report.remote_requests() == []


def _error(cell) -> dict:
    errors = [o for o in cell.outputs if o.get("output_type") == "error"]
    assert len(errors) == 1, cell.outputs
    return errors[0]


def test_cypher_magic_runs_reads_parameters_draws_and_fails_in_one_line(loaded_neo4j, tmp_path, kernel_dir,
                                                                         monkeypatch):
    from neo4j_fixture import neo4j_settings

    _, user, password = neo4j_settings()
    before = loaded_neo4j.counts()
    path = _magic_notebook(tmp_path / "magic.ipynb", [
        ("%load_ext fulian.notebook", False),
        ("import numpy as np\nname = '长沙市妇联'\nyears = np.array([2021, 2022])", False),
        ("%%cypher --out df\nMATCH (f:Federation {name: $name})-[r:IMPLEMENTS]->(c:Campaign)\n"
         "WHERE r.year IN $years  // $not_a_parameter in a comment\n"
         "RETURN f AS fed, c.name AS campaign, r.year AS year, '$nor_in_a_string' AS s ORDER BY year, campaign", False),
        ("print(type(df).__name__, len(df), sorted(set(df['year'])), df.loc[0, 'fed']['label'], df.loc[0, 'fed']['name'])",
         False),
        ("%cypher MATCH (f:Federation) RETURN count(f) AS federations", False),
        ("%%cypher --graph --out drawn\nMATCH p = (:Federation)-[:LEADS]->(:Federation {name: $name}) RETURN p", False),
        ("print(drawn.node_count, drawn.edge_count)", False),
        ("%%cypher\nMATCH (f:Federation)\nRETRN f", True),
        ("%%cypher\nMATCH (f:Federation {name: $nobody}) RETURN f", True),
        ("%%cypher\nCREATE (x:Campaign {id: 'campaign:x', name: 'x'}) RETURN x", True),
        ("%%cypher\nMATCH (f:Federation) CALL { WITH f MERGE (g:Campaign {id: 'campaign:y'}) } RETURN 1", True),
        ("%cypher --connect bolt://127.0.0.1:9", True),
    ])
    nb = _execute(path, monkeypatch, kernel_dir, {
        "NEO4J_URI": loaded_neo4j.uri, "NEO4J_USER": user, "NEO4J_PASSWORD": password,
        "NEO4J_DATABASE": loaded_neo4j.database})
    c = nb.cells
    table = c[2].outputs[0]["data"]
    assert "<table" in table["text/html"] and "家家幸福安康工程" in table["text/html"]
    expected = loaded_neo4j.read("MATCH (f:Federation {name: $n})-[r:IMPLEMENTS]->(c:Campaign) "
                                 "WHERE r.year IN [2021, 2022] RETURN r.year AS y", {"n": "长沙市妇联"})
    assert expected
    assert c[3].outputs[0]["text"].strip() == (
        f"DataFrame {len(expected)} {sorted({r['y'] for r in expected})} Federation 长沙市妇联")
    count = loaded_neo4j.read("MATCH (f:Federation) RETURN count(f) AS n")[0]["n"]
    assert f">{count}<" in c[4].outputs[0]["data"]["text/html"]
    drawing = c[5].outputs[0]["data"]["text/html"]
    assert drawing.startswith("<iframe srcdoc=") and "vis-network" in drawing
    assert c[6].outputs[0]["text"].strip() == "2 1"  # 湖南省妇联 -LEADS-> 长沙市妇联
    _check_inline_drawing(drawing, tmp_path, nodes=2, edges=1)
    messages = {}
    for i in range(7, 12):
        err = _error(c[i])
        assert err["ename"] == "CypherCellError" and len(err["traceback"]) == 1, err  # one line, no traceback
        assert "\n" not in err["evalue"] and err["traceback"][0] == f"CypherError: {err['evalue']}"
        messages[i] = err["evalue"]
    assert messages[7].startswith("Cypher syntax error at line 3 of the cell, column 1: Invalid input 'RETRN'")
    assert "the notebook has no variable of that name" in messages[8] and "$nobody" in messages[8]
    assert messages[9].startswith("the query is read-only: 'CREATE'")
    assert messages[10].startswith("the query is read-only: 'MERGE'")
    assert messages[11].startswith("Neo4j is not reachable at bolt://127.0.0.1:9") and "fulian neo4j up" in messages[11]
    assert loaded_neo4j.counts() == before


def test_cypher_magic_server_side_read_only(loaded_neo4j, tmp_path, kernel_dir, monkeypatch):
    """A write the up-front check cannot see (inside a procedure's string) is refused by the READ session."""
    from neo4j_fixture import neo4j_settings

    _, user, password = neo4j_settings()
    before = loaded_neo4j.counts()
    path = _magic_notebook(tmp_path / "ro.ipynb", [
        ("%load_ext fulian.notebook", False),
        ("%%cypher\nCALL apoc.cypher.run('CREATE (:Campaign {id: \"campaign:z\"})', {}) YIELD value RETURN value",
         True),
    ])
    nb = _execute(path, monkeypatch, kernel_dir, {
        "NEO4J_URI": loaded_neo4j.uri, "NEO4J_USER": user, "NEO4J_PASSWORD": password,
        "NEO4J_DATABASE": loaded_neo4j.database})
    err = _error(nb.cells[1])
    assert err["ename"] == "CypherCellError" and len(err["traceback"]) == 1
    assert err["evalue"].startswith("the query is read-only: Neo4j refused a write"), err["evalue"]
    assert loaded_neo4j.counts() == before


def test_parameter_names_skip_strings_comments_and_repeats():
    from queries.user_cypher import parameter_names

    text = ("MATCH (f {name: $name}) // $comment\nWHERE f.x IN $`odd name` AND f.y = '$str' AND f.z = \"$dq\"\n"
            "/* $block */ AND f.w = $name AND f.v = $名字 RETURN $0")
    assert parameter_names(text) == ["name", "odd name", "名字", "0"]
