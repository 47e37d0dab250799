"""Layouts that used to lose or garble entities: PDF text layers (radical look-alikes, spaces between
glyphs), Markdown pipe tables, an HTML page saved as .txt. Each gives what the plain .txt gives."""

import html
import subprocess
import unicodedata

import pytest

from conftest import ROOT
from loaders.extract import extract_text
from loaders.normalize import _RADICALS, normalize
from loaders.read import read_document, tidy_pdf_text

CORPUS = ROOT / "data" / "corpus"
PLAIN = "002_81c5735885d10893.txt"   # no tables
TABLES = "003_96daabc8997adf99.txt"  # lead-office tables (tab-separated)


def found(text: str) -> tuple[set, set]:
    """(entity ids, relation keys) extraction finds, by id: names differing only by white space are one."""
    from graph.model import id_key

    r = extract_text(text, "x")
    return ({(e.type, id_key(e.name)) for e in r.entities},
            {(x.type, id_key(x.head), id_key(x.tail)) for x in r.relations})


def test_radical_look_alikes_fold_to_the_ideographs_keeping_offsets():
    text = (CORPUS / PLAIN).read_text(encoding="utf-8")
    look_alike = {v: k for k, v in _RADICALS.items()}  # 长 → ⻓, 民 → ⺠ ...
    look_alike.update({unicodedata.normalize("NFKC", chr(c)): chr(c) for c in range(0x2F00, 0x2FD6)})  # Kangxi
    pdfish = "".join(look_alike.get(ch, ch) for ch in text)
    assert sum(a != b for a, b in zip(text, pdfish)) > 300  # 长, 民, 工, 一 ... throughout
    assert found(pdfish) == found(text)
    norm, to_orig = normalize("《中华人⺠共和国⺠法典》⻓沙市")
    assert norm == "《中华人民共和国民法典》长沙市" and to_orig[:-1] == list(range(len(norm)))


def test_spaces_a_pdf_layout_puts_between_glyphs_go():
    assert tidy_pdf_text("开展 “ 喜迎二十大 · 绽放正当时 ” 活动") == "开展“喜迎二十大·绽放正当时”活动"
    assert tidy_pdf_text("依托 “ 一微一网一抖音 N 群 ” 平台") == "依托“一微一网一抖音N群”平台"
    assert tidy_pdf_text("“ 两癌 ” 免费检查") == "“两癌”免费检查"
    assert tidy_pdf_text("Hello World 2022") == "Hello World 2022"  # Latin words keep their spaces
    assert tidy_pdf_text("第一行\n第二行") == "第一行\n第二行"


@pytest.mark.browser
@pytest.mark.parametrize("name", [PLAIN, "004_d17ad58674d2d266.txt"])
def test_a_document_printed_to_pdf_by_chromium_gives_what_its_text_gives(tmp_path, name):
    from browser import chromium_or_skip

    text = (CORPUS / name).read_text(encoding="utf-8")
    page = tmp_path / "doc.html"
    page.write_text('<html><meta charset="utf-8"><body>' + "".join(f"<p>{html.escape(line)}</p>"
                                                                  for line in text.splitlines()) + "</body></html>",
                    encoding="utf-8")
    pdf = tmp_path / "doc.pdf"
    subprocess.run([chromium_or_skip(), "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}", page.as_uri()], capture_output=True, timeout=120, check=True)
    layer = read_document(pdf).text
    assert any("\u2e80" <= ch <= "\u2fdf" for ch in layer)  # the text layer does use the look-alikes
    (ents, rels), (pdf_ents, pdf_rels) = found(text), found(layer)
    assert ents <= pdf_ents and rels <= pdf_rels  # nothing lost
    # and at most a name more: a quoted name with a space inside (“精彩绽放 巾彩常德”), whose space the
    # PDF's text layer does not keep apart from its layout's, is found in the PDF only
    assert len(pdf_ents - ents) <= 1 and len(pdf_rels - rels) <= 1


def test_a_markdown_pipe_table_reads_like_a_tab_table(tmp_path):
    text = (CORPUS / TABLES).read_text(encoding="utf-8")
    lines, last_tab = [], False
    for line in text.split("\n"):
        tab = "\t" in line
        if tab:
            cells = line.split("\t")
            lines.append("| " + " | ".join(cells) + " |")
            if not last_tab:
                lines.append("|" + "---|" * len(cells))
        else:
            lines.append(line)
        last_tab = tab
    md = tmp_path / "x.md"
    md.write_text("\n".join(lines), encoding="utf-8")
    assert found(read_document(md).text) == found(text)
    names = {e.name for e in extract_text(read_document(md).text, "x").entities}
    assert not [n for n in names if "|" in n]


def test_an_html_page_saved_as_txt_is_read_as_html(tmp_path):
    text = (CORPUS / PLAIN).read_text(encoding="utf-8")
    page = ("<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>通知</title><style>p{margin:0}</style>"
            "<script>var x = '<p>不是正文</p>';</script></head><body>"
            + "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines()) + "</body></html>")
    saved = tmp_path / "page.txt"
    saved.write_text(page, encoding="utf-8")
    doc = read_document(saved)
    assert doc.format == "html" and "<p>" not in doc.text and "不是正文" not in doc.text
    assert found(doc.text) == found(text)
