"""The graph file: node-link JSON with one record per line, written atomically, read fast.

Records are sorted by id (nodes, then relationships), so the rows of one kind lie together: the
Passage nodes (ids `passage:…`) and the links of each type (ids `TYPE:…`) form a block each, found by
binary search. A read-only store reads the other nodes, and each block when a caller first needs it,
or of a block only the links ending at given nodes (`load_graph_deferred`).
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import networkx as nx

from graph import collector
from graph.errors import FulianError
from graph.lock import pid_alive
from graph.schema import PASSAGE_REL_TYPES, REL_TYPES
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
        with collector.paused():
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
        (_add_nodes if section == "nodes" else _add_edges)(g, rows)

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
_PIECE = 8 << 20  # bytes read, searched and parsed at once
_PROBE = 1 << 14  # bytes read to find one line while seeking a block
_READ_ERRORS = (json.JSONDecodeError, KeyError, TypeError, AttributeError, UnicodeDecodeError, OSError)
_PASSAGE_PREFIX = "passage:"


class _Unsorted(FulianError):
    """The file is not laid out as saved (or its rows are not where the layout puts them): read it line by line."""


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
    if os.pread(fd, len(_B_MIDDLE), n0) == _B_MIDDLE:  # no nodes
        mid = n0
    else:  # a record is one line: only the separator starts a line with "],"; the edges are most of a file
        lo, hi = n0, size - len(_B_TAIL)
        mid = _first(fd, lo, hi, lambda line: line.startswith(_B_MIDDLE) or not line.startswith(b"{")
                     or json.loads(line.rstrip(b",\n")).get("start_id") is not None)
        if os.pread(fd, len(_B_MIDDLE), mid) != _B_MIDDLE:
            raise _Unsorted()
    e0, e1 = mid + len(_B_MIDDLE), size - len(_B_TAIL)
    if e1 < e0:
        raise _Unsorted()
    return (n0, mid), (e0, e1)


def _line_start(fd: int, pos: int, hi: int) -> int:
    """The first line start at or after `pos` (`hi` when none comes before it)."""
    while pos < hi:
        if os.pread(fd, 1, pos - 1) == b"\n":
            return pos
        data = os.pread(fd, min(_PROBE, hi - pos), pos)
        k = data.find(b"\n")
        if k >= 0:
            return min(pos + k + 1, hi)
        if not data:
            raise _Unsorted()
        pos += len(data)
    return hi


def _line(fd: int, pos: int, hi: int) -> tuple[bytes, int]:
    """The line starting at `pos` (before `hi`) and where the next one starts."""
    size = _PROBE
    while True:
        data = os.pread(fd, min(size, hi - pos), pos)
        k = data.find(b"\n")
        if k >= 0:
            return data[:k + 1], pos + k + 1
        if pos + len(data) >= hi:
            return data, pos + len(data)
        if not data:
            raise _Unsorted()
        size *= 2


def _first(fd: int, lo: int, hi: int, past: Callable[[bytes], bool]) -> int:
    """The first line start in [lo, hi) whose line is `past` (hi when none), for lines where every
    line `past` comes after every line not (binary search; `lo` is a line start)."""
    while lo < hi:
        s = _line_start(fd, (lo + hi) // 2, hi)
        if s >= hi:
            s = lo  # no line starts in the upper half: look at the first line left
        line, nxt = _line(fd, s, hi)
        if past(line):
            hi = s
        else:
            lo = nxt
    return lo


def _id_past(key: str) -> Callable[[bytes], bool]:
    return lambda line: json.loads(line.rstrip(b",\n"))["id"] >= key


def _block(fd: int, lo: int, hi: int, prefix: str) -> tuple[int, int]:
    """Byte range of the rows whose id starts with `prefix`, in a section sorted by id."""
    a = _first(fd, lo, hi, _id_past(prefix))
    return a, _first(fd, a, hi, _id_past(prefix[:-1] + chr(ord(prefix[-1]) + 1)))


def _rows(chunk: bytes) -> list[dict]:
    chunk = chunk.rstrip(b",\n")
    return json.loads(b"[" + chunk + b"]") if chunk else []


# Values many rows repeat (ids of the nodes links join, types, labels, document ids, a clause that
# several links quote) are kept once in memory (sys.intern), not once per row: 10,000 documents
# loaded take 1,044 MB instead of 1,535. Unique values (a relationship's own id) are left alone.
_SHARED_NODE = ("id", "label", "doc_id", "level", "region_code")
_SHARED_LINK = ("type", "start_id", "end_id", "start_label", "end_label", "doc_id", "rule", "source_doc_id",
                "evidence", "source_evidence")


def _shared(row: dict, keys: tuple[str, ...]) -> dict:
    for k in keys:
        v = row.get(k)
        if v.__class__ is str:
            row[k] = sys.intern(v)
    return row


def shared_node(row: dict) -> dict:
    """`row` (a node's properties) with its repeated values kept once in memory."""
    return _shared(row, _SHARED_NODE)


def shared_link(row: dict) -> dict:
    """`row` (a relationship's properties) with its repeated values kept once in memory."""
    return _shared(row, _SHARED_LINK)


def _add_nodes(g: nx.MultiDiGraph, rows: list[dict]) -> None:
    g.add_nodes_from((row["id"], row) for row in map(shared_node, rows))


def _add_edges(g: nx.MultiDiGraph, rows: list[dict]) -> None:
    g.add_edges_from((row["start_id"], row["end_id"], row["id"], row) for row in map(shared_link, rows))


def _read(fd: int, a: int, b: int, add: Callable[[list[dict]], None]) -> None:
    with collector.paused():
        for _, data in _pieces(fd, a, b):
            add(_rows(data))
    collector.set_aside()


class Deferred:
    """What a store has not read of its graph file yet: the Passage nodes and the links of
    each type, each a block of the file. `read(g, types, ends)` adds the links of `types` (of a type in
    `ends`, only those ending at the ids given), `read_into(g)` all the rest; `close()` lets go."""

    def __init__(self, path: Path, fd: int, passages: tuple[int, int], links: dict[str, tuple[int, int]]):
        self.path, self._fd = path, fd
        self._passages: Optional[tuple[int, int]] = passages
        self._links = links  # type -> byte range, while not read whole
        self._ends: dict[str, set[str]] = {}  # type -> the end ids whose links were read

    @property
    def done(self) -> bool:
        return self._passages is None and not self._links

    def read(self, g: nx.MultiDiGraph, types, ends: Optional[dict[str, Any]] = None) -> None:
        try:
            for t in types:
                if t in PASSAGE_REL_TYPES:
                    self._read_passages(g)
                if t not in self._links:
                    continue
                if ends is not None and t in ends:
                    self._read_ending(g, t, set(ends[t]) - self._ends.setdefault(t, set()))
                else:
                    _read(self._fd, *self._links.pop(t), lambda rows: _add_edges(g, rows))
        except (_Unsorted, *_READ_ERRORS) as e:
            raise self._unreadable(e) from e
        if self.done:
            self.close()

    def unread(self) -> tuple[int, dict[str, int]]:
        """The Passage nodes and the links of each type not read whole yet, counted by their lines."""
        def lines(block: tuple[int, int]) -> int:
            return sum(data.count(b"\n") for _, data in _pieces(self._fd, *block))
        try:
            return (lines(self._passages) if self._passages else 0), {t: lines(b) for t, b in self._links.items()}
        except (_Unsorted, OSError) as e:
            raise self._unreadable(e) from e

    def _unreadable(self, e: Exception) -> StoreError:
        return _not_a_graph(self.path, f"its rows do not read ({e or 'changed'})")

    def read_into(self, g: nx.MultiDiGraph) -> None:
        self.read(g, (*PASSAGE_REL_TYPES, *self._links))  # everything: then done, and closed

    def _read_passages(self, g: nx.MultiDiGraph) -> None:
        if self._passages is not None:
            _read(self._fd, *self._passages, lambda rows: _add_nodes(g, rows))
            self._passages = None

    def _read_ending(self, g: nx.MultiDiGraph, rel_type: str, ends: set[str]) -> None:
        """The links of `rel_type` ending at `ends`: their lines found by their end_id, parsed alone."""
        if not ends:
            return
        marks = re.compile(b'"end_id": (?:%s)[,}]' % b"|".join(
            re.escape(json.dumps(e, ensure_ascii=False).encode()) for e in sorted(ends)))
        for _, data in _pieces(self._fd, *self._links[rel_type]):
            lines = []
            for m in marks.finditer(data):
                s = data.rfind(b"\n", 0, m.start()) + 1
                lines.append(data[s:data.find(b"\n", m.end()) + 1 or len(data)])
            _add_edges(g, [row for row in _rows(b"".join(lines)) if row.get("end_id") in ends])
        self._ends[rel_type] |= ends

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def load_graph_deferred(path: Path) -> tuple[nx.MultiDiGraph, Optional[Deferred]]:
    """The graph of a file without its Passage nodes and its links, and what reads those later, by
    block (the file kept open: a newer one saved over it meanwhile does not mix in); a file not laid
    out in blocks (an older or hand-made one) is read whole, and None returned for the rest."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return load_graph(path), None  # it says what is wrong
    try:
        (n0, n1), (e0, e1) = _sections(fd)
        g = nx.MultiDiGraph()
        p0, p1 = _block(fd, n0, n1, _PASSAGE_PREFIX)
        for a, b in ((n0, p0), (p1, n1)):
            _read(fd, a, b, lambda rows: _add_nodes(g, _not_passages(rows)))
        links, pos = {}, e0
        for t in sorted(REL_TYPES, key=lambda t: t + ":"):  # ids start with their type: its links lie together
            a, b = _block(fd, pos, e1, t + ":")
            if a != pos:
                raise _Unsorted()  # rows of no type's block: not as saved
            links[t], pos = (a, b), b
        if pos != e1:
            raise _Unsorted()
        return g, Deferred(path, fd, (p0, p1), links)
    except (_Unsorted, *_READ_ERRORS):
        os.close(fd)
        return load_graph(path), None
    except BaseException:
        os.close(fd)
        raise


def _not_passages(rows: list[dict]) -> list[dict]:
    if any(row.get("label") == "Passage" for row in rows):
        raise _Unsorted()  # a passage outside the passages' block: not as saved
    return rows


def _load_by_blocks(path: Path) -> Optional[nx.MultiDiGraph]:
    """The whole graph read in large pieces, or None (then the line reader reads it and names any fault)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        (n0, n1), (e0, e1) = _sections(fd)
        g = nx.MultiDiGraph()
        _read(fd, n0, n1, lambda rows: _add_nodes(g, rows))
        _read(fd, e0, e1, lambda rows: _add_edges(g, rows))
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
            (_add_nodes if kind == "node" else _add_edges)(g, [row])
    return g


def _not_a_graph(path: Path, why: str) -> StoreError:
    # `fulian build --out FILE` reads FILE first, so the remedy is to move it aside
    return StoreError(f"{path}: not a fulian graph file ({why}); move it aside (or delete it) and run "
                      f"`fulian build --out {path}` to build it anew")
