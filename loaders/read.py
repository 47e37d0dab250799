"""Document-reading layer: turn one input file into text, or fail with one clear reason.

Public API
----------
- ``SUPPORTED_EXTENSIONS``: the file name endings read (lower-case, with the dot).
- ``ReadError(path, reason)``: the only exception ``read_document`` raises for a bad input;
  ``reason`` is one line naming the problem and, where there is one, the remedy.
- ``RawDocument(path, text, encoding, format)``: what was read. ``text`` has no BOM and only
  ``\\n`` newlines. ``encoding`` is the codec the bytes were decoded with (``"utf-8"``,
  ``"utf-8-sig"``, ``"utf-16-le"``, ``"gb18030"``, ``"big5"``, ``"utf-8+gb18030"`` for a file
  mixing both line by line, ...); for .docx it is ``"docx"``, for .pdf ``"pdf"``.
- ``read_document(path) -> RawDocument``.
- ``iter_input_files(paths) -> (files, rejected)``: expand files and folders into the files to
  read, plus ``(path, reason)`` for inputs that cannot be used.

The work is done in ``loaders.reading``: ``decode`` (charsets, see there), ``text``, ``html``,
``docx`` and ``pdf`` (formats), ``discover`` (files and folders); this module picks the format.
"""

from __future__ import annotations

import os  # noqa: F401  (loaders.read.os: what iter_input_files lists folders with)
from pathlib import Path

from loaders.reading.common import (
    CONVERTIBLE,
    DEFAULT_MAX_FILE_MB,
    HTML_EXTENSIONS,
    MAX_FILE_MB_ENV,
    SUPPORTED_EXTENSIONS,
    TEXT_EXTENSIONS,
    PathLike,
    RawDocument,
    ReadError,
    max_file_bytes,
    read_bytes,
    require_text,
    unsupported_reason,
)
from loaders.reading.decode import decode_or_fail, decode_text
from loaders.reading.discover import iter_input_files
from loaders.reading.docx import read_docx
from loaders.reading.html import html_to_text, read_html
from loaders.reading.pdf import read_pdf, tidy_pdf_text
from loaders.reading.text import is_html_page, pipe_tables

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "TEXT_EXTENSIONS",
    "HTML_EXTENSIONS",
    "CONVERTIBLE",
    "DEFAULT_MAX_FILE_MB",
    "MAX_FILE_MB_ENV",
    "ReadError",
    "RawDocument",
    "read_document",
    "decode_text",
    "html_to_text",
    "pipe_tables",
    "tidy_pdf_text",
    "iter_input_files",
    "max_file_bytes",
]


def read_document(path: PathLike) -> RawDocument:
    """Read one .txt/.md/.html/.htm/.docx/.pdf file. Raises ReadError with a one-line reason."""
    p = Path(path)
    ext = p.suffix.lower()
    if ext not in SUPPORTED_EXTENSIONS:
        raise ReadError(p, unsupported_reason(ext))
    data = read_bytes(p)
    if ext in TEXT_EXTENSIONS:
        text, enc = decode_or_fail(p, data)
        if is_html_page(text):  # a web page saved as .txt: its markup is not the document's text
            return RawDocument(p, require_text(p, html_to_text(text)), enc, "html")
        return RawDocument(p, require_text(p, pipe_tables(text)), enc, ext[1:])
    if ext in HTML_EXTENSIONS:
        text, enc = read_html(p, data)
        if not text.strip():
            raise ReadError(p, "HTML page has no visible text")
        return RawDocument(p, text, enc, "html")
    if ext == ".docx":
        return RawDocument(p, read_docx(p, data), "docx", "docx")
    return RawDocument(p, read_pdf(p, data), "pdf", "pdf")
