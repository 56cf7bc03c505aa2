"""The library's sentences on the Chinese page: every sentence qa/ builds for a reader has a Chinese template."""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

from qa.present.library_sentences import ZH, in_language, template_for

QA = Path(__file__).resolve().parents[2] / "qa"
# Exceptions and values whose first (or named) argument is a sentence a reader of the page may see.
SENTENCE_CALLS = {
    "QAError",
    "CorpusNotFound",
    "EmptyCorpus",
    "InvalidQuestion",
    "IndexNotFound",
    "IndexRebuilding",
    "BuildInProgress",
    "DocumentError",
    "PageNotRendered",
    "DocumentNotRemoved",
    "Refused",
    "Unreadable",
}
SECOND_ARGUMENT = {"Skipped", "TextLimit"}
WARNING_LISTS = {"warnings", "left_out", "out"}
SENTENCE_FUNCTIONS = ("_reason", "explain", "sentence")
# Sentences for whoever runs the server or the command line, not for the page: backends, start-up settings,
# the evaluation and fitting tools, the install.
NOT_FOR_THE_PAGE = (
    "index/store/",
    "index/ray_build.py",
    "settings.py",
    "cli.py",
    "ops/",
    "answer/chinese_ranking.py",
    "text.py",
    "ingest/markup/child.py",
)


def _skeleton(node: ast.AST) -> str | None:
    """The sentence's fixed text with {} for each value, or None when it is not built from literals."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return (_skeleton(node.left) or "{}") + (_skeleton(node.right) or "{}")
    return None


def _sentence_nodes(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name.endswith(SENTENCE_FUNCTIONS):
            yield from (r.value for r in ast.walk(node) if isinstance(r, ast.Return) and r.value is not None)
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
        if name in SENTENCE_CALLS and node.args:
            yield node.args[0]
        elif name in SECOND_ARGUMENT and len(node.args) > 1:
            yield node.args[1]
        elif (
            name == "append"
            and isinstance(f, ast.Attribute)
            and isinstance(f.value, ast.Name)
            and f.value.id in WARNING_LISTS
            and node.args
        ):
            yield node.args[0]


def sentences_built_in_qa() -> dict[str, str]:
    """{skeleton: where} of every sentence qa/ builds for the page."""
    found: dict[str, str] = {}
    for path in sorted(QA.rglob("*.py")):
        where = path.relative_to(QA).as_posix()
        if where.startswith(NOT_FOR_THE_PAGE):
            continue
        for node in _sentence_nodes(ast.parse(path.read_text())):
            skeleton = _skeleton(node)
            if skeleton and skeleton.strip("{} ") and any(c.isalpha() for c in skeleton):
                found.setdefault(skeleton, f"{where}:{node.lineno}")
    return found


def _said_by_a_template(skeleton: str) -> bool:
    """Whether some way of filling the skeleton's values (a word, or nothing) is an instance of a template."""
    parts = skeleton.split("{}")
    for fill in itertools.product(("7", ""), repeat=len(parts) - 1):
        text = "".join(p + v for p, v in zip(parts, (*fill, ""), strict=True))
        if template_for(text) is not None:
            return True
    return False


def test_every_sentence_qa_builds_for_the_page_has_a_chinese_template():
    found = sentences_built_in_qa()
    assert len(found) > 80  # the scan finds what it should: errors, refusals, skipped files, warnings
    missing = {s: where for s, where in found.items() if not _said_by_a_template(s)}
    assert missing == {}


def test_a_refusal_reads_in_chinese_with_its_values_kept():
    assert (
        in_language("file is 12.5 MiB, over the 10 MiB limit (QA_MAX_FILE_BYTES)", "zh")
        == "文件大小 12.5 MiB，超过 10 MiB 的上限（QA_MAX_FILE_BYTES）"
    )


def test_a_reason_inside_a_sentence_is_translated_too():
    said = "guide.epub: left out OEBPS/c2.xhtml (the EPUB archive has no member 'OEBPS/c2.xhtml')"
    assert in_language(said, "zh") == "guide.epub：略去了 OEBPS/c2.xhtml（EPUB 压缩包中没有成员 'OEBPS/c2.xhtml'）"


def test_a_sentence_with_a_period_keeps_it_as_a_chinese_full_stop():
    assert (
        in_language("the question is empty; type a question about the documents.", "zh")
        == "问题是空的；请输入一个关于文档的问题。"
    )
    assert in_language("The index is being rebuilt; try again in 12 s.", "zh") == "索引正在重建；请在 12 秒后再试。"


def test_the_more_specific_template_wins():
    assert (
        in_language("no text found (a scanned PDF without a text layer?)", "zh") == "没有找到文字（可能是没有文字层的扫描版 PDF）"
    )
    assert in_language("no text found", "zh") == "没有找到文字"


def test_english_and_unknown_sentences_stay_as_they_are():
    assert in_language("empty file (0 bytes)", "en") == "empty file (0 bytes)"
    assert in_language("a sentence nobody wrote a template for", "zh") == "a sentence nobody wrote a template for"
    assert template_for("a sentence nobody wrote a template for") is None


def test_every_template_keeps_its_values_in_chinese():
    """Each value of a template appears in its Chinese, except the English article, which Chinese does without."""
    for en, zh in ZH.items():
        for name in set(re.findall(r"\{(\w+)\}", en)) - {"article"}:
            assert "{" + name + "}" in zh, (en, name)
