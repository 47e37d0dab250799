"""The `fulian` command: parse options, call one library function, print the result."""

from __future__ import annotations

import argparse
import json
import os
import sys
from contextlib import contextmanager
from typing import Any, Callable, Optional

if __name__ == "__main__":  # `python -m fulian.cli`: Ctrl-C or SIGTERM while starting up ends it quietly
    import signal as _signal

    for _sig in (_signal.SIGINT, _signal.SIGTERM):
        _signal.signal(_sig, lambda signum, _frame: os._exit(128 + signum))

from fulian.output import print_table  # the one table printer (also imported from here by others)
from fulian.terminal import encoding_note, guard_streams, printable, silence_stdout
from graph import schema
from graph.errors import FulianError

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_REJECTED = 0, 1, 2, 3
EXIT_INTERRUPTED, EXIT_PIPE, EXIT_TERMINATED = 130, 141, 143  # Ctrl-C; reader went away (| head); SIGTERM

EPILOG = f"""\
examples:
  fulian build                       build the sample corpus into {schema.DEFAULT_GRAPH_FILE}
  fulian build docs/ --out kg.json   build your own documents
  fulian eval data/gold              score extraction against gold annotations
  fulian build docs/ --prune         update after editing, adding and deleting files
  fulian remove docs/old.txt         remove a document (a folder: all below it)
  fulian neo4j up && fulian load     start a local Neo4j and load the graph into it
  fulian query lineage 美丽庭院       how a campaign spread (see `fulian query --help`)
  fulian view campaign 美丽庭院 --out x.html

exit codes: 0 ok, 1 error, 2 usage error, 3 built but some documents were rejected,
  130 interrupted (Ctrl-C), 143 stopped (SIGTERM): nothing half-written in either case,
  141 the reader of the output went away (e.g. `| head`): the work itself was done
"""


class CliError(FulianError):
    """An error to print as one line (already phrased with its remedy); `exit_code` 2 for usage."""

    def __init__(self, message: str, exit_code: int = EXIT_ERROR):
        super().__init__(message)
        self.exit_code = exit_code


def _progress(total: int, desc: str, unit: str = "doc"):
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, disable=None, leave=False)


def _stage_line(bar):
    """A build's `stage` callback: one line on stderr per step after extraction, on a terminal only
    (like the progress bar), so scripts reading stderr see what they saw before."""
    if not sys.stderr.isatty():
        return None

    def say(message: str) -> None:
        bar.clear()
        print(f"{message} …", file=sys.stderr, flush=True)
    return say


def print_counts(counts: dict[str, dict[str, int]]) -> None:
    print_table([{"label": k, "nodes": v} for k, v in counts["nodes"].items()])
    print()
    print_table([{"relationship": k, "count": v} for k, v in counts["relationships"].items()])


def _manifest(args: argparse.Namespace, folders: list[str]):
    """The manifest given with --manifest, else a manifest.csv in one of `folders` (said on stderr)."""
    from loaders.manifest import MANIFEST_NAME, find_manifest, read_manifest

    if args.manifest:
        if args.no_manifest:
            raise CliError("give either --manifest FILE or --no-manifest, not both")
        return read_manifest(args.manifest)
    if args.no_manifest:
        return None
    found = find_manifest(f for f in folders if os.path.isdir(f))
    if found is not None:
        print(f"using manifest {found.describe()}; --no-manifest to ignore {MANIFEST_NAME}", file=sys.stderr)
    return found


def _print_warnings(warnings: list[str]) -> None:
    if warnings:
        print("\nwarnings:")
        for w in warnings:
            print(f"  {w}")


# -- commands ---------------------------------------------------------------

def cmd_build(args: argparse.Namespace) -> int:
    from graph.nx_store import NetworkxStore
    from loaders.pipeline import SAMPLE_CORPUS, build
    from loaders.read import iter_input_files

    paths = args.paths or [str(SAMPLE_CORPUS)]
    manifest = _manifest(args, paths)
    store = NetworkxStore(args.out)
    files, _ = iter_input_files(paths)
    bar = _progress(len(files), "extracting")
    try:
        report = build(paths, store, jobs=_jobs(args), force=args.force, prune=args.prune,
                       progress=lambda _: bar.update(1), manifest=manifest, shard=args.shard,
                       stage=_stage_line(bar))
    finally:
        bar.close()
    if args.shard and not report.read and not report.unchanged and not report.rejected:
        print(f"note: shard {args.shard[0]}/{args.shard[1]} holds none of these documents", file=sys.stderr)
    elif not report.read and not report.unchanged and not report.copies and not report.renamed:
        reasons = "; ".join(f"{p}: {r}" for p, r in report.rejected)
        raise CliError(f"nothing built: {reasons}")
    code = EXIT_REJECTED if report.rejected else EXIT_OK
    if store.dirty or not os.path.exists(args.out):  # nothing changed: the file stays as it is, untouched
        with _saving(code):
            store.save()
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(f"documents read: {len(report.read)}, unchanged: {len(report.unchanged)}, "
              f"rejected: {len(report.rejected)} → {printable(args.out)}")
        print()
        print_counts(report.counts)
        gained = report.second_pass.get("documents") if report.second_pass else None
        if gained:
            print(f"\ncorpus pass: {len(gained)} document(s) gained mentions of campaign or law names "
                  f"that other documents quote ({report.second_pass['names']} names looked for)")
        _print_build_notes(report)
    return code


def _print_build_notes(report) -> None:
    """What a build rejected, found twice, found renamed or removed, and its warnings, after its summary."""
    notes = (("rejected documents:", [{"file": p, "reason": r} for p, r in report.rejected]),
             ("copies (one document, every path recorded):", [{"file": p, "copy of": o} for p, o in report.copies]),
             ("renamed (the document keeps its id):", [{"from": o, "to": p} for o, p in report.renamed]),
             ("removed (their files are gone):", [{"document": d} for d in report.removed]))
    for title, rows in notes:
        if rows:
            print("\n" + title)
            print_table(rows)
    _print_warnings(report.warnings())


def cmd_eval(args: argparse.Namespace) -> int:
    from loaders.evaluate import evaluate, format_report

    from loaders.evaluate import Report

    if args.docs and len(args.gold_dir) > 1:
        raise CliError("--docs names the documents of one GOLD_DIR; with several, each takes GOLD_DIR/../corpus",
                       EXIT_USAGE)
    reports = []
    for gold_dir in args.gold_dir:
        if not os.path.isdir(gold_dir):
            raise CliError(f"{gold_dir}: no such folder of gold JSON files")
        docs = args.docs or os.path.join(gold_dir, os.pardir, "corpus")
        folders = [docs, gold_dir, os.path.dirname(os.path.abspath(docs)),
                   os.path.dirname(os.path.abspath(gold_dir))]
        reports.append(evaluate(gold_dir, args.docs, manifest=_manifest(args, folders)))
    report = reports[0] if len(reports) == 1 else Report.combine(reports)
    if args.json:
        print(report.to_json())
    else:
        print(format_report(report))
    return EXIT_OK


def cmd_load(args: argparse.Namespace) -> int:
    from fulian.stores import neo4j_store
    from graph.nx_store import NetworkxStore
    from loaders.pipeline import build, unresolved_warnings

    if args.manifest and not args.paths:
        raise CliError("--manifest applies to documents given as PATHS; for the graph file, rebuild it "
                       "with `fulian build --manifest FILE` and load it again")
    store = neo4j_store(args.uri)
    try:
        if args.paths:
            manifest = _manifest(args, args.paths)
            bar = _progress(0, "loading")
            report = build(args.paths, store, jobs=_jobs(args), force=args.force, prune=args.prune,
                           progress=lambda _: bar.update(1), manifest=manifest)
            bar.close()
            counts = report.counts
            _print_build_notes(report)
        else:
            if args.prune:
                raise CliError("--prune checks the files of documents given as PATHS; to remove the documents "
                               "the graph file no longer has, use --replace")
            graphs = args.graph or [os.environ.get("FULIAN_GRAPH", "fulian-graph.json")]
            for graph in graphs:
                if not os.path.exists(graph):
                    raise CliError(f"{graph}: no graph file; build one with `fulian build` "
                                   "or give documents: `fulian load PATHS...`")
            if args.replace and len(graphs) > 1:
                raise CliError("--replace makes Neo4j equal to one graph file; merge shards without it")
            from fulian.neo4j_server import LocalServer
            from graph.bulk import load
            from graph.load import relink_all
            from loaders.pipeline import derived_rows

            partial = False
            for graph in graphs:
                kg_store = NetworkxStore(graph, read_only=True)
                counts = kg_store.counts()
                total = sum(counts["nodes"].values()) + sum(counts["relationships"].values())
                bar = _progress(total, "loading" if len(graphs) == 1 else f"loading {printable(graph)}", unit="row")
                plan = load(kg_store, store, server=LocalServer(), bulk=args.bulk, replace=args.replace,
                            progress=bar.update, say=lambda msg: print(msg, file=sys.stderr))
                bar.close()
                partial = partial or plan.partial
                print(("" if len(graphs) == 1 else f"{printable(graph)}: ") +
                      f"documents: {len(plan.documents)} written, {plan.skipped} unchanged (skipped), "
                      f"{len(plan.stale)} removed or replaced")
                _print_warnings(unresolved_warnings(d["issuer_unresolved"] for d in kg_store.nodes("Document")
                                                    if d.get("issuer_unresolved")))
            if partial:
                print("the database holds documents of other graph files: recomputing the links across "
                      "documents (REPEATS, VARIANT_OF) over the whole database...", file=sys.stderr)
                relink_all(store, derived_rows)
            counts = store.counts()
        print(f"loaded into {store.uri}")
        print()
        print_counts(counts)
    finally:
        store.close()
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    from fulian.stores import open_store
    from loaders.pipeline import remove

    if args.backend == "embedded" and not os.path.exists(args.graph):
        raise CliError(f"{args.graph}: no graph file; give the one to change with --graph FILE")
    store = open_store(args.backend, args.graph, uri=args.uri)
    try:
        removed = remove(args.paths, store)
        if not removed:
            raise CliError(f"no document of {getattr(store, 'path', None) or store.uri} was read from "
                           f"{', '.join(args.paths)}: nothing removed")
        if args.backend == "embedded":
            with _saving(EXIT_OK):
                store.save()  # only now: an error above leaves the file as it was
    finally:
        if args.backend == "neo4j":
            store.close()
    print(f"removed {len(removed)} document{'s' if len(removed) != 1 else ''}: {', '.join(removed)}")
    return EXIT_OK


def cmd_neo4j(args: argparse.Namespace) -> int:
    from fulian import neo4j_server

    if args.action == "up":
        info = neo4j_server.up()
        print(f"Neo4j is running (pid {info['pid']})")
        print(f"  Browser:  {info['browser_url']}")
        print(f"  Bolt:     {info['bolt_uri']}  user {info['user']}")
        if info.get("guide_url"):
            print(f"  guide:    :play {info['guide_url']}  (played, with the style, when Browser connects)")
        print(f"  password: stored in {info['password_file']} (or NEO4J_PASSWORD)")
        print(f"  log:      {info['log']}")
    elif args.action == "down":
        print(neo4j_server.down() or "Neo4j stopped")
    else:
        info = neo4j_server.status()
        for k, v in info.items():
            print(f"{k}: {v}")
        return EXIT_OK if info.get("running") else EXIT_ERROR
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from graph.schema import describe

    print(describe(), end="")
    return EXIT_OK


# -- parser -----------------------------------------------------------------

def _add_manifest_options(p: argparse.ArgumentParser, where: str) -> None:
    p.add_argument("--manifest", metavar="FILE",
                   help="CSV file,region,issuer,year,date,url: each document's region (for short forms such "
                        f"as 市妇联), issuer, year, date and address (default: a manifest.csv in {where})")
    p.add_argument("--no-manifest", action="store_true", help="ignore a manifest.csv found there")


def _positive_int(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"{n} is not at least 1")
    return n


def _shard(text: str) -> tuple[int, int]:
    """K/N with 1 <= K <= N."""
    k, sep, n = text.partition("/")
    try:
        shard = (int(k), int(n))
    except ValueError:
        shard = None
    if not sep or shard is None or not 1 <= shard[0] <= shard[1]:
        raise argparse.ArgumentTypeError(f"{text!r} is not K/N with 1 <= K <= N (e.g. 2/8)")
    return shard


def _jobs(args: argparse.Namespace) -> int:
    """--jobs, or the default, capped to the CPU cores (with a note on stderr)."""
    from loaders.pipeline import capped_jobs, default_jobs

    jobs, note = capped_jobs(args.jobs or default_jobs())
    if note:
        print(f"note: {note}", file=sys.stderr)
    return jobs


def _add_extract_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--jobs", type=_positive_int, default=0, metavar="N",
                   help="worker processes for extraction, at least 1 (default: one per CPU core this process may use; at most that many)")
    p.add_argument("--force", action="store_true", help="re-extract documents even when unchanged")
    p.add_argument("--prune", action="store_true",
                   help="also remove the documents whose files are gone (deleted, or moved where no PATH reaches)")
    _add_manifest_options(p, "a folder given as PATH")


def _add_store_options(p: argparse.ArgumentParser, graph_help: str, several: bool = False) -> None:
    if several:
        p.add_argument("--graph", action="append", metavar="FILE",
                       help=graph_help + "; give it again for more files (shards), merged in the order given "
                            "(default: FULIAN_GRAPH or " + schema.DEFAULT_GRAPH_FILE + ")")
    else:
        p.add_argument("--graph", default=schema.default_graph(),
                       help=graph_help + " (default: %(default)s)")
    p.add_argument("--uri", help="Bolt URI (default: NEO4J_URI or the local server of `fulian neo4j up`)")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="fulian", description="Build and query a knowledge graph of women's-federation (妇联) work documents.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"fulian-kg {_version()}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    b = sub.add_parser("build", help="extract documents into the embedded graph file",
                       description="Read files or folders (.txt .md .docx .pdf .html; default: the sample corpus), "
                                   "extract federations, campaigns, laws, departments and persons, and write "
                                   "the embedded graph file. Unchanged documents are skipped.")
    b.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: the sample corpus)")
    b.add_argument("--out", default=schema.default_graph(),
                   help="graph file to create or update (default: %(default)s)")
    _add_extract_options(b)
    b.add_argument("--shard", type=_shard, metavar="K/N",
                   help="only the documents of shard K of N (by a hash of each document's path), into a graph "
                        "file of its own; `fulian load --graph` each shard's file (or all at once) merges them")
    b.add_argument("--json", action="store_true", help="print the report as JSON")
    b.set_defaults(func=cmd_build)

    e = sub.add_parser("eval", help="score extraction against gold annotations",
                       description="Build the documents of GOLD_DIR's annotations with the build pipeline "
                                   "(into a temporary graph) and print precision/recall/F1 per type of what "
                                   "the graph holds, strict and lenient (docs/ANNOTATION.md). A rejected "
                                   "document counts as all missed.")
    e.add_argument("gold_dir", metavar="GOLD_DIR", nargs="+",
                   help="folders of gold JSON files; several are scored together (micro-averaged), "
                        "e.g. tests/fixtures/devset/*/gold")
    e.add_argument("--docs", metavar="DIR", help="folder of the documents (default: GOLD_DIR/../corpus)")
    _add_manifest_options(e, "the documents' or the gold folder, or the folder above either")
    e.add_argument("--json", action="store_true", help="print the report as JSON")
    e.set_defaults(func=cmd_eval)

    ld = sub.add_parser("load", help="load the graph into Neo4j",
                        description="Write the embedded graph file (or documents given as PATHS) into Neo4j at "
                                    "NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD (default: the local server of "
                                    "`fulian neo4j up`). Loading twice changes nothing.")
    ld.add_argument("paths", nargs="*", metavar="PATH", help="documents to build straight into Neo4j")
    _add_store_options(ld, "graph file to load when no PATH is given", several=True)
    _add_extract_options(ld)
    ld.add_argument("--replace", action="store_true",
                    help="make Neo4j equal to the file: remove documents the file no longer has")
    bulk = ld.add_mutually_exclusive_group()
    bulk.add_argument("--bulk", action="store_true", default=None,
                      help="first load through Neo4j's offline importer (local server only; the server "
                           "restarts; with --replace also over a database that is not empty). Default: "
                           "used by itself when the local server's database is empty")
    bulk.add_argument("--no-bulk", dest="bulk", action="store_false", help="always load through transactions")
    ld.set_defaults(func=cmd_load)

    rm = sub.add_parser("remove", help="remove the documents read from files or folders",
                        description="Remove from the graph the documents read from PATHS (a folder: every "
                                    "document below it), with what only they stated. A document that also "
                                    "has a copy elsewhere keeps that path.")
    rm.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (they need not exist any more)")
    _add_store_options(rm, "embedded graph file to change")
    rm.add_argument("--backend", choices=schema.BACKENDS, default="embedded",
                    help="store to change (default: %(default)s)")
    rm.set_defaults(func=cmd_remove)

    n = sub.add_parser("neo4j", help="run a local Neo4j server (no Docker needed)",
                       description="Build (first time) and run Neo4j 5.26 Community with Browser and APOC from "
                                   "Maven artifacts, on 127.0.0.1 with authentication.")
    n.add_argument("action", choices=["up", "down", "status"])
    n.set_defaults(func=cmd_neo4j)

    s = sub.add_parser("schema", help="print the graph schema (labels, ids, relationship types)")
    s.set_defaults(func=cmd_schema)

    for register in _extensions():
        register(sub)
    return p


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("fulian-kg")
    except PackageNotFoundError:  # run from a checkout that is not installed
        return "(not installed)"


def _extensions() -> list[Callable[[Any], None]]:
    """Subcommands defined in their own modules (questions, views, listings and export)."""
    from fulian import catalog_cli, query_cli, view_cli

    return [query_cli.register, view_cli.register, catalog_cli.register]


_SAVED: list[int] = []  # the exit code of a command whose result is on disk (Ctrl-C after it is no failure)


@contextmanager
def _saving(code: int):
    """Write a command's result with Ctrl-C and SIGTERM held back: one arriving during the write is
    raised after it, and the command then ends with `code` (its work is complete), not as interrupted."""
    import signal
    import threading

    held: list[int] = []
    previous = {}  # signal handlers belong to the main thread; elsewhere nothing is held back
    if threading.current_thread() is threading.main_thread():
        previous = {sig: signal.signal(sig, lambda signum, _frame: held.append(signum))
                    for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
        _SAVED.append(code)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if held:
        raise _Terminated() if held[0] == signal.SIGTERM else KeyboardInterrupt


class _Terminated(BaseException):
    """SIGTERM, raised in the main thread so that the work stops the way Ctrl-C stops it."""


def _on_sigterm(signum: int, frame: Any) -> None:
    raise _Terminated()


def _quiet_interrupts(unraisable: Any) -> None:
    if not issubclass(unraisable.exc_type, (KeyboardInterrupt, _Terminated)):
        sys.__unraisablehook__(unraisable)


def main(argv: Optional[list[str]] = None) -> int:
    import signal
    import threading

    in_main = threading.current_thread() is threading.main_thread()
    if in_main:  # Ctrl-C inside an import's clean-up is reported as "Exception ignored": it is the interrupt
        sys.unraisablehook = _quiet_interrupts
    _SAVED.clear()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if in_main else None
    # Ctrl-C is KeyboardInterrupt from here on, also while the modules load
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler) if in_main else None
    try:
        from fulian.neo4j_server import Neo4jServerError

        unsafe = guard_streams()
        parser = build_parser()
        args = parser.parse_args(argv)
        if unsafe:
            print(encoding_note(unsafe), file=sys.stderr)
        code = args.func(args)
        sys.stdout.flush()  # here, not at exit: a closed pipe is then handled below
        return code
    except BrokenPipeError:
        silence_stdout()
        return EXIT_PIPE
    except (KeyboardInterrupt, _Terminated) as e:  # first: the next clause imports modules (maybe half-loaded)
        if _SAVED:
            print("interrupted after the result was written: the work is complete, only its summary was cut "
                  "short", file=sys.stderr)
            return _SAVED[-1]
        print("interrupted: nothing half-written; run the command again to finish", file=sys.stderr)
        return EXIT_TERMINATED if isinstance(e, _Terminated) else EXIT_INTERRUPTED
    except FulianError as e:  # every library and CLI error: its message says what to do
        from fulian.neo4j_server import Neo4jServerError

        print(f"error: {printable(str(e), keep_newlines=isinstance(e, Neo4jServerError))}", file=sys.stderr)
        return getattr(e, "exit_code", EXIT_ERROR)
    finally:
        if in_main and _ENTRY:  # the code is settled: the interpreter's shutdown is not to be cut short
            signal.signal(signal.SIGTERM, signal.SIG_IGN)  # (it would reset a handler to die by the signal)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        elif in_main:
            signal.signal(signal.SIGTERM, previous)
            signal.signal(signal.SIGINT, previous_int)


_ENTRY: list[bool] = []  # set by `run`: main is the process's whole work


def run() -> int:
    """The process's entry point (`fulian`, `python -m fulian.cli`): `main`, after which a Ctrl-C or
    SIGTERM is ignored. The command's result and exit code are settled by then; a signal during the
    interpreter's shutdown (seconds after a large build) would otherwise end it as killed."""
    _ENTRY.append(True)
    return main()


if __name__ == "__main__":
    sys.exit(run())
