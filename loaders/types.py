"""Records the extractor produces for one document (before they become graph nodes)."""

from __future__ import annotations

import datetime
import json
import re
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

from graph.schema import ENTITY_LABELS, EXTRACTED_REL_TYPES, LEVELS

# the schema's tuples as Literal types (Literal[("a", "b")] is Literal["a", "b"])
EntityType = Literal[ENTITY_LABELS]  # type: ignore[valid-type]
RelationType = Literal[EXTRACTED_REL_TYPES]  # type: ignore[valid-type]
MIN_YEAR, MAX_YEAR = 1949, 2100  # work years a document can plan or report
Level = Literal[LEVELS]  # type: ignore[valid-type]


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
    unresolved: bool = False  # Federation: a short form (市妇联) whose place is unknown
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


class DocHints(BaseModel):
    """What the user knows about a document beyond its text (one manifest row); all optional.

    ``region_code`` (a division code, 6 digits or a 9-digit township) is the context for short
    forms such as 市妇联; ``issuer`` and ``year`` override what the text implies; ``date`` (ISO)
    and ``url`` are kept on the Document.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    region_code: Optional[str] = None
    issuer: Optional[str] = None
    year: Optional[int] = None
    date: Optional[str] = None
    url: Optional[str] = None

    @field_validator("region_code")
    @classmethod
    def _code(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and not re.fullmatch(r"\d{6}|\d{9}", v):
            raise ValueError(f"region code {v!r} is not a division code (6 digits, or 9 for a township)")
        return v

    @field_validator("year")
    @classmethod
    def _year(cls, v: Optional[int]) -> Optional[int]:
        if v is not None and not MIN_YEAR <= v <= MAX_YEAR:
            raise ValueError(f"year {v} is out of range ({MIN_YEAR}–{MAX_YEAR})")
        return v

    @field_validator("date")
    @classmethod
    def _date(cls, v: Optional[str]) -> Optional[str]:
        if v is not None:
            try:
                return datetime.date.fromisoformat(v).isoformat()
            except ValueError:
                raise ValueError(f"date {v!r} is not a date in the form 2023-03-08") from None
        return v

    def is_empty(self) -> bool:
        return not any(self.model_dump().values())

    def fingerprint(self) -> str:
        """Stable text of the given fields (part of a document's content hash)."""
        return json.dumps(self.model_dump(exclude_none=True), ensure_ascii=False, sort_keys=True)


class DocumentMeta(BaseModel):
    title: str
    issuer: Optional[str] = None  # canonical federation name
    issuer_level: Optional[Level] = None
    issuer_region_code: Optional[str] = None
    issuer_unresolved: Optional[str] = None  # the short form (市妇联) when its place was not found
    year: Optional[int] = None
    date: Optional[str] = None  # ISO yyyy-mm-dd when stated
    url: Optional[str] = None  # where the document came from (manifest)
    doc_number: Optional[str] = None  # e.g. 岳妇发〔2021〕5号
    kind: str = "plan"  # plan | report | notice


class ExtractionResult(BaseModel):
    source: str  # file name
    hints: Optional[DocHints] = None  # what the caller gave beyond the text
    normalized_text: str
    to_original: list[int] = Field(default_factory=list)  # normalized offset -> original offset
    meta: DocumentMeta
    passages: list[PassageRecord] = Field(default_factory=list)
    entities: list[ExtractedEntity] = Field(default_factory=list)
    relations: list[ExtractedRelation] = Field(default_factory=list)
    # [type, name] of campaigns and laws stated with confidence (quoted, 《》, lexicon): the corpus pass looks
    # for them as plain mentions in the other documents of a build
    confident_names: list[list[str]] = Field(default_factory=list)
