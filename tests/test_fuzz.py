"""Property-based robustness: generated inputs through reading and extraction never break them."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from mutations import mutate
from loaders.extract import extract_text
from loaders.read import decode_text

SAMPLES = sorted((ROOT / "data" / "corpus").glob("*.txt"))
REAL = [p.read_text(encoding="utf-8") for p in SAMPLES]
FUZZ = settings(max_examples=350, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_result(result):
    text = result.normalized_text
    for p in result.passages:
        assert 0 <= p.start <= p.end <= len(text) and text[p.start:p.end] == p.text
    for e in result.entities:
        assert e.name.strip()
        for m in e.mentions:
            assert 0 <= m.start <= m.end <= len(text) and text[m.start:m.end] == m.text
    names = {(e.type, e.name) for e in result.entities}
    for r in result.relations:
        assert 0 <= r.start <= r.end <= len(text)
        assert text[r.start:r.end] == r.evidence
        assert (r.head_type, r.head) in names and (r.tail_type, r.tail) in names
    if result.to_original:
        assert len(result.to_original) >= len(text)


@FUZZ
@given(st.text(max_size=2000))
def test_random_unicode_is_extracted_safely(text):
    check_result(extract_text(text, "random.txt"))


@FUZZ
@given(st.binary(max_size=3000))
def test_random_bytes_decode_or_fail_cleanly(data):
    try:
        text, _encoding = decode_text(data)
    except ValueError:  # not text: the reader turns this into a ReadError reason
        return
    assert isinstance(text, str)
    check_result(extract_text(text, "bytes.txt"))


@FUZZ
@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=0, max_value=len(REAL) - 1))
def test_mutated_real_documents_are_extracted_safely(seed, which):
    rnd = random.Random(seed)
    check_result(extract_text(mutate(REAL[which], rnd), SAMPLES[which].name))
