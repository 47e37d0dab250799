"""Lineage questions: how a campaign spread, who leads whom, what a federation inherited, and why
the graph says so (provenance). Every function returns plain rows (list of dicts)."""

from __future__ import annotations

from typing import Any, Optional

from graph.schema import ENTITY_LABELS, GAZETTEER_RULES, REL_TYPES, TARGET_LABELS
from queries import backend
from queries.errors import QueryError
from graph.order import NO_YEAR, adoption_key, level_key, year_key
from queries.cypher import ADOPTION_PAGE
from queries.paging import Page, check
from queries.resolve import resolve, resolve_one, target_labels


def adoption_rows(store: Any, ids: Optional[list[str]], labels: tuple[str, ...] = TARGET_LABELS) -> list[dict]:
    """IMPLEMENTS rows in time order (year, level from the top down, federation, document)."""
    rows = backend.run(store, "adoptions", labels=list(labels), ids=ids)
    for r in rows:
        r["issuer"] = r["issuers"][0] if r["issuers"] else None
    return sorted(rows, key=lambda r: adoption_key(r["year"], r["level"], r["federation"], r["doc_id"], r["target"],
                                                   r["rel_id"], r["target_id"]))


def _diffusion(r: dict[str, Any]) -> dict[str, Any]:
    """A `campaign_diffusion` row (first_at_level still to set) from an `adoption_rows` row."""
    return {"campaign": r["target"], "kind": r["kind"], "year": r["year"], "federation": r["federation"],
            "level": r["level"], "region_code": r["region_code"], "document": r["document"], "doc_id": r["doc_id"],
            "issuer": r["issuer"], "evidence": r["evidence"], "targets": r["targets"], "first_at_level": False}


def _diffusion_rows(store: Any, ids: list[str], labels: tuple[str, ...]) -> list[tuple[str, dict[str, Any]]]:
    """(target id, `campaign_diffusion` row) in the order of `adoption_rows`, from the packed
    `adoption_list` statement. Two adoptions equal on everything but the relationship id fall back
    to `adoption_rows` (only that id orders them)."""
    canonical = backend.canonical
    keyed = []
    for t in backend.fetch(store, "adoption_list", labels=list(labels), ids=ids):
        target_id, kind, target = t["target_id"], t["kind"], t["target"]
        for fid, fed, level, code, adoptions in t["federations"]:
            level_rank, fed_key = level_key(level), fed or ""
            for year, doc_id, title, issuers, evidence, targets in adoptions:
                if len(issuers) > 1 or (issuers and not isinstance(issuers[0], str)):
                    issuers = canonical(issuers)
                keyed.append(((year_key(year), level_rank, fed_key,
                               doc_id or "", target or ""), target_id, {
                    "campaign": target, "kind": kind, "year": year, "federation": fed, "level": level,
                    "region_code": code, "document": title, "doc_id": doc_id,
                    "issuer": issuers[0] if issuers else None,
                    "evidence": evidence if isinstance(evidence, str) else canonical(evidence),
                    "targets": canonical(targets) if targets else targets, "first_at_level": False}))
    keyed.sort(key=lambda k: k[0])
    if any(a[0] == b[0] for a, b in zip(keyed, keyed[1:])):
        return [(r["target_id"], _diffusion(r)) for r in adoption_rows(store, ids, labels)]
    return [(target_id, row) for _, target_id, row in keyed]


def campaign_diffusion(store: Any, name: str, *, kind: Optional[str] = None, variants: bool = False,
                       limit: Optional[int] = None, offset: int = 0) -> list[dict[str, Any]]:
    """Every adoption of the campaign (or law) `name` in time order (year, level from the top down,
    federation, document, then ids: graph.order.adoption_key); with `limit`/`offset` only rows
    `offset` to `offset + limit` of that order (`diffusion_page` also gives the total).

    Rows: campaign, kind, year, federation, level, region_code, document, doc_id, issuer,
    evidence, targets, first_at_level (True for the earliest adopters of each level, per campaign).
    `variants` also follows the campaigns' variant families (VARIANT_OF, written by the build:
    美家美妇 → 美家美妇她行动, 美家美妇美庭院).
    """
    return diffusion_page(store, name, kind=kind, variants=variants, limit=limit, offset=offset).rows


def diffusion_page(store: Any, name: str, *, kind: Optional[str] = None, variants: bool = False,
                   limit: Optional[int] = None, offset: int = 0) -> Page:
    """A page of `campaign_diffusion`: its rows `offset` to `offset + limit` (None: to the end) and the
    total. The store sorts and cuts (on Neo4j: ORDER BY, SKIP, LIMIT, reading only the years up to
    the page's end), so a page reads only its own documents; each row brings the earliest year of its
    target at its level (first_at_level)."""
    limit, offset = check(limit, offset)
    labels = target_labels(kind)
    ids = [t["id"] for t in resolve(store, name, labels, variants=variants)]
    if limit is None and offset == 0:
        every = _diffusion_rows(store, ids, labels)
        first: dict[tuple[str, Optional[str]], int] = {}
        for target_id, r in every:
            key = (target_id, r["level"])
            first[key] = min(first.get(key, NO_YEAR), year_key(r["year"]))
        for target_id, r in every:
            r["first_at_level"] = year_key(r["year"]) == first[(target_id, r["level"])]
        return Page([r for _, r in every], len(every), 0, None)
    total = sum(s["adoptions"] for s in backend.fetch(store, "adoption_summary", labels=list(labels), ids=ids))
    if offset >= total:
        return Page([], total, offset, limit)
    packed = backend.fetch(store, "adoption_page", labels=list(labels), ids=ids, offset=offset,
                           limit=total - offset if limit is None else limit)
    rows = [backend.canonical(dict(zip(ADOPTION_PAGE, values))) for p in packed for values in p["rows"]]
    rows.sort(key=lambda r: adoption_key(r["year"], r["level"], r["federation"], r["doc_id"], r["target"],
                                         r["rel_id"], r["target_id"]))
    out = []
    for r in rows:
        r["issuer"] = r["issuers"][0] if r["issuers"] else None
        d = _diffusion(r)
        d["first_at_level"] = year_key(r["year"]) == r["first_key"]
        out.append(d)
    return Page(out, total, offset, limit)


def first_adopters(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The earliest adopters per campaign and level, from `campaign_diffusion` rows (top level first)."""
    seen: dict[tuple, dict] = {}
    for r in rows:
        if r["first_at_level"]:
            key = (r["campaign"], r["level"], r["federation"])
            seen.setdefault(key, {k: r[k] for k in ("campaign", "level", "year", "federation", "region_code",
                                                     "document")})
    return sorted(seen.values(), key=lambda r: (r["campaign"], level_key(r["level"]), year_key(r["year"]),
                                                r["federation"]))


def leadership_chain(store: Any, name: str, direction: str = "up") -> list[dict[str, Any]]:
    """The federation `name` and those above it (direction "up": parent, grandparent… to the top)
    or below it ("down": every federation under it), nearest first.

    Rows: depth (0 = the federation itself; up: 1 = parent), federation, level, region_code,
    and for "down" the direct parents.
    """
    if direction not in ("up", "down"):
        raise QueryError(f"direction must be up or down, got {direction!r}")
    fed = resolve_one(store, name, ("Federation",))
    me = store.node(fed["id"]) or {}
    head = {"depth": 0, "federation": fed["name"], "level": me.get("level"), "region_code": me.get("region_code")}
    if direction == "up":
        rows = backend.run(store, "ancestors", id=fed["id"])
        out = [{"depth": r["depth"], "federation": r["name"], "level": r["level"], "region_code": r["region_code"]}
               for r in rows]
    else:
        head["parents"] = []
        rows = backend.run(store, "descendants", id=fed["id"])
        out = [{"depth": r["depth"], "federation": r["name"], "level": r["level"], "region_code": r["region_code"],
                "parents": sorted(set(r["parents"]))} for r in rows]
    out.sort(key=lambda r: (r["depth"], level_key(r["level"]), r["federation"] or ""))
    return [head] + out


def agenda_inheritance(store: Any, name: str, year: Optional[int] = None) -> list[dict[str, Any]]:
    """For federation `name` (and `year`, or all years): each campaign and law it implements,
    whether its ancestors' documents named it first ("inherited") or not ("own").

    Rows: kind, name, year (the federation's first year), status, upstream_year,
    upstream_federation, upstream_document (the ancestors' earliest document naming it,
    even when later: then status is "own" and the wording may have flowed upward),
    upstream_documents (how many ancestor documents name it).
    """
    fed = resolve_one(store, name, ("Federation",))
    rows = backend.run(store, "agenda", id=fed["id"], year=year)
    out = []
    for r in rows:
        ups = {u["doc_id"]: u for u in r["upstream"] if u.get("doc_id")}
        first = min(ups.values(), key=lambda u: (year_key(u["year"]), u["federation"] or "", u["doc_id"]),
                    default=None)
        inherited = first is not None and (r["year"] is None or first["year"] is None
                                           or first["year"] <= r["year"])
        out.append({
            "kind": r["kind"], "name": r["name"], "year": r["year"],
            "status": "inherited" if inherited else "own",
            "upstream_year": first["year"] if first else None,
            "upstream_federation": first["federation"] if first else None,
            "upstream_document": (first["title"] or first["doc_id"]) if first else None,
            "upstream_documents": len(ups),
        })
    return sorted(out, key=lambda r: (r["status"] != "inherited", r["kind"], year_key(r["upstream_year"]),
                                      r["name"] or ""))


def provenance(store: Any, rel_id: Optional[str] = None, *, head: Optional[str] = None,
               rel_type: Optional[str] = None, tail: Optional[str] = None) -> list[dict[str, Any]]:
    """The passages and documents behind a relationship: by its id, or by head / type / tail names.

    One row per (relationship, supporting passage): id, type, head, tail, doc_id, document, source,
    date, url (the document's, when known), year, rule, evidence, start, end, targets, score, passage (id), passage_index, passage_text, support
    ("evidence": the passage holds the evidence span; "mentions": it names both ends). A
    relationship no passage supports (gazetteer links) gives one row with empty passage fields.
    """
    if rel_id:
        rows = backend.run(store, "provenance_by_id", rel_id=rel_id)
        if not rows:
            raise QueryError(f"no relationship with id {rel_id!r}: ids look like "
                             "IMPLEMENTS:fed:长沙市妇联->campaign:美丽庭院@doc:001_…")
    elif head and tail:
        if rel_type is not None and rel_type.upper() not in REL_TYPES:
            raise QueryError(f"unknown relationship type {rel_type!r}; known: {', '.join(REL_TYPES)}")
        heads = resolve(store, head, ENTITY_LABELS + ("Passage",) if head.startswith("passage:") else ENTITY_LABELS)
        tails = resolve(store, tail, ENTITY_LABELS)
        rows = []
        for h in heads:
            for t in tails:
                rows += backend.run(store, "provenance_by_ends", head_id=h["id"], tail_id=t["id"],
                                    type=rel_type.upper() if rel_type else None)
        if not rows:
            what = rel_type.upper() if rel_type else "relationship"
            raise QueryError(f"no {what} from {heads[0]['name']} to {tails[0]['name']} in the graph")
    else:
        raise QueryError("give a relationship id, or head and tail names (and optionally a type)")
    out = []
    for r in sorted(rows, key=lambda r: (year_key(r["year"]), r["doc_id"] or "", r["id"] or "")):
        doc = r["documents"][0] if r["documents"] else {}
        base = {"id": r["id"], "type": r["type"], "head": r["head"], "tail": r["tail"], "doc_id": r["doc_id"] or None,
                "document": doc.get("title"), "source": doc.get("source"), "date": doc.get("date"),
                "url": doc.get("url"), "year": r["year"], "rule": r["rule"],
                "evidence": r["evidence"], "start": r["start"], "end": r["end"], "targets": r["targets"],
                "score": r["score"]}
        support: dict[str, tuple[str, dict]] = {}
        for p in r["overlapping"]:
            support.setdefault(p["id"], ("evidence", p))
        for p in r["mentioning"]:
            support.setdefault(p["id"], ("mentions", p))
        if not support:
            out.append({**base, "passage": None, "passage_index": None, "passage_text": None,
                        "support": "gazetteer" if r["rule"] in GAZETTEER_RULES else None})
        for pid, (why, p) in sorted(support.items(), key=lambda kv: (kv[1][0] != "evidence", kv[1][1]["index"]
                                                                     if kv[1][1]["index"] is not None else 0, kv[0])):
            out.append({**base, "passage": pid, "passage_index": p["index"], "passage_text": p["text"],
                        "support": why})
    return out
