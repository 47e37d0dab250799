"""Shingling, clause cutting and prefix-filtered Jaccard (graph.clauses, loaders.text_reuse), without a store."""

from __future__ import annotations

import itertools
import random

from hypothesis import given, settings, strategies as st

from graph.clauses import clauses, jaccard, norm_clause, shingles
from loaders.text_reuse import similar_pairs


def test_clauses_keep_offsets_and_skip_short_ones():
    text = "一是推进理论引领。  推动党的创新理论走进妇女群众身边、走进妇女群众心里；短句，另一个足够长的分句在这里结束了"
    got = clauses(text, min_chars=12)
    assert [raw for _, _, raw, _ in got] == ["推动党的创新理论走进妇女群众身边、走进妇女群众心里", "另一个足够长的分句在这里结束了"]
    for start, end, raw, _ in got:
        assert text[start:end] == raw


def test_normalization_drops_quotes_spaces_punctuation():
    assert norm_clause("启动 “美家美妇”、系列") == "启动美家美妇系列"
    assert norm_clause("ＡＢＣ１２") == "ABC12"


def test_near_copy_scores_high_and_unrelated_low():
    a = shingles(norm_clause("推动党的创新理论走进妇女群众身边、走进妇女群众心里"))
    b = shingles(norm_clause("推动党的创新理论走近妇女群众身边、走进妇女群众心里"))
    c = shingles(norm_clause("常态化开展重点对象、重点家庭的矛盾纠纷排查工作"))
    assert 0.75 < jaccard(a, b) < 1 and jaccard(a, a) == 1.0 and jaccard(a, c) < 0.1


_alphabet = st.sampled_from(list("妇联家庭美丽庭院工程行动"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(_alphabet, min_size=1, max_size=12), min_size=2, max_size=12),
       st.sampled_from([0.3, 0.5, 0.6, 0.8, 1.0]))
def test_prefix_filtering_finds_exactly_the_brute_force_pairs(texts, threshold):
    sets = [shingles(t, 2) for t in texts]
    brute = sorted((i, j, jaccard(sets[i], sets[j])) for i, j in itertools.combinations(range(len(sets)), 2)
                   if sets[i] and sets[j] and jaccard(sets[i], sets[j]) >= threshold - 1e-12)
    got = similar_pairs(sets, threshold)
    assert [(i, j) for i, j, _ in got] == [(i, j) for i, j, _ in brute]
    assert all(abs(a[2] - b[2]) < 1e-12 for a, b in zip(got, brute))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(_alphabet, min_size=1, max_size=8), min_size=2, max_size=16), st.integers(1, 4))
def test_max_near_keeps_each_sets_most_similar_and_nothing_else(texts, k):
    sets = [shingles(t, 2) for t in texts]
    every = similar_pairs(sets, 0.3)
    best: dict[int, set] = {}
    for i in range(len(sets)):
        mine = sorted(((s, -(j if a == i else a)) for a, j, s in every if i in (a, j)), reverse=True)[:k]
        best[i] = {-neg for _, neg in mine}
    want = [(i, j) for i, j, _ in every if j in best[i] or i in best[j]]
    assert [(i, j) for i, j, _ in similar_pairs(sets, 0.3, max_near=k)] == want


def _both_ways(sets, threshold, **kw):
    """similar_pairs with every set scored in the loop, then every set scored in numpy."""
    import loaders.text_reuse as tr

    was = tr._BULK_CANDIDATES
    try:
        tr._BULK_CANDIDATES = 10 ** 9
        loop = similar_pairs(sets, threshold, **kw)
        tr._BULK_CANDIDATES = 1
        bulk = similar_pairs(sets, threshold, **kw)
    finally:
        tr._BULK_CANDIDATES = was
    return loop, bulk


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(_alphabet, min_size=1, max_size=8), min_size=2, max_size=24),
       st.sampled_from([None, 1, 2, 5]), st.sampled_from([0.3, 0.6, 1.0]))
def test_numpy_scoring_gives_the_loops_pairs_and_heaps(texts, k, threshold):
    loop, bulk = _both_ways([shingles(t, 2) for t in texts], threshold, max_near=k)
    assert bulk == loop


def test_numpy_scoring_of_a_template_cluster():
    names = [f"{chr(0x4e00 + i)}{chr(0x4e80 + i % 7)}县妇联开展美丽庭院创建活动{'家' * (i % 3)}" for i in range(300)]
    sets = [shingles(t, 3) for t in names]
    ties = [frozenset(range(10)) | {100 + i} for i in range(60)]  # every pair scores 10/12: ties decide
    for k in (None, 4, 32):
        for group in (sets, ties):
            loop, bulk = _both_ways(group, 0.6, max_near=k)
            assert bulk == loop and loop


def test_numpy_scoring_breaks_ties_as_the_loop_does():
    """Small sets over 8 shingles: many equal scores, sets of every size in every index order."""
    rng = random.Random(5)
    for _ in range(40):
        sets = [frozenset(rng.sample(range(8), rng.randint(2, 6))) for _ in range(40)]
        for k in (1, 3):
            loop, bulk = _both_ways(sets, 0.3, max_near=k)
            assert bulk == loop


def test_max_near_bounds_a_cluster_of_near_copies():
    names = [f"{chr(0x4e00 + i)}{chr(0x4e80 + i)}县妇联开展美丽庭院创建活动" for i in range(200)]
    sets = [shingles(t, 3) for t in names]
    assert len(similar_pairs(sets, 0.6)) == 200 * 199 // 2
    assert len(similar_pairs(sets, 0.6, max_near=8)) <= 200 * 8
    with pytest.raises(ValueError, match="max_near"):
        similar_pairs(sets, 0.6, max_near=0)


# -- common phrasing at scale (a synthetic province, no extraction) ------------------

from collections import Counter  # noqa: E402

import pytest  # noqa: E402

from graph.model import Document, Federation, KnowledgeGraph, Passage  # noqa: E402
from graph.nx_store import NetworkxStore  # noqa: E402
from loaders.text_reuse import find_repeats, link_repeats  # noqa: E402
from tests.graph_samples import rel  # noqa: E402

BOILERPLATE = ("坚持以习近平新时代中国特色社会主义思想为指导，以优异成绩迎接党的二十大胜利召开。"
               "团结带领广大妇女为经济社会发展贡献巾帼力量。")
YEARS = (2019, 2020, 2021, 2022)


def _random_clause(rng: random.Random, k: int = 16) -> str:
    return "".join(chr(0x4E00 + rng.randrange(20000)) for _ in range(k))


def synthetic_province(cities: int, counties: int = 4, seed: int = 7) -> KnowledgeGraph:
    """A province, `cities` cities with `counties` counties each, one plan a year per federation.

    Every plan carries the same boilerplate passage; each has a passage of its own wording
    (which its next year's plan repeats: a self link); in each city the first two counties'
    2021 plans share a near-copy (a sibling link)."""
    rng = random.Random(seed)
    kg = KnowledgeGraph()
    prov = kg.add_node(Federation(name="湖南省妇联", level="province"))
    tree = [(prov, None)]
    for c in range(cities):
        city = kg.add_node(Federation(name=f"第{c}市妇联", level="prefecture"))
        rel(kg, "LEADS", prov, city, rule="hierarchy")
        tree.append((city, prov))
        for k in range(counties):
            county = kg.add_node(Federation(name=f"第{c}市第{k}县妇联", level="county"))
            rel(kg, "LEADS", city, county, rule="hierarchy")
            tree.append((county, city))
    shared = {c: _random_clause(rng, 20) for c in range(cities)}
    for fed, _ in tree:
        own = _random_clause(rng)
        name = kg.nodes[fed].name
        for y in YEARS:
            stem = f"{name}{y}"
            texts = [BOILERPLATE, f"{own}。{_random_clause(rng)}；{_random_clause(rng)}。"]
            if name.endswith(("第0县妇联", "第1县妇联")) and y == 2021:
                c = int(name[1:name.index("市")])
                text = shared[c]
                texts.append(text if name.endswith("第0县妇联") else text[:5] + "走近" + text[7:])
            doc = kg.add_node(Document(name=stem, source=f"{stem}.txt", title=stem, issuer=name, year=y,
                                       content_hash="h-" + stem, n_chars=sum(map(len, texts))))
            rel(kg, "ISSUED_BY", doc, fed, doc_id=doc)
            pos = 0
            for i, t in enumerate(texts):
                p = kg.add_node(Passage(name=f"{stem}#{i}", doc_id=doc, index=i, start=pos, end=pos + len(t),
                                        text=t))
                rel(kg, "IN_DOCUMENT", p, doc, doc_id=doc)
                pos += len(t) + 1
    return kg


def _store(kg: KnowledgeGraph) -> NetworkxStore:
    store = NetworkxStore(None)
    store.write(kg)
    return store


def _passages(store) -> int:
    return sum(1 for _, d in store.graph.nodes(data=True) if d.get("label") == "Passage")


def test_repeats_grow_linearly_with_common_phrasing():
    ratios = []
    for cities in (2, 6, 18):
        store = _store(synthetic_province(cities))
        n = link_repeats(store)
        ratios.append(n / _passages(store))
        assert n <= 5 * _passages(store)  # the cap: at most 5 links per repeating passage
    # links per passage stay flat while the corpus grows 9×
    assert max(ratios) <= 1.5 * min(ratios) and max(ratios) <= 2, ratios
    # without the common-phrasing rule the same boilerplate links every pair of plans
    small = _store(synthetic_province(6))
    assert link_repeats(small, max_df=None, max_links=None) > 10 * link_repeats(small)


def test_common_phrasing_links_only_to_the_nearest_ancestor():
    store = _store(synthetic_province(6))
    link_repeats(store)
    rows = store.relationships("REPEATS")
    node = store.graph.nodes
    doc_of = {p: d["doc_id"] for p, d in node(data=True) if d.get("label") == "Passage"}
    issuer = {d: node[d]["issuer"] for d in set(doc_of.values())}
    boiler = [r for r in rows if node[r["start_id"]]["text"] == BOILERPLATE]
    kinds = Counter(r["rule"].split(":")[1] for r in boiler)
    assert kinds == {"vertical": (6 + 24) * len(YEARS)}, kinds  # every city and county plan, once
    starts = Counter(r["start_id"] for r in boiler if r["rule"].endswith(":vertical"))
    assert max(starts.values()) == 1  # one source per repeating passage
    for r in boiler:
        lower, upper = issuer[doc_of[r["start_id"]]], issuer[doc_of[r["end_id"]]]
        if r["rule"].endswith(":vertical"):
            want = "湖南省妇联" if lower.count("市") == 1 and "县" not in lower else lower[:lower.index("市") + 1] + "妇联"
            assert upper == want, (lower, upper)
            assert node[doc_of[r["end_id"]]]["year"] == node[doc_of[r["start_id"]]]["year"]
    # rare wording keeps every kind: a plan repeating its own earlier wording, sibling near-copies
    rules = Counter(r["rule"] for r in rows if node[r["start_id"]]["text"] != BOILERPLATE)
    # each federation's own clause: 2020 repeats 2019, 2021 both, 2022 all three
    assert rules["shingle-jaccard:self"] == (1 + 6 + 24) * 6
    sib = [r for r in rows if r["rule"].endswith(":sibling")]
    assert len(sib) == 6 and all(0.6 <= r["score"] < 1 for r in sib)


def test_max_links_and_max_df_are_checked():
    from loaders.text_reuse import ReuseError

    store = _store(synthetic_province(2))
    with pytest.raises(ReuseError):
        find_repeats(store, max_df=0)
    with pytest.raises(ReuseError):
        find_repeats(store, max_links=0)
    capped, _ = find_repeats(store, max_df=None, max_links=2)
    assert max(Counter(r.start_id for r in capped).values()) == 2


def test_common_phrasing_parity(empty_neo4j):
    kg = synthetic_province(3)
    empty_neo4j.write(kg)
    reference = _store(kg)
    got = [r.properties() for r in find_repeats(empty_neo4j)[0]]
    assert got == [r.properties() for r in find_repeats(reference)[0]] and got
    assert link_repeats(empty_neo4j) == link_repeats(reference) == len(got)


def test_rarity_falls_with_the_share_of_writing_federations():
    from loaders.text_reuse import rarity

    assert rarity(1, 50) == rarity(2, 50) == 1.0  # one federation, or a pair: a borrowing, full weight
    assert rarity(3, 3) < 0.5 and rarity(30, 30) < 0.02  # everyone writing that year: common phrasing
    ladder = [rarity(k, 40) for k in (2, 3, 5, 10, 20, 40)]
    assert ladder == sorted(ladder, reverse=True) and len(set(ladder)) == len(ladder)
    assert rarity(5, 40) > rarity(5, 10)  # the same users are rarer among more writers
    assert all(0.0 <= rarity(k, a) <= 1.0 for a in (1, 2, 3, 10, 100) for k in range(1, a + 1))


def test_common_phrasing_scores_below_rare_wording():
    """In the synthetic province the boilerplate passage is in every plan: its links keep similarity 1
    but a low rarity; a federation's own clause, repeated in its four plans, weighs less than a pair
    of sibling near-copies (two federation-years: full weight)."""
    store = _store(synthetic_province(6))
    rels, _ = find_repeats(store)
    texts = {p: d["text"] for p, d in store.graph.nodes(data=True) if d.get("label") == "Passage"}
    boiler = [r for r in rels if texts[r.start_id] == BOILERPLATE]
    rare = [r for r in rels if texts[r.start_id] != BOILERPLATE]
    assert boiler and rare
    assert all(r.similarity == 1.0 and r.rarity < 0.2 and r.score == round(r.similarity * r.rarity, 6) for r in boiler)
    sibling = [r for r in rare if r.rule.endswith(":sibling")]
    own = [r for r in rare if r.rule.endswith(":self")]
    assert sibling and own and len(sibling) + len(own) == len(rare)
    assert all(r.rarity == 1.0 and r.score == r.similarity for r in sibling)
    assert all(0.5 < r.rarity < 1.0 and r.similarity == 1.0 for r in own)
    assert max(r.score for r in boiler) < min(r.score for r in rare)
    unweighted, _ = find_repeats(store, weigh=False)
    assert all(r.score == r.similarity and r.rarity == 1.0 for r in unweighted)
