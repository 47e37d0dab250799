"""One text mutator for the fuzz tests and the generated-input harness: random deletions,
insertions of punctuation, control and random characters, cut spans and copied spans."""

from __future__ import annotations

import random

PUNCT = "\n\n，。“”《》()（）:,\"' \t\r\x00\u3000\ufeff妇联市区县"


def mutate(text: str, rng: random.Random, *, edits: int = 40, cut: int = 200, copy: int = 80) -> str:
    """`text` with 1..`edits` random edits; spans cut are up to `cut` characters (0: no cuts),
    spans copied up to `copy`."""
    chars = list(text)
    ops = ["delete", "punct", "char", "copy"] + (["cut"] if cut else [])
    for _ in range(rng.randint(1, edits)):
        op = rng.choice(ops)
        i = rng.randrange(len(chars) + 1)
        if op == "delete" and chars:
            del chars[min(i, len(chars) - 1)]
        elif op == "punct":
            chars.insert(i, rng.choice(PUNCT))
        elif op == "cut":
            del chars[i:i + rng.randint(1, cut)]
        elif op == "char":
            chars.insert(i, chr(rng.randrange(0x20, 0x2FFFF)))
        elif op == "copy":
            k = rng.randrange(len(chars) + 1)
            chars[i:i] = chars[k:k + rng.randint(1, copy)]
    return "".join(chars)
