"""What every reader shares: the error, the result, the size limit, reading a file's bytes."""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Union

from graph.errors import FulianError

TEXT_EXTENSIONS = frozenset({".txt", ".md"})
HTML_EXTENSIONS = frozenset({".html", ".htm"})
SUPPORTED_EXTENSIONS = frozenset(TEXT_EXTENSIONS | HTML_EXTENSIONS | {".docx", ".pdf"})

DEFAULT_MAX_FILE_MB = 50.0
MAX_FILE_MB_ENV = "FULIAN_MAX_FILE_MB"
_MB = 1024 * 1024

# How much of a file the encoding heuristics look at (the decode itself covers the whole file).
_SAMPLE_BYTES = 64 * 1024

PathLike = Union[str, "os.PathLike[str]"]


class ReadError(FulianError):
    """An input that cannot be read. ``str(err)`` is ``"PATH: REASON"``."""

    def __init__(self, path: PathLike, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")

    def __reduce__(self):  # keep picklable (multiprocessing) despite the 2-arg __init__
        return (type(self), (self.path, self.reason))


@dataclass
class RawDocument:
    path: Path
    text: str
    encoding: str
    format: str  # "txt" | "md" | "html" | "docx" | "pdf"


# ---------------------------------------------------------------------------------------------
# size limit


def max_file_bytes() -> int:
    """The size limit in bytes, from ``FULIAN_MAX_FILE_MB`` (default 50). Raises ValueError."""
    raw = os.environ.get(MAX_FILE_MB_ENV, "").strip()
    if not raw:
        return int(DEFAULT_MAX_FILE_MB * _MB)
    try:
        mb = float(raw)
    except ValueError:
        mb = float("nan")
    if not mb > 0 or mb == float("inf"):
        raise ValueError(f"invalid {MAX_FILE_MB_ENV}={raw!r} (must be a positive number of MB)")
    return max(1, int(mb * _MB))


def _fmt_mb(n_bytes: int) -> str:
    """52.3 MB, 50 MB; sizes under 0.1 MB in bytes (tiny limits are set only in tests)."""
    if n_bytes < _MB // 10:
        return f"{n_bytes} bytes"
    s = f"{n_bytes / _MB:.1f}"
    return (s[:-2] if s.endswith(".0") else s) + " MB"


# ---------------------------------------------------------------------------------------------
# kinds of file

# documents of a kind that is not read, but could be after a conversion: listed as rejected also when
# met inside a folder (other unsupported files there, images or notes, are skipped silently)
CONVERTIBLE = {
    ".doc": "save it as .docx",
    ".wps": "save it as .docx",
    ".rtf": "save it as .docx",
    ".odt": "save it as .docx",
    ".xhtml": "rename it to .html",
}


def unsupported_reason(ext: str) -> str:
    supported = " ".join(sorted(SUPPORTED_EXTENSIONS))
    what = f"'{ext}'" if ext else "(no extension)"
    hint = f"; {CONVERTIBLE[ext]}" if ext in CONVERTIBLE else ""
    return f"unsupported file type {what} (supported: {supported}){hint}"


# ---------------------------------------------------------------------------------------------
# bytes


def read_bytes(p: Path) -> bytes:
    try:
        st = p.stat()
    except FileNotFoundError:
        if p.is_symlink():
            raise ReadError(p, "broken symbolic link (its target does not exist)") from None
        raise ReadError(p, "no such file or directory") from None
    except PermissionError:
        raise ReadError(p, "permission denied (cannot access the file)") from None
    except OSError as e:
        raise ReadError(p, os_reason(e)) from None
    if stat.S_ISDIR(st.st_mode):
        raise ReadError(p, "is a directory, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise ReadError(p, "not a regular file (device, FIFO or socket)")
    try:
        limit = max_file_bytes()
    except ValueError as e:
        raise ReadError(p, str(e)) from None
    if st.st_size > limit:
        raise ReadError(
            p,
            f"file too large ({_fmt_mb(st.st_size)} > {_fmt_mb(limit)} limit; "
            f"set {MAX_FILE_MB_ENV})",
        )
    if st.st_size == 0:
        raise ReadError(p, "empty file")
    try:
        with open(p, "rb") as f:
            data = f.read(limit + 1)
    except PermissionError:
        raise ReadError(p, "permission denied (make the file readable, e.g. chmod a+r)") from None
    except IsADirectoryError:
        raise ReadError(p, "is a directory, not a file") from None
    except OSError as e:
        raise ReadError(p, os_reason(e)) from None
    if len(data) > limit:  # grew between stat and read
        raise ReadError(
            p, f"file too large (> {_fmt_mb(limit)} limit; set {MAX_FILE_MB_ENV})"
        )
    if not data:
        raise ReadError(p, "empty file")
    return data


def os_reason(e: OSError) -> str:
    import errno

    if e.errno == errno.ELOOP:
        return "symbolic link loop"
    if e.errno == errno.ENOENT:
        return "no such file or directory"
    if e.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return f"cannot read file ({e.strerror or e})"


def require_text(p: Path, text: str) -> str:
    if not text.strip():
        raise ReadError(p, "empty file (no text, only whitespace)")
    return text


def normalize_newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def short(e: BaseException) -> str:
    msg = str(e).splitlines()[0] if str(e) else ""
    # pypdf names objects with their memory address (IndirectObject(3, 0, 1396...)): the same file
    # must get the same reason every time
    msg = re.sub(r"(IndirectObject\(\d+, \d+), \d+\)", r"\1)", msg)
    msg = re.sub(r" at 0x[0-9a-f]+", "", msg)[:100]
    return f"{type(e).__name__}: {msg}" if msg else type(e).__name__
