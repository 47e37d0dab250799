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
from typing import Callable, Iterable, Optional

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
    """A document of the build for the corpus pass."""

    path: Path                  # the file to read it from
    doc_id: str
    first: Optional[set] = None  # written in this build: entity_keys of its first version; else None


def second_pass(store: GraphStore, docs: list[PassDoc], names: Iterable[tuple[str, str]],
                read: Callable[[Path], Optional[str]],
                extract: Callable[[Path, Optional[KnownNames]], Optional[KnowledgeGraph]]
                ) -> tuple[SecondPassReport, KnowledgeGraph]:
    """Bring each of `docs` up to date with `names`, the (type, name) pairs to look for.

    `read(path)` gives the document's text as stored (None: changed or gone since), `extract(path,
    known)` its graph extracted with those names (known None: the first version). Returns the report
    and the Document nodes that mark what was looked at, for the caller to write last (after the
    REPEATS links): a build interrupted before then leaves them unmarked, and the next build does
    both again."""
    known = KnownNames.build(names)
    mark = fingerprint(known)
    report = SecondPassReport(names=len(known.names) if known else 0)
    rows = {d["id"]: d for d in store.nodes("Document")}
    marks = KnowledgeGraph()
    for doc in docs:
        row = rows.get(doc.doc_id)
        if row is None or (doc.first is None and row.get("corpus_known") == mark):
            continue  # gone, or already looked at with these names
        text = read(doc.path)
        if text is None:
            continue
        found = corpus_matches(text, known)
        names_found = [f"{t}:{n}" for t, n in found]
        before = [] if doc.first is not None else list(row.get("corpus_names") or [])
        if names_found == before:  # what it holds is what these names give
            marks.add_node(node_from_properties(dict(row, corpus_names=names_found, corpus_known=mark)))
            continue
        first, chosen = doc.first, None
        if first is None:  # its stored version came from other names: start from its first version
            chosen = extract(doc.path, None)
            if chosen is None:
                continue
            first = entity_keys(chosen)
        confident = list(row.get("confident_names") or []) if doc.first is not None else \
            list(chosen.nodes[doc.doc_id].confident_names)
        if not set(found) <= first:
            kg = extract(doc.path, known)
            if kg is not None and entity_keys(kg) - first:
                chosen = kg
                report.documents.append(str(doc.path))
        if chosen is None:  # the first version, as the store holds it
            marks.add_node(node_from_properties(dict(row, corpus_names=names_found, corpus_known=mark)))
            continue
        node = chosen.nodes[doc.doc_id]
        # the names it states itself are those of its first version, whatever others it was given
        node.confident_names, node.corpus_names = confident, names_found
        store.replace_document(doc.doc_id, chosen)
        marks.add_node(node.model_copy(update={"corpus_known": mark}))
    return report, marks
