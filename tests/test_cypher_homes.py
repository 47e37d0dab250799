"""Cypher lives in two modules: graph/cypher.py (writes) and queries/cypher.py (reads).

Every string the project's packages build (a literal, an f-string, or literals joined with `+`) is
read with ast; one that starts with a Cypher clause and has a Cypher shape (a node pattern, a
relationship, a `$parameter`) is a statement, and outside those two modules it fails the test.
Docstrings, prose and examples shown to users (they do not start with a clause) pass.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import ROOT
from test_layering import OURS

HOMES = {"graph/cypher.py", "queries/cypher.py"}
CLAUSE = re.compile(r"^(OPTIONAL\s+MATCH|MATCH|MERGE|CREATE|UNWIND|CALL|WITH|RETURN|DETACH\s+DELETE|DELETE|SET|"
                    r"REMOVE|FOREACH|LOAD\s+CSV|USE|SHOW|DROP|ALTER|EXPLAIN|PROFILE)\b")
SHAPE = re.compile(r"\([A-Za-z_]\w*\s*[:){]|\(:[A-Za-z_`]|\)-\[|\]-[>(]|<-\[|\$[A-Za-z_]\w*")


def _static_text(node: ast.AST) -> str | None:
    """The text a string expression builds, `{}` for each part computed at run time; None if not a string."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _static_text(node.left), _static_text(node.right)
        if left is None and right is None:
            return None
        return (left if left is not None else "{}") + (right if right is not None else "{}")
    return None


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def inline_cypher(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string in `source` that looks like a Cypher statement."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    for node in ast.walk(tree):  # judge a joined string as a whole, not its parts
        if isinstance(node, (ast.BinOp, ast.JoinedStr)) and _static_text(node) is not None:
            skip |= {id(part) for part in ast.walk(node) if part is not node}
    hits = []
    for node in ast.walk(tree):
        text = _static_text(node) if id(node) not in skip else None
        if text is not None and CLAUSE.match(text.strip()) and SHAPE.search(text):
            hits.append((node.lineno, " ".join(text.split())))
    return sorted(hits)


def _modules() -> list[Path]:
    return sorted(p for top in OURS if (ROOT / top).is_dir() for p in (ROOT / top).rglob("*.py"))


def test_no_cypher_outside_its_two_modules():
    bad = [f"  {path.relative_to(ROOT)}:{line}: {text[:100]}"
           for path in _modules() if path.relative_to(ROOT).as_posix() not in HOMES
           for line, text in inline_cypher(path.read_text(encoding="utf-8"))]
    assert not bad, ("Cypher outside graph/cypher.py and queries/cypher.py (name a statement there and run "
                     "it through the store or queries.backend):\n" + "\n".join(bad))


def test_the_check_finds_the_statements_of_both_homes():
    for home in HOMES:
        assert len(inline_cypher((ROOT / home).read_text(encoding="utf-8"))) >= 15, home


# what the views' own reader held before it read through named statements
OLD_VIEW_READS = '''
def nodes_by_id(self, ids):
    recs = self.store.read("MATCH (n) WHERE n.id IN $ids RETURN labels(n)[0] AS label, properties(n) AS props",
                           {"ids": ids})
def incident(self, ids, types, direction):
    pattern = {"out": "(a)-[r]->(b)", "in": "(a)<-[r]-(b)", "both": "(a)-[r]-(b)"}[direction]
    query = (f"MATCH {pattern} WHERE a.id IN $ids AND type(r) IN $types "
             + ("AND labels(b)[0] IN $other " if other_labels is not None else "")
             + "RETURN DISTINCT type(r) AS type, startNode(r).id AS start_id")
def among(self):
    return self.store.read(
        "MATCH (a)-[r]->(b) WHERE a.id IN $ids AND b.id IN $ids AND type(r) IN $types "
        "RETURN type(r) AS type, a.id AS start_id, b.id AS end_id, properties(r) AS props")
'''

# prose, docstrings and examples for users: not statements
PROSE = '''
"""Views: query_view(store, cypher, out) draws any read-only Cypher query's nodes (Neo4j).

    MATCH (n) RETURN n   -- an example inside a docstring
"""
EPILOG = """examples:
  fulian view query "MATCH p=(f:Federation)-[:IMPLEMENTS]->(c:Campaign) RETURN p LIMIT 200" --backend neo4j
"""
def f(what, cypher):
    """MATCH (a)-[r]->(b) RETURN r: the relationships (explained, not run)."""
    raise ValueError(f"{what} is read-only: give a MATCH … RETURN query")
    raise ValueError("give a Cypher query, e.g. MATCH (f:Federation) RETURN f.name LIMIT 10")
    print("MATCH 的结果 (匹配) 为空：请检查名称")
    print("CREATE a file (or a folder) with --out, then RETURN here")
    return "Cypher: " + cypher
'''


def test_the_check_flags_statements_and_passes_prose():
    hits = inline_cypher(OLD_VIEW_READS)
    assert [line for line, _ in hits] == [3, 7, 12], hits
    assert hits[1][1].startswith("MATCH {} WHERE a.id IN $ids AND type(r) IN $types {}RETURN DISTINCT")
    assert inline_cypher(PROSE) == []
