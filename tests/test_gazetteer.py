from graph.gazetteer import get_gazetteer


def test_lookup_and_canonical_names():
    g = get_gazetteer()
    assert g.lookup("湖南") == ["430000"]
    assert g.federation_name("430000") == "湖南省妇联"
    assert g.federation_name(g.lookup("望城区")[0]) == "长沙市望城区妇联"
    assert g.federation_name(g.lookup("岳阳楼区")[0]) == "岳阳市岳阳楼区妇联"


def test_municipality_skips_pseudo_prefecture():
    g = get_gazetteer()
    code = "110105"  # 朝阳区, Beijing
    assert g.parent(code).name == "北京市"
    assert g.federation_name(code) == "北京市朝阳区妇联"


def test_zones_and_former_names():
    g = get_gazetteer()
    assert "430671" in g.lookup("屈原区")
    assert g.federation_name("430671") == "岳阳市屈原管理区妇联"
    assert "430582" in g.lookup("邵东县")


def test_autonomous_short_forms_and_self_parent_quirk():
    g = get_gazetteer()
    assert "450000" in g.lookup("广西")
    assert g.parent("441900").name == "广东省"  # 东莞市 lists itself as parent
