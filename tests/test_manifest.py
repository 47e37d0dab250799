"""Manifest CSV files: parsing, every kind of bad row (named by file and line), discovery."""

import pytest

from loaders.manifest import ManifestError, find_manifest, read_manifest, region_code

HEADER = "file,region,issuer,year,date,url\n"


@pytest.fixture
def docs(tmp_path):
    (tmp_path / "a.txt").write_text("市妇联召开执委会议\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("县妇联召开执委会议\n", encoding="utf-8")
    return tmp_path


def write(folder, body, name="manifest.csv", bom=False):
    p = folder / name
    p.write_bytes((b"\xef\xbb\xbf" if bom else b"") + (HEADER + body).encode("utf-8"))
    return p


def test_rows_become_hints_keyed_by_file(docs):
    m = read_manifest(write(docs, "a.txt,430500,,2023,2023-03-08,http://example.org/a\n"
                                  "sub/b.txt,湖南省岳阳市平江县,,,,\n\n", bom=True))
    a = m.hints_for(docs / "a.txt")
    assert (a.region_code, a.year, a.date, a.url) == ("430500", 2023, "2023-03-08", "http://example.org/a")
    assert m.hints_for(docs / "sub" / "b.txt").region_code == "430626"
    assert m.hints_for(docs / "other.txt") is None and len(m) == 2


def test_files_may_sit_in_a_corpus_subfolder(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "c.txt").write_text("x", encoding="utf-8")
    m = read_manifest(write(tmp_path, "c.txt,431300,,,,\n"))
    assert m.hints_for(tmp_path / "corpus" / "c.txt").region_code == "431300"


def test_region_names_and_codes():
    assert region_code("娄底市") == "431300"
    assert region_code("双峰") == "431321"
    assert region_code("430104001") == "430104001"  # a township
    assert region_code("430104001000") == "430104001"  # the 12-digit form
    with pytest.raises(ValueError, match="ambiguous.*110105.*220104"):
        region_code("朝阳区")


@pytest.mark.parametrize("body, line, problem", [
    ("a.txt,不存在的地方,,,,\n", 2, "unknown region '不存在的地方'"),
    ("a.txt,999999,,,,\n", 2, "unknown region code '999999'"),
    ("a.txt,430500,,二〇二三,,\n", 2, "bad year"),
    ("a.txt,430500,,1800,,\n", 2, "year 1800 is out of range"),
    ("a.txt,,,,2023/3/8,\n", 2, "date '2023/3/8' is not a date"),
    ("a.txt,,长沙市,,,\n", 2, "not a federation name"),
    (",430500,,,,\n", 2, "the file column is empty"),
    ("a.txt,430500,,,,\nmissing.txt,430500,,,,\n", 3, "file missing.txt does not exist"),
    ("a.txt,430500,,,,\n./a.txt,431300,,,,\n", 3, "listed twice (first on line 2)"),
    ("a.txt,430500,,,,,extra\n", 2, "7 values for 6 columns"),
])
def test_bad_rows_name_the_manifest_and_the_line(docs, body, line, problem):
    path = write(docs, body)
    with pytest.raises(ManifestError) as err:
        read_manifest(path)
    assert str(err.value).startswith(f"{path}, line {line}: ")
    assert problem in str(err.value)


@pytest.mark.parametrize("header, problem", [
    ("region,issuer\n", "no 'file' column"),
    ("file,regoin\n", "unknown column 'regoin'"),
    ("", "empty manifest"),
])
def test_bad_headers(tmp_path, header, problem):
    p = tmp_path / "m.csv"
    p.write_text(header, encoding="utf-8")
    with pytest.raises(ManifestError, match=problem) as err:
        read_manifest(p)
    assert str(err.value).startswith(f"{p}, line 1: ")


def test_not_utf8_and_missing_file(tmp_path):
    p = tmp_path / "m.csv"
    p.write_bytes(HEADER.encode() + "a.txt,娄底市\n".encode("gb18030"))
    with pytest.raises(ManifestError, match="not UTF-8"):
        read_manifest(p)
    with pytest.raises(ManifestError, match="no such manifest file"):
        read_manifest(tmp_path / "nope.csv")


def test_discovery_merges_folders_and_refuses_a_document_listed_twice(docs):
    write(docs, "a.txt,430500,,,,\n")
    write(docs / "sub", "b.txt,430626,,,,\n")
    m = find_manifest([docs, docs / "sub", docs])
    assert len(m) == 2 and len(m.paths) == 2
    assert find_manifest([docs / "nothing-here"]) is None
    write(docs / "sub", "../a.txt,431300,,,,\n", name="manifest.csv")
    with pytest.raises(ManifestError, match=r"line 2: .*a\.txt is already listed in .*manifest\.csv, line 2"):
        find_manifest([docs, docs / "sub"])
