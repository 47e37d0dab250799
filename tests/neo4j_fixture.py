"""Reachability of the Neo4j server the tests run against.

``require_neo4j()`` returns ``(uri, user, password)`` for a server that accepts a Bolt login,
taken from NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD when set, else the local server's Bolt port,
``neo4j`` and :func:`fulian.neo4j_server.password`. The server is never started here: start
it with ``fulian neo4j up`` (CI: ``scripts/neo4j-ci.sh start``).

When no server answers, the calling test is skipped, except in CI (``CI=true``) where it
fails, so a CI run cannot pass while silently skipping every Neo4j test. A server that
answers but rejects the credentials always fails the test (that is a configuration error).

The tests wipe the database they use, so they refuse one that is not marked as a test
database (the ``fulian_test_database`` index, see graph/cypher.py): ``scripts/test.sh`` marks
the empty server it starts; for a server of your own run ``python tests/neo4j_fixture.py mark``
(it refuses a database that holds data unless given ``--force``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import pytest

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

# (True, (uri, user, password)) or (False, (kind, message)); probed once per test session.
_checked: Optional[tuple[bool, object]] = None


from conftest import in_ci  # noqa: E402  (one definition for the suite)


def neo4j_settings() -> tuple[str, str, str]:
    """(uri, user, password) from the environment or the local server's password file."""
    from fulian.stores import connection_settings

    if not os.environ.get("NEO4J_URI"):
        return connection_settings()
    uri = os.environ["NEO4J_URI"]
    user = os.environ.get("NEO4J_USER") or "neo4j"
    pw = os.environ.get("NEO4J_PASSWORD")
    if not pw:
        from fulian.neo4j_server import password

        pw = password()
    return uri, user, pw


def _probe() -> tuple[bool, object]:
    try:
        from neo4j import GraphDatabase
        from neo4j.exceptions import AuthError
    except ImportError:
        return False, ("unreachable", "the `neo4j` Python driver is not installed (pip install neo4j)")
    uri, user, pw = neo4j_settings()
    try:
        with GraphDatabase.driver(uri, auth=(user, pw), connection_timeout=5) as driver:
            driver.verify_connectivity()
    except AuthError as exc:
        return False, ("auth", f"Neo4j at {uri} rejected user {user!r} ({exc}); set NEO4J_PASSWORD "
                               "to the server's password or unset it to use the stored one")
    except Exception as exc:  # noqa: BLE001 - ServiceUnavailable, OSError, ...
        return False, ("unreachable", f"Neo4j is not reachable at {uri} ({type(exc).__name__}: {exc}); "
                                      "start it with `fulian neo4j up` or `scripts/neo4j-ci.sh start`")
    if not is_marked(uri, user, pw):
        return False, ("unmarked", f"refusing to use Neo4j at {uri}: the tests wipe the database, and this one is "
                                   "not marked as a test database. Run the suite with `bash scripts/test.sh` "
                                   "(it starts a server of its own), or point NEO4J_URI at a test server and mark "
                                   "it once with `python tests/neo4j_fixture.py mark`")
    return True, (uri, user, pw)


def _scalar(uri: str, user: str, pw: str, query: str, **params) -> object:
    from neo4j import GraphDatabase

    with GraphDatabase.driver(uri, auth=(user, pw), connection_timeout=5) as driver:
        records, _, _ = driver.execute_query(query, params, database_=os.environ.get("NEO4J_DATABASE", "neo4j"))
    return records[0][0] if records else None


def is_marked(uri: str, user: str, pw: str) -> bool:
    """Whether the database at `uri` carries the test-database marker."""
    from graph import cypher

    return _scalar(uri, user, pw, cypher.index_named(), name=cypher.TEST_DATABASE_MARKER) is not None


def mark(force: bool = False) -> str:
    """Mark the database at NEO4J_URI (or the local server) as one the tests may wipe.

    An empty database is marked; one holding nodes only with `force` (it is yours to lose)."""
    from graph import cypher

    uri, user, pw = neo4j_settings()
    n = _scalar(uri, user, pw, cypher.count_all_nodes())
    if n and not force and not is_marked(uri, user, pw):
        raise SystemExit(f"error: Neo4j at {uri} holds {n} nodes and is not marked as a test database; "
                         "the tests would wipe it. Give --force if that is what you want")
    _scalar(uri, user, pw, cypher.mark_test_database())
    return f"marked Neo4j at {uri} as a test database (the test suite may wipe it)"


def unmark() -> str:
    from graph import cypher

    uri, user, pw = neo4j_settings()
    _scalar(uri, user, pw, cypher.unmark_test_database())
    return f"Neo4j at {uri} is no longer marked as a test database"


def reset_probe() -> None:
    """Forget the cached probe (a test that changes the marker calls this before and after)."""
    global _checked
    _checked = None


def require_neo4j() -> tuple[str, str, str]:
    """(uri, user, password) of a reachable Neo4j; skips the test (fails it in CI) otherwise."""
    global _checked
    if _checked is None:
        _checked = _probe()
    ok, value = _checked
    if ok:
        return value  # type: ignore[return-value]
    kind, msg = value  # type: ignore[misc]
    if kind in ("auth", "unmarked") or in_ci():
        pytest.fail(("CI=true and the Neo4j tests cannot run: " if in_ci() else "") + msg, pytrace=False)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def neo4j_auth() -> tuple[str, str, str]:
    """Pytest fixture form of :func:`require_neo4j`."""
    return require_neo4j()


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(prog="python tests/neo4j_fixture.py",
                                 description="Mark or unmark the Neo4j at NEO4J_URI as a test database.")
    ap.add_argument("action", choices=["mark", "unmark"])
    ap.add_argument("--force", action="store_true", help="mark a database that holds data")
    args = ap.parse_args()
    print(mark(args.force) if args.action == "mark" else unmark())
