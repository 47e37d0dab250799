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
