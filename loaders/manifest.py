"""Manifests: what the user knows about each document beyond its text, as CSV.

    file,region,issuer,year,date,url
    2020/yongzhou.txt,431100,,2020,2020-04-17,http://…

UTF-8 (a BOM is accepted). Every column but ``file`` may be empty. ``file`` is relative to the
manifest's folder (or to its ``corpus/`` subfolder, the layout of a folder with corpus/ and
gold/). ``region`` is a division code (6 digits, or 9 for a township) or a place name
(永州市, 湖南省永州市, 永州). A bad row is an error naming the manifest, the line and the problem.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterable, Optional

from pydantic import ValidationError

from .types import DocHints

from graph.errors import FulianError

MANIFEST_NAME = "manifest.csv"
COLUMNS = ("file", "region", "issuer", "year", "date", "url")
CORPUS_FOLDER = "corpus"
_FED_SUFFIXES = ("妇联", "妇女联合会", "妇工委", "妇女工作委员会", "妇委会")


class ManifestError(FulianError, ValueError):
    """A manifest that cannot be used; the message names the file, the line and the problem."""


@dataclass
class Manifest:
    """Hints per document file (keyed by the file's resolved path)."""

    paths: list[Path] = field(default_factory=list)  # the manifest files read
    rows: dict[str, DocHints] = field(default_factory=dict)
    lines: dict[str, tuple[Path, int]] = field(default_factory=dict)  # where each row was written
    names: dict[str, str] = field(default_factory=dict)  # the row's `file`, as written: the document's path

    def hints_for(self, path: str | os.PathLike) -> Optional[DocHints]:
        return self.rows.get(_key(path))

    def file_name(self, path: str | os.PathLike) -> Optional[str]:
        """The `file` a row gives the document at `path` (its id is made of it: loaders.identity)."""
        return self.names.get(_key(path))

    def __len__(self) -> int:
        return len(self.rows)

    def describe(self) -> str:
        return ", ".join(map(str, self.paths)) + f" ({len(self)} documents)"

    def merge(self, other: "Manifest") -> "Manifest":
        """Both manifests' rows; a document listed in both is an error."""
        out = Manifest(self.paths + other.paths, dict(self.rows), dict(self.lines), dict(self.names))
        for key, hints in other.rows.items():
            if key in out.rows:
                (p1, l1), (p2, l2) = out.lines[key], other.lines[key]
                raise ManifestError(f"{p2}, line {l2}: {key} is already listed in {p1}, line {l1}; "
                                    "list each document once")
            out.rows[key] = hints
            out.lines[key] = other.lines[key]
            if key in other.names:
                out.names[key] = other.names[key]
        return out


def _key(path: str | os.PathLike) -> str:
    return os.path.realpath(path)


def read_manifest(path: str | os.PathLike) -> Manifest:
    """Parse and check a manifest file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ManifestError(f"{path}: no such manifest file") from None
    except OSError as e:
        raise ManifestError(f"{path}: cannot read the manifest ({e.strerror or e})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ManifestError(f"{path}: the manifest is not UTF-8 text (byte {e.start}); save it as UTF-8 CSV") from None
    reader = csv.reader(text.splitlines(keepends=True))
    header = next(reader, None)
    if header is None or not any(h.strip() for h in header):
        raise ManifestError(f"{path}, line 1: empty manifest; the first line must be the header "
                            f"{','.join(COLUMNS)}")
    header = [h.strip().lower() for h in header]
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise ManifestError(f"{path}, line 1: unknown column {unknown[0]!r}; the columns are {','.join(COLUMNS)}")
    if "file" not in header:
        raise ManifestError(f"{path}, line 1: no 'file' column; the header must be {','.join(COLUMNS)}")
    dupes = {h for h in header if header.count(h) > 1}
    if dupes:
        raise ManifestError(f"{path}, line 1: column {sorted(dupes)[0]!r} appears twice")
    out = Manifest(paths=[path])
    folder = path.parent
    for values in reader:
        line = reader.line_num
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            raise ManifestError(f"{path}, line {line}: {len(values)} values for {len(header)} columns "
                                "(quote values that contain a comma)")
        row = {h: (values[i].strip() if i < len(values) else "") for i, h in enumerate(header)}
        hints, target = _row(path, line, folder, row)
        key = _key(target)
        if key in out.rows:
            raise ManifestError(f"{path}, line {line}: {row['file']} is listed twice "
                                f"(first on line {out.lines[key][1]})")
        out.rows[key] = hints
        out.lines[key] = (path, line)
        out.names[key] = str(PurePosixPath(row["file"].replace("\\", "/")))
    return out


def _row(path: Path, line: int, folder: Path, row: dict[str, str]) -> tuple[DocHints, Path]:
    where = f"{path}, line {line}"
    name = row.get("file", "")
    if not name:
        raise ManifestError(f"{where}: the file column is empty; name the document (relative to {folder})")
    target = _locate(folder, name)
    if target is None:
        raise ManifestError(f"{where}: file {name} does not exist (looked in {folder} and "
                            f"{folder / CORPUS_FOLDER})")
    fields: dict[str, object] = {}
    if row.get("region"):
        try:
            fields["region_code"] = region_code(row["region"])
        except ValueError as e:
            raise ManifestError(f"{where}: {e}") from None
    issuer = row.get("issuer")
    if issuer:
        if not issuer.endswith(_FED_SUFFIXES):
            raise ManifestError(f"{where}: issuer {issuer!r} is not a federation name (it should end in 妇联)")
        fields["issuer"] = issuer
    if row.get("year"):
        if not row["year"].isdigit():
            raise ManifestError(f"{where}: bad year {row['year']!r}; give a four-digit year such as 2023")
        fields["year"] = int(row["year"])
    for name_ in ("date", "url"):
        if row.get(name_):
            fields[name_] = row[name_]
    try:
        return DocHints(**fields), target
    except ValidationError as e:
        problem = "; ".join(err["msg"].removeprefix("Value error, ") for err in e.errors())
        raise ManifestError(f"{where}: {problem}") from None


def _locate(folder: Path, name: str) -> Optional[Path]:
    for base in (folder, folder / CORPUS_FOLDER):
        p = base / name
        if p.is_file():
            return p
    return None


def region_code(value: str) -> str:
    """A division code for a manifest's region: a code (12-digit codes are shortened) or a place name."""
    from .federations import Context, parse_place_chain
    from graph.gazetteer import get_gazetteer

    gaz = get_gazetteer()
    value = value.strip()
    if value.isdigit():
        code = value
        if len(code) == 12 and code.endswith("000"):
            code = code[:9]
        if len(code) == 9 and code.endswith("000"):
            code = code[:6]
        if len(code) == 9 and code not in gaz.regions:
            gaz._load_townships()
        if code not in gaz.regions or len(code) not in (6, 9) or gaz.is_transparent(code):
            raise ValueError(f"unknown region code {value!r} (not a division of the gazetteer)")
        return code
    codes = gaz.lookup(value, with_townships=value.endswith(("镇", "乡", "街道", "苏木", "办事处")))
    if not codes:
        code, used = parse_place_chain(gaz, value, Context())
        if code and used == len(value):
            codes = [code]
    if not codes:
        raise ValueError(f"unknown region {value!r}: give a division code or a place name such as 永州市")
    if len(codes) > 1:
        shown = ", ".join(f"{c} {gaz.region_display(c)}" for c in sorted(codes)[:5])
        raise ValueError(f"region {value!r} is ambiguous ({shown}): give the division code")
    return codes[0]


def find_manifest(folders: Iterable[str | os.PathLike]) -> Optional[Manifest]:
    """The manifest.csv files sitting in the given folders, merged (None when there is none)."""
    found: Optional[Manifest] = None
    seen: set[str] = set()
    for folder in folders:
        p = Path(folder) / MANIFEST_NAME
        if p.is_file() and _key(p) not in seen:
            seen.add(_key(p))
            m = read_manifest(p)
            found = m if found is None else found.merge(m)
    return found
