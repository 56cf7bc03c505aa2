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
# Markdown, progress) needs only the foundation at run time, seeing results through their types; the CLI and the
# page call it for Markdown, so that no result type calls back up into it.
ORDER = {
    "foundation": 0,
    "present": 1,
    "ingest": 2,
    "embed": 3,
    "index": 4,
    "retrieve": 5,
    "answer": 6,
    "evidence": 7,
    "assistant": 8,
    "ops": 9,
    "facade": 10,
}
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


def _imports(module: str, typing: bool = False) -> dict[str, list[str]]:
    """Every project module a file imports, deferred imports inside functions included: {module: [names]}.

    typing: with the imports under `if TYPE_CHECKING:` too (a cycle of those is one in the design).
    """
    path = FILES[module]
    tree = ast.parse(path.read_text())
    skip = set() if typing else _type_only(tree)
    package = module.split(".") if path.stem == "__init__" else module.split(".")[:-1]
    found: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
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
TYPED_GRAPH = {m: _imports(m, typing=True) for m in FILES}


def test_the_public_api_is_the_verbs_settings_assistant_and_result_types():
    assert sorted(qa.__all__) == [
        "Answer",
        "Assistant",
        "BuildReport",
        "Citation",
        "DocumentRecord",
        "Hit",
        "IndexStatus",
        "PageView",
        "SUPPORTED_SUFFIXES",
        "Settings",
        "ask",
        "build_index",
        "check_bytes",
        "content_hash",
        "search",
    ]


def test_the_public_names_a_question_does_not_need_are_the_same_objects_when_read():
    from qa.evidence.page_view import PageView
    from qa.index.build import BuildReport
    from qa.ingest.readers import SUPPORTED_SUFFIXES

    assert (qa.BuildReport, qa.PageView, qa.SUPPORTED_SUFFIXES) == (BuildReport, PageView, SUPPORTED_SUFFIXES)
    with pytest.raises(AttributeError, match="module 'qa' has no attribute 'Index'"):
        qa.Index  # noqa: B018  (reading it is the point)


def test_the_package_is_the_pipeline_stages_plus_the_top_level_modules():
    assert sorted(p.name for p in (PROJECT / "qa").iterdir() if (p / "__init__.py").exists()) == STAGES
    assert sorted(p.stem for p in (PROJECT / "qa").glob("*.py")) == TOP_LEVEL


@pytest.mark.parametrize("name", ["errors", "serialize", *PUBLIC_MODULES])
def test_the_documented_public_modules_import_under_their_one_name(name):
    importlib.import_module(f"qa.{name}")  # and TOP_LEVEL has no second, top-level name re-exporting it


def _cycles(graph: dict[str, dict[str, list[str]]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan): each holds at least one cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(m: str) -> None:
        index[m] = low[m] = len(index)
        stack.append(m)
        for n in graph[m]:
            if n not in index:
                visit(n)
                low[m] = min(low[m], low[n])
            elif n in stack:
                low[m] = min(low[m], index[n])
        if low[m] == index[m]:
            group = stack[stack.index(m) :]
            del stack[stack.index(m) :]
            if len(group) > 1:
                groups.append(sorted(group))

    for m in sorted(graph):
        if m not in index:
            visit(m)
    return sorted(groups)


def test_no_import_cycles_counting_deferred_imports():
    assert _cycles(GRAPH) == []


def test_no_import_cycles_counting_typing_only_imports():
    assert _cycles(TYPED_GRAPH) == []


def test_imports_flow_down_the_pipeline_never_up():
    upward = sorted(
        f"{m} -> {n}" for m, deps in GRAPH.items() for n in deps if m.startswith("qa") and n != "qa" and _stage(n) > _stage(m)
    )
    assert upward == []


def test_the_library_never_imports_the_ui():
    assert sorted(f"{m} -> {n}" for m, deps in GRAPH.items() for n in deps if m.startswith("qa") and n.startswith("ui")) == []


def test_no_module_imports_another_modules_private_names():
    private = sorted(
        f"{m} -> {n}.{name}"
        for m, deps in GRAPH.items()
        for n, names in deps.items()
        for name in names
        if name.startswith("_") and name != "__version__"
    )
    assert private == []


def _module_names(module: str, tree: ast.Module) -> dict[str, str]:
    """The names a file binds to project modules: {name: module} (import qa.x as y, from qa import x, ...)."""
    path = FILES[module]
    package = module.split(".") if path.stem == "__init__" else module.split(".")[:-1]
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and alias.name in FILES:
                    names[alias.asname] = alias.name
                elif not alias.asname:
                    names[alias.name.split(".")[0]] = alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[: len(package) - node.level + 1] + ([base] if base else []))
            for alias in node.names:
                if f"{base}.{alias.name}" in FILES:
                    names[alias.asname or alias.name] = f"{base}.{alias.name}"
    return names


def test_no_module_reads_another_modules_private_names_as_attributes():
    found = []
    for module, path in FILES.items():
        tree = ast.parse(path.read_text())
        names = _module_names(module, tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.endswith("__")):
                continue
            chain = ast.unparse(node.value)  # qa.index.bm25 or an alias of a module
            head, _, rest = chain.partition(".")
            target = ".".join(filter(None, [names.get(head, ""), rest])) if head in names else ""
            if target in FILES and target != module:
                found.append(f"{module}: {chain}.{node.attr}")
    assert sorted(found) == []


# Calls that name a protocol member but probe something else: a reason for each.
PROBES_ALLOWED = {
    ("ui.app", "name"): "a Gradio upload's temporary file (or a str), not a generation",
}


def _protocol_members() -> set[str]:
    """The members every Protocol class in qa declares (methods, properties, attributes)."""
    members: set[str] = set()
    for path in FILES.values():
        for node in ast.walk(ast.parse(path.read_text())):
            # A private protocol (serialize._Cited) only types one helper structurally; it is no seam.
            if (
                isinstance(node, ast.ClassDef)
                and not node.name.startswith("_")
                and any("Protocol" in ast.unparse(b) for b in node.bases)
            ):
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        members.add(item.name)
                    elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                        members.add(item.target.id)
    return {m for m in members if not m.startswith("_")}


def test_no_getattr_or_hasattr_probes_a_protocol_member():
    """What a protocol declares every implementation has: reading it through getattr/hasattr hides a wide seam."""
    members = _protocol_members()
    assert {"passages", "bm25", "row_source", "embed", "dense"} <= members
    probes = []
    for module, path in FILES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("getattr", "hasattr")
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value in members
                and (module, node.args[1].value) not in PROBES_ALLOWED
            ):
                probes.append(f"{module}:{node.lineno} {ast.unparse(node)}")
    assert probes == []


def test_every_ingest_reader_implements_the_reader_interface_and_reads_its_own_suffixes():
    import inspect

    from qa.errors import DocumentError
    from qa.ingest.readers import READERS, SUPPORTED_SUFFIXES, reader_for
    from qa.ingest.readers.base import Reader

    # One module per format, each with its reader in the one table; base and markup hold what readers share.
    modules = {p.stem for p in (PROJECT / "qa" / "ingest" / "readers").glob("*.py")} - {"__init__", "base", "markup"}
    assert sorted(type(r).__module__.rsplit(".", 1)[-1] for r in READERS) == sorted(modules)
    assert len(SUPPORTED_SUFFIXES) == len(set(SUPPORTED_SUFFIXES))  # each suffix has exactly one reader
    for reader in READERS:
        for method in ("name", "check", "read"):
            wanted = inspect.signature(getattr(Reader, method))
            assert inspect.signature(getattr(type(reader), method)).parameters.keys() == wanted.parameters.keys(), (
                reader,
                method,
            )
        assert reader.suffixes and all(s.startswith(".") and s == s.lower() for s in reader.suffixes)
        for suffix in reader.suffixes:
            assert reader_for(suffix) is reader
            assert isinstance(reader.name(suffix), str) and reader.name(suffix)
            with pytest.raises(DocumentError):  # NUL bytes are no file of any supported type
                reader.check(b"\x00\x01\x02 not a file of this type", suffix)
