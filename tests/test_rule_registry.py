"""Rules are registered units: ids, what they produce and the data they need, documented."""

import json
from pathlib import Path

import pytest

from loaders import registry
from loaders.extract import extract_text
from loaders.patterns import DataFileError, Patterns, load_patterns

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "loaders" / "data"


def test_every_rule_declares_data_that_exists():
    registry._load_all()
    fields = set(Patterns.model_fields) | {"_doc"}
    for rule in registry.RULES.values():
        for need in rule.needs:
            if "." in need or need == "gazetteer":
                assert need == "gazetteer" or (DATA / need).exists(), (rule.id, need)
            else:
                assert need in fields, (rule.id, need)
        assert rule.doc and rule.produces, rule.id


def test_every_rule_id_in_an_extraction_is_registered():
    registry._load_all()
    corpus = sorted((ROOT / "data" / "corpus").glob("*.txt")) + sorted((ROOT / "tests" / "fixtures" / "devset").glob("*/corpus/*.txt"))
    seen = set()
    for path in corpus:
        result = extract_text(path.read_text(encoding="utf-8"), path.name)
        seen.update(r.rule for r in result.relations)
    assert seen and seen <= set(registry.RULES), seen - set(registry.RULES)


def test_annotation_guideline_holds_the_current_rule_table():
    doc = (ROOT / "docs" / "ANNOTATION.md").read_text(encoding="utf-8")
    assert registry.with_rule_table(doc) == doc, "run: python -m loaders.registry --write docs/ANNOTATION.md"


def test_patterns_file_has_no_unread_keys():
    raw = json.loads((DATA / "patterns.json").read_text(encoding="utf-8"))
    assert set(raw) == set(Patterns.model_fields) - {"doc"} | {"_doc"}


def _renamed(d):
    d["zone_wordz"] = d.pop("zone_words")
    return d


@pytest.mark.parametrize("mutate, expect", [
    (_renamed, "zone_wordz: unknown key"),
    (lambda d: {**d, "quant_units": 7}, "quant_units"),
    (lambda d: {**d, "lead_words": [["牵头"]]}, "lead_words"),
    (lambda d: {**d, "person_count_re": "等(["}, "person_count_re: Value error, not a regular expression"),
    (lambda d: {k: v for k, v in d.items() if k != "lead_words"}, "lead_words: Field required"),
    (lambda d: {**d, "variant_min_root_chars": 1}, "variant_min_root_chars: Input should be greater than or equal to 2"),
])
def test_malformed_patterns_name_the_file_line_and_key(tmp_path, mutate, expect):
    bad = tmp_path / "patterns.json"
    data = mutate(json.loads((DATA / "patterns.json").read_text(encoding="utf-8")))
    bad.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    with pytest.raises(DataFileError) as e:
        load_patterns(bad)
    msg = str(e.value)
    assert msg.startswith(str(bad)) and expect in msg, msg


def test_json_syntax_error_names_the_line(tmp_path):
    bad = tmp_path / "patterns.json"
    text = (DATA / "patterns.json").read_text(encoding="utf-8")
    bad.write_text(text.replace('"zone_words": [', '"zone_words": [,', 1), encoding="utf-8")
    line = text[: text.index('"zone_words"')].count("\n") + 1
    with pytest.raises(DataFileError, match=rf"patterns\.json:{line}:\d+: not valid JSON"):
        load_patterns(bad)


def test_missing_patterns_file_says_how_to_restore_it(tmp_path):
    with pytest.raises(DataFileError, match="missing data file"):
        load_patterns(tmp_path / "patterns.json")


def test_malformed_lexicon_line_names_file_and_line(tmp_path, monkeypatch):
    from loaders import resources

    (tmp_path / "campaigns.tsv").write_text("# c\n美丽庭院\t美丽庭院创建\n坏行\ta\tb\n", encoding="utf-8")
    monkeypatch.setattr(resources, "DATA_DIR", tmp_path)
    with pytest.raises(DataFileError, match=r"campaigns\.tsv:3: expected"):
        resources.Lexicon.from_tsv("campaigns.tsv")
