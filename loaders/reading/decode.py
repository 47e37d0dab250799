"""Bytes of a text file to text: encodings are detected, never assumed.

BOMs (UTF-8, UTF-16 LE/BE, UTF-32, GB18030), then BOM-less UTF-16 (by its NUL-byte pattern), then
binary content is rejected, then strict UTF-8, then GB18030 (a superset of GBK/GB2312) versus Big5,
chosen by how many characters fall in each standard's common-character block. Only a bounded
sample is scored, so a 50 MB file costs one C-speed decode. A file whose lines are in different
encodings is decoded line by line.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Optional

from loaders.reading.common import _SAMPLE_BYTES, ReadError, normalize_newlines

BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
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


def binary_reason(data: bytes) -> Optional[str]:
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
    text = normalize_newlines(text)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, enc


def decode_or_fail(p: Path, data: bytes) -> tuple[str, str]:
    try:
        return decode_text(data)
    except ValueError as e:
        raise ReadError(p, str(e)) from None


def _decode(data: bytes) -> tuple[str, str]:
    # 1. A byte-order mark settles it.
    for bom, enc in BOMS:
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
    reason = binary_reason(sample)
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
            # GBK pairs can pass for 2-byte UTF-8 (一 D2BB reads as Cyrillic һ): a line whose valid
            # part has no 3-byte (CJK) sequence and that decodes cleanly in the legacy codec is legacy
            chance = chinese and max(u.replace("\ufffd", ""), default="") < "\u0800" and _legacy_ok(line, best)
            if not chance and (bad <= 0.25 * non_ascii or (chinese and bad == 1 and non_ascii >= 3)):
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
