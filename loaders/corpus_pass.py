"""The corpus-level second pass of a build.

A campaign or law that one document names with confidence (in quotes, in 《》, from the lexicon)
is often named plainly, unquoted, in another: 巾帼志愿阳光站 in one report, “巾帼志愿阳光站” in the
next. After every document of a build has been extracted once, the names the store's documents
state with confidence are looked for in each document of the build; a document where they add
campaigns or laws is extracted again with them and replaces its first version.

What a document ends up as depends only on its text and the names found in it, so each Document
records those names (`corpus_names`) and a fingerprint of the set looked for (`corpus_known`).
When the set changes (a new document quotes a name, the only document quoting one is removed), the
documents of the build that were not extracted again are looked at anew: one whose found names
changed is extracted again (or goes back to its first version), so an incremental build gives the
graph a fresh build of the same files gives. Deterministic: the names are sorted, the documents
taken in order.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from graph.model import KnowledgeGraph, node_from_properties
from graph.schema import TARGET_LABELS
from graph.store import GraphStore
from loaders.campaigns import KnownNames
from loaders.extract import corpus_matches


@dataclass
class SecondPassReport:
    names: int = 0  # distinct names looked for
    documents: list[str] = field(default_factory=list)  # documents that gained mentions

    def to_dict(self) -> dict:
        return {"names": self.names, "documents": self.documents}


def graph_names(store: GraphStore) -> list[tuple[str, str]]:
    """(type, name) of the campaigns and laws the documents a store already holds state with confidence."""
    out = []
    for doc in store.nodes("Document"):
        for item in doc.get("confident_names") or []:
            typ, _, name = item.partition(":")
            out.append((typ, name))
    return out


def entity_keys(kg) -> set[tuple[str, str]]:
    """(label, name) of the campaigns and laws of one document's graph."""
    return {(n.label, n.name) for n in kg.nodes.values() if n.label in TARGET_LABELS}


def fingerprint(known: Optional[KnownNames]) -> str:
    """A short digest of the names looked for ("-": none)."""
    if known is None:
        return "-"
    text = "\n".join(f"{t}:{n}" for n, (t, _) in sorted(known.names.items()))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


@dataclass
class PassDoc:
    """A document of the build for the corpus pass, with what a worker needs to read and extract it."""

    path: Path                  # the file to read it from
    doc_id: str
    first: Optional[set] = None  # written in this build: entity_keys of its first version; else None
    target: Any = None           # how the pipeline extracts it again (loaders.identity.Target)
    hints: Any = None            # its manifest row (loaders.types.DocHints)


@dataclass
class Looked:
    """What one document gives with the names looked for (`look`)."""

    found: list[str]                       # "type:name" of the names found in it
    graph: Optional[KnowledgeGraph] = None  # the version to store; None: the stored one stays
    confident: list[str] = field(default_factory=list)  # the names its first version states itself
    gained: bool = False                    # extracted again with the names, and they added to it
    skipped: bool = False                   # unreadable or changed since: neither stored nor marked


# look(doc, its stored row, known) -> Looked, over many documents (in order): serially or by a pool
Looks = Callable[[list[tuple[PassDoc, dict]], Optional[KnownNames]], Iterable[Looked]]


def look(doc: PassDoc, row: dict, known: Optional[KnownNames],
         read: Callable[[PassDoc, dict], Optional[str]],
         extract: Callable[[PassDoc, dict, Optional[KnownNames]], Optional[KnowledgeGraph]]) -> Looked:
    """Look at one document with `known`: the names found in its text and, when they change what it
    holds, the version to store. `read(doc, row)` gives its text as stored (None: changed or gone
    since), `extract(doc, row, known)` its graph extracted with those names (known None: the first
    version). Touches no store, so documents can be looked at in worker processes."""
    text = read(doc, row)
    if text is None:
        return Looked([], skipped=True)
    found = corpus_matches(text, known)
    names_found = [f"{t}:{n}" for t, n in found]
    before = [] if doc.first is not None else list(row.get("corpus_names") or [])
    if names_found == before:  # what it holds is what these names give
        return Looked(names_found)
    first, chosen = doc.first, None
    if first is None:  # its stored version came from other names: start from its first version
        chosen = extract(doc, row, None)
        if chosen is None:
            return Looked([], skipped=True)
        first = entity_keys(chosen)
    confident = list(row.get("confident_names") or []) if doc.first is not None else \
        list(chosen.nodes[doc.doc_id].confident_names)
    gained = False
    if not set(found) <= first:
        kg = extract(doc, row, known)
        if kg is not None and entity_keys(kg) - first:
            chosen, gained = kg, True
    return Looked(names_found, chosen, confident, gained)


def second_pass(store: GraphStore, docs: list[PassDoc], names: Iterable[tuple[str, str]],
                looks: Looks) -> tuple[SecondPassReport, KnowledgeGraph]:
    """Bring each of `docs` up to date with `names`, the (type, name) pairs to look for.

    `looks` runs `look` over (document, stored row) pairs, in order. Returns the report and the
    Document nodes that mark what was looked at, for the caller to write last (after the REPEATS
    links): a build interrupted before then leaves them unmarked, and the next build does both
    again."""
    known = KnownNames.build(names)
    mark = fingerprint(known)
    report = SecondPassReport(names=len(known.names) if known else 0)
    rows = {d["id"]: d for d in store.nodes("Document")}
    todo = [(doc, rows[doc.doc_id]) for doc in docs if doc.doc_id in rows
            and not (doc.first is None and rows[doc.doc_id].get("corpus_known") == mark)]  # else done already
    marks = KnowledgeGraph()
    for (doc, row), out in zip(todo, looks(todo, known)):
        if out.skipped:
            continue
        if out.graph is None:  # the version the store holds
            marks.add_node(node_from_properties(dict(row, corpus_names=out.found, corpus_known=mark)))
            continue
        if out.gained:
            report.documents.append(str(doc.path))
        node = out.graph.nodes[doc.doc_id]
        # the names it states itself are those of its first version, whatever others it was given
        node.confident_names, node.corpus_names = out.confident, out.found
        store.replace_document(doc.doc_id, out.graph)
        marks.add_node(node.model_copy(update={"corpus_known": mark}))
    return report, marks
