"""Incremental equals fresh: after random sequences of added, edited and removed files, a build with
--prune gives exactly the graph a fresh build of the final files gives, on both stores."""

import os
import random

import pytest

from conftest import ROOT
from graph.nx_store import NetworkxStore
from loaders.pipeline import build

CORPUS = ROOT / "data" / "corpus"
DOCS = [p.read_text(encoding="utf-8").splitlines() for p in sorted(CORPUS.glob("*.txt"))]
HEAD = 4  # title, number, issuer and date lines stay, so most versions name a federation
SEEDS = int(os.environ.get("FULIAN_PROPERTY_SEEDS", 6))  # sequences per store (CI: 6; more to hunt)


def version(rng: random.Random, lines: list[str]) -> list[str]:
    """Some of a document's body lines, in order, after its head."""
    body = lines[HEAD:]
    keep = sorted(rng.sample(range(len(body)), k=rng.randint(3, min(25, len(body)))))
    return lines[:HEAD] + [body[i] for i in keep]


def edit(rng: random.Random, lines: list[str]) -> list[str]:
    """Drop a few lines, or bring in lines of another document (with their campaigns and aliases)."""
    lines = list(lines)
    if rng.random() < 0.5 and len(lines) > HEAD + 2:
        for _ in range(rng.randint(1, 3)):
            if len(lines) > HEAD + 1:
                del lines[rng.randrange(HEAD, len(lines))]
    else:
        other = rng.choice(DOCS)[HEAD:]
        for line in rng.sample(other, k=min(3, len(other))):
            lines.insert(rng.randint(HEAD, len(lines)), line)
    return lines


def sequence(rng: random.Random, steps: int):
    """Yield the files ({name: text}) after each of `steps` random additions, edits and removals."""
    files: dict[str, str] = {}
    names = ["a.txt", "b.txt", "sub/c.txt", "sub/d.md"]
    for _ in range(steps):
        free = [n for n in names if n not in files]
        ops = (["add"] * 2 if free else []) + (["edit"] * 3 + ["remove"] if files else [])
        op = rng.choice(ops)
        if op == "add":
            name, lines = rng.choice(free), version(rng, rng.choice(DOCS))
        elif op == "edit":
            name = rng.choice(sorted(files))
            lines = edit(rng, files[name].splitlines())
        else:
            del files[rng.choice(sorted(files))]
            yield dict(files)
            continue
        text = "\n".join(lines) + "\n"
        if text not in files.values():  # identical copies are one document by design: not this test
            files[name] = text
        yield dict(files)


def write_files(root, files):
    for p in sorted(root.rglob("*"), reverse=True):
        if p.is_file() and str(p.relative_to(root)) not in files:
            p.unlink()
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


def snapshot(store):
    return store.nodes(), store.relationships()


def differences(a, b):
    """A short account of how two snapshots differ (for the failure message)."""
    out = []
    for kind, (x, y) in (("node", (a[0], b[0])), ("relationship", (a[1], b[1]))):
        xs, ys = {r["id"]: r for r in x}, {r["id"]: r for r in y}
        out += [f"{kind} only in the incremental graph: {k}" for k in sorted(set(xs) - set(ys))]
        out += [f"{kind} only in the fresh graph: {k}" for k in sorted(set(ys) - set(xs))]
        out += [f"{kind} {k}: {[(f, xs[k].get(f), ys[k].get(f)) for f in sorted(set(xs[k]) | set(ys[k])) if xs[k].get(f) != ys[k].get(f)]}"
                for k in sorted(set(xs) & set(ys)) if xs[k] != ys[k]]
    return out[:10]


@pytest.mark.parametrize("seed", range(SEEDS))
def test_incremental_equals_fresh(empty_store, tmp_path, seed):
    rng = random.Random(f"{empty_store.backend}-{seed}")
    root = tmp_path / "docs"
    root.mkdir()
    steps = 10 if empty_store.backend == "embedded" else 6
    for i, files in enumerate(sequence(rng, steps)):
        write_files(root, files)
        if not files:
            continue
        build([root], empty_store, prune=True)
        if i % 2 == 1 or i == steps - 1:
            fresh = NetworkxStore()
            build([root], fresh)
            diff = differences(snapshot(empty_store), snapshot(fresh))
            assert not diff, f"step {i + 1} ({sorted(files)}): " + "; ".join(diff)
