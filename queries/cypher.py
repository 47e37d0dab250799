"""Every Cypher statement the query layer runs, as functions returning query text.

One statement per question; each has an equivalent function of the same name over the
networkx graph in `queries.nx_queries`. Every value a user gives travels as a `$parameter`;
nothing here is built from user input (labels and types are fixed text).

`STATEMENTS` maps name → text, for notebooks and Neo4j Browser (`:param` the parameters,
paste the text). Property names that are also Cypher keywords (start, end, index, type)
are written in backticks.
"""

from __future__ import annotations

from graph.cypher import FULLTEXT_INDEX, IRREGULAR, NAME_INDEXED, PAGE_KEY, PLAIN_FORM
from graph.order import NO_YEAR, PAGE_KEY_SEP
from graph.schema import LEVELS, NODE_LABELS

__all__ = ["STATEMENTS", "PARAMETERS", "FULLTEXT_INDEX", "DRAWN_NODE", "DRAWN_RELATIONSHIP", "ADOPTION_PAGE",
           "ADOPTER_PAGE"]


def entity_names() -> str:
    """Every node of the labels `$labels` with its name and aliases (name matching, suggestions)."""
    return (
        "MATCH (n) WHERE labels(n)[0] IN $labels\n"
        "RETURN n.id AS id, labels(n)[0] AS label, n.name AS name, coalesce(n.aliases, []) AS aliases"
    )


_PLAIN_NAME = "'" + PLAIN_FORM + "'"  # a name that is its own normalized form
# a candidate for the normalized name `$normalized`: a form contains it, or is not plain text (then
# the caller's normalized comparison decides)
_MAY_BE_NAMED = ("any(form IN [n.name] + coalesce(n.aliases, [])\n"
                 "          WHERE form CONTAINS $normalized OR NOT form =~ " + _PLAIN_NAME + ")\n")


def entity_fulltext() -> str:
    """Candidate nodes of `$labels` from the CJK full-text index `$index` for the Lucene query `$query`
    that may be named `$normalized` (a normalized name): a name or alias contains it, or is not plain text
    (then the caller's normalized comparison decides). Leaves out the many nodes that merely share a
    bigram with the name (every federation shares 妇联)."""
    return (
        "CALL db.index.fulltext.queryNodes($index, $query) YIELD node\n"
        "WITH node AS n WHERE labels(n)[0] IN $labels\n"
        "  AND " + _MAY_BE_NAMED +
        "RETURN DISTINCT n.id AS id, labels(n)[0] AS label, n.name AS name, coalesce(n.aliases, []) AS aliases"
    )


def entity_candidates() -> str:
    """Nodes of `$labels` (entity labels) that may be named `$normalized`, by a scan of those labels:
    a name or alias contains it, or is not plain text. For federations, whose names all share 妇联
    with every document title, this reads less than the full-text index."""
    return (
        "CALL () {\n"
        "  UNWIND CASE WHEN 'Federation' IN $labels THEN [true] ELSE [] END AS wanted MATCH (n:Federation) RETURN n\n"
        "  UNION UNWIND CASE WHEN 'Department' IN $labels THEN [true] ELSE [] END AS wanted MATCH (n:Department) RETURN n\n"
        "  UNION UNWIND CASE WHEN 'Campaign' IN $labels THEN [true] ELSE [] END AS wanted MATCH (n:Campaign) RETURN n\n"
        "  UNION UNWIND CASE WHEN 'Law' IN $labels THEN [true] ELSE [] END AS wanted MATCH (n:Law) RETURN n\n"
        "  UNION UNWIND CASE WHEN 'Person' IN $labels THEN [true] ELSE [] END AS wanted MATCH (n:Person) RETURN n\n"
        "}\n"
        "WITH n WHERE labels(n)[0] IN $labels\n"
        "  AND " + _MAY_BE_NAMED +
        "RETURN n.id AS id, labels(n)[0] AS label, n.name AS name, coalesce(n.aliases, []) AS aliases"
    )


def _indexed(label: str) -> str:
    """The `label` nodes that may be named `$normalized`, from its text and flag indexes (none unless
    `label` is in `$labels`): a plain form holding the name is in them, the others are flagged."""
    on = " UNWIND CASE WHEN '" + label + "' IN $labels THEN [true] ELSE [] END AS wanted "
    return (" " + on + "MATCH (n:" + label + ") WHERE n.name CONTAINS $normalized RETURN n\n"
            "  UNION" + on + "MATCH (n:" + label + ") WHERE n.aliases_text CONTAINS $normalized RETURN n\n"
            "  UNION" + on + "MATCH (n:" + label + ") WHERE n." + IRREGULAR + " = true RETURN n\n")


def entity_indexed() -> str:
    """`entity_candidates` for labels of NAME_INDEXED only, read from their text indexes (created with
    the IRREGULAR flags they rely on: graph.cypher.name_indexes) instead of a scan of each label."""
    return (
        "CALL () {\n" + "  UNION\n".join(_indexed(label) for label in NAME_INDEXED) + "}\n"
        "WITH n WHERE " + _MAY_BE_NAMED +
        "RETURN n.id AS id, labels(n)[0] AS label, n.name AS name, coalesce(n.aliases, []) AS aliases"
    )


# The campaigns and laws `$ids` (all when null) of the labels `$labels`. The label scans sit behind
# an UNWIND of nothing when ids are given: a `WHERE $ids IS NULL` after them would still scan.
_TARGETS = (
    "CALL () {\n"
    "  UNWIND coalesce($ids, []) AS cid MATCH (c:Campaign {id: cid}) RETURN c\n"
    "  UNION UNWIND coalesce($ids, []) AS cid MATCH (c:Law {id: cid}) RETURN c\n"
    "  UNION UNWIND CASE WHEN $ids IS NULL THEN [true] ELSE [] END AS every MATCH (c:Campaign) RETURN c\n"
    "  UNION UNWIND CASE WHEN $ids IS NULL THEN [true] ELSE [] END AS every MATCH (c:Law) RETURN c\n"
    "}\n"
    "WITH c WHERE labels(c)[0] IN $labels\n"
)


def adoptions() -> str:
    """Every IMPLEMENTS of a campaign or law (`$labels`; only `$ids` unless null), with its document.

    Starts from the targets (id seeks through the uniqueness constraints), not from every IMPLEMENTS.
    """
    return (
        _TARGETS
        + "MATCH (f:Federation)-[r:IMPLEMENTS]->(c)\n"
        "OPTIONAL MATCH (d:Document {id: r.doc_id})\n"
        "RETURN c.id AS target_id, labels(c)[0] AS kind, c.name AS target,\n"
        "       f.id AS federation_id, f.name AS federation, f.level AS level, f.region_code AS region_code,\n"
        "       r.year AS year, r.doc_id AS doc_id, d.title AS document, d.year AS document_year,\n"
        "       coalesce([(d)-[:ISSUED_BY]->(i:Federation) | i.name], []) AS issuers,\n"
        "       r.evidence AS evidence, coalesce(r.targets, []) AS targets, r.rule AS rule, r.id AS rel_id"
    )


def adoption_list() -> str:
    """`adoptions` packed for the lineage questions: one row per campaign or law (`$labels`; only
    `$ids` unless null) whose `federations` lists [federation_id, federation, level, region_code,
    adoptions], `adoptions` listing [year, doc_id, document, issuers, evidence, targets] per IMPLEMENTS.

    One record per target instead of one per adoption (the driver's cost is per record), and each
    federation's properties once.
    """
    return (
        _TARGETS
        + "MATCH (f:Federation)-[r:IMPLEMENTS]->(c)\n"
        "OPTIONAL MATCH (d:Document {id: r.doc_id})\n"
        "WITH c, f, collect([r.year, r.doc_id, d.title, coalesce([(d)-[:ISSUED_BY]->(i:Federation) | i.name], []),\n"
        "                    r.evidence, coalesce(r.targets, [])]) AS adoptions\n"
        "RETURN c.id AS target_id, labels(c)[0] AS kind, c.name AS target,\n"
        "       collect([f.id, f.name, f.level, f.region_code, adoptions]) AS federations"
    )


# The total orders pages follow, as Cypher expressions (graph.order's keys; the level ranks are the
# schema's LEVELS, fixed text). Strings compare by code point on both stores; ties end at an id.
# Each property is read once (`y` = r.year, `lv` = f.level) and the target's once per target, not per adoption.
_YEAR_KEY = "CASE WHEN y IS :: INTEGER AND y > 0 THEN y ELSE " + str(NO_YEAR) + " END"
_LEVEL_KEY = ("CASE lv " + " ".join("WHEN '" + level + "' THEN " + str(i) for i, level in enumerate(LEVELS))
              + " ELSE " + str(len(LEVELS)) + " END")
# adoptions up to `$year` (every one when null): those with a known year no later
_UP_TO_YEAR = "WHERE $year IS NULL OR (r.year IS :: INTEGER AND r.year > 0 AND r.year <= $year)\n"


def adoption_summary() -> str:
    """Per campaign or law (`$labels`; only `$ids` unless null): how many IMPLEMENTS lead to it (a
    lineage page's total). Neo4j reads the count from the target's degree: the schema lets only
    federations implement."""
    return (
        _TARGETS
        + "RETURN c.id AS target_id, COUNT { ()-[:IMPLEMENTS]->(c) } AS adoptions"
    )


ADOPTION_PAGE = ("target_id", "kind", "target", "federation_id", "federation", "level", "region_code", "year",
                 "doc_id", "document", "document_year", "issuers", "evidence", "targets", "rule", "rel_id",
                 "first_key")

_PAGE_PREFIX = "cid + '" + PAGE_KEY_SEP + "'"


def adoption_page() -> str:
    """`adoptions` in lineage order (year, level from the top down, federation, document, target,
    relationship id, target id), rows `$offset` to `$offset` + `$limit`, packed in one record: `rows`
    lists them as [the ADOPTION_PAGE columns] in that order; `first_key` is the earliest year key of
    the row's target at the row's level (first_at_level).

    Each target's adoptions come from the `rel_implements_page` index (graph.order.page_key: target
    id, then year), in year order: only the years up to that of its (`$offset` + `$limit`)th
    adoption are read, every adoption of those years, so the sort, the cut and the earliest year per
    level are exact. Where the index holds fewer keys than the target has adoptions (a database an
    earlier version wrote and no load has keyed yet), that target's adoptions are all read.
    Only the page's documents are read after the cut; one record, not one per row.
    """
    return (
        _TARGETS
        + "WITH c, c.id AS cid, labels(c)[0] AS kind, c.name AS target, COUNT { ()-[:IMPLEMENTS]->(c) } AS total\n"
        "WITH c, cid, kind, target, CASE WHEN total < $offset + $limit THEN total ELSE $offset + $limit END AS wanted\n"
        "CALL (cid) {\n"
        "  MATCH ()-[k:IMPLEMENTS]->() WHERE k." + PAGE_KEY + " STARTS WITH " + _PAGE_PREFIX + "\n"
        "  WITH k." + PAGE_KEY + " AS key ORDER BY key LIMIT $offset + $limit\n"
        "  RETURN count(key) AS keyed, max(key) AS last\n"
        "}\n"
        "CALL (c, cid, wanted, keyed, last) {\n"
        "  WITH cid, last, keyed, wanted WHERE keyed >= wanted\n"
        "  MATCH (f:Federation)-[r:IMPLEMENTS]->()\n"
        "  WHERE r." + PAGE_KEY + " >= " + _PAGE_PREFIX + " AND r." + PAGE_KEY + " <= last\n"
        "  RETURN f, r\n"
        "  UNION\n"
        "  WITH c, keyed, wanted WHERE keyed < wanted\n"
        "  MATCH (f:Federation)-[r:IMPLEMENTS]->(c)\n"
        "  RETURN f, r\n"
        "}\n"
        "WITH cid, kind, target, f, r, f.level AS lv, r.year AS y\n"
        "WITH cid, kind, target, lv, min(" + _YEAR_KEY + ") AS first_key, collect([f, r, y]) AS rs\n"
        "UNWIND rs AS x\n"
        "WITH cid, kind, target, lv, first_key, x[0] AS f, x[1] AS r, x[2] AS y\n"
        "WITH cid, kind, target, lv, first_key, r, y, f.id AS fid, f.name AS federation, f.region_code AS region_code,\n"
        "     r.doc_id AS doc_id, r.id AS rel_id\n"
        "ORDER BY " + _YEAR_KEY + ", " + _LEVEL_KEY + ", coalesce(federation, ''), coalesce(doc_id, ''),\n"
        "     coalesce(target, ''), coalesce(rel_id, ''), cid\n"
        "SKIP $offset LIMIT $limit\n"
        "OPTIONAL MATCH (d:Document {id: doc_id})\n"
        "RETURN collect([cid, kind, target, fid, federation, lv, region_code, y, doc_id, d.title, d.year,\n"
        "                coalesce([(d)-[:ISSUED_BY]->(i:Federation) | i.name], []), r.evidence,\n"
        "                coalesce(r.targets, []), r.rule, rel_id, first_key]) AS rows"
    )


ADOPTER_PAGE = ("id", "name", "level", "region_code", "own_documents", "adoptions")


def adopter_page() -> str:
    """The federations implementing the campaigns or laws `$ids` (`$labels`; all when null) up to `$year`
    (all when null), in one record (a coverage page is one statement):

    - `others`: how many of them are not among `$feds` (the expected divisions);
    - `federations`: those others in coverage order (level from the top down, region code, name, id),
      rows `$offset` to `$offset` + `$limit`, each [id, name, level, region_code, own_documents
      (ISSUED_BY links in), adoptions ([year, doc_id] per IMPLEMENTS)] (ADOPTER_PAGE);
    - `among`: those of `$feds`, as [id, name, adoptions];
    - `regional`: those that may stand for a region (national, or a province or prefecture with a region
      code), as [level key, name, id] (coverage's default `under`).

    Each adopter is met once (DISTINCT: the schema lets only federations implement) and only its level
    is read to place it; region code, name and id are read for the adopters of the levels the page
    falls in (most adopters are townships, few stand at the top), adoptions and document counts for
    the page's federations and those of `$feds`.
    """
    adopts = ("COLLECT { UNWIND cs AS t MATCH (f)-[r:IMPLEMENTS]->(t) " + _UP_TO_YEAR.strip()
               + " RETURN [r.year, r.doc_id] }")
    return (
        _TARGETS
        + "WITH collect(c) AS cs\n"
        "OPTIONAL MATCH (x:Federation) WHERE x.id IN $feds\n"
        "WITH cs, collect(x) AS fixed\n"
        "OPTIONAL CALL (cs) {\n"
        "  UNWIND cs AS c\n"
        "  MATCH (f)-[r:IMPLEMENTS]->(c)\n  " + _UP_TO_YEAR
        + "  WITH DISTINCT f\n"
        "  RETURN f, f.level AS lv\n"
        "}\n"
        "WITH cs, f IN fixed AS among, " + _LEVEL_KEY + " AS lk, collect(f) AS fs\n"
        "ORDER BY lk\n"
        "WITH cs, collect(CASE WHEN NOT among THEN [lk, fs] END) AS levels,\n"
        "     reduce(a = [], g IN collect(CASE WHEN among THEN fs END) | a + g) AS fixed_fs,\n"
        "     reduce(a = [], g IN collect(CASE WHEN lk <= " + str(LEVELS.index("prefecture")) + " THEN [lk, fs] END)\n"
        "            | a + [f IN g[1] | [g[0], f]]) AS top\n"
        "WITH cs, levels, fixed_fs, top, reduce(acc = [0], l IN levels | acc + [acc[-1] + size(l[1])]) AS starts\n"
        "CALL (levels, starts) {\n"
        "  UNWIND range(0, size(levels) - 1) AS i\n"
        "  WITH levels[i][0] AS lk, levels[i][1] AS fs, starts[i] AS start\n"
        "  WHERE start < $offset + $limit AND start + size(fs) > $offset\n"
        "  UNWIND fs AS f\n"
        "  WITH lk, start, f, f.region_code AS region_code, f.name AS name, f.id AS fid\n"
        "  ORDER BY lk, coalesce(region_code, ''), coalesce(name, ''), fid\n"
        "  RETURN min(start) AS first, collect(f) AS window\n"
        "}\n"
        "CALL (cs, window, first) {\n"
        "  UNWIND window[$offset - first..$offset - first + $limit] AS f\n"
        "  RETURN collect([f.id, f.name, f.level, f.region_code, COUNT { ()-[:ISSUED_BY]->(f) },\n"
        "                  " + adopts + "]) AS federations\n"
        "}\n"
        "CALL (cs, fixed_fs) {\n"
        "  UNWIND fixed_fs AS f\n"
        "  RETURN collect([f.id, f.name, " + adopts + "]) AS among\n"
        "}\n"
        "RETURN starts[-1] AS others, federations, among,\n"
        "       [t IN top WHERE t[0] = " + str(LEVELS.index("national")) + " OR (t[1].region_code IS NOT NULL AND t[1].region_code <> '')\n"
        "        | [t[0], t[1].name, t[1].id]] AS regional"
    )


def adopters() -> str:
    """Federations implementing the campaigns or laws `$ids` (`$labels`; all when null), in one row:
    a list of [federation_id, federation, level, region_code, own documents (count),
    [[year, doc_id] of each IMPLEMENTS]] (coverage and adoption counts).

    Own documents count the ISSUED_BY links into the federation: the schema lets only documents
    issue, and Neo4j reads that count from the federation's degree instead of visiting each one.
    """
    return (
        _TARGETS
        + "MATCH (f:Federation)-[r:IMPLEMENTS]->(c)\n"
        "WITH f, collect([r.year, r.doc_id]) AS adoptions\n"
        "RETURN collect([f.id, f.name, f.level, f.region_code, COUNT { ()-[:ISSUED_BY]->(f) },\n"
        "                adoptions]) AS federations"
    )


def federations_at() -> str:
    """`federations` restricted to the ids `$ids` and the region codes `$codes` (same columns)."""
    return (
        "CALL () {\n"
        "  UNWIND $ids AS fid MATCH (f:Federation {id: fid}) RETURN f\n"
        "  UNION UNWIND $codes AS code MATCH (f:Federation {region_code: code}) RETURN f\n"
        "}\n"
        "RETURN f.id AS id, f.name AS name, coalesce(f.aliases, []) AS aliases, f.level AS level,\n"
        "       f.region_code AS region_code, COUNT { ()-[:ISSUED_BY]->(f) } AS own_documents"
    )


def ancestors() -> str:
    """Federations above `$id` through LEADS (parent → child), with their distance."""
    return (
        "MATCH (f:Federation {id: $id})\n"
        "MATCH p = (a:Federation)-[:LEADS*1..12]->(f)\n"
        "WHERE a <> f\n"
        "RETURN a.id AS id, a.name AS name, a.level AS level, a.region_code AS region_code,\n"
        "       min(length(p)) AS depth"
    )


def descendants() -> str:
    """Federations below `$id` through LEADS, with their distance and direct parents."""
    return (
        "MATCH (f:Federation {id: $id})\n"
        "MATCH p = (f)-[:LEADS*1..12]->(c:Federation)\n"
        "WHERE c <> f\n"
        "WITH c, min(length(p)) AS depth\n"
        "RETURN c.id AS id, c.name AS name, c.level AS level, c.region_code AS region_code, depth,\n"
        "       [(u:Federation)-[:LEADS]->(c) | u.name] AS parents"
    )


def agenda() -> str:
    """What federation `$id` implements (in `$year` unless null), and its ancestors' documents naming it."""
    return (
        "MATCH (f:Federation {id: $id})-[r:IMPLEMENTS]->(c)\n"
        "WHERE $year IS NULL OR r.year = $year\n"
        "WITH f, c, min(r.year) AS year, collect(DISTINCT r.doc_id) AS doc_ids\n"
        "OPTIONAL MATCH (a:Federation)-[:LEADS*1..12]->(f) WHERE a <> f\n"
        "WITH f, c, year, doc_ids, collect(DISTINCT a.id) AS ancestor_ids\n"
        "RETURN labels(c)[0] AS kind, c.id AS id, c.name AS name, year, doc_ids,\n"
        "       [(c)<-[:MENTIONS]-(:Passage)-[:IN_DOCUMENT]->(d:Document)-[:ISSUED_BY]->(u:Federation)\n"
        "          WHERE u.id IN ancestor_ids\n"
        "        | {doc_id: d.id, year: d.year, title: d.title, federation: u.name}] AS upstream"
    )


_PROVENANCE_RETURN = (
    "RETURN r.id AS id, type(r) AS `type`, a.id AS head_id, a.name AS head, labels(a)[0] AS head_label,\n"
    "       b.id AS tail_id, b.name AS tail, labels(b)[0] AS tail_label,\n"
    "       r.doc_id AS doc_id, r.year AS year, r.evidence AS evidence, r.`start` AS `start`, r.`end` AS `end`,\n"
    "       r.rule AS rule, coalesce(r.targets, []) AS targets, r.score AS score,\n"
    "       COLLECT { MATCH (d:Document {id: r.doc_id})\n"
    "                 RETURN {title: d.title, source: d.source, year: d.year, date: d.date, url: d.url} } AS documents,\n"
    "       COLLECT { MATCH (p:Passage {doc_id: r.doc_id})\n"
    "                 WHERE r.`start` IS NOT NULL AND r.`end` IS NOT NULL\n"
    "                   AND p.`start` < r.`end` AND r.`start` < p.`end`\n"
    "                 RETURN {id: p.id, `index`: p.`index`, text: p.text, section: p.section} } AS overlapping,\n"
    "       [(a)<-[:MENTIONS]-(p:Passage)-[:MENTIONS]->(b) WHERE p.doc_id = r.doc_id\n"
    "        | {id: p.id, `index`: p.`index`, text: p.text, section: p.section}] AS mentioning"
)


def provenance_by_id() -> str:
    """The relationship with id `$rel_id`, its document and the passages that support it."""
    return "MATCH (a)-[r]->(b) WHERE r.id = $rel_id\n" + _PROVENANCE_RETURN


def provenance_by_ends() -> str:
    """Relationships `$head_id` -[`$type`, any when null]-> `$tail_id`, with documents and passages."""
    return ("MATCH (a {id: $head_id})-[r]->(b {id: $tail_id})\n"
            "WHERE $type IS NULL OR type(r) = $type\n" + _PROVENANCE_RETURN)


def federations() -> str:
    """Every federation with how many documents it issued (coverage against the gazetteer; the count is
    the federation's ISSUED_BY degree: only documents issue)."""
    return (
        "MATCH (f:Federation)\n"
        "RETURN f.id AS id, f.name AS name, coalesce(f.aliases, []) AS aliases, f.level AS level,\n"
        "       f.region_code AS region_code, COUNT { ()-[:ISSUED_BY]->(f) } AS own_documents"
    )


def profile() -> str:
    """What federation `$id` does and with whom: its relationships in and out, with year and document."""
    return (
        "MATCH (f:Federation {id: $id})-[r]-(x)\n"
        "WHERE (startNode(r) = f AND type(r) IN ['IMPLEMENTS', 'COORDINATES', 'LEADS'])\n"
        "   OR (endNode(r) = f AND type(r) IN ['PART_OF', 'LEADS', 'COORDINATES'])\n"
        "RETURN type(r) AS relation, CASE WHEN startNode(r) = f THEN 'out' ELSE 'in' END AS direction,\n"
        "       labels(x)[0] AS kind, x.id AS other_id, x.name AS other, r.year AS year, r.doc_id AS doc_id,\n"
        "       coalesce(r.targets, []) AS targets, r.rule AS rule"
    )


def passages() -> str:
    """Every passage with its document's year and issuers (input of text-reuse linking)."""
    return (
        "MATCH (p:Passage)-[:IN_DOCUMENT]->(d:Document)\n"
        "RETURN properties(p) AS props, d.id AS doc_id, d.year AS year,\n"
        "       [(d)-[:ISSUED_BY]->(f:Federation) | f.id] AS issuers"
    )


def leads_edges() -> str:
    """Parent → child pairs of federations."""
    return "MATCH (a:Federation)-[:LEADS]->(b:Federation) RETURN DISTINCT a.id AS parent, b.id AS child"


def repeats() -> str:
    """Every REPEATS link: the lower (repeating) passage, the upper (source) passage, documents, issuers."""
    return (
        "MATCH (lp:Passage)-[r:REPEATS]->(up:Passage)\n"
        "MATCH (lp)-[:IN_DOCUMENT]->(ld:Document)\n"
        "MATCH (up)-[:IN_DOCUMENT]->(ud:Document)\n"
        "RETURN r.id AS id, r.score AS score, r.rule AS rule, r.evidence AS evidence,\n"
        "       r.similarity AS similarity, r.rarity AS rarity, r.start AS start, r.end AS end,\n"
        "       r.source_evidence AS source_evidence, r.source_start AS source_start, r.source_end AS source_end,\n"
        "       lp.id AS lower_passage, lp.text AS lower_text, ld.id AS lower_doc, ld.title AS lower_title,\n"
        "       ld.year AS lower_year, [(ld)-[:ISSUED_BY]->(f:Federation) | f.id] AS lower_issuers,\n"
        "       up.id AS upper_passage, up.text AS upper_text, ud.id AS upper_doc, ud.title AS upper_title,\n"
        "       ud.year AS upper_year, [(ud)-[:ISSUED_BY]->(g:Federation) | g.id] AS upper_issuers"
    )


def variants() -> str:
    """The variant families of the campaigns `$ids`: every campaign whose VARIANT_OF chain reaches one of
    them (each variant links to its nearest root, so the family of 巾帼建功 holds 巾帼建功先进集体 and,
    through it, 巾帼建功先进集体和个人), with the root it reaches, how many links away, the campaign it
    names directly, and that link's rule and evidence. Every link goes to a shorter name, so the paths end."""
    return (
        "UNWIND $ids AS rid\n"
        "MATCH (root:Campaign {id: rid})\n"
        "MATCH p = (v:Campaign)-[:VARIANT_OF*1..]->(root)\n"
        "WITH root, v, p, relationships(p)[0] AS r\n"
        "RETURN root.id AS root_id, v.id AS id, labels(v)[0] AS label, v.name AS name,\n"
        "       coalesce(v.aliases, []) AS aliases, length(p) AS depth, endNode(r).id AS parent_id,\n"
        "       r.rule AS rule, r.evidence AS evidence"
    )


# -- what the views draw ------------------------------------------------------------------

# The properties a view draws (labels, tooltips) besides id, label and aliases, and a relationship's
# besides id, type, ends and targets. Absent ones read as null.
DRAWN_NODE = ("name", "level", "scope", "role", "title", "year", "date", "url", "region_code", "unresolved", "text")
DRAWN_RELATIONSHIP = ("year", "doc_id", "evidence", "rule", "score")


def _drawn_node(var: str) -> str:
    return (var + ".id AS id, labels(" + var + ")[0] AS label, coalesce(" + var + ".aliases, []) AS aliases, "
            + ", ".join(var + ".`" + p + "` AS `" + p + "`" for p in DRAWN_NODE))


def _seek(var: str) -> str:
    """A subquery giving the nodes `var` of the labels `$labels` whose ids are in `$ids`, through each
    label's id constraint (an unlabelled match on id would scan every node); other labels read nothing."""
    seeks = "\n  UNION ".join("UNWIND CASE WHEN '" + label + "' IN $labels THEN $ids ELSE [] END AS nid "
                               "MATCH (" + var + ":" + label + " {id: nid}) RETURN " + var for label in NODE_LABELS)
    return "CALL () {\n  " + seeks + "\n}\n"


def drawn_nodes() -> str:
    """The nodes `$ids` of the labels `$labels`, with the properties a view draws."""
    return _seek("n") + "RETURN " + _drawn_node("n")


def drawn_federations() -> str:
    """Every federation, with the properties a view draws (the whole hierarchy)."""
    return "MATCH (n:Federation)\nRETURN " + _drawn_node("n")


def drawn_below() -> str:
    """The federations below `$id` through LEADS, with their distance and the properties a view draws."""
    return (
        "MATCH (f:Federation {id: $id})\n"
        "MATCH p = (f)-[:LEADS*1..12]->(n:Federation)\n"
        "WHERE n <> f\n"
        "WITH n, min(length(p)) AS depth\n"
        "RETURN depth, " + _drawn_node("n")
    )


def drawn_neighbours() -> str:
    """The nodes of the labels `$others` one relationship of the types `$types` (either way) from the
    nodes `$ids` of `$labels`, each once, with the properties a view draws (a neighbourhood's next hop)."""
    return (_seek("a") + "MATCH (a)-[r]-(b) WHERE type(r) IN $types AND labels(b)[0] IN $others\n"
            "RETURN DISTINCT " + _drawn_node("b"))


def drawn_links() -> str:
    """The relationships of the types `$types` from and to the nodes `$ids` of `$labels`, with what a view
    draws of them."""
    return (_seek("a") + "MATCH (a)-[r]->(b) WHERE type(r) IN $types AND b.id IN $ids AND labels(b)[0] IN $labels\n"
            "RETURN r.id AS id, type(r) AS `type`, a.id AS start_id, b.id AS end_id, "
            "coalesce(r.targets, []) AS targets, "
            + ", ".join("r.`" + p + "` AS `" + p + "`" for p in DRAWN_RELATIONSHIP))


# name -> (function, parameters it takes)
_READ = {
    "entity_names": (entity_names, ("labels",)),
    "entity_fulltext": (entity_fulltext, ("index", "query", "labels", "normalized")),
    "entity_candidates": (entity_candidates, ("labels", "normalized")),
    "entity_indexed": (entity_indexed, ("labels", "normalized")),
    "adoptions": (adoptions, ("labels", "ids")),
    "adoption_list": (adoption_list, ("labels", "ids")),
    "adopters": (adopters, ("labels", "ids")),
    "adoption_summary": (adoption_summary, ("labels", "ids")),
    "adoption_page": (adoption_page, ("labels", "ids", "offset", "limit")),
    "adopter_page": (adopter_page, ("labels", "ids", "year", "feds", "offset", "limit")),
    "ancestors": (ancestors, ("id",)),
    "descendants": (descendants, ("id",)),
    "agenda": (agenda, ("id", "year")),
    "provenance_by_id": (provenance_by_id, ("rel_id",)),
    "provenance_by_ends": (provenance_by_ends, ("head_id", "type", "tail_id")),
    "federations": (federations, ()),
    "federations_at": (federations_at, ("ids", "codes")),
    "profile": (profile, ("id",)),
    "passages": (passages, ()),
    "leads_edges": (leads_edges, ()),
    "repeats": (repeats, ()),
    "variants": (variants, ("ids",)),
    "drawn_nodes": (drawn_nodes, ("ids", "labels")),
    "drawn_federations": (drawn_federations, ()),
    "drawn_below": (drawn_below, ("id",)),
    "drawn_neighbours": (drawn_neighbours, ("ids", "labels", "types", "others")),
    "drawn_links": (drawn_links, ("ids", "labels", "types")),
}

STATEMENTS: dict[str, str] = {name: fn() for name, (fn, _) in _READ.items()}
PARAMETERS: dict[str, tuple[str, ...]] = {name: params for name, (_, params) in _READ.items()}
