"""Load the rule/lexicon data files under loaders/data/ once (module-level cache)."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path


from .literals import words_regex
from .patterns import DataFileError, load_patterns

DATA_DIR = Path(__file__).parent / "data"


def _numbered_lines(name: str) -> list[tuple[int, str]]:
    """(line number, line) of a data file, without blank lines and # comments."""
    path = DATA_DIR / name
    if not path.exists():
        raise DataFileError(f"{path}: missing data file: restore it from the project (git checkout -- {name})")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        line = path.read_bytes()[: e.start].count(b"\n") + 1
        raise DataFileError(f"{path}:{line}: not UTF-8 text") from e
    return [(i, line) for i, line in enumerate(text.splitlines(), 1)
            if line.strip() and not line.lstrip().startswith("#")]


def _lines(name: str) -> list[str]:
    return [line for _i, line in _numbered_lines(name)]


@dataclass
class Lexicon:
    """canonical → aliases, plus reverse surface → canonical."""

    canonical: dict[str, list[str]] = field(default_factory=dict)
    surface: dict[str, str] = field(default_factory=dict)
    regex: re.Pattern | None = None

    @classmethod
    def from_tsv(cls, name: str) -> "Lexicon":
        lex = cls()
        for no, line in _numbered_lines(name):
            parts = line.split("\t")
            canon = parts[0].strip()
            if not canon or len(parts) > 2:
                raise DataFileError(f"{DATA_DIR / name}:{no}: expected 'name<TAB>alias|alias…', got {line!r}")
            aliases = [a.strip() for a in parts[1].split("|")] if len(parts) > 1 else []
            aliases = [a for a in aliases if a]
            lex.canonical[canon] = aliases
            lex.surface.setdefault(canon, canon)
            for a in aliases:
                lex.surface.setdefault(a, canon)
        if lex.surface:
            lex.regex = words_regex(lex.surface)
        return lex


@dataclass
class Departments:
    kind: dict[str, str]  # canonical → own|partner
    surface: dict[str, str]  # alias → canonical
    regex: re.Pattern


@dataclass
class Resources:
    patterns: dict
    campaigns: Lexicon
    laws: Lexicon
    slogans: set[str]
    campaign_stop: set[str]
    departments: Departments
    surnames: set[str]


@lru_cache(maxsize=1)
def get_resources() -> Resources:
    patterns = load_patterns(DATA_DIR / "patterns.json")
    kinds: dict[str, str] = {}
    surface: dict[str, str] = {}
    for no, line in _numbered_lines("departments.tsv"):
        parts = line.split("\t") + ["", ""]
        name, kind, aliases = parts[0].strip(), parts[1].strip() or "partner", parts[2]
        if not name or kind not in ("own", "partner") or len(line.split("\t")) > 3:
            raise DataFileError(f"{DATA_DIR / 'departments.tsv'}:{no}: expected 'name<TAB>own|partner<TAB>aliases', "
                                f"got {line!r}")
        kinds[name] = kind
        surface[name] = name
        for a in aliases.split("|"):
            if a.strip():
                surface.setdefault(a.strip(), name)
    dep_re = words_regex(kinds)
    surnames = set()
    for no, line in _numbered_lines("surnames.txt"):
        for w in line.split():
            if not re.fullmatch(r"[\u3400-\u9fff]{1,2}", w):
                raise DataFileError(f"{DATA_DIR / 'surnames.txt'}:{no}: {w!r} is not a one- or two-character surname")
            surnames.add(w)
    return Resources(
        patterns=patterns,
        campaigns=Lexicon.from_tsv("campaigns.tsv"),
        laws=Lexicon.from_tsv("laws.tsv"),
        slogans={s.strip() for s in _lines("slogans.txt")},
        campaign_stop={s.strip() for s in _lines("campaign_stop.txt")},
        departments=Departments(kinds, surface, dep_re),
        surnames=surnames,
    )


# Words of jieba's dictionary rarer than this are left out of ours unless they contain a boundary
# word or a campaign/law suffix (those decide the token starts that boundary detection reads).
# Extraction output was compared document by document on the sample, held-out and 2,000
# generated documents: identical. The prefix dictionary jieba loads at start-up shrinks from
# about 498,000 to 84,000 entries.
MAIN_DICT_MIN_FREQ = 50
# jieba's frequency total is kept: the words left out are summed into one entry that no text contains
_UNUSED_WORD = "\ue000"


def cache_dir() -> Path:
    """Where the combined jieba dictionary and jieba's cache of it live (FULIAN_CACHE_DIR to move)."""
    env = os.environ.get("FULIAN_CACHE_DIR")
    if env:
        return Path(os.path.abspath(env))
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "fulian-kg"


def _domain_words() -> list[tuple[str, int]]:
    """Our words in the order they are added on top of jieba's dictionary (later entries win)."""
    words: list[tuple[str, int]] = []
    for no, line in _numbered_lines("jieba_userdict.txt"):
        parts = line.strip().split()
        if len(parts) < 2 or not parts[1].isdigit():
            raise DataFileError(f"{DATA_DIR / 'jieba_userdict.txt'}:{no}: give a frequency for {line!r} "
                                "('word frequency [tag]', as jieba's dictionary)")
        words.append((parts[0], int(parts[1])))
    res = get_resources()
    words += [(w, 20000) for w in res.patterns.get("boundary_words", []) if len(w) > 1]
    for lex in (res.campaigns, res.laws):
        words += [(s, 2000) for s in lex.surface if len(s) > 1]
    words += [(s, 2000) for s in res.departments.surface if len(s) > 1]
    return words


def _dictionary_lines(main_dict: Path, min_freq: int, marks: list[str], words: list[tuple[str, int]]) -> list[str]:
    near = re.compile("|".join(re.escape(w) for w in sorted(marks, key=len, reverse=True))) if marks else None
    kept, left_out = [], 0
    with open(main_dict, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(" ")
            if len(parts) < 2:
                continue
            freq = int(parts[1])
            if freq >= min_freq or (near is not None and near.search(parts[0])):
                kept.append(f"{parts[0]} {freq}\n")
            else:
                left_out += freq
    if left_out:
        kept.append(f"{_UNUSED_WORD} {left_out}\n")
    # like Tokenizer.add_word: a repeated word takes the last frequency and every one counts in the total
    kept += [f"{w} {f}\n" for w, f in words]
    return kept


def _combined_dictionary(main_dict: Path, min_freq: int) -> Path:
    """jieba's dict.txt (restricted, see MAIN_DICT_MIN_FREQ) followed by our words, written once
    per version of the inputs; jieba then keeps its own prefix-dictionary cache next to it."""
    words = _domain_words()
    pats = get_resources().patterns
    marks = sorted({w for k in ("boundary_words", "campaign_suffixes", "law_suffixes") for w in pats.get(k, [])})
    # by content, not by the file's time: every checkout and venv with the same jieba shares one file
    # (keyed by time, two venvs kept replacing each other's dictionary while the other was reading it)
    key = hashlib.sha1(repr((_file_digest(main_dict), min_freq, marks, words)).encode("utf-8")).hexdigest()[:16]
    name = f"jieba-dict-{key}.txt"
    for out_dir in (cache_dir(), Path(tempfile.gettempdir()) / "fulian-kg"):
        path = out_dir / name
        if path.exists():
            return path
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            lines = _dictionary_lines(main_dict, min_freq, marks, words)
            fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=".jieba-dict-")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.writelines(lines)
            os.replace(tmp, path)
        except OSError:
            continue  # not writable: the next place
        _remove_stale(out_dir, keep=path)
        return path
    raise OSError(f"cannot write the jieba dictionary to {cache_dir()} (set FULIAN_CACHE_DIR)")


def _file_digest(path: Path) -> str:
    """sha1 of a file's bytes, read again only when its size or time moved."""
    st = path.stat()
    return _digest(str(path), st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=4)
def _digest(path: str, size: int, mtime_ns: int) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha1(fh.read()).hexdigest()


STALE_AFTER_S = 7 * 86400  # another project version or jieba may still be using a newer one


def _remove_stale(out_dir: Path, keep: Path) -> None:
    """Combined dictionaries not written for a week, and jieba's caches of them (jieba names a
    cache by its path's md5). A younger one may be another checkout's, read at this moment."""
    now = time.time()
    for old in out_dir.glob("jieba-dict-*.txt"):
        try:
            if old == keep or now - old.stat().st_mtime < STALE_AFTER_S:
                continue
        except OSError:
            continue
        cache = out_dir / f"jieba.u{hashlib.md5(str(old).encode('utf-8', 'replace')).hexdigest()}.cache"
        for f in (old, cache):
            try:
                f.unlink()
            except OSError:
                pass


def _import_jieba():
    """jieba, imported on its plain-file path: jieba uses setuptools' pkg_resources only to open
    its own data files when it is importable, and importing pkg_resources costs more than the
    rest of jieba's import. A process that already has pkg_resources keeps using it."""
    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba

        return jieba
    sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # import pkg_resources → ImportError
    try:
        import jieba
    finally:
        if sys.modules.get("pkg_resources", False) is None:
            del sys.modules["pkg_resources"]
    return jieba


@lru_cache(maxsize=1)
def get_tokenizer():
    """A private jieba Tokenizer over our combined dictionary (HMM off at call sites).

    Built on first use, so importing the extractor stays cheap. The dictionary file is made
    once (see `_combined_dictionary`) and jieba caches its prefix dictionary next to it, so a
    new process only unmarshals that cache instead of adding our words one by one.
    """
    jieba = _import_jieba()
    jieba.setLogLevel(logging.WARNING)
    main = Path(jieba.__file__).parent / "dict.txt"
    path = _combined_dictionary(main, MAIN_DICT_MIN_FREQ)
    tk = jieba.Tokenizer(dictionary=str(path))
    tk.tmp_dir = str(path.parent)
    tk.initialize()
    return tk
