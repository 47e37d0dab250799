"""Records the extractor produces for one document (before they become graph nodes)."""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, Field

EntityType = Literal["Federation", "Department", "Campaign", "Law", "Person"]
RelationType = Literal["IMPLEMENTS", "LEADS", "COORDINATES", "PART_OF"]
Level = Literal["national", "province", "prefecture", "county", "township", "organ"]


class Mention(BaseModel):
    """One occurrence of an entity: offsets into the normalized text."""

    start: int
    end: int
    text: str


class ExtractedEntity(BaseModel):
    type: EntityType
    name: str  # canonical name, per docs/ANNOTATION.md
    aliases: list[str] = Field(default_factory=list)  # other surface forms seen
    level: Optional[Level] = None  # Federation only
    region_code: Optional[str] = None  # Federation: gazetteer code; Department: scope region
    parent: Optional[str] = None  # Federation: canonical name of its direct parent federation
    scope: Optional[str] = None  # Department: owning federation (own office) or region name (partner)
    own_office: bool = False  # Department: a federation's own office (PART_OF it)
    role: Optional[str] = None  # Person: role as stated (主席, 党组书记…)
    mentions: list[Mention] = Field(default_factory=list)


class ExtractedRelation(BaseModel):
    head: str  # canonical name of an entity of the same result
    head_type: EntityType
    type: RelationType
    tail: str
    tail_type: EntityType
    evidence: str  # the sentence, exactly normalized_text[start:end]
    start: int
    end: int
    rule: str  # id of the rule that produced it
    targets: list[str] = Field(default_factory=list)  # quantitative targets (创评10000户…)


class PassageRecord(BaseModel):
    index: int
    start: int
    end: int
    text: str  # normalized_text[start:end]
    section: str = ""  # heading path, e.g. "一、强化政治引领 > 一是推进理论引领"


class DocumentMeta(BaseModel):
    title: str
    issuer: Optional[str] = None  # canonical federation name
    issuer_level: Optional[Level] = None
    issuer_region_code: Optional[str] = None
    year: Optional[int] = None
    date: Optional[str] = None  # ISO yyyy-mm-dd when stated
    doc_number: Optional[str] = None  # e.g. 岳妇发〔2021〕5号
    kind: str = "plan"  # plan | report | notice


class ExtractionResult(BaseModel):
    source: str  # file name
    normalized_text: str
    to_original: list[int] = Field(default_factory=list)  # normalized offset -> original offset
    meta: DocumentMeta
    passages: list[PassageRecord] = Field(default_factory=list)
    entities: list[ExtractedEntity] = Field(default_factory=list)
    relations: list[ExtractedRelation] = Field(default_factory=list)
    # [type, name] of campaigns and laws stated with confidence (quoted, 《》, lexicon): the corpus pass looks
    # for them as plain mentions in the other documents of a build
    confident_names: list[list[str]] = Field(default_factory=list)
