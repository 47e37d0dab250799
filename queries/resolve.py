"""Find nodes by a name a user types: the same matching rule on both backends.

Rule: compare normalized forms (NFKC, Traditional characters as Simplified ones, no white space,
no quote marks: 美麗庭院 finds 美丽庭院). Nodes whose name or an
alias equals the query win; when none does, nodes whose name or an alias contains the query.
With `variants`, the campaigns found also bring their variant families: the campaigns whose
VARIANT_OF links (written by the build, loaders.variants) lead to them (美家美妇 → 美家美妇,
美家美妇她行动, 美家美妇美庭院, 爱国爱党爱家乡 美家美妇写家书).

On Neo4j, federations, campaigns and laws are found through text indexes on `name` and
`aliases_text` (CONTAINS the normalized query) together with the few nodes flagged as having a form
that is not plain text (graph.cypher.IRREGULAR), on a database that has them (graph.cypher.name_indexes);
otherwise the candidates come from the CJK full-text index (bigrams of the query, OR-ed, on
`name` and `aliases_text`), or for federations alone from a scan of that label (every federation
shares 妇联 with every document title, so the index narrows nothing there); nodes whose names and
aliases are all plain CJK/ASCII text without the query are left out on the server, as they cannot
match. The rule above then picks among the candidates. Because the index can only miss a node
whose raw name splits the query with spaces or punctuation, an empty pick (and any query that is
not all CJK ideographs) falls back to the scan used on networkx.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from typing import Any, Iterable, Optional, Sequence

from graph.cypher import NAME_INDEX, NAME_INDEXED
from graph.schema import ENTITY_LABELS, TARGET_LABELS
from graph.traditional import fold_traditional
from queries import backend
from queries.errors import QueryError, short

_STRIP = re.compile(r"[\s\"'“”‘’「」『』《》〈〉]+")
_CJK = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
_LUCENE_SPECIAL = re.compile(r'([+\-!(){}\[\]^"~*?:\\/&|])')


def target_labels(kind: Optional[str]) -> tuple[str, ...]:
    """The labels a `kind` argument means: campaign -> (Campaign,), law -> (Law,), None -> both."""
    if kind is None:
        return TARGET_LABELS
    label = kind[:1].upper() + kind[1:].lower()
    if label not in TARGET_LABELS:
        raise QueryError(f"kind must be campaign or law, got {kind!r}")
    return (label,)


@functools.lru_cache(maxsize=1 << 16)
def normalize(text: Optional[str]) -> str:
    return _STRIP.sub("", fold_traditional(unicodedata.normalize("NFKC", text or "")))


def _forms(row: dict[str, Any]) -> list[str]:
    return [f for f in (normalize(x) for x in [row.get("name"), *(row.get("aliases") or [])]) if f]


def _order(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows once each (by id), sorted by label, name, id."""
    return sorted({r["id"]: r for r in rows}.values(), key=lambda r: (r["label"], r["name"] or "", r["id"]))


def pick(query: str, candidates: Iterable[dict[str, Any]]) -> tuple[list[dict], str]:
    """(matching rows, "exact" | "substring" | "none") by the rule above; rows sorted by label, name, id."""
    q = normalize(query)
    cands = list(candidates)
    exact = [c for c in cands if q and q in _forms(c)]
    if exact:
        return _order(exact), "exact"
    sub = [c for c in cands if q and any(q in f for f in _forms(c))]
    if sub:
        return _order(sub), "substring"
    return [], "none"


def with_variants(store: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`rows` (resolved nodes) and the variant families of their campaigns (VARIANT_OF), in resolve's order."""
    ids = [r["id"] for r in rows if r["label"] == "Campaign"]
    if not ids:
        return rows
    family = [{k: v[k] for k in ("id", "label", "name", "aliases")} for v in backend.run(store, "variants", ids=ids)]
    return _order(rows + family)


def fulltext_query(query: str) -> Optional[str]:
    """The Lucene query for full-text candidates, or None when the query is not all CJK ideographs."""
    q = normalize(query)
    if len(q) < 2 or not _CJK.match(q):
        return None
    grams = sorted({q[i:i + 2] for i in range(len(q) - 1)})
    terms = " OR ".join(_LUCENE_SPECIAL.sub(r"\\\1", g) for g in grams)
    return f"name:({terms}) OR aliases_text:({terms})"


def all_names(store: Any, labels: Sequence[str], ordered: bool = True) -> list[dict[str, Any]]:
    """Every node of `labels` with its name and aliases; canonical and in canonical order unless
    `ordered` is False (then as the store gives them: enough to pick from)."""
    if ordered:
        return backend.run(store, "entity_names", labels=list(labels))
    return backend.fetch(store, "entity_names", labels=list(labels))


def _fulltext_candidates(store: Any, query: str, labels: Sequence[str]) -> Optional[list[dict[str, Any]]]:
    lucene = fulltext_query(query)
    if lucene is None:
        return None
    from neo4j.exceptions import ClientError

    try:
        return backend.run(store, "entity_fulltext", index=backend.cypher.FULLTEXT_INDEX, query=lucene,
                           labels=list(labels), normalized=normalize(query))
    except ClientError:  # index missing or still populating: scan instead
        return None


def suggestions(query: str, rows: Iterable[dict[str, Any]], n: int = 5) -> list[str]:
    """Closest canonical names to `query` over names and aliases (difflib)."""
    by_form: dict[str, str] = {}
    for r in rows:
        for f in _forms(r):
            by_form.setdefault(f, r["name"])
    q = normalize(query)
    close = difflib.get_close_matches(q, list(by_form), n=n * 2, cutoff=0.4) if q else []
    out: list[str] = []
    for f in close:
        if by_form[f] not in out:
            out.append(by_form[f])
    return out[:n]


def _describe(labels: Sequence[str]) -> str:
    names = {"Federation": "federation", "Campaign": "campaign", "Law": "law", "Department": "department",
             "Person": "person"}
    words = [names.get(label, label) for label in labels]
    return " or ".join(words) if len(words) < 3 else "entity"


def resolve(store: Any, query: str, labels: Sequence[str] = ENTITY_LABELS, *,
            variants: bool = False) -> list[dict[str, Any]]:
    """Every node of `labels` the query names (see the module rule); QueryError when none."""
    if not isinstance(query, str) or not normalize(query):
        raise QueryError(f"give a {_describe(labels)} name")
    found: list[dict] = []
    if backend.backend_of(store) == "neo4j":
        if set(labels) <= set(NAME_INDEXED) and store.has_index(NAME_INDEX):
            cands = backend.run(store, "entity_indexed", labels=list(labels), normalized=normalize(query))
        elif tuple(labels) == ("Federation",):  # every federation shares 妇联 with every title: scan the label
            cands = backend.run(store, "entity_candidates", labels=list(labels), normalized=normalize(query))
        else:
            cands = _fulltext_candidates(store, query, labels)
        if cands is not None:
            found, _ = pick(query, cands)
    if not found:
        rows = all_names(store, labels, ordered=False)
        found, _ = pick(query, rows)
        found = [backend.canonical(r) for r in found]
        if not found:  # suggestions take the first name of each form in canonical order
            raise QueryError(f"no {_describe(labels)} named {short(query)!r} in the graph",
                             suggestions(query, backend.canonical_rows(rows)))
    return with_variants(store, found) if variants else found


def resolve_one(store: Any, query: str, labels: Sequence[str] = ("Federation",)) -> dict[str, Any]:
    """Exactly one node; QueryError listing the candidates when the name is ambiguous."""
    found = resolve(store, query, labels)
    if len(found) > 1:
        names = [f"{r['name']} ({r['label']})" if len(labels) > 1 else r["name"] for r in found[:10]]
        raise QueryError(f"{short(query)!r} is ambiguous: it matches {len(found)} nodes ({', '.join(names)}); "
                         "give the full name")
    return found[0]
