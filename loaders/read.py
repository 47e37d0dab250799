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

Text encodings are detected, never assumed: BOMs (UTF-8, UTF-16 LE/BE, UTF-32, GB18030), then
BOM-less UTF-16 (by its NUL-byte pattern), then binary content is rejected, then strict UTF-8,
then GB18030 (a superset of GBK/GB2312) versus Big5, chosen by how many characters fall in
each standard's common-character block. Only a bounded sample is scored, so a 50 MB file costs
one C-speed decode. A file whose lines are in different encodings is decoded line by line.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Union

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "TEXT_EXTENSIONS",
    "DEFAULT_MAX_FILE_MB",
    "MAX_FILE_MB_ENV",
    "ReadError",
    "RawDocument",
    "read_document",
    "decode_text",
    "html_to_text",
    "iter_input_files",
    "max_file_bytes",
]

TEXT_EXTENSIONS = frozenset({".txt", ".md"})
HTML_EXTENSIONS = frozenset({".html", ".htm"})
SUPPORTED_EXTENSIONS = frozenset(TEXT_EXTENSIONS | HTML_EXTENSIONS | {".docx", ".pdf"})

DEFAULT_MAX_FILE_MB = 50.0
MAX_FILE_MB_ENV = "FULIAN_MAX_FILE_MB"
_MB = 1024 * 1024

# How much of a file the encoding heuristics look at (the decode itself covers the whole file).
_SAMPLE_BYTES = 64 * 1024

PathLike = Union[str, "os.PathLike[str]"]


class ReadError(Exception):
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
# reading


def read_document(path: PathLike) -> RawDocument:
    """Read one .txt/.md/.html/.htm/.docx/.pdf file. Raises ReadError with a one-line reason."""
    p = Path(path)
    ext = p.suffix.lower()
    if ext not in SUPPORTED_EXTENSIONS:
        raise ReadError(p, _unsupported_reason(ext))
    data = _read_bytes(p)
    if ext in TEXT_EXTENSIONS:
        text, enc = _decode_or_fail(p, data)
        if _is_html_page(text):  # a web page saved as .txt: its markup is not the document's text
            return RawDocument(p, _require_text(p, html_to_text(text)), enc, "html")
        return RawDocument(p, _require_text(p, pipe_tables(text)), enc, ext[1:])
    if ext in HTML_EXTENSIONS:
        text, enc = _read_html(p, data)
        if not text.strip():
            raise ReadError(p, "HTML page has no visible text")
        return RawDocument(p, text, enc, "html")
    if ext == ".docx":
        return RawDocument(p, _read_docx(p, data), "docx", "docx")
    return RawDocument(p, _read_pdf(p, data), "pdf", "pdf")


# documents of a kind that is not read, but could be after a conversion: listed as rejected also when
# met inside a folder (other unsupported files there, images or notes, are skipped silently)
CONVERTIBLE = {
    ".doc": "save it as .docx",
    ".wps": "save it as .docx",
    ".rtf": "save it as .docx",
    ".odt": "save it as .docx",
    ".xhtml": "rename it to .html",
}


def _unsupported_reason(ext: str) -> str:
    supported = " ".join(sorted(SUPPORTED_EXTENSIONS))
    what = f"'{ext}'" if ext else "(no extension)"
    hint = f"; {CONVERTIBLE[ext]}" if ext in CONVERTIBLE else ""
    return f"unsupported file type {what} (supported: {supported}){hint}"


def _read_bytes(p: Path) -> bytes:
    try:
        st = p.stat()
    except FileNotFoundError:
        if p.is_symlink():
            raise ReadError(p, "broken symbolic link (its target does not exist)") from None
        raise ReadError(p, "no such file or directory") from None
    except PermissionError:
        raise ReadError(p, "permission denied (cannot access the file)") from None
    except OSError as e:
        raise ReadError(p, _os_reason(e)) from None
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
        raise ReadError(p, _os_reason(e)) from None
    if len(data) > limit:  # grew between stat and read
        raise ReadError(
            p, f"file too large (> {_fmt_mb(limit)} limit; set {MAX_FILE_MB_ENV})"
        )
    if not data:
        raise ReadError(p, "empty file")
    return data


def _os_reason(e: OSError) -> str:
    import errno

    if e.errno == errno.ELOOP:
        return "symbolic link loop"
    if e.errno == errno.ENOENT:
        return "no such file or directory"
    if e.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    return f"cannot read file ({e.strerror or e})"


def _require_text(p: Path, text: str) -> str:
    if not text.strip():
        raise ReadError(p, "empty file (no text, only whitespace)")
    return text


def _normalize_newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


# ---------------------------------------------------------------------------------------------
# layouts inside text files

_HTML_PAGE = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>])", re.I | re.S)
_TABLE_RULE = re.compile(r"\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*")
_CELL_BAR = re.compile(r"(?<!\\)\|")


def _is_html_page(text: str) -> bool:
    """Whether a text file holds an HTML page (it starts like one)."""
    return bool(_HTML_PAGE.match(text[:4096]))


def pipe_tables(text: str) -> str:
    """Markdown pipe tables as tab-separated rows, like the tables of Word and HTML documents: the
    header row and each row become one line of cells, the `|---|` rule line goes."""
    if "|" not in text:
        return text
    lines = text.split("\n")
    out: list[str] = []
    in_table = False
    for i, line in enumerate(lines):
        rule_next = i + 1 < len(lines) and _TABLE_RULE.fullmatch(lines[i + 1]) is not None
        if not in_table and rule_next and "|" in line:
            in_table = True
        elif in_table and ("|" not in line or not line.strip()):
            in_table = False
        if in_table and _TABLE_RULE.fullmatch(line):
            continue
        out.append(_row(line) if in_table else line)
    return "\n".join(out)


def _row(line: str) -> str:
    cells = _CELL_BAR.split(line.strip())
    if cells and not cells[0].strip():
        cells = cells[1:]
    if cells and not cells[-1].strip():
        cells = cells[:-1]
    return "\t".join(c.strip().replace("\\|", "|") for c in cells)


# ---------------------------------------------------------------------------------------------
# text decoding

_BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (b"\x84\x31\x95\x33", "gb18030"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_MAGIC = (
    (b"%PDF-", "it is a PDF; rename it to .pdf"),
    (b"PK\x03\x04", "it is a ZIP archive, e.g. a .docx; rename it accordingly"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "it is an old Office (.doc/.xls) file; save it as .docx"),
    (b"\x89PNG", "it is a PNG image; run OCR first"),
    (b"\xff\xd8\xff", "it is a JPEG image; run OCR first"),
    (b"GIF8", "it is a GIF image"),
    (b"{\\rtf", "it is an RTF document; save it as .docx"),
)

# Control bytes that never occur in text (tab, LF, VT, FF, CR, ESC, SUB excluded).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 26, 27)) + b"\x7f"


def _binary_reason(data: bytes) -> Optional[str]:
    for magic, hint in _MAGIC:
        if data.startswith(magic):
            return f"not a text file (binary content; {hint})"
    return None


def _looks_binary(sample: bytes) -> bool:
    if b"\x00" in sample:
        return True
    n_ctrl = len(sample) - len(sample.translate(None, _CONTROL))
    return n_ctrl > 0.05 * len(sample)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes of a text file; return (text with \\n newlines and no BOM, encoding).

    Raises ValueError with a reason when the bytes are not text.
    """
    if not data:
        raise ValueError("empty file")
    text, enc = _decode(data)
    text = _normalize_newlines(text)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, enc


def _decode_or_fail(p: Path, data: bytes) -> tuple[str, str]:
    try:
        return decode_text(data)
    except ValueError as e:
        raise ReadError(p, str(e)) from None


def _decode(data: bytes) -> tuple[str, str]:
    # 1. A byte-order mark settles it.
    for bom, enc in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            if enc != "utf-8-sig":
                return body.decode(enc, errors="replace"), enc
            try:
                return body.decode("utf-8"), enc
            except UnicodeDecodeError:
                # A UTF-8 BOM, then lines in another encoding (e.g. appended files).
                return _decode_bomless(body)
    return _decode_bomless(data)


def _decode_bomless(data: bytes) -> tuple[str, str]:
    if not data:
        return "", "utf-8"
    sample = data[:_SAMPLE_BYTES]
    # 2. NUL bytes: UTF-16 without a BOM, or binary.
    if b"\x00" in sample:
        enc = _sniff_utf16(sample)
        if enc:
            return data.decode(enc, errors="replace"), enc
    reason = _binary_reason(sample)
    if reason:
        raise ValueError(reason)
    if _looks_binary(sample):
        raise ValueError("not a text file (binary content)")
    # 3. UTF-8 (also plain ASCII).
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # 4. Legacy Chinese encodings, line by line when UTF-8 lines are mixed in.
    return _decode_legacy(data)


def _plausible_ratio(text: str, allow_ascii: bool) -> float:
    """Share of characters that are usual in Chinese or ASCII text."""
    if not text:
        return 0.0
    good = 0
    for ch in text:
        o = ord(ch)
        if (
            0x4E00 <= o <= 0x9FFF  # CJK unified ideographs
            or 0x3000 <= o <= 0x303F  # CJK punctuation
            or 0xFF00 <= o <= 0xFFEF  # full-width forms
            or 0x2000 <= o <= 0x206F  # general punctuation “”…—
            or 0x3400 <= o <= 0x4DBF  # extension A
            or (allow_ascii and (0x20 <= o <= 0x7E or ch in "\t\n\r"))
            or 0xA0 <= o <= 0x24F  # Latin-1 and Latin extended letters
            or 0x2460 <= o <= 0x24FF  # circled numbers ①
        ):
            good += 1
    return good / len(text)


def _sniff_utf16(sample: bytes) -> Optional[str]:
    sample = sample[: len(sample) & ~1]
    if len(sample) < 2:
        return None
    scored = []
    for enc in ("utf-16-le", "utf-16-be"):
        text = sample.decode(enc, errors="replace")
        if text.count("\ufffd") > 1:  # one may be a surrogate pair cut at the sample's end
            continue
        ratio = _plausible_ratio(text, allow_ascii=True)
        # Ties (e.g. b"\x00\x30": "0" or U+3000) go to ASCII, the usual source of NULs.
        scored.append((ratio, sum(1 for c in text if c < "\x80"), enc))
    if not scored:
        return None
    ratio, _, enc = max(scored)
    return enc if ratio >= 0.9 else None


# Characters of each legacy standard's frequently used block. Real GB text keeps almost all its
# characters in GB2312 (symbols rows A1-A9, hanzi B0-F7); real Big5 text keeps them in
# Big5 symbols (A140-A3BF) and level-1 hanzi (A440-C67E). Text mis-decoded with the other
# codec lands far less often there, so the share tells the two apart.


def _gb_common(ch: str) -> bool:
    try:
        b = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(b) == 2


def _big5_common(ch: str) -> bool:
    try:
        b = ch.encode("big5")
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and 0xA140 <= int.from_bytes(b, "big") <= 0xC67E


_LEGACY = (
    # name recorded, codecs tried in order (first strict success wins), common-block test
    ("gb18030", ("gb18030",), _gb_common),
    ("big5", ("big5", "cp950", "big5hkscs"), _big5_common),
)


def _score_legacy(sample: bytes) -> list[tuple[float, str]]:
    """[(score, name)] best first. Score: share of non-ASCII chars in the common block,
    minus decoding errors."""
    scores = []
    for name, codecs_, common in _LEGACY:
        text = sample.decode(codecs_[-1], errors="replace")
        cache: dict[str, bool] = {}
        n = hits = bad = 0
        for ch in text:
            if ch < "\x80":
                continue
            n += 1
            if ch == "\ufffd":
                bad += 1
                continue
            hit = cache.get(ch)
            if hit is None:
                hit = cache[ch] = common(ch)
            hits += hit
        score = (hits - 5 * bad) / n if n else 0.0
        scores.append((score, name))
    scores.sort(key=lambda s: -s[0])
    return scores


def _legacy_decode(data: bytes, name: str) -> tuple[str, str, bool]:
    """Decode with the named legacy encoding: (text, codec used, strict ok)."""
    codecs_ = dict((n, c) for n, c, _ in _LEGACY)[name]
    for codec in codecs_:
        try:
            return data.decode(codec), codec, True
        except UnicodeDecodeError:
            continue
    return data.decode(codecs_[-1], errors="replace"), codecs_[-1], False


def _cut_at_newline(sample: bytes) -> bytes:
    i = sample.rfind(b"\n")
    return sample[: i + 1] if i > 0 else sample


def _decode_legacy(data: bytes) -> tuple[str, str]:
    lines = data.split(b"\n")
    utf8_lines: dict[int, str] = {}  # index -> text, for non-ASCII lines valid as UTF-8
    other: list[int] = []
    for i, line in enumerate(lines):
        if line.isascii():
            continue
        try:
            t = line.decode("utf-8")
        except UnicodeDecodeError:
            other.append(i)
            continue
        utf8_lines[i] = t

    # Choose the legacy codec on a sample of the lines that are not UTF-8.
    sample_parts, size = [], 0
    for i in other:
        sample_parts.append(lines[i])
        size += len(lines[i]) + 1
        if size >= _SAMPLE_BYTES:
            break
    sample = b"\n".join(sample_parts) if sample_parts else _cut_at_newline(data[:_SAMPLE_BYTES])
    scores = _score_legacy(sample)
    best_score, best = scores[0]
    if best_score < 0.5 and not _legacy_decode(sample, best)[2]:
        # Neither Chinese codec fits (Latin-1, Shift-JIS...). A low score alone is not enough:
        # traditional text saved as GBK scores low but decodes cleanly.
        fallback = _fallback_detect(sample)
        if fallback:
            best = fallback

    if not utf8_lines:
        # Whole file in one legacy encoding: a single C-speed decode.
        if best in dict((n, c) for n, c, _ in _LEGACY):
            text, codec, _ = _legacy_decode(data, best)
            return text, codec
        return data.decode(best, errors="replace"), best

    # Mixed file: decide line by line. A line that is not valid UTF-8 is either in the legacy
    # encoding (almost every non-ASCII character then fails as UTF-8) or damaged UTF-8 (a few
    # bad bytes, e.g. a file cut inside a character): keep the latter as UTF-8 with U+FFFD.
    chinese = best in ("gb18030", "big5")
    out: list[str] = []
    used_utf8 = used_legacy = False
    legacy_codec = best
    for i, line in enumerate(lines):
        if line.isascii():
            out.append(line.decode("ascii"))
            continue
        t = utf8_lines.get(i)
        if t is not None:
            if max(t) >= "\u0800" or not chinese or not _legacy_ok(line, best):
                out.append(t)  # has 3-byte sequences (CJK): really UTF-8
                used_utf8 = True
                continue
        else:
            u = line.decode("utf-8", errors="replace")
            non_ascii = sum(1 for c in u if c >= "\x80")
            bad = u.count("\ufffd")
            if bad <= 0.25 * non_ascii or (chinese and bad == 1 and non_ascii >= 3):
                out.append(u)
                used_utf8 = True
                continue
        lt, legacy_codec, _ = _legacy_line(line, best)
        out.append(lt)
        used_legacy = True
    text = "\n".join(out)
    if used_utf8 and used_legacy:
        return text, f"utf-8+{legacy_codec}"
    if used_legacy:
        return text, legacy_codec
    return text, "utf-8"


def _legacy_ok(line: bytes, name: str) -> bool:
    return _legacy_line(line, name)[2]


def _legacy_line(line: bytes, name: str) -> tuple[str, str, bool]:
    if name in ("gb18030", "big5"):
        return _legacy_decode(line, name)
    try:
        return line.decode(name), name, True
    except (UnicodeDecodeError, LookupError):
        return line.decode(name, errors="replace"), name, False


def _fallback_detect(sample: bytes) -> Optional[str]:
    """Non-Chinese legacy text (Latin-1, Shift-JIS...): ask charset-normalizer on the sample."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover
        return None
    results = from_bytes(sample[:_SAMPLE_BYTES])
    match = results.best()
    if match is None or not match.encoding:
        return None
    # Its choice among the Latin code pages is close to random on short text: prefer the
    # far most common one when it fits about as well.
    for other in results:
        if other.encoding == "cp1252" and other.chaos <= match.chaos + 0.15:
            match = other
            break
    try:
        codecs.lookup(match.encoding)
    except LookupError:  # pragma: no cover
        return None
    return match.encoding


# ---------------------------------------------------------------------------------------------
# HTML

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""", re.I)

_BLOCK_TAGS = frozenset(
    """address article aside blockquote body caption center dd details dialog dir div dl dt
    fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu
    nav ol p pre section summary table tbody thead tfoot tr ul""".split()
)
_DROP_TAGS = frozenset(
    "script style noscript template head title iframe object embed svg canvas button select "
    "option datalist map audio video".split()
)


def _html_encoding(data: bytes) -> Optional[str]:
    m = _META_CHARSET.search(data[:8192])
    if not m:
        return None
    name = m.group(1).decode("ascii", "ignore").lower()
    # Declared GB2312/GBK pages routinely contain GBK/GB18030 characters.
    if name in ("gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936", "euc-cn"):
        name = "gb18030"
    elif name in ("big5", "x-x-big5"):
        name = "cp950"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _read_html(p: Path, data: bytes) -> tuple[str, str]:
    declared = None if data.startswith(tuple(b for b, _ in _BOMS)) else _html_encoding(data)
    if declared and declared not in ("utf-16", "utf-32"):
        try:
            markup, enc = data.decode(declared), declared
        except UnicodeDecodeError:
            markup, enc = _decode_or_fail(p, data)  # the declaration lies; detect instead
    else:
        markup, enc = _decode_or_fail(p, data)
    markup = _normalize_newlines(markup).lstrip("\ufeff")
    return html_to_text(markup), enc


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page: block elements and <br> become line breaks, table rows
    tab-separated lines; script/style/head/hidden elements and comments are dropped."""
    from bs4 import BeautifulSoup, Comment, Doctype, NavigableString, Tag

    try:
        soup = BeautifulSoup(markup, "lxml")
    except Exception:  # lxml missing: the stdlib parser will do
        soup = BeautifulSoup(markup, "html.parser")

    parts: list[str] = []

    def walk(node, pre: bool) -> None:
        for child in node.children:
            if isinstance(child, (Comment, Doctype)):
                continue
            if isinstance(child, NavigableString):
                if type(child) is not NavigableString:  # CData, ProcessingInstruction...
                    continue
                s = str(child)
                parts.append(s if pre else _collapse_ws(s))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name.lower() if child.name else ""
            if name in _DROP_TAGS or _hidden(child):
                continue
            if name == "br":
                parts.append("\n")
                continue
            if name in ("td", "th"):
                walk(child, pre)
                parts.append("\t")
                continue
            # Like innerText: a paragraph or heading is set off by a blank line, other
            # blocks (div, li, tr...) by a line break.
            mark = _PARA if name in _PARA_TAGS else _LINE if name in _BLOCK_TAGS else ""
            parts.append(mark)
            walk(child, pre or name in ("pre", "textarea"))
            parts.append(mark)

    walk(soup, False)
    raw = "".join(parts).replace("\xa0", " ")
    raw = _MARKS.sub(lambda m: "\n\n" if _PARA in m.group() else "\n", raw)
    lines = []
    for line in raw.split("\n"):
        line = _TAB_WS.sub("\t", line).strip(" ").rstrip("\t")
        lines.append(line if line.strip() else "")
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return text.strip("\n")


_TAB_WS = re.compile(r" *\t *")
_PARA, _LINE = "\x02", "\x01"  # block-boundary marks (control chars never left in HTML text)
_MARKS = re.compile(r"[ \t]*[\x01\x02][\x01\x02 \t]*")
_PARA_TAGS = frozenset("p h1 h2 h3 h4 h5 h6 table blockquote pre hr".split())
_WS = re.compile(r"[ \t\n\r\f\v]+")
_CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t\r\f\v]*\n[ \t\n\r\f\v]*(?=[{_CJK}])")


def _collapse_ws(s: str) -> str:
    # A source line break between two Chinese characters is not a space (CSS segment rules).
    s = _CJK_BREAK.sub("", s)
    return _WS.sub(" ", s)


def _hidden(tag) -> bool:
    attrs = tag.attrs or {}
    if "hidden" in attrs or str(attrs.get("aria-hidden", "")).lower() == "true":
        return True
    style = str(attrs.get("style", "")).replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


# ---------------------------------------------------------------------------------------------
# DOCX

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _read_docx(p: Path, data: bytes) -> str:
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise ReadError(p, "password-protected docx: remove the password in Word and re-save")
        raise ReadError(p, "old Word 97-2003 .doc file named .docx: save it as .docx")
    if not data.startswith(b"PK"):
        raise ReadError(p, "not a docx (not a ZIP/Word package): re-save it as .docx")
    import io

    try:
        import docx  # python-docx
    except ImportError as e:  # pragma: no cover
        raise ReadError(p, f"cannot read docx: python-docx is not installed ({e})") from None
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        lines = list(_docx_block_lines(body))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, KeyError):
        raise ReadError(p, "truncated/corrupt docx: re-save or re-export the file") from None
    except ValueError as e:  # python-docx: wrong content type (.docm/.dotx, xlsx renamed...)
        msg = str(e).splitlines()[0][:120]
        raise ReadError(p, f"not a Word document ({msg}): re-save it as .docx") from None
    except Exception as e:  # lxml XMLSyntaxError and friends: damaged XML inside the package
        raise ReadError(
            p, f"truncated/corrupt docx ({type(e).__name__}): re-save or re-export the file"
        ) from None
    text = _normalize_newlines("\n".join(lines))
    if not text.strip():
        raise ReadError(p, "docx contains no text")
    return text


def _docx_block_lines(container):
    """Lines of a body/cell/sdtContent, paragraphs and tables in document order."""
    for child in container.iterchildren():
        tag = child.tag
        if tag == _W + "p":
            yield _docx_para_text(child)
        elif tag == _W + "tbl":
            yield from _docx_table_lines(child)
        elif tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                yield from _docx_block_lines(content)
        elif tag in (_W + "customXml", _W + "ins"):
            yield from _docx_block_lines(child)


def _docx_table_lines(tbl):
    for tr in tbl.iterchildren(_W + "tr"):
        cells = []
        for tc in tr.iterchildren(_W + "tc"):
            vmerge = tc.find(f"{_W}tcPr/{_W}vMerge")
            if vmerge is not None and vmerge.get(_W + "val") in (None, "continue"):
                cells.append("")  # continuation of a vertically merged cell
                continue
            cell_lines = [ln.strip() for ln in _docx_block_lines(tc)]
            cells.append(" ".join(ln.replace("\t", " ") for ln in cell_lines if ln))
        yield "\t".join(cells).rstrip("\t")


def _docx_para_text(p) -> str:
    out: list[str] = []

    def walk(el) -> None:
        for child in el.iterchildren():
            tag = child.tag
            if not isinstance(tag, str) or tag == _MC_FALLBACK:
                continue
            if tag == _W + "t":
                out.append(child.text or "")
            elif tag == _W + "tab":
                out.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                out.append("\n")
            elif tag == _W + "noBreakHyphen":
                out.append("-")
            elif tag in (_W + "delText", _W + "instrText", _W + "pPr", _W + "rPr"):
                continue
            elif tag == _W + "p":  # paragraph inside a text box
                if out and not out[-1].endswith("\n"):
                    out.append("\n")
                walk(child)
                out.append("\n")
            else:
                walk(child)

    walk(p)
    return "".join(out).rstrip("\n")


# ---------------------------------------------------------------------------------------------
# PDF


def _read_pdf(p: Path, data: bytes) -> str:
    import io
    import logging

    head = data[:1024]
    if b"%PDF-" not in head:
        reason = _binary_reason(data[:16])
        raise ReadError(p, "not a PDF (no %PDF header)" + (f": {reason}" if reason else ""))
    try:
        from pypdf import PdfReader
        from pypdf.errors import DependencyError, FileNotDecryptedError
    except ImportError as e:  # pragma: no cover
        raise ReadError(p, f"cannot read PDF: pypdf is not installed ({e})") from None

    pypdf_log = logging.getLogger("pypdf")
    old_level = pypdf_log.level
    pypdf_log.setLevel(logging.CRITICAL)  # pypdf logs damage it reads around (the reason says what failed)
    try:
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                # Owner-password-only files open with the empty user password.
                if not reader.decrypt(""):
                    raise ReadError(
                        p, "password-protected PDF: save an unprotected copy (or remove the password)"
                    )
            pages = reader.pages
            n_pages = len(pages)
        except ReadError:
            raise
        except FileNotDecryptedError:
            raise ReadError(
                p, "password-protected PDF: save an unprotected copy (or remove the password)"
            ) from None
        except DependencyError as e:
            raise ReadError(
                p, f"encrypted PDF needs an extra package ({e}): pip install cryptography"
            ) from None
        except Exception as e:  # PdfReadError and whatever else pypdf trips over in a bad file
            raise ReadError(p, f"truncated/corrupt PDF ({_short(e)})") from None
        if n_pages == 0:
            raise ReadError(p, "PDF has no pages")
        texts = []
        for i in range(n_pages):
            try:
                t = pages[i].extract_text() or ""
            except DependencyError as e:
                raise ReadError(
                    p, f"encrypted PDF needs an extra package ({e}): pip install cryptography"
                ) from None
            except Exception as e:
                raise ReadError(
                    p, f"truncated/corrupt PDF (page {i + 1}: {_short(e)})"
                ) from None
            texts.append(_normalize_newlines(t).strip("\n"))
    finally:
        pypdf_log.setLevel(old_level)
    text = tidy_pdf_text("\n\n".join(texts))
    visible = [c for c in text if not c.isspace()]
    if not visible:
        raise ReadError(p, "scanned PDF with no text layer: run OCR first")
    junk = sum(1 for c in visible if c == "\ufffd" or "\ue000" <= c <= "\uf8ff")
    if junk > 0.5 * len(visible):
        raise ReadError(
            p, "PDF text layer is undecodable (fonts without a Unicode map): run OCR first"
        )
    return text


# Chinese characters, CJK punctuation and quotes (and the radical look-alikes PDF fonts use for them)
_CJK_CHARS = "\u2e80-\u2fdf\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef\u201c\u201d\u2018\u2019\u00b7"
# spaces a PDF text layer puts between glyphs: between two such characters, or one of them and a
# letter or digit (“ 一微一网一抖音 N 群 ” → “一微一网一抖音N群”); spaces between Latin words stay
_PDF_GAPS = re.compile(f"(?<=[{_CJK_CHARS}]) +(?=[{_CJK_CHARS}])|(?<=[{_CJK_CHARS}]) (?=[A-Za-z0-9])"
                       f"|(?<=[A-Za-z0-9]) (?=[{_CJK_CHARS}])")


def tidy_pdf_text(text: str) -> str:
    """A PDF's extracted text without the spaces its layout put inside Chinese runs and quotes."""
    return _PDF_GAPS.sub("", text)


def _short(e: BaseException) -> str:
    msg = str(e).splitlines()[0] if str(e) else ""
    # pypdf names objects with their memory address (IndirectObject(3, 0, 1396...)): the same file
    # must get the same reason every time
    msg = re.sub(r"(IndirectObject\(\d+, \d+), \d+\)", r"\1)", msg)
    msg = re.sub(r" at 0x[0-9a-f]+", "", msg)[:100]
    return f"{type(e).__name__}: {msg}" if msg else type(e).__name__


# ---------------------------------------------------------------------------------------------
# input expansion


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
                    rejected.append((p, _os_reason(e)))
                continue
            if is_dir:
                walk(p)
            elif not supported:
                ext = os.path.splitext(name)[1].lower()
                if ext in CONVERTIBLE and is_file:
                    rejected.append((p, _unsupported_reason(ext)))
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
            rejected.append((p, _os_reason(e)))
            continue
        if stat.S_ISDIR(st.st_mode):
            walk(p)
        elif p.suffix.lower() not in SUPPORTED_EXTENSIONS:
            rejected.append((p, _unsupported_reason(p.suffix.lower())))
        elif stat.S_ISREG(st.st_mode):
            add_file(p)
        else:
            rejected.append((p, "not a regular file (device, FIFO or socket)"))
    return files, rejected
