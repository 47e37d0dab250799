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
