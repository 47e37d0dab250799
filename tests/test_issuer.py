"""Who issued a document when the text writes only 市妇联 / 县妇联 / 街道妇联: hints, text cues, unresolved."""

import pytest

from loaders.extract import extract_text
from loaders.types import DocHints

# a city federation's own report: it never names its city
CITY_NEWS = ("市妇联召开十届三次执委会议\n"
             "3月2日,市妇联召开十届三次执委(扩大)会议,回顾2022年工作,安排2023年任务。"
             "会议要求,各级妇联组织持续推进“美丽庭院”创建,深入开展“巾帼建功”行动。\n")


def feds(res):
    return {e.name: e for e in res.entities if e.type == "Federation"}


def implements(res):
    return {(r.head, r.tail) for r in res.relations if r.type == "IMPLEMENTS"}


def test_region_hint_resolves_the_short_form():
    res = extract_text(CITY_NEWS, "shaoyang.txt", DocHints(region_code="430500"))
    assert res.meta.issuer == "邵阳市妇联" and res.meta.issuer_level == "prefecture"
    assert res.meta.issuer_region_code == "430500" and res.meta.issuer_unresolved is None
    assert "市妇联" in feds(res)["邵阳市妇联"].aliases
    assert ("邵阳市妇联", "美丽庭院") in implements(res)


@pytest.mark.parametrize("short, region, issuer, level", [
    ("市妇女联合会", "430500", "邵阳市妇联", "prefecture"),
    ("州妇联", "513400", "凉山彝族自治州妇联", "prefecture"),
    ("自治区妇联", "450000", "广西壮族自治区妇联", "province"),
    ("省妇联", "360000", "江西省妇联", "province"),
    ("县妇联", "430626", "岳阳市平江县妇联", "county"),
    ("镇妇联", "430626101", None, "township"),
])
def test_each_short_form_takes_the_hinted_place(short, region, issuer, level):
    from graph.gazetteer import get_gazetteer

    text = f"{short}召开执委会议\n{short}部署开展“美丽庭院”创建。\n"
    res = extract_text(text, "x.txt", DocHints(region_code=region))
    if issuer is None:  # a township: its canonical name from the gazetteer
        issuer = get_gazetteer().federation_name(region)
    assert (res.meta.issuer, res.meta.issuer_level) == (issuer, level)
    assert (issuer, "美丽庭院") in implements(res)
    unbound = extract_text(text, "x.txt")
    assert unbound.meta.issuer_unresolved == short.replace("妇女联合会", "妇联")
    assert feds(unbound)[unbound.meta.issuer].level == level


def test_county_level_city_calls_itself_shi():
    res = extract_text(CITY_NEWS, "liuyang.txt", DocHints(region_code="430181"))
    assert res.meta.issuer == "长沙市浏阳市妇联" and res.meta.issuer_level == "county"


def test_township_code_resolves_jiedao_fulian():
    text = ("街道妇联开展“最美家庭”寻访活动\n近日,街道妇联联合社区开展“最美家庭”寻访活动。"
            "区妇联有关负责人到场指导。\n")
    res = extract_text(text, "street.txt", DocHints(region_code="430104001"))
    assert res.meta.issuer == "长沙市岳麓区望月湖街道妇联" and res.meta.issuer_level == "township"
    assert "长沙市岳麓区妇联" in feds(res)  # 区妇联 in the same context
    assert ("长沙市岳麓区望月湖街道妇联", "最美家庭") in implements(res)


def test_issuer_and_year_hints_override_the_text():
    res = extract_text(CITY_NEWS, "x.txt", DocHints(issuer="衡阳市妇联", year=2024, date="2023-03-03",
                                                   url="http://example.org/a"))
    assert res.meta.issuer == "衡阳市妇联" and res.meta.year == 2024
    assert res.meta.date == "2023-03-03" and res.meta.url == "http://example.org/a"
    assert "市妇联" in feds(res)["衡阳市妇联"].aliases  # the text's short form is that federation


def test_an_issuer_hint_the_gazetteer_cannot_parse_is_kept_as_given():
    text = "局妇联召开执委会\n会议部署开展“巾帼心向党”主题活动。\n"
    res = extract_text(text, "x.txt", DocHints(issuer="某铁路局妇联", region_code="430104001"))
    assert res.meta.issuer == "某铁路局妇联" and res.meta.issuer_level == "township"
    assert "某铁路局妇联" in feds(res)


def test_unresolved_issuer_is_kept_with_its_level_and_document():
    res = extract_text(CITY_NEWS, "city-a.txt")
    name = res.meta.issuer
    assert name == "市妇联（未定位：city-a）" and res.meta.issuer_unresolved == "市妇联"
    ent = feds(res)[name]
    assert ent.unresolved and ent.level == "prefecture" and ent.region_code is None
    assert len(ent.mentions) == 2  # both 市妇联 of the text
    assert (name, "美丽庭院") in implements(res)
    other = extract_text(CITY_NEWS, "city-b.txt")
    assert other.meta.issuer != name  # another document's 市妇联 is another node


@pytest.mark.parametrize("text, issuer", [
    # the title's place, beside the short form
    ("市妇联部署娄底妇女工作\n市妇联主席在会上部署开展“巾帼建功”行动。\n", "娄底市妇联"),
    # the title's place when the title names no federation
    ("邵阳召开全市妇联工作推进会\n平江县妇联主席应邀介绍经验,市妇联主席部署开展“巾帼建功”行动。\n", "邵阳市妇联"),
    # a dateline
    ("县妇联部署今年工作\n双峰讯(通讯员 李红)近日,县妇联召开会议,部署开展“美丽庭院”创建。\n", "娄底市双峰县妇联"),
    # the source line of a county media centre
    ("县妇联举办家庭教育讲座\n县妇联举办“家家幸福安康工程”宣讲。\n来源:汝城县融媒体中心\n", "郴州市汝城县妇联"),
    # 全市 and the one city the text names
    ("市妇联召开执委会议\n会议号召全市妇女立足岗位建功,为建设美丽赣州贡献巾帼力量。\n", "赣州市妇联"),
    # the places of the child federations it names
    ("市妇联召开工作交流会\n会上,南康区妇联、信丰县妇联作交流发言。\n", "赣州市妇联"),
    ("市妇联召开工作交流会\n会上,醴陵市妇联作交流发言。\n", "株洲市妇联"),
    # its chair, named elsewhere with the place
    ("市妇联召开党组会议\n会议由市妇联党组书记、主席刘芳华主持。邵阳市妇联副主席王敏、衡阳市妇联主席刘芳华"
     "此前共同出席了湘南妇女论坛。\n", "衡阳市妇联"),
    # the one federation of its kind the text names with a place
    ("市妇联召开执委会议\n平江县妇联主席应邀出席。会议传达了衡阳市妇联第十次代表大会精神。\n", "衡阳市妇联"),
])
def test_text_cues_find_the_place(text, issuer):
    res = extract_text(text, "cue.txt")
    assert res.meta.issuer == issuer and res.meta.issuer_unresolved is None


def test_signature_line_names_the_writer():
    text = ("岳阳市妇联领导到岳阳县调研\n5月5日,岳阳市妇联主席一行到岳阳县调研,县妇联汇报了“美丽庭院”创建情况。\n"
            "岳阳县妇联\n2023年5月6日\n")
    assert extract_text(text, "sig.txt").meta.issuer == "岳阳市岳阳县妇联"


def test_cited_charter_is_not_the_issuer():
    text = ("街道启动社区妇联换届\n换届依据《中华全国妇女联合会章程》进行。到会的有望月湖街道妇联主席。\n")
    res = extract_text(text, "x.txt", DocHints(region_code="430104001"))
    assert res.meta.issuer == "长沙市岳麓区望月湖街道妇联"


def test_hint_context_wins_over_text_cues_elsewhere():
    # the title names another city; the manifest says where the document is from
    res = extract_text("市妇联赴娄底学习\n市妇联一行赴娄底学习“美丽庭院”创建经验。\n", "x.txt",
                       DocHints(region_code="430500"))
    assert res.meta.issuer == "邵阳市妇联"
