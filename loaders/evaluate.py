"""Scorer implementing docs/ANNOTATION.md "Scoring", plus gold-format export and a corpus evaluator
that scores what the build pipeline writes into the graph.

Names are compared after NFKC, whitespace removal and quote-mark removal.
Strict: a name or alias of one equals a name or alias of the other.
Lenient: additionally one contains the other when the shorter has ≥ 4 characters.
Relations match when types are equal and both ends match (ends compared by the
names/aliases of the entities they name). Matching is one-to-one, greedy, with
exact canonical-name pairs first.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from graph.errors import FulianError
from graph.schema import ENTITY_LABELS, EXTRACTED_REL_TYPES

ENTITY_TYPES = list(ENTITY_LABELS)
RELATION_TYPES = list(EXTRACTED_REL_TYPES)
_QUOTES = "\"'“”‘’「」『』〝〞＂＇`´″„‟‹›«»"
_STRIP_RE = re.compile("[\\s" + re.escape(_QUOTES) + "]")


def norm_name(s: str) -> str:
    """NFKC, then drop whitespace and quote marks."""
    return _STRIP_RE.sub("", unicodedata.normalize("NFKC", s or ""))


def _names(ent: dict) -> set[str]:
    out = {norm_name(ent.get("name", ""))}
    out.update(norm_name(a) for a in ent.get("aliases", []) or [])
    out.discard("")
    return out


def names_match(a: set[str], b: set[str], lenient: bool = False) -> bool:
    if a & b:
        return True
    if lenient:
        for x in a:
            for y in b:
                short, long_ = (x, y) if len(x) <= len(y) else (y, x)
                if len(short) >= 4 and short in long_:
                    return True
    return False


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "PRF") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def to_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class Report:
    """Scores per mode ('strict'/'lenient') → group → PRF, plus misses and false positives."""

    scores: dict = field(default_factory=dict)
    misses: list = field(default_factory=list)  # strict misses: {"document", "kind", "item"}
    false_positives: list = field(default_factory=list)
    documents: list = field(default_factory=list)  # per gold document: issuer_ok, year_ok, rejected
    unresolved: list = field(default_factory=list)  # documents whose issuer's place was not found

    def to_dict(self) -> dict:
        return {
            "scores": {mode: {g: prf.to_dict() for g, prf in groups.items()} for mode, groups in self.scores.items()},
            "misses": self.misses,
            "false_positives": self.false_positives,
            "documents": self.documents,
            "unresolved_issuers": self.unresolved,
        }

    def to_json(self, indent: int = 1) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def f1(self, group: str = "entities", mode: str = "strict") -> float:
        return self.scores[mode][group].f1

    @classmethod
    def combine(cls, reports: list["Report"]) -> "Report":
        """One micro-averaged report over several (counts summed, lists joined)."""
        out = cls()
        for r in reports:
            for mode, groups in r.scores.items():
                for g, prf in groups.items():
                    out.scores.setdefault(mode, {}).setdefault(g, PRF()).add(prf)
            out.misses += r.misses
            out.false_positives += r.false_positives
            out.documents += r.documents
            out.unresolved += r.unresolved
        return out


def _greedy(golds: list, preds: list, ok) -> list[tuple[int, int]]:
    """One-to-one greedy matching; ``ok(g, p)`` returns a priority (lower first) or None."""
    pairs = []
    for gi, g in enumerate(golds):
        for pi, p in enumerate(preds):
            pr = ok(g, p)
            if pr is not None:
                pairs.append((pr, gi, pi))
    pairs.sort()
    used_g, used_p, out = set(), set(), []
    for _pr, gi, pi in pairs:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        out.append((gi, pi))
    return out


def _score_doc(gold: dict, pred: dict, lenient: bool):
    """Returns (per-group PRF dict, misses, false positives) for one document."""
    groups = {t: PRF() for t in ENTITY_TYPES + RELATION_TYPES}
    misses, fps = [], []
    g_ents = gold.get("entities", []) or []
    p_ents = pred.get("entities", []) or []

    def ent_ok(g, p):
        if g.get("type") != p.get("type"):
            return None
        gn, pn = _names(g), _names(p)
        if norm_name(g.get("name", "")) == norm_name(p.get("name", "")):
            return 0
        if names_match(gn, pn, False):
            return 1
        if lenient and names_match(gn, pn, True):
            return 2
        return None

    _tally(g_ents, p_ents, _greedy(g_ents, p_ents, ent_ok), "entity", lambda e: e.get("name"),
           groups, misses, fps)

    def index(ents):
        idx: dict[str, set[str]] = {}
        for e in ents:
            idx.setdefault(e.get("name", ""), set()).update(_names(e))
        return idx

    g_idx, p_idx = index(g_ents), index(p_ents)

    def end_names(idx, name):
        return idx.get(name) or {norm_name(name)}

    g_rels = gold.get("relations", []) or []
    p_rels = pred.get("relations", []) or []

    def rel_ok(g, p):
        if g.get("type") != p.get("type"):
            return None
        exact = 0
        for side in ("head", "tail"):
            gn, pn = end_names(g_idx, g.get(side, "")), end_names(p_idx, p.get(side, ""))
            if norm_name(g.get(side, "")) == norm_name(p.get(side, "")):
                continue
            if names_match(gn, pn, False):
                exact = max(exact, 1)
            elif lenient and names_match(gn, pn, True):
                exact = 2
            else:
                return None
        return exact

    _tally(g_rels, p_rels, _greedy(g_rels, p_rels, rel_ok), "relation",
           lambda r: f"{r.get('head')} -{r.get('type')}-> {r.get('tail')}", groups, misses, fps)
    return groups, misses, fps


def _tally(golds: list[dict], preds: list[dict], matched, kind: str, name, groups: dict, misses: list,
           fps: list) -> None:
    """Count matched pairs as tp, unmatched gold as fn (a miss), unmatched predictions as fp."""
    mg = {gi for gi, _ in matched}
    mp = {pi for _, pi in matched}
    for gi, g in enumerate(golds):
        prf = groups.setdefault(g.get("type"), PRF())
        if gi in mg:
            prf.tp += 1
        else:
            prf.fn += 1
            misses.append({"kind": kind, "type": g.get("type"), "name": name(g)})
    for pi, p in enumerate(preds):
        if pi not in mp:
            groups.setdefault(p.get("type"), PRF()).fp += 1
            fps.append({"kind": kind, "type": p.get("type"), "name": name(p)})


def score(gold_docs: Iterable[dict], predicted_docs: Iterable[dict]) -> Report:
    """Score predicted gold-format dicts against gold dicts, paired by their "document" field
    (or by position when names are missing)."""
    gold_docs = list(gold_docs)
    predicted_docs = list(predicted_docs)
    by_name = {p.get("document"): p for p in predicted_docs if p.get("document")}
    report = Report()
    for mode in ("strict", "lenient"):
        groups: dict[str, PRF] = {t: PRF() for t in ENTITY_TYPES + RELATION_TYPES}
        groups["entities"], groups["relations"], groups["all"] = PRF(), PRF(), PRF()
        for i, g in enumerate(gold_docs):
            p = by_name.get(g.get("document")) if g.get("document") in by_name else (
                predicted_docs[i] if i < len(predicted_docs) and not predicted_docs[i].get("document") else {})
            doc_groups, misses, fps = _score_doc(g, p or {}, lenient=(mode == "lenient"))
            for t, prf in doc_groups.items():
                groups.setdefault(t, PRF()).add(prf)
                agg = "relations" if t in RELATION_TYPES else "entities"
                groups[agg].add(prf)
                groups["all"].add(prf)
            if mode == "strict":
                doc = g.get("document", f"#{i}")
                report.misses.extend({"document": doc, **m} for m in misses)
                report.false_positives.extend({"document": doc, **f} for f in fps)
                ok_issuer = norm_name(g.get("issuer") or "") == norm_name((p or {}).get("issuer") or "")
                report.documents.append({"document": doc, "issuer_ok": ok_issuer,
                                         "year_ok": g.get("year") == (p or {}).get("year")})
        report.scores[mode] = groups
    return report


def result_to_gold_format(result) -> dict:
    """ExtractionResult → the gold JSON shape."""
    ents = []
    for e in result.entities:
        d = {"type": e.type, "name": e.name, "aliases": list(e.aliases)}
        if e.type == "Federation":
            d["level"] = e.level
        ents.append(d)
    rels = [{"head": r.head, "type": r.type, "tail": r.tail} for r in result.relations]
    return {
        "document": result.source,
        "issuer": result.meta.issuer,
        "year": result.meta.year,
        "entities": ents,
        "relations": rels,
    }


class EvalError(FulianError, RuntimeError):
    """Gold or documents that cannot be scored; the message names the file."""


def _read_gold(gp: Path) -> dict:
    try:
        gold = json.loads(gp.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise EvalError(f"{gp}: not a gold JSON file ({e})") from e
    if not isinstance(gold, dict) or not isinstance(gold.get("entities", []), list):
        raise EvalError(f"{gp}: not a gold JSON file (expected an object with entities and relations)")
    gold.setdefault("document", gp.with_suffix(".txt").name)
    return gold


def graph_predictions(store) -> dict[str, dict]:
    """What a built graph holds per document, in the gold shape, keyed by the document's file name.

    A document's entities are those its passages MENTION, the ends of the relationships it states
    and its issuer; its relations are the extracted relationships carrying its id. Links derived
    from the gazetteer (no document) belong to no document and are not scored.
    """

    nodes = {n["id"]: n for n in store.nodes()}
    docs = {nid: n for nid, n in nodes.items() if n["label"] == "Document"}
    passage_doc = {nid: n.get("doc_id") for nid, n in nodes.items() if n["label"] == "Passage"}
    ents: dict[str, dict[str, None]] = {d: {} for d in docs}  # insertion-ordered sets of entity ids
    rels: dict[str, list[dict]] = {d: [] for d in docs}
    for r in store.relationships():
        doc = passage_doc.get(r["start_id"]) if r["type"] == "MENTIONS" else r.get("doc_id")
        if doc not in docs:
            continue
        if r["type"] in EXTRACTED_REL_TYPES:
            rels[doc].append(r)
        if r["type"] in EXTRACTED_REL_TYPES + ("MENTIONS", "ISSUED_BY"):
            for end in (r["start_id"], r["end_id"]):
                if nodes.get(end, {}).get("label") in ENTITY_LABELS:
                    ents[doc][end] = None
    out = {}
    for did, d in docs.items():
        entities = []
        for eid in ents[did]:
            n = nodes[eid]
            e = {"type": n["label"], "name": n["name"], "aliases": list(n.get("aliases") or [])}
            if n["label"] == "Federation":
                e["level"] = n.get("level")
            entities.append(e)
        relations = [{"head": nodes[r["start_id"]]["name"], "type": r["type"], "tail": nodes[r["end_id"]]["name"]}
                     for r in sorted(rels[did], key=lambda r: r["id"])]
        out[d["source"]] = {"document": d["source"], "issuer": d.get("issuer"), "year": d.get("year"),
                            "entities": entities, "relations": relations}
    return out


def evaluate(gold_dir, docs_dir=None, manifest=None, jobs: int = 1) -> Report:
    """Build each gold file's document with the build pipeline (into a temporary embedded store,
    with `manifest`'s hints) and score what the graph holds; a rejected document is all missed."""
    from graph.nx_store import NetworkxStore
    from loaders.pipeline import BuildError, build

    gold_dir = Path(gold_dir)
    docs_dir = Path(docs_dir) if docs_dir else gold_dir.parent / "corpus"
    gold_files = sorted(gold_dir.glob("*.json"))
    if not gold_files:
        raise EvalError(f"{gold_dir}: no gold JSON files")
    golds, paths = [], []
    for gp in gold_files:
        gold = _read_gold(gp)
        docname = gold["document"]
        candidates = [docs_dir / docname, gold_dir / docname, gold_dir.parent / "corpus" / docname]
        path = next((c for c in candidates if c.is_file()), None)
        if path is None:
            raise EvalError(f"{gp}: its document {docname} is not in {docs_dir}: give the folder with --docs")
        golds.append(gold)
        paths.append(path)
    store = NetworkxStore(None)
    try:
        built = build(paths, store, jobs=jobs, manifest=manifest)
    except BuildError as e:
        raise EvalError(str(e)) from e
    preds = graph_predictions(store)
    report = score(golds, [preds[g["document"]] for g in golds if g["document"] in preds])
    rejected = {Path(p).name: reason for p, reason in built.rejected}
    for d in report.documents:
        if d["document"] in rejected:
            d["rejected"] = rejected[d["document"]]
    report.unresolved = [Path(p).name for p, _form in built.unresolved]
    return report


def format_report(report: Report, show_errors: int = 40) -> str:
    """Readable table of strict and lenient P/R/F1 plus the first misses / false positives."""
    lines = []
    header = f"{'group':<13}{'mode':<9}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}"
    lines.append(header)
    lines.append("-" * len(header))
    groups = ENTITY_TYPES + ["entities"] + RELATION_TYPES + ["relations", "all"]
    for g in groups:
        for mode in ("strict", "lenient"):
            prf = report.scores.get(mode, {}).get(g)
            if prf is None:
                continue
            lines.append(f"{g:<13}{mode:<9}{prf.precision:7.3f}{prf.recall:7.3f}{prf.f1:7.3f}{prf.tp:6d}{prf.fp:6d}{prf.fn:6d}")
        if g in ("entities", "relations"):
            lines.append("-" * len(header))
    rejected = [d for d in report.documents if d.get("rejected")]
    if rejected:
        lines.append("")
        lines.append(f"rejected documents (counted as all missed, {len(rejected)}):")
        lines.extend(f"  {d['document']}  {d['rejected']}" for d in rejected)
    if report.unresolved:
        lines.append("")
        lines.append(f"issuer not resolved (give --manifest, {len(report.unresolved)}): "
                     + ", ".join(report.unresolved))
    if show_errors:
        lines.append("")
        lines.append(f"misses (strict, {len(report.misses)}):")
        for m in report.misses[:show_errors]:
            lines.append(f"  {m['document']}  {m['type']:<12} {m['name']}")
        lines.append(f"false positives (strict, {len(report.false_positives)}):")
        for f in report.false_positives[:show_errors]:
            lines.append(f"  {f['document']}  {f['type']:<12} {f['name']}")
    return "\n".join(lines)
