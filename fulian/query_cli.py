"""`fulian query …`: parse, call one library function of `queries`, print (fulian.output)."""

from __future__ import annotations

import argparse
import sys
from typing import Any, Callable, Optional

from graph import schema
from graph.schema import LEVELS

TOP_DEFAULT = 20  # campaigns and laws `query top` lists unless --limit says otherwise
PAGE_DEFAULT = 100  # rows of a lineage or coverage page unless --limit, --offset or --all say otherwise

EPILOG = f"""\
questions (each takes --format table|json|jsonl|csv [--excel], --out FILE, --columns A,B, --limit N,
--backend embedded|neo4j, --graph FILE; tables fit the terminal and show 100 rows unless --limit says;
lineage and coverage answer in pages of 100 rows in every format: --limit N, --offset K, --all):
  lineage NAME        how a campaign or law spread: every adoption in time order, first per level
                        fulian query lineage 家家幸福安康工程
                        fulian query lineage 美家美妇 --variants      (and its VARIANT_OF family)
                        fulian query lineage 美丽庭院 --offset 100    (the next page; --all: every row)
  chain FEDERATION    its parents up to the top, or with --down every federation under it
                        fulian query chain 长沙市望城区妇联
                        fulian query chain 湖南省妇联 --down
  inherit FEDERATION  which of its campaigns and laws its ancestors' documents named first
                        fulian query inherit 岳阳市妇联 --year 2021
  text [FEDERATION]   passages repeating another federation's wording (REPEATS links)
                        fulian query text 常德市妇联 --kind vertical
  provenance ID | HEAD [TYPE] TAIL
                      the documents and passages behind a relationship
                        fulian query provenance 长沙市妇联 IMPLEMENTS 家家幸福安康工程
  coverage NAME       who adopts it, and who under a federation does not (against the gazetteer)
                        fulian query coverage 家家幸福安康工程 --under 湖南省妇联
  profile FEDERATION  its campaigns, laws, partners and offices per year
                        fulian query profile 常德市妇联 --year 2022
  matrix              federations × campaigns (or laws) as CSV / table
                        fulian query matrix --kind law --value bool --format csv > m.csv
  top                 campaigns and laws by number of adopting federations
                        fulian query top --limit 10
  cascades            (campaign, federation, region code, year) of first adoptions, for diffusion models
                        fulian query cascades --format csv > cascades.csv

Names match a canonical name or alias exactly, else by substring; unknown names get the
closest matches. The graph file defaults to $FULIAN_GRAPH or {schema.DEFAULT_GRAPH_FILE}.
"""


def _common() -> argparse.ArgumentParser:
    from fulian.output import add_output_options

    p = argparse.ArgumentParser(add_help=False)
    add_output_options(p)
    p.add_argument("--backend", choices=schema.BACKENDS, default="embedded",
                   help="embedded graph file or a Neo4j server (default: embedded)")
    p.add_argument("--graph", default=schema.default_graph(),
                   help="graph file for the embedded backend (default: %(default)s)")
    return p


def _open(args: argparse.Namespace):
    from fulian.stores import open_store

    return open_store(args.backend, args.graph, read_only=True)


def _emit(rows: list[dict[str, Any]], args: argparse.Namespace, columns: Optional[list[str]] = None) -> None:
    from fulian.output import emit

    emit(rows, args, columns)


def _run(fn: Callable[[Any, argparse.Namespace], tuple[list[dict], Optional[list[str]]]],
         table: Optional[list[str]] = None):
    """A handler: open the store, ask, print; `table` are the columns a table shows (fits 80 characters;
    --columns or another --format gives the rest)."""
    def handler(args: argparse.Namespace) -> int:
        store = _open(args)
        try:
            rows, columns = fn(store, args)
        finally:
            store.close()
        if args.format == "table" and table and not args.columns and rows:
            columns = list(dict.fromkeys(c for c in table if c in rows[0]))
        _emit(rows, args, columns)
        return 0

    return handler


def _page_options(a: argparse.Namespace) -> tuple[Optional[int], int]:
    """(limit, offset) of a paged question from --limit, --offset and --all (limit None: every row)."""
    from fulian.output import OutputError

    if a.all and a.limit is not None:
        raise OutputError("--all and --limit ask for different things: give one of them")
    if a.limit is not None and a.limit < 0:
        raise OutputError(f"--limit must be 1 or more rows (0 or --all: every row), got {a.limit}")
    if a.offset < 0:
        raise OutputError(f"--offset must be 0 or more rows (0: the first row), got {a.offset}")
    if a.all or a.limit == 0:
        return None, a.offset
    return (PAGE_DEFAULT if a.limit is None else a.limit), a.offset


def _run_paged(fn: Callable[[Any, argparse.Namespace, Optional[int], int], tuple[Any, Optional[list[str]]]],
               table: Optional[list[str]] = None):
    """A handler for a question whose answer comes in pages (queries.paging.Page): the store cuts the page,
    the output says which rows these are and how to get the rest."""
    def handler(args: argparse.Namespace) -> int:
        limit, offset = _page_options(args)
        store = _open(args)
        try:
            page, columns = fn(store, args, limit, offset)
        finally:
            store.close()
        rows = page.rows
        if args.format == "table" and table and not args.columns and rows:
            columns = list(dict.fromkeys(c for c in table if c in rows[0]))
        from fulian.output import emit

        emit(rows, args, columns, page={"total": page.total, "offset": page.offset, "limit": page.limit})
        return 0

    return handler


def _lineage(store, a, limit, offset):
    from queries.lineage import diffusion_page, first_adopters
    from queries.paging import window

    if a.first:  # a summary of every adoption, then paged
        return window(first_adopters(diffusion_page(store, a.name, kind=a.kind, variants=a.variants).rows),
                      limit, offset), None
    page = diffusion_page(store, a.name, kind=a.kind, variants=a.variants, limit=limit, offset=offset)
    if a.format == "table" and not a.columns:
        return page, ["year"] + (["campaign"] if a.variants else []) + ["federation", "level", "document",
                                                                        "evidence"]
    return page, ["year", "campaign", "federation", "level", "region_code", "document", "evidence", "targets",
                  "first_at_level", "issuer", "doc_id"]


def _chain(store, a):
    from queries.lineage import leadership_chain

    rows = leadership_chain(store, a.name, "down" if a.down else "up")
    return rows, None


def _inherit(store, a):
    from queries.lineage import agenda_inheritance

    return agenda_inheritance(store, a.name, a.year), None


def _text(store, a):
    from queries.text_reuse import text_inheritance

    rows = text_inheritance(store, a.federation, kind=a.kind, min_score=a.min_score)
    if a.format == "table" and not a.columns:  # one kind asked: no kind column; siblings: their common parent
        return rows, ([] if a.kind else ["kind"]) + ["score", "lower_federation", "upper_federation"] + (
            ["common_upstream"] if a.kind == "sibling" else []) + ["lower_sentence"]
    return rows, None


def _provenance(store, a):
    from queries.errors import QueryError
    from queries.lineage import provenance

    parts = a.parts
    if len(parts) == 1:
        rows = provenance(store, parts[0])
    elif len(parts) == 2:
        rows = provenance(store, head=parts[0], tail=parts[1])
    elif len(parts) == 3:
        rows = provenance(store, head=parts[0], rel_type=parts[1], tail=parts[2])
    else:
        raise QueryError("give a relationship id, or HEAD [TYPE] TAIL")
    return rows, None


def _coverage(store, a, limit, offset):
    from queries.coverage import adoption_counts, coverage_page
    from queries.paging import window

    if a.by_level:
        return window(adoption_counts(store, a.name, kind=a.kind, variants=a.variants), limit, offset), None
    return coverage_page(store, a.name, under=a.under, year=a.year, kind=a.kind, include_zones=a.zones,
                         variants=a.variants, limit=limit, offset=offset), None


def _profile(store, a):
    from queries.coverage import federation_profile

    return federation_profile(store, a.name, a.year), None


def _matrix(store, a):
    import pandas as pd

    from queries.coverage import coverage_matrix

    df = coverage_matrix(store, a.kind, a.value, a.level)
    rows = [{"federation": f, **{c: (None if pd.isna(v) else int(v)) for c, v in row.items()}}
            for f, row in df.astype(object).iterrows()]
    columns = ["federation", *df.columns]
    if a.format == "table" and not a.columns:  # the most adopted first, as many as fit
        from fulian.output import columns_that_fit, terminal_width

        ordered = sorted(df.columns, key=lambda c: (-int(df[c].notna().sum() if a.value == "year"
                                                          else (df[c] > 0).sum()), c))
        columns = columns_that_fit(rows, ["federation", *ordered], terminal_width())
        if len(columns) < len(df.columns) + 1:
            print(f"note: {len(columns) - 1} of {len(df.columns)} columns (the most adopted) fit; "
                  "--format csv for all, or --columns", file=sys.stderr)
    return rows, columns


def _top(store, a):
    from queries.coverage import top_targets

    return top_targets(store, a.kind, TOP_DEFAULT if a.limit is None else a.limit, a.level), None


def _cascades(store, a):
    from queries.coverage import CASCADE_COLUMNS, adoption_cascades

    return adoption_cascades(store, a.kind), CASCADE_COLUMNS


def _paging_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--offset", type=int, default=0, metavar="K",
                   help="start at row K of the answer (0: the first; with --limit N, the next page is K+N)")
    p.add_argument("--all", action="store_true", help=f"every row instead of a page of {PAGE_DEFAULT}")
    p.epilog = (p.epilog or "") + (f"\n\nanswers come in pages of {PAGE_DEFAULT} rows in every format (--limit N "
                                   "rows, --offset K to start later, --all for everything); --format json "
                                   'prints {"total", "offset", "limit", "rows"}')


def cmd_query(args: argparse.Namespace) -> int:
    return args.query_func(args)


def register(subparsers: Any) -> None:
    """Add `fulian query …` to the main CLI."""
    common = _common()
    q = subparsers.add_parser(
        "query", help="ask the graph: lineage, chain, inherit, text, provenance, coverage, profile, matrix…",
        description="Lineage and coverage questions over the embedded graph file or Neo4j.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = q.add_subparsers(dest="question", metavar="QUESTION")
    sub.required = True
    kinds = ["campaign", "law"]

    def add(name: str, help_: str, example: str, fn) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=help_, description=help_,
                           epilog=f"example:\n  {example}", formatter_class=argparse.RawDescriptionHelpFormatter)
        p.set_defaults(func=cmd_query, query_func=fn)
        return p

    p = add("lineage", "how a campaign or law spread: every adoption in time order",
            "fulian query lineage 家家幸福安康工程", _run_paged(_lineage))
    p.add_argument("name", metavar="NAME", help="campaign or law (name or alias; substring if no exact match)")
    p.add_argument("--kind", choices=kinds, help="only campaigns or only laws")
    p.add_argument("--variants", action="store_true", help="also its variant family (VARIANT_OF: 美家美妇 → 美家美妇她行动, …)")
    p.add_argument("--first", action="store_true", help="only the first adopters of each level")
    _paging_options(p)

    p = add("chain", "a federation's parents up to the top (or --down: all federations under it)",
            "fulian query chain 长沙市望城区妇联", _run(_chain))
    p.add_argument("name", metavar="FEDERATION")
    p.add_argument("--down", action="store_true", help="list the federations under it instead")

    p = add("inherit", "which of a federation's campaigns and laws its ancestors' documents named first",
            "fulian query inherit 岳阳市妇联 --year 2021",
            _run(_inherit, ["kind", "name", "year", "status", "upstream_year", "upstream_federation"]))
    p.add_argument("name", metavar="FEDERATION")
    p.add_argument("--year", type=int, help="only what it implements in this year")

    p = add("text", "passages that repeat another federation's wording (REPEATS links, strongest first)",
            "fulian query text 常德市妇联 --kind sibling",
            _run(_text))
    p.add_argument("federation", metavar="FEDERATION", nargs="?", help="only links touching this federation")
    p.add_argument("--kind", choices=["vertical", "upward", "self", "sibling"])
    p.add_argument("--min-score", type=float, help="only links at least this similar (Jaccard, 0–1)")

    p = add("provenance", "the documents and passages behind a relationship",
            "fulian query provenance 长沙市妇联 IMPLEMENTS 家家幸福安康工程",
            _run(_provenance, ["type", "head", "tail", "year", "document", "evidence"]))
    p.add_argument("parts", nargs="+", metavar="ID | HEAD [TYPE] TAIL",
                   help="a relationship id, or head and tail names with an optional type")

    p = add("coverage", "who implements a campaign or law, and who under a federation does not",
            "fulian query coverage 家家幸福安康工程 --under 湖南省妇联",
            _run_paged(_coverage, ["federation", "level", "status", "first_year", "year", "new_adopters",
                                   "total_adopters"]))
    p.add_argument("name", metavar="NAME")
    p.add_argument("--under", metavar="FEDERATION",
                   help="measure against the divisions below this federation (default: the top adopter)")
    p.add_argument("--year", type=int, help="adoptions up to this year")
    p.add_argument("--kind", choices=kinds)
    p.add_argument("--variants", action="store_true", help="also its variant family (VARIANT_OF: 美家美妇 → 美家美妇她行动, …)")
    p.add_argument("--zones", action="store_true", help="expect development zones too")
    p.add_argument("--by-level", action="store_true", help="count adopters per level and year instead")
    _paging_options(p)

    p = add("profile", "a federation's campaigns, laws, partners and offices per year",
            "fulian query profile 常德市妇联 --year 2022",
            _run(_profile, ["year", "relation", "kind", "name", "documents"]))
    p.add_argument("name", metavar="FEDERATION")
    p.add_argument("--year", type=int)

    p = add("matrix", "federations × campaigns (or laws): first year adopted, document count or 1/0",
            "fulian query matrix --kind law --value bool --format csv > matrix.csv", _run(_matrix))
    p.add_argument("--kind", choices=kinds, default="campaign")
    p.add_argument("--value", choices=["year", "count", "bool"], default="year")
    p.add_argument("--level", choices=LEVELS, help="only federations of this level")

    p = add("top", "campaigns and laws by number of adopting federations",
            "fulian query top --kind campaign --limit 10",
            _run(_top, ["name", "kind", "federations", "documents", "first_year", "last_year"]))
    p.add_argument("--kind", choices=kinds)
    p.add_argument("--level", choices=LEVELS, help="count only federations of this level")

    p = add("cascades", "first adoptions (campaign, federation, region code, year) for diffusion models",
            "fulian query cascades --format csv > cascades.csv",
            _run(_cascades, ["campaign", "federation", "level", "year", "doc_id"]))
    p.add_argument("--kind", choices=kinds, default="campaign")
