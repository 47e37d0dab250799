"""PDF text layers (pypdf), without the spaces the layout puts between Chinese glyphs."""

from __future__ import annotations

import re
from pathlib import Path

from loaders.reading.common import ReadError, normalize_newlines, short
from loaders.reading.decode import binary_reason

def read_pdf(p: Path, data: bytes) -> str:
    import io
    import logging

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
    pypdf_log.setLevel(logging.ERROR)  # pypdf warns loudly about harmless damage
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
                    p, f"truncated/corrupt PDF (page {i + 1}: {short(e)})"
                ) from None
            texts.append(normalize_newlines(t).strip("\n"))
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
