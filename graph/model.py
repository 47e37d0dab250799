"""Typed graph records (pydantic) that loaders produce and stores consume."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, ClassVar, Iterable, Optional, get_origin

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from graph import schema
from graph.errors import FulianError

_SPACE = re.compile(r"\s+")


class SchemaError(FulianError, ValueError):
    """A record that does not fit the schema."""


def id_key(text: str) -> str:
    """The stable key form of a name: NFKC, no white space."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(text)))


def node_id(label: str, *key_parts: str) -> str:
    """Deterministic node id: same label and key → same id, on every run and machine."""
    if label not in schema.NODE_IDS:
        raise SchemaError(f"unknown node label {label!r}; known: {', '.join(schema.NODE_LABELS)}")
    parts = [id_key(p) for p in key_parts]
    if not all(parts):
        raise SchemaError(f"{label} id needs a non-empty key, got {key_parts!r}")
    return schema.NODE_IDS[label][0] + ":" + "/".join(parts)


def document_id(path: str) -> str:
    """A document's id from the path it was first read from, kept exactly (NFC only)."""
    if not path:
        raise SchemaError("a document id needs a path")
    return "doc:" + unicodedata.normalize("NFC", path)


def legacy_document_id(file_name: str) -> str:
    """The id versions before path ids gave a document: its file's stem, NFKC, no white space."""
    stem = file_name.rsplit("/", 1)[-1]
    return node_id("Document", stem.rsplit(".", 1)[0] if "." in stem else stem)


def rel_id(rel_type: str, start_id: str, end_id: str, doc_id: str = "") -> str:
    """Relationship identity: type + ends + document."""
    return f"{rel_type}:{start_id}->{end_id}@{doc_id}"


class Node(BaseModel):
    """Base of all node records; subclasses fix the label and the id rule."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)
    label: ClassVar[str] = ""

    name: str
    aliases: list[str] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError("name must not be empty")
        return v

    def key(self) -> tuple[str, ...]:
        return (self.name,)

    @property
    def id(self) -> str:
        return node_id(self.label, *self.key())

    def properties(self) -> dict[str, Any]:
        """Flat properties as stored (no None values: Neo4j cannot hold them)."""
        data = self.model_dump(exclude_none=True)
        data["aliases"] = sorted(set(a for a in self.aliases if a != self.name))
        return {"id": self.id, "label": self.label, **data}


class Federation(Node):
    label: ClassVar[str] = "Federation"
    level: Optional[str] = None
    region_code: Optional[str] = None
    unresolved: Optional[bool] = None  # True: an issuer's short form (市妇联) whose place is unknown

    @field_validator("level")
    @classmethod
    def _level_known(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and v not in schema.LEVELS:
            raise ValueError(f"level must be one of {', '.join(schema.LEVELS)}, got {v!r}")
        return v


class Department(Node):
    label: ClassVar[str] = "Department"
    scope: str = ""  # owning federation (own office) or region name (partner body)
    own_office: bool = False
    region_code: Optional[str] = None

    def key(self) -> tuple[str, ...]:
        return (self.scope, self.name) if self.scope else (self.name,)


class Campaign(Node):
    label: ClassVar[str] = "Campaign"


class Law(Node):
    label: ClassVar[str] = "Law"


class Person(Node):
    label: ClassVar[str] = "Person"
    role: Optional[str] = None


class Region(Node):
    label: ClassVar[str] = "Region"
    code: str
    level: str

    def key(self) -> tuple[str, ...]:
        return (self.code,)


class Document(Node):
    label: ClassVar[str] = "Document"
    source: str  # file name
    id_path: str = ""  # the path, relative to its build root, the document was first read from: its id
    paths: list[str] = Field(default_factory=list)  # where it is now (more than one: identical copies)
    files: list[str] = Field(default_factory=list)  # the same, as absolute paths
    title: str = ""
    issuer: Optional[str] = None
    issuer_unresolved: Optional[str] = None  # the issuer's short form when its place is unknown
    year: Optional[int] = None
    date: Optional[str] = None
    url: Optional[str] = None
    doc_number: Optional[str] = None
    kind: str = "plan"
    content_hash: str = ""
    n_chars: int = 0
    # "Campaign:名称" / "Law:名称" this document states with confidence (quoted, 《》): the corpus pass
    # of later builds looks for them in other documents
    confident_names: list[str] = Field(default_factory=list)
    # the corpus pass's names found here (the same form), and which set of names it last looked for
    # ("" : not yet): loaders.corpus_pass revisits a document when that set changes
    corpus_names: list[str] = Field(default_factory=list)
    corpus_known: str = ""

    def key(self) -> tuple[str, ...]:
        if self.id_path:
            return (self.id_path,)
        return (legacy_document_id(self.source).split(":", 1)[1],)  # graphs built before ids were paths

    @property
    def id(self) -> str:
        """`doc:<id_path>` kept exactly (NFC only: `a b.txt`, `ab.txt` and `ab.docx` are three documents);
        without an id_path, the stem id of earlier versions."""
        return document_id(self.id_path) if self.id_path else node_id(self.label, *self.key())


class Passage(Node):
    label: ClassVar[str] = "Passage"
    doc_id: str
    index: int
    start: int
    end: int
    text: str
    section: str = ""

    @model_validator(mode="after")
    def _offsets(self) -> "Passage":
        if not (0 <= self.start <= self.end):
            raise ValueError(f"passage offsets out of order: {self.start}..{self.end}")
        return self

    def key(self) -> tuple[str, ...]:
        return (self.doc_id.split(":", 1)[-1], str(self.index))

    @property
    def id(self) -> str:
        """`passage:<document key>/<index>`: the document's id taken as it is (it is normalized already)."""
        return f"passage:{self.doc_id.split(':', 1)[-1]}/{self.index}"


NODE_CLASSES: dict[str, type[Node]] = {
    c.label: c for c in (Federation, Department, Campaign, Law, Person, Region, Document, Passage)
}




class Relationship(BaseModel):
    """A typed edge; extracted ones carry their provenance."""

    model_config = ConfigDict(extra="forbid")

    type: str
    start_id: str
    start_label: str
    end_id: str
    end_label: str
    doc_id: str = ""
    year: Optional[int] = None
    evidence: Optional[str] = None
    start: Optional[int] = None
    end: Optional[int] = None
    rule: Optional[str] = None
    targets: list[str] = Field(default_factory=list)
    score: Optional[float] = None
    # REPEATS: score = similarity × rarity, and the source side's clause (see loaders.text_reuse)
    similarity: Optional[float] = None
    rarity: Optional[float] = None
    source_doc_id: Optional[str] = None
    source_evidence: Optional[str] = None
    source_start: Optional[int] = None
    source_end: Optional[int] = None
    aliases: Optional[list[str]] = None  # MENTIONS: the aliases this document gives the entity (see graph.store)

    @model_validator(mode="after")
    def _fits_schema(self) -> "Relationship":
        if self.type not in schema.REL_TYPES:
            raise ValueError(f"unknown relationship type {self.type!r}; known: {', '.join(schema.REL_TYPES)}")
        if not schema.allowed(self.type, self.start_label, self.end_label):
            ends = ", ".join(f"{a}->{b}" for a, b in schema.REL_TYPES[self.type].ends)
            raise ValueError(f"{self.type} cannot go {self.start_label}->{self.end_label} (allowed: {ends})")
        if self.type in schema.EXTRACTED_REL_TYPES and self.rule not in schema.GAZETTEER_RULES:
            missing = [p for p in schema.PROVENANCE_PROPERTIES if getattr(self, p) is None or getattr(self, p) == ""]
            if missing:
                raise ValueError(f"{self.type} {self.start_id}->{self.end_id} lacks provenance: {', '.join(missing)}")
        if self.start is not None and self.end is not None and not (0 <= self.start <= self.end):
            raise ValueError(f"evidence offsets out of order: {self.start}..{self.end}")
        return self

    @property
    def id(self) -> str:
        return rel_id(self.type, self.start_id, self.end_id, self.doc_id)

    def properties(self) -> dict[str, Any]:
        data = self.model_dump(exclude_none=True)
        return {"id": self.id, **data}


class KnowledgeGraph(BaseModel):
    """Nodes and relationships keyed by id; adding the same record twice merges it."""

    nodes: dict[str, Node] = Field(default_factory=dict)
    relationships: dict[str, Relationship] = Field(default_factory=dict)

    def add_node(self, node: Node) -> str:
        nid = node.id
        old = self.nodes.get(nid)
        if old is None:
            self.nodes[nid] = node
        else:
            merged = sorted(set(old.aliases) | set(node.aliases) | ({node.name} - {old.name}))
            updates = {k: v for k, v in node.model_dump(exclude_none=True).items()
                       if k not in ("aliases", "name") and getattr(old, k, None) in (None, "", 0, False)}
            self.nodes[nid] = old.model_copy(update={"aliases": merged, **updates})
        return nid

    def add_relationship(self, rel: Relationship) -> str:
        for end in (rel.start_id, rel.end_id):
            if end not in self.nodes:
                raise SchemaError(f"{rel.type} refers to unknown node {end!r}: add the node first")
        rid = rel.id
        old = self.relationships.get(rid)
        if old is None:
            self.relationships[rid] = rel
        elif rel.targets:
            self.relationships[rid] = old.model_copy(
                update={"targets": sorted(set(old.targets) | set(rel.targets))})
        return rid

    def merge(self, other: "KnowledgeGraph") -> None:
        for node in other.nodes.values():
            self.add_node(node)
        for rel in other.relationships.values():
            self.add_relationship(rel)

    def node_rows(self, label: Optional[str] = None) -> list[dict[str, Any]]:
        return [n.properties() for n in self.nodes.values() if label is None or n.label == label]

    def rel_rows(self, rel_type: Optional[str] = None) -> list[dict[str, Any]]:
        return [r.properties() for r in self.relationships.values() if rel_type is None or r.type == rel_type]

    def counts(self) -> dict[str, dict[str, int]]:
        return counts_of(self.node_rows(), self.rel_rows())


def counts_of(node_rows: Iterable[dict], rel_rows: Iterable[dict]) -> dict[str, dict[str, int]]:
    """Nodes per label and relationships per type, sorted by name."""
    nodes: dict[str, int] = {}
    rels: dict[str, int] = {}
    for n in node_rows:
        nodes[n["label"]] = nodes.get(n["label"], 0) + 1
    for r in rel_rows:
        rels[r["type"]] = rels.get(r["type"], 0) + 1
    return {"nodes": dict(sorted(nodes.items())), "relationships": dict(sorted(rels.items()))}


@lru_cache(maxsize=None)
def list_fields(label: Optional[str]) -> tuple[str, ...]:
    """The list-valued properties of a node label's records (None: of relationships). An absent list
    property reads as an empty list: Neo4j's offline importer cannot store an empty array."""
    model = NODE_CLASSES[label] if label else Relationship
    return tuple(name for name, f in model.model_fields.items() if get_origin(f.annotation) is list)


def node_from_properties(props: dict[str, Any]) -> Node:
    """Rebuild a typed node from stored properties (validates them)."""
    data = dict(props)
    label = data.pop("label", None)
    data.pop("id", None)
    cls = NODE_CLASSES.get(label or "")
    if cls is None:
        raise SchemaError(f"unknown node label {label!r}")
    return cls(**data)
