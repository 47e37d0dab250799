"""The graph file: node-link JSON with one record per line, written atomically, read fast.

Records are sorted by id (nodes, then relationships), so the rows of one kind lie together: the
Passage nodes (ids `passage:…`) and each passage link type (ids `TYPE:…`) form a block each. A
read-only store skips those blocks, most of a file, until a caller needs them (`load_graph_deferred`).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import networkx as nx

from graph.errors import FulianError
from graph.lock import pid_alive
from graph.schema import PASSAGE_REL_TYPES
from graph.store import StoreError, cannot_write

FORMAT = "fulian-kg/node-link/1"

# Saved files are JSON with one record per line, written and read record by record:
#   {"format": "fulian-kg/node-link/1", "directed": true, "multigraph": true, "nodes": [
#   {node},
#   ...
#   ], "edges": [
#   {edge},
#   ...
#   ]}
# Any JSON document with the same keys loads too (files written before this layout do).
_HEAD = '{"format": "%s", "directed": true, "multigraph": true, "nodes": [\n' % FORMAT
_MIDDLE = '], "edges": [\n'
_TAIL = ']}\n'
_BATCH = 5000  # records parsed at once when reading


def _write_rows(fh, rows) -> None:
    sep = ""
    dumps = json.dumps  # json.dump streams through the pure-Python encoder; dumps uses the C one (~5x faster)
    for row in rows:
        fh.write(sep)
        fh.write(dumps(row, ensure_ascii=False, sort_keys=True))
        sep = ",\n"
    if sep:
        fh.write("\n")


def save_graph(g: nx.MultiDiGraph, path: Path) -> None:
    """Write the node-link JSON atomically (a temp file in the same folder, then rename), record by
    record in id order, without building the whole document in memory."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise cannot_write(path.parent, e, "choose another place with --out FILE") from e
    remove_stale_temps(path)
    try:
        _save(g, path)
    except OSError as e:
        raise cannot_write(path, e, "the graph file is as it was before: free some space (or write elsewhere "
                                    "with --out FILE) and run the same command again") from e


def _save(g: nx.MultiDiGraph, path: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(_HEAD)
            nodes = g.nodes
            _write_rows(fh, (nodes[n] for n in sorted(nodes, key=lambda n: nodes[n]["id"])))
            fh.write(_MIDDLE)
            edges = sorted(((d["id"], d) for _, _, d in g.edges(data=True)), key=lambda t: t[0])
            _write_rows(fh, (d for _, d in edges))
            del edges
            fh.write(_TAIL)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


_LEGACY_TEMP_AGE = 3600  # seconds: temp files of versions that did not name their writer


def remove_stale_temps(path: Path) -> list[Path]:
    """Remove the temp files that saves killed midway left beside `path`; return them.

    A temp file is named `.NAME.PID.XXXXXXXX.tmp` after the process writing it: it is stale
    when that process is gone. Unnamed ones (`.NAME.XXXXXXXX.tmp`) are stale after an hour."""
    own = re.compile(re.escape(f".{path.name}.") + r"(?:(\d+)\.)?[A-Za-z0-9_]{8}\.tmp")
    removed = []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return removed
    for entry in entries:
        m = own.fullmatch(entry.name)
        if not m:
            continue
        try:
            stale = (not pid_alive(int(m.group(1))) if m.group(1)
                     else time.time() - entry.stat().st_mtime > _LEGACY_TEMP_AGE)
            if stale:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue  # gone already, or not ours to remove
    return removed


# Rows of Passages and of their links (IN_DOCUMENT, MENTIONS, REPEATS) are most of a graph file; a
# read-only store reads the others first and these on first need. A record's line shows which it is
# (keys are sorted and unescaped; a quote inside a value is escaped, so a value never matches).
_PASSAGE_NODE = '"label": "Passage"'
_PASSAGE_LINKS = tuple(f'"type": "{t}"' for t in PASSAGE_REL_TYPES)


def _read_by_line(fh) -> Optional[nx.MultiDiGraph]:
    """The graph of a file in the record-per-line layout, or None when the file has another layout."""
    if fh.readline() != _HEAD:
        return None
    g = nx.MultiDiGraph()
    section = "nodes"
    batch: list[str] = []

    def flush() -> None:
        if not batch:
            return
        rows = json.loads("[" + "".join(batch).rstrip().rstrip(",") + "]")
        batch.clear()
        if section == "nodes":
            for row in rows:
                g.add_node(row["id"], **row)
        else:
            for row in rows:
                g.add_edge(row["start_id"], row["end_id"], key=row["id"], **row)

    for line in fh:
        if line == _MIDDLE or line == _TAIL:
            flush()
            if line == _TAIL:
                return g if section == "edges" else None
            section = "edges"
            continue
        batch.append(line)
        if len(batch) >= _BATCH:
            flush()
    return None  # cut short: let the whole-document parser report it


# -- reading by blocks: large pieces read with pread, searched and parsed in C ---------------------

_B_HEAD, _B_MIDDLE, _B_TAIL = _HEAD.encode(), _MIDDLE.encode(), _TAIL.encode()
_NODE_MARKS = (_PASSAGE_NODE.encode(),)
_LINK_MARKS = tuple(m.encode() for m in _PASSAGE_LINKS)
_PIECE = 8 << 20  # bytes read, searched and parsed at once
_READ_ERRORS = (json.JSONDecodeError, KeyError, TypeError, AttributeError, UnicodeDecodeError, OSError)


class _Unsorted(FulianError):
    """The rows of one kind do not lie together (or the file is not laid out as saved): read it line by line."""


def _pieces(fd: int, a: int, b: int) -> Iterator[tuple[int, bytes]]:
    """(offset, bytes) of [a, b) of the file, in pieces of about _PIECE bytes that end at a line end."""
    start, pos, carry = a, a, b""
    while pos < b:
        chunk = os.pread(fd, min(_PIECE, b - pos), pos)
        if not chunk:
            raise _Unsorted()  # shorter than it was
        pos += len(chunk)
        data = carry + chunk
        cut = data.rfind(b"\n") + 1 if pos < b else len(data)
        carry = data[cut:]
        if cut:
            yield start, data[:cut]
            start += cut
    if carry:
        yield start, carry


def _sections(fd: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """Byte ranges of the node rows and of the edge rows; _Unsorted when the file has another layout."""
    size = os.fstat(fd).st_size
    if os.pread(fd, len(_B_HEAD), 0) != _B_HEAD or os.pread(fd, len(_B_TAIL), size - len(_B_TAIL)) != _B_TAIL:
        raise _Unsorted()
    n0 = len(_B_HEAD)
    for off, data in _pieces(fd, n0, size):  # a record is one line: only the separator starts a line with "],"
        if data.startswith(_B_MIDDLE):
            mid = off
        else:
            k = data.find(b"\n" + _B_MIDDLE)
            if k < 0:
                continue
            mid = off + k + 1
        e0, e1 = mid + len(_B_MIDDLE), size - len(_B_TAIL)
        if e1 < e0:
            raise _Unsorted()
        return (n0, mid), (e0, e1)
    raise _Unsorted()


def _scan(fd: int, lo: int, hi: int, marks: tuple[bytes, ...], rows: Callable[[bytes], None]) -> list[tuple[int, int]]:
    """Hand the rows of [lo, hi) whose line holds none of `marks` to `rows`; return the byte range of the
    lines holding each mark (one block per mark; _Unsorted when its lines do not lie together)."""
    state = dict.fromkeys(marks, 0)  # 0 not seen yet, 1 inside its block, 2 past it
    blocks: dict[bytes, list[int]] = {}
    for off, data in _pieces(fd, lo, hi):
        spans = []
        for m in marks:
            found = data.count(m)
            if not found:
                state[m] = 2 if state[m] else 0
                continue
            if state[m] == 2:
                raise _Unsorted()
            s = data.rfind(b"\n", 0, data.find(m)) + 1
            e = data.find(b"\n", data.rfind(m)) + 1 or len(data)
            if (state[m] == 1 and s != 0) or data.count(b"\n", s, e) != found:
                raise _Unsorted()
            if state[m] == 1:
                blocks[m][1] = off + e
            else:
                blocks[m] = [off + s, off + e]
            state[m] = 1 if e == len(data) else 2
            spans.append((s, e))
        a = 0
        for s, e in sorted(spans):
            if s < a:
                raise _Unsorted()
            if s > a:
                rows(data[a:s])
            a = e
        if a < len(data):
            rows(data[a:])
    return sorted((s, e) for s, e in blocks.values())


def _adder(g: nx.MultiDiGraph, nodes: bool) -> Callable[[bytes], None]:
    def add(chunk: bytes) -> None:
        chunk = chunk.rstrip(b",\n")
        if not chunk:
            return
        if nodes:
            for row in json.loads(b"[" + chunk + b"]"):
                g.add_node(row["id"], **row)
        else:
            for row in json.loads(b"[" + chunk + b"]"):
                g.add_edge(row["start_id"], row["end_id"], key=row["id"], **row)
    return add


class Deferred:
    """The passage rows of a graph file not read yet; `read_into(g)` adds them (once), `close()` lets go."""

    def __init__(self, path: Path, fd: int, blocks: tuple[list, list]):
        self.path, self._fd, self._blocks = path, fd, blocks

    def read_into(self, g: nx.MultiDiGraph) -> None:
        try:
            for ranges, nodes in zip(self._blocks, (True, False)):
                add = _adder(g, nodes)
                for a, b in ranges:
                    _scan(self._fd, a, b, (), add)
        except (_Unsorted, *_READ_ERRORS) as e:
            raise _not_a_graph(self.path, f"its passages do not read ({e or 'changed'})") from e
        finally:
            self.close()

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def load_graph_deferred(path: Path) -> tuple[nx.MultiDiGraph, Optional[Deferred]]:
    """The graph of a file without its passage rows, and what reads them later (the file kept open:
    a newer one saved over it meanwhile does not mix in); a file not laid out in blocks (an older or
    hand-made one) is read whole, and None returned for the rest."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return load_graph(path), None  # it says what is wrong
    try:
        (n0, n1), (e0, e1) = _sections(fd)
        g = nx.MultiDiGraph()
        blocks = (_scan(fd, n0, n1, _NODE_MARKS, _adder(g, True)), _scan(fd, e0, e1, _LINK_MARKS, _adder(g, False)))
        return g, Deferred(path, fd, blocks)
    except (_Unsorted, *_READ_ERRORS):
        os.close(fd)
        return load_graph(path), None
    except BaseException:
        os.close(fd)
        raise


def _load_by_blocks(path: Path) -> Optional[nx.MultiDiGraph]:
    """The whole graph read in large pieces, or None (then the line reader reads it and names any fault)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        (n0, n1), (e0, e1) = _sections(fd)
        g = nx.MultiDiGraph()
        _scan(fd, n0, n1, (), _adder(g, True))
        _scan(fd, e0, e1, (), _adder(g, False))
        return g
    except (_Unsorted, *_READ_ERRORS):
        return None
    finally:
        os.close(fd)


def load_graph(path: Path) -> nx.MultiDiGraph:
    """Read a graph file written by `save_graph`, with a clear error when it is not one."""
    g = _load_by_blocks(path)
    if g is not None:
        return g
    try:
        with open(path, encoding="utf-8") as fh:
            try:
                g = _read_by_line(fh)
            except (json.JSONDecodeError, KeyError, TypeError, AttributeError):
                g = None
            if g is not None:
                return g
            fh.seek(0)
            data = json.load(fh)
    except UnicodeDecodeError as e:
        raise _not_a_graph(path, "not UTF-8 text: damaged, or another kind of file") from e
    except json.JSONDecodeError as e:
        raise _not_a_graph(path, f"invalid JSON at line {e.lineno}, cut short or damaged") from e
    except OSError as e:
        raise StoreError(f"{path}: cannot read the graph file ({e.strerror})") from e
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _not_a_graph(path, f"format {data.get('format') if isinstance(data, dict) else None!r}")
    g = nx.MultiDiGraph()
    for kind, rows in (("node", data.get("nodes")), ("relationship", data.get("edges"))):
        for i, row in enumerate(rows if isinstance(rows, list) else [None]):
            ends = ("id",) if kind == "node" else ("id", "start_id", "end_id")
            if not isinstance(row, dict) or not all(isinstance(row.get(k), str) and row[k] for k in ends):
                raise _not_a_graph(path, f"{kind} {i + 1} has no {'/'.join(ends)}")
            if kind == "node":
                g.add_node(row["id"], **row)
            else:
                g.add_edge(row["start_id"], row["end_id"], key=row["id"], **row)
    return g


def _not_a_graph(path: Path, why: str) -> StoreError:
    # `fulian build --out FILE` reads FILE first, so the remedy is to move it aside
    return StoreError(f"{path}: not a fulian graph file ({why}); move it aside (or delete it) and run "
                      f"`fulian build --out {path}` to build it anew")
