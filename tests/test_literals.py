"""loaders.literals: the prefix-tree regex matches what the longest-first alternation matches."""

import random
import re

from loaders.literals import literal_alternation, words_regex


def _alternation(words):
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def test_same_matches_as_longest_first_alternation_on_random_words_and_texts():
    rng = random.Random(5)
    alphabet = "美丽庭院乡村巾帼家-]^\\.*"
    for _ in range(300):
        words = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5))) for _ in range(rng.randint(1, 12))]
        text = "".join(rng.choice(alphabet) for _ in range(60))
        old, new = re.compile(_alternation(words)), words_regex(words)
        assert [m.span() for m in old.finditer(text)] == [m.span() for m in new.finditer(text)], words
        # inside a larger pattern, backtracking tries the same words in the same order
        tail = "(?:%s)[庭院]"
        assert [m.span() for m in re.finditer(tail % _alternation(words), text)] == \
            [m.span() for m in re.finditer(tail % literal_alternation(words), text)], words


def test_longest_word_at_a_position_wins():
    rx = words_regex(["美丽", "美丽庭院", "庭院"])
    assert [m.group() for m in rx.finditer("创建美丽庭院和美丽乡村")] == ["美丽庭院", "美丽"]


def test_no_words_match_nothing():
    assert literal_alternation([]) == literal_alternation([""]) == ""
    assert words_regex([]).search("任何文字") is None
