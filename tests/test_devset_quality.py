"""Quality gate on the development set: thirty real reports from twenty provinces and every level
(tests/fixtures/devset, copied from the shared dev set), plus the sample gold."""

import csv
import shutil
from pathlib import Path

import pytest

from loaders.evaluate import evaluate, format_report

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT / "tests" / "fixtures" / "devset"
SAMPLE_GOLD = ROOT / "data" / "gold"


@pytest.fixture(scope="module")
def devset_dir(tmp_path_factory) -> Path:
    """The three batches in one folder (corpus/, gold/, manifest.csv), as a user would lay them out."""
    out = tmp_path_factory.mktemp("devset")
    (out / "corpus").mkdir()
    (out / "gold").mkdir()
    rows = []
    for batch in sorted(p for p in DEVSET.iterdir() if p.is_dir()):
        for f in (batch / "corpus").iterdir():
            shutil.copy(f, out / "corpus" / f.name)
        for f in (batch / "gold").iterdir():
            shutil.copy(f, out / "gold" / f.name)
        with open(batch / "manifest.csv", encoding="utf-8") as fh:
            rows += list(csv.DictReader(fh))
    with open(out / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["file", "region", "issuer", "year", "date", "url"])
        w.writeheader()
        for r in rows:
            r["file"] = "corpus/" + r["file"]
            w.writerow(r)
    return out


def test_devset_is_complete():
    golds = sorted(DEVSET.glob("*/gold/*.json"))
    docs = sorted(DEVSET.glob("*/corpus/*.txt"))
    assert len(golds) == 30 and len(docs) == 30
    assert {g.stem for g in golds} == {d.stem for d in docs}


@pytest.mark.parametrize("with_manifest", [True, False], ids=["manifest", "text-only"])
def test_devset_thresholds(devset_dir, with_manifest):
    """Scored from the graph the build writes (a rejected document counts as all missed)."""
    manifest = devset_dir / "manifest.csv" if with_manifest else None
    report = evaluate(devset_dir / "gold", devset_dir / "corpus", manifest=manifest)
    text = format_report(report, show_errors=60)
    assert report.f1("entities", "strict") >= 0.90, text
    assert report.f1("relations", "strict") >= 0.80, text


def test_sample_gold_thresholds_hold():
    report = evaluate(SAMPLE_GOLD)
    text = format_report(report, show_errors=0)
    assert report.f1("entities", "strict") >= 0.95, text
    assert report.f1("relations", "strict") >= 0.90, text
