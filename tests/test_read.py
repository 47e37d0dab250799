"""loaders/read.py on real sample files (tests/fixtures/read/, made by make_fixtures.py there)."""

from __future__ import annotations

import os
import pickle
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loaders.read import (
    SUPPORTED_EXTENSIONS,
    RawDocument,
    ReadError,
    decode_text,
    html_to_text,
    iter_input_files,
    read_document,
)

FIX = Path(__file__).resolve().parent / "fixtures" / "read"

sys.path.insert(0, str(FIX))
from make_fixtures import SIMPLIFIED, TRADITIONAL  # noqa: E402  the texts the fixtures were made from


def reason_of(path) -> str:
    with pytest.raises(ReadError) as info:
        read_document(path)
    err = info.value
    assert err.path == Path(path)
    assert str(err) == f"{Path(path)}: {err.reason}"
    assert "\n" not in err.reason
    return err.reason


# ------------------------------------------------------------------------------------------
# text encodings


@pytest.mark.parametrize(
    "name, encoding",
    [
        ("zh_utf8.txt", "utf-8"),
        ("zh_utf8_bom.txt", "utf-8-sig"),
        ("zh_gb18030.txt", "gb18030"),
        ("zh_gbk.txt", "gb18030"),  # GBK is a subset of GB18030: decoded and recorded as that
        ("zh_utf16le_bom.txt", "utf-16-le"),
        ("zh_utf16be_bom.txt", "utf-16-be"),
        ("zh_utf16le_nobom.txt", "utf-16-le"),
        ("zh_mixed_utf8_gb18030.txt", "utf-8+gb18030"),
    ],
)
def test_same_paragraph_in_every_encoding(name, encoding):
    doc = read_document(FIX / name)
    assert isinstance(doc, RawDocument)
    assert doc.text == SIMPLIFIED  # BOM stripped, CRLF -> LF
    assert doc.encoding == encoding
    assert doc.format == "txt"
    assert doc.path == FIX / name


def test_big5_traditional():
    doc = read_document(FIX / "zh_big5.txt")
    assert doc.text == TRADITIONAL
    assert doc.encoding == "big5"


def test_fixture_bytes_really_are_what_their_names_say():
    assert (FIX / "zh_utf8_bom.txt").read_bytes().startswith(b"\xef\xbb\xbf")
    assert (FIX / "zh_utf16le_bom.txt").read_bytes().startswith(b"\xff\xfe")
    assert (FIX / "zh_utf16be_bom.txt").read_bytes().startswith(b"\xfe\xff")
    assert b"\r\n" in (FIX / "zh_gbk.txt").read_bytes()
    for name in ("zh_gb18030.txt", "zh_big5.txt", "zh_utf16le_nobom.txt"):
        with pytest.raises(UnicodeDecodeError):
            (FIX / name).read_bytes().decode("utf-8")


def test_markdown_is_text():
    doc = read_document(FIX / "zh_notes.md")
    assert doc.format == "md"
    assert doc.encoding == "utf-8"
    assert doc.text.startswith("# 岳阳市妇联 2021 年工作要点\n\n- **强化理论武装。**")


def test_uppercase_extension(tmp_path):
    p = tmp_path / "NOTICE.TXT"
    p.write_bytes(SIMPLIFIED.encode("gbk"))
    doc = read_document(p)
    assert (doc.text, doc.encoding, doc.format) == (SIMPLIFIED, "gb18030", "txt")


def test_old_mac_newlines_and_lone_cr(tmp_path):
    p = tmp_path / "cr.txt"
    p.write_bytes("第一行\r第二行\r\n第三行\n".encode("utf-8"))
    assert read_document(p).text == "第一行\n第二行\n第三行\n"


def test_bomless_utf16_be(tmp_path):
    p = tmp_path / "be.txt"
    p.write_bytes(SIMPLIFIED.encode("utf-16-be"))
    doc = read_document(p)
    assert (doc.text, doc.encoding) == (SIMPLIFIED, "utf-16-be")


def test_utf8_bom_followed_by_gbk_lines(tmp_path):
    p = tmp_path / "bom_mixed.txt"
    p.write_bytes(b"\xef\xbb\xbf" + "第一行\n".encode("utf-8") + "妇联工作要点\n".encode("gbk"))
    doc = read_document(p)
    assert doc.text == "第一行\n妇联工作要点\n"
    assert doc.encoding == "utf-8+gb18030"


def test_utf8_file_with_one_broken_byte_keeps_the_rest(tmp_path):
    p = tmp_path / "broken.txt"
    good = SIMPLIFIED.encode("utf-8")
    p.write_bytes(good + "最后一行".encode("utf-8")[:-1])  # cut inside the last character
    doc = read_document(p)
    assert doc.text.startswith(SIMPLIFIED)
    assert doc.text[len(SIMPLIFIED):] == "最后一\ufffd"


def test_gb18030_four_byte_characters(tmp_path):
    text = "妇联𠀀工作€要点\n"  # an extension-B ideograph and the euro sign: 4-byte in GB18030
    p = tmp_path / "gb4.txt"
    p.write_bytes(text.encode("gb18030"))
    doc = read_document(p)
    assert (doc.text, doc.encoding) == (text, "gb18030")


def test_traditional_text_saved_as_gbk(tmp_path):
    p = tmp_path / "trad_gbk.txt"
    p.write_bytes(TRADITIONAL.encode("gbk"))
    doc = read_document(p)
    assert (doc.text, doc.encoding) == (TRADITIONAL, "gb18030")


def test_latin1_falls_back_to_a_general_detector(tmp_path):
    p = tmp_path / "latin.txt"
    text = "Café crème brûlée, naïve façade, déjà vu. " * 20
    p.write_bytes(text.encode("latin-1"))
    doc = read_document(p)
    assert doc.text == text


# ------------------------------------------------------------------------------------------
# html, docx, pdf


def test_html_visible_text():
    doc = read_document(FIX / "zh_page.html")
    assert doc.format == "html"
    assert doc.encoding == "utf-8"
    assert doc.text == (
        "岳阳市妇联 2021 年工作要点\n"
        "\n"
        "2021 年是建党 100 周年，是开启全面建设社会主义现代化国家新征程的一年。\n"
        "\n"
        "一、深化思想引领\n"
        "强化理论武装\n"
        "抓好主题教育\n"
        "\n"
        "项目\t责任单位\n"
        "巾帼建功\t市妇联\n"
        "\n"
        "第一行\n"
        "第二行"
    )
    for dropped in ("页面标题", "脚本", "color", "隐藏导航", "请启用脚本", "注释"):
        assert dropped not in doc.text


def test_html_declared_gb2312_charset():
    doc = read_document(FIX / "zh_page_gbk.htm")
    assert doc.text == "岳阳市妇女联合会文件\n\n岳妇发〔2021〕5号"
    assert doc.encoding == "gb18030"


def test_html_without_visible_text(tmp_path):
    p = tmp_path / "blank.html"
    p.write_text("<html><head><title>标题</title><script>x()</script></head><body> </body></html>")
    assert reason_of(p) == "HTML page has no visible text"


def test_html_line_break_between_chinese_characters_is_not_a_space():
    assert html_to_text("<p>岳阳市\n  妇女联合会 2021\n年</p>") == "岳阳市妇女联合会 2021 年"


def test_docx_paragraphs_and_table_in_order():
    doc = read_document(FIX / "zh_table.docx")
    assert (doc.format, doc.encoding) == ("docx", "docx")
    assert doc.text == (
        "岳阳市妇联 2021 年工作要点\n"
        "一、深化思想引领，把握妇联工作正确政治方向\n"
        "序号\t工作任务\t责任单位\n"
        "1\t强化理论武装\t市妇联宣传部\n"
        "2\t抓好主题教育\t市妇联组织部\n"
        "二、聚力服务中心大局"
    )


def test_docx_merged_cells_line_breaks_and_empty_document(tmp_path):
    import docx

    d = docx.Document()
    t = d.add_table(rows=2, cols=3)
    a = t.cell(0, 0).merge(t.cell(0, 1))  # horizontal merge: one cell, not repeated
    a.text = "工作任务"
    t.cell(0, 2).text = "责任单位"
    t.cell(1, 0).text = "1"
    t.cell(1, 1).text = "巾帼建功"
    t.cell(1, 2).text = "市妇联"
    para = d.add_paragraph("第一行")
    para.add_run().add_break()
    para.add_run("第二行")
    p = tmp_path / "merged.docx"
    d.save(p)
    assert read_document(p).text == "工作任务\t责任单位\n1\t巾帼建功\t市妇联\n第一行\n第二行"

    empty = tmp_path / "blank.docx"
    docx.Document().save(empty)
    assert reason_of(empty) == "docx contains no text"


def test_pdf_text_layer_pages_joined_by_blank_line():
    doc = read_document(FIX / "zh_text.pdf")
    assert (doc.format, doc.encoding) == ("pdf", "pdf")
    # the spaces the PDF's layout put between the digits and the characters go (tidy_pdf_text)
    assert doc.text == "岳阳市妇女联合会文件\n岳妇发〔2021〕5号\n\n岳阳市妇联2021年工作要点"


def test_pdf_with_owner_password_only_is_read(tmp_path):
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter(clone_from=PdfReader(FIX / "zh_text.pdf"))
    w.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    p = tmp_path / "owner_only.pdf"
    with open(p, "wb") as f:
        w.write(f)
    assert read_document(p).text.startswith("岳阳市妇女联合会文件")


# ------------------------------------------------------------------------------------------
# bad inputs: the exact reasons


def test_empty_file():
    assert reason_of(FIX / "empty.txt") == "empty file"


def test_whitespace_only_and_bom_only(tmp_path):
    p = tmp_path / "blank.txt"
    p.write_bytes(b"\xef\xbb\xbf \r\n\t\n")
    assert reason_of(p) == "empty file (no text, only whitespace)"


def test_binary_renamed_txt():
    assert reason_of(FIX / "image_renamed.txt") == (
        "not a text file (binary content; it is a PNG image; run OCR first)"
    )


def test_binary_without_known_signature(tmp_path):
    p = tmp_path / "blob.txt"
    p.write_bytes(bytes(range(256)) * 4)
    assert reason_of(p) == "not a text file (binary content)"
    p.write_bytes(bytes([1, 2, 3, 4, 5, 6, 7, 8, 65, 66]) * 50)  # control characters, no NUL
    assert reason_of(p) == "not a text file (binary content)"


def test_pdf_renamed_txt(tmp_path):
    p = tmp_path / "report.txt"
    p.write_bytes((FIX / "zh_text.pdf").read_bytes())
    assert reason_of(p) == "not a text file (binary content; it is a PDF; rename it to .pdf)"


def test_truncated_docx():
    assert reason_of(FIX / "truncated.docx") == "truncated/corrupt docx: re-save or re-export the file"


def test_old_word_doc_renamed_docx(tmp_path):
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    p = tmp_path / "old.docx"
    p.write_bytes(ole2 + b"WordDocument".ljust(64, b"\x00"))
    assert reason_of(p) == "old Word 97-2003 .doc file named .docx: save it as .docx"
    p.write_bytes(ole2 + "EncryptedPackage".encode("utf-16-le"))
    assert reason_of(p) == "password-protected docx: remove the password in Word and re-save"


def test_docx_that_is_plain_text(tmp_path):
    p = tmp_path / "fake.docx"
    p.write_text("岳阳市妇女联合会", encoding="utf-8")
    assert reason_of(p) == "not a docx (not a ZIP/Word package): re-save it as .docx"


def test_password_protected_pdf():
    assert reason_of(FIX / "encrypted.pdf") == (
        "password-protected PDF: save an unprotected copy (or remove the password)"
    )


def test_scanned_pdf_without_text_layer():
    assert reason_of(FIX / "scanned.pdf") == "scanned PDF with no text layer: run OCR first"


def test_truncated_pdf(tmp_path):
    p = tmp_path / "cut.pdf"
    p.write_bytes((FIX / "zh_text.pdf").read_bytes()[:300])
    reason = reason_of(p)
    # pypdf may fail opening the file, or find no page/text in what survives.
    assert reason.startswith(("truncated/corrupt PDF (", "PDF has no pages", "scanned PDF")), reason


def test_not_a_pdf(tmp_path):
    p = tmp_path / "fake.pdf"
    p.write_text("just text", encoding="utf-8")
    assert reason_of(p) == "not a PDF (no %PDF header)"


def test_file_over_limit_small_limit_via_env(monkeypatch):
    monkeypatch.setenv("FULIAN_MAX_FILE_MB", "0.0001")  # 104 bytes
    assert reason_of(FIX / "zh_utf8.txt") == (
        "file too large (360 bytes > 104 bytes limit; set FULIAN_MAX_FILE_MB)"
    )


def test_file_over_default_limit_is_rejected_without_reading(tmp_path, monkeypatch):
    monkeypatch.delenv("FULIAN_MAX_FILE_MB", raising=False)
    p = tmp_path / "huge.txt"
    with open(p, "wb") as f:  # sparse: takes no disk space
        f.truncate(int(52.3 * 1024 * 1024))
    assert reason_of(p) == "file too large (52.3 MB > 50 MB limit; set FULIAN_MAX_FILE_MB)"
    monkeypatch.setenv("FULIAN_MAX_FILE_MB", "60")
    assert reason_of(p) == "not a text file (binary content)"  # read now: NUL bytes


def test_invalid_limit_setting(monkeypatch):
    monkeypatch.setenv("FULIAN_MAX_FILE_MB", "lots")
    assert reason_of(FIX / "zh_utf8.txt") == (
        "invalid FULIAN_MAX_FILE_MB='lots' (must be a positive number of MB)"
    )


def test_unreadable_file(tmp_path):
    p = tmp_path / "secret.txt"
    p.write_bytes(SIMPLIFIED.encode("utf-8"))
    p.chmod(0)
    try:
        if os.access(p, os.R_OK):
            pytest.skip("running as root: chmod 000 does not stop reading")
        assert reason_of(p) == "permission denied (make the file readable, e.g. chmod a+r)"
    finally:
        p.chmod(0o644)


def test_permission_denied_on_open_is_reported(tmp_path, monkeypatch):
    # The same path as above, forced, so it is exercised even when tests run as root.
    import builtins

    p = tmp_path / "secret.txt"
    p.write_bytes(SIMPLIFIED.encode("utf-8"))
    real_open = builtins.open

    def fake_open(file, *args, **kwargs):
        if Path(file) == p:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", fake_open)
    assert reason_of(p) == "permission denied (make the file readable, e.g. chmod a+r)"


def test_missing_directory_and_unsupported(tmp_path):
    assert reason_of(tmp_path / "nope.txt") == "no such file or directory"
    d = tmp_path / "folder.txt"
    d.mkdir()
    assert reason_of(d) == "is a directory, not a file"
    doc = tmp_path / "old.doc"
    doc.write_bytes(b"x")
    assert reason_of(doc) == (
        "unsupported file type '.doc' (supported: .docx .htm .html .md .pdf .txt); "
        "save it as .docx"
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_not_opened(tmp_path):
    p = tmp_path / "pipe.txt"
    os.mkfifo(p)
    assert reason_of(p) == "not a regular file (device, FIFO or socket)"  # and does not hang


def test_read_error_pickles():
    err = ReadError("a/b.txt", "empty file")
    back = pickle.loads(pickle.dumps(err))
    assert (back.path, back.reason, str(back)) == (Path("a/b.txt"), "empty file", str(err))


# ------------------------------------------------------------------------------------------
# iter_input_files


def test_supported_extensions():
    assert SUPPORTED_EXTENSIONS == {".txt", ".md", ".docx", ".pdf", ".html", ".htm"}


def make_tree(root: Path) -> None:
    (root / "b_sub" / "deeper").mkdir(parents=True)
    (root / "a.txt").write_text("甲", encoding="utf-8")
    (root / "c.PDF").write_bytes(b"%PDF-")
    (root / "notes.xlsx").write_bytes(b"ignored")
    (root / "README").write_text("ignored", encoding="utf-8")
    (root / ".hidden.txt").write_text("ignored", encoding="utf-8")
    (root / "~$lock.docx").write_bytes(b"ignored")
    (root / "b_sub" / "z.md").write_text("乙", encoding="utf-8")
    (root / "b_sub" / "deeper" / "y.html").write_text("<p>丙</p>", encoding="utf-8")
    (root / "b_sub" / "image.png").write_bytes(b"\x89PNG")


def test_folder_expansion_is_recursive_sorted_and_filtered(tmp_path):
    make_tree(tmp_path)
    files, rejected = iter_input_files([tmp_path])
    assert files == [
        tmp_path / "a.txt",
        tmp_path / "b_sub" / "deeper" / "y.html",
        tmp_path / "b_sub" / "z.md",
        tmp_path / "c.PDF",
    ]
    assert rejected == []
    assert iter_input_files(str(tmp_path)) == (files, [])  # a single path is accepted too


def test_explicit_files_missing_paths_and_duplicates(tmp_path):
    make_tree(tmp_path)
    files, rejected = iter_input_files(
        [
            tmp_path / "b_sub" / "z.md",
            tmp_path / "notes.xlsx",
            tmp_path / "missing.txt",
            tmp_path / ".hidden.txt",  # named explicitly: kept
            tmp_path,  # z.md again: listed once
        ]
    )
    assert files == [
        tmp_path / "b_sub" / "z.md",
        tmp_path / ".hidden.txt",
        tmp_path / "a.txt",
        tmp_path / "b_sub" / "deeper" / "y.html",
        tmp_path / "c.PDF",
    ]
    assert rejected == [
        (
            tmp_path / "notes.xlsx",
            "unsupported file type '.xlsx' (supported: .docx .htm .html .md .pdf .txt)",
        ),
        (tmp_path / "missing.txt", "no such file or directory"),
    ]


def test_empty_folder_yields_nothing(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "only_other").mkdir()
    (tmp_path / "only_other" / "x.csv").write_text("a,b", encoding="utf-8")
    assert iter_input_files([tmp_path / "empty"]) == ([], [])
    assert iter_input_files([tmp_path / "only_other"]) == ([], [])


def test_symlink_loop_does_not_hang(tmp_path):
    root = tmp_path / "docs"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.txt").write_text("甲", encoding="utf-8")
    os.symlink(root, root / "sub" / "loop")  # sub/loop -> docs: a cycle
    os.symlink(root / "sub" / "a.txt", root / "alias.txt")  # same file twice
    os.symlink("self.txt", root / "self.txt")  # a link to itself
    os.symlink(tmp_path / "gone.txt", root / "dangling.txt")
    os.symlink(tmp_path / "gone", root / "dangling_dir")  # no supported extension: ignored
    files, rejected = iter_input_files([root])
    assert files == [root / "alias.txt"]
    assert sorted(rejected) == [
        (root / "dangling.txt", "broken symbolic link (its target does not exist)"),
        (root / "self.txt", "symbolic link loop"),
    ]
    assert reason_of(root / "self.txt") == "symbolic link loop"
    assert reason_of(root / "dangling.txt") == "broken symbolic link (its target does not exist)"


def test_unreadable_directory_is_reported(tmp_path):
    d = tmp_path / "locked"
    d.mkdir()
    (d / "a.txt").write_text("甲", encoding="utf-8")
    d.chmod(0)
    try:
        if os.access(d, os.R_OK):
            pytest.skip("running as root: chmod 000 does not stop listing")
        assert iter_input_files([tmp_path]) == ([], [(d, "permission denied (cannot list directory)")])
    finally:
        d.chmod(0o755)


def test_unlistable_directory_is_reported_even_as_root(tmp_path, monkeypatch):
    import loaders.read as read_mod

    d = tmp_path / "locked"
    d.mkdir()
    real_scandir = os.scandir

    def fake_scandir(path):
        if Path(path) == d:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(read_mod.os, "scandir", fake_scandir)
    assert iter_input_files([tmp_path]) == ([], [(d, "permission denied (cannot list directory)")])


def test_all_fixtures_are_read_or_rejected_cleanly():
    files, rejected = iter_input_files([FIX])
    assert rejected == []
    assert len(files) == 19  # every fixture except make_fixtures.py
    ok = bad = 0
    for f in files:
        try:
            read_document(f)
            ok += 1
        except ReadError:
            bad += 1
    assert (ok, bad) == (14, 5)


def test_fixtures_are_small():
    total = sum(p.stat().st_size for p in FIX.iterdir())
    assert total < 200 * 1024


# ------------------------------------------------------------------------------------------
# properties


CJK_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
        st.sampled_from(list("，。：；“”、（）〔〕《》 \n0123456789abcXYZ")),
    ),
    min_size=1,
    max_size=300,
).filter(lambda s: s.strip())


@settings(max_examples=150, deadline=None)
@given(CJK_TEXT, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"]))
def test_unicode_encodings_round_trip(text, encoding):
    if encoding in ("utf-16-le", "utf-16-be") and not any(ch < "\u0100" for ch in text):
        return  # BOM-less UTF-16 is recognised by its NUL bytes (ASCII, newlines)
    decoded, _ = decode_text(text.encode(encoding))
    assert decoded == text


GB2312_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5).filter(
            lambda c: len(c.encode("gb2312", errors="ignore")) == 2
        ),
        st.sampled_from(list("，。：；“”、（） \n0123456789")),
    ),
    min_size=8,
    max_size=300,
).filter(lambda s: sum(c >= "\u4e00" for c in s) >= 8)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(GB2312_TEXT)
def test_gbk_text_decodes_back(text):
    decoded, encoding = decode_text(text.encode("gbk"))
    if encoding == "utf-8":  # a few random characters can form valid UTF-8 by chance
        return
    assert (decoded, encoding) == (text, "gb18030")


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=1, max_size=2000))
def test_arbitrary_bytes_never_crash(data):
    try:
        text, encoding = decode_text(data)
    except ValueError as e:
        assert str(e).startswith("not a text file")
        return
    assert isinstance(text, str) and encoding
    assert "\r" not in text
    assert not text.startswith("\ufeff")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(min_size=1, max_size=3000), st.sampled_from([".docx", ".pdf", ".html"]))
def test_garbage_in_structured_formats_gives_read_error(tmp_path, data, ext):
    p = tmp_path / f"garbage{ext}"
    p.write_bytes(data)
    try:
        read_document(p)
    except ReadError as e:
        assert e.reason and "\n" not in e.reason
