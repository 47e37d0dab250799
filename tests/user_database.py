"""A stand-in for a user's own Neo4j, to prove that a test run leaves it alone.

``python tests/user_database.py COMMAND...`` starts a small server as a user's ``fulian neo4j up``
would (a home of its own, the default ports 7687/7474 when they are free), loads the sample corpus
into it and runs COMMAND with that user's settings in the environment: FULIAN_NEO4J_HOME,
FULIAN_NEO4J_BOLT_PORT / _HTTP_PORT and NEO4J_URI all point at the stand-in. Afterwards the
stand-in must still run and hold exactly the graph it held before; then it is stopped and removed.
Exit status: COMMAND's, or 1 when the user's database was touched. ``.ci/run`` wraps
``scripts/test.sh`` in it, so every CI run checks that the full suite never uses such a server.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _any_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fingerprint(uri: str) -> str:
    """A hash of every node and relationship with its properties."""
    from fulian.stores import neo4j_store

    with neo4j_store(uri, read_only=True) as store:
        rows = {"nodes": store.nodes(), "relationships": store.relationships()}
    return hashlib.sha256(json.dumps(rows, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _load_sample(uri: str, work: Path) -> None:
    from graph.load import store_to_neo4j
    from fulian.stores import neo4j_store
    from graph.nx_store import NetworkxStore
    from loaders.pipeline import SAMPLE_CORPUS, build

    source = NetworkxStore(work / "user-graph.json")
    build([SAMPLE_CORPUS], source)
    with neo4j_store(uri) as target:
        store_to_neo4j(source, target)


def main(command: list[str]) -> int:
    if not command:
        print("usage: python tests/user_database.py COMMAND...", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="fulian-user-neo4j."))
    bolt, http = (7687, 7474) if _free(7687) and _free(7474) else (_any_port(), _any_port())
    user_env = {"FULIAN_NEO4J_HOME": str(work / "home"), "FULIAN_NEO4J_BOLT_PORT": str(bolt),
                "FULIAN_NEO4J_HTTP_PORT": str(http), "NEO4J_URI": f"bolt://127.0.0.1:{bolt}"}
    small = {"FULIAN_NEO4J_HEAP": "512m", "FULIAN_NEO4J_PAGECACHE": "64m"}
    saved = dict(os.environ)
    os.environ.update(user_env)
    os.environ.pop("NEO4J_PASSWORD", None)
    script = [str(ROOT / "scripts" / "neo4j-ci.sh")]
    try:
        if subprocess.run(["bash", *script, "start"], env=dict(os.environ, **small),
                          stdout=subprocess.DEVNULL).returncode:
            print("user_database: could not start the stand-in server (see above)", file=sys.stderr)
            return 1
        uri = user_env["NEO4J_URI"]
        _load_sample(uri, work)
        before = fingerprint(uri)
        print(f"user_database: a user's Neo4j with the sample corpus runs at {uri}; running {' '.join(command)}",
              file=sys.stderr, flush=True)
        rc = subprocess.run(command, env=dict(os.environ)).returncode
        from fulian import neo4j_server

        if not neo4j_server.status()["running"]:
            print(f"user_database: FAILED: the user's Neo4j at {uri} was stopped by the run", file=sys.stderr)
            return 1
        if fingerprint(uri) != before:
            print(f"user_database: FAILED: the user's Neo4j at {uri} was changed by the run", file=sys.stderr)
            return 1
        print(f"user_database: the user's Neo4j at {uri} is untouched", file=sys.stderr)
        return rc
    finally:
        subprocess.run(["bash", *script, "stop"], stdout=subprocess.DEVNULL)
        os.environ.clear()
        os.environ.update(saved)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
