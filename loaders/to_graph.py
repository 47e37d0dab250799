"""Turn one document's extraction into graph records with provenance."""

from __future__ import annotations

import bisect
import hashlib
from typing import Optional, Sequence

from graph.model import (Campaign, Department, Document, Federation, KnowledgeGraph, Law, Node, Passage,
                         Person, Region, Relationship)
from loaders.types import DocHints, ExtractedEntity, ExtractionResult


def content_hash(text: str, hints: Optional[DocHints] = None) -> str:
    """Hash of what a document's extraction depends on: its text and its manifest row (if any),
    so a new or changed row makes the document "changed" and re-extracted."""
    data = text.encode("utf-8", "surrogatepass")
    if hints is not None and not hints.is_empty():
        data += b"\0manifest:" + hints.fingerprint().encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def claim_aliases(kg: KnowledgeGraph) -> None:
    """Put each entity's aliases on the document's first MENTIONS of it, so that they can be taken back
    when the document changes or goes (graph.store.alias_claims)."""
    first: dict[str, str] = {}
    for rid, r in kg.relationships.items():
        if r.type == "MENTIONS" and (r.end_id not in first or rid < first[r.end_id]):
            first[r.end_id] = rid
    for nid, rid in first.items():
        aliases = kg.nodes[nid].properties()["aliases"]
        if aliases:
            kg.relationships[rid] = kg.relationships[rid].model_copy(update={"aliases": aliases})


def entity_node(e: ExtractedEntity) -> Node:
    aliases = sorted(set(e.aliases) - {e.name})
    if e.type == "Federation":
        return Federation(name=e.name, aliases=aliases, level=e.level, region_code=e.region_code,
                          unresolved=e.unresolved or None)
    if e.type == "Department":
        return Department(name=e.name, aliases=aliases, scope=e.scope or "", own_office=e.own_office,
                          region_code=e.region_code)
    if e.type == "Person":
        return Person(name=e.name, aliases=aliases, role=e.role)
    return {"Campaign": Campaign, "Law": Law}[e.type](name=e.name, aliases=aliases)


def _add_region_chain(kg: KnowledgeGraph, code: Optional[str], done: Optional[dict] = None) -> Optional[str]:
    """Region node for `code` and its ancestors (PART_OF); returns the region id.

    `done` (code → region id) remembers chains already added to this graph: adding them again
    would only merge equal records."""
    from loaders import hierarchy

    if not code:
        return None
    if done is not None and code in done:
        return done[code]
    chain = hierarchy.region_chain(code)  # [(code, name, level)] from the region up to its province
    ids = []
    for c, name, level in chain:
        ids.append(kg.add_node(Region(name=name, code=c, level=level)))
    for child, parent, (c, _, _) in zip(ids, ids[1:], chain[1:]):
        kg.add_relationship(Relationship(type="PART_OF", start_id=child, start_label="Region",
                                         end_id=parent, end_label="Region", rule="gazetteer"))
    rid = ids[0] if ids else None
    if done is not None:
        done[code] = rid
    return rid


def _add_federation_chain(kg: KnowledgeGraph, fed: Federation, done: Optional[dict] = None,
                          parents_done: Optional[dict] = None) -> None:
    """LEADS links from each parent federation down to `fed`, from the gazetteer (no document).

    `parents_done` remembers parent records already added (with their region) to this graph."""
    from loaders import hierarchy

    child_id = fed.id
    for parent in hierarchy.federation_ancestors(fed.name, fed.region_code, fed.level):
        key = (parent["name"], parent["level"], parent.get("region_code"))
        if parents_done is not None and key in parents_done:
            pid = parents_done[key]
        else:
            pid = kg.add_node(Federation(name=parent["name"], level=parent["level"],
                                         region_code=parent.get("region_code")))
            region_id = _add_region_chain(kg, parent.get("region_code"), done)
            if region_id:
                kg.add_relationship(Relationship(type="IN_REGION", start_id=pid, start_label="Federation",
                                                 end_id=region_id, end_label="Region", rule="gazetteer"))
            if parents_done is not None:
                parents_done[key] = pid
        kg.add_relationship(Relationship(type="LEADS", start_id=pid, start_label="Federation",
                                         end_id=child_id, end_label="Federation", rule="hierarchy"))
        child_id = pid


def result_to_graph(result: ExtractionResult, source: str, original_text: str, id_path: str = "",
                    paths: Sequence[str] = (), files: Sequence[str] = ()) -> KnowledgeGraph:
    """Document → passages → entities, and every extracted relation with its evidence.

    `id_path` is what the document's id is made of (see loaders.identity; default `source`),
    `paths` and `files` where its text was read."""
    kg = KnowledgeGraph()
    meta = result.meta
    doc = Document(name=meta.title or source, source=source, id_path=id_path or source, paths=list(paths),
                   files=list(files), title=meta.title, issuer=meta.issuer,
                   issuer_unresolved=meta.issuer_unresolved, year=meta.year, date=meta.date, url=meta.url,
                   doc_number=meta.doc_number, kind=meta.kind,
                   content_hash=content_hash(original_text, result.hints), n_chars=len(result.normalized_text),
                   confident_names=[f"{t}:{n}" for t, n in result.confident_names])
    doc_id = kg.add_node(doc)
    passage_ids: list[str] = []
    starts: list[int] = []
    for p in result.passages:
        pid = kg.add_node(Passage(name=f"{doc.key()[0]}#{p.index}", doc_id=doc_id, index=p.index,
                                  start=p.start, end=p.end, text=p.text, section=p.section))
        kg.add_relationship(Relationship(type="IN_DOCUMENT", start_id=pid, start_label="Passage",
                                         end_id=doc_id, end_label="Document", doc_id=doc_id))
        passage_ids.append(pid)
        starts.append(p.start)

    ids: dict[tuple[str, str], str] = {}
    regions_done: dict = {}
    parents_done: dict = {}
    for e in result.entities:
        node = entity_node(e)
        nid = kg.add_node(node)
        ids[(e.type, e.name)] = nid
        if isinstance(node, Federation):
            region_id = _add_region_chain(kg, node.region_code, regions_done)
            if region_id:
                kg.add_relationship(Relationship(type="IN_REGION", start_id=nid, start_label="Federation",
                                                 end_id=region_id, end_label="Region", rule="gazetteer"))
            if not node.unresolved:  # an unresolved issuer's parents are unknown too
                _add_federation_chain(kg, node, regions_done, parents_done)
        elif isinstance(node, Department) and node.region_code and not node.own_office:
            region_id = _add_region_chain(kg, node.region_code, regions_done)
            if region_id:
                kg.add_relationship(Relationship(type="IN_REGION", start_id=nid, start_label="Department",
                                                 end_id=region_id, end_label="Region", rule="gazetteer"))
        for m in e.mentions:
            i = bisect.bisect_right(starts, m.start) - 1
            if 0 <= i < len(passage_ids) and m.end <= result.passages[i].end:
                kg.add_relationship(Relationship(type="MENTIONS", start_id=passage_ids[i], start_label="Passage",
                                                 end_id=nid, end_label=node.label, doc_id=doc_id,
                                                 start=m.start, end=m.end, rule="mention"))

    claim_aliases(kg)
    if meta.issuer and ("Federation", meta.issuer) in ids:
        kg.add_relationship(Relationship(type="ISSUED_BY", start_id=doc_id, start_label="Document",
                                         end_id=ids[("Federation", meta.issuer)], end_label="Federation",
                                         doc_id=doc_id))
    for r in result.relations:
        head, tail = ids.get((r.head_type, r.head)), ids.get((r.tail_type, r.tail))
        if head is None or tail is None:
            continue
        kg.add_relationship(Relationship(
            type=r.type, start_id=head, start_label=r.head_type, end_id=tail, end_label=r.tail_type,
            doc_id=doc_id, year=meta.year if meta.year is not None else 0, evidence=r.evidence,
            start=r.start, end=r.end, rule=r.rule, targets=r.targets))
    return kg
