"""A view finds what `fulian query` finds: the same names, the same ambiguity, the same suggestions.

`view campaign X` against `query lineage X`, `view federation X` and `view hierarchy X` against
`query chain X`, on the sample corpus in both stores; and once through the command line.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import ROOT

import queries
import views
from queries import QueryError

FEDERATION_NAMES = [
    "长沙市望城区妇联",         # exact
    "长沙市望城区妇女联合会",   # an alias
    "省妇联",                   # an alias of one
    "望城经开区",               # a part of one name
    "望城",                     # a part of two names: ambiguous
    "市妇联",                   # an alias of two: ambiguous
    "望城妇联",                 # none: suggestions
    "  ",                       # no name
]
CAMPAIGN_NAMES = [
    "美家美妇",                 # exact
    "三下乡百场公益活动",       # an alias
    "幸福安康",                 # a part of a name
    "家庭教育促进法",           # a law
    "三八",                     # a part of several names
    "美丽庭园",                 # none: suggestions
    "",                         # no name
]


@pytest.fixture(params=["embedded", "neo4j"])
def corpus(request, corpus_store):
    if request.param == "embedded":
        return corpus_store
    return request.getfixturevalue("loaded_neo4j")


def _outcome(fn):
    try:
        return "found", fn()
    except QueryError as e:
        return "error", str(e)


@pytest.mark.parametrize("name", FEDERATION_NAMES)
def test_view_federation_and_hierarchy_find_what_query_chain_finds(corpus, name, tmp_path):
    chain = _outcome(lambda: queries.leadership_chain(corpus, name)[0]["federation"])
    fed = _outcome(lambda: views.draw("federation", corpus, name)[1].title)
    top = _outcome(lambda: views.draw("hierarchy", corpus, name)[1].title)
    if chain[0] == "error":
        assert fed == top == chain
    else:
        assert fed == ("found", f"妇联关系 Federation: {chain[1]} (depth 1)")
        assert top == ("found", f"妇联组织体系 Federation hierarchy: {chain[1]}")


@pytest.mark.parametrize("name", CAMPAIGN_NAMES)
def test_view_campaign_finds_what_query_lineage_finds(corpus, name):
    lineage = _outcome(lambda: sorted({r["campaign"] for r in queries.campaign_diffusion(corpus, name)}))
    view = _outcome(lambda: views.draw("campaign", corpus, name)[1].focus)
    if lineage[0] == "error":
        assert view == lineage
    else:
        assert view[0] == "found" and lineage[1], (name, view, lineage)
        drawn = {(corpus.node(t) or {}).get("name") for t in view[1]}
        assert set(lineage[1]) <= drawn, (name, lineage, drawn)  # every campaign the lineage lists is drawn
        assert drawn == {r["name"] for r in queries.resolve(corpus, name, ("Campaign", "Law"))}


def test_the_cases_cover_each_outcome(corpus_store):
    outcomes = [_outcome(lambda: queries.leadership_chain(corpus_store, n)) for n in FEDERATION_NAMES]
    errors = [text for kind, text in outcomes if kind == "error"]
    assert len(errors) == 4 and sum("ambiguous" in e for e in errors) == 2 and "closest: " in errors[2]
    assert _outcome(lambda: queries.campaign_diffusion(corpus_store, "美丽庭园"))[1].startswith(
        "no campaign or law named '美丽庭园' in the graph; closest: 美丽庭院")
    assert len(queries.resolve(corpus_store, "三八", ("Campaign", "Law"))) > 1


def _fulian(*args):
    return subprocess.run([sys.executable, "-m", "fulian.cli", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300, env=dict(os.environ, PYTHONPATH=str(ROOT)))


def test_the_commands_say_the_same(corpus_store, tmp_path):
    graph = corpus_store.path
    view = _fulian("view", "federation", "望城", "--graph", graph, "--out", tmp_path / "f.html")
    chain = _fulian("query", "chain", "望城", "--graph", graph)
    assert view.returncode == chain.returncode == 1
    assert view.stderr == chain.stderr == ("error: '望城' is ambiguous: it matches 2 nodes (长沙市望城区妇联, "
                                           "长沙市望城经开区妇联); give the full name\n")
    view = _fulian("view", "campaign", "幸福安康", "--graph", graph, "--out", tmp_path / "c.html")
    lineage = _fulian("query", "lineage", "幸福安康", "--graph", graph, "--format", "json")
    assert view.returncode == lineage.returncode == 0, (view.stderr, lineage.stderr)
    assert view.stdout.startswith(f"wrote {tmp_path / 'c.html'}: ") and "家家幸福安康工程" in lineage.stdout
