"""Small hand-made graphs for the store and query tests (no extraction involved)."""

from graph.model import (Campaign, Department, Document, Federation, KnowledgeGraph, Law, Passage, Person,
                         Region, Relationship)


def rel(kg, type_, a, b, doc_id="", **kw):
    na, nb = kg.nodes[a], kg.nodes[b]
    return kg.add_relationship(Relationship(type=type_, start_id=a, start_label=na.label, end_id=b,
                                            end_label=nb.label, doc_id=doc_id, **kw))


def document_graph(stem="doc_a", year=2022, campaign="美丽庭院", text="深化“美丽庭院”创建。") -> KnowledgeGraph:
    """One document of 长沙市望城区妇联 implementing one campaign, with its hierarchy."""
    kg = KnowledgeGraph()
    hunan = kg.add_node(Region(name="湖南省", code="430000", level="province"))
    cs = kg.add_node(Region(name="长沙市", code="430100", level="prefecture"))
    wc = kg.add_node(Region(name="望城区", code="430112", level="county"))
    rel(kg, "PART_OF", cs, hunan, rule="gazetteer")
    rel(kg, "PART_OF", wc, cs, rule="gazetteer")
    nat = kg.add_node(Federation(name="全国妇联", level="national"))
    prov = kg.add_node(Federation(name="湖南省妇联", aliases=["省妇联"], level="province", region_code="430000"))
    city = kg.add_node(Federation(name="长沙市妇联", level="prefecture", region_code="430100"))
    fed = kg.add_node(Federation(name="长沙市望城区妇联", aliases=["望城区妇联"], level="county", region_code="430112"))
    for a, b in ((nat, prov), (prov, city), (city, fed)):
        rel(kg, "LEADS", a, b, rule="hierarchy")
    for f, r in ((prov, hunan), (city, cs), (fed, wc)):
        rel(kg, "IN_REGION", f, r, rule="gazetteer")
    doc = kg.add_node(Document(name=f"{stem} 工作要点", source=f"{stem}.txt", title=f"{stem} 工作要点",
                               issuer="长沙市望城区妇联", year=year, content_hash="h-" + stem, n_chars=len(text)))
    p = kg.add_node(Passage(name=f"{stem}#0", doc_id=doc, index=0, start=0, end=len(text), text=text))
    rel(kg, "IN_DOCUMENT", p, doc, doc_id=doc)
    rel(kg, "ISSUED_BY", doc, fed, doc_id=doc)
    c = kg.add_node(Campaign(name=campaign, aliases=[campaign + "创建"]))
    law = kg.add_node(Law(name="家庭教育促进法", aliases=["中华人民共和国家庭教育促进法"]))
    police = kg.add_node(Department(name="公安机关", scope="长沙市望城区", region_code="430112"))
    office = kg.add_node(Department(name="权益部", scope="长沙市望城区妇联", own_office=True))
    chair = kg.add_node(Person(name="张三", role="主席"))
    for node in (c, law, police, office, chair, fed):
        rel(kg, "MENTIONS", p, node, doc_id=doc, start=0, end=len(text), rule="mention")
    prov_kw = dict(doc_id=doc, year=year, evidence=text, start=0, end=len(text), rule="test")
    rel(kg, "IMPLEMENTS", fed, c, targets=["创评10000户"], **prov_kw)
    rel(kg, "IMPLEMENTS", fed, law, **prov_kw)
    rel(kg, "COORDINATES", fed, police, **prov_kw)
    rel(kg, "PART_OF", office, fed, **prov_kw)
    rel(kg, "LEADS", office, c, **prov_kw)
    rel(kg, "LEADS", chair, fed, **prov_kw)
    return kg


# -- a small lineage graph -----------------------------------------------------

PROV_2019 = ("统筹和强化妇联家庭工作，以“家家幸福安康工程”为总抓手。"
             "启动“美家美妇”系列创建行动，唱响新时代家庭文明建设的时代主旋律。")
YY_2021 = ("深化“家家幸福安康工程”。开展“美家美妇”创建行动，唱响新时代家庭文明建设的时代主旋律。"
           "大力宣传家庭教育促进法。")
WC_2022 = ("实施“家家幸福安康工程”。启动“美家美妇美庭院”三年行动计划。"
           "推动党的创新理论走进妇女群众身边、走进妇女群众心里。")
CD_2022 = ("持续推动“美家美妇她行动”。联合公安机关开展宣传。"
           "推动党的创新理论走近妇女群众身边、走进妇女群众心里。")
PROV_2022 = "长沙市妇联深化“家家幸福安康工程”，打造家庭工作品牌。"


def _doc(kg, stem, issuer, year, text, implements=(), others=(), extra=()):
    """A document of `issuer` with one passage; `implements` = [(federation id, target id)]."""
    doc = kg.add_node(Document(name=f"{stem} 工作要点", source=f"{stem}.txt", title=f"{stem} 工作要点",
                               issuer=kg.nodes[issuer].name, year=year, content_hash="h-" + stem,
                               n_chars=len(text)))
    p = kg.add_node(Passage(name=f"{stem}#0", doc_id=doc, index=0, start=0, end=len(text), text=text))
    rel(kg, "IN_DOCUMENT", p, doc, doc_id=doc)
    rel(kg, "ISSUED_BY", doc, issuer, doc_id=doc)
    mentioned = {issuer} | {x for pair in implements for x in pair} | {x for _, x, _ in others} | \
        {x for x, _, _ in others}
    for node in sorted(mentioned):
        name = kg.nodes[node].name
        at = text.find(name)
        start, end = (at, at + len(name)) if at >= 0 else (0, len(text))
        rel(kg, "MENTIONS", p, node, doc_id=doc, start=start, end=end, rule="mention")
    for node in extra:
        rel(kg, "MENTIONS", p, node, doc_id=doc, start=0, end=1, rule="mention")
    for fed, target in implements:
        name = kg.nodes[target].name
        at = text.find(name)
        start, end = (at, at + len(name)) if at >= 0 else (0, len(text))
        rel(kg, "IMPLEMENTS", fed, target, doc_id=doc, year=year, evidence=text[start:end], start=start, end=end,
            rule="test", targets=["创评100户"] if fed == issuer else [])
    for a, typ, b in [(a, t, b) for a, b, t in others]:
        rel(kg, typ, a, b, doc_id=doc, year=year, evidence=text[:10], start=0, end=10, rule="test")
    return doc


def lineage_graph() -> KnowledgeGraph:
    """Province → 长沙/岳阳/常德 → 望城; 美家美妇 from the 2019 provincial plan down to 2021–2022."""
    kg = document_graph("doc_a", year=2022, campaign="美丽庭院", text="深化“美丽庭院”创建。")
    hunan = "region:430000"
    yy_r = kg.add_node(Region(name="岳阳市", code="430600", level="prefecture"))
    cd_r = kg.add_node(Region(name="常德市", code="430700", level="prefecture"))
    rel(kg, "PART_OF", yy_r, hunan, rule="gazetteer")
    rel(kg, "PART_OF", cd_r, hunan, rule="gazetteer")
    nat, prov, cs, wc = "fed:全国妇联", "fed:湖南省妇联", "fed:长沙市妇联", "fed:长沙市望城区妇联"
    yy = kg.add_node(Federation(name="岳阳市妇联", level="prefecture", region_code="430600"))
    cd = kg.add_node(Federation(name="常德市妇联", level="prefecture", region_code="430700"))
    for f, r in ((yy, yy_r), (cd, cd_r)):
        rel(kg, "LEADS", prov, f, rule="hierarchy")
        rel(kg, "IN_REGION", f, r, rule="gazetteer")
    mjmf = kg.add_node(Campaign(name="美家美妇"))
    mjmf_wc = kg.add_node(Campaign(name="美家美妇美庭院"))
    mjmf_cd = kg.add_node(Campaign(name="美家美妇她行动"))
    jjxf = kg.add_node(Campaign(name="家家幸福安康工程", aliases=["家家幸福安康"]))
    law = "law:家庭教育促进法"
    police = kg.add_node(Department(name="公安机关", scope="常德市", region_code="430700"))
    chair = kg.add_node(Person(name="李四", role="主席"))
    _doc(kg, "prov2019", prov, 2019, PROV_2019, [(prov, jjxf), (prov, mjmf)])
    _doc(kg, "yy2021", yy, 2021, YY_2021, [(yy, jjxf), (yy, mjmf), (yy, law)])
    _doc(kg, "wc2022", wc, 2022, WC_2022, [(wc, jjxf), (wc, mjmf_wc)])
    _doc(kg, "cd2022", cd, 2022, CD_2022, [(cd, mjmf_cd)], others=[(cd, police, "COORDINATES"),
                                                                  (chair, cd, "LEADS")])
    _doc(kg, "prov2022", prov, 2022, PROV_2022, [(cs, jjxf)])
    assert nat in kg.nodes
    from loaders.variants import find_variants  # what the build derives (VARIANT_OF)
    for variant in find_variants(kg.node_rows("Campaign")):
        kg.add_relationship(variant)
    return kg


# -- a lineage long enough to page ----------------------------------------------------------

def paging_graph(counties: int = 30) -> KnowledgeGraph:
    """`lineage_graph` with many more adopters of 家家幸福安康工程 than its expected divisions: counties of
    Hunan (some adopting twice, in two documents of one year), prefecture-level federations outside
    the gazetteer (they sort among the expected divisions), federations of no level or below the county,
    years unknown (0) or shared, and a law named like the campaign (same name, other id)."""
    kg = lineage_graph()
    prov, jjxf = "fed:湖南省妇联", "campaign:家家幸福安康工程"
    twin = kg.add_node(Law(name="家家幸福安康工程"))
    years = [2020, 2021, 0, 2021, 2019, 2022, 2021]
    levels = ["county", "county", "county", None, "township", "county"]
    for i in range(counties):
        level = levels[i % len(levels)]
        code = f"4301{i:02d}" if level == "county" else None
        fed = kg.add_node(Federation(name=f"测试{i % 7}区{i:02d}妇联", level=level, region_code=code))
        rel(kg, "LEADS", prov, fed, rule="hierarchy")
        year = years[i % len(years)]
        text = f"推进“家家幸福安康工程”第{i}项。"
        _doc(kg, f"t{i:02d}a", fed, year, text, [(fed, jjxf)] + ([(fed, twin)] if i % 5 == 0 else []))
        if i % 4 == 0:
            _doc(kg, f"t{i:02d}b", fed, year, text, [(fed, jjxf)])
    for i, code in enumerate(["439901", "430450", "430001"]):  # prefecture level, not gazetteer divisions
        fed = kg.add_node(Federation(name=f"测试地区{i}妇联", level="prefecture", region_code=code))
        _doc(kg, f"p{i}", fed, 2021, "推进“家家幸福安康工程”。", [(fed, jjxf)])
    return kg
