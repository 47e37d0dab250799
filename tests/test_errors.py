"""Every error the project raises on purpose derives from graph.errors.FulianError, so the CLI
catches one type; and the CLI prints such an error as one line with its exit code, no traceback."""

from __future__ import annotations

import ast
import importlib
import inspect

import pytest

from conftest import ROOT
from graph.errors import FulianError

PACKAGES = ("graph", "loaders", "queries", "views", "fulian")
NOT_ERRORS = {"fulian.cli._Terminated"}  # SIGTERM turned into an interrupt: control flow, not an error


def _error_classes() -> list[tuple[str, str]]:
    """(module, class name) of every class defined in our packages whose name says it is an error."""
    found = []
    for top in PACKAGES:
        for path in sorted((ROOT / top).rglob("*.py")) if (ROOT / top).is_dir() else []:
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            module = ".".join(parts)
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            for node in tree.body:
                if isinstance(node, ast.ClassDef) and node.bases and any(
                        isinstance(b, (ast.Name, ast.Attribute)) for b in node.bases):
                    found.append((module, node.name))
    return found


def test_every_exception_class_derives_from_the_one_base():
    checked, bad = 0, []
    for module, name in _error_classes():
        cls = getattr(importlib.import_module(module), name)
        if not (inspect.isclass(cls) and issubclass(cls, BaseException)):
            continue
        if f"{module}.{name}" in NOT_ERRORS:
            continue
        checked += 1
        if not issubclass(cls, FulianError):
            bad.append(f"{module}.{name}")
    assert not bad, f"derive these from graph.errors.FulianError: {bad}"
    assert checked >= 15, f"only {checked} error classes found: the walk is broken"


@pytest.mark.parametrize("module,name,builtin", [
    ("graph.store", "StoreError", RuntimeError), ("graph.model", "SchemaError", ValueError),
    ("loaders.manifest", "ManifestError", ValueError), ("loaders.pipeline", "BuildError", RuntimeError)])
def test_errors_keep_their_builtin_base(module, name, builtin):
    assert issubclass(getattr(importlib.import_module(module), name), builtin)


def test_cli_prints_a_library_error_it_never_listed(capsys, monkeypatch):
    # a data-file error deep in the loaders was not among the CLI's caught types before the base class
    from fulian import cli
    from loaders.patterns import DataFileError

    def boom(args):
        raise DataFileError("patterns.json: key 'x' must be a list; fix the file")

    parser = cli.build_parser()
    args = parser.parse_args(["schema"])
    monkeypatch.setattr(cli, "build_parser", lambda: _Fixed(parser, boom))
    code = cli.main(["schema"])
    err = capsys.readouterr().err
    assert code == 1 and err.strip() == "error: patterns.json: key 'x' must be a list; fix the file"
    assert args.func is not boom


class _Fixed:
    """A parser whose parsed arguments call `func`."""

    def __init__(self, parser, func):
        self.parser, self.func = parser, func

    def parse_args(self, argv):
        args = self.parser.parse_args(argv)
        args.func = self.func
        return args
