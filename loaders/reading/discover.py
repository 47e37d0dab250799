"""Files and folders named on the command line to the documents to read."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Iterable, Union

from loaders.reading.common import CONVERTIBLE, SUPPORTED_EXTENSIONS, PathLike, os_reason, unsupported_reason

def iter_input_files(
    paths: Union[PathLike, Iterable[PathLike]],
) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Expand files and folders into the documents to read.

    Returns ``(files, rejected)``. Folders are walked recursively in sorted name order
    (deterministic), following symbolic links but never entering a directory twice (symlink
    loops end). Inside folders, files whose extension is not supported, hidden entries (names
    starting with ".") and Office lock files ("~$...") are skipped silently; a path named
    explicitly with an unsupported extension is rejected, and so are documents inside folders in
    a format that a conversion makes readable (``CONVERTIBLE``: .doc, .wps, .rtf, .odt, .xhtml).
    A file reached twice is listed once.
    An empty folder contributes nothing; the caller reports "no documents found in FOLDER".
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    files: list[Path] = []
    rejected: list[tuple[Path, str]] = []
    seen_files: set[str] = set()
    seen_dirs: set[str] = set()

    def add_file(p: Path) -> None:
        real = os.path.realpath(p)
        if real not in seen_files:
            seen_files.add(real)
            files.append(p)

    def walk(d: Path) -> None:
        real = os.path.realpath(d)
        if real in seen_dirs:
            return  # symlink loop or the same folder named twice
        seen_dirs.add(real)
        try:
            with os.scandir(d) as it:
                entries = sorted(it, key=lambda e: e.name)
        except PermissionError:
            rejected.append((d, "permission denied (cannot list directory)"))
            return
        except OSError as e:
            rejected.append((d, f"cannot list directory ({e.strerror or e})"))
            return
        for entry in entries:
            name = entry.name
            if name.startswith(".") or name.startswith("~$"):
                continue
            p = d / name
            supported = os.path.splitext(name)[1].lower() in SUPPORTED_EXTENSIONS
            try:
                is_dir = entry.is_dir()  # follows symlinks
                is_file = not is_dir and entry.is_file()
            except OSError as e:
                if supported:
                    rejected.append((p, os_reason(e)))
                continue
            if is_dir:
                walk(p)
            elif not supported:
                ext = os.path.splitext(name)[1].lower()
                if ext in CONVERTIBLE and is_file:
                    rejected.append((p, unsupported_reason(ext)))
                continue
            elif is_file:
                add_file(p)
            elif entry.is_symlink() and not os.path.exists(p):
                try:
                    os.stat(p)
                except OSError as e:
                    import errno

                    rejected.append(
                        (p, "symbolic link loop" if e.errno == errno.ELOOP
                         else "broken symbolic link (its target does not exist)")
                    )
            else:
                rejected.append((p, "not a regular file (device, FIFO or socket)"))

    for raw in paths:
        p = Path(raw)
        try:
            st = p.stat()
        except FileNotFoundError:
            if p.is_symlink():
                rejected.append((p, "broken symbolic link (its target does not exist)"))
            else:
                rejected.append((p, "no such file or directory"))
            continue
        except OSError as e:
            rejected.append((p, os_reason(e)))
            continue
        if stat.S_ISDIR(st.st_mode):
            walk(p)
        elif p.suffix.lower() not in SUPPORTED_EXTENSIONS:
            rejected.append((p, unsupported_reason(p.suffix.lower())))
        elif stat.S_ISREG(st.st_mode):
            add_file(p)
        else:
            rejected.append((p, "not a regular file (device, FIFO or socket)"))
    return files, rejected
