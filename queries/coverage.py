"""Coverage questions: who adopts a campaign or law and who does not (against the gazetteer), a
federation's profile, the federation × campaign matrix, top campaigns, adoption cascades."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any, Iterable, Optional, TextIO

from graph.schema import GAZETTEER_RULES, LEVELS
from queries import backend, gazetteer
from queries.cypher import ADOPTER_PAGE
from queries.errors import QueryError
from queries.lineage import adoption_rows
from graph.order import known_year, level_key, year_key
from queries.paging import Page, check
from queries.resolve import normalize, resolve, resolve_one, target_labels

if TYPE_CHECKING:  # pandas loads only for the matrix (a second of start-up for every other question)
    import pandas as pd

STATUS_ORDER = {"adopted": 0, "document, no adoption": 1, "no document": 2}
_EVERY = 2 ** 30  # "every row" as a page size: a list slice's bounds are 32-bit integers in Cypher


def _facts(adoptions: Iterable[Any], year: Optional[int]) -> Optional[tuple[set, set, int]]:
    """(known years, documents, first year key) of a federation's [year, doc_id] adoptions up to `year`
    (all when None); None when none is left."""
    years, docs, first = set(), set(), None
    for y, d in adoptions:
        known = known_year(y) is not None
        if year is not None and not (known and y <= year):
            continue
        if known:
            years.add(y)
        if d:
            docs.add(d)
        first = min(first, year_key(y)) if first is not None else year_key(y)
    return None if first is None else (years, docs, first)


def _adopters(store: Any, ids: list[str], labels: tuple[str, ...], year: Optional[int] = None
              ) -> dict[str, dict[str, Any]]:
    """Federation id -> name, level, region_code, own_documents, years, docs, first (earliest year key)
    of its adoptions of `ids` (those up to `year` when given), from the packed `adopters` statement."""
    feds: dict[str, dict[str, Any]] = {}
    for row in backend.fetch(store, "adopters", labels=list(labels), ids=ids):
        for fid, name, level, code, own, adoptions in row["federations"]:
            facts = _facts(adoptions, year)
            if facts is not None:  # some adoption left after the year filter
                feds[fid] = {"federation": name, "level": level, "region_code": code, "own_documents": own,
                             "years": facts[0], "docs": facts[1], "first": facts[2]}
    return feds


def _default_under(adopters: dict[str, dict[str, Any]]) -> Optional[str]:
    """The highest-level adopter that stands for a region (or 全国妇联): coverage is measured under it."""
    ranked = sorted(((level_key(a["level"]), a["federation"], fid) for fid, a in adopters.items()
                     if a["level"] == "national" or (a["region_code"] and a["level"] in ("province", "prefecture"))))
    return ranked[0][2] if ranked else None


def _add_federations(fed_by_id: dict[str, dict[str, Any]], rows: Iterable[dict[str, Any]]) -> None:
    for f in rows:
        fed_by_id.setdefault(f["id"], {"id": f["id"], "name": f["name"], "level": f["level"],
                                       "region_code": f["region_code"], "own_documents": f["own_documents"]})


def _expected(store: Any, codes: list[str], fed_by_id: dict[str, dict[str, Any]]
              ) -> tuple[dict[str, tuple[str, str]], list[dict[str, Any]]]:
    """The federations standing for the gazetteer divisions `codes` (id -> (code, level)), and the
    divisions none stands for. A division's federation is the one with its region code and level,
    else one whose name or alias is the division's federation name; among several, the first
    federation row in canonical order (as `backend.run(store, "federations")` lists them).

    Only federations with those region codes are read, and every federation only when a division
    has none (the name rule needs them all). Adds what it reads to `fed_by_id`.
    """
    wanted = [(code, gazetteer.level_of(code)) for code in codes]
    feds = backend.run(store, "federations_at", ids=[], codes=list(dict.fromkeys(codes)))
    by_code: dict[tuple, dict[str, Any]] = {}
    for f in feds:
        if f["region_code"]:
            by_code.setdefault((f["region_code"], f["level"]), f)
    by_name: Optional[dict[str, dict[str, Any]]] = None
    expected: dict[str, tuple[str, str]] = {}
    missing: list[dict[str, Any]] = []
    for code, level in wanted:
        fname = gazetteer.federation_name(code)
        f = by_code.get((code, level))
        if f is None:
            if by_name is None:
                by_name = {}
                for g in backend.run(store, "federations"):
                    for form in [g["name"], *g["aliases"]]:
                        by_name.setdefault(normalize(form), g)
            f = by_name.get(normalize(fname))
        if f is not None:
            expected[f["id"]] = (code, level)
            _add_federations(fed_by_id, [f])
        else:
            missing.append({"federation": fname, "level": level, "region_code": code})
    return expected, missing


def coverage(store: Any, name: str, *, under: Optional[str] = None, year: Optional[int] = None,
             kind: Optional[str] = None, include_zones: bool = False, variants: bool = False,
             limit: Optional[int] = None, offset: int = 0) -> list[dict[str, Any]]:
    """Who implements campaign/law `name` (up to `year` if given), and who under `under` does not.

    `under` is a federation (default: the highest-level adopter standing for a region, e.g.
    湖南省妇联); the divisions one level below its region in the gazetteer (e.g. the 14
    prefecture-level divisions of Hunan) are the federations expected to adopt. Rows, top level
    first: federation, level, region_code, status ("adopted", "document, no adoption": it issued
    documents in the corpus but none adopts it, "no document": nothing of it in the corpus),
    first_year, years, adoption_documents, own_documents, expected (one of the divisions
    under `under`), in_graph. With `limit`/`offset`: only rows `offset` to `offset + limit` of that
    order (`coverage_page` also gives the total).
    """
    return coverage_page(store, name, under=under, year=year, kind=kind, include_zones=include_zones,
                         variants=variants, limit=limit, offset=offset).rows


def _under(store: Any, under_id: Optional[str], fed_by_id: dict[str, dict[str, Any]], include_zones: bool
           ) -> tuple[dict[str, tuple[str, str]], list[dict[str, Any]]]:
    """`_expected` for the divisions below federation `under_id` (nothing when None)."""
    if under_id is None:
        return {}, []
    if under_id not in fed_by_id:
        _add_federations(fed_by_id, backend.run(store, "federations_at", ids=[under_id], codes=[]))
    top = fed_by_id[under_id]
    if top["level"] == "national":
        codes = gazetteer.children(None, include_zones)
    elif top["region_code"]:
        codes = gazetteer.children(top["region_code"], include_zones)
    else:
        raise QueryError(f"{top['name']} has no region code: coverage under it cannot use the gazetteer")
    return _expected(store, codes, fed_by_id)


def _row(fid: str, f: dict[str, Any], a: Optional[dict[str, Any]], expected: dict[str, tuple[str, str]]
         ) -> tuple[tuple, dict[str, Any]]:
    """(sort key, coverage row) of the federation `fid` (`f`: its properties, `a`: its adoptions or None)."""
    own = f.get("own_documents", 0)
    status = "adopted" if a else ("document, no adoption" if own else "no document")
    code, level = expected.get(fid, (None, None))
    row = {
        "federation": f.get("name") or (a or {}).get("federation"),
        "level": f.get("level") or level, "region_code": f.get("region_code") or code, "status": status,
        "first_year": min(a["years"]) if a and a["years"] else None,
        "years": sorted(a["years"]) if a else [], "adoption_documents": len(a["docs"]) if a else 0,
        "own_documents": own, "expected": fid in expected, "in_graph": True,
    }
    return _key(row, fid), row


def _key(row: dict[str, Any], fid: Optional[str]) -> tuple:
    """The total order of coverage rows: level, status, region code, federation, in the graph first, id."""
    return (level_key(row["level"]), STATUS_ORDER[row["status"]], row["region_code"] or "", row["federation"] or "",
            0 if row["in_graph"] else 1, fid or "")


def _missing_rows(missing: list[dict[str, Any]]) -> list[tuple[tuple, dict[str, Any]]]:
    out = []
    for m in missing:
        row = {**m, "status": "no document", "first_year": None, "years": [], "adoption_documents": 0,
               "own_documents": 0, "expected": True, "in_graph": False}
        out.append((_key(row, None), row))
    return out


def coverage_page(store: Any, name: str, *, under: Optional[str] = None, year: Optional[int] = None,
                  kind: Optional[str] = None, include_zones: bool = False, variants: bool = False,
                  limit: Optional[int] = None, offset: int = 0) -> Page:
    """A page of `coverage`: rows `offset` to `offset + limit` (None: to the end) and the total.

    The expected divisions (a few dozen) are answered whole; the other adopters, which may be
    thousands, come from the store already sorted and cut (one `adopter_page` statement: at most
    `limit` + the number of divisions of them, their adoptions and documents read for those only), and
    the two sorted runs are merged.
    """
    limit, offset = check(limit, offset)
    labels = target_labels(kind)
    ids = [t["id"] for t in resolve(store, name, labels, variants=variants)]
    if limit is None and offset == 0:
        return _coverage_whole(store, ids, labels, under, year, include_zones)

    def adopter_page(feds: list[str], start: int, count: int) -> dict[str, Any]:
        return backend.fetch(store, "adopter_page", labels=list(labels), ids=ids, year=year, feds=feds,
                             offset=min(start, _EVERY - 1), limit=min(count, _EVERY))[0]

    fed_by_id: dict[str, dict[str, Any]] = {}
    if under is not None:
        under_id = resolve_one(store, under, ("Federation",))["id"]
    else:  # the default `under` comes from the adopters: ask for them first (no page)
        regional = adopter_page([], 0, 0)["regional"]
        under_id = sorted(tuple(r) for r in regional)[0][2] if regional else None
    expected, missing = _under(store, under_id, fed_by_id, include_zones)
    # the other adopters that can fall in the page: P[p0:p1] (every expected row may come before the page)
    p0 = max(0, offset - len(expected) - len(missing))
    res = adopter_page(list(expected), p0, _EVERY if limit is None else offset + limit - p0)
    n_other = res["others"]
    if not res["federations"] and 0 < n_other <= p0:  # the page is past them all: the last places the rest
        p0 = n_other - 1
        res = adopter_page(list(expected), p0, 1)
    facts = {}
    for fid, fname, adoptions in res["among"]:
        fact = _facts(adoptions, year)
        if fact is not None:
            facts[fid] = {"federation": fname, "years": fact[0], "docs": fact[1]}
    fixed = sorted([_row(fid, fed_by_id.get(fid, {}), facts.get(fid), expected) for fid in expected]
                   + _missing_rows(missing), key=lambda kr: kr[0])
    total = n_other + len(fixed)
    end = total if limit is None else min(total, offset + limit)
    if offset >= total:
        return Page([], total, offset, limit)
    window = []
    for values in res["federations"]:
        f = dict(zip(ADOPTER_PAGE, values))
        fact = _facts(f["adoptions"], year)
        a = {"federation": f["name"], "years": fact[0], "docs": fact[1]} if fact else None
        window.append(_row(f["id"], {"name": f["name"], "level": f["level"], "region_code": f["region_code"],
                                     "own_documents": f["own_documents"]}, a, {}))
    p1 = p0 + len(window)
    window.sort(key=lambda kr: kr[0])  # the store's order (on Neo4j, a collect after ORDER BY), made sure
    placed = [(p0 + i + sum(1 for k, _ in fixed if k < key), row) for i, (key, row) in enumerate(window)]
    for j, (key, row) in enumerate(fixed):
        if window and p0 > 0 and key < window[0][0]:
            continue  # before P[p0]: before the page
        if window and p1 < n_other and key > window[-1][0]:
            continue  # after P[p1 - 1] and the page's end
        placed.append((p0 + sum(1 for k, _ in window if k < key) + j, row))
    return Page([row for pos, row in sorted(placed, key=lambda pr: pr[0]) if offset <= pos < end],
                total, offset, limit)


def _coverage_whole(store: Any, ids: list[str], labels: tuple[str, ...], under: Optional[str],
                    year: Optional[int], include_zones: bool) -> Page:
    """Every coverage row, from one packed read of the adopters."""
    adopters = _adopters(store, ids, labels, year)
    if under is not None:
        under_id = resolve_one(store, under, ("Federation",))["id"]
    else:
        under_id = _default_under(adopters)
    fed_by_id: dict[str, dict[str, Any]] = {
        fid: {"id": fid, "name": a["federation"], "level": a["level"], "region_code": a["region_code"],
              "own_documents": a["own_documents"]} for fid, a in adopters.items()}
    expected, missing = _under(store, under_id, fed_by_id, include_zones)
    keyed = [_row(fid, fed_by_id.get(fid, {}), adopters.get(fid), expected)
             for fid in set(adopters) | set(expected)] + _missing_rows(missing)
    rows = [row for _, row in sorted(keyed, key=lambda kr: kr[0])]
    return Page(rows, len(rows), 0, None)


def adoption_counts(store: Any, name: str, *, kind: Optional[str] = None,
                    variants: bool = False) -> list[dict[str, Any]]:
    """Adopting federations of `name` per level and year: new adopters that year and the running total."""
    targets = resolve(store, name, target_labels(kind), variants=variants)
    ids = [t["id"] for t in targets]
    adopters = _adopters(store, ids, target_labels(kind))
    firsts = [(a["first"], a["level"]) for a in adopters.values()]
    if len({level for _, level in firsts if level_key(level) == len(LEVELS)}) > 1:
        # levels outside the schema sort as equals: keep the time order of adoption_rows between them
        first: dict[str, tuple[int, Optional[str]]] = {}
        for r in adoption_rows(store, ids, target_labels(kind)):
            y = year_key(r["year"])
            if r["federation_id"] not in first or y < first[r["federation_id"]][0]:
                first[r["federation_id"]] = (y, r["level"])
        firsts = list(first.values())
    counts: dict[tuple[Optional[str], int], int] = {}
    for y, level in firsts:
        counts[(level, y)] = counts.get((level, y), 0) + 1
    out, running = [], {}
    for (level, y), n in sorted(counts.items(), key=lambda kv: (level_key(kv[0][0]), kv[0][1])):
        running[level] = running.get(level, 0) + n
        out.append({"level": level, "year": None if y == 10 ** 6 else y, "new_adopters": n,
                    "total_adopters": running[level]})
    return out


_ROLE = {("IMPLEMENTS", "out"): "implements", ("COORDINATES", "out"): "works with",
         ("COORDINATES", "in"): "worked with by", ("LEADS", "out"): "leads", ("LEADS", "in"): "led by",
         ("PART_OF", "in"): "own office"}


def federation_profile(store: Any, name: str, year: Optional[int] = None) -> list[dict[str, Any]]:
    """What federation `name` does, per year, as its documents state it: campaigns and laws it
    implements, departments and federations it works with, its offices, who leads it.

    Rows: year, relation (implements, works with, own office, led by, leads…), kind, name,
    documents (count), doc_ids, targets. Gazetteer-derived links are left out.
    """
    fed = resolve_one(store, name, ("Federation",))
    rows = [r for r in backend.run(store, "profile", id=fed["id"]) if r["rule"] not in GAZETTEER_RULES]
    if year is not None:
        rows = [r for r in rows if r["year"] == year]
    groups: dict[tuple, dict[str, Any]] = {}
    for r in rows:
        key = (r["year"], _ROLE.get((r["relation"], r["direction"]), r["relation"].lower()), r["kind"], r["other"])
        g = groups.setdefault(key, {"doc_ids": set(), "targets": set()})
        if r["doc_id"]:
            g["doc_ids"].add(r["doc_id"])
        g["targets"].update(r["targets"])
    kind_order = {"Campaign": 0, "Law": 1, "Department": 2, "Federation": 3, "Person": 4}
    out = [{"year": y, "relation": rel, "kind": kind, "name": other, "documents": len(g["doc_ids"]),
            "doc_ids": sorted(g["doc_ids"]), "targets": sorted(g["targets"])}
           for (y, rel, kind, other), g in groups.items()]
    return sorted(out, key=lambda r: (year_key(r["year"]), r["relation"], kind_order.get(r["kind"], 9),
                                      r["name"] or ""))


def coverage_matrix(store: Any, kind: str = "campaign", value: str = "year",
                    level: Optional[str] = None) -> pd.DataFrame:
    """Federations (rows) × campaigns or laws (columns).

    `value`: "year" (first year adopted, <NA> when never), "count" (adopting documents) or
    "bool" (1/0). `level` keeps federations of one level.
    """
    import pandas as pd

    if value not in ("year", "count", "bool"):
        raise QueryError(f"value must be year, count or bool, got {value!r}")
    rows = adoption_rows(store, None, target_labels(kind))
    if level is not None:
        rows = [r for r in rows if r["level"] == level]
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        c = cells.setdefault((r["federation"], r["target"]), {"years": set(), "docs": set()})
        if known_year(r["year"]) is not None:
            c["years"].add(r["year"])
        c["docs"].add(r["doc_id"] or r["rel_id"])
    feds = sorted({f for f, _ in cells})
    cols = sorted({t for _, t in cells})
    if value == "year":
        data = {t: [min(cells[(f, t)]["years"]) if (f, t) in cells and cells[(f, t)]["years"] else pd.NA
                    for f in feds] for t in cols}
        df = pd.DataFrame(data, index=feds, columns=cols, dtype="Int64")
    elif value == "count":
        df = pd.DataFrame({t: [len(cells[(f, t)]["docs"]) if (f, t) in cells else 0 for f in feds] for t in cols},
                          index=feds, columns=cols, dtype="int64")
    else:
        df = pd.DataFrame({t: [1 if (f, t) in cells else 0 for f in feds] for t in cols},
                          index=feds, columns=cols, dtype="int64")
    df.index.name = "federation"
    return df


def top_targets(store: Any, kind: Optional[str] = None, limit: int = 20,
                level: Optional[str] = None) -> list[dict[str, Any]]:
    """Campaigns and laws by number of adopting federations (then documents, then name)."""
    rows = adoption_rows(store, None, target_labels(kind))
    if level is not None:
        rows = [r for r in rows if r["level"] == level]
    agg: dict[str, dict[str, Any]] = {}
    for r in rows:
        a = agg.setdefault(r["target_id"], {"name": r["target"], "kind": r["kind"], "feds": set(), "docs": set(),
                                            "years": set(), "levels": set()})
        a["feds"].add(r["federation_id"])
        if r["doc_id"]:
            a["docs"].add(r["doc_id"])
        if known_year(r["year"]) is not None:
            a["years"].add(r["year"])
        if r["level"]:
            a["levels"].add(r["level"])
    out = [{"name": a["name"], "kind": a["kind"], "federations": len(a["feds"]), "documents": len(a["docs"]),
            "first_year": min(a["years"]) if a["years"] else None,
            "last_year": max(a["years"]) if a["years"] else None,
            "levels": sorted(a["levels"], key=level_key)} for a in agg.values()]
    out.sort(key=lambda r: (-r["federations"], -r["documents"], r["kind"], r["name"] or ""))
    return out[:limit] if limit and limit > 0 else out


CASCADE_COLUMNS = ["campaign", "kind", "federation", "level", "region_code", "year", "doc_id"]


def adoption_cascades(store: Any, kind: Optional[str] = "campaign") -> list[dict[str, Any]]:
    """One row per (campaign, federation): its first adoption — campaign, kind, federation, level,
    region_code, year, doc_id — sorted by campaign then time; the input of diffusion models."""
    first: dict[tuple[str, str], dict[str, Any]] = {}
    for r in adoption_rows(store, None, target_labels(kind)):  # already in time order
        first.setdefault((r["target_id"], r["federation_id"]), r)
    out = [{"campaign": r["target"], "kind": r["kind"], "federation": r["federation"], "level": r["level"],
            "region_code": r["region_code"], "year": known_year(r["year"]), "doc_id": r["doc_id"]} for r in first.values()]
    return sorted(out, key=lambda r: (r["campaign"] or "", year_key(r["year"]), level_key(r["level"]),
                                      r["federation"] or ""))


def write_csv(rows: list[dict[str, Any]], out: str | TextIO | None = None,
              columns: Optional[list[str]] = None, excel: bool = False) -> str:
    """Rows as CSV (lists joined by "; "); written to `out` (path or file) and returned as text.
    `excel`: a UTF-8 byte order mark and CRLF line ends, as Excel expects of a UTF-8 file."""
    columns = columns or (list(rows[0].keys()) if rows else [])
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n" if excel else "\n")
    w.writerow(columns)
    for r in rows:
        w.writerow(["; ".join(map(str, v)) if isinstance(v, (list, tuple)) else ("" if v is None else v)
                    for v in (r.get(c) for c in columns)])
    text = ("\ufeff" if excel else "") + buf.getvalue()
    if isinstance(out, str):
        with open(out, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    elif out is not None:
        out.write(text)
    return text


def cascades_csv(store: Any, path: str, kind: Optional[str] = "campaign") -> int:
    """Write `adoption_cascades` to `path` as CSV; returns the number of rows."""
    rows = adoption_cascades(store, kind)
    write_csv(rows, path, CASCADE_COLUMNS)
    return len(rows)


def matrix_csv(store: Any, path: str, kind: str = "campaign", value: str = "year") -> pd.DataFrame:
    df = coverage_matrix(store, kind, value)
    df.to_csv(path, encoding="utf-8")
    return df
