"""Generate a realistic synthetic corpus of 妇联 work documents with ground truth.

    python -m benchmarks.generate --docs 1000 --out /tmp/fulian-bench/docs-1000 [--seed 7] [--province 湖南省]

Writes DIR/corpus/*.txt (UTF-8 plans and meeting reports shaped like data/corpus),
DIR/gold/*.json (one gold file per document, in the docs/ANNOTATION.md format) and
DIR/manifest.json (the parameters, the federations, each document's issuer and year, and the
text-reuse truth: `borrowings`, each document that copies a distinctive clause of its parent's or a
sibling's earlier document, with that source and the clause).

The world behind the documents:
- federations follow the gazetteer: province → prefectures → counties → some townships
  (municipalities' 市辖区/县 rows and 省直辖 rows are skipped; development zones,
  codes whose 5th digit is 7, get no federation; townships are 镇, 乡 and 街道 only, not the
  farms, parks and zones of the township table);
- campaigns and laws come from a catalog ranked by popularity (Zipf-like weights);
  each is adopted top-down with lags: the province in its launch year (or the first
  year after), a prefecture one or two years after its parent, a county after its city;
- every federation also has a few local campaigns of its own (invented names in “ ”);
- chairs serve terms; departments (own offices and partner bodies) appear now and then.

Everything is a function of --seed (and --province): the same arguments give the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parents[1]
GAZETTEER = ROOT / "graph" / "data" / "gazetteer"
YEARS = list(range(2014, 2024))  # a decade of work years
DEFAULT_OUT = Path("/tmp/fulian-bench")
DEFAULT_PROVINCE = "湖南省"
PROVINCE_ROOM = 20_000  # documents one province holds at most (湖南省 has room for about 21,000)
NATIONAL = "湖南省,四川省,河南省,山东省,河北省"  # each has room for PROVINCE_ROOM: 100,000 documents

ENTITY_TYPES = ("Federation", "Department", "Campaign", "Law", "Person")
RELATION_TYPES = ("IMPLEMENTS", "LEADS", "COORDINATES", "PART_OF")
RELATION_ENDS = {  # docs/ANNOTATION.md: which entity types each relation joins
    "IMPLEMENTS": {("Federation", "Campaign"), ("Federation", "Law")},
    "LEADS": {("Person", "Federation"), ("Department", "Campaign"), ("Federation", "Federation")},
    "COORDINATES": {("Federation", "Department"), ("Federation", "Federation")},
    "PART_OF": {("Department", "Federation")},
}
LEVELS = ("national", "province", "prefecture", "county", "township", "organ")

PROVINCE_ABBR = {
    "北京市": "京", "天津市": "津", "河北省": "冀", "山西省": "晋", "内蒙古自治区": "蒙", "辽宁省": "辽",
    "吉林省": "吉", "黑龙江省": "黑", "上海市": "沪", "江苏省": "苏", "浙江省": "浙", "安徽省": "皖",
    "福建省": "闽", "江西省": "赣", "山东省": "鲁", "河南省": "豫", "湖北省": "鄂", "湖南省": "湘",
    "广东省": "粤", "广西壮族自治区": "桂", "海南省": "琼", "重庆市": "渝", "四川省": "川", "贵州省": "黔",
    "云南省": "滇", "西藏自治区": "藏", "陕西省": "陕", "甘肃省": "甘", "青海省": "青",
    "宁夏回族自治区": "宁", "新疆维吾尔自治区": "新",
}


# ---------------------------------------------------------------------------
# catalog: (name, theme, launch year, last year or None, style, target kind)
# style "brand": the name stands in “ ”, a generic word may follow (活动, 创建…);
# style "named": the name carries its own distinctive suffix, quoted or not.
# Order = popularity rank (first = most adopted and most mentioned).
# ---------------------------------------------------------------------------

CAMPAIGNS: list[tuple[str, str, int, Optional[int], str, str]] = [
    ("美丽庭院", "dev", 2018, None, "brand", "yard"),
    ("最美家庭", "family", 2014, None, "brand", "family"),
    ("两癌免费检查", "rights", 2014, None, "screen", "screen"),
    ("巾帼心向党", "ideo", 2019, None, "brand", ""),
    ("乡村振兴巾帼行动", "dev", 2018, None, "named", ""),
    ("妇女之家", "org", 2014, None, "brand", "home"),
    ("家家幸福安康工程", "family", 2022, None, "named", ""),
    ("百千万巾帼大宣讲", "ideo", 2018, None, "named", ""),
    ("巾帼文明岗", "dev", 2014, None, "brand", ""),
    ("妇女微家", "org", 2017, None, "brand", "home"),
    ("春蕾计划", "family", 2014, None, "named", ""),
    ("领头雁", "org", 2018, None, "brand", "train"),
    ("三八红旗手", "dev", 2014, None, "brand", ""),
    ("把爱带回家", "family", 2016, None, "brand", ""),
    ("五好家庭", "family", 2014, None, "brand", ""),
    ("巾帼建功", "dev", 2014, None, "brand", ""),
    ("文明家庭", "family", 2015, None, "brand", "family"),
    ("我为妇女群众办实事", "ideo", 2021, None, "brand", ""),
    ("爱心妈妈", "family", 2015, None, "brand", ""),
    ("巾帼创业贷", "dev", 2015, None, "brand", "loan"),
    ("千乡万村送法", "rights", 2016, None, "brand", ""),
    ("家庭教育宣传周", "family", 2019, None, "named", ""),
    ("巾帼脱贫行动", "dev", 2016, 2020, "named", ""),
    ("清廉家庭", "family", 2019, None, "brand", ""),
    ("母亲邮包", "rights", 2014, None, "brand", ""),
    ("创新创业巾帼行动", "dev", 2016, None, "named", ""),
    ("平安家庭", "rights", 2014, None, "brand", ""),
    ("党史学习教育", "ideo", 2021, 2022, "named", ""),
    ("女性素质提升工程", "dev", 2017, None, "named", "train"),
    ("妇女儿童之家", "org", 2014, None, "brand", "home"),
    ("绿色家庭", "family", 2020, None, "brand", ""),
    ("好家风好家教巡讲", "family", 2016, None, "brand", ""),
    ("巾帼大宣讲", "ideo", 2016, None, "brand", ""),
    ("春风行动", "dev", 2014, None, "brand", ""),
    ("母亲健康快车", "rights", 2014, None, "brand", ""),
    ("团体会员倍增计划", "org", 2019, None, "named", ""),
    ("清廉妇联", "party", 2021, None, "brand", ""),
    ("巾帼维权岗", "rights", 2015, None, "brand", ""),
    ("廉洁好家风", "family", 2017, None, "brand", ""),
    ("科技创新巾帼行动", "dev", 2021, None, "named", ""),
    ("无烟家庭", "family", 2016, None, "brand", ""),
    ("巾帼家政服务专项培训工程", "dev", 2017, None, "named", "train"),
    ("女童权益保护百场宣讲", "rights", 2019, None, "brand", ""),
    ("书香之家", "family", 2016, None, "brand", ""),
    ("巾帼现代农业示范基地", "dev", 2016, None, "brand", ""),
    ("网上妇联", "org", 2016, None, "brand", ""),
    ("模范机关", "party", 2020, None, "brand", ""),
    ("执委大走访", "org", 2019, None, "brand", ""),
    ("破难行动", "org", 2020, None, "brand", ""),
    ("两学一做学习教育", "party", 2016, 2017, "named", ""),
    ("贫困两癌妇女救助", "rights", 2014, None, "named", ""),
    ("巾帼心向党·喜迎二十大", "ideo", 2022, 2022, "brand", ""),
]

BRAND_SUFFIX = {  # generic words that may follow a quoted brand name
    "ideo": ["活动", "系列活动", "主题宣传活动"],
    "dev": ["活动", "创建", "创建活动"],
    "family": ["活动", "创建", "寻找活动"],
    "rights": ["活动", "专项活动", "项目"],
    "org": ["建设", "创建", "工作"],
    "party": ["建设", "创建"],
}

# (canonical name, full title or None, enacted, last year or None, theme); "{P}" = the province
LAWS: list[tuple[str, Optional[str], int, Optional[int], str]] = [
    ("民法典", "中华人民共和国民法典", 2020, None, "rights"),
    ("反家庭暴力法", "中华人民共和国反家庭暴力法", 2016, None, "rights"),
    ("家庭教育促进法", "中华人民共和国家庭教育促进法", 2021, None, "family"),
    ("妇女权益保障法", "中华人民共和国妇女权益保障法", 2014, None, "rights"),
    ("{P}家庭教育促进条例", None, 2017, None, "family"),
    ("未成年人保护法", "中华人民共和国未成年人保护法", 2014, None, "rights"),
    ("中国妇女发展纲要（2021-2030年）", None, 2021, None, "rights"),
    ("婚姻法", "中华人民共和国婚姻法", 2014, 2020, "rights"),
    ("{P}妇女儿童发展规划（2021-2025年）", None, 2021, None, "rights"),
    ("中国儿童发展纲要（2021-2030年）", None, 2021, None, "family"),
    ("中国妇女发展纲要（2011-2020年）", None, 2014, 2020, "rights"),
    ("预防未成年人犯罪法", "中华人民共和国预防未成年人犯罪法", 2014, None, "rights"),
    ("{P}反家庭暴力条例", None, 2018, None, "rights"),
    ("关于新形势下党内政治生活的若干准则", None, 2016, None, "party"),
]

OWN_OFFICES = {"ideo": "宣传部", "dev": "妇女发展部", "family": "家庭和儿童工作部", "rights": "权益部",
               "org": "组织联络部", "party": "办公室"}
PARTNERS = ["民政部门", "公安机关", "爱卫办", "组织部门", "统战部门", "民宗部门", "公检法司", "教育部门",
            "人社部门", "卫健部门", "司法行政部门", "农业农村部门", "文明办"]

THEMES = ["ideo", "dev", "family", "rights", "org", "party"]
HEADINGS = {
    "ideo": ["强化政治引领，凝聚广大妇女思想共识", "深化思想引领，把握妇联工作正确政治方向",
             "扛好思想引领大旗，把广大妇女团结凝聚在党的周围"],
    "dev": ["做实巾帼行动，引领广大妇女建功立业", "聚焦高质量发展，团结引领妇女服务中心大局",
            "融入高质量发展大潮，动员广大妇女在新征程中建功"],
    "family": ["深化家庭工作，大力弘扬优良家教家风", "推动社会治理，展现广大家庭文明新风",
               "聚焦家庭建设，推动形成社会主义家庭文明新风尚"],
    "rights": ["维护合法权益，提高妇女儿童幸福感安全感", "助力民生保障，维护广大妇儿合法权益",
               "强化维权服务，切实维护妇女儿童合法权益"],
    "org": ["推进基层改革，始终保持政治性先进性群众性", "解决突出问题，推动妇联改革纵深发展",
            "夯实基层基础，激发妇联组织生机活力"],
    "party": ["坚持党的领导，把妇联建设成温暖“娘家”", "全面从严治党，加强妇联组织自身建设",
              "加强自身建设，打造忠诚干净担当的妇联队伍"],
}
ITEM_TITLES = {
    "ideo": ["推进理论引领", "强化活动引领", "深化典型引领", "强化理论武装", "抓好主题教育", "夯实宣传阵地"],
    "dev": ["助力乡村振兴", "促进创业就业", "做实巾帼志愿服务", "推动建功立业", "提升妇女素质"],
    "family": ["深化家庭文明建设", "深化家庭教育指导", "深化家庭服务工作", "弘扬优良家风"],
    "rights": ["健全维权机制", "加强普法宣传", "深化维权服务", "关爱妇儿健康"],
    "org": ["强化妇联组织建设", "激发妇联组织活力", "用活妇联组织阵地", "推进基层改革"],
    "party": ["突出政治建设", "坚持正风肃纪", "提升服务本领", "打造过硬队伍"],
}
FILLERS = [
    "引导广大妇女积极投身美丽宜居乡村建设", "推动党的创新理论走进妇女群众身边、走进妇女群众心里",
    "团结带领广大妇女建功新时代", "充分展现新时代女性健康向上的时代风采", "不断提升妇女群众的获得感幸福感安全感",
    "形成培养一个、带动一批、影响一片的辐射效应", "切实解决妇女群众急难愁盼问题", "打通服务妇女的最后一公里",
    "以好的家风滋养好的社会风气", "引导家庭成员共同参与基层社会治理", "推动工作重心下移、力量下沉",
    "提高引领、服务、联系妇女群众的能力水平", "常态化开展走访慰问和关爱帮扶", "营造全社会关心关爱妇女儿童的良好氛围",
    "确保各项工作任务落地见效", "为妇女群众提供更加精准有效的服务", "整合各类资源形成工作合力",
    "推动妇女儿童事业高质量发展", "引导广大妇女尊法学法、守法用法", "加强妇女健康宣传工作",
    "倡导广大妇女践行健康生活方式", "不断扩大妇联工作的覆盖面和影响力", "着力打造一批可复制可推广的工作品牌",
    "持续扩大项目覆盖面和受益面", "探索建立长效工作机制", "推动形成家校社协同育人格局",
    "积极为巾帼志愿者搭建公益服务平台", "引领妇女坚定不移听党话、跟党走", "在乡村振兴中贡献巾帼力量",
    "促进妇女更加充分更高质量就业", "及时了解妇女群众对美好生活的新需求新期盼", "筑牢家庭反腐倡廉防线",
]
GENERIC = [
    "坚持把学习贯彻新时代党的创新理论作为首要政治任务，推动学习往深里走、往心里走、往实里走。",
    "善用身边媒体、身边典型、身边故事引领妇女群众，主推原创作品，开设专题报道。",
    "建立健全学习培训制度，举办基层妇联执委、妇联新媒体工作人员专题培训班。",
    "积极推进新形势下妇女工作与互联网深度融合，不断扩大网上妇联工作覆盖面。",
    "组织妇女职业技能培训，搭建女性就业创业服务线上线下平台，促进妇女就近就地就业。",
    "发掘选树一批优秀女性创业典型，发挥优秀妇女的示范带动作用。",
    "壮大巾帼志愿者队伍，完善志愿服务激励机制，号召广大妇女在孝老爱亲、美丽宜居村庄建设等领域贡献力量。",
    "重视困境弱势女性的帮扶和引领，整合各级专项资金和社会公益资源，拓展贫困患病妇女儿童的救助渠道。",
    "常态化开展重点对象、重点家庭的矛盾纠纷排查工作，完善并落实反家暴工作部门联动机制。",
    "继续探索建立集信访接待、法律援助、婚姻调解、心理疏导、危机干预于一体的综合维权服务体系。",
    "关注妇女儿童领域网络舆情，提高线上发声能力，跟进做好线下维权服务。",
    "以社会主义核心价值观为统领，聚焦推进移风易俗，引导广大家庭成员崇德向善。",
    "推动建立家校社协同育人机制，构建覆盖城乡的家庭教育指导服务体系，不断壮大家庭教育指导队伍。",
    "切实关爱困境儿童，引导结对爱心人士加强对困境儿童的学习、心理和健康帮扶。",
    "加强对女性社会组织的引领、联系和服务，促进其健康有序发展并积极参与基层社会治理。",
    "织密建强妇联组织网络，加强非公企业、社会组织、新就业群体领域妇女组织建设。",
    "确保各级妇联干部、妇联执委每年接受不少于1次培训，提高履职能力和服务水平。",
    "推行主席轮值、建立执委工作站、分级述职等举措，不断提升妇联干部的服务能力和工作水平。",
    "落实全面从严治党主体责任，巩固拓展主题教育成果，严格执行重大事项请示报告制度。",
    "深入开展对党忠诚教育，督促引导党员干部严守政治纪律和政治规矩。",
    "大兴调查研究之风，坚持工作重心下移，提升基层妇联亮牌服务水平。",
    "加强党支部标准化建设，筑牢廉政防线，锻造一支忠诚干净担当的妇联干部队伍。",
    "发挥妇联群团组织优势，通过结对共建、结对帮扶、结对服务，常态化开展惠民实事和政策宣传。",
    "及时跟进学习习近平总书记最新重要讲话精神，领会新发展阶段、新发展理念、新发展格局的深刻内涵。",
    "加强妇女儿童发展状况调查研究，形成一批有质量的调研报告，为党委政府决策提供参考。",
    "推动出台支持妇女创业就业的政策措施，协调解决妇女创业融资难题。",
    "做好信访维权基础工作，用好维权和心理援助服务热线，针对家庭暴力等重大侵权案件及时发声。",
    "引导广大家庭参与垃圾分类、制止餐饮浪费等活动，养成良好卫生习惯和文明健康生活方式。",
    "加强对妇联系统、社会组织、志愿者等维权骨干的专题培训，提升依法维权能力。",
    "聚焦党建督查反馈和民主生活会查摆的问题，明确责任分工，抓好整改落实。",
]
NOISE = [
    "不断增强“四个意识”、坚定“四个自信”、做到“两个维护”。",
    "坚持“强三性”“去四化”，全面履行引领、服务、联系妇女的职能。",
    "在“三八”“六一”等重要节点，走访慰问困境妇女儿童。",
    "联合有关部门共同开展维权服务，对于侵害妇女儿童合法权益的案事件，及时联系干预、协调处置。",
    "指导各级妇联、基层妇联和村（社区）妇联积极参与基层社会治理。",
    "深刻认识“两个确立”的决定性意义，坚决做到“两个维护”。",
    "落实意识形态工作责任制，做好舆论引导工作。",
    "积极向党委政府建言献策、反映群众呼声。",
    "发挥团体会员、社会组织、巾帼志愿者等群体的独特作用，联动社会各界力量。",
    "持之以恒纠“四风”去“四化”，力戒形式主义、官僚主义。",
]
YEAR_PHRASE = {
    2014: "全面贯彻落实党的十八届三中全会精神的开局之年", 2015: "全面完成“十二五”规划的收官之年",
    2016: "“十三五”规划的开局之年", 2017: "党的十九大召开之年", 2018: "全面贯彻党的十九大精神的开局之年",
    2019: "新中国成立70周年", 2020: "全面建成小康社会和“十三五”规划收官之年",
    2021: "中国共产党成立100周年，也是“十四五”规划开局之年", 2022: "党的二十大召开之年",
    2023: "全面贯彻落实党的二十大精神的开局之年",
}
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
            "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万严覃")
GIVEN = "芳丽娟敏静霞燕红艳玲萍琴英华慧婷兰春梅琳洁颖雪莉倩晶亚丹玉凤秀利群珍蓉佳怡欣悦雯岚湘瑶翠云"
LOCAL_HEAD = ["暖心", "筑梦", "护航", "启航", "连心", "微光", "同心", "绽放", "助力", "领航", "巾帼", "她力量",
              "馨香", "康宁", "和美", "幸福", "红色", "凤凰", "花开", "耀"]
LOCAL_TAIL = ["行动", "工程", "计划", "项目", "之家"]


# ---------------------------------------------------------------------------
# the federation hierarchy, from the gazetteer
# ---------------------------------------------------------------------------

@dataclass
class Fed:
    name: str  # canonical: place chain + 妇联
    level: str
    code: str
    place: str  # the division's own name (望城区)
    short: str  # place without its generic suffix (望城)
    self_ref: str  # how the federation calls itself in its own text (市妇联, 区妇联…)
    parent: Optional["Fed"] = None
    children: list["Fed"] = field(default_factory=list)
    chairs: list[tuple[int, str]] = field(default_factory=list)  # (from year, name)
    locals: list[tuple[str, str, int, str]] = field(default_factory=list)  # (name, surface, start, theme)
    adopted: dict[str, int] = field(default_factory=dict)  # campaign/law name -> first year

    def ref_from_child(self) -> str:
        """How a child federation's document names this one."""
        if self.level == "province":
            return "省妇联" if self.place.endswith("省") else ("市妇联" if self.place.endswith("市") else "区妇联")
        if self.level == "prefecture":
            return "州妇联" if self.place.endswith("州") else ("市妇联" if self.place.endswith("市") else self.name)
        if self.level == "county":
            if self.place.endswith("区"):
                return "区妇联"
            if self.place.endswith("县"):
                return "县妇联"
            return self.place + "妇联"
        return self.name

    def chair(self, year: int) -> str:
        name = self.chairs[0][1]
        for start, who in self.chairs:
            if start <= year:
                name = who
        return name

    def scope(self) -> str:
        return {"province": "全省", "prefecture": "全州" if self.place.endswith("州") else "全市",
                "county": "全区" if self.place.endswith("区") else ("全县" if self.place.endswith("县") else "全市"),
                "township": "全街道" if self.place.endswith("街道") else ("全乡" if self.place.endswith("乡") else "全镇"),
                }.get(self.level, "全系统")


def _short(place: str) -> str:
    if place == "内蒙古自治区":
        return "内蒙古"
    if "自治" in place or len(place) > 4:
        return place[:2]
    for suffix in ("街道", "省", "市", "区", "县", "镇", "乡", "州", "盟", "旗"):
        if place.endswith(suffix) and len(place) > len(suffix) + 1:
            return place[: -len(suffix)]
    return place


def _self_ref(level: str, place: str) -> str:
    if level == "province":
        return "省妇联" if place.endswith("省") else ("市妇联" if place.endswith("市") else "区妇联")
    if level == "prefecture":
        for suffix, ref in (("州", "州妇联"), ("地区", "地区妇联"), ("盟", "盟妇联")):
            if place.endswith(suffix):
                return ref
        return "市妇联"
    if level == "county":  # a county-level city says its own name: 市妇联 is its prefecture
        return "区妇联" if place.endswith("区") else ("县妇联" if place.endswith("县") else place + "妇联")
    return "街道妇联" if place.endswith("街道") else ("乡妇联" if place.endswith("乡") else "镇妇联")


# township rows the generated texts can speak of (镇妇联 / 全乡 / 街道妇联 …, see _self_ref and Fed.scope)
TOWNSHIP_SUFFIXES = ("镇", "乡", "街道")


def load_hierarchy(province: str) -> Fed:
    """The province's federation tree (all counties; all townships, pruned later)."""
    rows = {}
    with open(GAZETTEER / "divisions.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            rows[r["code"]] = r
    prov = next((r for r in rows.values() if r["level"] == "province" and
                 (r["name"] == province or r["name"].startswith(province))), None)
    if prov is None:
        raise SystemExit(f"unknown province {province!r}: give a name from {GAZETTEER / 'divisions.csv'}")
    root = Fed(prov["name"] + "妇联", "province", prov["code"], prov["name"], _short(prov["name"]),
               _self_ref("province", prov["name"]))
    by_code: dict[str, Fed] = {}
    passthrough = {}  # 市辖区 / 县 / 省直辖 rows: their counties hang from the province
    for r in rows.values():
        if r["level"] == "prefecture" and r["parent_code"] == prov["code"]:
            if r["name"] in ("市辖区", "县") or "直辖" in r["name"]:
                passthrough[r["code"]] = r["name"]
                continue
            f = Fed(r["name"] + "妇联", "prefecture", r["code"], r["name"], _short(r["name"]),
                    _self_ref("prefecture", r["name"]), parent=root)
            root.children.append(f)
            by_code[r["code"]] = f
    municipality = prov["name"].endswith("市")
    for r in sorted(rows.values(), key=lambda r: r["code"]):
        if r["level"] != "county" or r["code"][4] == "7":  # 5th digit 7: development zone
            continue
        if r["parent_code"] in by_code:
            parent = by_code[r["parent_code"]]
            name = parent.place + r["name"] + "妇联"
        elif r["parent_code"] in passthrough:
            parent = root
            name = (prov["name"] if municipality else "") + r["name"] + "妇联"
        else:
            continue
        f = Fed(name, "county", r["code"], r["name"], _short(r["name"]), _self_ref("county", r["name"]), parent=parent)
        parent.children.append(f)
        by_code[r["code"]] = f
    prefix = prov["code"][:2]
    with open(GAZETTEER / "townships.csv", encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith(prefix):
                continue
            code, name, level, parent_code = line.rstrip("\n").split(",")
            if not name.endswith(TOWNSHIP_SUFFIXES):
                continue  # farms, parks, zones (隆平高科技园, 蓝山黄毛岭茶场): not a 镇/乡/街道 the texts can describe
            county = by_code.get(parent_code)
            if county is None or county.level != "county":
                continue
            chain = county.name[: -len("妇联")]
            f = Fed(chain + name + "妇联", "township", code, name, _short(name), _self_ref("township", name),
                    parent=county)
            county.children.append(f)
    for p in root.children:
        p.children.sort(key=lambda f: f.code)
    return root


def walk(f: Fed):
    yield f
    for c in f.children:
        yield from walk(c)


# ---------------------------------------------------------------------------
# the world: which federations write, who adopted what and when
# ---------------------------------------------------------------------------

def _person(rng: random.Random, used: set[str]) -> str:
    for _ in range(100):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        if name not in used:
            used.add(name)
            return name
    return name


def _lag(rng: random.Random, weights=(0.15, 0.5, 0.35)) -> int:
    return rng.choices((0, 1, 2), weights=weights)[0]


@dataclass
class Item:
    name: str
    kind: str  # Campaign | Law
    theme: str
    launch: int
    last: Optional[int]
    style: str
    target: str
    weight: float
    full: Optional[str] = None  # law full title


def catalog(province: str) -> list[Item]:
    items = []
    for rank, (name, theme, launch, last, style, target) in enumerate(CAMPAIGNS):
        items.append(Item(name, "Campaign", theme, launch, last, style, target, 1.0 / (rank + 1) ** 0.9))
    for rank, (name, full, launch, last, theme) in enumerate(LAWS):
        items.append(Item(name.replace("{P}", province), "Law", theme, launch, last, "law", "",
                          1.0 / (rank + 1) ** 0.9, full))
    return items


def build_world(province: str, n_docs: int, seed: int):
    rng = random.Random(f"world:{seed}:{province}")
    root = load_hierarchy(province)
    items = catalog(province)
    # how many prefectures take part grows with the corpus (denser lineage in small corpora)
    prefs = list(root.children)
    rng.shuffle(prefs)
    n_pref = len(prefs) if not prefs else max(2, min(len(prefs), math.ceil(n_docs / 60)))
    keep = set(id(p) for p in prefs[:n_pref])
    root.children = [p for p in root.children if id(p) in keep or p.level == "county"]
    # shares of documents per level; overflow flows down to townships
    share = {"province": 0.03, "prefecture": 0.17, "county": 0.55}
    slots: list[tuple[Fed, int, str]] = []
    plan_counts = {}
    prefs = [f for f in root.children if f.level == "prefecture"]
    counties = [c for f in root.children for c in ([f] if f.level == "county" else f.children) if c.level == "county"]
    for level, feds in (("province", [root]), ("prefecture", prefs), ("county", counties)):
        want = round(n_docs * share[level])
        cap = len(feds) * len(YEARS) * 2
        plan_counts[level] = min(want, cap)
    plan_counts["township"] = n_docs - sum(plan_counts.values())
    towns_all = [t for c in counties for t in c.children]
    n_towns = min(len(towns_all), max(1, math.ceil(plan_counts["township"] / 4))) if plan_counts["township"] > 0 else 0
    while n_towns and n_towns * len(YEARS) < plan_counts["township"]:  # tiny provinces: spread wider
        n_towns = min(len(towns_all), n_towns * 2)
        if n_towns == len(towns_all):
            break
    rng.shuffle(towns_all)
    towns = sorted(towns_all[:n_towns], key=lambda t: t.code)
    chosen_towns = set(id(t) for t in towns)
    for c in counties:
        c.children = [t for t in c.children if id(t) in chosen_towns]
    levels = {"province": [root], "prefecture": prefs, "county": counties, "township": towns}
    for level, feds in levels.items():
        need = plan_counts[level]
        if need <= 0 or not feds:
            continue
        kinds = ("plan", "report") if level != "township" else ("plan",)
        pool = [(f, y, k) for f in feds for y in YEARS for k in kinds]
        # plans first, then reports: most documents are plans
        plans = [s for s in pool if s[2] == "plan"]
        reports = [s for s in pool if s[2] == "report"]
        rng.shuffle(plans)
        rng.shuffle(reports)
        n_rep = min(len(reports), int(need * 0.25))
        pick = plans[: need - n_rep] + reports[:n_rep]
        if len(pick) < need:
            pick += reports[n_rep: n_rep + need - len(pick)]
        slots += pick
    if len(slots) < n_docs:
        raise SystemExit(f"{province} is too small for {n_docs} documents (room for {len(slots)})")
    # chairs and local campaigns for every federation that appears
    used_people: set[str] = set()
    used_local: set[str] = {it.name for it in items}
    active = [root] + prefs + counties + towns
    for f in active:
        frng = random.Random(f"fed:{seed}:{f.code}")
        change = frng.randint(2016, 2021)
        f.chairs = [(YEARS[0], _person(frng, used_people)), (change, _person(frng, used_people))]
        n_local = {"province": 3, "prefecture": 2, "county": 2, "township": 1}[f.level] + frng.randint(0, 1)
        for _ in range(n_local):
            for _try in range(20):
                head = f.short if frng.random() < 0.6 else frng.choice(("湘", "巾帼", "她", "红", "暖", "美"))
                core = frng.choice(LOCAL_HEAD)
                if head == core:
                    continue
                tail = frng.choice(LOCAL_TAIL)
                inside = frng.random() < 0.5  # “望城暖心工程” vs “望城暖心”工程
                base = head + core
                name = base + tail if inside else base
                if name in used_local or base in used_local:
                    continue
                used_local.add(name)
                used_local.add(base)
                surface = f"“{name}”" if inside else f"“{base}”{tail}"
                f.locals.append((name, surface, frng.choice(YEARS[:-1]), frng.choice(THEMES[:5])))
                break
    # top-down adoption with lags
    wmax = max(it.weight for it in items)
    for it in items:
        irng = random.Random(f"adopt:{seed}:{it.name}")
        p = 0.3 + 0.65 * math.sqrt(it.weight / wmax)
        if it.kind == "Law":
            p = min(0.97, p + 0.15)
        start = max(it.launch, YEARS[0])

        def spread(f: Fed, year: int, prob: float) -> None:
            if it.last is not None and year > it.last:
                return
            f.adopted[it.name] = year
            for c in f.children:
                if irng.random() < prob:
                    lag = _lag(irng) if c.level != "township" else _lag(irng, (0.3, 0.5, 0.2))
                    if year + lag <= YEARS[-1]:
                        spread(c, year + lag, prob)

        if irng.random() < min(1.0, p + 0.35):
            spread(root, start + (1 if irng.random() < 0.2 else 0), p)
    return root, slots, items, used_people


# ---------------------------------------------------------------------------
# one document: text and gold together
# ---------------------------------------------------------------------------

class Doc:
    def __init__(self, issuer: Fed, year: int, kind: str, rng: random.Random, items: dict[str, Item],
                 used_people: set[str]):
        self.issuer, self.year, self.kind, self.rng, self.items = issuer, year, kind, rng, items
        self.used_people = used_people
        self.entities: dict[tuple[str, str], dict] = {}
        self.relations: set[tuple[str, str, str]] = set()
        self.feds: dict[str, Fed] = {}
        self.lines: list[str] = []
        self.fed(issuer, issuer.name)

    # -- gold bookkeeping ---------------------------------------------------
    def _entity(self, etype: str, name: str, alias: Optional[str] = None, **extra) -> str:
        key = (etype, name)
        e = self.entities.get(key)
        if e is None:
            e = self.entities[key] = {"type": etype, "name": name, "aliases": set(), **extra}
        if alias:
            alias = alias.replace("“", "").replace("”", "").replace("《", "").replace("》", "")
            if alias != name:
                e["aliases"].add(alias)
        return name

    def fed(self, f: Fed, surface: str) -> str:
        self.feds[f.name] = f
        self._entity("Federation", f.name, surface, level=f.level)
        return surface

    def implements(self, surface_of: str, name: str, etype: str, who: Optional[Fed] = None) -> str:
        self._entity(etype, name, surface_of)
        self.relations.add(((who or self.issuer).name, "IMPLEMENTS", name))
        return surface_of

    def campaign(self, it_or_local, who: Optional[Fed] = None, generic: bool = True) -> str:
        """The campaign's surface form in this sentence (and its gold)."""
        rng = self.rng
        if isinstance(it_or_local, tuple):  # local campaign
            name, surface = it_or_local[0], it_or_local[1]
            return self.implements(surface, name, "Campaign", who)
        it: Item = it_or_local
        if it.style == "named":
            surface = it.name if rng.random() < 0.6 else f"“{it.name}”"
        elif it.style == "screen":
            surface = rng.choice(("“两癌”免费检查", "“两癌”免费检查重点民生实事项目", "“两癌”免费检查项目"))
        else:
            surface = f"“{it.name}”"
            if generic and rng.random() < 0.55:
                surface += rng.choice(BRAND_SUFFIX[it.theme])
        return self.implements(surface, it.name, "Campaign", who)

    def law(self, it: Item) -> str:
        surface = it.full if (it.full and self.rng.random() < 0.4) else it.name
        return self.implements(f"《{surface}》", it.name, "Law")

    def person_leads(self, name: str, f: Fed) -> None:
        self._entity("Person", name)
        self.relations.add((name, "LEADS", f.name))

    def gold(self, source: str) -> dict:
        # a parent federation leads each child federation named in the same document
        for f in list(self.feds.values()):
            if f.parent is not None and f.parent.name in self.feds:
                self.relations.add((f.parent.name, "LEADS", f.name))
        ents = []
        for (etype, name), e in sorted(self.entities.items(), key=lambda kv: (kv[0][0], kv[0][1])):
            row = {"type": etype, "name": name, "aliases": sorted(e["aliases"])}
            if etype == "Federation":
                row["level"] = e["level"]
            ents.append(row)
        rels = [{"head": h, "type": t, "tail": tl} for h, t, tl in sorted(self.relations)]
        return {"document": source, "issuer": self.issuer.name, "year": self.year, "entities": ents,
                "relations": rels}

    # -- writing --------------------------------------------------------------
    def filler(self) -> str:
        return self.rng.choice(FILLERS)

    def target(self, it, n_scale: float) -> str:
        rng = self.rng
        kind = "" if isinstance(it, tuple) else it.target
        n = lambda lo, hi: max(1, int(rng.randint(lo, hi) * n_scale))  # noqa: E731
        if kind == "yard":
            return rng.choice((f"创评{n(200, 10000)}户“美丽庭院”", f"年内新建“美丽庭院”{n(100, 5000)}户"))
        if kind == "family":
            return f"年内评选{n(10, 500)}户“{it.name}”"
        if kind == "home":
            return f"建设示范“{it.name}”{n(2, 60)}个"
        if kind == "screen":
            return f"为{n(1000, 80000)}名适龄妇女提供免费检查"
        if kind == "loan":
            return f"发放“{it.name}”{n(100, 20000)}万元"
        if kind == "train":
            return f"培训妇女骨干{n(50, 5000)}人次"
        return ""

    def campaign_sentence(self, cs: list, scale: float) -> str:
        rng = self.rng
        if len(cs) >= 2 and rng.random() < 0.5:
            a, b = self.campaign(cs[0]), self.campaign(cs[1], generic=False)
            if len(cs) >= 3:
                c = self.campaign(cs[2], generic=False)
                return rng.choice((f"组织开展{a}、{b}、{c}等主题活动，{self.filler()}。",
                                   f"以{a}为抓手，统筹推进{b}和{c}，{self.filler()}。"))
            return rng.choice((f"组织开展{a}、{b}等群众性活动，{self.filler()}。",
                               f"持续深化{a}，同步推进{b}，{self.filler()}。"))
        it = cs[0]
        recent = (not isinstance(it, tuple)) and self.year - self.issuer.adopted.get(it.name, 0) <= 0
        s = self.campaign(it)
        t = self.target(it, scale)
        if recent:
            head = rng.choice((f"全面启动{self.year}年{s}", f"启动{s}", f"创新开展{s}"))
        else:
            head = rng.choice((f"深入开展{s}", f"大力实施{s}", f"持续深化{s}", f"扎实推进{s}", f"继续开展{s}",
                               f"深化{s}"))
        return head + (f"，{t}" if t else "") + f"，{self.filler()}。"

    def law_sentence(self, laws: list[Item]) -> str:
        rng = self.rng
        ls = "".join(self.law(l) for l in laws)
        return rng.choice((f"宣传贯彻{ls}，{self.filler()}。", f"大力开展{ls}等法律法规普法宣传服务，{self.filler()}。",
                           f"推动{ls}落地见效，{self.filler()}。", f"深入学习贯彻{ls}，{self.filler()}。"))


def _pick(rng: random.Random, pool: list[Item], weights: list[float], k: int) -> list[Item]:
    pool, weights = list(pool), list(weights)
    out = []
    while pool and len(out) < k:
        i = rng.choices(range(len(pool)), weights=weights)[0]
        out.append(pool.pop(i))
        weights.pop(i)
    return out


def _content(doc: Doc, k_range: tuple[int, int]):
    """Campaigns (catalog + local) and laws this federation mentions this year."""
    f, y, rng = doc.issuer, doc.year, doc.rng
    active = [it for name, it in doc.items.items() if f.adopted.get(name, 9999) <= y
              and (it.last is None or y <= it.last)]
    camps = [it for it in active if it.kind == "Campaign"]
    laws = [it for it in active if it.kind == "Law"]
    w = [it.weight * (2.0 if y - f.adopted[it.name] <= 1 else 1.0) for it in camps]
    chosen = _pick(rng, camps, w, rng.randint(*k_range))
    local = [lc for lc in f.locals if lc[2] <= y and rng.random() < 0.85]
    chosen_laws = _pick(rng, laws, [it.weight for it in laws], rng.randint(1, 5))
    return chosen, local, chosen_laws


CN_NUM = "一二三四五六七八九十"


def write_plan(doc: Doc) -> str:
    f, y, rng = doc.issuer, doc.year, doc.rng
    k_range = {"province": (22, 32), "prefecture": (16, 26), "county": (10, 20), "township": (5, 10)}[f.level]
    scale = {"province": 4.0, "prefecture": 1.5, "county": 0.6, "township": 0.15}[f.level]
    camps, local, laws = _content(doc, k_range)
    out: list[str] = []
    title = f"{f.name}{y}年工作要点"
    month, day = rng.randint(1, 4), rng.randint(1, 28)
    header = rng.random()
    if header < 0.6:
        out.append(f"关于印发《{title}》的通知")
        doc.implements(f"《{title}》", title, "Law")
        if f.level == "province":
            addressee = f"各市州妇联、{doc.fed(_organ(f), '省直机关妇工委')}"
        elif f.level == "prefecture" and f.place.endswith("市"):
            addressee = f"各县市区妇联、{doc.fed(_organ(f), '市直机关妇工委')}"
        elif f.level == "prefecture":
            addressee = "各县市区妇联"
        elif f.level == "county":
            addressee = "各乡镇（街道）妇联"
        else:
            addressee = "各村（社区）妇联"
        out.append(f"{addressee}：")
        out.append(f"现将《{title}》印发给你们，请结合实际认真贯彻落实。")
        out.append(doc.fed(f, f"{f.name[:-2]}妇女联合会"))
        out.append(f"                                 {y}年{month}月{day}日")
    elif header < 0.8:
        abbr = PROVINCE_ABBR.get(f.place, f.short[:1]) if f.level == "province" else f.short[:1]
        out.append(f"{f.name[:-2]}妇女联合会文件")
        out.append(f"{abbr}妇发〔{y}〕{rng.randint(1, 30)}号")
        doc._entity("Federation", f.name, f.name[:-2] + "妇女联合会", level=f.level)
    out.append(title)
    # intro: parents named by their short forms
    parent_ref = ""
    if f.level == "province":
        doc._entity("Federation", "全国妇联", level="national")
        doc.relations.add(("全国妇联", "LEADS", f.name))
        parent_ref = "贯彻全国妇联执委会议精神，"
    elif f.parent is not None:
        chain = []
        p = f.parent
        while p is not None and p.level != "national" and len(chain) < 2:
            chain.append(doc.fed(p, p.ref_from_child()))
            p = p.parent
        chain.reverse()
        parent_ref = f"认真落实{'、'.join(chain)}的部署要求，"
    committee = {"province": "省委省政府", "prefecture": "市委市政府", "county": "党委政府",
                 "township": "党委政府"}[f.level]
    out.append(f"{y}年是{YEAR_PHRASE[y]}，妇联工作面临新的机遇与挑战。{f.scope()}妇联工作的总体思路是："
               f"坚持以习近平新时代中国特色社会主义思想为指导，{parent_ref}紧紧围绕{committee}决策部署，"
               f"全面履行引领、服务、联系妇女的职能，团结带领广大妇女为经济社会发展贡献巾帼力量。")
    if rng.random() < 0.12:
        chair = f.chair(y)
        out.append(f"{f.self_ref}党组书记、主席{chair}在执委会议上对全年工作作出部署。")
        doc.person_leads(chair, f)
    # sections by theme
    by_theme: dict[str, list] = {t: [] for t in THEMES}
    for it in camps:
        by_theme[it.theme].append(it)
    for lc in local:
        by_theme[lc[3]].append(lc)
    for it in laws:
        by_theme[it.theme].append(it)
    style = rng.choice(("yishi", "num", "paren"))
    item_no = 0
    partners_used = 0
    led_rows: list[tuple[str, str]] = []
    children = [c for c in f.children] if f.level != "township" else []
    sec = 0
    for theme in THEMES:
        stuff = by_theme[theme]
        if not stuff and theme != "party":
            continue
        out.append(f"{CN_NUM[sec]}、{rng.choice(HEADINGS[theme])}")
        sec += 1
        cs = [s for s in stuff if isinstance(s, tuple) or s.kind == "Campaign"]
        ls = [s for s in stuff if not isinstance(s, tuple) and s.kind == "Law"]
        rng.shuffle(cs)
        titles = list(ITEM_TITLES[theme])
        rng.shuffle(titles)
        n_items = max(2 if f.level == "township" else 3, min(len(titles), math.ceil((len(cs) + (1 if ls else 0)) / 3)))
        n_generic = {"province": (6, 9), "prefecture": (5, 8), "county": (4, 7), "township": (2, 4)}[f.level]
        groups = [cs[i::n_items] for i in range(n_items)]
        for gi, group in enumerate(groups):
            sentences = []
            i = 0
            while i < len(group):
                take = rng.choice((1, 1, 2, 3))
                part = group[i:i + take]
                i += take
                if (f.level in ("prefecture", "county") and partners_used < 2 and rng.random() < 0.15
                        and len(part) == 1):
                    dept = rng.choice(PARTNERS)
                    doc._entity("Department", dept)
                    doc.relations.add((f.name, "COORDINATES", dept))
                    partners_used += 1
                    verb = rng.choice(("联合", "会同", "密切配合"))
                    sentences.append(f"{verb}{dept}开展{doc.campaign(part[0])}，{doc.filler()}。")
                elif f.level in ("province", "prefecture") and rng.random() < 0.08 and len(part) == 1:
                    office = OWN_OFFICES[theme]
                    doc._entity("Department", office)
                    doc.relations.add((office, "PART_OF", f.name))
                    c = doc.campaign(part[0])
                    doc.relations.add((office, "LEADS", part[0][0] if isinstance(part[0], tuple) else part[0].name))
                    sentences.append(f"由{office}牵头实施{c}，{doc.filler()}。")
                else:
                    sentences.append(doc.campaign_sentence(part, scale))
                if isinstance(part[0], Item) and rng.random() < 0.12:
                    led_rows.append((part[0].name, OWN_OFFICES[part[0].theme]))
            if gi == 0 and ls:
                sentences.append(doc.law_sentence(ls))
            if children and rng.random() < 0.18:
                child = rng.choice(children)
                pool = child.locals[:1] or [it for it in camps if child.adopted.get(it.name, 9999) <= y][:3]
                if pool:
                    c = rng.choice(pool)
                    cref = doc.fed(child, child.name if f.level == "province" else child.place + "妇联")
                    s = doc.campaign(c, who=child)
                    sentences.append(rng.choice((f"支持{cref}打造{s}品牌，总结推广经验做法。",
                                                 f"指导{cref}深化{s}试点，{doc.filler()}。")))
            for g in rng.sample(GENERIC, rng.randint(*n_generic)):
                sentences.insert(rng.randint(0, len(sentences)), g)
            if rng.random() < 0.3:
                sentences.append(rng.choice(NOISE))
            head = titles[gi % len(titles)]
            item_no += 1
            if style == "yishi":
                label = f"{CN_NUM[gi] if gi < 10 else gi + 1}是{head}。"
            elif style == "num":
                label = f"{item_no}.{head}。"
            else:
                label = f"（{CN_NUM[gi] if gi < 10 else gi + 1}）{head}。"
            out.append(label + "".join(sentences))
        if theme == "party":
            out.append(rng.choice(NOISE))
    # attachment: a table of lead offices (province / prefecture plans)
    if led_rows and f.level in ("province", "prefecture") and rng.random() < 0.5:
        out.append("附件")
        out.append(f"{f.self_ref}重点活动一览表")
        out.append("序号\t内 容\t牵头部室")
        seen = set()
        for i, (cname, office) in enumerate(led_rows, 1):
            if cname in seen:
                continue
            seen.add(cname)
            surface = doc.campaign(doc.items[cname])
            doc._entity("Department", office)
            doc.relations.add((office, "PART_OF", f.name))
            doc.relations.add((office, "LEADS", cname))
            out.append(f"{i}\t{surface}\t{office}")
        out.append(f"{len(seen) + 1}\t“三八”国际劳动妇女节系列庆祝活动\t各部室")
        doc._entity("Campaign", "三八国际劳动妇女节系列庆祝活动")
        doc.relations.add((f.name, "IMPLEMENTS", "三八国际劳动妇女节系列庆祝活动"))
    return "\n\n".join(out) + "\n"


def _organ(f: Fed) -> Fed:
    if f.level == "province":
        return Fed(f.place + "直机关妇工委", "organ", f.code, f.place, f.short, "省直机关妇工委", parent=f)
    return Fed(f.place + "直机关妇工委", "organ", f.code, f.place, f.short, "市直机关妇工委", parent=f)


def write_report(doc: Doc) -> str:
    f, y, rng = doc.issuer, doc.year, doc.rng
    k_range = {"province": (8, 14), "prefecture": (6, 12), "county": (5, 10), "township": (3, 6)}[f.level]
    camps, local, laws = _content(doc, k_range)
    chair = f.chair(y)
    out = [rng.choice((f"{f.name}召开{y}年工作会议", f"{f.name}{y}年工作务虚会召开",
                       f"{f.name}召开{f.scope()}妇联工作会议"))]
    if rng.random() < 0.6:
        reporters = [_person(rng, doc.used_people) for _ in range(rng.choice((1, 2)))]
        for r in reporters:
            doc._entity("Person", r)
        out.append(f"{PROVINCE_ABBR.get(_province_of(f).place, '')}女报 / 记者 {' '.join(reporters)}")
    doc.person_leads(chair, f)
    out.append(f"{f.self_ref}党组书记、主席{chair}主持会议并讲话。")
    city = _city_of(f)
    out.append(f"{rng.randint(1, 3)}月{rng.randint(1, 28)}日，{f.name}{y}年工作会议在{city}召开。会议总结{y - 1}年工作，"
               f"谋划{y}年{f.scope()}妇联工作。{f.self_ref}班子成员、机关干部参加会议。")
    out.append(f"{chair}充分肯定了{f.scope()}妇联系统在{y - 1}年所取得的成绩，她强调：各级妇联要紧紧围绕党委政府中心任务来开展工作，"
               f"{rng.choice(NOISE)}" + "".join(rng.sample(GENERIC, rng.randint(3, 6))))
    if f.children and rng.random() < 0.7:
        speakers = rng.sample(f.children, min(len(f.children), rng.randint(1, 4)))
        refs = [doc.fed(c, c.name if f.level == "province" else c.place + "妇联") for c in speakers]
        out.append(f"会上，{'、'.join(refs)}作交流发言。")
    parts = []
    all_c = camps + local
    rng.shuffle(all_c)
    for i, it in enumerate(all_c):
        s = doc.campaign(it)
        parts.append(rng.choice((f"精心组织{s}", f"大力实施{s}", f"深入开展{s}", f"持续深化{s}", f"推进{s}")))
    if laws:
        parts.append("宣传贯彻" + "".join(doc.law(l) for l in laws))
    out.append(f"同时，{chair}对{y}年{f.scope()}妇联重点工作进行了部署。她指出，{y}年是{YEAR_PHRASE[y]}，"
               f"要{'，'.join(parts)}，为妇女儿童事业发展营造良好氛围。")
    out.append(rng.choice(NOISE) + "".join(rng.sample(GENERIC, rng.randint(2, 5))))
    return "\n\n".join(out) + "\n"


def _province_of(f: Fed) -> Fed:
    while f.parent is not None and f.parent.level != "national":
        f = f.parent
    return f


def _city_of(f: Fed) -> str:
    while f.level not in ("prefecture", "province") and f.parent is not None:
        f = f.parent
    return f.place if f.level == "prefecture" else "省会"


# ---------------------------------------------------------------------------
# text reuse ground truth: distinctive sentences, some borrowed by a child or a sibling
# ---------------------------------------------------------------------------

# A distinctive sentence is OWN_PREFIX + domain + mechanism + form (one clause of 12+ characters,
# a (domain, mechanism) pair used once per corpus) and a short tail (under 12 characters, so never
# compared). No quotes, no campaign or law suffix: it adds no entity to the gold.
OWN_PREFIX = ["探索建立", "率先推行", "创新实行", "首创", "全面推开", "逐步健全", "着力完善", "试行"]
OWN_DOMAIN = ["留守妇女", "困境儿童", "单亲母亲", "失独家庭", "空巢老人", "婚姻家庭", "女性创客", "返乡妇女",
              "随迁妇女", "大龄未婚青年", "新婚夫妇", "孕产妇", "隔代抚养", "离异家庭", "流动儿童", "独居老人",
              "残疾妇女", "家政从业者", "快递女工", "网约女工", "女性农民工", "乡村女教师", "女性社工", "妇女手工",
              "巾帼农技", "乡村妇医", "村嫂调解", "妈妈互助", "家长学堂", "邻里守望"]
OWN_MECH = ["积分兑换", "错时上门", "清单销号", "季度评议", "片区轮值", "结对认领", "网格吹哨", "红黑榜单",
            "云端接单", "积分银行", "时间储蓄", "一码通行", "首问负责", "周末夜话", "入户摸排", "分级预警",
            "月度回访", "点单配送", "双向评价", "代办跑腿", "订单培训", "师徒带教", "夜校授课", "流动服务",
            "预约陪诊", "线上问诊", "亲情视频", "隔空托管", "议事协商", "红色帮代"]
OWN_FORM = ["机制", "工作法", "服务链", "闭环", "联动链", "运行体系"]
OWN_SHARE = 0.3      # documents with a distinctive sentence of their own (while pairs last)
BORROW_SHARE = 0.35  # documents that copy one, when an earlier one of their parent or a sibling exists
BORROW_PARENT = 0.75  # a parent's sentence rather than a sibling's, when both can be had


def _own_sentences(slots: list[tuple[Fed, int, str]], seed: int, province: str) -> dict[int, str]:
    """doc index -> its distinctive clause (the part a borrower copies verbatim)."""
    rng = random.Random(f"own:{seed}:{province}")
    pairs = [(d, m) for d in OWN_DOMAIN for m in OWN_MECH]
    rng.shuffle(pairs)
    out = {}
    for i in range(len(slots)):
        if pairs and rng.random() < OWN_SHARE:
            d, m = pairs.pop()
            out[i] = rng.choice(OWN_PREFIX) + d + m + rng.choice(OWN_FORM)
    return out


def plan_borrowings(slots: list[tuple[Fed, int, str]], seed: int, province: str
                    ) -> tuple[dict[int, str], list[tuple[int, int, str]]]:
    """Distinctive clauses, and (borrower, source, clause) triples: a borrower copies the clause of
    an earlier-or-same-year document of its parent, or an earlier document of a sibling; each
    clause is borrowed once at most, so every copy has one known source."""
    own = _own_sentences(slots, seed, province)
    rng = random.Random(f"borrow:{seed}:{province}")
    by_issuer: dict[int, list[int]] = {}
    for i in sorted(own):
        by_issuer.setdefault(id(slots[i][0]), []).append(i)
    taken: set[int] = set()
    out = []
    for j, (f, year, _) in enumerate(slots):
        if f.parent is None or rng.random() >= BORROW_SHARE:
            continue
        parent = [i for i in by_issuer.get(id(f.parent), []) if slots[i][1] <= year and i not in taken]
        sibling = [i for c in f.parent.children if c is not f for i in by_issuer.get(id(c), [])
                   if slots[i][1] < year and i not in taken]
        pool = parent if parent and (not sibling or rng.random() < BORROW_PARENT) else sibling
        if pool:
            i = rng.choice(pool)
            taken.add(i)
            out.append((j, i, own[i]))
    return own, out


def _tail(rng: random.Random) -> str:
    return rng.choice((f"已覆盖{rng.randint(3, 300)}个村", f"惠及{rng.randint(50, 9000)}名群众",
                       f"试点{rng.randint(2, 40)}个社区"))


def insert_sentences(text: str, clauses: list[str], rng: random.Random) -> str:
    """`text` with each clause (and a short tail) appended to a body paragraph ending in 。."""
    paras = text.split("\n\n")
    body = [k for k, p in enumerate(paras) if k >= 2 and p.endswith("。") and "\t" not in p]
    for c in clauses:
        k = rng.choice(body) if body else len(paras) - 1
        paras[k] = paras[k].rstrip("\n") + f"{c}，{_tail(rng)}。"
    return "\n\n".join(paras)


# ---------------------------------------------------------------------------
# validation (used by the tests too)
# ---------------------------------------------------------------------------

def validate_gold(gold: dict) -> list[str]:
    """Problems with one gold file: unknown types, dangling relation ends."""
    problems = []
    names = {}
    for e in gold.get("entities", []):
        if e.get("type") not in ENTITY_TYPES:
            problems.append(f"entity {e.get('name')!r}: unknown type {e.get('type')!r}")
        if not e.get("name"):
            problems.append("entity without a name")
        if e.get("type") == "Federation" and e.get("level") not in LEVELS:
            problems.append(f"federation {e.get('name')!r}: unknown level {e.get('level')!r}")
        names.setdefault(e.get("name"), set()).add(e.get("type"))
    for r in gold.get("relations", []):
        if r.get("type") not in RELATION_TYPES:
            problems.append(f"relation {r}: unknown type")
        elif r.get("head") in names and r.get("tail") in names and not any(
                (h, t) in RELATION_ENDS[r["type"]] for h in names[r["head"]] for t in names[r["tail"]]):
            problems.append(f"relation {r}: {r['type']} cannot join {names[r['head']]} to {names[r['tail']]}")
        for end in ("head", "tail"):
            if r.get(end) not in names:
                problems.append(f"relation {r}: {end} is not an entity of this file")
    for key in ("document", "issuer", "year"):
        if key not in gold:
            problems.append(f"missing {key}")
    return problems


# ---------------------------------------------------------------------------

def provinces_for(n_docs: int, province: str = DEFAULT_PROVINCE) -> str:
    """PROVINCE, or the national list when it is the default and N is more than one province holds."""
    return NATIONAL if province == DEFAULT_PROVINCE and n_docs > PROVINCE_ROOM else province


def generate(n_docs: int, out: str | Path, seed: int = 7, province: str = DEFAULT_PROVINCE) -> dict:
    """Write N documents to OUT/corpus, their gold to OUT/gold and OUT/manifest.json. PROVINCE may
    name several provinces, comma-separated: the documents are shared out evenly (a national corpus;
    one province has room for about 20,000)."""
    out = Path(out)
    (out / "corpus").mkdir(parents=True, exist_ok=True)
    (out / "gold").mkdir(parents=True, exist_ok=True)
    provinces = [p.strip() for p in province.split(",") if p.strip()]
    if len(provinces) > 1:
        parts = [_one_province(n_docs // len(provinces) + (k < n_docs % len(provinces)), out, seed, p)
                 for k, p in enumerate(provinces)]
        manifest = _merged(parts, province, n_docs)
    else:
        manifest = _one_province(n_docs, out, seed, provinces[0])
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


def _merged(parts: list[dict], province: str, n_docs: int) -> dict:
    """One manifest for the provinces' corpora written side by side."""
    first = parts[0]
    adoption: dict[str, list] = {}
    for m in parts:
        for c, rows in m["adoption"].items():
            adoption.setdefault(c, []).extend(rows)
    return {**first, "province": province, "docs": n_docs, "chars": sum(m["chars"] for m in parts),
            "federations": [f for m in parts for f in m["federations"]], "adoption": adoption,
            "documents": [d for m in parts for d in m["documents"]],
            "borrowings": [b for m in parts for b in m["borrowings"]]}


def _one_province(n_docs: int, out: Path, seed: int, province: str) -> dict:
    root, slots, items, used_people = build_world(province, n_docs, seed)
    by_name = {it.name: it for it in items}
    rng = random.Random(f"slots:{seed}:{province}")
    rng.shuffle(slots)
    slots = slots[:n_docs]
    docs = []
    n_chars = 0
    own, borrowed = plan_borrowings(slots, seed, province)
    copies: dict[int, list[str]] = {}
    for j, _, clause in borrowed:
        copies.setdefault(j, []).append(clause)

    def file_name(i: int) -> str:
        return f"{i:05d}_{hashlib.sha1(f'{seed}:{province}:{i}'.encode()).hexdigest()[:16]}"

    for i, (f, year, kind) in enumerate(slots):
        drng = random.Random(f"doc:{seed}:{province}:{i}")
        doc = Doc(f, year, kind, drng, by_name, used_people)
        text = write_plan(doc) if kind == "plan" else write_report(doc)
        extra = ([own[i]] if i in own else []) + copies.get(i, [])
        if extra:  # its own rng: the rest of the text stays what it was without them
            text = insert_sentences(text, extra, random.Random(f"reuse:{seed}:{province}:{i}"))
        name = file_name(i)
        (out / "corpus" / f"{name}.txt").write_text(text, encoding="utf-8")
        gold = doc.gold(f"{name}.txt")
        (out / "gold" / f"{name}.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1), encoding="utf-8")
        n_chars += len(text)
        docs.append({"file": f"{name}.txt", "issuer": f.name, "level": f.level, "year": year, "kind": kind,
                     "chars": len(text), "entities": len(gold["entities"]), "relations": len(gold["relations"])})
    feds = [{"name": f.name, "level": f.level, "code": f.code, "parent": f.parent.name if f.parent else None}
            for f in walk(root)
            if f.level in ("province", "prefecture") or f.chairs]
    popular = [it.name for it in items if it.kind == "Campaign"][:10]
    adoption = {c: sorted(((fd.name, fd.adopted[c]) for fd in walk(root) if c in fd.adopted and fd.chairs),
                          key=lambda x: (x[1], x[0])) for c in popular}
    manifest = {"generator": "benchmarks.generate", "seed": seed, "province": province, "docs": n_docs,
                "chars": n_chars, "years": [YEARS[0], YEARS[-1]], "federations": feds,
                "popular_campaigns": popular, "adoption": adoption, "documents": docs,
                "borrowings": [{"document": file_name(j) + ".txt", "source": file_name(i) + ".txt",
                                "kind": "parent" if slots[i][0] is slots[j][0].parent else "sibling",
                                "clause": clause} for j, i, clause in borrowed]}
    return manifest


def main(argv: Optional[list[str]] = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__.split("\n")[0])
    p.add_argument("--docs", type=int, required=True, help="number of documents (e.g. 100, 1000, 10000)")
    p.add_argument("--out", default=None, help=f"output folder (default {DEFAULT_OUT}/docs-N)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--province", default=DEFAULT_PROVINCE,
                   help=f"province whose federations write (gazetteer name), or several, comma-separated; "
                        f"more than {PROVINCE_ROOM:,} documents with the default: {NATIONAL}")
    args = p.parse_args(argv)
    args.province = provinces_for(args.docs, args.province)
    out = Path(args.out) if args.out else DEFAULT_OUT / f"docs-{args.docs}"
    m = generate(args.docs, out, seed=args.seed, province=args.province)
    ents = sum(d["entities"] for d in m["documents"])
    rels = sum(d["relations"] for d in m["documents"])
    print(f"wrote {m['docs']} documents ({m['chars']:,} chars, {ents:,} gold entities, {rels:,} gold relations) "
          f"to {out}/corpus, gold to {out}/gold")
    return 0


if __name__ == "__main__":
    sys.exit(main())
