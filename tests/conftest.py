import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

BACKENDS = ["embedded", "neo4j"]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(params=BACKENDS)
def empty_store(request, tmp_path):
    """A fresh, empty store of each backend (Neo4j: the test server's database is wiped)."""
    if request.param == "embedded":
        from graph.nx_store import NetworkxStore

        store = NetworkxStore(tmp_path / "g.json")
    else:
        from neo4j_fixture import require_neo4j
        from graph.neo4j_store import Neo4jStore

        uri, _, _ = require_neo4j()
        store = Neo4jStore(uri=uri)
        store.clear()
    yield store
    store.close()
