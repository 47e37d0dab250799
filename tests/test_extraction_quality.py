"""Quality gate on the sample gold (data/gold)."""

from pathlib import Path

import pytest

from loaders.evaluate import evaluate, format_report

GOLD = Path(__file__).resolve().parents[1] / "data" / "gold"


@pytest.mark.skipif(not GOLD.exists(), reason="no sample gold")
def test_sample_gold_thresholds():
    report = evaluate(GOLD)
    text = format_report(report, show_errors=0)
    assert report.f1("entities", "strict") >= 0.95, text
    assert report.f1("relations", "strict") >= 0.90, text
    assert all(d["issuer_ok"] and d["year_ok"] for d in report.documents), report.documents
