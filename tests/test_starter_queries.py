"""Every starter query in docs/starter-queries.md runs on the real Neo4j and returns rows."""

import re

import pytest

from conftest import ROOT
from fulian import browser_guide

DOC = ROOT / "docs" / "starter-queries.md"
BLOCK = re.compile(r"```cypher\n(.*?)```", re.S)
N_QUERIES = 10
CONSTANTS = ("'prefecture'", "'fulian_text'", "''", "'adopted'", "'document, no adoption'", "'no document'")


def starter_queries():
    return [(q.query, q.params) for q in browser_guide.starter_queries(DOC)]


def test_every_block_is_read():
    assert len(starter_queries()) == len(BLOCK.findall(DOC.read_text(encoding="utf-8"))) == N_QUERIES


def test_the_page_has_queries_and_only_parameters():
    queries = starter_queries()
    assert len(queries) >= 8
    for query, params in queries:
        literal = query
        for constant in CONSTANTS:  # fixed words of the queries; every value a user would change is a $param
            literal = literal.replace(constant, "")
        assert "'" not in literal, query
        for name in re.findall(r"\$(\w+)", query):
            assert name in params


@pytest.mark.parametrize("index", range(N_QUERIES))
def test_starter_query_returns_rows(index, loaded_neo4j):
    query, params = starter_queries()[index]
    rows = loaded_neo4j.read(query, params)
    assert rows, f"no rows for:\n{query}\nparams {params}"
