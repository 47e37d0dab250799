"""Document metadata: title, issuer, work year, date, document number, kind."""

from __future__ import annotations

import re
from typing import Optional

from .types import PassageRecord

_DATE_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_DOCNO_RE = re.compile(r"[\u4e00-\u9fff]{1,8}[〔［\[【(（]\s*\d{4}\s*[〕］\]】)）]\s*\d+\s*号")
_YEAR_IN_TITLE = re.compile(r"(\d{4})\s*年(?:度)?")
_SKIP_TITLE = re.compile(r"文件$|^[\u4e00-\u9fff]{1,8}[〔［\[【(（]\d{4}")


def find_title(passages: list[PassageRecord]) -> tuple[str, Optional[PassageRecord]]:
    """First substantive line (skips red-head '…文件' lines and document numbers)."""
    for p in passages[:8]:
        t = p.text.strip()
        if not t or _SKIP_TITLE.search(t) or len(t) < 4:
            continue
        return t, p
    return (passages[0].text.strip(), passages[0]) if passages else ("", None)


def find_date(text: str) -> Optional[str]:
    head = text[:1500]
    m = _DATE_RE.search(head) or _DATE_RE.search(text[-800:])
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def find_doc_number(text: str) -> Optional[str]:
    m = _DOCNO_RE.search(text[:2000])
    return re.sub(r"\s+", "", m.group()) if m else None


def find_kind(title: str, text: str) -> str:
    """plan | report | notice, from the title's and the opening's words (patterns.json document_kinds)."""
    from .resources import get_resources

    k = get_resources().patterns["document_kinds"]
    if any(w in title for w in k["plan_title"]):
        return "plan"
    if any(w in title for w in k["report_title"]) or any(w in text[:400] for w in k["report_opening"]):
        return "report"
    if any(w in title for w in k["notice_title"]):
        return "notice"
    if any(w in text[:600] for w in k["plan_opening"]):
        return "plan"
    return "report"


def find_year(title: str, text: str, date: Optional[str]) -> Optional[int]:
    for src in (title, text[:600]):
        m = _YEAR_IN_TITLE.search(src)
        if m and 1949 < int(m.group(1)) < 2100:
            return int(m.group(1))
    if date:
        return int(date[:4])
    return None
