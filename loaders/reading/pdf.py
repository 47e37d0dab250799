"""PDF text layers: checked and opened with pypdf, laid out with pdfplumber.

pdfplumber gives each line's position, so the text comes back as the document was written: the
lines a paragraph was wrapped into are one line again (a line reaching the right margin runs on
into the next one unless that one is indented or set in another size), and ruled tables become
one tab-separated line per row (the layout Word and HTML tables get), in reading order with the
text around them. Where pdfplumber is missing or fails on a file, pypdf's text layer is used as
it is. Either way the spaces the layout puts between Chinese glyphs go (``tidy_pdf_text``).
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path
from typing import Optional

from loaders.reading.common import ReadError, normalize_newlines, short
from loaders.reading.decode import binary_reason


def read_pdf(p: Path, data: bytes) -> str:
    """The text of a PDF file; ReadError for a damaged, protected or scanned one."""
    head = data[:1024]
    if b"%PDF-" not in head:
        reason = binary_reason(data[:16])
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
            raise ReadError(p, f"truncated/corrupt PDF ({short(e)})") from None
        if n_pages == 0:
            raise ReadError(p, "PDF has no pages")
        text = _layout_text(data)
        if text is None or text.isspace() or not text:  # pdfplumber failed, or found no text pypdf may find
            text = tidy_pdf_text("\n\n".join(_pypdf_pages(p, pages)))
    finally:
        pypdf_log.setLevel(old_level)
    visible = [c for c in text if not c.isspace()]
    if not visible:
        raise ReadError(p, "scanned PDF with no text layer: run OCR first")
    junk = sum(1 for c in visible if c == "\ufffd" or "\ue000" <= c <= "\uf8ff")
    if junk > 0.5 * len(visible):
        raise ReadError(
            p, "PDF text layer is undecodable (fonts without a Unicode map): run OCR first"
        )
    return text


def _pypdf_pages(p: Path, pages) -> list[str]:
    from pypdf.errors import DependencyError

    texts = []
    for i in range(len(pages)):
        try:
            t = pages[i].extract_text() or ""
        except DependencyError as e:
            raise ReadError(
                p, f"encrypted PDF needs an extra package ({e}): pip install cryptography"
            ) from None
        except Exception as e:
            raise ReadError(
                p, f"truncated/corrupt PDF (page {i + 1}: {short(e)})"
            ) from None
        texts.append(normalize_newlines(t).strip("\n"))
    return texts


# ---------------------------------------------------------------------------------------------
# layout (pdfplumber)

# a line "reaches the right margin" when it ends within this many characters of it (more when it
# does not end a sentence: a character that may not start a line pulls the one before it down, and
# digits stay together) and spans at least this share of the page: short documents never run on
_FULL_LINE_CHARS = 1.2
_FULL_LINE_CHARS_MID_SENTENCE = 3.0
_SENTENCE_END = tuple("。！？；：!?;:")
_FULL_LINE_SHARE = 0.5
_INDENT_CHARS = 1.0  # a line starting this far right of the margin starts a paragraph


def _layout_text(data: bytes) -> Optional[str]:
    """The text of every page by layout, or None when pdfplumber cannot read the file."""
    try:
        import pdfplumber
    except ImportError:  # pragma: no cover - a dependency; pypdf's text is the fallback
        return None
    # pdfminer warns about every font without a bounding box, pdfplumber about metadata it cannot
    # decode: neither is the reader's business (the text is read around them)
    logs = [logging.getLogger(name) for name in ("pdfminer", "pdfplumber")]
    old_levels = [log.level for log in logs]
    for log in logs:
        log.setLevel(logging.CRITICAL)
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [_page_blocks(page) for page in pdf.pages]
    except Exception:  # whatever pdfminer trips over: pypdf's text layer instead
        return None
    finally:
        for log, level in zip(logs, old_levels):
            log.setLevel(level)
    return _tidy_layout(_join_pages(pages))


def _page_blocks(page) -> tuple[list, float]:
    """([(top, kind, value)] in reading order, page width): kind "line" (pdfplumber's line dict)
    or "table" (its rows as lines)."""
    tables = [t for t in page.find_tables() if len(t.rows) >= 2 and len(t.rows[0].cells) >= 2]
    boxes = [t.bbox for t in tables]

    def outside(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    body = page.filter(outside) if boxes else page
    blocks = [(line["top"], "line", line) for line in body.extract_text_lines(return_chars=True)
              if line["text"].strip()]
    for t in tables:
        rows = [_row_line(cells) for cells in t.extract()]
        blocks.append((t.bbox[1], "table", [r for r in rows if r.strip()]))
    blocks.sort(key=lambda b: b[0])
    return blocks, float(page.width)


_CJK_END = re.compile(r"[\u2e80-\u9fff\uf900-\uffef\u201c\u201d]$")
_CJK_START = re.compile(r"^[\u2e80-\u9fff\uf900-\uffef\u201c\u201d]")


def _row_line(cells: list) -> str:
    """A table row as one line: cells tab-separated, the lines inside a cell run together."""
    out = []
    for cell in cells:
        parts = [ln.strip() for ln in (cell or "").replace("\t", " ").split("\n") if ln.strip()]
        text = ""
        for part in parts:
            glue = "" if not text or (_CJK_END.search(text) and _CJK_START.match(part)) else " "
            text += glue + part
        out.append(text)
    return "\t".join(out).rstrip("\t")


def _size(line: dict) -> float:
    chars = line.get("chars") or []
    sizes = sorted(c.get("size") or 0 for c in chars)
    return sizes[len(sizes) // 2] if sizes else line["bottom"] - line["top"]


def _reaches_margin(line: dict, right: float) -> bool:
    chars = _FULL_LINE_CHARS if line["text"].rstrip().endswith(_SENTENCE_END) else _FULL_LINE_CHARS_MID_SENTENCE
    return line["x1"] >= right - chars * _size(line)


def _percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else 0.0


def _join_pages(pages: list[tuple[list, float]]) -> str:
    """Lines and table rows of all pages; wrapped lines joined (see the module doc), pages set off
    by a blank line unless a paragraph runs on across the break."""
    lines = [v for blocks, _ in pages for _, kind, v in blocks if kind == "line"]
    left = _percentile([ln["x0"] for ln in lines], 0.1)
    right = _percentile([ln["x1"] for ln in lines], 0.9)
    out: list[str] = []
    prev: Optional[tuple[dict, float]] = None  # the last text line and its page's width, if it is the last block
    for blocks, width in pages:
        sep = "\n\n" if out else ""
        for _, kind, v in blocks:
            if kind == "table":
                out.append(sep + "\n".join(v))
                prev, sep = None, "\n"
                continue
            size = _size(v)
            runs_on = (
                prev is not None
                and _reaches_margin(prev[0], right)
                and prev[0]["x1"] - prev[0]["x0"] >= _FULL_LINE_SHARE * prev[1]
                and v["x0"] <= left + _INDENT_CHARS * size
                and abs(size - _size(prev[0])) <= 0.1 * size
            )
            out.append(("" if runs_on else sep) + v["text"].strip("\n"))
            prev, sep = (v, width), "\n"
    return normalize_newlines("".join(out))


# Chinese characters, CJK punctuation and quotes (and the radical look-alikes PDF fonts use for them)
_CJK_CHARS = "\u2e80-\u2fdf\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef\u201c\u201d\u2018\u2019\u00b7"
# spaces a PDF text layer puts between glyphs: between two such characters, or one of them and a
# letter or digit (“ 一微一网一抖音 N 群 ” → “一微一网一抖音N群”); spaces between Latin words stay
_PDF_GAPS = re.compile(f"(?<=[{_CJK_CHARS}]) +(?=[{_CJK_CHARS}])|(?<=[{_CJK_CHARS}]) (?=[A-Za-z0-9])"
                       f"|(?<=[A-Za-z0-9]) (?=[{_CJK_CHARS}])")


def tidy_pdf_text(text: str) -> str:
    """A PDF's extracted text without the spaces its layout put inside Chinese runs and quotes."""
    return _PDF_GAPS.sub("", text)


_IDEOGRAPHS = "\u2e80-\u2fdf\u3400-\u9fff\uf900-\ufaff"
_CJK_MARKS = "\u3000-\u303f\uff00-\uffef\u201c\u201d\u2018\u2019\u00b7"
_LAYOUT_GAPS = re.compile(f"(?<=[{_CJK_MARKS}]) +|(?<=[{_CJK_CHARS}]) +(?=[{_CJK_MARKS}])"
                          f"|(?<=[{_CJK_CHARS}]) (?=[A-Za-z0-9])|(?<=[A-Za-z0-9]) (?=[{_CJK_CHARS}])")


def _tidy_layout(text: str) -> str:
    """``tidy_pdf_text`` for pdfplumber's text, whose spaces are the gaps between glyphs: one between
    two Chinese characters is a space the writer typed (记者 欧阳婷 吴小兵) and stays."""
    return _LAYOUT_GAPS.sub("", text)
