"""The query layer: lineage and coverage questions over either store.

Each question is one Cypher statement (`queries.cypher.STATEMENTS`) for Neo4j and one function
over the networkx graph (`queries.nx_queries`), dispatched on `store.backend`; both give the
same rows. Functions return plain records (list of dicts) or pandas DataFrames.
"""

from queries.coverage import (adoption_cascades, adoption_counts, cascades_csv, coverage, coverage_matrix,
                              coverage_page, federation_profile, matrix_csv, top_targets, write_csv)
from queries.errors import QueryError
from queries.lineage import (agenda_inheritance, campaign_diffusion, diffusion_page, first_adopters, leadership_chain,
                             provenance)
from queries.paging import Page
from queries.resolve import resolve, resolve_one
from queries.text_reuse import text_inheritance

__all__ = [
    "QueryError", "resolve", "resolve_one", "Page",
    "campaign_diffusion", "diffusion_page", "first_adopters", "leadership_chain", "agenda_inheritance", "provenance",
    "text_inheritance",
    "coverage", "coverage_page", "adoption_counts", "federation_profile", "coverage_matrix", "matrix_csv", "top_targets",
    "adoption_cascades", "cascades_csv", "write_csv",
]
