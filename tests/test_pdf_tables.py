"""PDFs read by layout: the five sample documents and a commendation with tables, printed to PDF by
headless Chromium (tests/fixtures/pdf/, made by make_pdfs.py there), give what their .txt gives."""

from __future__ import annotations

import sys
from functools import lru_cache

import pytest

from conftest import ROOT
from graph.model import id_key
from loaders.extract import extract_text
from loaders.normalize import normalize
from loaders.read import read_document

FIX = ROOT / "tests" / "fixtures" / "pdf"
SOURCES = sorted((ROOT / "data" / "corpus").glob("*.txt")) + [FIX / "commendation.txt"]
COMMENDATION = FIX / "commendation.txt"

sys.path.insert(0, str(FIX))
import make_pdfs  # noqa: E402  the generator of the fixtures


@lru_cache(maxsize=None)
def found(text: str) -> tuple[frozenset, frozenset]:
    r = extract_text(text, "x")
    return (frozenset((e.type, id_key(e.name)) for e in r.entities),
            frozenset((x.type, id_key(x.head), id_key(x.tail)) for x in r.relations))


@lru_cache(maxsize=None)
def pdf_text(stem: str) -> str:
    doc = read_document(FIX / f"{stem}.pdf")
    assert doc.format == "pdf"
    return doc.text


def test_the_fixtures_are_the_sources_printed():
    assert sorted(p.stem for p in FIX.glob("*.pdf")) == sorted(s.stem for s in SOURCES)


def test_pdfs_lose_at_most_two_percent_of_what_the_text_gives():
    ents = rels = lost_e = lost_r = 0
    misses = []
    for src in SOURCES:
        (te, tr), (pe, pr) = found(src.read_text(encoding="utf-8")), found(pdf_text(src.stem))
        ents, rels = ents + len(te), rels + len(tr)
        lost_e, lost_r = lost_e + len(te - pe), lost_r + len(tr - pr)
        misses += [(src.stem, x) for x in sorted(te - pe) + sorted(tr - pr)]
        assert len(pe - te) + len(pr - tr) <= 0.02 * (len(te) + len(tr)), (src.stem, pe - te, pr - tr)
    assert ents > 300 and rels > 300  # persons, departments, campaigns, laws, federations of six documents
    assert lost_e <= 0.02 * ents and lost_r <= 0.02 * rels, misses


@pytest.mark.parametrize("stem, column", [("commendation", 1), ("003_96daabc8997adf99", 0)])
def test_table_rows_keep_their_persons_and_departments(stem, column):
    src = FIX / f"{stem}.txt" if stem == "commendation" else ROOT / "data" / "corpus" / f"{stem}.txt"
    text = src.read_text(encoding="utf-8")
    te, tr = found(text)
    pe, pr = found(pdf_text(stem))
    persons = {e for e in te if e[0] == "Person"}
    depts = {e for e in te if e[0] == "Department"}
    leads = {r for r in tr if r[0] == "LEADS" and ("Department", r[1]) in depts}
    assert len(persons) >= 6 and len(depts) >= 4 and len(leads) >= 4
    assert persons <= pe and depts <= pe and leads <= pr
    # each row is one line of tab-separated cells, as in the text
    rows = [ln for ln in text.splitlines() if "\t" in ln]
    layer = normalize(pdf_text(stem))[0].split("\n")
    for row in rows:
        want = normalize(row.rstrip("\t"))[0]
        assert want.replace(" ", "") in {ln.replace(" ", "") for ln in layer}, row
    names = {row.split("\t")[column].replace(" ", "") for row in rows[1:7]}
    assert {id_key(n) for n in names} <= {e[1] for e in pe if e[0] == "Person"}


def test_wrapped_lines_are_one_paragraph_again():
    src = ROOT / "data" / "corpus" / "002_81c5735885d10893.txt"
    paragraphs = [normalize(p)[0] for p in src.read_text(encoding="utf-8").splitlines() if len(p) > 200]
    lines = set(normalize(pdf_text(src.stem))[0].split("\n"))
    assert len(paragraphs) >= 5
    assert all(p in lines for p in paragraphs)


def test_without_pdfplumber_the_pypdf_text_layer_is_read(monkeypatch):
    import pdfplumber

    def broken(*_a, **_k):
        raise RuntimeError("pdfminer cannot parse this")

    monkeypatch.setattr(pdfplumber, "open", broken)
    text = read_document(FIX / "commendation.pdf").text
    assert "长沙市妇联" in normalize(text)[0] and "\t" not in text  # pypdf's text: no table rows


@pytest.mark.browser
def test_a_fresh_print_reads_like_the_committed_fixture(tmp_path):
    from browser import chromium_or_skip

    pdf = tmp_path / "commendation.pdf"
    make_pdfs.print_pdf(COMMENDATION.read_text(encoding="utf-8"), pdf, chromium_or_skip())
    assert read_document(pdf).text == pdf_text("commendation")
