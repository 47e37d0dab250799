"""Which stored document each input file is: ids from paths, copies and renames found by content.

A document's id is `doc:<path>`, the path relative to the folder given to the build (a file given
by itself: its name; a file a manifest lists: the manifest's `file`), kept exactly: `a/2022工作要点.txt`, `b/2022工作要点.txt`, `2022 工作要点.txt`
and `2022工作要点.docx` are four documents. A document records where it is (`paths`, and `files`
as absolute paths), so that later builds recognise it:

- a file at a recorded absolute path is that document (changed or not, by its content hash);
- a new path whose id is taken by a document whose file there still exists gets a longer path
  (`b/2022工作要点.txt`) instead of replacing that document;
- a new file with the content of a stored document is a copy (one document, both paths recorded),
  or, when none of that document's files exists any more, the same document renamed (its id stays);
- when some copies of a document change, they become documents of their own; when the file its id
  was made from changes, that file keeps the document and the unchanged copies leave it;
- a document of a graph built before ids were paths (`doc:<stem>`, no `id_path`) is replaced by
  the first file with that stem, or with its content (the graph migrates on its next build).

`gone` finds the documents whose files no longer exist (`--prune`) or lie below given paths
(`fulian remove`).
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Optional

from graph.model import KnowledgeGraph, document_id, legacy_document_id, node_from_properties


@dataclass
class Target:
    """One file to extract, and what to write it as."""

    file: Path
    path: str                      # its path relative to its build root
    id_path: str                   # what the id of the document it is written as is made of
    replace: Optional[str] = None  # the stored document it takes the place of
    paths: list[str] = field(default_factory=list)  # what the document records (this file first)
    files: list[str] = field(default_factory=list)

    @property
    def doc_id(self) -> str:
        return document_id(self.id_path)


@dataclass
class Outcome:
    """What an extracted file turned out to be."""

    kind: str                      # "write" | "copy" | "rename"
    doc_id: str                    # the document written, or the one it is a copy or rename of
    replaces: Optional[str] = None  # write: the stored document it takes the place of
    of: str = ""                   # copy: the path it is a copy of; rename: the old path


def relative_path(file: Path, roots: Iterable[Path]) -> str:
    """`file`'s path below the deepest of `roots` holding it ('/'-separated, NFC); else its name."""
    parts = Path(file).parts
    best: Optional[tuple[str, ...]] = None
    for root in roots:
        rp = Path(root).parts
        if len(rp) < len(parts) and parts[:len(rp)] == rp and (best is None or len(rp) > len(best)):
            best = rp
    rel = parts[len(best):] if best is not None else parts[-1:]
    return unicodedata.normalize("NFC", "/".join(rel))


def _row(row: dict) -> dict:
    return {k: v for k, v in row.items() if k != "aliases_text"}


class Identity:
    """Matches the files of one build to the documents of a store (the rows of its Document nodes)."""

    def __init__(self, documents: Iterable[dict], roots: Iterable[Path],
                 named: Optional[Callable[[Path], Optional[str]]] = None):
        self.docs: dict[str, dict] = {d["id"]: _row(d) for d in documents}
        self.roots = [Path(r) for r in roots if Path(r).is_dir()]
        self.named = named  # a manifest's `file` for a file it lists: the path to use
        self.by_file = {f: did for did, d in self.docs.items() for f in d.get("files") or ()}
        self.by_path = {p: did for did, d in self.docs.items() for p in d.get("paths") or ()}
        self.claimed: set[str] = set()    # stored documents this build replaces
        self.assigned: set[str] = set()   # paths given out in this build
        self.by_hash: dict[str, str] = {}
        self.updates: dict[str, dict] = {}  # doc id -> Document row whose paths changed

    # -- before extraction ------------------------------------------------------------
    def plan(self, files: list[Path], file_hash: Callable[[Path], Optional[str]],
             force: bool = False) -> tuple[list[Target], list[tuple[Path, str]]]:
        """(files to extract, (unchanged file, its document id)), in the order of `files`."""
        members: dict[str, list[tuple[Path, str, str]]] = {}
        new: list[tuple[Path, str, str]] = []
        for f in files:
            real = os.path.realpath(f)
            did = self.by_file.get(real)
            if did is not None:
                d = self.docs[did]
                path = d["paths"][d["files"].index(real)]
                members.setdefault(did, []).append((f, path, real))
                self.assigned.add(path)
                continue
            given = self.named(f) if self.named else None
            path, owner = self._free_path(unicodedata.normalize("NFC", given) if given
                                          else relative_path(f, self.roots), real)
            self.assigned.add(path)
            if owner is not None:
                members.setdefault(owner, []).append((f, path, real))
            else:
                new.append((f, path, real))
        todo: list[Target] = []
        unchanged: list[tuple[Path, str]] = []
        for did, group in members.items():
            self._plan_group(did, group, file_hash, force, todo, unchanged)
        for f, path, real in new:
            legacy = legacy_document_id(f.name)
            d = self.docs.get(legacy)
            replace = None
            if d is not None and not d.get("id_path") and legacy not in self.claimed:
                replace = legacy  # migrate: the stem id of earlier versions becomes this path's
                self.claimed.add(legacy)
            todo.append(Target(f, path, path, replace=replace, paths=[path], files=[real]))
        for did, d in self.docs.items():
            if did not in self.claimed and d.get("content_hash"):
                self.by_hash.setdefault(d["content_hash"], did)
        return todo, unchanged

    def _free_path(self, path: str, real: str) -> tuple[str, Optional[str]]:
        """A path for a file no document records: `path`, with the document whose file there is gone
        (the file takes its place), or a longer path when an existing file or an id holds it."""
        while True:
            owner = self.by_path.get(path)
            if path not in self.assigned:
                if owner is not None:
                    d = self.docs[owner]
                    if not os.path.exists(d["files"][d["paths"].index(path)]):
                        return path, owner
                elif document_id(path) not in self.docs:
                    return path, None
            path = _longer(path, real)

    def _plan_group(self, did: str, group: list[tuple[Path, str, str]], file_hash, force: bool,
                    todo: list[Target], unchanged: list[tuple[Path, str]]) -> None:
        """The files of this build that stored document `did` records."""
        d = self.docs[did]
        digest = d.get("content_hash")
        hashes = [file_hash(f) for f, _, _ in group]
        same = [m for m, h in zip(group, hashes) if h == digest]
        changed = [m for m, h in zip(group, hashes) if h != digest]
        here = {real for _, _, real in group}
        outside = [(p, f) for p, f in zip(d.get("paths") or (), d.get("files") or ()) if f not in here]
        owner = next((m for m in group if m[1] == d.get("id_path")), group[0])
        owner_same = owner in same
        if owner_same and not force:
            self._record(did, [(p, r) for _, p, r in same] + outside)
            unchanged.extend((f, did) for f, _, _ in same)
            todo.extend(self._own(*m) for m in changed)
            return
        self.claimed.add(did)
        f, path, real = owner
        keep = [(p, r) for _, p, r in same if p != path] + outside if owner_same else []
        todo.append(Target(f, path, d.get("id_path") or path, replace=did,
                           paths=[path] + [p for p, _ in keep], files=[real] + [r for _, r in keep]))
        todo.extend(self._own(*m) for m in changed if m is not owner)  # changed copies: their own
        if not owner_same:  # the copies that kept the old content become documents of their own too
            todo.extend(self._own(*m) for m in same)
            todo.extend(self._own(Path(r), p, r) for p, r in outside if os.path.exists(r))

    def _own(self, f: Path, path: str, real: str) -> Target:
        """A file leaving its document: a document of its own, at its path if that id is free."""
        while document_id(path) in self.docs:
            path = _longer(path, real)
        return Target(f, path, path, paths=[path], files=[real])

    def _record(self, did: str, where: list[tuple[str, str]]) -> None:
        """Note a document's paths when they differ from what the store holds."""
        d = self.docs[did]
        paths, files = [p for p, _ in where], [r for _, r in where]
        if paths and (paths != list(d.get("paths") or ()) or files != list(d.get("files") or ())):
            d.update(paths=paths, files=files, source=Path(paths[0]).name)
            if not d.get("title"):  # named after its file
                d["name"] = d["source"]
            self.updates[did] = d

    # -- after extraction -------------------------------------------------------------
    def settle(self, target: Target, content_hash: str, doc_row: dict) -> Outcome:
        """What an extracted file is: a document to write, or a copy or rename of another."""
        other = self.by_hash.get(content_hash)
        if other is not None and other != target.doc_id:
            d = self.docs[other]
            files = list(d.get("files") or ())
            if not d.get("id_path") and other not in self.claimed and target.replace is None:
                self.claimed.add(other)  # a document of an earlier version under another name: migrate
                return self._written(target, content_hash, doc_row, replaces=other)
            if files and not any(os.path.exists(f) for f in files) and other not in self.claimed:
                old = d["paths"][0]
                self._record(other, list(zip(target.paths, target.files)))
                return Outcome("rename", other, of=old)
            first = (d.get("paths") or [d.get("source", other)])[0]
            self._record(other, list(zip(d.get("paths") or (), files)) + list(zip(target.paths, target.files)))
            return Outcome("copy", other, of=first)
        return self._written(target, content_hash, doc_row, replaces=target.replace)

    def _written(self, target: Target, content_hash: str, doc_row: dict, replaces: Optional[str]) -> Outcome:
        self.by_hash[content_hash] = target.doc_id
        self.docs[target.doc_id] = _row(doc_row)
        self.updates.pop(target.doc_id, None)
        return Outcome("write", target.doc_id, replaces=replaces)

    def document_updates(self) -> KnowledgeGraph:
        """The Document nodes whose paths changed, to write over the stored ones."""
        kg = KnowledgeGraph()
        for row in self.updates.values():
            kg.add_node(node_from_properties(row))
        return kg


def _longer(path: str, real: str) -> str:
    """`path` with one more folder of `real` in front (`x.txt` → `b/x.txt`), or a `~` after it."""
    parts = Path(real).parts
    n = path.count("/") + 2
    return unicodedata.normalize("NFC", "/".join(parts[-n:])) if n < len(parts) else path + "~"


def gone(documents: Iterable[dict], below: Optional[list[str]] = None,
         rejected: frozenset = frozenset()) -> tuple[list[str], KnowledgeGraph]:
    """(documents to delete, Document nodes to rewrite) for the files that no longer exist or are
    `rejected` (absolute paths: files a build could not use any more), or, with `below`, whose
    absolute paths are (or lie below) one of those. Documents that record no files (built before
    paths were recorded) are left alone."""
    doomed: list[str] = []
    kg = KnowledgeGraph()
    for d in documents:
        paths, files = list(d.get("paths") or ()), list(d.get("files") or ())
        if not files:
            continue
        keep = [(p, f) for p, f in zip(paths, files)
                if (os.path.exists(f) and f not in rejected if below is None
                    else not any(_is_below(f, b) for b in below))]
        if len(keep) == len(files):
            continue
        if not keep:
            doomed.append(d["id"])
            continue
        row = dict(_row(d), paths=[p for p, _ in keep], files=[f for _, f in keep], source=Path(keep[0][0]).name)
        kg.add_node(node_from_properties(row))
    return sorted(doomed), kg


def _is_below(path: str, top: str) -> bool:
    return path == top or path.startswith(top.rstrip(os.sep) + os.sep)
