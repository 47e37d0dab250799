import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

BACKENDS = ["embedded", "neo4j"]


def in_ci() -> bool:
    """Under CI a test whose server or browser is missing fails instead of skipping."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _empty_neo4j():
    from neo4j_fixture import require_neo4j
    from graph.neo4j_store import Neo4jStore

    store = Neo4jStore(*require_neo4j())
    store.clear()
    return store


@pytest.fixture(params=BACKENDS)
def empty_store(request, tmp_path):
    """A fresh, empty store of each backend (Neo4j: the test server's database is wiped)."""
    if request.param == "embedded":
        from graph.nx_store import NetworkxStore

        store = NetworkxStore(tmp_path / "g.json")
    else:
        store = _empty_neo4j()
    yield store
    store.close()


@pytest.fixture
def empty_neo4j():
    """The test server's database, wiped: the other side of a parity test, whose reference is the
    embedded store (skipped without a server, failed under CI)."""
    store = _empty_neo4j()
    yield store
    store.close()


@pytest.fixture(scope="session")
def corpus_store(tmp_path_factory):
    """The sample corpus built into an embedded store (once per session)."""
    from graph.nx_store import NetworkxStore
    from loaders.pipeline import SAMPLE_CORPUS, build

    store = NetworkxStore(tmp_path_factory.mktemp("corpus") / "kg.json")
    build([SAMPLE_CORPUS], store)
    store.save()
    return store


@pytest.fixture(scope="session")
def _neo4j_session_store():
    from neo4j_fixture import require_neo4j
    from graph.neo4j_store import Neo4jStore

    uri, user, password = require_neo4j()
    store = Neo4jStore(uri, user, password)
    yield store
    store.close()


@pytest.fixture
def loaded_neo4j(corpus_store, _neo4j_session_store):
    """The real Neo4j holding exactly the sample corpus graph (reloaded if a test changed it)."""
    from graph.load import store_to_neo4j

    store = _neo4j_session_store
    if store.counts() != corpus_store.counts():
        store.clear()
        store_to_neo4j(corpus_store, store)
    return store


def pytest_terminal_summary(terminalreporter):
    """The cases of tests/test_generated_inputs.py, by store and kind, when it ran."""
    gen = sys.modules.get("generated_inputs")
    if gen is not None and gen.TALLY:
        total = sum(gen.TALLY.values())
        terminalreporter.write_sep("-", f"generated inputs: {total} cases")
        for (store, kind), n in sorted(gen.TALLY.items()):
            terminalreporter.write_line(f"{store:9} {kind:40} {n:6}")
