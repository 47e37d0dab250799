"""One writer at a time: an exclusive lock on a graph file or a database, for every store.

A `WriterLock` is an OS lock (flock) on a small lock file: the OS drops it when its process ends,
however it ends, so a killed writer never leaves a lock behind (only, then, the file, which the
next writer takes over; a writer that finishes removes it). The file also says who holds it
(pid, command, since) for the message a second writer gets: that writer stops at once, or, with
FULIAN_LOCK_WAIT=SECONDS, waits that long first. The same process may take a lock it holds again
(counted, not refused).

- `file_lock(path)`: `.NAME.lock` beside a graph file (held by a writable embedded store from
  opening to closing, so two builds cannot both start from the same old file);
- `database_lock(uri, database)`: one lock file per Neo4j database in FULIAN_LOCK_DIR (default
  ~/.cache/fulian/locks), held by a build, load or removal while it runs; it excludes writers on
  this machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from graph.store import StoreError, cannot_write

WAIT_ENV = "FULIAN_LOCK_WAIT"
DIR_ENV = "FULIAN_LOCK_DIR"
_POLL = 0.2

_held: dict[str, list] = {}  # lock file -> [open file, times taken] in this process


def wait_seconds() -> float:
    raw = os.environ.get(WAIT_ENV, "").strip()
    try:
        seconds = float(raw) if raw else 0.0
    except ValueError:
        seconds = -1.0
    if not seconds >= 0 or seconds == float("inf"):
        raise StoreError(f"{WAIT_ENV}={raw!r} is not a number of seconds: set it to how long a writer may "
                         "wait for another to finish (0: stop at once)")
    return seconds


class WriterLock:
    """An exclusive lock on `lock_file`, for writing `what` (named in the messages)."""

    def __init__(self, lock_file: Path, what: str, remedy: str):
        self.lock_file = Path(lock_file)
        self.what = what
        self.remedy = remedy  # when the lock file cannot be made
        self.key = os.path.abspath(lock_file)
        self._mine = False

    def acquire(self) -> "WriterLock":
        if self._mine:
            return self
        held = _held.get(self.key)
        if held is not None:
            held[1] += 1
            self._mine = True
            return self
        import fcntl

        wait = wait_seconds()
        deadline = time.monotonic() + wait
        while True:
            try:
                self.lock_file.parent.mkdir(parents=True, exist_ok=True)
                fh = open(self.lock_file, "a+", encoding="utf-8")
            except OSError as e:
                raise cannot_write(self.lock_file, e, self.remedy) from e
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                fh.close()
                if time.monotonic() >= deadline:
                    waited = f" (waited {wait:g} s)" if wait else ""
                    raise StoreError(f"{self.what} is being changed by another command{_holder(self.lock_file)}"
                                     f"{waited}: run this one again when that has finished, or set "
                                     f"{WAIT_ENV}=SECONDS to wait for it") from None
                time.sleep(_POLL)
                continue
            if _same_file(fh, self.lock_file):
                break
            fh.close()  # the holder removed the file as we opened it: lock the new one
        fh.seek(0)
        fh.truncate()
        fh.write(json.dumps({"pid": os.getpid(), "command": _command(), "since": time.strftime("%H:%M:%S")}))
        fh.flush()
        _held[self.key] = [fh, 1]
        self._mine = True
        return self

    def release(self) -> None:
        if not self._mine:
            return
        self._mine = False
        held = _held.get(self.key)
        if held is None:
            return
        held[1] -= 1
        if held[1] == 0:
            del _held[self.key]
            try:
                os.unlink(self.lock_file)  # still held: a waiter that opened it re-checks and retries
            except OSError:
                pass
            held[0].close()  # closing the file drops the lock

    def __enter__(self) -> "WriterLock":
        return self.acquire()

    def __exit__(self, *exc: Any) -> None:
        self.release()


def pid_alive(pid: int) -> bool:
    """Whether process `pid` exists (one of another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _same_file(fh: Any, path: Path) -> bool:
    try:
        return os.fstat(fh.fileno()).st_ino == os.stat(path).st_ino
    except FileNotFoundError:
        return False


def _command() -> str:
    args = [os.path.basename(sys.argv[0])] + sys.argv[1:] if sys.argv and sys.argv[0] else ["python"]
    text = " ".join(args)
    return text if len(text) <= 80 else text[:77] + "..."


def _holder(lock_file: Path) -> str:
    try:
        info = json.loads(lock_file.read_text(encoding="utf-8"))
        return f" (pid {int(info['pid'])}: `{info['command']}`, since {info['since']})"
    except (OSError, ValueError, KeyError, TypeError):
        return ""


def file_lock(path: str | os.PathLike) -> WriterLock:
    """The lock of a graph file: `.NAME.lock` in its folder."""
    path = Path(path)
    return WriterLock(path.parent / f".{path.name}.lock", str(path),
                      "the graph's folder must be writable: choose another place with --out FILE")


def database_lock(uri: str, database: str) -> WriterLock:
    """The lock of a Neo4j database, by host, port and database name."""
    parsed = urlparse(uri)
    host = (parsed.hostname or "").lower()
    host = "127.0.0.1" if host in ("localhost", "::1") else host
    key = f"{host}:{parsed.port or 7687}/{database}"
    base = os.environ.get(DIR_ENV, "").strip() or os.path.join(Path.home(), ".cache", "fulian", "locks")
    name = "neo4j-" + hashlib.sha256(key.encode()).hexdigest()[:16] + ".lock"
    return WriterLock(Path(base) / name, f"Neo4j database {database!r} at {uri}",
                      f"set {DIR_ENV} to a folder you can write")

