"""The package's shape: a small public API, every submodule reachable as qa.<name>, no import cycles."""

from __future__ import annotations

import ast
import importlib
import types
from pathlib import Path

import pytest

import qa

PROJECT = Path(__file__).resolve().parent.parent
MODULES = sorted(p.stem for p in (PROJECT / "qa").glob("*.py") if p.stem != "__init__") + sorted(
    p.parent.name for p in (PROJECT / "qa").glob("*/__init__.py"))  # and the subpackages (qa.index.store)


def _module(path: Path) -> str:
    """qa/store/reader.py -> qa.index.store.reader; a package's __init__.py -> the package."""
    parts = path.relative_to(PROJECT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_the_public_api_is_the_verbs_settings_assistant_and_result_types():
    assert sorted(qa.__all__) == ["Answer", "Assistant", "BuildReport", "Citation", "DocumentRecord", "Hit",
                                  "IndexStatus", "PageView", "SUPPORTED_SUFFIXES", "Settings", "ask", "build_index",
                                  "check_bytes", "content_hash", "search"]


@pytest.mark.parametrize("name", MODULES)
def test_every_submodule_is_reachable_as_an_attribute_of_qa(name):
    importlib.import_module(f"qa.{name}")
    assert isinstance(getattr(qa, name), types.ModuleType), f"qa.{name} is shadowed by a name in qa/__init__.py"


def _imports(path: Path, module: str) -> set[str]:
    """The project modules a file imports at module level (imports inside functions are deferred on purpose)."""
    found = set()
    package = module.split(".") if path.stem == "__init__" else module.split(".")[:-1]
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from . import x / from ..x import y
                base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # from .store import backends
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_no_module_level_import_cycles_in_qa_and_ui():
    files = {_module(p): p for d in ("qa", "ui") for p in (PROJECT / d).rglob("*.py") if p.parent.name != d
             or p.stem != "__init__"}
    graph = {m: {i for i in _imports(p, m) if i in files and i != m} for m, p in files.items()}
    cycles = []

    def visit(m, path):
        for n in graph[m]:
            if n in path:
                cycles.append(path[path.index(n):] + [n])
            elif len(path) < 12:
                visit(n, path + [n])

    for m in graph:
        visit(m, [m])
    assert cycles == []


@pytest.mark.parametrize("folder", ["qa", "ui"])
def test_every_module_reads_in_one_sitting(folder):
    long = {p.name: n for p in (PROJECT / folder).rglob("*.py") if (n := len(p.read_text().splitlines())) > 300}
    assert long == {}
