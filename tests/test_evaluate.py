from loaders.evaluate import norm_name, score, result_to_gold_format


def _doc(ents, rels=(), name="d.txt"):
    return {"document": name, "issuer": None, "year": None, "entities": ents,
            "relations": [{"head": h, "type": t, "tail": x} for h, t, x in rels]}


def E(t, n, *aliases):
    return {"type": t, "name": n, "aliases": list(aliases)}


def test_norm_name_quotes_whitespace_nfkc():
    assert norm_name("“巾帼心向党 喜迎二十大”") == "巾帼心向党喜迎二十大"
    assert norm_name("规划(2021-2025年)") == norm_name("规划（2021-2025年）")


def test_strict_alias_matching_and_quote_removal():
    gold = _doc([E("Campaign", "美丽庭院", "美丽庭院创建"), E("Law", "民法典")])
    pred = _doc([E("Campaign", "“美丽庭院”创建"), E("Law", "中华人民共和国民法典", "民法典")])
    r = score([gold], [pred])
    assert r.scores["strict"]["Campaign"].tp == 1
    assert r.scores["strict"]["Law"].tp == 1
    assert r.scores["strict"]["entities"].f1 == 1.0


def test_lenient_containment_needs_four_chars():
    gold = _doc([E("Campaign", "家家幸福安康工程"), E("Campaign", "三进")])
    pred = _doc([E("Campaign", "家家幸福安康"), E("Campaign", "三进活动")])
    r = score([gold], [pred])
    assert r.scores["strict"]["Campaign"].tp == 0
    assert r.scores["lenient"]["Campaign"].tp == 1  # 三进 is shorter than 4 chars
    assert len(r.misses) == 2 and len(r.false_positives) == 2


def test_type_must_match_and_one_to_one():
    gold = _doc([E("Law", "两规"), E("Campaign", "两规")])
    pred = _doc([E("Campaign", "两规"), E("Campaign", "两规", "x")])
    r = score([gold], [pred])
    assert r.scores["strict"]["Campaign"].tp == 1
    assert r.scores["strict"]["Campaign"].fp == 1
    assert r.scores["strict"]["Law"].fn == 1


def test_relations_match_through_entity_aliases():
    gold = _doc([E("Federation", "湖南省妇联", "省妇联"), E("Campaign", "美丽庭院")],
                [("湖南省妇联", "IMPLEMENTS", "美丽庭院")])
    pred = _doc([E("Federation", "省妇联"), E("Campaign", "美丽庭院创建", "美丽庭院")],
                [("省妇联", "IMPLEMENTS", "美丽庭院创建"), ("省妇联", "LEADS", "美丽庭院创建")])
    r = score([gold], [pred])
    assert r.scores["strict"]["IMPLEMENTS"].tp == 1
    assert r.scores["strict"]["LEADS"].fp == 1
    assert abs(r.scores["strict"]["relations"].precision - 0.5) < 1e-9
    assert "IMPLEMENTS" in r.to_json()


def test_result_to_gold_format_roundtrip():
    from loaders.extract import extract_text

    res = extract_text("湖南省妇联2022年工作要点\n大力实施“美丽庭院”创建。", "x.txt")
    g = result_to_gold_format(res)
    assert g["document"] == "x.txt" and g["issuer"] == "湖南省妇联" and g["year"] == 2022
    r = score([g], [g])
    assert r.scores["strict"]["all"].f1 == 1.0
