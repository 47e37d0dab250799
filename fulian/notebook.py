"""`%load_ext fulian.notebook`: a `%%cypher` cell magic for Jupyter.

    %%cypher                          run the cell's Cypher in a READ session, show a DataFrame
    MATCH (f:Federation {name: $fed})-[r:IMPLEMENTS]->(c) RETURN c.name, r.year

    %%cypher --graph                  draw the nodes and relationships it returns (offline vis-network)
    %%cypher --out df                 also keep the DataFrame in the variable `df`
    %cypher MATCH (n) RETURN count(n)    one line works too
    %cypher --use store               read through the notebook's store (an embedded store: cells are skipped)
    %cypher --connect [URI]           connect now (NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD, else the
                                      local server of `fulian neo4j up`) and say where

`$name` parameters are taken from the notebook's variables of that name. Errors show as one line
(a syntax error with its line and column, a server that is down with the remedy). With
FULIAN_BACKEND=embedded the cells are skipped with a note instead of connecting.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import shlex
import warnings
from typing import Any, Optional

from graph.errors import FulianError
from graph.store import StoreError
from queries import user_cypher
from queries.errors import QueryError

GRAPH_HEIGHT = 620  # pixels of an inline drawing


class CypherCellError(FulianError):
    """Shown by IPython as its message alone (no traceback)."""

    def _render_traceback_(self) -> list[str]:
        return [f"CypherError: {self}"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="%%cypher", add_help=False)
    p.add_argument("--graph", "-g", action="store_true")
    p.add_argument("--out", "-o", metavar="NAME")
    p.add_argument("--use", metavar="VARIABLE")
    p.add_argument("--connect", nargs="?", const="", metavar="URI")
    p.add_argument("--max-nodes", type=int, default=None)
    p.add_argument("--height", type=int, default=GRAPH_HEIGHT)
    return p


class _State:
    """Where the cells read: a store of the notebook's (`--use`) or one opened here from the environment."""

    def __init__(self) -> None:
        self.store: Any = None
        self.own = False           # opened here (closed on reconnect)
        self.skip: Optional[str] = None

    def use(self, store: Any, name: str) -> str:
        self.close()
        if store is not None and getattr(store, "backend", None) == "neo4j":
            self.store, self.skip = store, None
            return f"%%cypher reads Neo4j at {store.uri} through `{name}`"
        what = "None" if store is None else f"the {getattr(store, 'backend', type(store).__name__)} store"
        self.skip = f"`{name}` is {what}, not Neo4j"
        return f"%%cypher cells will be skipped: {self.skip}"

    def connect(self, uri: Optional[str] = None) -> Any:
        from fulian.stores import neo4j_store
        from graph.store import StoreError

        self.close()
        try:
            self.store = neo4j_store(uri or None, read_only=True)
        except StoreError as e:
            raise CypherCellError(str(e)) from None
        self.own, self.skip = True, None
        return self.store

    def current(self) -> Any:
        if self.skip:
            return None
        if self.store is None:
            if os.environ.get("FULIAN_BACKEND", "").strip().lower() == "embedded":
                return None
            self.connect()
        return self.store

    def reason(self) -> str:
        return self.skip or "FULIAN_BACKEND=embedded (no Neo4j in this session)"

    def close(self) -> None:
        if self.own and self.store is not None:
            self.store.close()
        self.store, self.own = None, False


def dataframe(columns: list[str], rows: list[list[Any]]):
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)


def inline_page(page: str, height: int = GRAPH_HEIGHT) -> str:
    """A self-contained page as an <iframe srcdoc> for a notebook output."""
    return (f'<iframe srcdoc="{html.escape(page, quote=True)}" width="100%" height="{int(height)}" '
            'style="border:1px solid #dee2e6;border-radius:4px"></iframe>')


def _cell_position(message: str, in_cell: bool) -> str:
    """A syntax error's line counted in the cell as the user sees it (the %%cypher line is line 1)."""
    m = re.match(r"Cypher syntax error at line (\d+), column (\d+)", message)
    if not m or not in_cell:
        return message
    return f"Cypher syntax error at line {int(m.group(1)) + 1} of the cell, column {m.group(2)}" + message[m.end():]


def parameters(text: str, namespace: dict[str, Any]) -> dict[str, Any]:
    """The values of the `$name` parameters of `text` from `namespace`; a missing one is a one-line error."""
    names = user_cypher.parameter_names(text)
    missing = [n for n in names if n not in namespace]
    if missing:
        listed = ", ".join(f"${n}" for n in missing)
        raise CypherCellError(f"the query uses {listed} but the notebook has no variable of that name: "
                              f"set it first (e.g. {missing[0]} = ...)")
    return {n: namespace[n] for n in names}


def run_cell(state: _State, line: str, cell: Optional[str], namespace: dict[str, Any]) -> Any:
    """What `%cypher LINE` / `%%cypher LINE\\nCELL` do; returns the cell's value (a DataFrame or None)."""
    from IPython.display import HTML, display

    try:
        args, rest = _parser().parse_known_args(shlex.split(line, posix=True))
    except (SystemExit, ValueError) as e:
        raise CypherCellError(f"%%cypher options: {e}; use --graph, --out NAME, --use VARIABLE, "
                              "--connect [URI], --max-nodes N, --height PX") from None
    if args.use is not None:
        if args.use not in namespace:
            raise CypherCellError(f"--use {args.use}: the notebook has no variable {args.use!r}")
        print(state.use(namespace[args.use], args.use))
    if args.connect is not None:
        store = state.connect(args.connect)
        print(f"%%cypher reads Neo4j at {store.uri} (database {store.database})")
    text = cell if cell is not None else " ".join(rest)
    if cell is None and args.use is None and args.connect is None and rest and rest[0].startswith("-"):
        raise CypherCellError(f"%cypher: unknown option {rest[0]}")
    if not (text or "").strip():
        return None
    store = state.current()
    if store is None:
        print(f"%%cypher skipped: {state.reason()}")
        return None
    params = parameters(text, namespace)
    try:
        if args.graph:
            import views

            page, result = views.draw("query", store, text, params=params,
                                      max_nodes=args.max_nodes or views.MAX_NODES)
            with warnings.catch_warnings():  # IPython suggests IFrame, which cannot take inline content
                warnings.simplefilter("ignore", UserWarning)
                display(HTML(inline_page(page, args.height)))
            value: Any = result
        else:
            user_cypher.check_read_only(text)
            value = dataframe(*user_cypher.run_table(store, text, params))
    except (QueryError, StoreError) as e:
        if "not reachable" in str(e) and state.own:
            state.close()  # reconnect on the next cell
        raise CypherCellError(_cell_position(str(e), cell is not None)) from None
    if args.out:
        namespace[args.out] = value
    return None if args.graph else value


def load_ipython_extension(ipython: Any) -> None:
    from IPython.core.magic import Magics, line_cell_magic, magics_class

    state = _State()

    @magics_class
    class CypherMagics(Magics):
        @line_cell_magic
        def cypher(self, line: str, cell: Optional[str] = None) -> Any:
            return run_cell(state, line, cell, self.shell.user_ns)

    ipython.register_magics(CypherMagics)


def unload_ipython_extension(ipython: Any) -> None:  # nothing held beyond the magic's own store
    pass
