"""Example questions made from the indexed documents' own section titles, so they change with the corpus."""

from __future__ import annotations

import html
import re

import qa

from .render import esc

MAX_EXAMPLES = 4
# Headings that name a part of the book, not a subject to ask about.
_GENERIC = re.compile(r"^(contents|table of contents|index|references|bibliography|preface|foreword|acknowledg\w*|"
                      r"appendix|copyright|license|licence|abstract|introduction|summary|glossary|notes?|"
                      r"目录|索引|参考文献|前言|序言|致谢|附录|版权|许可|摘要|简介|概述)$", re.IGNORECASE)


def _subject(title: str) -> str | None:
    """A section title as the subject of a question: numbering dropped; None when it names no subject."""
    bare = re.sub(r"^[\s\dA-Z]{0,3}([.\d]+\s+|\d+\s*[.)、]\s*|第.{1,4}[章节部分]\s*)", "", title.strip()).strip(" .:：")
    bare = re.sub(r"^(the|a|an)\s+", "", bare, flags=re.IGNORECASE)
    cjk = bool(re.search(r"[\u4e00-\u9fff]", bare))
    size = len(bare) if cjk else len(bare.split())
    if not bare or _GENERIC.match(bare) or not (2 <= size <= (16 if cjk else 7)) or not re.search(r"\w", bare):
        return None
    return bare


def questions(titles_by_document: list[list[str]], limit: int = MAX_EXAMPLES) -> list[str]:
    """Up to limit questions, taken in turn from each document's sections (spread through each)."""
    pools = []
    for titles in titles_by_document:
        subjects = list(dict.fromkeys(s for s in map(_subject, titles) if s))
        step = max(1, len(subjects) // limit)
        pools.append(subjects[step // 2::step])
    out: list[str] = []
    while any(pools) and len(out) < limit:
        for pool in pools:
            if pool and len(out) < limit:
                subject = pool.pop(0)
                out.append(f"{subject}是什么？" if re.search(r"[\u4e00-\u9fff]", subject)
                           else f"What does the documentation say about {subject}?")
    return out


def section_titles(assistant: "qa.Assistant", sources: list[str]) -> list[list[str]]:
    """Each indexed document's section titles, in order ([] where the index cannot say)."""
    try:
        return [assistant.section_titles(source) for source in sources]
    except (qa.errors.QAError, OSError):
        return []


def examples_html(assistant: "qa.Assistant", sources: list[str]) -> str:
    """The example questions as buttons that ask them (assets/evidence.js sends them to the chat)."""
    asked = questions(section_titles(assistant, sources))
    return "".join(f'<button type="button" class="qa-example" value="{html.escape(q, quote=True)}">{esc(q)}</button>'
                   for q in asked)
