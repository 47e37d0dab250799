"""Unseen-style snippets: other provinces, half-width punctuation, page breaks, news reports."""

from loaders.extract import extract_text


def ents(res, type_):
    return {e.name: e for e in res.entities if e.type == type_}


def rels(res, type_=None):
    return {(r.head, r.type, r.tail) for r in res.relations if type_ is None or r.type == type_}


def names_and_aliases(res, type_):
    out = set()
    for e in res.entities:
        if e.type == type_:
            out.add(e.name)
            out.update(e.aliases)
    return out


GD = """关于印发《广州市番禺区妇联2023年工作要点》的通知
各镇街妇联:
现将《广州市番禺区妇联2023年工作要点》印发给你们,请认真贯彻落实。
广州市番禺区妇女联合会
2023年3月1日
广州市番禺区妇联2023年工作要点
一、强化思想引领
1.深入开展"巾帼心向党"主题宣讲活动,增强"四个意识"、坚定"四个自信"、做到"两个维护"。认真落实省妇联、市妇联工作部署。
2.精心打造"禺妹之家"服务品牌,实施"百企千岗"巾帼就业行动,创评500户"美丽庭院"。
3.联合民政部门开展关爱困境儿童活动,积极与公安机关对接。宣传贯彻《中华人民共和国妇女权益保障法》。
"""


def test_guangdong_county_plan_halfwidth():
    res = extract_text(GD, "gd.txt")
    feds = ents(res, "Federation")
    assert res.meta.issuer == "广州市番禺区妇联"
    assert res.meta.year == 2023 and res.meta.date == "2023-03-01"
    assert feds["广州市番禺区妇联"].level == "county"
    assert feds["广州市番禺区妇联"].parent == "广州市妇联"
    assert "广东省妇联" in feds and "广州市妇联" in feds
    assert ("广东省妇联", "LEADS", "广州市妇联") in rels(res)
    assert ("广州市妇联", "LEADS", "广州市番禺区妇联") in rels(res)
    camps = names_and_aliases(res, "Campaign")
    assert {"巾帼心向党", "禺妹之家", "百企千岗", "美丽庭院"} <= camps
    assert not {"四个意识", "四个自信", "两个维护"} & camps
    assert "妇女权益保障法" in ents(res, "Law")
    assert ("广州市番禺区妇联", "COORDINATES", "民政部门") in rels(res)
    assert ("广州市番禺区妇联", "COORDINATES", "公安机关") in rels(res)
    r = next(r for r in res.relations if r.tail == "美丽庭院")
    assert any("500户" in t for t in r.targets)


def test_evidence_and_offsets_consistent():
    res = extract_text(GD, "gd.txt")
    n = res.normalized_text
    for r in res.relations:
        assert n[r.start:r.end] == r.evidence
    for e in res.entities:
        for m in e.mentions:
            assert n[m.start:m.end] == m.text
    assert len(res.to_original) == len(n) + 1


SC = """成都市武侯区妇联召开2022年工作会

本报记者 李明

3月5日,成都市武侯区妇联召开2022年工作会。区妇联党组书记、主席张小红出席会议并讲话。会议指出,要深入实施"蓉城巾帼家美行动",持续推进"武侯姐妹微家"建设。
双流区妇联
启动"双流姐妹创业营"项目,开展"家风润双流"活动。
"""


def test_sichuan_news_report_attributes_to_each_federation():
    res = extract_text(SC, "sc.txt")
    assert res.meta.kind == "report"
    assert res.meta.issuer == "成都市武侯区妇联"
    r = rels(res, "IMPLEMENTS")
    camps = names_and_aliases(res, "Campaign")
    assert "蓉城巾帼家美行动" in camps and "双流姐妹创业营" in camps
    assert ("成都市武侯区妇联", "IMPLEMENTS", "蓉城巾帼家美行动") in r
    assert any(h == "成都市双流区妇联" and "双流姐妹创业营" in t for h, _, t in r)
    assert ("张小红", "LEADS", "成都市武侯区妇联") in rels(res)
    assert "李明" in ents(res, "Person")


def test_beijing_district_resolution_and_generic_sets():
    text = "北京市朝阳区妇联2021年工作要点\n各街道妇联、各级妇联、基层妇联要认真开展“朝阳姐妹帮帮团”行动。市妇联将给予指导。"
    res = extract_text(text)
    feds = ents(res, "Federation")
    assert "北京市朝阳区妇联" in feds and feds["北京市朝阳区妇联"].parent == "北京市妇联"
    assert "北京市妇联" in feds
    assert not any("各级" in n or "基层" in n or "街道" in n for n in feds)


def test_page_break_inside_campaign_and_law_names():
    text = "湖南省妇联2022年工作要点\n深入实施“家家幸福安\n\n康工程”，宣传贯彻《家庭教育促\n\n进法》。学习《习近\n\n平谈治国理政》。"
    res = extract_text(text)
    assert "家家幸福安康工程" in ents(res, "Campaign")
    assert "家庭教育促进法" in ents(res, "Law")
    assert not any("治国理政" in n for n in names_and_aliases(res, "Law"))


def test_local_campaigns_without_lexicon_and_slogans_rejected():
    text = ("岳阳市妇联2022年工作要点\n坚持“强三性”“去四化”，服务“三高四新”战略。"
            "精心打造“洞庭湘妹”服务品牌，深入实施湖湘巾帼振兴行动，开展“她力量”巾帼创业大赛。")
    res = extract_text(text)
    camps = names_and_aliases(res, "Campaign")
    assert "洞庭湘妹" in camps and "湖湘巾帼振兴行动" in camps
    assert any("巾帼创业大赛" in c or c == "她力量" for c in camps)
    assert not {"强三性", "去四化", "三高四新"} & camps


def test_department_scoping_by_region():
    a = extract_text("岳阳市妇联2021年工作要点\n联合民政部门开展关爱留守儿童活动。")
    b = extract_text("常德市妇联2021年工作要点\n联合民政部门开展关爱留守儿童活动。")
    da = ents(a, "Department")["民政部门"]
    db = ents(b, "Department")["民政部门"]
    assert da.scope == "岳阳市" and db.scope == "常德市"
    assert da.region_code != db.region_code


def test_own_offices_lead_table():
    text = ("株洲市妇联2022年工作要点\n一、重点工作\n1.开展“株洲巾帼绽放”行动。\n附件\n"
            "序号\t内容\t牵头部室\n1\t“株洲巾帼绽放”行动\t妇女发展部\n2\t“家风传承”宣讲活动\t宣传部\n")
    res = extract_text(text)
    r = rels(res)
    assert ("妇女发展部", "PART_OF", "株洲市妇联") in r
    assert ("妇女发展部", "LEADS", "株洲巾帼绽放") in r
    assert ("宣传部", "LEADS", "家风传承") in r
    assert ents(res, "Department")["妇女发展部"].own_office


def test_robust_inputs():
    for s in ["", "   ", "\x00\ufffd\ud7ff", "妇联" * 1000, "《" * 300 + "》" * 10, "“" * 99, "省妇联", "a" * 100000]:
        res = extract_text(s)
        assert len(res.to_original) == len(res.normalized_text) + 1


def test_deterministic():
    a = extract_text(GD).model_dump_json()
    b = extract_text(GD).model_dump_json()
    assert a == b


JOINT = """北京市妇联2024年工作要点
一、推进重点工作
1.深入开展"巾帼心向党"主题宣讲活动。
2.东城区妇联、西城区妇联要打造"巾帼创业港"示范点。
3.指导东华门街道妇联和交道口街道妇联开展"会改联"试点。
4.联合东城区妇联、西城区妇联开展"最美家庭"评选活动。
5.西城区妇联要深化"美丽庭院"创建。
"""


def _fed_named(res, short):
    return next(n for n in ents(res, "Federation") if n.endswith(short))


def test_joint_doer_list_all_implement():
    res = extract_text(JOINT, "joint.txt")
    assert res.meta.issuer == "北京市妇联"
    impl = rels(res, "IMPLEMENTS")
    dong, xi = _fed_named(res, "东城区妇联"), _fed_named(res, "西城区妇联")
    assert (dong, "IMPLEMENTS", "巾帼创业港") in impl
    assert (xi, "IMPLEMENTS", "巾帼创业港") in impl
    # federations guided by the issuer are the doers of their pilot (u6 朝阳 会改联 convention)
    nan, bei = _fed_named(res, "东华门街道妇联"), _fed_named(res, "交道口街道妇联")
    assert (nan, "IMPLEMENTS", "会改联") in impl
    assert (bei, "IMPLEMENTS", "会改联") in impl


def test_coordination_list_keeps_issuer_as_doer():
    res = extract_text(JOINT, "joint.txt")
    issuer = res.meta.issuer
    impl = rels(res, "IMPLEMENTS")
    dong, xi = _fed_named(res, "东城区妇联"), _fed_named(res, "西城区妇联")
    assert (issuer, "IMPLEMENTS", "最美家庭") in impl
    assert (dong, "IMPLEMENTS", "最美家庭") not in impl
    assert (xi, "IMPLEMENTS", "最美家庭") not in impl
    coord = rels(res, "COORDINATES")
    assert (issuer, "COORDINATES", dong) in coord
    assert (issuer, "COORDINATES", xi) in coord


def test_single_doer_only_named_federation():
    res = extract_text(JOINT, "joint.txt")
    impl = rels(res, "IMPLEMENTS")
    dong, xi = _fed_named(res, "东城区妇联"), _fed_named(res, "西城区妇联")
    assert (xi, "IMPLEMENTS", "美丽庭院") in impl
    assert (dong, "IMPLEMENTS", "美丽庭院") not in impl
    assert (res.meta.issuer, "IMPLEMENTS", "美丽庭院") not in impl
    assert (res.meta.issuer, "IMPLEMENTS", "巾帼心向党") in impl


# ---- news-style documents from elsewhere (issue 12): rules for the kind of sentence ----------
def _ents(text, type_):
    from loaders.extract import extract_text

    return {e.name: e for e in extract_text(text).entities if e.type == type_}


def _rels(text, type_):
    from loaders.extract import extract_text

    return {(r.head, r.tail) for r in extract_text(text).relations if r.type == type_}


NEWS = ("益阳市妇联召开执委会议\n"
        "本报讯（记者 李明 通讯员 王小红）3月2日，益阳市妇联召开执委会议。市妇联党组书记、主席周雅琴主持会议，"
        "副主席、党组成员陈思远作报告。会议增补张秀英、刘芳、赵丽华三人为执委；县人大常委会副主任孙立平、"
        "副县长吴敏到会。钟丽华（市妇联副主席）宣读决定，郭晓东同志当选市妇联执委，何建国等5名同志受到表彰。\n"
        "（赫山区妇联：胡静）\n")


def test_news_persons_are_found_by_title_role_count_and_byline():
    persons = set(_ents(NEWS, "Person"))
    assert {"李明", "王小红", "周雅琴", "陈思远", "张秀英", "刘芳", "赵丽华", "孙立平", "吴敏", "钟丽华", "郭晓东",
            "何建国", "胡静"} <= persons
    assert not persons & {"主席", "执委", "会议", "益阳"}


def test_only_a_chair_leads_the_federation():
    leads = {h for h, t in _rels(NEWS, "LEADS") if t == "益阳市妇联"}
    assert "周雅琴" in leads and "陈思远" not in leads and "钟丽华" not in leads


def test_partner_bodies_in_a_joint_action_are_departments():
    text = ("河南省妇联2024年工作总结\n全国妇联与司法部、教育部、共青团中央联合印发通知。"
            "省妇联联合省教育厅、团省委、省政府妇儿工委办等5部门下发通知。县妇联还联合县妇幼保健院开通绿色通道。"
            "推动形成家校社协同育人格局。")
    depts = set(_ents(text, "Department"))
    assert {"司法部", "教育部", "共青团中央", "省教育厅", "团省委", "省政府妇儿工委办", "县妇幼保健院"} <= depts
    assert "育人格局" not in depts
    coord = _rels(text, "COORDINATES")
    assert ("全国妇联", "司法部") in coord and ("河南省妇联", "团省委") in coord


def test_quoted_names_are_programs_unless_formula_metaphor_or_slogan():
    text = ("株洲市妇联2023年工作总结\n深入开展“巾帼家美积分”，争做“四有”妇联干部，落实“四个更大”要求，"
            "发挥妇女群众“她力量”，以“美丽庭院，从热爱生活开始”为主题，签下“家庭结对连心卡”，"
            "紧扣“引领、服务、联系”的职能定位，开展“春风行动”。")
    camps = set(_ents(text, "Campaign"))
    assert {"巾帼家美积分", "春风行动"} <= camps
    assert not camps & {"四有", "四个更大", "她力量", "美丽庭院，从热爱生活开始", "家庭结对连心卡", "引领、服务、联系"}


def test_list_members_and_collectives():
    text = ("内蒙古自治区妇联2023年工作要点\n深化家家幸福安康、北疆巾帼铸魂、强基扩面促活这三大工程；"
            "抓好创业就业、乡村振兴、生命健康五项巾帼行动；组织基层妇女学党史、妇女干部访妇情、妇联主席讲党课等多种活动；"
            "开展家庭亲子阅读、家庭教育指导等活动。")
    camps = _ents(text, "Campaign")
    assert {"家家幸福安康工程", "北疆巾帼铸魂", "强基扩面促活", "基层妇女学党史", "妇女干部访妇情", "妇联主席讲党课"} <= set(camps)
    assert any("五项巾帼行动" in n for n in camps)
    assert not {"创业就业", "乡村振兴", "家庭亲子阅读", "强基扩面促活这三大工程"} & set(camps)


def test_distributive_list_names_each_federation():
    feds = _ents("长沙市妇联2023年工作要点\n一、指导宁乡市、浏阳市、长沙县等三个县（市）妇联开展美丽庭院创建。", "Federation")
    assert {"长沙市宁乡市妇联", "长沙市浏阳市妇联", "长沙市长沙县妇联"} <= set(feds)
    assert "宁乡市妇联" in feds["长沙市宁乡市妇联"].aliases
    impl = _rels("长沙市妇联2023年工作要点\n一、宁乡市、浏阳市妇联要开展“美丽庭院”创建。", "IMPLEMENTS")
    assert {("长沙市宁乡市妇联", "美丽庭院"), ("长沙市浏阳市妇联", "美丽庭院")} <= impl


def test_autonomous_short_names_and_unit_federations():
    feds = _ents("恩施州妇联召开执委会\n恩施州妇联主席王芳主持。黔东南州妇联、城步县妇联参加。", "Federation")
    assert any(n.startswith("恩施土家族苗族自治州") for n in feds)
    assert any(n.startswith("黔东南苗族侗族自治州") for n in feds)
    assert any("城步苗族自治县" in n for n in feds)
    units = _ents("常州市武进区丁堰街道妇联2022年工作总结\n丁堰街道妇联新建了天虹纺织妇联、青洋幼儿园妇联。", "Federation")
    assert "常州市武进区丁堰街道天虹纺织妇联" in units
    assert ("常州市武进区丁堰街道妇联", "常州市武进区丁堰街道天虹纺织妇联") in _rels(
        "常州市武进区丁堰街道妇联2022年工作总结\n丁堰街道妇联新建了天虹纺织妇联、青洋幼儿园妇联。", "LEADS")


def test_township_lists_and_lead_office_of_a_plan_item():
    text = ("双峰县妇联召开2024年工作推进会\n双峰讯(通讯员 曾小燕)县妇联党组书记、主席谭丽娟出席并讲话。"
            "永丰街道、梓门桥镇、甘棠镇妇联作了交流发言。\n")
    feds = set(_ents(text, "Federation"))
    assert {"娄底市双峰县永丰街道妇联", "娄底市双峰县梓门桥镇妇联", "娄底市双峰县甘棠镇妇联"} <= feds
    notice = ("关于开展系列活动的通知\n一、开展“巾帼大宣讲”进基层活动。由市妇联宣传部牵头，各县妇联组织实施。\n邵阳市妇联\n")
    assert ("宣传部", "巾帼大宣讲") in _rels(notice, "LEADS")


def test_short_autonomous_names_in_a_list_and_dotted_lexicon_names():
    text = ("贵州省妇联召开执委会议\n省妇联党组书记、主席杨红作工作报告，全国妇联副主席黄晓薇出席并讲话。"
            "会议要求持续推进“乡村振兴·巾帼行动”。黔东南州、黔南州、遵义市妇联作交流发言。\n")
    feds = _ents(text, "Federation")
    assert {"黔东南苗族侗族自治州妇联", "黔南布依族苗族自治州妇联", "遵义市妇联"} <= set(feds)
    assert "乡村振兴巾帼行动" in _ents(text, "Campaign")
    assert {"杨红", "黄晓薇"} <= set(_ents(text, "Person"))
    assert ("杨红", "贵州省妇联") in _rels(text, "LEADS") and ("黄晓薇", "全国妇联") not in _rels(text, "LEADS")


def test_names_without_a_han_surname_need_strong_cues_on_both_sides():
    text = ("新疆维吾尔自治区妇联召开执委会\n自治区妇联党组书记、主席阿依古丽·买买提主持会议，副主席次仁卓玛作报告，"
            "鄂尔多斯市妇联主席乌云其其格出席。县人大常委会副主任阙玉英、县委常委兼宣传部长王茂蓉到会。\n")
    persons = set(_ents(text, "Person"))
    assert {"阿依古丽·买买提", "次仁卓玛", "乌云其其格", "阙玉英", "王茂蓉"} <= persons
    assert not persons & {"会副", "兼宣传"}
    assert ("阿依古丽·买买提", "新疆维吾尔自治区妇联") in _rels(text, "LEADS")
