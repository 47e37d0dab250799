"""The corpus-level second pass of a build.

A campaign or law that one document names with confidence (in quotes, in 《》, from the lexicon)
is often named plainly, unquoted, in another: 巾帼志愿阳光站 in one report, “巾帼志愿阳光站” in the
next. After every document of a build has been extracted once, the names stated with confidence
(in this build, and the campaign and law names already in the graph) are looked for in each
document of the build; a document where they add mentions is extracted again with them and
replaces its first version. Deterministic: the names are sorted, the documents taken in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from graph.schema import TARGET_LABELS
from graph.store import GraphStore
from loaders.campaigns import KnownNames


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


def second_pass(store: GraphStore, docs: list[tuple[str, str, set]], names: Iterable[tuple[str, str]],
                extract: Callable[[Path, KnownNames], Optional[object]],
                progress: Optional[Callable[[str], None]] = None) -> SecondPassReport:
    """Re-extract each of `docs` ((path, doc id, entity_keys of the first pass)) where `names` add mentions.

    `extract(path, known)` returns the document's new graph (or None when it cannot be read again)."""
    known = KnownNames.build(names)
    report = SecondPassReport(names=len(known.names) if known else 0)
    if known is None:
        return report
    for path, doc_id, first in docs:
        text = Path(path).read_text(encoding="utf-8", errors="ignore") if Path(path).suffix in (".txt", ".md") else None
        if text is not None and all(known.names[m.group()] in first for m in known.regex.finditer(text)):
            continue  # every known name in the text is already one of the document's: nothing to add
        kg = extract(Path(path), known)
        if kg is None:
            continue
        if entity_keys(kg) - first:
            store.replace_document(doc_id, kg)
            report.documents.append(str(path))
        if progress:
            progress(str(path))
    return report
