"""Word .docx: paragraphs and tables in document order, table rows as tab-separated lines."""

from __future__ import annotations

import zipfile
from pathlib import Path

from loaders.reading.common import ReadError, normalize_newlines

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def read_docx(p: Path, data: bytes) -> str:
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
    text = normalize_newlines("\n".join(lines))
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
