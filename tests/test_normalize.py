from loaders.normalize import normalize, to_original_span


def _check_map(orig, norm, omap):
    assert len(omap) == len(norm) + 1
    assert omap[-1] == len(orig)
    assert all(0 <= o < len(orig) for o in omap[:-1])
    assert omap[:-1] == sorted(omap[:-1])


def test_halfwidth_equals_fullwidth():
    a, _ = normalize('开展"美丽庭院"创建,落实(省)要求:好;')
    b, _ = normalize("开展“美丽庭院”创建，落实（省）要求：好；")
    assert a == b


def test_digits_keep_ascii_punct():
    n, _ = normalize("10,000户 10:30 2.5万")
    assert "10,000" in n and "10:30" in n and "2.5" in n


def test_page_break_inside_brackets_and_quotes():
    for raw, want in [
        ("学习《习近\n\n平谈治国理政》新思想", "《习近平谈治国理政》"),
        ("年内评选100户“五\n\n好家庭”“最美家庭”等。", "“五好家庭”"),
        ("关于印发《长沙市望城区妇联2022年工作\n\n要点》的通知", "《长沙市望城区妇联2022年工作要点》"),
    ]:
        n, m = normalize(raw)
        assert want in n
        _check_map(raw, n, m)


def test_page_break_mid_paragraph_joined_but_headings_kept():
    raw = "16. 加强政治建设。始终把党的政治建设摆在首位，对\n\n科级干部开展考察。\n\n二、标题行\n\n1. 下一条。"
    n, _ = normalize(raw)
    assert "对科级干部" in n
    assert "\n\n二、标题行\n\n1. 下一条" in n


def test_short_title_lines_not_joined():
    raw = "湖南省妇联 2022 年工作务虚会召开\n\n湘妹子拍了拍你：全省“娘家人”的新年福利，请查收\n\n今日女报"
    n, _ = normalize(raw)
    assert "召开\n\n湘妹子" in n and "请查收\n\n今日女报" in n
    assert "湖南省妇联2022年工作务虚会召开" in n


def test_bold_removed_and_offsets_map_back():
    raw = "1. **强化理论武装。**发挥好政治引领作用"
    n, m = normalize(raw)
    assert "**" not in n and "强化理论武装。发挥" in n
    i = n.index("发挥")
    a, b = to_original_span(m, i, i + 2)
    assert raw[a:b] == "发挥"
    _check_map(raw, n, m)


def test_spaced_letters_joined():
    n, _ = normalize("湖 南 省 妇 联\n姓 名\t联络员\n曾 琴\t黎 伟 13873083325")
    assert "湖南省妇联" in n and "姓名" in n and "曾琴" in n and "黎伟13873083325" in n


def test_crlf_and_fullwidth_alnum():
    n, m = normalize("ＡＢＣ１２３\r\n第二行")
    assert n == "ABC123\n第二行"
    assert m[len("ABC123\n")] == len("ＡＢＣ１２３\r\n")


def test_empty_and_weird():
    assert normalize("") == ("", [0])
    for s in ["\ud800x", "\x00\x01", "﷽", "\u200b" * 5, "“" * 50]:
        n, m = normalize(s)
        assert len(m) == len(n) + 1
