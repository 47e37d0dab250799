"""Layouts inside plain-text files: an HTML page saved as .txt, Markdown pipe tables."""

from __future__ import annotations

import re

_HTML_PAGE = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>])", re.I | re.S)
_TABLE_RULE = re.compile(r"\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*")
_CELL_BAR = re.compile(r"(?<!\\)\|")


def is_html_page(text: str) -> bool:
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
