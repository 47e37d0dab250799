"""Shingling, clause cutting and prefix-filtered Jaccard (queries.text_reuse), without a store."""

from __future__ import annotations

import itertools

from hypothesis import given, settings, strategies as st

from queries.text_reuse import clauses, jaccard, norm_clause, shingles, similar_pairs


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
