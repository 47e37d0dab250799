"""Every starter query in docs/starter-queries.md runs on the real Neo4j and returns rows."""

import re

import pytest

from conftest import ROOT

DOC = ROOT / "docs" / "starter-queries.md"
BLOCK = re.compile(r"```cypher\n(.*?)```", re.S)
PARAM = re.compile(r"^:param (\w+) => '([^']*)'$", re.M)


def starter_queries():
    out = []
    for block in BLOCK.findall(DOC.read_text(encoding="utf-8")):
        params = dict(PARAM.findall(block))
        query = PARAM.sub("", block).strip()
        out.append((query, params))
    return out


def test_the_page_has_queries_and_only_parameters():
    queries = starter_queries()
    assert len(queries) >= 8
    for query, params in queries:
        assert "'" not in query.replace("'prefecture'", "").replace("'fulian_text'", "").replace("''", ""), query
        for name in re.findall(r"\$(\w+)", query):
            assert name in params


@pytest.mark.parametrize("index", range(8))
def test_starter_query_returns_rows(index, loaded_neo4j):
    query, params = starter_queries()[index]
    rows = loaded_neo4j.read(query, params)
    assert rows, f"no rows for:\n{query}\nparams {params}"
