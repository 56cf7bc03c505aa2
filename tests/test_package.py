"""The package's shape: the pipeline's stages as packages, imports that only flow down it, small modules."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import qa

PROJECT = Path(__file__).resolve().parent.parent
# The stages in data-flow order; a module may import from its own stage and the ones before it, never after.
# The foundation (errors, settings, the idea of a word, the JSON form) sits under every stage; the assistant
# composes the stages; operations run it; the public API and the CLI face the user. Presentation (reflowed text,
# Markdown, progress) needs only the foundation at run time, seeing results through their types, so that every
# stage may format with it (Answer.to_markdown).
ORDER = {"foundation": 0, "present": 1, "ingest": 2, "embed": 3, "index": 4, "retrieve": 5, "answer": 6,
         "evidence": 7, "assistant": 8, "ops": 9, "facade": 10}
STAGES = ["answer", "embed", "evidence", "index", "ingest", "ops", "present", "retrieve"]
FOUNDATION = {"errors", "settings", "text", "serialize"}
# The public modules the README documents beyond the foundation, each under its one name, in its stage.
PUBLIC_MODULES = ["present.reflow", "ops.health", "present.progress", "present.messages"]
TOP_LEVEL = sorted(FOUNDATION | {"__init__", "assistant", "cli"})


def _module(path: Path) -> str:
    """qa/index/store/reader.py -> qa.index.store.reader; a package's __init__.py -> the package."""
    parts = path.relative_to(PROJECT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


FILES = {_module(p): p for d in ("qa", "ui") for p in sorted((PROJECT / d).rglob("*.py"))}


def _stage(module: str) -> int:
    parts = module.split(".")
    if parts[0] == "ui":
        return 11
    if len(parts) == 1 or parts[1] == "cli":
        return ORDER["facade"]
    if parts[1] in FOUNDATION:
        return ORDER["foundation"]
    return ORDER[parts[1]]


def _type_only(tree: ast.Module) -> set[int]:
    """Line numbers of imports under `if TYPE_CHECKING:` (never executed, so never part of a cycle)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            lines.update(n.lineno for stmt in node.body for n in ast.walk(stmt) if isinstance(n, (ast.Import, ast.ImportFrom)))
    return lines


def _imports(module: str) -> dict[str, list[str]]:
    """Every project module a file imports, deferred imports inside functions included: {module: [names]}."""
    path = FILES[module]
    tree = ast.parse(path.read_text())
    skip = _type_only(tree)
    package = module.split(".") if path.stem == "__init__" else module.split(".")[:-1]
    found: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                if f"{base}.{alias.name}" in FILES:
                    found.setdefault(f"{base}.{alias.name}", [])
                else:
                    found.setdefault(base, []).append(alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                found.setdefault(alias.name, [])
    return {m: names for m, names in found.items() if m in FILES and m != module}


GRAPH = {m: _imports(m) for m in FILES}


def test_the_public_api_is_the_verbs_settings_assistant_and_result_types():
    assert sorted(qa.__all__) == ["Answer", "Assistant", "BuildReport", "Citation", "DocumentRecord", "Hit",
                                  "IndexStatus", "PageView", "SUPPORTED_SUFFIXES", "Settings", "ask", "build_index",
                                  "check_bytes", "content_hash", "search"]


def test_the_package_is_the_pipeline_stages_plus_the_top_level_modules():
    assert sorted(p.name for p in (PROJECT / "qa").iterdir() if (p / "__init__.py").exists()) == STAGES
    assert sorted(p.stem for p in (PROJECT / "qa").glob("*.py")) == TOP_LEVEL


@pytest.mark.parametrize("name", ["errors", "serialize", *PUBLIC_MODULES])
def test_the_documented_public_modules_import_under_their_one_name(name):
    importlib.import_module(f"qa.{name}")  # and TOP_LEVEL has no second, top-level name re-exporting it


def test_no_import_cycles_counting_deferred_imports():
    cycles = []

    def visit(m: str, path: list[str]) -> None:
        for n in GRAPH[m]:
            if n in path:
                cycles.append(path[path.index(n):] + [n])
            elif len(path) < 15:
                visit(n, path + [n])

    for m in GRAPH:
        visit(m, [m])
    assert sorted({" -> ".join(c) for c in cycles}) == []


def test_imports_flow_down_the_pipeline_never_up():
    upward = sorted(f"{m} -> {n}" for m, deps in GRAPH.items() for n in deps
                    if m.startswith("qa") and n != "qa" and _stage(n) > _stage(m))
    assert upward == []


def test_the_library_never_imports_the_ui():
    assert sorted(f"{m} -> {n}" for m, deps in GRAPH.items() for n in deps
                  if m.startswith("qa") and n.startswith("ui")) == []


def test_no_module_imports_another_modules_private_names():
    private = sorted(f"{m} -> {n}.{name}" for m, deps in GRAPH.items() for n, names in deps.items()
                     for name in names if name.startswith("_") and name != "__version__")
    assert private == []


@pytest.mark.parametrize("folder", ["qa", "ui"])
def test_every_module_reads_in_one_sitting(folder):
    long = {p.name: n for p in (PROJECT / folder).rglob("*.py") if (n := len(p.read_text().splitlines())) > 300}
    assert long == {}
