"""The combined jieba dictionary is shared by every checkout and venv with the same inputs: keyed by
content, and a younger dictionary of another key is never removed (another process may be reading it)."""

from __future__ import annotations

import os
import time

from loaders import resources


def test_same_content_other_file_time_same_dictionary(tmp_path, monkeypatch):
    monkeypatch.setenv("FULIAN_CACHE_DIR", str(tmp_path / "cache"))
    import jieba
    from pathlib import Path

    main = Path(jieba.__file__).parent / "dict.txt"
    a, b = tmp_path / "a" / "dict.txt", tmp_path / "b" / "dict.txt"
    for p, when in ((a, 1_000_000_000), (b, 1_700_000_000)):
        p.parent.mkdir()
        p.write_bytes(main.read_bytes()[:200_000])
        os.utime(p, (when, when))
    first = resources._combined_dictionary(a, resources.MAIN_DICT_MIN_FREQ)
    second = resources._combined_dictionary(b, resources.MAIN_DICT_MIN_FREQ)
    assert first == second and first.is_file()
    b.write_bytes(b.read_bytes() + "新词 3 n\n".encode())
    third = resources._combined_dictionary(b, resources.MAIN_DICT_MIN_FREQ)
    assert third != first
    assert first.is_file(), "a dictionary written moments ago (maybe another venv's, in use) was removed"


def test_a_week_old_dictionary_is_removed(tmp_path):
    keep = tmp_path / "jieba-dict-new.txt"
    old = tmp_path / "jieba-dict-old.txt"
    young = tmp_path / "jieba-dict-young.txt"
    for p in (keep, old, young):
        p.write_text("x 1\n", encoding="utf-8")
    week_ago = time.time() - resources.STALE_AFTER_S - 60
    os.utime(old, (week_ago, week_ago))
    resources._remove_stale(tmp_path, keep)
    assert keep.is_file() and young.is_file() and not old.exists()
