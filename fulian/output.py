"""How the commands print rows: tables that fit the terminal, JSON, JSON lines, CSV (also for Excel).

    add_output_options(parser)        --format table|json|jsonl|csv, --excel, --out FILE, --columns, --limit
    emit(rows, args, columns)         print (or write to --out) the rows as asked
    print_table(rows, columns)        an aligned table, cells cut to fit the width (80 when not a terminal)

Tables show at most TABLE_LIMIT rows unless --limit says otherwise (0: all); the other formats give
every row unless --limit is set. A paged answer (`emit(…, page={total, offset, limit})`: lineage and
coverage) comes already cut by the store; JSON then wraps the rows as {"total", "offset", "limit",
"rows"}. Notes about what was cut go to stderr, so stdout stays the data.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path
from typing import Any, Optional, TextIO

from fulian.terminal import printable
from graph.errors import FulianError

FORMATS = ("table", "json", "jsonl", "csv")
TABLE_LIMIT = 100   # rows a table shows by default
MIN_CELL = 8        # a column is not cut narrower than this (or its header)
GAP = "  "
ELLIPSIS = "…"


class OutputError(FulianError):
    """A bad output option (a usage error: exit code 2)."""

    exit_code = 2


def add_output_options(p: argparse.ArgumentParser, default: str = "table") -> None:
    p.add_argument("--format", choices=FORMATS, default=default, help="output (default: %(default)s)")
    p.add_argument("--excel", action="store_true", help="with --format csv: UTF-8 with a BOM, so Excel reads 中文")
    p.add_argument("--out", metavar="FILE", help="write to FILE instead of the terminal")
    p.add_argument("--columns", metavar="A,B,…", help="only these columns, in this order")
    p.add_argument("--limit", type=int, metavar="N",
                   help=f"at most N rows (0: all; default: {TABLE_LIMIT} in a table, all otherwise)")


def width(s: str) -> int:
    """Display width: CJK characters count double."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def cell(v: Any) -> str:
    """A value as a table shows it: lists joined by "; ", floats to 3 decimals, one line."""
    if isinstance(v, (list, tuple)):
        return "; ".join(map(cell, v))
    if isinstance(v, float):
        return f"{v:.3f}".rstrip("0").rstrip(".") if v == v else ""
    return "" if v is None else " ".join(printable(str(v)).split())  # control characters (file names) escaped


def cut(s: str, w: int) -> str:
    """`s` cut to display width `w`, ending in … when shortened."""
    if width(s) <= w:
        return s
    out, used = [], 0
    for ch in s:
        cw = width(ch)
        if used + cw > w - 1:
            break
        out.append(ch)
        used += cw
    return "".join(out) + ELLIPSIS


def terminal_width() -> int:
    return shutil.get_terminal_size((80, 24)).columns


def fit(widths: list[int], headers: list[str], total: int) -> list[int]:
    """Column widths that fit `total` characters: the widest column gives way first (so the long
    texts are cut and the short columns stay whole), none below its header or MIN_CELL."""
    widths = list(widths)
    floor = [min(w, max(width(h), MIN_CELL)) for w, h in zip(widths, headers)]
    room = total - len(GAP) * (len(widths) - 1)
    while sum(widths) > room:
        above = [k for k in range(len(widths)) if widths[k] > floor[k]]
        if not above:
            break  # every column at its floor: the table stays wider than the terminal
        widths[max(above, key=lambda k: widths[k])] -= 1
    return widths


def columns_that_fit(rows: list[dict[str, Any]], columns: list[str], total: int) -> list[str]:
    """The leading `columns` whose full width fits `total` characters (at least the first)."""
    kept, used = [], 0
    for c in columns:
        w = max(width(c), *(width(cell(r.get(c))) for r in rows)) if rows else width(c)
        if kept and used + len(GAP) + w > total:
            break
        kept.append(c)
        used += w + (len(GAP) if len(kept) > 1 else 0)
    return kept


def format_table(rows: list[dict[str, Any]], columns: Optional[list[str]] = None,
                 total: Optional[int] = None) -> tuple[str, bool]:
    """(the table's text, whether cells were cut); `total` is the width to fit (None: no limit)."""
    if not rows:
        return "(no rows)\n", False
    columns = columns or list(rows[0].keys())
    cells = [[cell(r.get(c)) for c in columns] for r in rows]
    natural = [max(width(c), *(width(row[i]) for row in cells)) for i, c in enumerate(columns)]
    widths = fit(natural, columns, total) if total else natural
    pad = lambda s, w: s + " " * (w - width(s))  # noqa: E731
    lines = [GAP.join(pad(cut(c, w), w) for c, w in zip(columns, widths)).rstrip(),
             GAP.join("-" * w for w in widths)]
    lines += [GAP.join(pad(cut(c, w), w) for c, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines) + "\n", widths != natural


def print_table(rows: list[dict[str, Any]], columns: Optional[list[str]] = None, out: Optional[TextIO] = None,
                total: Optional[int] = None) -> bool:
    """Print an aligned table, fitting `total` characters when given (else whole cells: file paths and
    reasons in a build summary stay readable); True when cells were cut."""
    text, was_cut = format_table(rows, columns, total)
    (out or sys.stdout).write(text)
    return was_cut


def choose_columns(rows: list[dict[str, Any]], columns: Optional[list[str]], wanted: Optional[str]) -> list[str]:
    available = list(columns or (rows[0].keys() if rows else []))
    if not wanted:
        return available
    every = list(dict.fromkeys(available + [k for r in rows[:1] for k in r]))
    chosen = [c.strip() for c in wanted.split(",") if c.strip()]
    unknown = [c for c in chosen if every and c not in every]
    if unknown:
        raise OutputError(f"--columns: no column {', '.join(unknown)}; the columns are {', '.join(every)}")
    return chosen


def page_note(total: int, offset: int, shown: int) -> Optional[str]:
    """What a page of `shown` rows from `offset` of `total` leaves out, and how to get it (None: nothing)."""
    if shown == 0 and offset >= total > 0:
        return f"note: no rows at --offset {offset:,}: the answer has {total:,} rows"
    if shown >= total:
        return None
    more = f"; --offset {offset + shown:,} for more" if offset + shown < total else ""
    return f"note: rows {offset + 1:,}-{offset + shown:,} of {total:,}{more}, --all for everything"


def emit(rows: list[dict[str, Any]], args: argparse.Namespace, columns: Optional[list[str]] = None,
         page: Optional[dict[str, Any]] = None) -> None:
    """Print or write `rows` as --format, --columns, --limit, --out and --excel ask. `page` (total,
    offset, limit): the rows are that page of a longer answer, already cut; JSON then prints
    {"total", "offset", "limit", "rows"} and a note on stderr says what is left."""
    fmt = getattr(args, "format", "table")
    if getattr(args, "excel", False) and fmt != "csv":
        raise OutputError("--excel goes with --format csv")
    cols = choose_columns(rows, columns, getattr(args, "columns", None))
    limit = 0 if page is not None else getattr(args, "limit", None)
    if limit is not None and limit < 0:
        raise OutputError(f"--limit must be 0 (all) or more, got {limit}")
    if limit is None:
        limit = TABLE_LIMIT if fmt == "table" else 0
    shown = rows[:limit] if limit else rows
    out_path = getattr(args, "out", None)
    if fmt == "json":
        data: Any = [{c: r.get(c) for c in cols} for r in shown]
        if page is not None:
            data = {"total": page["total"], "offset": page["offset"], "limit": page["limit"], "rows": data}
        text = json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
    elif fmt == "jsonl":
        text = "".join(json.dumps({c: r.get(c) for c in cols}, ensure_ascii=False, default=str) + "\n"
                       for r in shown)
    elif fmt == "csv":
        from queries.coverage import write_csv

        text = write_csv(shown, None, cols, excel=getattr(args, "excel", False))
    else:
        text, was_cut = format_table(shown, cols, None if out_path else terminal_width())
        if was_cut:
            print(f"note: cells cut to fit {terminal_width()} columns; choose columns with --columns "
                  f"{','.join(cols[:3])},…, or --format csv / --out FILE for the full text", file=sys.stderr)
    if len(shown) < len(rows):
        print(f"note: {len(shown):,} of {len(rows):,} rows; --limit 0 for all", file=sys.stderr)
    note = page_note(page["total"], page["offset"], len(shown)) if page is not None else None
    if note:
        print(note, file=sys.stderr)
    if out_path:
        path = Path(out_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        print(f"wrote {len(shown):,} rows to {path}", file=sys.stderr)
    else:
        sys.stdout.write(text)
