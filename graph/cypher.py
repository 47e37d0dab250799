"""Every Cypher statement the writer runs, as functions returning query text.

Labels and relationship types cannot be parameters in Cypher, so they are checked
against the schema here; every value travels as a parameter.
"""

from __future__ import annotations

from graph import schema

FULLTEXT_INDEX = "fulian_text"
#: IMPLEMENTS property that only Neo4j holds, for its `rel_implements_page` index (graph.order.page_key)
PAGE_KEY = "page_key"
PAGE_INDEX = "rel_implements_page"
#: A name or alias made of these characters only is its own normalized form (NFKC leaves CJK unified
#: ideographs, extension A and ASCII letters and digits alone; no white space, no quote marks).
PLAIN_FORM = "[\u4e00-\u9fff\u3400-\u4dbf0-9A-Za-z]*"
#: node property that only Neo4j holds: true on an entity whose name or an alias is not plain
#: (PLAIN_FORM), absent otherwise. Name lookups read such nodes whole (their normalized forms are
#: not in the text indexes) and find the others by `name`/`aliases_text` CONTAINS (NAME_INDEXED)
IRREGULAR = "irregular_forms"
#: labels whose names are looked up through text indexes (federations, and what they adopt)
NAME_INDEXED = ("Federation",) + schema.TARGET_LABELS
#: the index whose presence says the database has its IRREGULAR flags (made after them)
NAME_INDEX = "federation_name_text"
#: properties the database keeps for its indexes, not part of the graph: never read back as graph rows
INTERNAL_PROPERTIES = ("aliases_text", PAGE_KEY, IRREGULAR)
# Eventually consistent: the CJK analysis of passage texts runs beside the writes instead of
# inside every commit (it was half of a bulk load's time); writers wait for it at the end.
FULLTEXT_CONFIG = {"fulltext.analyzer": "cjk", "fulltext.eventually_consistent": True}


def _label(label: str) -> str:
    if label not in schema.NODE_LABELS:
        raise ValueError(f"unknown node label {label!r}")
    return label


def _rel_type(rel_type: str) -> str:
    if rel_type not in schema.REL_TYPES:
        raise ValueError(f"unknown relationship type {rel_type!r}")
    return rel_type


def constraints(fresh: bool = False) -> list[str]:
    """One uniqueness constraint per label on `id`, and per extracted relationship type.

    Extracted relationships (IMPLEMENTS, LEADS, COORDINATES, PART_OF) join entities that can
    have thousands of relationships, so their ids are kept unique by a constraint; the others
    hang from a document's own Document or Passage nodes, whose constraints guard them.
    The plain `rel_<type>_id` indexes of earlier versions are dropped (a constraint cannot
    share its schema with another index, and unused indexes slow every write).
    """
    stmts = [
        f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
        for label in schema.NODE_LABELS
    ]
    if not fresh:  # `fresh`: a new database, which has none of them
        stmts += [f"DROP INDEX rel_{rel_type.lower()}_id IF EXISTS" for rel_type in schema.REL_TYPES]
    stmts += [f"CREATE CONSTRAINT rel_{rel_type.lower()}_id_unique IF NOT EXISTS "
              f"FOR ()-[r:{rel_type}]-() REQUIRE r.id IS UNIQUE" for rel_type in schema.EXTRACTED_REL_TYPES]
    return stmts


def indexes(fresh: bool = False) -> list[str]:
    """Indexes for what queries and document deletion filter on, and the CJK full-text index."""
    stmts = [
        "CREATE INDEX federation_level IF NOT EXISTS FOR (n:Federation) ON (n.level)",
        "CREATE INDEX federation_region IF NOT EXISTS FOR (n:Federation) ON (n.region_code)",
        "CREATE INDEX document_year IF NOT EXISTS FOR (n:Document) ON (n.year)",
        "CREATE INDEX passage_doc IF NOT EXISTS FOR (n:Passage) ON (n.doc_id)",
        "CREATE INDEX region_code IF NOT EXISTS FOR (n:Region) ON (n.code)",
    ]
    for rel_type in schema.EXTRACTED_REL_TYPES:
        stmts.append(f"CREATE INDEX rel_{rel_type.lower()}_doc IF NOT EXISTS FOR ()-[r:{rel_type}]-() ON (r.doc_id)")
    if not fresh:  # earlier versions
        stmts += ["DROP INDEX rel_mentions_doc IF EXISTS", "DROP INDEX rel_repeats_doc IF EXISTS"]
    stmts.append("CREATE INDEX rel_implements_year IF NOT EXISTS FOR ()-[r:IMPLEMENTS]-() ON (r.year)")
    labels = "|".join(schema.ENTITY_LABELS + ("Passage", "Document"))
    stmts.append(
        f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS FOR (n:{labels}) "
        "ON EACH [n.name, n.aliases_text, n.text] "
        "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk', `fulltext.eventually_consistent`: true}}"
    )
    return stmts


def name_indexes() -> list[str]:
    """Text indexes on the names and aliases of NAME_INDEXED labels, and range indexes of their
    IRREGULAR flags (the name lookup of queries.cypher's entity_indexed); NAME_INDEX comes last: it
    stands for the whole set, which is made once every node has its flag."""
    stmts = []
    for label in NAME_INDEXED:
        low = label.lower()
        stmts.append(f"CREATE INDEX {low}_irregular IF NOT EXISTS FOR (n:{label}) ON (n.{IRREGULAR})")
        stmts.append(f"CREATE TEXT INDEX {low}_aliases_text IF NOT EXISTS FOR (n:{label}) ON (n.aliases_text)")
        if label != "Federation":
            stmts.append(f"CREATE TEXT INDEX {low}_name_text IF NOT EXISTS FOR (n:{label}) ON (n.name)")
    return stmts + [f"CREATE TEXT INDEX {NAME_INDEX} IF NOT EXISTS FOR (n:Federation) ON (n.name)"]


def irregular_test(name: str, aliases: str) -> str:
    """Cypher for IRREGULAR's value from the expressions `name` and `aliases`: true or null."""
    return (f"CASE WHEN any(form IN [x IN [{name}] WHERE x IS NOT NULL] + coalesce({aliases}, []) "
            f"WHERE NOT form =~ '{PLAIN_FORM}') THEN true END")


def flag_irregular_forms() -> str:
    """Set the IRREGULAR flag of every entity (a database an earlier version wrote); how many are flagged."""
    labels = "|".join(schema.ENTITY_LABELS)
    return (f"MATCH (n:{labels}) WITH n, {irregular_test('n.name', 'n.aliases')} AS flag WHERE flag "
            f"SET n.{IRREGULAR} = flag RETURN count(n) AS flagged")


def page_index() -> str:
    """The index of the IMPLEMENTS page keys (lineage pages): created once every IMPLEMENTS has its key."""
    return f"CREATE INDEX {PAGE_INDEX} IF NOT EXISTS FOR ()-[r:IMPLEMENTS]-() ON (r.{PAGE_KEY})"


def unkeyed_implements() -> str:
    """IMPLEMENTS without a page key (written by a version before the key), with their target and year."""
    return f"MATCH ()-[r:IMPLEMENTS]->(c) WHERE r.{PAGE_KEY} IS NULL RETURN r.id AS id, c.id AS target_id, r.year AS year"


def set_page_keys() -> str:
    """Set the page key of the IMPLEMENTS `$rows` ({id, key}), found through the type's id constraint."""
    return f"UNWIND $rows AS row MATCH ()-[r:IMPLEMENTS {{id: row.id}}]->() SET r.{PAGE_KEY} = row.key"


def index_config() -> str:
    """The index configuration of the index named `$name` (no row when it does not exist)."""
    return "SHOW INDEXES YIELD name, options WHERE name = $name RETURN options.indexConfig AS config"


def index_named() -> str:
    """The name of the index named `$name` (no row when there is none)."""
    return "SHOW INDEXES YIELD name WHERE name = $name RETURN name"


#: Marks a database the test suite may wipe (created by scripts/test.sh on its own, empty server).
#: An index, not a node: it survives `clear()` and never shows in counts or queries.
TEST_DATABASE_MARKER = "fulian_test_database"


def mark_test_database() -> str:
    return (f"CREATE INDEX {TEST_DATABASE_MARKER} IF NOT EXISTS "
            "FOR (n:FulianTestDatabase) ON (n.marker)")


def unmark_test_database() -> str:
    return f"DROP INDEX {TEST_DATABASE_MARKER} IF EXISTS"


def count_all_nodes() -> str:
    return "MATCH (n) RETURN count(n) AS n"


def drop_fulltext_index() -> str:
    return f"DROP INDEX {FULLTEXT_INDEX} IF EXISTS"


def await_indexes() -> str:
    """Wait up to `$seconds` until every index is online (after creating or rebuilding one)."""
    return "CALL db.awaitIndexes($seconds)"


def await_fulltext() -> str:
    """Wait until an eventually consistent full-text index has taken in every committed write."""
    return "CALL db.index.fulltext.awaitEventuallyConsistentIndexRefresh()"


def merge_nodes(label: str) -> str:
    """Merge a batch `$rows` of {id, props} of one label."""
    return (
        f"UNWIND $rows AS row "
        f"MERGE (n:{_label(label)} {{id: row.id}}) "
        "ON CREATE SET n = row.props "
        "ON MATCH SET n += row.props"
    )


_IRREGULAR = irregular_test("n.name", "n.aliases")
_ALIASES_TEXT = "reduce(t = '', a IN n.aliases | t + CASE t WHEN '' THEN '' ELSE ' ' END + a)"


def merge_nodes_keeping_aliases(label: str) -> str:
    """Merge a batch `$rows` of {id, props} of one label; an existing node keeps the aliases it has
    besides the new ones (sorted, as the embedded store keeps them)."""
    return (
        f"UNWIND $rows AS row "
        f"OPTIONAL MATCH (old:{_label(label)} {{id: row.id}}) "
        "WITH row, coalesce(old.aliases, []) AS before "
        f"MERGE (n:{_label(label)} {{id: row.id}}) "
        "SET n += row.props "
        "WITH n, before + coalesce(n.aliases, []) AS names "
        "CALL (n, names) { UNWIND names AS a WITH DISTINCT a WHERE a <> n.name "
        "WITH a ORDER BY a RETURN collect(a) AS aliases } "
        f"SET n.aliases = aliases SET n.aliases_text = {_ALIASES_TEXT}, n.{IRREGULAR} = {_IRREGULAR}"
    )


def document_alias_claims() -> str:
    """(entity id, aliases) the documents `$doc_ids` claim on their MENTIONS (graph.store.alias_claims)."""
    return ("MATCH (p:Passage) WHERE p.doc_id IN $doc_ids "
            "MATCH (p)-[m:MENTIONS]->(e) WHERE m.aliases IS NOT NULL "
            "RETURN 'MENTIONS' AS type, e.id AS end_id, m.aliases AS aliases")


def refresh_aliases() -> str:
    """Set the aliases of the entities `$ids` to what the MENTIONS still naming them claim."""
    return (
        "UNWIND $ids AS id\n" + _by_id("n", "id", scope="id") + "\n"
        "CALL (n) { OPTIONAL MATCH (n)<-[m:MENTIONS]-(:Passage) UNWIND coalesce(m.aliases, []) AS a "
        "WITH DISTINCT a WHERE a <> n.name WITH a ORDER BY a RETURN collect(a) AS aliases } "
        f"SET n.aliases = aliases SET n.aliases_text = {_ALIASES_TEXT}, n.{IRREGULAR} = {_IRREGULAR}"
    )


def merge_relationships(rel_type: str, start_label: str, end_label: str) -> str:
    """Merge a batch `$rows` of {id, start_id, end_id, props} on the relationship's identity."""
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{_label(start_label)} {{id: row.start_id}}) "
        f"MATCH (b:{_label(end_label)} {{id: row.end_id}}) "
        f"MERGE (a)-[r:{_rel_type(rel_type)} {{id: row.id}}]->(b) "
        "ON CREATE SET r = row.props "
        "ON MATCH SET r += row.props"
    )


def merge_links(rel_type: str, start_label: str, end_label: str) -> str:
    """`merge_relationships`, returning how many rows found both endpoints (`written`)."""
    return merge_relationships(rel_type, start_label, end_label) + " RETURN count(r) AS written"


def create_nodes(label: str) -> str:
    """Create a batch `$rows` of {id, props} of one label (nodes known to be absent: a new document's own)."""
    return f"UNWIND $rows AS row CREATE (n:{_label(label)}) SET n = row.props"


def create_relationships(rel_type: str, start_label: str, end_label: str) -> str:
    """Create a batch `$rows` of {id, start_id, end_id, props} known to be absent (the id constraint guards)."""
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{_label(start_label)} {{id: row.start_id}}) "
        f"MATCH (b:{_label(end_label)} {{id: row.end_id}}) "
        f"CREATE (a)-[r:{_rel_type(rel_type)}]->(b) SET r = row.props"
    )


def node_properties(label: str) -> str:
    """Id and properties of the nodes of one label whose ids are in `$ids` (through the label's id constraint)."""
    return f"UNWIND $ids AS id MATCH (n:{_label(label)} {{id: id}}) RETURN n.id AS id, properties(n) AS props"


def relationship_properties(rel_type: str) -> str:
    """Id and properties of the relationships of one extracted type whose ids are in `$ids` (through
    the type's id constraint)."""
    if rel_type not in schema.EXTRACTED_REL_TYPES:
        raise ValueError(f"{rel_type} relationships have no id index to look them up by")
    return (f"UNWIND $ids AS id MATCH ()-[r:{_rel_type(rel_type)} {{id: id}}]->() "
            "RETURN r.id AS id, properties(r) AS props")


def relationship_properties_from(rel_type: str, start_label: str, end_label: str) -> str:
    """Id and properties of the relationships of one type in `$rows` of {id, start_id, end_id}, found
    from their start node (through its label's id constraint): for types without an id index."""
    return (f"UNWIND $rows AS row MATCH (a:{_label(start_label)} {{id: row.start_id}})"
            f"-[r:{_rel_type(rel_type)}]->(b:{_label(end_label)}) WHERE r.id = row.id AND b.id = row.end_id "
            "RETURN r.id AS id, properties(r) AS props")


def relationships_with_properties(rel_type: str) -> str:
    """Id, element id and properties of every relationship of one type (a derived type's whole set)."""
    return (f"MATCH ()-[r:{_rel_type(rel_type)}]->() "
            "RETURN r.id AS id, elementId(r) AS element_id, properties(r) AS props")


def set_relationship_properties() -> str:
    """Replace the properties of relationships found by element id: `$rows` of {element_id, props}."""
    return "UNWIND $rows AS row MATCH ()-[r]->() WHERE elementId(r) = row.element_id SET r = row.props"


def relationship_ids(rel_type: str) -> str:
    """Id, document, element id and version (score, rule, offsets of both sides) of every relationship
    of one type, and the ids of its ends when it has no document (a VARIANT_OF: what it belongs to is
    its ends)."""
    return (f"MATCH ()-[r:{_rel_type(rel_type)}]->() "
            "WITH r, coalesce(r.doc_id, '') = '' AS docless "
            "RETURN r.id AS id, r.doc_id AS doc_id, elementId(r) AS element_id, r.score AS score, "
            "r.rule AS rule, r.start AS start, r.source_start AS source_start, "
            "CASE WHEN docless THEN startNode(r).id END AS start_id, "
            "CASE WHEN docless THEN endNode(r).id END AS end_id")


#: Document property holding a digest of the derived links the document states (graph.load.derived_digests):
#: a load re-reads only the links of documents whose digest differs from the source's.
DERIVED_DIGEST = "derived_digest"


def document_relationship_ids(rel_type: str, into: bool = False) -> str:
    """Like `relationship_ids` for the links stated by the documents `$doc_ids` (a type between
    passages: REPEATS), or with `into` for the links ending at their passages, found through the
    passages' `doc_id` index instead of a scan of the type."""
    if any(ends != ("Passage", "Passage") for ends in schema.REL_TYPES[_rel_type(rel_type)].ends):
        raise ValueError(f"{rel_type} relationships do not join passages")
    link = (f"MATCH (:Passage)-[r:{rel_type}]->(p) " if into else
            f"MATCH (p)-[r:{rel_type}]->() WHERE r.doc_id = p.doc_id ")
    return ("MATCH (p:Passage) WHERE p.doc_id IN $doc_ids " + link +
            "RETURN r.id AS id, r.doc_id AS doc_id, elementId(r) AS element_id, r.score AS score, "
            "r.rule AS rule, r.start AS start, r.source_start AS source_start, "
            "null AS start_id, null AS end_id")


def derived_digests() -> str:
    """Id and derived-link digest of every document."""
    return f"MATCH (d:Document) RETURN d.id AS id, d.{DERIVED_DIGEST} AS digest"


def set_derived_digests() -> str:
    """Set the derived-link digests `$rows` of {id, digest} on their documents."""
    return f"UNWIND $rows AS row MATCH (d:Document {{id: row.id}}) SET d.{DERIVED_DIGEST} = row.digest"


def clear_derived_digests() -> str:
    """Forget every document's derived-link digest (the derived links were changed outside a load)."""
    return f"MATCH (d:Document) WHERE d.{DERIVED_DIGEST} IS NOT NULL REMOVE d.{DERIVED_DIGEST}"


def delete_relationships_by_element_id() -> str:
    """Remove the relationships whose element ids are in `$ids` (from `relationship_ids`)."""
    return "UNWIND $ids AS eid MATCH ()-[r]->() WHERE elementId(r) = eid DELETE r"


def delete_document() -> str:
    """Remove what one document (`$doc_id`) stated: its relationships, passages and node.

    Extracted relationships are found through their `doc_id` indexes; the others (MENTIONS,
    REPEATS, IN_DOCUMENT, ISSUED_BY) hang from the document's passages or node.
    """
    parts = [f"CALL () {{ MATCH ()-[r:{_rel_type(t)} {{doc_id: $doc_id}}]->() DELETE r }}"
             for t in schema.EXTRACTED_REL_TYPES]
    # the documents whose derived links end at its passages lose them: their digests no longer hold
    parts.append("CALL () { MATCH (:Passage {doc_id: $doc_id})<-[r:REPEATS]-(q:Passage) "
                 "WITH DISTINCT q.doc_id AS other MATCH (o:Document {id: other}) "
                 f"REMOVE o.{DERIVED_DIGEST} }}")
    parts.append("CALL () { MATCH (p:Passage {doc_id: $doc_id}) DETACH DELETE p }")
    parts.append("CALL () { MATCH (d:Document {id: $doc_id}) DETACH DELETE d }")
    return "\n".join(parts)


def hierarchy_edges() -> str:
    """Edges among entities and regions, with whether a document backs them (for pruning)."""
    labels = " OR ".join(f"n:{label}" for label in schema.ENTITY_LABELS + ("Region",))
    return (
        f"MATCH (n) WHERE {labels} "
        "OPTIONAL MATCH (n)-[r]->(m) "
        "RETURN n.id AS id, labels(n)[0] AS label, type(r) AS type, m.id AS end_id, "
        "coalesce(r.doc_id, '') AS doc_id, "
        "EXISTS { MATCH (n)<-[x]-(:Passage) WHERE x.doc_id <> '' } AS mentioned"
    )


def delete_relationships(rel_type: str) -> str:
    """Remove every relationship of one type (derived links such as REPEATS and VARIANT_OF are recomputed)."""
    return f"MATCH ()-[r:{_rel_type(rel_type)}]->() DELETE r"


def _by_id(var: str, value: str, scope: str = "") -> str:
    """A subquery finding `var` with id `value` through each label's uniqueness index (an unlabelled
    match on `id` would scan every node); `scope` imports outer variables."""
    seeks = "\n  UNION ".join(f"MATCH ({var}:{label} {{id: {value}}}) RETURN {var}" for label in schema.NODE_LABELS)
    return f"CALL ({scope}) {{\n  {seeks}\n}}"


def delete_nodes() -> str:
    return "UNWIND $ids AS id\n" + _by_id("n", "id", scope="id") + "\nDETACH DELETE n"


def document_hashes() -> str:
    return "MATCH (d:Document) RETURN d.id AS id, d.content_hash AS hash"


def all_nodes() -> str:
    return "MATCH (n) RETURN labels(n)[0] AS label, properties(n) AS props"


def nodes_of(label: str) -> str:
    return f"MATCH (n:{_label(label)}) RETURN labels(n)[0] AS label, properties(n) AS props"


def node_by_id() -> str:
    return _by_id("n", "$id") + "\nRETURN labels(n)[0] AS label, properties(n) AS props LIMIT 1"


def all_relationships() -> str:
    return ("MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS start_id, labels(a)[0] AS start_label, "
            "b.id AS end_id, labels(b)[0] AS end_label, properties(r) AS props")


def relationships_of(rel_type: str) -> str:
    return (f"MATCH (a)-[r:{_rel_type(rel_type)}]->(b) RETURN type(r) AS type, a.id AS start_id, "
            "labels(a)[0] AS start_label, b.id AS end_id, labels(b)[0] AS end_label, properties(r) AS props")


def count_nodes() -> str:
    return "MATCH (n) RETURN labels(n)[0] AS key, count(*) AS n"


def count_relationships() -> str:
    return "MATCH ()-[r]->() RETURN type(r) AS key, count(*) AS n"


def clear_relationships_batch() -> str:
    """Delete up to `$limit` relationships (called until none is left; keeps each transaction small)."""
    return "MATCH ()-[r]->() WITH r LIMIT $limit DELETE r RETURN count(*) AS deleted"


def clear_nodes_batch() -> str:
    """Delete up to `$limit` nodes once their relationships are gone."""
    return "MATCH (n) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS deleted"
