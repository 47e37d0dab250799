"""The folders tell the dependency story: graph <- loaders, queries <- views, CLI (fulian).

Every import in the project's packages is read with ast (also those inside functions) and checked
against what its package may use. The library (graph, loaders, queries, views) never imports fulian.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

OURS = ("graph", "loaders", "queries", "views", "fulian")
MAY_IMPORT = {
    "graph": {"graph"},
    "loaders": {"graph", "loaders"},
    "queries": {"graph", "queries"},
    "views": {"graph", "queries", "views"},
    "fulian": set(OURS),
}

# (importing module, imported module) pairs that still run against the layering, each to be removed
# as it is fixed.
EXCEPTIONS: set[tuple[str, str]] = set()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in a file, relative ones made absolute; `from x import y`
    counts as importing x.y when y is a module of ours, else as importing x."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            for a in node.names:
                sub = f"{name}.{a.name}"
                found.append((node.lineno, sub if _resolves(sub) else name))
    return found


def _resolves(name: str) -> bool:
    """Whether a dotted name is one of our modules or packages (not a function or class in one)."""
    p = ROOT.joinpath(*name.split("."))
    return p.with_suffix(".py").is_file() or (p / "__init__.py").is_file()


def violations() -> set[tuple[str, str, str]]:
    """(importing module, imported module, where) for every import against the layering."""
    found = set()
    for top in OURS:
        for path in sorted((ROOT / top).rglob("*.py")) if (ROOT / top).is_dir() else []:
            importer = _module_name(path)
            for line, name in _imports(path):
                target = name.split(".")[0]
                if target not in OURS:
                    continue
                if target not in MAY_IMPORT[top]:
                    found.add((importer, name, f"{path.relative_to(ROOT)}:{line}"))
    return found


def test_no_import_runs_against_the_layering():
    bad = sorted(v for v in violations() if (v[0], v[1]) not in EXCEPTIONS)
    assert not bad, "imports against the layering (graph <- loaders, queries <- views, fulian):\n" + "\n".join(
        f"  {where}: {importer} imports {name}" for importer, name, where in bad)


def test_every_exception_is_still_needed():
    stale = EXCEPTIONS - {(v[0], v[1]) for v in violations()}
    assert not stale, f"no longer imported, remove from EXCEPTIONS: {sorted(stale)}"


def test_the_walk_sees_imports_inside_functions_and_relative_ones():
    # the checker itself: a function-level import and a relative one are both found and resolved
    src = ROOT / "loaders" / "issuer.py"
    names = {n for _, n in _imports(src)}
    assert "graph.gazetteer" in names and "loaders.federations" in names  # absolute, relative
    fn_level = ROOT / "graph" / "store.py"
    assert "graph.nx_store" in {n for _, n in _imports(fn_level)}
