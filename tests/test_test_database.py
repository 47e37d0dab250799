"""The suite uses only a Neo4j marked as a test database (see tests/neo4j_fixture.py)."""

import pytest

import neo4j_fixture as fx

pytestmark = pytest.mark.neo4j


def test_an_unmarked_database_is_refused_and_not_marked_over_its_data(loaded_neo4j):
    before = loaded_neo4j.counts()
    fx.unmark()
    fx.reset_probe()
    try:
        ok, (kind, message) = fx._probe()
        assert not ok and kind == "unmarked"
        assert "refusing to use Neo4j" in message and "scripts/test.sh" in message
        with pytest.raises(SystemExit, match=r"holds \d+ nodes and is not marked"):
            fx.mark()
        assert not fx.is_marked(*fx.neo4j_settings())
    finally:
        fx.mark(force=True)
        fx.reset_probe()
    assert fx._probe()[0]
    assert loaded_neo4j.counts() == before
