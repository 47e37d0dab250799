"""Pages of the lineage and coverage answers: a total order (ties broken by id), the store cuts the
page (Neo4j: ORDER BY, SKIP, LIMIT), both stores page alike, the CLI prints the library's page."""

from __future__ import annotations

import json

import pytest

import queries
from fulian.cli import main
from graph.nx_store import NetworkxStore
from graph_samples import paging_graph
from queries import QueryError
from queries.coverage import coverage_page
from queries.lineage import diffusion_page
from test_queries_cli import run  # one helper for `fulian query` in-process

QUESTIONS = [  # (id, page function, its arguments)
    ("lineage", diffusion_page, dict(name="家家幸福安康工程")),
    ("lineage-campaign", diffusion_page, dict(name="家家幸福安康工程", kind="campaign")),
    ("lineage-variants", diffusion_page, dict(name="美家美妇", variants=True)),
    ("coverage", coverage_page, dict(name="家家幸福安康工程")),
    ("coverage-year", coverage_page, dict(name="家家幸福安康工程", year=2021)),
    ("coverage-counties", coverage_page, dict(name="家家幸福安康工程", under="长沙市妇联")),
    ("coverage-national", coverage_page, dict(name="家家幸福安康工程", under="全国妇联")),
]
IDS = [q[0] for q in QUESTIONS]


@pytest.fixture
def store(empty_store):
    empty_store.write(paging_graph())
    return empty_store


@pytest.fixture
def reference():
    s = NetworkxStore()
    s.write(paging_graph())
    return s


def _pages(store, fn, kw, limit):
    """Every page of `limit` rows, following next_offset; (rows, totals seen)."""
    rows, totals, offset = [], set(), 0
    while True:
        page = fn(store, limit=limit, offset=offset, **kw)
        assert len(page.rows) == min(limit, page.total - offset)
        rows += page.rows
        totals.add(page.total)
        if page.next_offset is None:
            return rows, totals
        offset = page.next_offset


@pytest.mark.parametrize("name,fn,kw", QUESTIONS, ids=IDS)
def test_pages_concatenated_are_the_whole_answer(store, name, fn, kw):
    whole = fn(store, **kw)
    assert whole.total == len(whole.rows) > 3
    for limit in (1, 2, 7, whole.total - 1, whole.total, 1000):
        rows, totals = _pages(store, fn, kw, limit)
        assert totals == {whole.total}
        assert rows == whole.rows, f"{name}: pages of {limit}"


def test_the_paged_questions_keep_their_unpaged_answers(store):
    """The list-returning functions page too, and without limit give what the page gives."""
    whole = queries.campaign_diffusion(store, "家家幸福安康工程")
    assert queries.campaign_diffusion(store, "家家幸福安康工程", limit=5, offset=10) == whole[10:15]
    cover = queries.coverage(store, "家家幸福安康工程")
    assert queries.coverage(store, "家家幸福安康工程", limit=4, offset=13) == cover[13:17]
    assert queries.coverage(store, "家家幸福安康工程", offset=13) == cover[13:]


def test_the_order_is_total(store):
    """Adoptions equal on year, level, federation and document (a campaign and a law of one name) keep
    one order, and each first_at_level is the answer's, not the page's."""
    rows = queries.campaign_diffusion(store, "家家幸福安康工程")
    keys = [(r["year"], r["level"], r["federation"], r["doc_id"]) for r in rows]
    assert len(set(keys)) < len(keys)  # the graph has such ties
    assert {r["kind"] for r in rows} == {"Campaign", "Law"}
    unknown = [r for r in rows if r["year"] == 0]
    assert unknown and rows[-len(unknown):] == unknown  # unknown years last
    one_by_one = [queries.campaign_diffusion(store, "家家幸福安康工程", limit=1, offset=i)[0]
                  for i in range(len(rows))]
    assert one_by_one == rows
    assert sum(r["first_at_level"] for r in rows) > 1


def test_past_the_end_is_an_empty_page(store):
    page = diffusion_page(store, "家家幸福安康工程", limit=10, offset=10_000)
    assert page.rows == [] and page.total > 0 and page.next_offset is None
    page = coverage_page(store, "家家幸福安康工程", limit=10, offset=10_000)
    assert page.rows == [] and page.total > 0
    for offset, limit in ((2 ** 31, 10), (3, 2 ** 40)):  # past 32 bits (Cypher's list slices)
        page = coverage_page(store, "家家幸福安康工程", limit=limit, offset=offset)
        assert page.rows == queries.coverage(store, "家家幸福安康工程")[offset:offset + limit]
        page = diffusion_page(store, "家家幸福安康工程", limit=limit, offset=offset)
        assert page.rows == queries.campaign_diffusion(store, "家家幸福安康工程")[offset:offset + limit]


@pytest.mark.parametrize("limit,offset", [(0, 0), (-1, 0), ("10", 0), (True, 0), (10, -1), (10, 1.5), (10, None)])
def test_bad_limit_or_offset_is_a_clear_error(reference, limit, offset):
    for fn in (diffusion_page, coverage_page):
        with pytest.raises(QueryError, match="limit must be|offset must be"):
            fn(reference, "家家幸福安康工程", limit=limit, offset=offset)


# -- both stores --------------------------------------------------------------------------

@pytest.fixture
def neo4j_paging(empty_neo4j):
    empty_neo4j.write(paging_graph())
    return empty_neo4j


@pytest.mark.parametrize("name,fn,kw", QUESTIONS, ids=IDS)
def test_both_stores_page_identically(neo4j_paging, reference, name, fn, kw):
    whole = fn(reference, **kw)
    for limit, offset in ((None, 0), (5, 0), (5, 5), (3, 11), (7, whole.total - 4), (10, whole.total + 1)):
        got = fn(neo4j_paging, limit=limit, offset=offset, **kw)
        want = fn(reference, limit=limit, offset=offset, **kw)
        assert json.dumps(got.rows, ensure_ascii=False, default=str) == \
            json.dumps(want.rows, ensure_ascii=False, default=str), f"{name} {limit}@{offset}"
        assert (got.total, got.offset, got.limit) == (want.total, want.offset, want.limit) == \
            (whole.total, offset, limit)


def test_paged_statements_give_the_same_rows_in_the_same_order(neo4j_paging, reference):
    """The raw packed statements: the page's rows in the store's order, and what comes with them."""
    from queries import backend
    from queries.cypher import ADOPTER_PAGE, ADOPTION_PAGE

    ids = ["campaign:家家幸福安康工程", "law:家家幸福安康工程"]
    labels = ["Campaign", "Law"]
    lineage = dict(labels=labels, ids=ids, offset=3, limit=20)
    got, want = (backend.fetch(s, "adoption_page", **lineage) for s in (neo4j_paging, reference))
    rows = [[backend.canonical(dict(zip(ADOPTION_PAGE, v))) for v in r[0]["rows"]] for r in (got, want)]
    assert len(rows[0]) == 20 and rows[0] == rows[1]
    summary = dict(labels=labels, ids=ids)
    assert backend.run(neo4j_paging, "adoption_summary", **summary) == \
        backend.run(reference, "adoption_summary", **summary) != []
    for year, feds, offset, limit, size in ((None, ["fed:湖南省妇联"], 2, 15, 15),
                                            (2021, ["fed:岳阳市妇联", "fed:测试1区01妇联"], 0, 5, 5),
                                            (None, [], 30, 1000, None)):
        params = dict(labels=labels, ids=ids, year=year, feds=feds, offset=offset, limit=limit)
        got, want = (backend.fetch(s, "adopter_page", **params)[0] for s in (neo4j_paging, reference))
        pages = [[backend.canonical(dict(zip(ADOPTER_PAGE, v))) for v in r["federations"]] for r in (got, want)]
        assert pages[0] == pages[1] and pages[0] and (size is None or len(pages[0]) == size)
        assert got["others"] == want["others"] and len(pages[0]) == min(limit, got["others"] - offset)
        assert backend.canonical(got["among"]) == backend.canonical(want["among"])
        assert backend.canonical(got["regional"]) == backend.canonical(want["regional"]) != []
        assert {a[0] for a in got["among"]} == set(feds)  # each adopts (up to the year)


# -- the CLI ------------------------------------------------------------------------------

@pytest.fixture
def graph_file(tmp_path, monkeypatch):
    path = tmp_path / "kg.json"
    store = NetworkxStore(path)
    store.write(paging_graph(counties=120))
    store.save()
    monkeypatch.setenv("FULIAN_GRAPH", str(path))
    return path


CLI = [  # (command line, library page it stands for)
    (("lineage", "家家幸福安康工程"), lambda s: diffusion_page(s, "家家幸福安康工程", limit=100)),
    (("lineage", "家家幸福安康工程", "--limit", "7", "--offset", "30"),
     lambda s: diffusion_page(s, "家家幸福安康工程", limit=7, offset=30)),
    (("lineage", "家家幸福安康工程", "--all"), lambda s: diffusion_page(s, "家家幸福安康工程")),
    (("lineage", "家家幸福安康工程", "--limit", "0", "--offset", "150"),
     lambda s: diffusion_page(s, "家家幸福安康工程", offset=150)),
    (("lineage", "家家幸福安康工程", "--first", "--limit", "2"),
     lambda s: queries.paging.window(queries.first_adopters(queries.campaign_diffusion(s, "家家幸福安康工程")), 2, 0)),
    (("coverage", "家家幸福安康工程", "--limit", "9", "--offset", "4"),
     lambda s: coverage_page(s, "家家幸福安康工程", limit=9, offset=4)),
    (("coverage", "家家幸福安康工程", "--under", "全国妇联", "--offset", "120"),
     lambda s: coverage_page(s, "家家幸福安康工程", under="全国妇联", limit=100, offset=120)),
    (("coverage", "家家幸福安康工程", "--by-level", "--all"),
     lambda s: queries.paging.window(queries.adoption_counts(s, "家家幸福安康工程"), None, 0)),
]


@pytest.mark.parametrize("args,ask", CLI, ids=[" ".join(a[0][2:]) or a[0][0] for a in CLI])
def test_cli_json_page_is_the_librarys_page(graph_file, capsys, args, ask):
    code, out, err = run(capsys, *args, "--format", "json")
    assert code == 0, err
    printed = json.loads(out)
    store = NetworkxStore(graph_file, read_only=True)
    try:
        page = ask(store)
    finally:
        store.close()
    expected = json.loads(json.dumps(page.rows, ensure_ascii=False, default=str))
    assert (printed["total"], printed["offset"], printed["limit"]) == (page.total, page.offset, page.limit)
    assert page.rows and [{k: r[k] for k in printed["rows"][0]} for r in expected] == printed["rows"]
    if page.next_offset is not None:
        assert f"--offset {page.next_offset:,} for more" in err and f"of {page.total:,}" in err


def test_cli_pages_by_default_in_every_format(graph_file, capsys):
    total = diffusion_page(NetworkxStore(graph_file, read_only=True), "家家幸福安康工程", limit=1).total
    assert total > 100
    for fmt, count in (("jsonl", lambda out: len(out.splitlines())), ("csv", lambda out: len(out.splitlines()) - 1),
                       ("table", lambda out: len(out.splitlines()) - 2)):
        code, out, err = run(capsys, "lineage", "家家幸福安康工程", "--format", fmt)
        assert code == 0 and count(out) == 100, fmt
        assert f"rows 1-100 of {total:,}; --offset 100 for more, --all for everything" in err
    code, out, err = run(capsys, "lineage", "家家幸福安康工程", "--format", "jsonl", "--all")
    assert len(out.splitlines()) == total and "rows" not in err
    code, out, err = run(capsys, "lineage", "家家幸福安康工程", "--offset", str(total + 5))
    assert code == 0 and f"no rows at --offset {total + 5:,}: the answer has {total:,} rows" in err


@pytest.mark.parametrize("args,message", [
    (("--limit", "-1"), "--limit must be 1 or more rows"),
    (("--offset", "-3"), "--offset must be 0 or more rows"),
    (("--all", "--limit", "5"), "--all and --limit"),
])
@pytest.mark.parametrize("question", ["lineage", "coverage"])
def test_cli_bad_paging_options_are_usage_errors(graph_file, capsys, question, args, message):
    code, out, err = run(capsys, question, "家家幸福安康工程", *args)
    assert code == 2 and out == "" and message in err and err.count("\n") == 1


def test_cli_offset_must_be_a_number(graph_file, capsys):
    with pytest.raises(SystemExit) as e:
        main(["query", "lineage", "家家幸福安康工程", "--offset", "ten"])
    assert e.value.code == 2 and "--offset: invalid int value" in capsys.readouterr().err


# -- the lineage page index on Neo4j ------------------------------------------------------

def test_page_keys_sort_as_years_do():
    """graph.order.page_key sorts one target's adoptions as year_key does (unknown years last), and
    no target's keys fall among another's (ids hold no white space)."""
    from graph.order import page_key, year_key

    years = [2021, None, 0, 1999, -3, 2, 10 ** 6 - 1, "2020", 2020]
    assert sorted(years, key=lambda y: page_key("campaign:美丽庭院", y)) == sorted(years, key=year_key)
    keys = sorted(page_key(c, y) for c in ("campaign:美丽", "campaign:美丽庭院", "law:美丽") for y in years)
    assert [k.split(" ")[0] for k in keys] == sorted(k.split(" ")[0] for k in keys)


def _lineage_pages(store):
    kw = dict(name="家家幸福安康工程")
    return [json.dumps(diffusion_page(store, limit=limit, offset=offset, **kw).rows, ensure_ascii=False, default=str)
            for limit, offset in ((5, 0), (3, 11), (100, 0), (4, 40))]


def test_a_database_without_page_keys_answers_alike_and_gets_them(neo4j_paging, reference):
    """A database an earlier version wrote (IMPLEMENTS without page keys, no page index): lineage
    pages still answer as the embedded store does, and the next writer's schema check keys every
    IMPLEMENTS before it creates the index."""
    from graph import cypher as graph_cypher
    from graph.neo4j_store import Neo4jStore

    want = _lineage_pages(reference)
    assert _lineage_pages(neo4j_paging) == want
    neo4j_paging._write_tx(lambda tx: tx.run(f"DROP INDEX {graph_cypher.PAGE_INDEX} IF EXISTS").consume())
    neo4j_paging._write_tx(lambda tx: tx.run("MATCH ()-[r:IMPLEMENTS]->() REMOVE r.page_key").consume())
    assert neo4j_paging.read(graph_cypher.unkeyed_implements())
    assert _lineage_pages(neo4j_paging) == want  # every target read whole
    # half keyed (a key written, the others not): still whole
    neo4j_paging._write_tx(lambda tx: tx.run(
        "MATCH ()-[r:IMPLEMENTS]->(c) WITH r, c LIMIT 1 SET r.page_key = c.id + ' 0002020'").consume())
    assert _lineage_pages(neo4j_paging) == want
    again = Neo4jStore(neo4j_paging.uri, neo4j_paging._user, neo4j_paging._password)
    try:
        again.ensure_schema()
        assert again.read(graph_cypher.unkeyed_implements()) == []
        assert again.read(graph_cypher.index_named(), {"name": graph_cypher.PAGE_INDEX})
        assert _lineage_pages(again) == want
        assert all("page_key" not in r for r in again.relationships("IMPLEMENTS"))
    finally:
        again.close()
