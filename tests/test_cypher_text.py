"""The Cypher statements as text: readable, parameterized, never built from user input."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import queries
from queries import QueryError, cypher
from graph_samples import lineage_graph

PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
HOSTILE = [
    '"}) DETACH DELETE n //',
    "'}) MATCH (n) DETACH DELETE n //",
    '美家美妇"}) MATCH (n) DETACH DELETE n RETURN 1 //',
    "美家美妇` DETACH DELETE n //",
    "*:* OR name:美家美妇",
    "\\\" OR 1=1 --",
    "{id}",
    "$labels",
]


def test_every_statement_is_text_with_declared_parameters():
    assert set(cypher.STATEMENTS) == set(cypher.PARAMETERS)
    for name, text in cypher.STATEMENTS.items():
        assert isinstance(text, str) and text.strip(), name
        assert text.count("(") == text.count(")") and text.count("[") == text.count("]") \
            and text.count("{") == text.count("}"), name
        assert "RETURN" in text or "DELETE" in text, name
        if name in cypher.PARAMETERS:
            assert set(PARAM.findall(text)) == set(cypher.PARAMETERS[name]), name
        for leftover in ("%s", "{0}", "{}", "format("):
            assert leftover not in text, (name, leftover)


def test_statements_are_the_same_text_on_every_call():
    for name in cypher.STATEMENTS:
        assert getattr(cypher, name)() == cypher.STATEMENTS[name]


def test_cypher_module_never_formats_strings():
    """No f-strings, %-formatting or .format() in the module that holds the statements."""
    tree = ast.parse(Path(cypher.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        assert not isinstance(node, ast.JoinedStr), f"f-string at line {node.lineno}"
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            assert not isinstance(node.left, ast.Constant), f"% formatting at line {node.lineno}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            assert node.func.attr not in ("format", "format_map"), f".format at line {node.lineno}"


def test_statement_functions_take_no_arguments():
    import inspect

    for name in cypher.STATEMENTS:
        assert not inspect.signature(getattr(cypher, name)).parameters, name


def test_fulltext_query_only_for_plain_cjk():
    from queries.resolve import fulltext_query

    q = fulltext_query("“美家 美妇”")
    assert q.startswith("name:(") and "aliases_text:(" in q
    assert set(re.findall(r"[\u4e00-\u9fff]+", q)) == {"美家", "家美", "美妇"}
    assert fulltext_query("美") is None
    for bad in HOSTILE:
        assert fulltext_query(bad) is None


@pytest.fixture
def store(empty_store):
    empty_store.write(lineage_graph())
    return empty_store


NAMED = [
    lambda s, x: queries.campaign_diffusion(s, x),
    lambda s, x: queries.campaign_diffusion(s, x, variants=True),
    lambda s, x: queries.leadership_chain(s, x),
    lambda s, x: queries.leadership_chain(s, x, "down"),
    lambda s, x: queries.agenda_inheritance(s, x, 2022),
    lambda s, x: queries.provenance(s, x),
    lambda s, x: queries.provenance(s, head=x, rel_type="IMPLEMENTS", tail=x),
    lambda s, x: queries.coverage(s, x),
    lambda s, x: queries.coverage(s, "美家美妇", under=x),
    lambda s, x: queries.adoption_counts(s, x),
    lambda s, x: queries.federation_profile(s, x),
    lambda s, x: queries.text_inheritance(s, x),
    lambda s, x: queries.resolve(s, x),
]


def test_hostile_names_are_errors_and_change_nothing(store):
    before = (store.counts(), store.nodes(), store.relationships())
    for hostile in HOSTILE:
        for ask in NAMED:
            try:
                rows = ask(store, hostile)
            except QueryError:
                continue
            assert rows == [], (hostile, rows)
    assert (store.counts(), store.nodes(), store.relationships()) == before


def test_statements_parse_on_neo4j(empty_neo4j):
    """EXPLAIN every statement on the server: it parses and plans."""
    empty_store = empty_neo4j
    empty_store.write(lineage_graph())
    empty_store.ensure_schema()
    dummy = {"labels": ["Campaign"], "ids": None, "id": "x", "year": None, "rel_id": "x", "head_id": "x",
             "tail_id": "y", "type": None, "index": cypher.FULLTEXT_INDEX, "query": "美家", "codes": [],
             "normalized": "美家", "types": ["IMPLEMENTS"], "others": ["Federation"], "offset": 0, "limit": 10,
             "only": None, "exclude": [], "feds": []}
    for name, text in cypher.STATEMENTS.items():
        empty_store.read("EXPLAIN " + text, {p: dummy[p] for p in cypher.PARAMETERS[name]})
