"""What the CLI writes to a terminal: no control characters from file names, any encoding, any pipe."""

from __future__ import annotations

import os
import sys

# C0/C1 controls and DEL, and the bidirectional overrides that make a name read backwards
_UNSAFE = {c for c in range(0x20)} | {0x7F} | set(range(0x80, 0xA0)) | \
    {0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
_ESCAPES = {c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in _UNSAFE}


def printable(text: str, keep_newlines: bool = False) -> str:
    """`text` with control characters written as escapes (`\\x1b`), so a file name cannot move the
    cursor, colour the terminal or split a one-line message."""
    table = _ESCAPES if not keep_newlines else {k: v for k, v in _ESCAPES.items() if k != 0x0A}
    return text.translate(table)


def guard_streams() -> list[str]:
    """Make stdout and stderr write what their encoding cannot show as escapes instead of failing;
    returns the names of the streams that needed it."""
    changed = []
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        try:
            "妇联—“”".encode(stream.encoding or "ascii")
        except (UnicodeEncodeError, LookupError):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (AttributeError, ValueError):
                continue
            changed.append(f"{name} ({stream.encoding})")
    return changed


def encoding_note(streams: list[str]) -> str:
    return (f"note: the terminal's encoding cannot show Chinese ({', '.join(streams)}): such characters are "
            "written as \\u escapes; set LANG=C.UTF-8 (or PYTHONIOENCODING=utf-8) to see them")


def silence_stdout() -> None:
    """After the reader of our output went away (`| head`): send the rest nowhere, quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
